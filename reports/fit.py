"""Does a one-page kind of document (the memo) keep to one page? Checked after the PDF is written.

Part of the pipeline, after write. The PDF's page count is read from its bytes (reportlab writes one page
tree root with a /Count). Word lays a DOCX out itself, so a DOCX has no page count until it is opened: for
a DOCX-only render under --strict the memo's PDF is laid out too, in memory, as the estimate (the two
writers share one design and spacing; Word may still differ by a line or two). That costs one PDF layout,
about 25 ms, which would more than double a DOCX-only memo: so without --strict a DOCX-only render is
not checked (``reports build``, which writes both formats by default, always is, at no extra cost).
"""

from __future__ import annotations

import re

from reports.errors import Problem

ONE_PAGE_KINDS: frozenset[str] = frozenset({"memo"})  # the kinds the design promises on one page
_PDF_PAGES = re.compile(rb"/Count (\d+) /Kids")


def pdf_pages(data: bytes) -> int | None:
    """The number of pages of a PDF reportlab wrote (its page tree root's /Count); None if not found."""
    counts = [int(m) for m in _PDF_PAGES.findall(data)]
    return max(counts) if counts else None


def page_warning(kind: str, pdf: bytes, source: str, *, estimated: bool = False) -> Problem | None:
    """A warning naming ``source`` (the data file) when a ``kind`` that should fit one page does not.

    ``estimated``: the PDF was laid out only to estimate a DOCX's length, which the message says.
    """
    if kind not in ONE_PAGE_KINDS:
        return None
    pages = pdf_pages(pdf)
    if pages is None or pages <= 1:
        return None
    how = " (as laid out for the PDF)" if estimated else ""
    return Problem(file=source, message=f"{kind} runs to {pages} pages{how}; it is meant to fit one page: "
                                        "shorten the summary, key points or next steps")
