"""Footnotes and figures in both writers, read back from the files: Word footnotes in footnotes.xml with
matching references, PDF notes on the page of their reference, alt text, widths and numbered captions."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from reports import tree as t
from reports.parse import parse_markdown
from reports.theme import DEFAULT_THEME
from tests.writing import write_docx, write_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EMU_PER_MM = 36000


def _docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _footnotes(data: bytes) -> dict[str, str]:
    """Footnote id -> its text, for the notes of the body (not Word's separators)."""
    root = etree.fromstring(_docx_parts(data)["word/footnotes.xml"])
    return {note.get(f"{W}id"): "".join(note.itertext()).strip()
            for note in root.iter(f"{W}footnote") if note.get(f"{W}type") is None}


def _references(data: bytes) -> list[str]:
    root = etree.fromstring(_docx_parts(data)["word/document.xml"])
    return [ref.get(f"{W}id") for ref in root.iter(f"{W}footnoteReference")]


def _notes_document(count: int) -> t.Document:
    # Long paragraphs (unlike the shipped agreement: Polish and Chinese words too) with a reference in
    # every third one, so that notes fall on several pages.
    body = "\n\n".join(f"Akapit {i} " + "zażółć gęślą jaźń 合作 " * 25 + (f"mark{i}[^n{i}] end." if i % 3 == 0 else "")
                       for i in range(count))
    notes = "\n\n".join(f"[^n{i}]: Przypis *numer* {i}, see [the source](https://example.org/{i})."
                        for i in range(count) if i % 3 == 0)
    document, warnings = parse_markdown(f"# Notes\n\n{body}\n\n{notes}\n", template="notes.md.j2")
    assert not warnings
    return document


# --------------------------------------------------------------------------- DOCX footnotes


def test_docx_footnotes_are_word_footnotes_with_matching_references() -> None:
    data = write_docx(_notes_document(12), DEFAULT_THEME)
    notes = _footnotes(data)
    assert list(notes) == ["1", "2", "3", "4"]
    assert _references(data) == ["1", "2", "3", "4"]
    assert [re.sub(r"\s+", " ", text) for text in notes.values()] == [
        f"Przypis numer {i}, see the source." for i in (0, 3, 6, 9)]
    parts = _docx_parts(data)
    root = etree.fromstring(parts["word/footnotes.xml"])
    separators = {n.get(f"{W}id"): n.get(f"{W}type") for n in root.iter(f"{W}footnote") if n.get(f"{W}type")}
    assert separators == {"-1": "separator", "0": "continuationSeparator"}
    assert b"footnotes+xml" in parts["[Content_Types].xml"]
    assert b"relationships/footnotes" in parts["word/_rels/document.xml.rels"]
    assert b"https://example.org/3" in parts["word/_rels/footnotes.xml.rels"]  # a link in a note works
    styles = parts["word/styles.xml"]
    assert b'w:styleId="FootnoteText"' in styles and b'w:styleId="FootnoteReference"' in styles
    body = etree.fromstring(parts["word/document.xml"])
    for ref in body.iter(f"{W}footnoteReference"):
        style = ref.getparent().find(f"{W}rPr/{W}rStyle")
        assert style is not None and style.get(f"{W}val") == "FootnoteReference"
    # python-docx still opens the file, and the reference mark is not text of the body.
    assert "Przypis" not in "\n".join(p.text for p in open_docx(io.BytesIO(data)).paragraphs)
    assert write_docx(_notes_document(12), DEFAULT_THEME) == data  # rebuilt byte for byte


def test_docx_without_notes_has_no_footnotes_part() -> None:
    document, _ = parse_markdown("# Plain\n\nNo notes here.\n")
    assert "word/footnotes.xml" not in _docx_parts(write_docx(document, DEFAULT_THEME))


def test_inline_note_and_note_in_a_list_and_a_table() -> None:
    document, warnings = parse_markdown(
        "# T\n\n- item^[Inline **note**.]\n\n| A | B |\n|---|---|\n| cell[^t] | x |\n\n[^t]: Table note.\n")
    assert not warnings
    data = write_docx(document, DEFAULT_THEME)
    assert list(_footnotes(data).values()) == ["Inline note.", "Table note."]
    assert _references(data) == ["1", "2"]


# --------------------------------------------------------------------------- PDF footnotes


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]




def test_pdf_notes_are_on_the_page_of_their_reference() -> None:
    data = write_pdf(_notes_document(30), DEFAULT_THEME)
    pages = _pdf_pages(data)
    assert len(pages) >= 3
    seen = []
    for text in pages:
        flat = re.sub(r"\s+", " ", text)
        for i in range(0, 30, 3):
            if f"mark{i}" in flat:
                seen.append(i)
                assert f"Przypis numer {i}," in flat, f"note {i} is not on the page of its reference"
    assert seen == list(range(0, 30, 3))
    assert write_pdf(_notes_document(30), DEFAULT_THEME) == data


def test_pdf_notes_never_overlap_the_text_below_them() -> None:
    # A page of references: the notes take room from the page, so the body continues on more pages, and
    # every note's text is printed once.
    body = "\n\n".join(f"Line {i}[^x{i}] " + "filler " * 30 for i in range(40))
    notes = "\n\n".join(f"[^x{i}]: Footnote {i} " + "longer note text " * 6 for i in range(40))
    document, _ = parse_markdown(f"{body}\n\n{notes}\n")
    text = re.sub(r"\s+", " ", " ".join(_pdf_pages(write_pdf(document, DEFAULT_THEME))))
    for i in range(40):
        assert text.count(f"Footnote {i} longer") == 1


def test_a_note_longer_than_a_page_is_printed_whole_after_the_text() -> None:
    long = "Very long note. " * 600
    document, _ = parse_markdown(f"Para[^a] {'text ' * 50}\n\nSecond[^b].\n\n[^a]: {long}END\n\n[^b]: Short one.\n")
    text = re.sub(r"\s+", " ", " ".join(_pdf_pages(write_pdf(document, DEFAULT_THEME))))
    assert "END" in text and "Short one." in text
    assert text.count("Very long note.") >= 598  # a sentence cut at a page end reads differently


def test_notes_with_a_table_of_contents() -> None:
    document, _ = parse_markdown("---\ntoc: true\n---\n# A\n\nText[^1].\n\n## B\n\nMore[^2].\n\n"
                                 "[^1]: One.\n[^2]: Two.\n")
    pages = [re.sub(r"\s+", " ", page) for page in _pdf_pages(write_pdf(document, DEFAULT_THEME))]
    assert "Text1." in pages[-1] and "1 One. 2 Two." in pages[-1]


# --------------------------------------------------------------------------- figures


@pytest.fixture
def figure_document(tmp_path: Path) -> t.Document:
    Image.new("RGB", (600, 300), (30, 90, 160)).save(tmp_path / "chart.png")
    Image.new("RGB", (200, 200), (200, 40, 40)).save(tmp_path / "dot.png")
    document, warnings = parse_markdown(
        "# Figures\n\n![Bar chart of pledged investment](chart.png \"Investment by year\"){width=60%}\n\n"
        "![A red dot](dot.png){width=30mm}\n\n![Second chart](chart.png \"Ports and trade\")\n",
        template="figs.md.j2", image_base=tmp_path)
    assert not warnings
    return document


def test_docx_figures_carry_alt_text_width_and_captions(figure_document: t.Document) -> None:
    data = write_docx(figure_document, DEFAULT_THEME)
    xml = _docx_parts(data)["word/document.xml"].decode()
    descr = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)
    assert descr == ["Bar chart of pledged investment", "A red dot", "Second chart"]
    assert re.findall(r'<wp:docPr [^>]*title="([^"]*)"', xml) == ["Investment by year", "Ports and trade"]
    extents = [int(cx) for cx in re.findall(r'<wp:extent cx="(\d+)"', xml)]
    text_width = (210 - 22 - 22) * EMU_PER_MM  # A4 less the default margins
    assert abs(extents[0] - 0.6 * text_width) < EMU_PER_MM / 10
    assert abs(extents[1] - 30 * EMU_PER_MM) < EMU_PER_MM / 10
    paragraphs = [p.text for p in open_docx(io.BytesIO(data)).paragraphs]
    assert "Figure 1: Investment by year" in paragraphs
    assert "Figure 2: Ports and trade" in paragraphs


def test_pdf_figures_have_the_same_captions_and_widths(figure_document: t.Document) -> None:
    data = write_pdf(figure_document, DEFAULT_THEME)
    text = re.sub(r"\s+", " ", " ".join(_pdf_pages(data)))
    assert "Figure 1: Investment by year" in text and "Figure 2: Ports and trade" in text
    widths = []
    for page in PdfReader(io.BytesIO(data)).pages:
        def visit(op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
            if op == b"Do":
                widths.append(cm[0])
        page.extract_text(visitor_operand_before=visit)
    frame = (210 - 22 - 22) / 25.4 * 72
    assert abs(widths[0] - 0.6 * frame) < 0.5
    assert abs(widths[1] - 30 / 25.4 * 72) < 0.5
    # The alt text stays in the tree for the PDF's structure tree.
    assert next(b.alt for b in figure_document.blocks if isinstance(b, t.Image)) == "Bar chart of pledged investment"


def test_a_reference_with_footnotes_keeps_its_separators_and_loses_its_old_notes(tmp_path: Path) -> None:
    first, _ = parse_markdown("Old[^x].\n\n[^x]: The reference's own note.\n")
    reference = tmp_path / "letterhead.docx"
    reference.write_bytes(write_docx(first, DEFAULT_THEME))  # a .docx that has a footnotes part
    document, _ = parse_markdown("Text[^a] two[^b].\n\n[^a]: Alpha.\n[^b]: Beta.\n")
    data = write_docx(document, DEFAULT_THEME, reference)
    assert _footnotes(data) == {"1": "Alpha.", "2": "Beta."}
    assert _references(data) == ["1", "2"]
    assert b"own note" not in _docx_parts(data)["word/footnotes.xml"]
