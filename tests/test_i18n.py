"""Localisation: the filters in the document's locale, the message catalogues and their fallback, and both
editions of the reference agreement (English and Simplified Chinese) read back from PDF and DOCX."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings

from reports import i18n
from reports import tree as t
from reports.compose import compose_document, environment, render_markdown
from reports.errors import ReportsError, TemplateError
from reports.filters import FilterError, chinese_number, longdate, number, number_words, prose_list, with_local
from reports.kinds import DEFAULT_KINDS as KINDS
from reports.load import load_agreement
from reports.model import Agreement
from reports.paths import builtin_data_dir, builtin_templates_dir
from reports.pipeline import Options, render, render_formats
from reports.writers import FORMATS
from tests import strategies
from tests.conftest import document_text
from tests.tagged_pdf import check_tagged
from tests.test_generative import _located, docx_body_text, missing_strings, pdf_body_text, printed_strings

ENGLISH_FILE = builtin_data_dir() / "zhejiang-alibaba-2023.yaml"
CHINESE_FILE = builtin_data_dir() / "zhejiang-alibaba-2023.zh-Hans.yaml"
LOCALES = builtin_templates_dir() / "locales"
ZH_CATALOGUE = LOCALES / "zh_Hans" / "LC_MESSAGES" / "messages.po"
_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def english() -> Agreement:
    return load_agreement(ENGLISH_FILE)


@pytest.fixture(scope="module")
def chinese() -> Agreement:
    return load_agreement(CHINESE_FILE)


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(("tag", "expected"), [
    ("en", "7 July 2023"), ("en-GB", "7 July 2023"), ("en-US", "July 7, 2023"), ("zh-Hans", "2023年7月7日"),
    ("zh-CN", "2023年7月7日"), ("fr", "7 juillet 2023"), ("de-AT", "7. Juli 2023"),
])
def test_longdate_follows_the_locale(tag: str, expected: str) -> None:
    assert longdate(dt.date(2023, 7, 7), tag) == expected
    locale, warning = i18n.resolve(tag, "en")
    with i18n.activate(locale):
        # The document's locale when none is named; a language without a catalogue is English throughout.
        assert longdate("2023-07-07") == (expected if warning is None else "7 July 2023")


def test_filters_outside_a_render_are_english_and_refuse_unknown_locales() -> None:
    assert longdate("2023-07-07") == "7 July 2023"
    assert prose_list(["a", "b", "c"]) == "a, b and c"
    assert number_words(42) == "forty-two"
    for call in (lambda: longdate("2023-07-07", "xx-Nope"), lambda: prose_list(["a"], locale="!!"),
                 lambda: number_words(3, locale=5)):  # type: ignore[arg-type]
        with pytest.raises(FilterError, match="locale"):
            call()


@pytest.mark.parametrize(("tag", "and_", "or_"), [
    ("en", "Tea, Rice and Silk", "Tea, Rice or Silk"),
    ("en-US", "Tea, Rice, and Silk", "Tea, Rice, or Silk"),
    ("zh-Hans", "Tea、Rice和Silk", "Tea、Rice或Silk"),
    ("fr", "Tea, Rice et Silk", "Tea, Rice ou Silk"),
])
def test_prose_list_uses_the_locales_pattern(tag: str, and_: str, or_: str) -> None:
    items = ["Tea", "Rice", "Silk"]
    assert prose_list(items, locale=tag) == and_
    assert prose_list(items, "or", locale=tag) == or_
    assert prose_list(items, "plus", locale=tag) == "Tea, Rice plus Silk"  # another word: as written
    assert prose_list(["a*b", "c"], locale=tag).startswith("a\\*b")  # data stays escaped
    assert prose_list([], locale=tag) == ""


@pytest.mark.parametrize(("value", "expected"), [
    (0, "零"), (1, "一"), (7, "七"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九"), (100, "一百"),
    (105, "一百零五"), (110, "一百一十"), (1001, "一千零一"), (1010, "一千零一十"), (9999, "九千九百九十九"),
    (10_000, "一万"), (10_005, "一万零五"), (20_300, "二万零三百"), (100_000, "十万"), (110_000, "十一万"),
    (1_000_100, "一百万零一百"), (99_999_999, "九千九百九十九万九千九百九十九"),
])
def test_chinese_numerals(value: int, expected: str) -> None:
    assert chinese_number(value) == expected


def test_number_words_per_language() -> None:
    assert number_words(7, "zh-Hans") == "七"
    assert number_words(2, "zh-Hans") == "两"  # counting form, before a measure word (两个领域)
    assert number_words(22, "zh-Hans") == "二十二"
    assert number_words(100_000_000, "zh-Hans") == "100,000,000"
    assert number_words(7, "en-US") == "seven"
    assert number_words(1234, "en") == "1,234"
    assert number_words(7, "fr") == "7"  # no number words here for French: digits
    assert number(1234567, "fr") == "1\u202f234\u202f567"
    with pytest.raises(ValueError):
        chinese_number(-1)


def test_with_local_uses_the_catalogues_brackets() -> None:
    assert with_local("Zhang Yong", "张勇") == "Zhang Yong (张勇)"
    with i18n.activate(i18n.resolve("zh-Hans", "en")[0]):
        assert with_local("Zhang Yong", "张勇") == "Zhang Yong（张勇）"
        assert with_local("张勇", "张勇") == "张勇"


def test_a_filter_of_constants_is_not_frozen_into_the_compiled_template(tmp_path: Path, english: Agreement) -> None:
    # Jinja works out a filter of constants once, when it compiles; one compiled template serves every
    # language, so the locale filters must be asked at each render.
    (tmp_path / "memo.md.j2").write_text("{{ 7 | number_words }}|{{ '2023-07-07' | longdate }}|"
                                         "{{ ['a', 'b'] | prose_list }}|{{ _('Summary') }}\n", encoding="utf-8")
    for tag, expected in (("en", "seven|7 July 2023|a and b|Summary"), ("zh-Hans", "七|2023年7月7日|a和b|摘要"),
                          ("en", "seven|7 July 2023|a and b|Summary")):
        text, _ = render_markdown(english, "memo", template_dir=tmp_path, locale=i18n.resolve(tag, "en")[0])
        assert text.strip() == expected


def test_translated_labels_escape_the_data_once_and_stay_plain_in_front_matter(tmp_path: Path,
                                                                              english: Agreement) -> None:
    data = english.model_copy(update={"sources": [english.sources[0].model_copy(
        update={"publisher": "A*B (C) & D"})]})
    for tag in ("en", "zh-Hans"):
        document, _ = compose_document(data, "briefing", locale=i18n.resolve(tag, "en")[0])
        assert document.meta.source_line.endswith("A*B (C) & D")  # front matter: as written
        sources = document.blocks[-1]
        assert isinstance(sources, t.OrderedList)
        assert "A*B (C) & D" in "".join(_plain(sources))  # body: printed literally, never as Markdown


def _plain(node: Any) -> list[str]:
    if isinstance(node, t.Text):
        return [node.text]
    out: list[str] = []
    for name in ("items", "blocks", "content", "children"):
        for child in getattr(node, name, ()) or ():
            out += _plain(child)
    return out


# --------------------------------------------------------------------------- catalogues


def _catalogue(path: Path) -> Any:
    with path.open("rb") as handle:
        return read_po(handle)


def _msgids(catalogue: Any) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


def test_the_catalogue_template_and_the_chinese_catalogue_hold_every_label_of_the_code() -> None:
    # Extracted now, the way the template guide says (babel.cfg), so a label added to a template or to
    # the writers' words without its catalogue entries fails here.
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent.parent
    config = LOCALES / "babel.cfg"
    from babel.messages.frontend import parse_mapping_cfg

    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    extracted = {m[2] if isinstance(m[2], str) else m[2][0]
                 for m in extract_from_dir(str(root), method_map, options_map, keywords=keywords)
                 if not str(m[0]).startswith((".venv", "tests", "build"))}
    assert {"MEMORANDUM", "Executive summary", "Page %(page)s of %(pages)s", "SUBJECT"} <= extracted
    assert _msgids(_catalogue(LOCALES / "messages.pot")) == extracted
    zh = _catalogue(ZH_CATALOGUE)
    assert _msgids(zh) == extracted
    for message in zh:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(strings) and "fuzzy" not in message.flags, f"untranslated: {message.id!r}"
        assert all(i18n.placeholders(s) == i18n.placeholders(ids[0]) for s in strings), message.id


def test_locale_tags_find_their_catalogue() -> None:
    assert i18n.candidates(i18n.parse_tag("zh-CN")) == ["zh_Hans_CN", "zh_Hans", "zh_CN", "zh"]
    for tag in ("zh-Hans", "zh-CN", "zh_Hans", "zh-Hans-SG"):
        locale, warning = i18n.resolve(tag, "en")
        assert warning is None and locale.catalogues == (str(ZH_CATALOGUE),), tag
        assert locale.labels().memorandum == "备忘录"
    assert i18n.resolve("zh-TW", "en")[0].catalogues == ()  # Traditional Chinese is not Simplified


def test_an_unknown_language_is_english_with_one_warning(english: Agreement) -> None:
    for options, data, where in ((Options(lang="xx-Nowhere"), english, "--lang"),
                                 (Options(), english.model_copy(update={"language": "qqq"}), "memo.yaml")):
        rendered = render(data, "memo", "docx", options, source="memo.yaml")
        notes = [w for w in rendered.warnings if "language" in w.message]
        assert len(notes) == 1 and notes[0].file == where and "English" in notes[0].message
        text = document_text(rendered.data, "docx")
        assert "MEMORANDUM" in text and "SUBJECT" in text and "7 July 2023" in text


def test_a_language_without_a_catalogue_is_english_throughout(english: Agreement) -> None:
    rendered = render(english.model_copy(update={"language": "pt-BR"}), "memo", "docx", source="d.yaml")
    [note] = [w for w in rendered.warnings if "catalogue" in w.message]
    assert note.file == "d.yaml" and note.field == "language"
    assert note.message == "no catalogue for 'pt-BR': the document is in English (labels, dates, lists, numbers)"
    text = document_text(rendered.data, "docx")
    assert "7 July 2023" in text and "SUBJECT" in text and "Page " in text and "julho" not in text


def _write_po(path: Path, entries: dict[str, str], language: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    path.write_text(f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {language}\\n"\n\n'
                    + body, encoding="utf-8")


def test_a_partial_catalogue_falls_back_label_by_label(tmp_path: Path, english: Agreement) -> None:
    # Portuguese, which the tool does not ship: the template folder's catalogue is the only one.
    _write_po(tmp_path / "locales" / "pt" / "LC_MESSAGES" / "messages.po",
              {"Executive summary": "Síntese", "Page %(page)s of %(pages)s": "Página %(page)s de %(pages)s",
               "Signed": "Assinado em", "MEMORANDUM": "NOTA %(oops)s"}, "pt")
    data = english.model_copy(update={"language": "pt"})
    options = Options(template_dir=tmp_path)
    for fmt in ("pdf", "docx"):
        rendered = render(data, "briefing", fmt, options)
        assert not [w for w in rendered.warnings if "catalogue" in w.message]
        text = document_text(rendered.data, fmt)
        assert "Síntese" in text and "Assinado em" in text  # translated
        assert "Parties" in text and "Focus areas" in text and "Sources" in text  # not in it: English
        assert "7 de julho de 2023" in text  # the locale's dates all the same
        assert "Executive summary" not in text
    docx = document_text(render(data, "briefing", "docx", options).data, "docx")
    assert re.search(r"Página\s*1\s*de\s*\d", docx)  # the writers' words come from the same catalogue
    memo = document_text(render(data, "memo", "docx", options).data, "docx")
    assert "MEMORANDUM" in memo and "oops" not in memo  # a broken translation: the English label


def test_a_template_folders_catalogue_overrides_the_built_in_one_per_label(tmp_path: Path,
                                                                           chinese: Agreement) -> None:
    _write_po(tmp_path / "locales" / "zh_Hans" / "LC_MESSAGES" / "messages.po",
              {"Summary": "概要", "Key points": "要点 %(nope)s"}, "zh_Hans")
    text, _ = render_markdown(chinese, "memo", template_dir=tmp_path,
                              locale=i18n.resolve(None, "zh-Hans", tmp_path)[0])
    assert "# 概要" in text  # the user's
    assert "# 后续工作" in text  # the built-in catalogue's
    assert "# Key points" in text  # the user's translation lost its placeholder: English, not a crash


def test_a_broken_catalogue_is_one_located_error(tmp_path: Path, chinese: Agreement) -> None:
    po = tmp_path / "locales" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "Summary"\nmsgstr "概要"\n概要 without quotes\n', encoding="utf-8")
    i18n.clear_cache()
    with pytest.raises(TemplateError) as caught:
        render(chinese, "memo", "docx", Options(template_dir=tmp_path))
    [problem] = caught.value.problems
    assert problem.file == str(po) and problem.line == 6 and "catalogue" in problem.message
    assert problem.message.endswith("misformatted keyword")


# --------------------------------------------------------------------------- both editions, both formats


def _labels_of(english_text: str) -> tuple[list[str], dict[str, str]]:
    """The catalogue's labels that the English document shows: the words of each msgid (between its
    placeholders and Markdown marks) that the English text contains, and of those the whole labels
    (msgids without placeholders, a line of the text) with their Chinese translation."""
    pieces: list[str] = []
    whole: dict[str, str] = {}
    lines = {line.strip() for line in english_text.splitlines()}
    for message in _catalogue(ZH_CATALOGUE):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in ids:
            pieces += [p for p in _words(msgid) if _has_word(p, english_text)]
        msgstr = message.string if isinstance(message.string, str) else message.string[0]
        if not i18n.placeholders(ids[0]) and (ids[0] in lines or " ".join(ids[0]) in lines):  # M E M O ...
            whole[ids[0]] = msgstr
    return sorted(set(pieces)), whole


def _has_word(piece: str, text: str) -> bool:
    # A title in capitals may be letter-spaced (the PDF's M E M O R A N D U M).
    spaced = " ".join(piece) if piece.isupper() and len(piece) > 3 else piece
    return any(re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", text) for p in {piece, spaced})


def _words(message: str) -> list[str]:
    pieces = re.split(r"%\(\w+\)s|[*]", message)
    return [p.strip(" .,:;()·") for p in pieces if re.search(r"[A-Za-z]{2}", p)]


@pytest.fixture(scope="module")
def editions(english: Agreement, chinese: Agreement) -> dict[tuple[str, str, str], str]:
    out: dict[tuple[str, str, str], str] = {}
    for name, data, options in (("en", english, Options()), ("zh", chinese, Options()),
                                ("en+zh-labels", english, Options(lang="zh-Hans"))):
        for kind in ("briefing", "memo"):
            rendered = render_formats(data, kind, ("pdf", "docx"), options, source=name)
            assert not rendered[0].warnings, [w.format() for w in rendered[0].warnings]
            for fmt, result in zip(("pdf", "docx"), rendered, strict=True):
                out[(name, kind, fmt)] = document_text(result.data, fmt)
    return out


# The PDF writer's own words (pdf.py, pdf_page.py) are the lead's to switch to meta.labels; until then
# the Chinese PDFs still say "Page N of M" and "M E M O R A N D U M". Strict: passing, it fails, so that
# the marker is taken away with the change.


@pytest.mark.parametrize("kind", ["briefing", "memo"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_no_english_label_is_left_in_the_chinese_documents(editions: dict[tuple[str, str, str], str],
                                                          kind: str, fmt: str) -> None:
    pieces, whole = _labels_of(editions[("en", kind, fmt)])
    assert len(whole) >= (8 if kind == "memo" else 12)  # the English document shows the labels
    for name in ("zh", "en+zh-labels"):
        text = editions[(name, kind, fmt)]
        left = [piece for piece in pieces if _has_word(piece, text)]
        if name == "en+zh-labels":  # English data around Chinese labels: its text has these words too
            left = [piece for piece in left if piece in whole and not _has_word(piece, _ENGLISH_DATA_TEXT.lower())
                    and not _has_word(piece.lower(), _ENGLISH_DATA_TEXT.lower())]
        assert not left, f"{name} {kind}.{fmt} still says {left}"
        missing = [zh for zh in whole.values() if _squashed(zh) not in _squashed(text)]
        assert not missing, f"{name} {kind}.{fmt} lacks {missing}"


_ENGLISH_DATA_TEXT = ENGLISH_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["briefing", "memo"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_dates_and_lists_are_in_each_editions_language(editions: dict[tuple[str, str, str], str], kind: str,
                                                       fmt: str) -> None:
    zh = _squashed(editions[("zh", kind, fmt)])
    en = " ".join(editions[("en", kind, fmt)].split())
    assert "2023年7月7日" in zh and "July" not in zh
    assert "数字科技、数字商贸、数字生活、数字外贸、数字物流和数字文旅" in zh
    assert "7 July 2023" in en and "年" not in en.replace("浙江省人民政府", "").replace("阿里巴巴集团", "")
    assert ("Digital technology, Digital business, Digital life, Digital foreign trade, Digital logistics "
            "and Digital cultural tourism") in en
    labelled = _squashed(editions[("en+zh-labels", kind, fmt)])
    assert "2023年7月7日" in labelled  # --lang: the labels' language formats the dates too
    assert "DigitaltechnologyDigitalbusiness" not in labelled and "Digitaltechnology、Digitalbusiness" in labelled


def test_the_chinese_edition_has_the_english_editions_facts(english: Agreement, chinese: Agreement) -> None:
    for field in ("schema_version", "agreement.signed", "participating_units.0.count"):
        assert _get(english, field) == _get(chinese, field)
    for field in ("parties", "focus_areas", "statements", "context", "expected_outcomes", "significance",
                  "timeline", "sources", "memo.next_steps"):
        assert len(_get(english, field)) == len(_get(chinese, field)), field
    assert [p.local_name for p in english.parties] == [p.name for p in chinese.parties]
    assert [e.date for e in english.timeline] == [e.date for e in chinese.timeline]
    assert [s.date for s in english.sources] == [s.date for s in chinese.sources]
    latin = re.findall(r"[A-Za-z]{2,}", CHINESE_FILE.read_text(encoding="utf-8").split("\nschema_version")[1])
    assert set(latin) <= {"schema", "version", "id", "zhejiang", "alibaba", "zh", "hans", "title", "subtitle",
                          "language", "Hans", "summary", "agreement", "type", "signed", "purpose", "status",
                          "parties", "name", "short", "local", "also", "known", "as", "kind", "government",
                          "description", "company", "representatives", "participating", "units", "party",
                          "count", "focus", "areas", "statements", "speaker", "role", "paraphrase", "text",
                          "context", "date", "points", "expected", "outcomes", "significance", "timeline",
                          "event", "sources", "publisher", "note", "memo", "to", "from", "cc", "subject",
                          "classification", "organisation", "next", "steps"}, "English text in the Chinese file"


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def test_chinese_documents_say_their_language_and_east_asian_faces(chinese: Agreement) -> None:
    from pypdf import PdfReader

    pdf, docx = render_formats(chinese, "memo", ("pdf", "docx"))
    assert PdfReader(io.BytesIO(pdf.data)).trailer["/Root"]["/Lang"] == "zh-Hans"
    with zipfile.ZipFile(io.BytesIO(docx.data)) as package:
        styles = package.read("word/styles.xml").decode()
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", styles, re.S)
    assert defaults is not None
    assert 'w:eastAsia="zh-CN"' in defaults.group()
    from reports.writers.docx.theme import east_asian_face

    face = east_asian_face(Options().theme)
    assert f'w:eastAsia="{face}"' in defaults.group() and "eastAsiaTheme" not in defaults.group()
    east_asian = set(re.findall(r'w:eastAsia="([^"]+)"', re.sub(r"<w:lang [^>]*>", "", styles)))
    assert east_asian == {face}  # every style: the same East Asian face as the body
    with zipfile.ZipFile(io.BytesIO(docx.data)) as package:
        body = re.sub(r"<w:lang [^>]*>", "", package.read("word/document.xml").decode())
    assert set(re.findall(r'w:eastAsia="([^"]+)"', body)) == {face}  # and every run with Chinese in it


def test_english_documents_keep_the_reference_east_asian_settings(english: Agreement) -> None:
    docx = render(english, "memo", "docx").data
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        styles = package.read("word/styles.xml").decode()
    assert 'w:eastAsiaTheme="minorEastAsia"' in styles  # untouched: the reference's own


def test_labels_split_for_page_fields() -> None:
    assert t.Labels().page_parts() == ("Page ", " of ", "")
    zh = i18n.resolve("zh-Hans", "en")[0].labels()
    assert zh.page_parts() == ("第 ", " 页，共 ", " 页")
    assert zh.page(2, 5) == "第 2 页，共 5 页" and zh.figure_label(3) == "图3" and zh.table_label(1) == "表1"
    assert t.Meta(title="x", language="zh-Hans").east_asian and not t.Meta(title="x").east_asian
    assert t.Meta(title="x", labels=zh).east_asian  # Chinese labels around English text


def test_the_pdf_stylesheet_breaks_chinese_lines_without_extra_leading() -> None:
    from reports.writers.pdf.styles import stylesheet

    theme = Options().theme
    latin, cjk = stylesheet(theme, "briefing"), stylesheet(theme, "briefing", True)
    for name, style in cjk.styles.items():
        assert style.wordWrap == "CJK", name
        assert style.leading == latin.styles[name].leading, name
        assert getattr(latin.styles[name], "wordWrap", None) != "CJK"


_CLOSING = "，。、；：？！）》」』”’"


def test_no_chinese_pdf_line_starts_with_closing_punctuation(chinese: Agreement) -> None:
    from pypdf import PdfReader

    lines: list[str] = []
    for kind in ("briefing", "memo"):
        for page in PdfReader(io.BytesIO(render(chinese, kind, "pdf").data)).pages:
            lines += [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
    assert len(lines) > 40
    bad = [line for line in lines if line[0] in _CLOSING or line[-1] in "“‘（《「『"]
    assert not bad, bad[:5]


def test_draw_text_sets_chinese_runs_in_the_cjk_face() -> None:
    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    from reports.writers.pdf.styles import draw_text

    sheet_theme = Options().theme
    from reports.writers.pdf.styles import stylesheet

    sheet = stylesheet(sheet_theme)
    out = io.BytesIO()
    canvas = Canvas(out)
    draw_text(canvas, 500, 100, "2023年7月7日 · Page 1", sheet.heading.regular, 8, sheet.cjk, align="right")
    canvas.showPage()
    canvas.save()
    page = PdfReader(io.BytesIO(out.getvalue())).pages[0]
    assert (page.extract_text() or "").replace("\n", "") == "2023年7月7日 · Page 1"
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any(sheet.heading.regular in f for f in fonts)  # the Latin face for the Latin runs
    assert any("WenQuanYi" in f or "STSong" in f for f in fonts)  # the CJK face for 年, 月, 日


def test_chinese_builds_are_reproducible_and_the_environment_is_shared(chinese: Agreement) -> None:
    first = render_formats(chinese, "briefing", ("pdf", "docx"))
    again = render_formats(chinese, "briefing", ("pdf", "docx"))
    assert [r.data for r in first] == [r.data for r in again]
    assert environment(None) is environment(None)  # one compiled environment serves every language
    assert _HAN.search(document_text(first[1].data, "docx"))


# --------------------------------------------------------------------------- generated agreements, Chinese labels

_GENERATED_EXAMPLES = max(1, int(os.environ.get("REPORTS_HYPOTHESIS_EXAMPLES", "200")) // 20)  # a tenth of its draws


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=_GENERATED_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(agreement=strategies.agreements())
def test_any_valid_agreement_builds_with_chinese_labels(kind: str, agreement: Agreement) -> None:
    """The robustness test's check (tests/test_generative.py) under ``--lang zh-Hans``: every string the
    template printed, Chinese labels and dates included, is in both files, or the build is refused with
    located problems."""
    options = Options(lang="zh-Hans")
    try:
        rendered = render_formats(agreement, kind, FORMATS, options)
    except ReportsError as error:
        assert _located(error), error.format_message()
        return
    locale = i18n.resolve("zh-Hans", agreement.language)[0]
    document, _ = compose_document(agreement, kind, theme_classification=options.theme.classification,
                                   theme_organisation=options.theme.organisation,
                                   image_base=builtin_templates_dir(), locale=locale)
    assert document.meta.labels.locale == "zh-Hans" and document.meta.east_asian
    expected = printed_strings(document)
    assert any(_HAN.search(s) for s in expected)  # the labels are Chinese
    for fmt, result in zip(FORMATS, rendered, strict=True):
        text = pdf_body_text(result.data, options.theme) if fmt == "pdf" else docx_body_text(result.data)
        logical = check_tagged(result.data).root.all_text() if fmt == "pdf" else ""
        lost = missing_strings(expected, text, fmt, logical)
        assert not lost, f"{kind}.{fmt} lost {len(lost)} of {len(expected)} strings, e.g. {lost[:3]!r}"


# --------------------------------------------------------------------------- the command line


def test_lang_on_the_command_line_gives_chinese_labels_around_english_data(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reports.cli import main

    runner = CliRunner()
    out = tmp_path / "memo.docx"
    result = runner.invoke(main, ["docx", str(ENGLISH_FILE), "--kind", "memo", "--lang", "zh-Hans", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = document_text(out.read_bytes(), "docx")
    assert "备忘录" in text and "收件人" in text and "2023年7月7日" in text
    assert "Head of Government Relations" in text and "MEMORANDUM" not in text and "SUBJECT" not in text

    unknown = tmp_path / "unknown.docx"
    result = runner.invoke(main, ["docx", str(ENGLISH_FILE), "--kind", "memo", "--lang", "xx-Nowhere", "-o",
                                  str(unknown)])
    assert result.exit_code == 0, result.output
    assert result.output.count("unknown language 'xx-Nowhere'") == 1, result.output
    assert "MEMORANDUM" in document_text(unknown.read_bytes(), "docx")
    strict = runner.invoke(main, ["docx", str(ENGLISH_FILE), "--kind", "memo", "--lang", "xx-Nowhere", "--strict",
                                  "-o", str(tmp_path / "strict.docx")])
    assert strict.exit_code == 1 and not (tmp_path / "strict.docx").exists()
