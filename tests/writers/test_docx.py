"""The DOCX writer, on hand-built trees: real styles, hyperlinks, fields, CJK fonts, reproducibility."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from pypdf import PdfReader

from reports import tree as t
from reports.errors import RenderError
from reports.theme import DEFAULT_THEME
from reports.writers.docx import story as docx_story
from reports.writers.docx.writer import CORE_PROPERTY_LIMIT, fit_property
from tests.conftest import docx_text
from tests.office import Office
from tests.writers.sample import MARKUP, sample_document
from tests.writing import write_docx


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return write_docx(sample_document(), DEFAULT_THEME)


def test_every_node_type_has_a_handler() -> None:
    handled = set(docx_story._BLOCKS) | set(docx_story._INLINES)
    assert set(t.NODE_TYPES) <= handled, set(t.NODE_TYPES) - handled


def test_headings_titles_lists_and_quotes_use_real_styles(sample_bytes: bytes) -> None:
    styles = {p.text: p.style.name for p in _open(sample_bytes).paragraphs if p.text}
    assert styles["Sample Briefing"] == "Title"
    assert styles["All constructs"] == "Subtitle"
    assert styles["First section"] == "Heading 1"
    assert styles["Second level"] == "Heading 2"
    assert styles["Third level"] == "Heading 3"
    assert styles["bullet one"] == "List Bullet"
    assert styles["nested bullet"] == "List Bullet 2"
    assert styles["number one"] == "List Number"
    assert styles["We will help the province. 张勇"] == "Quote"
    assert styles["— Zhang Yong (张勇), Chairman (paraphrase)"] == "Attribution"


def test_all_text_is_present_and_markup_is_literal(sample_bytes: bytes) -> None:
    text = docx_text(sample_bytes)
    for expected in ("Plain, strong, emphasis, code, a link\nafter break", MARKUP, "浙江省人民政府 and 阿里巴巴集团",
                     "Digital trade", "12", "Minister", "Last page text"):
        assert expected in text, expected


def test_tables_have_the_report_style_and_a_repeated_header(sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    styles = [table.style.name for table in document.tables]
    assert styles == ["Key Facts", "Report Table", "Memo Header"]
    header_row = document.tables[1].rows[0]._tr
    assert header_row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_links_are_real_hyperlinks(sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    rels = [r for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert [(r.target_ref, r.is_external) for r in rels] == [("https://example.org/page", True)]
    links = document.element.body.findall(f".//{qn('w:hyperlink')}")
    assert len(links) == 1 and links[0].get(qn("r:id")) == rels[0].rId


def test_page_fields_in_footer_and_classification_in_header(sample_bytes: bytes) -> None:
    section = _open(sample_bytes).sections[0]
    footer_xml = section.footer._element.xml
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml
    assert "INTERNAL" in section.header._element.xml
    assert section.different_first_page_header_footer


def test_core_properties(sample_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    props = _open(sample_bytes).core_properties
    assert (props.title, props.subject, props.author, props.keywords, props.category) == (
        "Sample Briefing", "Testing", "Desk", "alpha, beta", "Briefing")
    assert props.last_modified_by == "reports"
    assert props.created.isoformat().startswith("2023-07-07")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    later = _open(write_docx(sample_document(), DEFAULT_THEME)).core_properties
    assert later.created.isoformat().startswith("2023-11-14T22:13:20")


def test_chinese_runs_carry_an_east_asian_font(sample_bytes: bytes) -> None:
    body = _open(sample_bytes).element.body
    cjk_runs = [r for r in body.iter(qn("w:r")) if any("\u4e00" <= c <= "\u9fff" for c in "".join(r.itertext()))]
    assert cjk_runs
    for run in cjk_runs:
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        lang = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")) == "SimSun"
        assert lang is not None and lang.get(qn("w:eastAsia")) == "zh-CN"


def test_run_properties_follow_the_schema_order() -> None:
    # Word refuses files whose run properties are out of order: rStyle, then rFonts, then lang.
    doc = t.Document(t.Meta(title="T"), (t.Paragraph((t.Strong((t.Text("Zhang Yong (张勇)"),)),)),))
    body = _open(write_docx(doc, DEFAULT_THEME)).element.body
    r_pr = next(r for r in body.iter(qn("w:rPr")) if r.find(qn("w:rFonts")) is not None)
    assert [child.tag for child in r_pr] == [qn("w:rStyle"), qn("w:rFonts"), qn("w:lang")]


@pytest.mark.parametrize(("text", "expected"), [
    (" edges kept ", [("t", " edges kept ")]),
    ("a\tb", [("t", "a"), ("tab", ""), ("t", "b")]),
    ("line\nbreak", [("t", "line"), ("br", ""), ("t", "break")]),
])
def test_runs_keep_spaces_tabs_and_breaks(text: str, expected: list[tuple[str, str]]) -> None:
    doc = t.Document(t.Meta(title="T"), (t.Paragraph((t.Text("x"), t.Emphasis((t.Text(text),)))),))
    body = _open(write_docx(doc, DEFAULT_THEME)).element.body
    run = [r for r in body.iter(qn("w:r")) if r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}") is not None][-1]
    content = [(child.tag.split("}")[1], child.text or "") for child in run if child.tag != qn("w:rPr")]
    assert content == expected
    for w_t in run.iter(qn("w:t")):
        if w_t.text != w_t.text.strip():
            assert w_t.get(qn("xml:space")) == "preserve"


def test_control_characters_give_a_valid_file() -> None:
    doc = t.Document(t.Meta(title="bell\x07"), (t.Paragraph((t.Text("a\x00b\x1bc\ufffed"),)),))
    assert "abcd" in docx_text(write_docx(doc, DEFAULT_THEME))


def test_same_input_gives_identical_bytes(sample_bytes: bytes) -> None:
    assert write_docx(sample_document(), DEFAULT_THEME) == sample_bytes
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"


def test_reference_docx_really_changes_the_styles(tmp_path: Path) -> None:
    reference = docx.Document()
    reference.styles["Normal"].font.name = "Comic Neue"
    reference.styles["Normal"].font.size = Pt(13)
    reference.add_paragraph("body text that must not be copied")
    path = tmp_path / "corporate.docx"
    reference.save(str(path))
    document = _open(write_docx(sample_document(), DEFAULT_THEME, path))
    assert document.styles["Normal"].font.name == "Comic Neue"
    assert document.styles["Normal"].font.size == Pt(13)
    assert "body text that must not be copied" not in docx_text(write_docx(sample_document(), DEFAULT_THEME, path))
    # Styles the corporate file lacks are added (see test_docx_reference.py), so nothing falls back.
    assert [table.style.name for table in document.tables] == ["Key Facts", "Report Table", "Memo Header"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "reference document not found"),
    (b"plain text", "not a Word document (.docx): not a zip package"),
])
def test_bad_reference_docx_is_a_clear_error(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "ref.docx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RenderError, match=re.escape(message)):
        write_docx(sample_document(), DEFAULT_THEME, path)


def test_zip_without_document_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "ref.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("hello.txt", "hi")
    with pytest.raises(RenderError, match=r"no word/document\.xml inside"):
        write_docx(sample_document(), DEFAULT_THEME, path)


def test_numbered_lists_restart(sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    num_ids = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(num_ids) == 1  # one list, one numbering instance...
    numbering = document.part.numbering_part.element
    override = numbering.xpath(f"//w:num[@w:numId='{num_ids.pop()}']//w:startOverride")
    assert override and override[0].get(qn("w:val")) == "3"  # ...that starts where the tree says


@pytest.mark.parametrize(("text", "expected"), [
    ("short", "short"),
    ("word " * 100, ("word " * 50).rstrip() + "…"),
    ("x" * 300, "x" * 254 + "…"),
    ("a" * 200 + " " + "b" * 100, "a" * 200 + "…"),
    ("bell\x07" + "y" * 255, "bell" + "y" * 250 + "…"),
])
def test_properties_fit_at_a_word_boundary(text: str, expected: str) -> None:
    assert fit_property(text) == expected
    assert len(fit_property(text)) <= CORE_PROPERTY_LIMIT


def test_long_metadata_is_shortened_in_properties_and_whole_in_the_body() -> None:
    title = " ".join(f"Cooperation{i}" for i in range(40))  # 519 characters
    keywords = tuple(f"focus area number {i}" for i in range(20))
    # (A marking is printed whole on one line, so it never comes near the properties' 255 characters.)
    doc = sample_document(title=title, subject="s" * 300, keywords=keywords, category="c " * 200,
                          author="A" * 256, source_line="Source: " + "x " * 200)
    data = write_docx(doc, DEFAULT_THEME)
    props = _open(data).core_properties
    for value in (props.title, props.subject, props.keywords, props.category, props.author, props.comments):
        assert len(value) <= CORE_PROPERTY_LIMIT and value.endswith("…"), value
    cut = props.title[:-1]
    assert title.startswith(cut) and title[len(cut)] == " "  # cut between two words
    assert props.keywords.startswith("focus area number 0, focus area number 1")
    assert title in docx_text(data)


def test_a_three_hundred_column_table_is_printed_in_parts() -> None:
    ncols = 300
    header = tuple((t.Text(f"H{c}"),) for c in range(ncols))
    rows = tuple(tuple((t.Text(f"r{r}c{c}"),) for c in range(ncols)) for r in range(3))
    data = write_docx(t.Document(t.Meta(title="Wide"), (t.Table(header, rows, ("right",) * ncols),)), DEFAULT_THEME)
    tables = _open(data).tables
    assert len(tables) == 30  # 11 columns fit A4's 166 mm of text at 40 pt each, as in the PDF
    seen = []
    for table in tables:
        assert len(table.columns) <= 11
        cells = [[cell.text for cell in row.cells] for row in table.rows]
        assert [row[0] for row in cells] == ["H0", "r0c0", "r1c0", "r2c0"]  # the first column in every part
        assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        seen.extend(cells[0][1:])
        assert [row[1:] for row in cells[1:]] == [[f"r{r}{h.replace('H', 'c')}" for h in cells[0][1:]]
                                                 for r in range(3)]
    assert seen == [f"H{c}" for c in range(1, ncols)]


def test_a_long_table_keeps_every_row_in_order() -> None:
    rows = tuple(((t.Text(f"2023-{r:05d}"),), (t.Text(f"event {r} of the timeline"),)) for r in range(3000))
    doc = t.Document(t.Meta(title="Long"), (t.Table(((t.Text("Date"),), (t.Text("Event"),)), rows, ("left", "left")),))
    table = _open(write_docx(doc, DEFAULT_THEME)).tables[0]
    trs = table._tbl.tr_lst
    assert len(trs) == 3001
    def text(tr: object) -> str:
        return "".join(w_t.text for w_t in tr.iter(qn("w:t")))  # type: ignore[attr-defined]

    assert [text(tr) for tr in trs[1:3]] == ["2023-00000event 0 of the timeline", "2023-00001event 1 of the timeline"]
    assert text(trs[-1]) == "2023-02999event 2999 of the timeline"
    widths = {tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")) for tr in trs for tc in tr.tc_lst}
    assert len(widths) == 2  # every cell carries its column's width


@pytest.mark.soffice
def test_libreoffice_opens_the_document(office: Office, sample_bytes: bytes) -> None:
    reader = PdfReader(io.BytesIO(office.pdf(sample_bytes)))
    assert len(reader.pages) == 2  # the page break in the sample
    assert "Last page text" in (reader.pages[1].extract_text() or "")
