"""The DOCX floor: the briefing and memo written with plain python-docx, as a typical developer would.

Straightforward code: ``Document()`` per file, styles assigned by name, ``add_table`` with a built-in
table style. Correct output, the usual speed; the tool is measured against it.
"""

from __future__ import annotations

import io

from docx import Document

from reports.model import Agreement


def _save(document: Document) -> bytes:  # type: ignore[valid-type]
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def briefing_docx(a: Agreement) -> bytes:
    """Return the briefing of ``a`` as .docx bytes."""
    d = Document()
    d.add_paragraph(a.title, style="Title")
    if a.subtitle:
        d.add_paragraph(a.subtitle, style="Subtitle")
    facts = d.add_table(rows=0, cols=2, style="Light Shading Accent 1")
    for key, value in (("Signed", a.agreement.signed.strftime("%d %B %Y")),
                       ("Parties", " and ".join(f"{p.name} ({p.local_name})" if p.local_name else p.name
                                                for p in a.parties)),
                       ("Agreement", a.agreement.type), ("Focus areas", ", ".join(f.name for f in a.focus_areas))):
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = key, value
    d.add_heading("Executive summary", 1)
    d.add_paragraph(a.summary)
    d.add_paragraph(a.agreement.purpose)
    d.add_heading("The parties", 1)
    for p in a.parties:
        d.add_heading(p.name + (f" ({p.local_name})" if p.local_name else ""), 2)
        d.add_paragraph(p.description)
    d.add_heading("Focus areas", 1)
    table = d.add_table(rows=1, cols=2, style="Light Grid Accent 1")
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Area", "What cooperation covers"
    for f in a.focus_areas:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = f.name, f.summary
    d.add_heading("Statements", 1)
    for s in a.statements:
        d.add_paragraph(s.text, style="Quote")
        d.add_paragraph(f"— {s.speaker}, {s.role}")
    for item in a.context:
        d.add_heading(item.title, 2)
        d.add_paragraph(item.text)
        for point in item.points:
            d.add_paragraph(point, style="List Bullet")
    for heading, points in (("Expected outcomes", a.expected_outcomes), ("Significance", a.significance)):
        d.add_heading(heading, 1)
        for point in points:
            d.add_paragraph(point, style="List Bullet")
    d.add_heading("Sources", 1)
    for src in a.sources:
        d.add_paragraph(f"{src.title}. {src.publisher}.", style="List Number")
    d.core_properties.title = a.title
    return _save(d)


def memo_docx(a: Agreement) -> bytes:
    """Return the memo of ``a`` as .docx bytes."""
    d = Document()
    d.add_paragraph("MEMORANDUM", style="Title")
    memo = a.memo
    header = d.add_table(rows=0, cols=2)
    for key, value in (("TO", memo.to if memo else ""), ("FROM", memo.from_ if memo else ""),
                       ("DATE", a.agreement.signed.strftime("%d %B %Y")), ("SUBJECT", a.title)):
        cells = header.add_row().cells
        cells[0].text, cells[1].text = key, value or ""
    d.add_heading("Summary", 1)
    d.add_paragraph(a.summary)
    d.add_heading("Key points", 1)
    for s in a.statements:
        d.add_paragraph(f"{s.speaker}: {s.text}", style="List Bullet")
    for point in a.significance[:1]:
        d.add_paragraph(point, style="List Bullet")
    d.add_heading("Focus areas", 1)
    d.add_paragraph(", ".join(f.name for f in a.focus_areas))
    d.add_heading("What happens next", 1)
    for step in (memo.next_steps if memo else []):
        d.add_paragraph(step, style="List Bullet")
    d.add_paragraph("Sources: " + " ".join(f"{s.title}. {s.publisher}." for s in a.sources))
    d.core_properties.title = a.title
    return _save(d)
