"""The DOCX floor: the briefing and memo written with plain python-docx, as a typical developer would.

Straightforward code: ``Document()`` per file, styles assigned by name, ``add_table`` with a built-in
table style. Correct output with the same words as the tool's documents (``benchmarks.content``), at
the usual speed; the tool is measured against it.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from benchmarks import content
from reports.model import Agreement


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document: Any, rows: list[tuple[str, str]], style: str, header: tuple[str, str] | None = None) -> None:
    table = document.add_table(rows=0, cols=2, style=style)
    for row in ([header] if header else []) + rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = row


def _page_furniture(document: Any, header: str | None, footer: str) -> None:
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer


def briefing_docx(a: Agreement) -> bytes:
    """Return the briefing of ``a`` as .docx bytes."""
    c = content.briefing(a)
    d = Document()
    d.add_paragraph(c.kicker)
    d.add_paragraph(c.title, style="Title")
    if c.subtitle:
        d.add_paragraph(c.subtitle, style="Subtitle")
    d.add_paragraph(c.byline)
    d.add_paragraph(c.parties_line)
    _table(d, c.facts, "Light Shading Accent 1")
    d.add_heading("Executive summary", 1)
    d.add_paragraph(c.summary)
    purpose = d.add_paragraph()
    purpose.add_run("Purpose.").bold = True
    purpose.add_run(" " + c.purpose)
    d.add_heading("The parties", 1)
    for p in c.parties:
        d.add_heading(p.label, 2)
        d.add_paragraph(p.description)
        if p.also:
            also = d.add_paragraph()
            also.add_run("Also referred to as").italic = True
            also.add_run(" " + p.also)
        for r in p.representatives:
            d.add_paragraph(r, style="List Bullet")
    for line in c.taking_part:
        taking = d.add_paragraph()
        taking.add_run("Taking part:").bold = True
        taking.add_run(" " + line)
    d.add_heading("Focus areas", 1)
    _table(d, c.focus, "Light Grid Accent 1", ("Area", "What cooperation covers"))
    d.add_heading("Statements", 1)
    for text, attribution in c.quotes:
        d.add_paragraph(text, style="Quote")
        d.add_paragraph(attribution)
    d.add_heading("Background", 1)
    for item in c.background:
        d.add_heading(item.title, 2)
        d.add_paragraph(item.date).runs[0].italic = True
        d.add_paragraph(item.text)
        for point in item.points:
            d.add_paragraph(point, style="List Bullet")
    for heading, points in (("Expected outcomes", c.outcomes), ("Significance", c.significance)):
        d.add_heading(heading, 1)
        for point in points:
            d.add_paragraph(point, style="List Bullet")
    d.add_heading("Timeline", 1)
    _table(d, c.timeline, "Light Grid Accent 1", ("Date", "Event"))
    d.add_heading("Sources", 1)
    for source in c.sources:
        d.add_paragraph(source, style="List Number")
    _page_furniture(d, c.header, c.footer)
    d.core_properties.title = a.title
    return _save(d)


def memo_docx(a: Agreement) -> bytes:
    """Return the memo of ``a`` as .docx bytes."""
    c = content.memo(a)
    d = Document()
    d.add_paragraph(c.organisation)
    d.add_paragraph("MEMORANDUM", style="Title")
    _table(d, c.header, "Table Grid")
    d.add_heading("Summary", 1)
    d.add_paragraph(c.summary)
    d.add_heading("Key points", 1)
    for point in c.points:
        d.add_paragraph(point, style="List Bullet")
    d.add_heading("Focus areas", 1)
    d.add_paragraph(c.focus_line)
    d.add_heading("What happens next", 1)
    for step in c.next_steps:
        d.add_paragraph(step, style="List Bullet")
    d.add_paragraph(c.sources_line).runs[0].italic = True
    _page_furniture(d, None, c.footer)
    d.core_properties.title = a.title
    return _save(d)
