"""The contents lead every entry to its page number with dots, at every level, the same in both formats.

PDF: read back with the position of each piece of text, every entry (first level too) has a row of
dots between its title and its number, and each level starts 1 cm further in. DOCX: every entry is in
a contents style ("toc 1", "toc 2" ...) with a right tab at the text width led by dots and the level's
indent, so the leaders stay when Word or LibreOffice updates the field; a reference's own contents
style keeps its look and gets the tab. LibreOffice's rendering of the DOCX shows the dots at every level.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

from reports import tree as t
from reports.load import load_theme
from reports.theme import DEFAULT_THEME, Theme
from tests.conftest import ROOT
from tests.office import Office
from tests.writing import write_docx, write_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CM = 72 / 2.54
LEVELS = (1, 2, 3, 2, 1, 2, 3, 3, 1)  # heading levels of the document below


def _document() -> t.Document:
    blocks: list[t.Block] = []
    for i, level in enumerate(LEVELS):
        blocks.append(t.Heading(level, (t.Text(f"Entry {i} at level {level}"),)))
        blocks.append(t.Paragraph((t.Text("Cooperation on the digital economy. " * (30 + 25 * i)),)))
    return t.Document(t.Meta(title="Contents", toc=True, iso_date="2023-07-07"), tuple(blocks))


@pytest.mark.parametrize("theme", [DEFAULT_THEME, load_theme(ROOT / "docs" / "example-theme" / "theme.yaml")],
                         ids=["A4", "Letter"])
def test_every_pdf_contents_entry_is_led_by_dots_to_its_page_and_indented_by_its_level(theme: Theme) -> None:
    pieces: list[tuple[float, float, str]] = []

    def seen(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            pieces.append((round(tm[4] + cm[4], 1), round(tm[5] + cm[5], 1), text.strip()))

    PdfReader(io.BytesIO(write_pdf(_document(), theme))).pages[0].extract_text(visitor_text=seen)
    starts = {}
    for i, level in enumerate(LEVELS):
        title = f"Entry {i} at level {level}"
        (x, y, _), = [p for p in pieces if p[2] == title]
        line = sorted((p for p in pieces if abs(p[1] - y) < 0.5 and p[0] > x), key=lambda p: p[0])
        assert [re.fullmatch(r"\.{3,}", p[2]) is not None for p in line] == [True, False], (title, line)
        assert re.fullmatch(r"\d+", line[-1][2]), line
        starts.setdefault(level, x)
        assert abs(x - starts[level]) < 0.5
    assert abs(starts[2] - starts[1] - CM) < 0.5 and abs(starts[3] - starts[2] - CM) < 0.5


def _styles(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml"))
    return {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style")}


def _contents_paragraphs(data: bytes) -> list[etree._Element]:
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(f"{W}body")
    return [p for p in body.iter(f"{W}p") if p.find(f"{W}hyperlink") is not None
            and p.find(f"{W}hyperlink").get(f"{W}anchor", "").startswith("_Toc")]


def _dotted_right_tab(p_pr: etree._Element | None) -> int | None:
    """The position (twips) of the right tab led by dots in these paragraph properties, if any."""
    if p_pr is None:
        return None
    for tab in p_pr.iter(f"{W}tab"):
        if tab.get(f"{W}val") == "right" and tab.get(f"{W}leader") == "dot":
            return int(tab.get(f"{W}pos"))
    return None


def test_every_docx_contents_entry_is_in_a_contents_style_with_a_dotted_right_tab() -> None:
    data = write_docx(_document(), DEFAULT_THEME)
    styles = _styles(data)
    text_width = round((210 - 2 * DEFAULT_THEME.margins.left) / 25.4 * 1440)  # A4 less the margins, twips
    entries = _contents_paragraphs(data)
    assert len(entries) == len(LEVELS)
    levels = {1: 0, 2: 1, 3: 2}
    for paragraph, level in zip(entries, LEVELS, strict=True):
        style_id = paragraph.find(f"{W}pPr/{W}pStyle").get(f"{W}val")
        style = styles[style_id]
        assert style.find(f"{W}name").get(f"{W}val") == f"toc {levels[level] + 1}"
        assert abs(_dotted_right_tab(style.find(f"{W}pPr")) - text_width) <= 20  # type: ignore[operator]
        indent = style.find(f"{W}pPr/{W}ind")
        assert int(indent.get(f"{W}left")) == 567 * levels[level]
    for level in (1, 2, 3):  # the three levels the field's \o "1-3" asks for, even when fewer are used
        assert any(s.find(f"{W}name").get(f"{W}val") == f"toc {level}" for s in styles.values())


def test_a_references_own_contents_style_keeps_its_look_and_gets_the_dotted_tab(tmp_path: Path) -> None:
    source = ROOT / "templates" / "reference.docx"
    reference = tmp_path / "own-toc.docx"
    own = (b'<w:style w:type="paragraph" w:styleId="OwnToc1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/>'
           b'<w:pPr><w:spacing w:before="240" w:after="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>')
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(reference, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/styles.xml":
                data = data.replace(b"</w:styles>", own + b"</w:styles>")
            zout.writestr(item, data)
    data = write_docx(_document(), DEFAULT_THEME, reference)
    style = _styles(data)["OwnToc1"]
    assert style.find(f"{W}pPr/{W}spacing").get(f"{W}before") == "240" and style.find(f"{W}rPr/{W}b") is not None
    assert _dotted_right_tab(style.find(f"{W}pPr")) is not None
    first = _contents_paragraphs(data)[0]
    assert first.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "OwnToc1"


@pytest.mark.soffice
def test_libreoffice_shows_dots_at_every_level_of_the_docx_contents(office: Office) -> None:
    text = PdfReader(io.BytesIO(office.pdf(write_docx(_document(), DEFAULT_THEME)))).pages[0].extract_text() or ""
    for i, level in enumerate(LEVELS):
        assert re.search(rf"Entry {i} at level {level}\s*\.{{5,}}\s*\d+", text), (i, text)


@pytest.mark.parametrize("word", ["Ｌ", "cooperation "])
def test_a_heading_longer_than_a_page_has_a_short_entry_in_both_contents(word: str) -> None:
    # A generated heading of 20,000 characters made a contents row taller than a page: the build failed
    # with "a block is larger than a page". The heading is printed whole; its entry is cut alike in both
    # formats, at a word where it has words.
    from reports.writers.measure import CONTENTS_CHARS, contents_title
    from tests.validators import page_validation_findings
    from tests.writers.test_docx_toc import read_contents

    heading = word * (20_000 // len(word))
    blocks = (t.Heading(1, (t.Text(heading),)), t.Paragraph((t.Text("Body."),)),
              t.Heading(1, (t.Text("Short"),)), t.Paragraph((t.Text("More."),)))
    document = t.Document(t.Meta(title="Long heading", toc=True, iso_date="2023-07-07"), blocks)
    entry = contents_title(heading)
    assert entry.endswith("…") and len(entry) <= CONTENTS_CHARS and heading.startswith(entry[:-1].rstrip())
    pdf = write_pdf(document, DEFAULT_THEME)
    assert page_validation_findings(pdf) == []
    first = re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "")
    assert re.sub(r"\s+", "", entry) in first
    assert [e[0] for e in read_contents(write_docx(document, DEFAULT_THEME)).entries] == [entry, "Short"]
