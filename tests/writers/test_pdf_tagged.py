"""The tagged, archival PDF: the structure tree read back matches the document tree, nothing is untagged.

Every check of ``tests/tagged_pdf.check_tagged`` runs on each document here (MarkInfo, MCIDs each owned
by one element, no painted content outside marked content, Figure /Alt, TH scope, XMP, OutputIntent,
embedded fonts); the tests add what each kind of content must become.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from reports import tree as t
from reports.theme import DEFAULT_THEME, Theme
from tests.tagged_pdf import Node, check_tagged, unembedded_fonts
from tests.writers.sample import sample_document
from tests.writing import write_pdf


def _has_chinese_face() -> bool:
    from reports.fonts.cjk import find_cjk_face

    return find_cjk_face(None) is not None


@contextmanager
def _machine_face(monkeypatch: pytest.MonkeyPatch, face: object) -> Iterator[None]:
    """Inside, the font lookups find ``face`` (None: the machine has no Chinese face); forgotten after."""
    from reports.fonts import cjk as cjk_fonts

    monkeypatch.setattr(cjk_fonts, "find_cjk_face", lambda preferred=None, base=None: face)
    cjk_fonts.clear_cache()
    try:
        yield
    finally:
        monkeypatch.undo()
        cjk_fonts.clear_cache()


def _doc(*blocks: t.Block, **meta: object) -> t.Document:
    fields: dict[str, object] = {"title": "Tagged", "iso_date": "2024-02-29", "language": "en-GB"}
    fields.update(meta)
    return t.Document(t.Meta(**fields), blocks)  # type: ignore[arg-type]


def _text(node: Node) -> str:
    return " ".join(node.all_text().split())


def _squash(text: str) -> str:
    # reportlab draws no space where it wraps a line: compare text without any whitespace.
    return "".join(text.split())


def _plain(content: t.Inlines) -> str:
    from reports.writers.measure import plain_text

    return plain_text(content)


def test_the_structure_tree_gives_the_document_tree_in_reading_order() -> None:
    document = sample_document()
    # Archival exactly when the machine has a Chinese face to embed (CI installs one; sample text has Chinese).
    tagged = check_tagged(write_pdf(document, DEFAULT_THEME), expect_archival=_has_chinese_face())
    headings = [n for n in tagged.root.walk() if n.role in ("H1", "H2", "H3")]
    expected = [document.meta.title] + [_plain(b.content) for b in document.blocks if isinstance(b, t.Heading)]
    assert [_squash(_text(h)) for h in headings] == [_squash(e) for e in expected]
    # List items: one LI per item, each with its label and its body.
    items = tagged.roles("LI")
    assert len(items) == 5  # bullet one (+ its nested bullet), bullet two, number one, number two
    assert all([k.role for k in item.kids][:2] == ["Lbl", "LBody"] for item in items)
    assert [_text(item.kids[0]) for item in tagged.roles("LI")] == ["•", "–", "•", "3.", "4."]
    # The data table: a header row of TH with a column scope, then the body cells in order.
    (table,) = [n for n in tagged.roles("Table") if any(k.role == "THead" for k in n.kids)]
    assert [_text(c) for c in table.walk() if c.role == "TH"] == ["Area", "Count"]
    assert [_text(c) for c in table.walk() if c.role == "TD"] == ["Digital life", "7", "Digital trade", "12"]
    assert {c.attributes["Scope"] for c in table.walk() if c.role == "TH"} == {"Column"}
    # Field tables: each label a row header.
    field_rows = [n for n in tagged.roles("Table") if n is not table]
    assert {c.attributes.get("Scope") for n in field_rows for c in n.walk() if c.role == "TH"} == {"Row"}
    (quote,) = tagged.roles("BlockQuote")
    assert "We will help the province." in _text(quote)
    assert tagged.roles("Link"), "the paragraph's link has no Link element"
    assert tagged.language == "en"


def test_a_paragraph_split_across_pages_is_one_element() -> None:
    words = " ".join(f"word{i}" for i in range(900))
    tagged = check_tagged(write_pdf(_doc(t.Paragraph((t.Text(words),))), DEFAULT_THEME))
    (paragraph,) = [p for p in tagged.roles("P") if "word1" in p.text]
    assert paragraph.pages == {0, 1}
    assert _squash(paragraph.text) == _squash(words)


def test_a_long_table_is_one_table_whose_repeated_header_is_an_artifact() -> None:
    rows = tuple(((t.Text(f"d{r}"),), (t.Text(f"event {r}"),)) for r in range(150))
    table = t.Table(((t.Text("Date"),), (t.Text("Event"),)), rows, ("left", "left"))
    tagged = check_tagged(write_pdf(_doc(table), DEFAULT_THEME))
    (element,) = tagged.roles("Table")
    header_cells = [n for n in element.walk() if n.role == "TH"]
    cells = [n for n in element.walk() if n.role == "TD"]
    assert [_text(c) for c in header_cells] == ["Date", "Event"]
    assert all(c.pages == {0} for c in header_cells)  # drawn again on later pages, but as artifacts
    assert [_text(c) for c in cells] == [x for r in range(150) for x in (f"d{r}", f"event {r}")]
    assert len({p for c in cells for p in c.pages}) >= 3


def test_footnotes_are_notes_of_the_paragraph_that_refers_to_them() -> None:
    note = t.Note((t.Paragraph((t.Text("The note's own text."),)),))
    tagged = check_tagged(write_pdf(_doc(t.Paragraph((t.Text("Referring text"), note))), DEFAULT_THEME))
    (paragraph,) = [p for p in tagged.roles("P") if "Referring" in p.text]
    (note_element,) = [k for k in paragraph.kids if k.role == "Note"]
    assert "The note's own text." in _text(note_element)


def test_a_figure_carries_its_alt_text_and_its_caption(tmp_path: Path) -> None:
    picture = tmp_path / "chart.png"
    Image.new("RGB", (40, 20), "#336699").save(picture)
    image = t.Image(str(picture), "Bar chart of signings per year", caption="Signings", number=1)
    tagged = check_tagged(write_pdf(_doc(image), DEFAULT_THEME))
    (figure,) = tagged.roles("Figure")
    assert figure.alt == "Bar chart of signings per year"
    (caption,) = tagged.roles("Caption")
    assert _text(caption) == "Figure 1: Signings"


def test_a_table_of_contents_is_toc_with_one_toci_per_heading() -> None:
    blocks = [b for i in range(4) for b in (t.Heading(1, (t.Text(f"Part {i}"),)), t.PageBreak())]
    tagged = check_tagged(write_pdf(_doc(*blocks, toc=True), DEFAULT_THEME))
    (toc,) = tagged.roles("TOC")
    entries = [_text(k) for k in toc.kids]
    assert len(entries) == 4
    for i, entry in enumerate(entries):  # the entry's text and its page number (the heading is on page i+2)
        assert f"Part {i}" in entry and str(i + 2) in entry.replace(f"Part {i}", ""), entry
    assert all(any(k.role == "Link" for k in entry.kids) for entry in toc.kids)


def test_chinese_text_in_an_english_document_says_its_language() -> None:
    data = write_pdf(_doc(t.Paragraph((t.Text("浙江省人民政府"),)), t.Paragraph((t.Text("English"),))),
                     DEFAULT_THEME)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        langs = {str(e.Lang) for e in _elements(pdf.Root.StructTreeRoot) if "/Lang" in e}
        assert str(pdf.Root.Lang) == "en-GB"
    assert langs == {"zh-Hans"}


def _elements(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    out = []
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            out.append(kid)
            out.extend(_elements(kid))
    return out


def test_the_metadata_claims_pdfa_and_pdfua_and_agrees_with_the_info_dictionary() -> None:
    if not _has_chinese_face():
        pytest.skip("no Chinese TrueType face on this machine: the sample's Chinese is not embedded (CI installs one)")
    data = write_pdf(sample_document(), DEFAULT_THEME)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.pdf_version == "1.7"
        xml = ET.fromstring(pdf.Root.Metadata.read_bytes())
        ns = {"xmp": "http://ns.adobe.com/xap/1.0/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
              "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}
        assert xml.findtext(".//pdfaid:part", namespaces=ns) == "2"
        assert xml.findtext(".//pdfaid:conformance", namespaces=ns) == "A"
        assert xml.findtext(".//pdfuaid:part", namespaces=ns) == "1"
        assert xml.findtext(".//xmp:CreateDate", namespaces=ns) == "2023-07-07T00:00:00+00:00"
        assert str(pdf.docinfo.CreationDate).startswith("D:20230707000000")
        assert not unembedded_fonts(pdf)
        # The ICC profile is the same in every build (its header date is fixed).
        profile = pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        assert profile[24:36] == bytes([0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    assert write_pdf(sample_document(), DEFAULT_THEME) == data


def test_a_theme_with_a_standard_font_is_tagged_but_not_claimed_archival() -> None:
    theme = Theme.model_validate({"fonts": {"body": "Times-Roman"}})
    tagged = check_tagged(write_pdf(sample_document(), theme), expect_archival=False)
    assert tagged.roles("H1")


def test_without_a_chinese_face_the_cid_font_is_used_and_archival_is_not_claimed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with _machine_face(monkeypatch, None):
        data = write_pdf(_doc(t.Paragraph((t.Text("浙江省"),))), DEFAULT_THEME)
    check_tagged(data, expect_archival=False)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "STSong-Light" in " ".join(unembedded_fonts(pdf))


def test_with_a_chinese_face_every_font_is_embedded() -> None:
    if not _has_chinese_face():
        pytest.skip("no Chinese TrueType face on this machine (CI installs one)")
    data = write_pdf(_doc(t.Paragraph((t.Text("浙江省人民政府 and 阿里巴巴集团"),))), DEFAULT_THEME)
    tagged = check_tagged(data, expect_archival=True)
    assert any("浙江省人民政府" in p.text for p in tagged.roles("P"))


def test_outline_entries_point_at_their_headings_pages_and_markup_in_a_heading_stays_text() -> None:
    titles = [f"Part <b>{i}</b> & 浙江 {i}" for i in range(3)]
    blocks = [b for title in titles for b in (t.Heading(1, (t.Text(title),)), t.PageBreak())]
    data = write_pdf(_doc(*blocks, toc=True), DEFAULT_THEME)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            entries = [(item.title, pages[item.destination[0].objgen]) for item in outline.root]
    assert entries == [(title, i + 2) for i, title in enumerate(titles)]  # the contents are on page 1
    (toc,) = check_tagged(data).roles("TOC")
    assert [f"Part <b>{i}</b> & 浙江 {i}" in _text(entry) for i, entry in enumerate(toc.kids)] == [True] * 3


def test_heading_pages_lays_out_as_write_pdf_does() -> None:
    from reports.writers.pdf.layout import paginate

    blocks = [t.Heading(1, (t.Text("A"),)), t.Paragraph((t.Text("x " * 3000),)), t.Heading(2, (t.Text("B"),))]
    pagination = paginate(_doc(*blocks), DEFAULT_THEME)
    pages, total = pagination.heading_pages, pagination.pages
    with pikepdf.open(io.BytesIO(write_pdf(_doc(*blocks), DEFAULT_THEME))) as pdf:
        assert total == len(pdf.pages) >= 2
    assert pages[0] == 1 and pages[1] == total


def test_a_picture_without_alt_text_is_an_artifact_and_a_warning(tmp_path: Path) -> None:
    from reports.parse import parse_markdown

    Image.new("RGB", (40, 20), "#336699").save(tmp_path / "deco.png")
    document, warnings = parse_markdown("# T\n\n![](deco.png)\n\nText.\n", template="t.md", image_base=tmp_path)
    assert [w.message for w in warnings if "alt text" in w.message] == [
        "image 'deco.png' has no alt text: screen readers skip it (say what it shows: ![what it shows](deco.png))"]
    data = write_pdf(document, DEFAULT_THEME)
    assert not check_tagged(data).roles("Figure")
    with pikepdf.open(io.BytesIO(data)) as pdf:  # drawn, as an artifact
        assert b"Do" in pdf.pages[0].Contents.read_bytes()


def test_an_opentype_chinese_face_is_converted_for_the_documents_characters_and_embedded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reports.fonts import cjk as cjk_fonts
    from tests.writers.test_cjk_fonts import cff_font

    face = cjk_fonts.CjkFace(cff_font(tmp_path / "song.otf", chars="中文一"), 0, "Test Song CFF", True)
    with _machine_face(monkeypatch, face):
        data = write_pdf(_doc(t.Paragraph((t.Text("中文 and 一"),))), DEFAULT_THEME)
    tagged = check_tagged(data, expect_archival=True)
    assert any("中文" in p.text and "一" in p.text for p in tagged.roles("P"))


def test_heading_levels_never_skip_and_notes_have_ids_and_info_has_no_empty_entries() -> None:
    note = t.Note((t.Paragraph((t.Text("n"),)),))
    blocks = (t.Heading(3, (t.Text("deep first"),)), t.Heading(1, (t.Text("top"),)),
              t.Heading(3, (t.Text("skips two"),)), t.Paragraph((t.Text("x"), note)))
    data = write_pdf(_doc(*blocks), DEFAULT_THEME)
    tagged = check_tagged(data)
    roles = [(n.role, _text(n)) for n in tagged.root.walk() if n.role.startswith("H")]
    assert roles == [("H1", "Tagged"), ("H1", "deep first"), ("H1", "top"), ("H2", "skips two")]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        notes = [e for e in _elements(pdf.Root.StructTreeRoot) if str(e.S) == "/Note"]
        assert [str(n.ID) for n in notes] and len({str(n.ID) for n in notes}) == len(notes)
        assert "/Author" not in pdf.docinfo and "/Subject" not in pdf.docinfo  # empty: left out, as in the XMP
        assert str(pdf.docinfo.Title) == "Tagged"


def test_without_a_chinese_face_the_build_says_so_once_and_strict_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    from reports.errors import RenderError
    from reports.load import load_agreement
    from reports.pipeline import Options, render
    from reports.writers.pdf import writer as pdf_writer
    from tests.conftest import SHIPPED

    agreement = load_agreement(SHIPPED)  # prints the parties' Chinese names
    monkeypatch.setattr(pdf_writer, "_said_chinese_not_embedded", False)
    with _machine_face(monkeypatch, None):
        first = render(agreement, "memo", "pdf", source="deal.yaml")
        second = render(agreement, "memo", "pdf", source="deal.yaml")
        with pytest.raises(RenderError) as refused:
            render(agreement, "memo", "pdf", Options(strict=True), source="deal.yaml")
    said = [w.message for w in first.warnings if "font to embed" in w.message]
    assert len(said) == 1 and "not PDF/A" in said[0] and "fonts.cjk" in said[0]
    assert not [w for w in second.warnings if "font to embed" in w.message]
    assert any("font to embed" in p.message for p in refused.value.problems)
    check_tagged(first.data, expect_archival=False)


@pytest.mark.parametrize("title", ["Co\r\nop", "a\x01b", "", " spaced ", "浙江 & <b>"])
def test_xmp_and_info_agree_on_any_title(title: str) -> None:
    # XML reads a carriage return back as a line feed and cannot hold control characters.
    check_tagged(write_pdf(_doc(t.Paragraph((t.Text("x"),)), title=title, author="a\r\nb"), DEFAULT_THEME))


def _span_texts(data: bytes) -> list[str]:
    """The text shown inside each /Span with /Lang (zh-Hans) marked-content sequence, page by page."""
    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            inside = False
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "BDC" and str(operands[0]) == "/Span":
                    assert str(operands[1].Lang) == "zh-Hans"
                    inside, found = True, [*found, ""]
                elif op == "EMC" and inside:
                    inside = False
                elif op == "Tj" and inside:
                    found[-1] += "x" * len(bytes(operands[0]))
    return found


def test_chinese_runs_in_an_english_sentence_are_spans_with_their_language() -> None:
    sentence = t.Paragraph((t.Text("Zhejiang Provincial Government (浙江省人民政府) and Alibaba (阿里巴巴)"),))
    data = write_pdf(_doc(sentence), DEFAULT_THEME)
    check_tagged(data)  # the spans sit inside the paragraph's own marked content
    assert [len(text) for text in _span_texts(data)] == [7, 4]  # one glyph a character
    chinese = write_pdf(_doc(sentence, language="zh-Hans"), DEFAULT_THEME)
    assert _span_texts(chinese) == []  # Chinese is the document's own language there
