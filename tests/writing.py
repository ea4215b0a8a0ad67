"""The writers as the registry hands them out (pagination wired in), in the short form tests call them."""

from __future__ import annotations

from pathlib import Path

from reports.theme import Theme
from reports.tree import Document
from reports.writers import WriterOptions, get_writer


def write_docx(doc: Document, theme: Theme, reference: Path | None = None) -> bytes:
    """The DOCX of ``doc``, on the reference document ``reference`` when given."""
    return get_writer("docx")(doc, theme, WriterOptions(reference_docx=reference))


def write_pdf(doc: Document, theme: Theme) -> bytes:
    """The PDF of ``doc``."""
    return get_writer("pdf")(doc, theme, WriterOptions())
