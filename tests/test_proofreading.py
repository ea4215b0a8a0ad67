"""A proofreading pass over generated agreements, read back from both formats in every shipped locale.

The agreements are drawn here to hold what a proofreader catches (names and descriptions ending in their
own marks, abbreviations such as "K.K.", straight quotes nested in statements, parties that take "the",
sources with a web address and a note); each is built as a briefing and a memo, in PDF (read back with
pdftotext) and DOCX (python-docx), and the text must pass: no doubled punctuation, no straight quotes,
quotations nested the other way round inside each other, "the" where a name takes it (never in
Chinese), nothing running into a web address, no date written in another locale's way (the text, the
timeline's labels and axis, the furniture), no label of another shipped language, and the marking at the
top and the foot of every page (every PDF page read by position; every DOCX section's headers and footers).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import punctuation
from reports.dates import format_day
from reports.model import Agreement
from reports.pipeline import Options, render_formats
from reports.writers import FORMATS
from tests.conftest import docx_text, squash

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is needed")

LANGUAGES = ["en", "en-US", "en-GB", "zh-Hans", "fr", "ja"]
PLACES = ["Harbour", "Northwind", "Kitano", "Zürich", "Ōsaka", "Lakeside"]
ENDINGS = ["", ".", "!", "?", "…"]
ZH_ENDINGS = ["", "。", "！", "？", "."]
URL = "https://example.org/docs/report(final).pdf"
MARKS = "".join(sorted(punctuation.TERMINAL | punctuation.CLAUSE))
LOCALES = Path(__file__).resolve().parents[1] / "templates" / "locales"


@dataclass(frozen=True)
class Words:
    """The data's own words in one language: what a user writing in it would type."""

    description: str
    quotes: tuple[str, ...]
    units: tuple[str, ...]
    summary: str  # {company} is the second party's name
    types: tuple[str, ...]
    purpose: str
    notes: tuple[str, ...]
    marking: str
    events: tuple[str, str]
    endings: tuple[str, ...] = tuple(ENDINGS)


ENGLISH = Words("It keeps the records", ('We said "publish it all" and meant \'all\'',
                                         "The archive's \"open shelf\" is ready",
                                         '"Yes," she said, "the \'open\' rule stands"'),
                ("teams that publish the records.", "teams that publish the records", "desks?"),
                "{company} and others agreed to publish the records.",
                ("interim data-sharing agreement", "memorandum of understanding", "MoU"), "To publish the records.",
                ("Technical report", "Technical report.", "技术报告"), "INTERNAL", ("Talks open", "The archive opens"))
WORDS = {
    "en": ENGLISH,
    "zh": Words("数字科技合作伙伴",
                ('我们说"全部公开"，指的是\'全部\'', '档案馆的"开放书架"已经准备好', '他说："\'开放\'规则不变"'),
                ("发布档案的团队。", "发布档案的团队", "档案团队？", "teams of K.K."),
                "{company}与其他各方同意公开档案。",
                ("全面战略合作协议", "谅解备忘录"), "公开档案。", ("Technical report", "技术报告"), "内部",
                ("谈判开始", "档案馆开放"), tuple(ZH_ENDINGS)),
    "fr": Words("Elle tient les archives", ('Nous avons dit "tout publier" et voulions dire \'tout\'',
                                            "L'étagère \"ouverte\" des archives est prête",
                                            '"Oui," dit-elle, "la règle \'ouverte\' demeure"'),
                ("équipes qui publient les archives.", "équipes qui publient les archives", "bureaux ?"),
                "{company} et les autres parties ont convenu de publier les archives.",
                ("accord intérimaire de partage de données", "protocole d'accord"), "Publier les archives.",
                ("Rapport technique", "Rapport technique."), "Diffusion restreinte",
                ("Ouverture des négociations", "Les archives ouvrent")),
    "ja": Words("記録を保管する機関",
                ('私たちは"すべて公開"と言い、\'すべて\'を意味した', '文書館の"開架"は準備ができている',
                 '彼は"\'公開\'の規則は変わらない"と言った'),
                ("記録を公開するチーム。", "記録を公開するチーム", "窓口？"),
                "{company}と他の当事者は記録の公開に合意した。",
                ("包括的戦略協力協定", "覚書"), "記録を公開すること。", ("技術報告", "技術報告。"), "社外秘",
                ("交渉開始", "文書館の開館"), tuple(ZH_ENDINGS)),
}


def words_of(language: str) -> Words:
    return WORDS.get(language.split("-")[0], ENGLISH)


def _party(kind: str, name: str, description: str) -> dict[str, Any]:
    return {"name": name, "kind": kind, "description": description}


DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))


@st.composite
def proof_agreements(draw: st.DrawFn, language: str) -> dict[str, Any]:
    words = words_of(language)
    place = st.sampled_from(PLACES)
    end = st.sampled_from(words.endings)
    names = [
        ("government", draw(st.sampled_from([f"{draw(place)} Provincial Government", f"Ministry of {draw(place)}",
                                              "The Lakeside Council"]))),
        ("company", f"{draw(place)} Systems " + draw(st.sampled_from(["K.K.", "Inc.", "Group", "Ltd"]))),
        ("university", draw(st.sampled_from([f"University of {draw(place)}", f"{draw(place)} University"]))),
        ("international-organisation", "UNESCO"),
    ]
    count = draw(st.integers(2, 4))
    parties = [_party(kind, name, words.description + draw(end)) for kind, name in names[:count]]
    if draw(st.booleans()):
        parties[0]["definite_article"] = draw(st.booleans())
    company = parties[1]["name"]
    signed, before, published = draw(DAYS), draw(DAYS), draw(DAYS)
    first, second = sorted({before, signed}) if before != signed else (signed, signed)
    return {
        "schema_version": 1, "id": "proof", "language": language,
        "title": "Harbour \"Open Records\" Accord",
        "summary": words.summary.format(company=company),
        "agreement": {"type": draw(st.sampled_from(words.types)), "signed": signed.isoformat(),
                      "purpose": words.purpose},
        "parties": parties,
        "participating_units": [{"party": company, "count": 2, "description": draw(st.sampled_from(words.units)),
                                 "units": ["Archive Service", "Records Desk" + draw(end)]}],
        "focus_areas": [{"name": "Records" + draw(end), "summary": 'Whether to publish "all" of them.'}],
        "statements": [{"speaker": "Ken O'Hara Jr.", "role": f"President, {company}", "kind": kind,
                        "text": draw(st.sampled_from(words.quotes)) + draw(end)} for kind in ("quote", "paraphrase")],
        # Two events, the signing one of them when the days differ: the figure's labels and axis print dates.
        "timeline": [{"date": first.isoformat(), "event": words.events[0]},
                     *([{"date": second.isoformat(), "event": words.events[1]}] if second != first else [])],
        "sources": [
            {"title": "Why publish" + draw(end), "publisher": company, "date": published.isoformat(), "url": URL,
             "note": draw(st.sampled_from(words.notes))},
            {"title": "Second source", "publisher": parties[0]["name"]},
        ],
        "memo": {"classification": words.marking},
    }


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it (what a reader copies out of the file)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def doubled_punctuation(text: str) -> list[str]:
    """Two marks side by side where one belongs: not an abbreviation's dot before , : ; ? !, not an ASCII
    comma after ? ! …, and marks before a separator (". ·", "。 ·") count too."""
    text = squash(text.replace(URL, "URL"))
    # A separator after a sentence's end ("2023. · Next"); after an abbreviation it separates a list
    # ("Systems K.K. · University of Tokyo", the title block's parties). (A "•" is a list's bullet, which
    # pdftotext reads out beside the item before.)
    found = [m.group() for m in re.finditer(r"[.。!?！？…]\s*·", text)
             if not (m.group()[0] == "." and punctuation._abbreviation(text, m.start()))]
    for i in range(len(text) - 1):
        pair = text[i:i + 2]
        if pair[0] in MARKS and pair[1] in MARKS:
            if pair[0] == "." and pair[1] in ",:;?!，、：；" and punctuation._abbreviation(text, i):
                continue
            if pair[1] == "," and pair[0] in "?!…":
                continue
            found.append(text[max(i - 12, 0):i + 4])
    return found


_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")  # an apostrophe stands between two letters of a Latin script


def nested_the_same_way(text: str, pairs: tuple[tuple[str, str], ...] = (("“", "”"), ("‘", "’"))) -> list[str]:
    """Quotations opened right inside a quotation of the same pair ("“a “b” c”"): nesting must alternate.
    A ’ between two Latin letters is an apostrophe (between two Chinese characters it closes a quotation).
    """
    closing = {o: c for o, c in pairs}
    stack: list[str] = []
    found = []
    for i, char in enumerate(text):
        if char in closing:
            if stack and stack[-1] == char:
                found.append(text[max(i - 20, 0):i + 20])
            stack.append(char)
        elif stack and char == closing[stack[-1]]:
            if char == "’" and _LATIN.fullmatch(text[i - 1:i]) and _LATIN.fullmatch(text[i + 1:i + 2]):
                continue
            stack.pop()
    return found


def _expected_parties(data: dict[str, Any], english: bool) -> list[str]:
    parties = Agreement.model_validate(data).parties
    return [("the " if english and p.takes_the else "") + (p.name or "") for p in parties]


# Each shipped locale's quotation pairs, outer then inner (reports/parse/quotes.py).
PAIRS = {"fr": (("«", "»"), ("“", "”")), "ja": (("「", "」"), ("『", "』"))}
DATE_FORMS = ("long", "yMMMd", "yMMM", "MMMd")
SHIPPED = ("en-GB", "en-US", "fr", "ja", "zh-Hans")  # every catalogue's locale, English's two date forms


def foreign_dates(data: dict[str, Any], text: str) -> list[str]:
    """Every date of the data written as another shipped locale writes it (and as this one never does)."""
    days = {dt.date.fromisoformat(data["agreement"]["signed"]), *(dt.date.fromisoformat(e["date"])
            for e in data.get("timeline", [])), *(dt.date.fromisoformat(s["date"]) for s in data["sources"]
                                                  if s.get("date"))}
    bare = re.sub(r"\s+", "", text)
    found = []
    for day in sorted(days):
        own = {format_day(day, form, data["language"]) for form in DATE_FORMS}
        for tag in SHIPPED:
            for form in DATE_FORMS:
                other = format_day(day, form, tag)
                if any(other in mine for mine in own):
                    continue
                if _printed(other, text, bare):
                    found.append(f"{other!r} ({tag})")
    return found


def _printed(words: str, text: str, bare: str) -> bool:
    """Whether ``words`` are in ``text``: as whole words however the lines wrap for a Latin script (a
    timeline axis's "Jan 1" above "Jan 2" does not print "1 Jan"), ``bare`` (``text`` without spaces)
    holding them for one without spaces between words."""
    if re.search(r"[A-Za-z]", words) is None:
        return re.sub(r"\s+", "", words) in bare
    space = r"(?:[ \t\u00a0\u202f]+|[ \t\u00a0\u202f]*\n[ \t\u00a0\u202f]*)"  # a wrap, not a blank line between labels
    return re.search(r"(?<!\w)" + space.join(map(re.escape, words.split())) + r"(?!\w)", text) is not None


def _label_pieces(message: str) -> list[str]:
    pieces = (p.strip(" \u00a0\u202f.,:;!?()·、，：。（）«»") for p in re.split(r"%\(\w+\)[sd]|[*\n]", message))
    return [p for p in pieces if (re.search(r"[A-Za-z]", p) and len(p) >= 4)
            or (not re.search(r"[A-Za-z]", p) and len(p) >= 2)]


def _catalogue_labels() -> dict[str, set[str]]:
    """Every shipped catalogue's label pieces by language ('en': the message ids), a piece being a label's
    text between its placeholders."""
    labels: dict[str, set[str]] = {"en": set()}
    for folder in sorted(LOCALES.iterdir()):
        if not (folder / "LC_MESSAGES" / "messages.po").is_file():
            continue
        with (folder / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogue = read_po(handle)
        language = folder.name.split("_")[0]
        labels[language] = set()
        for message in catalogue:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                labels["en"].update(_label_pieces(str(msgid)))
            for string in strings:
                labels[language].update(_label_pieces(str(string or "")))
    return labels


LABELS = _catalogue_labels()


def _values(data: Any) -> list[str]:
    """Every string the data holds (its values, not its field names)."""
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [str(data)]


def foreign_labels(data: dict[str, Any], text: str) -> list[str]:
    """Labels of another shipped language that ``text`` prints: a piece none of this language's labels
    holds and the data does not say."""
    language = data["language"].split("-")[0]
    own = " ".join(LABELS.get(language, LABELS["en"])).lower()
    said = " ".join(_values(data)).lower()
    bare = re.sub(r"\s+", "", text)
    found = []
    for other, pieces in LABELS.items():
        if other == language:
            continue
        for piece in sorted(pieces):
            if piece.lower() in own or piece.lower() in said:
                continue
            if _printed(piece, text, bare):
                found.append(f"{piece!r} ({other})")
    return found


def pdf_bands(pdf: bytes) -> list[tuple[str, str]]:
    """Each page's text in its top and its bottom eighth (read by position, without spaces)."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode("utf-8")
    bands = []
    for page in out.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        words = [(float(y0), float(y1), html.unescape(w)) for y0, y1, w in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)]
        bands.append(("".join(w for _, y1, w in words if y1 < height / 8),
                      "".join(w for y0, _, w in words if y0 > height * 7 / 8)))
    return bands


def docx_furniture(docx_bytes: bytes) -> list[tuple[str, str]]:
    """The text of every header and footer a page of the DOCX can take: (part, its text)."""
    import docx

    document = docx.Document(io.BytesIO(docx_bytes))
    parts = []
    for number, section in enumerate(document.sections):
        kinds = ["", *(["first_page_"] if section.different_first_page_header_footer else []),
                 *(["even_page_"] if document.settings.odd_and_even_pages_header_footer else [])]
        for kind in kinds:
            for edge in ("header", "footer"):
                part = getattr(section, kind + edge)
                name = f"section {number + 1} {kind}{edge}"
                if part.is_linked_to_previous:
                    if number == 0:
                        parts.append((name, ""))  # no header or footer at all
                    continue
                parts.append((name, "".join(part._element.xpath(".//w:t/text()"))))
    return parts


def unmarked(data: dict[str, Any], fmt: str, document: bytes) -> list[str]:
    """The places a page can lack the data's marking: a PDF page's top or foot, a DOCX header or footer."""
    marking = re.sub(r"\s+", "", data["memo"]["classification"].upper())
    if fmt == "pdf":
        return [f"page {n} {edge}" for n, bands in enumerate(pdf_bands(document), 1)
                for edge, band in zip(("top", "foot"), bands, strict=True) if marking not in band]
    return [name for name, text in docx_furniture(document) if marking not in re.sub(r"\s+", "", text)]


def proofread(data: dict[str, Any], kind: str, fmt: str, text: str) -> list[str]:
    """Everything a proofreader would mark in ``text`` (one document read back)."""
    english = data["language"].startswith("en")
    flat = squash(text)
    problems = [f"doubled: {d!r}" for d in doubled_punctuation(text)]
    problems += [f"straight quote: {flat[max(m.start() - 20, 0):m.end() + 20]!r}"
                 for m in re.finditer("[\"']", flat.replace(URL, "URL"))]
    pairs = PAIRS.get(data["language"].split("-")[0], (("“", "”"), ("‘", "’")))
    problems += [f"quotation nested the same way: {n!r}" for n in nested_the_same_way(flat, pairs)]
    problems += [f"'.' then '。': {m.group()!r}" for m in re.finditer(r".{0,10}\.。", flat)]
    if URL in flat and re.search(re.escape(URL) + r"\s*(Technical|技术|Rapport|技術)", flat):
        problems.append("the note runs after the web address")
    if kind == "memo":
        names = _expected_parties(data, english=english)
        problems += [f"missing in running text: {n!r}" for n in names if n not in flat]
        if not english and re.search(r"\bthe\b", flat):
            problems.append("an English article in a document in another language")
    problems += [f"article twice: {m.group()!r}" for m in re.finditer(r"\b[Tt]he [Tt]he\b", flat)]
    problems += [f"a date in another locale's form: {d}" for d in foreign_dates(data, text)]
    problems += [f"a label in another language: {label}" for label in foreign_labels(data, text)]
    return [f"{kind}.{fmt}: {p}" for p in problems]


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_agreements_pass_a_proofreader_in_both_formats(language: str, data: st.DataObject) -> None:
    raw = data.draw(proof_agreements(language))
    agreement = Agreement.model_validate(raw)
    problems: list[str] = []
    for kind in ("briefing", "memo"):
        for fmt, result in zip(FORMATS, render_formats(agreement, kind, FORMATS, Options()), strict=True):
            text = pdf_text(result.data) if fmt == "pdf" else docx_text(result.data) + "\n" + "\n".join(
                t for _, t in docx_furniture(result.data))
            assert "Records Desk" in text  # the read-back works at all
            problems += proofread(raw, kind, fmt, text)
            problems += [f"{kind}.{fmt}: no marking at the {where}" for where in unmarked(raw, fmt, result.data)]
    assert not problems, "\n".join(problems)


def test_the_proofreader_catches_what_it_should() -> None:
    # The checks themselves, on the defects the issue reported.
    assert doubled_punctuation("publish the records.: Archive Service") == [" the records.: A"]
    assert doubled_punctuation("…Systems K.K.. Next") and doubled_punctuation("Systems K.K.。")
    assert doubled_punctuation("2023年7月7日。 · 《阿里巴巴》")
    assert not doubled_punctuation("Systems K.K., March 3 and Yahoo!, CEO and Systems K.K.: A")
    assert nested_the_same_way("“We said “publish it all” and”")
    assert not nested_the_same_way("“‘Yes,’ she said, ‘the “open” rule stands’” and the archive’s shelf")
    data = {"language": "en", "schema_version": 1, "id": "x", "title": "x", "summary": "x",
            "agreement": {"type": "x", "signed": "2025-01-01", "purpose": "x"},
            "parties": [_party("government", "Ministry of Culture", "x"), _party("company", "Acme Inc.", "x")],
            "sources": [{"title": "x", "publisher": "x"}]}
    found = proofread(data, "memo", "pdf", f"On 1 January, Ministry of Culture and Acme Inc. signed \"x\". {URL} "
                                           "Technical report")
    assert any("the Ministry of Culture" in p for p in found) and any("straight quote" in p for p in found)
    assert any("web address" in p for p in found)
    # A date in another locale's way, a label in another language, a page without its marking.
    data["language"] = "en-GB"
    data["timeline"] = [{"date": "2025-03-03", "event": "x"}]
    assert "'March 3, 2025' (en-US)" in foreign_dates(data, "Signed on 1 January 2025; talks opened March 3, 2025.")
    assert not foreign_dates(data, "Signed on 1 January 2025.\n3 March 2025")
    data["language"] = "en-US"  # an axis's "Jan 1" above "Jan 2" is not the British "1 Jan"
    assert not foreign_dates(data, "Signed on January 1, 2025.\nJan 1\n\nJan 2\nMarch 3, 2025")
    data["language"] = "zh-Hans"
    assert foreign_dates(data, "签署于 1 Jan 2025") and not foreign_dates(data, "2025年1月1日签署")
    assert {"'Chronologie' (fr)", "'要点' (ja)"} <= set(foreign_labels({**data, "language": "en"},
                                                                       "Chronologie\n要点\nTimeline"))
    assert "'Timeline' (en)" in foreign_labels({**data, "language": "fr"}, "Chronologie\nTimeline")
    agreement = Agreement.model_validate({**data, "memo": {"classification": "INTERNAL"}})
    pdf, document = render_formats(agreement, "memo", FORMATS, Options())
    secret = {**data, "memo": {"classification": "SECRET"}}
    assert unmarked(secret, "pdf", pdf.data) == ["page 1 top", "page 1 foot"]
    assert unmarked(secret, "docx", document.data) and not unmarked({**data, "memo": {"classification": "internal"}},
                                                                     "docx", document.data)
