"""Languages never mixed (issue 24): the French and Japanese editions of the shipped agreement read back
from both formats, the English fallback for a language without a catalogue, Japanese set and tagged as
Japanese (PDF /Lang and spans, DOCX w:eastAsia, the Japanese face), local names' languages from the data
and their script, and the timeline figure's dates in the document's locale."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from reports import east_asian, i18n
from reports import tree as t
from reports.dates import format_day
from reports.east_asian import RunLanguages, name_language
from reports.fonts.japanese import find_japanese_face
from reports.load import load_agreement
from reports.model import Agreement
from reports.paths import builtin_data_dir, builtin_templates_dir
from reports.pipeline import Options, render, render_formats
from reports.theme import Theme
from reports.writers.pdf.writer import write_pdf
from tests.conftest import document_text, pdf_text

ENGLISH_FILE = builtin_data_dir() / "zhejiang-alibaba-2023.yaml"
LOCALES = builtin_templates_dir() / "locales"
# Labels written the same in French and English (a French reader reads them as French).
SAME_IN_FRENCH = {"DATE", "Date", "Sources", "Source", "Figure", "Page", "Note", "Contents"}


@pytest.fixture(scope="module")
def english() -> Agreement:
    return load_agreement(ENGLISH_FILE)


def _catalogue(language: str) -> Any:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def editions(english: Agreement) -> dict[tuple[str, str, str], str]:
    """The shipped agreement built with --lang fr and --lang ja (and in English), both kinds and formats."""
    out: dict[tuple[str, str, str], str] = {}
    for lang in ("en", "fr", "ja"):
        for kind in ("briefing", "memo"):
            rendered = render_formats(english, kind, ("pdf", "docx"), Options(lang=lang), source=lang)
            assert not rendered[0].warnings, [w.format() for w in rendered[0].warnings]
            for fmt, result in zip(("pdf", "docx"), rendered, strict=True):
                out[(lang, kind, fmt)] = document_text(result.data, fmt)
    return out


def _whole_labels(language: str, english_text: str) -> dict[str, str]:
    """The catalogue's labels without placeholders that the English document shows as a line of its own
    (letter-spaced in the PDF's MEMORANDUM), with their translation."""
    lines = {line.strip() for line in english_text.splitlines()}
    whole: dict[str, str] = {}
    for message in _catalogue(language):
        if (message.id and isinstance(message.id, str) and not i18n.placeholders(message.id)
                and (message.id.strip() in lines or " ".join(message.id) in lines)):
            whole[message.id.strip()] = str(message.string).strip()
    return whole


_ENGLISH_DATA = ENGLISH_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["briefing", "memo"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("lang", ["fr", "ja"])
def test_no_english_label_is_left_in_the_french_and_japanese_editions(
        editions: dict[tuple[str, str, str], str], lang: str, kind: str, fmt: str) -> None:
    whole = _whole_labels(lang, editions[("en", kind, fmt)])
    assert len(whole) >= (7 if kind == "memo" else 12)  # the English document shows these labels
    text = editions[(lang, kind, fmt)]
    lines = {line.strip() for line in text.splitlines()}
    squashed = re.sub(r"\s+", "", text)
    # A label the English edition prints on a line of its own is not printed so here, unless the data
    # says it too or French writes it the same; its translation is printed instead.
    left = [label for label in whole if (label in lines or " ".join(label) in lines)
            and label not in SAME_IN_FRENCH and label.lower() not in _ENGLISH_DATA.lower()]
    assert not left, f"{lang} {kind}.{fmt} still says {left}"
    missing = [label for label in whole.values() if re.sub(r"\s+", "", label) not in squashed]
    assert not missing, f"{lang} {kind}.{fmt} lacks {missing}"
    for english_only in ("Page 1 of", "Figure 1:", "Key points", "Executive summary", "What happens next"):
        assert english_only not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("lang", ["fr", "ja"])
def test_every_date_is_in_the_editions_locale(editions: dict[tuple[str, str, str], str], english: Agreement,
                                              lang: str, fmt: str) -> None:
    # Every date of the data the document writes (key facts, memo header, footer, timeline labels and axis,
    # the table, sources) is in the edition's locale: no English form of it is printed more often than the
    # data's own words print it ("On 7 July 2023 the ...").
    days = {english.agreement.signed, *(e.date for e in english.timeline),
            *(s.date for s in english.sources if s.date), *(c.date for c in english.context if c.date)}
    data = " ".join(_ENGLISH_DATA.split())
    for kind in ("briefing", "memo"):
        text = " ".join(editions[(lang, kind, fmt)].split())
        for day in days:
            for form in ("long", "yMMMd"):
                for english_form in {format_day(day, form, "en_GB"), format_day(day, form, "en_US")}:
                    assert text.count(english_form) <= data.count(english_form), (kind, english_form)
        signed = format_day(english.agreement.signed, "long", lang)
        assert signed in text or signed.replace(" ", "") in text.replace(" ", ""), (kind, signed)
    briefing = re.sub(r"\s+", "", editions[(lang, "briefing", fmt)])
    for event in english.timeline:  # the timeline table's long dates
        assert format_day(event.date, "long", lang).replace(" ", "") in briefing


def test_a_language_without_a_catalogue_is_wholly_english_in_both_formats(english: Agreement) -> None:
    for fmt in ("pdf", "docx"):
        rendered = render(english, "briefing", fmt, Options(lang="pt-BR"))
        assert [w.message for w in rendered.warnings] == [
            "no catalogue for 'pt-BR': the document is in English (labels, dates, lists, numbers)"]
        text = " ".join(document_text(rendered.data, fmt).split())
        assert "Executive summary" in text and "Signed" in text and "7 July 2023" in text
        assert "and Digital cultural tourism" in text  # the English conjunction, not "e"
        assert not re.search(r"julho|março| e Digital", text)


def test_every_shipped_catalogue_translates_every_label() -> None:
    pot = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue_file(LOCALES / "messages.pot") if m.id}
    for language in ("zh_Hans", "fr", "ja"):
        catalogue = _catalogue(language)
        assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id} == pot, language
        for message in catalogue:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            assert all(strings) and "fuzzy" not in message.flags, f"{language}: untranslated {message.id!r}"
            assert all(i18n.placeholders(s) == i18n.placeholders(ids[0]) for s in strings), (language, message.id)
            assert all(i18n.usable_translation(s, ids[0]) for s in strings), (language, message.id)
            if language == "ja":  # no English words left in a Japanese label (placeholders and Markdown aside)
                bare = [re.sub(r"%\(\w+\)s|[*]", "", s) for s in strings]
                assert not any(re.search(r"[A-Za-z]{2}", b) for b in bare), message.id


def _catalogue_file(path: Path) -> Any:
    with path.open("rb") as handle:
        return read_po(handle)


# --------------------------------------------------------------------------- Japanese, tagged and set


def _japanese_agreement(english: Agreement, language: str = "ja") -> Agreement:
    """The shipped agreement with a third, Japanese party (its name in kana and kanji; its representative's
    in kanji only, which takes the party's language) and the Chinese parties' language given."""
    parties = [p.model_copy(update={"local_name_language": "zh-Hans"}) for p in english.parties]
    data = english.model_dump(by_alias=True, mode="json")
    data["language"] = language
    data["parties"] = [p.model_dump(by_alias=True, mode="json", exclude_none=True) for p in parties] + [{
        "name": "Toyota Motor Corporation", "local_name": "トヨタ自動車株式会社", "kind": "company",
        "description": "A carmaker.",
        "representatives": [{"name": "Koji Sato", "local_name": "佐藤恒治", "title": "President"}]}]
    return Agreement.model_validate(data)


def _spans(pdf: bytes) -> list[tuple[str, str]]:
    """(marked-content /Lang, font BaseFont) of every text-showing operator inside a /Span with a /Lang."""
    out: list[tuple[str, str]] = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            fonts = page.Resources.get("/Font", {})
            stack: list[str] = []
            font = ""
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "BDC":
                    props = operands[1] if len(operands) > 1 else None
                    stack.append(str(props.get("/Lang", "")) if isinstance(props, pikepdf.Dictionary) else "")
                elif op == "BMC":
                    stack.append("")
                elif op == "EMC" and stack:
                    stack.pop()
                elif op == "Tf":
                    font = str(fonts[str(operands[0])].get("/BaseFont", ""))
                elif op in ("Tj", "TJ", "'", '"') and stack and stack[-1]:
                    out.append((stack[-1], font))
    return out


def test_japanese_labels_and_names_are_tagged_japanese_in_the_pdf(english: Agreement) -> None:
    pdf = render(_japanese_agreement(english, "en"), "briefing", "pdf", Options(lang="ja")).data
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert str(document.Root.Lang) == "en"  # the data's text is English
    spans = _spans(pdf)
    languages = {lang for lang, _ in spans}
    assert {"ja", "zh-Hans"} <= languages and "zh-CN" not in languages
    faces = {lang: {font.split("+")[-1] for l2, font in spans if l2 == lang} for lang in languages}
    assert not faces["ja"] & faces["zh-Hans"]  # the two languages never share a face
    text = pdf_text(pdf)
    assert "トヨタ自動車株式会社" in text and "佐藤恒治" in text and "浙江省人民政府" in text
    assert "ja" in _structure_langs(pdf)  # a heading all in Japanese is a Japanese element


def _structure_langs(pdf: bytes) -> set[str]:
    """Every /Lang of the structure tree's elements."""
    found: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        todo: list[Any] = [document.Root.StructTreeRoot]
        while todo:
            node = todo.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/Lang" in node:
                    found.add(str(node.Lang))
                if "/K" in node:
                    todo.append(node.K)
            elif isinstance(node, pikepdf.Array):
                todo.extend(node)
    return found


def test_a_japanese_document_says_ja_in_both_formats(english: Agreement) -> None:
    pdf, docx = render_formats(_japanese_agreement(english), "memo", ("pdf", "docx"))
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        assert str(document.Root.Lang) == "ja"
    spans = _spans(pdf.data)
    assert {lang for lang, _ in spans} == {"zh-Hans"}  # only the Chinese names are marked in a Japanese document
    with zipfile.ZipFile(io.BytesIO(docx.data)) as package:
        styles = package.read("word/styles.xml").decode()
        body = package.read("word/document.xml").decode()
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", styles, re.S)
    assert defaults is not None and 'w:eastAsia="ja-JP"' in defaults.group() and 'w:val="ja-JP"' in defaults.group()
    assert 'w:eastAsia="zh-CN"' not in styles  # every style's East Asian language is Japanese too
    runs = re.findall(r"<w:r>(.*?)</w:r>", body, re.S)
    tagged = {re.sub(r"<[^>]+>", "", r): re.search(r'<w:lang w:eastAsia="([^"]+)"', r) for r in runs}
    by_text = {text: match.group(1) for text, match in tagged.items() if match}
    assert any("浙江省人民政府" in text and lang == "zh-CN" for text, lang in by_text.items())
    assert any("覚書" in text or "概要" in text for text, lang in by_text.items() if lang == "ja-JP")


@pytest.mark.parametrize("kind", ["briefing", "memo"])
def test_the_validators_pass_the_japanese_and_french_documents(english: Agreement, kind: str) -> None:
    # page-validation (PDF/UA-1, the PDF/A profile claimed), outloud and openxml-audit, which we did not
    # write, on a Japanese document with Chinese and Japanese names, and on the French edition.
    from tests.validators import check_pdf, docx_findings

    for data, options in ((_japanese_agreement(english), Options()), (english, Options(lang="fr"))):
        pdf, docx = render_formats(data, kind, ("pdf", "docx"), options)
        assert check_pdf(pdf.data) == ""  # nothing excused either
        assert docx_findings(docx.data) == []


def test_the_japanese_face_is_embedded_when_the_machine_has_one(english: Agreement) -> None:
    face = find_japanese_face()
    if face is None:
        pytest.skip("no Japanese face on this machine (Debian: fonts-ipafont-mincho or fonts-noto-cjk)")
    stem = re.sub(r"[^A-Za-z0-9]", "", face.family)
    pdf, docx = render_formats(_japanese_agreement(english), "memo", ("pdf", "docx"))
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        names = {str(f.get("/BaseFont")) for page in document.pages for f in page.Resources.Font.values()}
        embedded = {str(f.get("/BaseFont")) for page in document.pages for f in page.Resources.Font.values()
                    if "/FontFile2" in f.get("/FontDescriptor", {}) or "/DescendantFonts" in f}
    assert any(stem in name for name in names) and any(stem in name for name in embedded), names
    assert [spans for spans in _spans(pdf.data) if stem in spans[1]] == []  # its runs are the document's: no span
    with zipfile.ZipFile(io.BytesIO(docx.data)) as package:
        table = package.read("word/fontTable.xml").decode()
    entry = re.search(rf'<w:font w:name="{re.escape(face.family)}">.*?</w:font>', table, re.S)
    assert entry is not None and "w:embedRegular" in entry.group()


def test_without_a_japanese_face_japanese_is_set_in_the_chinese_face_with_a_warning(
        english: Agreement, monkeypatch: pytest.MonkeyPatch) -> None:
    from reports.fonts import cjk, japanese
    from reports.writers.pdf import writer

    cjk.clear_cache()
    monkeypatch.setattr(japanese, "find_japanese_face", lambda: None)
    monkeypatch.setattr(writer, "_said_no_japanese_face", False)
    try:
        rendered = render(_japanese_agreement(english, "en"), "memo", "pdf", Options(lang="ja"))
    finally:
        monkeypatch.undo()
        cjk.clear_cache()
    assert any("no Japanese font was found" in w.message for w in rendered.warnings)
    spans = _spans(rendered.data)
    assert {"ja", "zh-Hans"} <= {lang for lang, _ in spans}  # still tagged apart, in one face named twice
    assert all("IPA" not in font for _, font in spans)


# --------------------------------------------------------------------------- a local name's language

_KANA = st.sampled_from(list("あいうえおかきくけこアイウエオカキクケコー"))
_HANGUL = st.sampled_from(list("가나다라마바사아자차카타파하"))
_HAN = st.sampled_from(list("浙江省人民政府阿里巴巴集团佐藤恒治三菱商事"))
_LATIN = st.sampled_from(list("abcXYZ -"))


@given(han=st.lists(_HAN, max_size=4), kana=st.lists(_KANA, min_size=1, max_size=4),
       hangul=st.lists(_HANGUL, min_size=1, max_size=4), latin=st.lists(_LATIN, max_size=4),
       document=st.sampled_from(["en", "en-US", "fr", "ja", "zh-Hans", "ko", "pt-BR"]))
def test_a_local_names_language_defaults_from_its_script(han: list[str], kana: list[str], hangul: list[str],
                                                         latin: list[str], document: str) -> None:
    han_default = east_asian.han_language(document)
    assert han_default == (document if document in ("ja", "zh-Hans", "ko") else "zh-Hans")
    assert name_language("".join(han + kana + latin), None, han_default) == "ja"  # kana: Japanese
    assert name_language("".join(hangul + han + latin), None, han_default) == "ko"  # Hangul: Korean
    if han:
        assert name_language("".join(han + latin), None, han_default) == han_default  # the document's
        assert name_language("".join(han), "zh-Hant", han_default) == "zh-Hant"  # the data's word wins
    assert name_language("".join(latin) or "x", None, han_default) is None  # no East Asian script


@given(person=st.lists(_HAN, min_size=1, max_size=4), party=st.lists(_HAN, min_size=1, max_size=6),
       given_language=st.sampled_from([None, "ja", "zh-Hant", "ko"]),
       document=st.sampled_from(["en", "ja", "zh-Hans"]))
def test_a_representatives_name_in_chinese_characters_takes_the_partys_language(
        person: list[str], party: list[str], given_language: str | None, document: str) -> None:
    person_name, party_name = "".join(person), "姓" + "".join(party)
    agreement = Agreement.model_validate({
        "schema_version": 1, "id": "x", "title": "X", "summary": "X", "language": document,
        "agreement": {"type": "x", "signed": "2024-01-01", "purpose": "x"},
        "parties": [{"name": "A", "local_name": party_name, "local_name_language": given_language, "kind": "company",
                     "description": "x", "representatives": [{"name": "P", "local_name": person_name, "title": "x"}]},
                    {"name": "B", "kind": "company", "description": "x"}],
        "sources": [{"title": "x", "publisher": "x"}]})
    languages = agreement.name_languages()
    expected = given_language or east_asian.han_language(document)
    assert languages[party_name] == expected
    if person_name != party_name:
        assert languages[person_name] == expected


@given(before=st.lists(_KANA | _HAN, max_size=3), after=st.lists(_KANA | _HAN, max_size=3))
def test_a_run_is_cut_at_the_datas_names(before: list[str], after: list[str]) -> None:
    run = "".join(before) + "阿里巴巴集团" + "".join(after)
    pieces = RunLanguages("ja", (("阿里巴巴集团", "zh-Hans"),)).split(run)
    assert "".join(piece for piece, _ in pieces) == run
    assert ("阿里巴巴集团", "zh-Hans") in pieces
    assert all(lang == "ja" for piece, lang in pieces if piece != "阿里巴巴集团")


# --------------------------------------------------------------------------- the timeline's dates


@pytest.mark.parametrize(("locale", "label", "axis"), [
    ("en_US", "Mar 28, 2023", "Apr 10"), ("en_GB", "28 Mar 2023", "10 Apr"), ("fr", "28 mars 2023", "10 avr."),
    ("ja", "2023年3月28日", "4月10日"),
])
def test_the_timeline_figure_writes_dates_in_the_documents_locale(locale: str, label: str, axis: str) -> None:
    events = (t.TimelineEvent("2023-03-28", "Reorganisation"), t.TimelineEvent("2023-07-07", "Signing", True))
    meta = t.Meta(title="T", iso_date="2023-07-07", language=locale.split("_")[0],
                  labels=t.Labels(locale=locale.replace("_", "-"), format_locale=locale))
    doc = t.Document(meta, (t.Timeline(events, caption="Key dates", number=1),))
    text = re.sub(r"\s+", " ", pdf_text(write_pdf(doc, Theme())))
    assert label in text.replace(" ", " ") or label.replace(" ", "") in text.replace(" ", ""), text
    assert axis in text or axis.replace(" ", "") in text.replace(" ", ""), text


# --------------------------------------------------------------------------- the writers' own words


def test_a_wide_tables_part_captions_and_the_logos_alt_text_are_in_the_labels_language() -> None:
    from reports.writers.docx.writer import write_docx

    labels = i18n.resolve("fr", "fr")[0].labels()
    columns = 25
    header = tuple((t.Text(f"C{i}"),) for i in range(columns))
    table = t.Table(header, ((tuple((t.Text(str(i)),) for i in range(columns))),), ("left",) * columns)
    doc = t.Document(t.Meta(title="T", language="fr", labels=labels), (table,))
    for fmt, data in (("pdf", write_pdf(doc, Theme())), ("docx", write_docx(doc, Theme()))):
        text = " ".join(document_text(data, fmt).split())
        assert re.search(r"Colonnes 2 à \d+ sur 25", text), fmt
        assert re.search(r"Colonnes \d+ à 25 sur 25 \(suite ; la première colonne est répétée\)", text), fmt
        assert "Columns" not in text and "continued" not in text, fmt
    assert labels.logo_text("Ministère") == "Logo de Ministère"
    assert i18n.resolve("ja", "ja")[0].labels().logo_text("") == "ロゴ"


def test_a_character_the_japanese_face_lacks_is_set_in_the_chinese_face_not_as_a_box(english: Agreement) -> None:
    # 阿里巴巴集团 in a Japanese document, its language not given: Chinese characters only, so Japanese by
    # the rule; IPA Mincho has no 团, which is then drawn from the Chinese face.
    rendered = render(english.model_copy(update={"language": "ja"}), "memo", "pdf")
    with pikepdf.open(io.BytesIO(rendered.data)) as document:
        fonts = {str(f.get("/BaseFont")) for page in document.pages for f in page.Resources.Font.values()}
    assert not any("ReportsStandIn" in name for name in fonts), fonts
    assert "阿里巴巴集团" in re.sub(r"\s+", "", pdf_text(rendered.data))


def test_a_long_language_tag_is_cut_at_a_subtag_for_word(english: Agreement) -> None:
    # ST_Lang holds 84 characters; the data's tag may be longer (the schema bounds subtags, not their count).
    from tests.validators import docx_findings

    tag = "pt-" + "-".join(["abcdefgh"] * 12)
    docx = render(english.model_copy(update={"language": tag}), "memo", "docx").data
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        styles = package.read("word/styles.xml").decode()
    value = re.search(r'<w:lang w:val="([^"]+)"', styles)
    assert value is not None and len(value.group(1)) <= 84 and tag.startswith(value.group(1).split("-")[0])
    assert not value.group(1).endswith("-") and docx_findings(docx) == []


@pytest.mark.parametrize("lang", ["ja", "zh-Hans"])
def test_a_fresh_process_builds_east_asian_labels(tmp_path: Path, lang: str) -> None:
    # In a new process no face is registered yet: the marking's check measures the page label ("1 / 1
    # ページ") before the writer registers the faces, and must register what it measures with.
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "memo.pdf"
    done = subprocess.run([sys.executable, "-m", "reports", "pdf", "--kind", "memo", "--lang", lang, "-o", str(out)],
                          cwd=root, capture_output=True, text=True, timeout=120, check=False,
                          env={**__import__("os").environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert ("覚書" if lang == "ja" else "备忘录") in re.sub(r"\s+", "", pdf_text(out.read_bytes()))
