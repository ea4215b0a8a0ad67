"""The writer registry: the formats, defined once, and the one signature every writer has.

``get_writer(fmt)`` gives a function ``(document, theme, options) -> bytes``. Writers are imported
lazily, so that commands which never write a PDF never import reportlab; this module imports nothing
heavy. The registry also wires the pagination seam: a writer called without a paginator in its options
is given one of the PDF layout's (``paginator``), so no writer imports another; a caller that writes one
document in several formats gives them all the same ``paginator()``, and the document is laid out once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from reports.writers.options import WriterOptions
from reports.writers.pagination import OneLayout, Paginate

if TYPE_CHECKING:  # types only: importing them would import pydantic for `reports --help`
    from reports.theme import Theme
    from reports.tree import Document
    from reports.writers.pagination import Pagination

Writer = Callable[["Document", "Theme", WriterOptions | None], bytes]

# format -> (module, function); each function is a Writer.
_WRITERS: dict[str, tuple[str, str]] = {
    "pdf": ("reports.writers.pdf.writer", "write_pdf"),
    "docx": ("reports.writers.docx.writer", "write_docx"),
}
FORMATS: tuple[str, ...] = tuple(_WRITERS)


def get_writer(fmt: str) -> Writer:
    """The writer of ``fmt`` (one of ``FORMATS``): ``(document, theme, options) -> bytes``."""
    module_name, func_name = _WRITERS[fmt]
    func: Writer = getattr(import_module(module_name), func_name)

    def write(doc: Document, theme: Theme, options: WriterOptions | None = None) -> bytes:
        options = options or WriterOptions()
        if options.paginate is None:
            options = dataclasses.replace(options, paginate=paginator())
        return func(doc, theme, options)

    return write


def paginator() -> Paginate:
    """A paginator for the writers of one build: what one writer's layout found, the others read."""
    return OneLayout(paginate)


def paginate(doc: Document, theme: Theme) -> Pagination:
    """How ``doc`` falls into pages, from the one layout (the PDF writer's, see ``writers.pagination``)."""
    from reports.writers.pdf.layout import paginate as lay_out

    return lay_out(doc, theme)
