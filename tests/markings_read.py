"""Read a document's protective marking back from the top and the foot of every page, in both formats.

PDF: pdftotext on one page at a time, cropped (``-y``/``-H``) to the band above the body frame and the
band below it (the top and bottom margins). DOCX: the header and footer parts each page uses, read from
the section's settings as Word reads them (the first page's own story where ``w:titlePg`` is set, the even
pages' where ``w:evenAndOddHeaders`` is; every other page the default story).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import docx
from pypdf import PdfReader

from reports.theme import Theme

MM = 72 / 25.4


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_bands(data: bytes, theme: Theme) -> list[tuple[str, str]]:
    """(text of the top margin, text of the bottom margin) of every page of the PDF ``data``."""
    pages = PdfReader(io.BytesIO(data)).pages
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(data)
        bands = []
        for number, page in enumerate(pages, start=1):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            top = _crop(path, number, 0, theme.margins.top * MM, width)
            foot = _crop(path, number, height - theme.margins.bottom * MM, theme.margins.bottom * MM, width)
            bands.append((top, foot))
    return bands


def pdf_band_lines(data: bytes, page: int, top_pt: float, height_pt: float) -> list[str]:
    """The lines pdftotext lays out (``-layout``) in a band of page ``page`` (1-based), in points from the top."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(data)
        width = float(PdfReader(io.BytesIO(data)).pages[page - 1].mediabox.width)
        text = _crop(path, page, top_pt, height_pt, width, layout=True)
    return [line for line in text.splitlines() if line.strip()]


def _crop(path: Path, page: int, y: float, height: float, width: float, layout: bool = False) -> str:
    command = ["pdftotext", "-q", "-f", str(page), "-l", str(page), "-x", "0", "-y", str(int(y)),
               "-W", str(int(width) + 1), "-H", str(int(height) + 1)]
    command += ["-layout"] if layout else []
    return subprocess.run([*command, str(path), "-"], capture_output=True, check=True, text=True).stdout


def docx_stories(data: bytes) -> dict[str, tuple[str, str]]:
    """For each kind of page the DOCX has ("first", "odd", and "even" where they differ): (header text,
    footer text), paragraphs and table cells of the story Word shows there, one paragraph a line."""
    section = docx.Document(io.BytesIO(data)).sections[-1]
    odd_even = docx.Document(io.BytesIO(data)).settings.odd_and_even_pages_header_footer
    kinds = {"odd": (section.header, section.footer)}
    kinds["first"] = ((section.first_page_header, section.first_page_footer)
                      if section.different_first_page_header_footer else kinds["odd"])
    if odd_even:
        kinds["even"] = (section.even_page_header, section.even_page_footer)
    return {kind: (_story_text(header), _story_text(footer)) for kind, (header, footer) in kinds.items()}


def _story_text(story: object) -> str:
    element = story._element  # type: ignore[attr-defined]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    lines = []
    for paragraph in element.iter(f"{w}p"):
        parts = []
        for node in paragraph.iter(f"{w}t", f"{w}tab"):
            if node.tag == f"{w}t":
                parts.append(node.text or "")
            elif node.getparent().tag == f"{w}r":  # a tab character, not a tab stop of the paragraph's
                parts.append("\t")
        lines.append("".join(parts))
    return "\n".join(lines)
