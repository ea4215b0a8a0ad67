"""The peer: docxtpl filling a ready-made Word template with the same content as the tool's memo and
briefing. The templates are built here with python-docx (Jinja tags in the text), once per process.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from docx import Document
from docxtpl import DocxTemplate

from reports.model import Agreement


def _doc_bytes(build: Any) -> bytes:
    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _loop(document: Any, items: str, body: str, style: str = "List Bullet") -> None:
    document.add_paragraph(f"{{%p for x in {items} %}}")
    document.add_paragraph(body, style=style)
    document.add_paragraph("{%p endfor %}")


def _table(document: Any, items: str, header: tuple[str, str], cells: tuple[str, str], style: str) -> None:
    table = document.add_table(rows=3, cols=2, style=style)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = header
    table.rows[1].cells[0].text = f"{{%tr for x in {items} %}}"
    table.rows[2].cells[0].text, table.rows[2].cells[1].text = cells
    row = table.add_row().cells
    row[0].text = "{%tr endfor %}"


@lru_cache(maxsize=1)
def briefing_template() -> bytes:
    def build(d: Any) -> None:
        d.add_paragraph("{{ title }}", style="Title")
        d.add_paragraph("{{ subtitle }}", style="Subtitle")
        _table(d, "facts", ("Fact", "Value"), ("{{ x[0] }}", "{{ x[1] }}"), "Light Shading Accent 1")
        d.add_heading("Executive summary", 1)
        d.add_paragraph("{{ summary }}")
        d.add_paragraph("{{ purpose }}")
        d.add_heading("The parties", 1)
        _loop(d, "parties", "{{ x.name }}: {{ x.description }}", "Normal")
        d.add_heading("Focus areas", 1)
        _table(d, "focus", ("Area", "What cooperation covers"), ("{{ x.name }}", "{{ x.summary }}"),
               "Light Grid Accent 1")
        d.add_heading("Statements", 1)
        _loop(d, "statements", "{{ x.text }} — {{ x.speaker }}, {{ x.role }}", "Quote")
        d.add_heading("Background", 1)
        _loop(d, "context", "{{ x.title }}: {{ x.text }}", "Normal")
        d.add_heading("Expected outcomes", 1)
        _loop(d, "outcomes", "{{ x }}")
        d.add_heading("Significance", 1)
        _loop(d, "significance", "{{ x }}")
        d.add_heading("Sources", 1)
        _loop(d, "sources", "{{ x.title }}. {{ x.publisher }}.", "List Number")
    return _doc_bytes(build)


@lru_cache(maxsize=1)
def memo_template() -> bytes:
    def build(d: Any) -> None:
        d.add_paragraph("MEMORANDUM", style="Title")
        _table(d, "header", ("", ""), ("{{ x[0] }}", "{{ x[1] }}"), "Table Grid")
        d.add_heading("Summary", 1)
        d.add_paragraph("{{ summary }}")
        d.add_heading("Key points", 1)
        _loop(d, "points", "{{ x }}")
        d.add_heading("Focus areas", 1)
        d.add_paragraph("{{ focus_line }}")
        d.add_heading("What happens next", 1)
        _loop(d, "next_steps", "{{ x }}")
        d.add_paragraph("Sources: {{ sources_line }}")
    return _doc_bytes(build)


def _context(a: Agreement) -> dict[str, Any]:
    memo = a.memo
    return {
        "title": a.title, "subtitle": a.subtitle or "", "summary": a.summary, "purpose": a.agreement.purpose,
        "facts": [("Signed", a.agreement.signed.strftime("%d %B %Y")),
                  ("Parties", " and ".join(p.name for p in a.parties)), ("Agreement", a.agreement.type)],
        "parties": a.parties, "focus": a.focus_areas, "statements": a.statements, "context": a.context,
        "outcomes": a.expected_outcomes, "significance": a.significance, "sources": a.sources,
        "header": [("TO", memo.to if memo else ""), ("FROM", memo.from_ if memo else ""),
                   ("DATE", a.agreement.signed.strftime("%d %B %Y")), ("SUBJECT", a.title)],
        "points": [f"{s.speaker}: {s.text}" for s in a.statements] + a.significance[:1],
        "focus_line": ", ".join(f.name for f in a.focus_areas),
        "next_steps": memo.next_steps if memo else [],
        "sources_line": " ".join(f"{s.title}. {s.publisher}." for s in a.sources),
    }


def _render(template: bytes, a: Agreement) -> bytes:
    document = DocxTemplate(io.BytesIO(template))
    document.render(_context(a), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def briefing_docx(a: Agreement) -> bytes:
    """The briefing through docxtpl."""
    return _render(briefing_template(), a)


def memo_docx(a: Agreement) -> bytes:
    """The memo through docxtpl."""
    return _render(memo_template(), a)
