"""The pagination seam: how a document falls into pages, the one answer both writers read.

The PDF writer's layout (``reports.writers.pdf.layout``) is the one place a document is laid out and
answers this; the DOCX writer has no layout engine of its own and asks through ``WriterOptions.paginate``
for its contents' page numbers, so the Word file's numbers are the PDF's, and neither writer imports
the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # types only: nothing is imported at run time
    from reports.theme import Theme
    from reports.tree import Document


@dataclass(frozen=True)
class Pagination:
    """How one document falls into pages as the PDF draws it."""

    pages: int  # the number of pages
    heading_pages: tuple[int, ...]  # the page (1 = first) of each heading, in document order
    contents: bool  # whether the document shows its table of contents (decided from its length)


class Paginate(Protocol):
    """Lays a document out (or remembers having done so) and says how it falls into pages."""

    def __call__(self, doc: Document, theme: Theme) -> Pagination: ...
