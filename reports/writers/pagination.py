"""The pagination seam: how a document falls into pages, the one answer both writers read.

The PDF writer's layout (``reports.writers.pdf.layout``) is the one place a document is laid out and
answers this; the DOCX writer has no layout engine of its own and asks through ``WriterOptions.paginate``
for its contents' page numbers, so the Word file's numbers are the PDF's, and neither writer imports
the other. One ``OneLayout`` serves the writers of one build: the PDF writer tells it what its layout
found, and the DOCX writer asks it, so a document written in both formats is laid out once.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """Says how a document falls into pages (laying it out, or remembering having done so)."""

    def __call__(self, doc: Document, theme: Theme) -> Pagination: ...

    def known(self, doc: Document, theme: Theme) -> Pagination | None:
        """The answer for ``doc`` if it is known already (no layout), else None."""

    def tell(self, doc: Document, theme: Theme, pagination: Pagination) -> None:
        """Remember ``pagination``, found by a writer that laid ``doc`` out itself."""


class OneLayout:
    """A ``Paginate`` for the writers of one build: it lays a document out at most once, and remembers
    what it found or was told. Documents are told apart by identity (the same tree object and theme),
    never by comparing whole trees."""

    KEPT = 4  # answers remembered: a build's writers ask about one document, a batch's about a few

    def __init__(self, lay_out: Callable[[Document, Theme], Pagination]) -> None:
        self._lay_out = lay_out
        self._known: list[tuple[Document, Theme, Pagination]] = []

    def __call__(self, doc: Document, theme: Theme) -> Pagination:
        known = self.known(doc, theme)
        if known is None:
            known = self._lay_out(doc, theme)
            self.tell(doc, theme, known)
        return known

    def known(self, doc: Document, theme: Theme) -> Pagination | None:
        for seen, look, pagination in self._known:
            if seen is doc and look is theme:
                return pagination
        return None

    def tell(self, doc: Document, theme: Theme, pagination: Pagination) -> None:
        self._known = [entry for entry in self._known if entry[0] is not doc or entry[1] is not theme]
        self._known = [*self._known[-(self.KEPT - 1):], (doc, theme, pagination)]
