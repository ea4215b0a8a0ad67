"""The writer registry: output format -> function turning a document tree into bytes.

Writers are imported lazily so that commands which never write a PDF never import reportlab.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from reports.theme import Theme
from reports.tree import Document

Writer = Callable[[Document, Theme, Path | None], bytes]

# format -> (module, function). The DOCX writer takes a reference .docx; the PDF writer ignores it.
WRITERS: dict[str, tuple[str, str]] = {
    "pdf": ("reports.writers.pdf", "write_pdf"),
    "docx": ("reports.writers.docx", "write_docx"),
}
FORMATS: tuple[str, ...] = tuple(WRITERS)


def get_writer(fmt: str) -> Writer:
    """Return a callable ``(document, theme, reference) -> bytes`` for ``fmt`` ("pdf" or "docx")."""
    module_name, func_name = WRITERS[fmt]
    func: Callable[..., bytes] = getattr(import_module(module_name), func_name)

    def write(doc: Document, theme: Theme, reference: Path | None = None) -> bytes:
        return func(doc, theme, reference) if fmt == "docx" else func(doc, theme)

    return write
