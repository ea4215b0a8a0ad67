"""Measurements both writers share: plain text of inlines, table column proportions, the running head
and the footer's note beside the protective marking.

Part of write. Kept apart so the PDF and DOCX writers size tables and cut running titles the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from reports import tree as t
from reports.fonts.measure import TextMeasure
from reports.worddiff import accept

# A running head is a short title: at most this share of the line, so it stays a label, never a sentence.
RUNNING_SHARE = 0.5
FURNITURE_SIZE = 8.0  # points: the running header and footer of both formats (Header and Footer styles)
GAP = 6 * 72 / 25.4  # points between the running title and the marking, the footer's note and the page number
SEPARATOR = "  ·  "  # between the date, the marking and the organisation in the footer and the title block
# The page label the footer's note leaves room for. A Word file learns its page count only when Word lays it
# out, so both formats cut the note for the widest label a document can have, and cut it alike.
PAGE_ESTIMATE = 999
# The least top and bottom margin, in millimetres: the running header's line sits 8 mm above the text and
# the footer's 10 mm below it, and the marking on them must be on the page, not past its edge.
FURNITURE_MARGIN_MM = 14.0


def furniture_margins(top_mm: float, bottom_mm: float) -> tuple[float, float]:
    """The top and bottom margins both writers set: the theme's, widened to ``FURNITURE_MARGIN_MM`` where
    they are less (as Word pushes the text down under a header taller than its margin)."""
    return max(top_mm, FURNITURE_MARGIN_MM), max(bottom_mm, FURNITURE_MARGIN_MM)


def plain_text(content: t.Inlines) -> str:
    """The text of ``content`` without formatting (line breaks become spaces)."""
    out: list[str] = []
    for node in content:
        if isinstance(node, t.Text | t.Code):
            out.append(node.text)
        elif isinstance(node, t.Strong | t.Emphasis | t.Link | t.Inserted | t.Deleted | t.Restyled):
            out.append(plain_text(node.children))
        elif isinstance(node, t.LineBreak):
            out.append(" ")
    return "".join(out)


def heading_text(content: t.Inlines) -> str:
    """A heading's text as the contents and the outline list it: in a redline, the new version's words
    (every change accepted; a heading deleted whole keeps its old ones)."""
    kept = plain_text(accept(content))
    return kept if kept.strip() else plain_text(content)


def text_lengths(rows: list[tuple[t.Inlines, ...]]) -> list[list[int]]:
    """The plain-text length of every cell, computed once per table."""
    return [[len(plain_text(cell)) for cell in row] for row in rows]


def column_fractions(lengths: list[list[int]], ncols: int, minimum: float = 0.12) -> list[float]:
    """Column widths as fractions of the table width, from the longest text in each column.

    Square-root damped so a long column does not starve the others; no column below ``minimum``.
    """
    longest = [1.0] * ncols
    for row in lengths:
        for i, length in enumerate(row[:ncols]):
            longest[i] = max(longest[i], min(length, 400))
    weights = [w ** 0.5 for w in longest]
    floor = min(minimum, 1 / ncols)
    fractions = [max(floor, w / sum(weights)) for w in weights]
    total = sum(fractions)
    return [f / total for f in fractions]


def running_title(title: str, fits: Callable[[str], bool]) -> str:
    """``title`` as a running head: whole if ``fits`` says it fits, else cut at the last word boundary
    that leaves room for "…" (at any character in text without spaces, as Chinese is). Both writers cut
    with this and their own measure of the same faces, so the head reads the same in both; the marking
    beside it is never shortened (the caller leaves its room out of what fits)."""
    title = " ".join(title.split())
    if fits(title):
        return title
    cuts = [i for i, char in enumerate(title) if char == " "] or list(range(1, len(title)))
    low, high, best = 0, len(cuts) - 1, ""
    while low <= high:  # the longest cut that fits: a shorter cut always fits if a longer one does
        middle = (low + high) // 2
        candidate = title[:cuts[middle]].rstrip(" ,;:·-–—") + "…"
        if fits(candidate):
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best or ("…" if fits("…") else "")


# A contents entry (and the PDF's outline entry) holds at most this many characters: a few lines, so that
# an entry never grows taller than a page (a generated 20,000-character heading did) and the outline's
# string stays within PDF/A's limit. The heading itself is printed whole.
CONTENTS_CHARS = 240


def contents_title(title: str) -> str:
    """``title`` as the contents of both formats list it: whole when short, else cut as a running title."""
    return running_title(title, lambda text: len(text) <= CONTENTS_CHARS)


def line_width(page_width_pt: float, left_mm: float, right_mm: float) -> float:
    """The text width of a page, in points, as a Word file stores it (page and margins in whole twips, as
    python-docx rounds ``Mm``): the PDF measures its header and footer on this line so that both writers
    cut at the same word (the exact width differs by a few hundredths of a point)."""
    def twips(mm: float) -> int:
        return round(int(mm * 36000) / 635)

    return (round(page_width_pt * 20) - twips(left_mm) - twips(right_mm)) / 20


class MarkingTooWide(ValueError):
    """A protective marking wider than the line it must be printed on, whole, at the top or foot of a page."""

    def __init__(self, marking: str, needed: float, room: float) -> None:
        super().__init__(f"the marking {marking!r} is {needed:.0f} pt wide; the line has room for {room:.0f} pt")
        self.marking, self.needed, self.room = marking, needed, room


def running_head(title: str, marking: str, measure: TextMeasure, size: float, width: float) -> str:
    """The running title to set at the left of ``marking`` (bold, at the right) on a line ``width`` points
    wide at ``size``: ``title`` cut by ``running_title`` to at most ``RUNNING_SHARE`` of the line and
    never into the marking's room and gap ("" when not even "…" fits). The marking is never cut: raises
    ``MarkingTooWide`` when it alone is wider than the line."""
    marking_width = marking_room(marking, measure, size, width)
    room = min(width - marking_width - (GAP if marking else 0.0), width * RUNNING_SHARE)
    return running_title(title, lambda text: measure.measure(text, False, size) <= room)


def marking_room(marking: str, measure: TextMeasure, size: float, width: float) -> float:
    """The width of ``marking`` (bold, at ``size``) on a line ``width`` points wide; raises
    ``MarkingTooWide`` when it does not fit."""
    needed = measure.measure(marking, True, size) if marking else 0.0
    if needed > width:
        raise MarkingTooWide(marking, needed, width)
    return needed


def footer_note(parts: tuple[str, str, str], page_label: str, measure: TextMeasure, size: float,
                width: float) -> str:
    """The footer's note, ``date  ·  MARKING  ·  organisation`` (``parts``, any of them empty), as it fits
    at the left of ``page_label`` on a line ``width`` points wide: the organisation is cut at a word boundary
    with "…" (``running_title``), then left out, then the date; the marking is never cut, and when it does
    not fit beside the page label this raises ``MarkingTooWide``."""
    date, marking, organisation = parts
    room = width - measure.measure(page_label, False, size) - GAP

    def fits(text: str) -> bool:
        return measure.measure(text, False, size) <= room

    head = SEPARATOR.join(x for x in (date, marking) if x)
    if organisation:
        cut = running_title(organisation, lambda text: fits(SEPARATOR.join(x for x in (head, text) if x)))
        if cut and cut != "…":
            return SEPARATOR.join(x for x in (head, cut) if x)
    for candidate in (head, marking):
        if fits(candidate):
            return candidate
    raise MarkingTooWide(marking, measure.measure(marking, False, size), max(room, 0.0))
