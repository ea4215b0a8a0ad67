"""The peer: docxtpl filling a ready-made Word template with the same words as the tool's memo and
briefing (``benchmarks.content``). The templates are built here with python-docx (Jinja tags in the
text), once per process, as a docxtpl user would prepare them once in Word.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from functools import lru_cache
from typing import Any

from docx import Document
from docxtpl import DocxTemplate

from benchmarks import content
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


def _labelled(document: Any, label: str, value: str, bold: bool = True) -> Any:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(label)
    run.bold, run.italic = bold, not bold
    paragraph.add_run(" " + value)
    return paragraph


def _table(document: Any, items: str, style: str, header: tuple[str, str] | None = None) -> None:
    table = document.add_table(rows=0, cols=2, style=style)
    if header:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = header
    for first, second in ((f"{{%tr for x in {items} %}}", ""), ("{{ x[0] }}", "{{ x[1] }}"), ("{%tr endfor %}", "")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = first, second


def _furniture(document: Any, header: str | None) -> None:
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = "{{ footer }}"


@lru_cache(maxsize=1)
def briefing_template() -> bytes:
    def build(d: Any) -> None:
        d.add_paragraph("{{ kicker }}")
        d.add_paragraph("{{ title }}", style="Title")
        d.add_paragraph("{{ subtitle }}", style="Subtitle")
        d.add_paragraph("{{ byline }}")
        d.add_paragraph("{{ parties_line }}")
        _table(d, "facts", "Light Shading Accent 1")
        d.add_heading("Executive summary", 1)
        d.add_paragraph("{{ summary }}")
        _labelled(d, "Purpose.", "{{ purpose }}")
        d.add_heading("The parties", 1)
        d.add_paragraph("{%p for p in parties %}")
        d.add_paragraph("{{ p.label }}", style="Heading 2")
        d.add_paragraph("{{ p.description }}")
        d.add_paragraph("{%p if p.also %}")
        _labelled(d, "Also referred to as", "{{ p.also }}", bold=False)
        d.add_paragraph("{%p endif %}")
        _loop(d, "p.representatives", "{{ x }}")
        d.add_paragraph("{%p endfor %}")
        d.add_paragraph("{%p for x in taking_part %}")
        _labelled(d, "Taking part:", "{{ x }}")
        d.add_paragraph("{%p endfor %}")
        d.add_heading("Focus areas", 1)
        _table(d, "focus", "Light Grid Accent 1", ("Area", "What cooperation covers"))
        d.add_heading("Statements", 1)
        d.add_paragraph("{%p for x in quotes %}")
        d.add_paragraph("{{ x[0] }}", style="Quote")
        d.add_paragraph("{{ x[1] }}")
        d.add_paragraph("{%p endfor %}")
        d.add_heading("Background", 1)
        d.add_paragraph("{%p for b in background %}")
        d.add_paragraph("{{ b.title }}", style="Heading 2")
        d.add_paragraph().add_run("{{ b.date }}").italic = True
        d.add_paragraph("{{ b.text }}")
        _loop(d, "b.points", "{{ x }}")
        d.add_paragraph("{%p endfor %}")
        d.add_heading("Expected outcomes", 1)
        _loop(d, "outcomes", "{{ x }}")
        d.add_heading("Significance", 1)
        _loop(d, "significance", "{{ x }}")
        d.add_heading("Timeline", 1)
        _table(d, "timeline", "Light Grid Accent 1", ("Date", "Event"))
        d.add_heading("Sources", 1)
        _loop(d, "sources", "{{ x }}", "List Number")
        _furniture(d, "{{ header }}")
    return _doc_bytes(build)


@lru_cache(maxsize=1)
def memo_template() -> bytes:
    def build(d: Any) -> None:
        d.add_paragraph("{{ organisation }}")
        d.add_paragraph("MEMORANDUM", style="Title")
        _table(d, "header", "Table Grid")
        d.add_heading("Summary", 1)
        d.add_paragraph("{{ summary }}")
        d.add_heading("Key points", 1)
        _loop(d, "points", "{{ x }}")
        d.add_heading("Focus areas", 1)
        d.add_paragraph("{{ focus_line }}")
        d.add_heading("What happens next", 1)
        _loop(d, "next_steps", "{{ x }}")
        d.add_paragraph().add_run("{{ sources_line }}").italic = True
        _furniture(d, None)
    return _doc_bytes(build)


def _render(template: bytes, context: dict[str, Any]) -> bytes:
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def briefing_docx(a: Agreement) -> bytes:
    """The briefing through docxtpl."""
    return _render(briefing_template(), asdict(content.briefing(a)))


def memo_docx(a: Agreement) -> bytes:
    """The memo through docxtpl."""
    return _render(memo_template(), asdict(content.memo(a)))
