"""Which table rows of a Word document may break across pages: only those taller than a page.

Part of write (DOCX). Word and LibreOffice break a row at a page end unless the row says ``w:cantSplit``,
so a reader meets half a row at the foot of one page and the rest on the next. Every body row is kept
whole, except a row taller than the page: kept whole, it has nowhere to go (Word clips it at the page's
foot). The writer has no layout engine, so a row's height is estimated from its text, on the safe side
(a row thought taller than it is may break; one thought shorter than it is could be cut): each cell's
text measured in the table's face and size with the faces' own metrics (``reports.fonts``) and wrapped
word by word, as Word does, in its column's width less the cell margins. A header row is always Word's
header row (``w:tblHeader``, what makes its cells headers to assistive technology), kept whole by the same
estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from reports import tree as t
from reports.fonts.scripts import script_runs
from reports.writers.measure import plain_text

_CELL_MARGINS = 11.0  # points: Word's default left and right cell margins (0.08 in each), both sides
_PADDING = 6.0  # points: a row's top and bottom margins and rule, generously
_LINE = 1.45  # line height as a multiple of the size: Word's "1.1 lines" of these faces (1.38), and some room
_SLACK = 1.03  # words measured this much wider than reportlab's metrics: Word's own measuring may differ
_PAGE_SHARE = 0.85  # a row estimated taller than this share of the text height may break (the rest: the
# header row repeated above it, and what the estimate misses)


@dataclass(frozen=True)
class RowRoom:
    """What a row's height is estimated with: the face (registered with reportlab) and size of the
    table's text, and the text height of the page (less a repeated header row)."""

    face: str
    size: float
    page: float

    def keeps_whole(self, cells: Sequence[Sequence[str]], widths: Sequence[float]) -> bool:
        """Whether a row whose cells hold ``cells`` (each a list of paragraphs' text) in columns
        ``widths`` (points) is short enough to be kept on one page: ``w:cantSplit``."""
        limit = self.page * _PAGE_SHARE
        for paragraphs, width in zip(cells, widths, strict=False):
            room = max(width - _CELL_MARGINS, self.size)
            # A cheap bound first: most cells are far from a page whatever their text, and are never
            # measured. No character is wider than the size (CJK included), and a line ends only where the
            # next word does not fit on it, so two lines together hold more than a line's room of text:
            # a paragraph of width w takes at most 2w/room + 1 lines, however long its words.
            bound = sum(math.ceil(2 * len(text) * self.size * _SLACK / room) + 1 for text in paragraphs)
            if self._height(bound) < limit:
                continue
            if self._height(sum(self._lines(text, room) for text in paragraphs)) >= limit:
                return False
        return True

    def _height(self, lines: int) -> float:
        return lines * self.size * _LINE + _PADDING

    def _width(self, text: str) -> float:
        return _SLACK * sum(self.size * len(piece) if cjk else stringWidth(piece, self.face, self.size)
                            for piece, cjk in script_runs(text))

    def _lines(self, text: str, room: float) -> int:
        """The lines ``text`` takes wrapped in ``room`` points, filled a word at a time as Word fills them.

        A line ends where the next word does not fit on it, so a column barely wider than two words holds
        one a line and is half empty: the length of the text over the room, times any fixed allowance for
        waste, undercounts such a column (a cell of 43 "cooperation" at 12 pt in 88 points of room was
        taken for 35 lines and laid out in 43, past the page). A word wider than the whole room is broken
        between characters on lines of its own (Word does so); CJK text breaks between any two characters,
        so it goes on from where the line stands. A line so broken loses up to a character's width."""
        space = _SLACK * stringWidth(" ", self.face, self.size)
        lines, used = 1, 0.0
        for word in text.split():
            width = self._width(word)
            start = used + space if used else 0.0
            if start + width <= room:
                used = start + width
                continue
            cjk = any(is_cjk for _, is_cjk in script_runs(word))
            if not cjk:  # the word starts the next line, and is broken there if it is wider than a line
                lines, start = lines + (1 if used else 0), 0.0
                if width <= room:
                    used = width
                    continue
            # Broken between characters: each line holds at least its room less one character.
            step = max(room - self.size, self.size)
            more = math.ceil((start + width) / step) - 1
            lines, used = lines + more, start + width - more * step
        return lines


def inline_paragraphs(content: t.Inlines) -> list[str]:
    """The text of a cell, one string per line its line breaks start."""
    out = [""]
    for node in content:
        if isinstance(node, t.LineBreak):
            out.append("")
        elif isinstance(node, t.Strong | t.Emphasis | t.Link):
            inner = inline_paragraphs(node.children)
            out[-1] += inner[0]
            out.extend(inner[1:])
        else:
            out[-1] += plain_text((node,))
    return out


def block_paragraphs(blocks: Sequence[t.Block]) -> list[str] | None:
    """The text of a key-facts value, one string per line it starts; None when it holds what text does
    not measure (a figure, a picture, a table): such a row may always break."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, t.Paragraph | t.Heading):
            out.extend(inline_paragraphs(block.content))
        elif isinstance(block, t.BulletList | t.OrderedList):
            for item in block.items:
                inner = block_paragraphs(item.blocks)
                if inner is None:
                    return None
                out.extend(inner)
        elif isinstance(block, t.BlockQuote):
            inner = block_paragraphs(block.blocks)
            if inner is None:
                return None
            out.extend(inner)
        elif not isinstance(block, t.HorizontalRule | t.PageBreak):
            return None
    return out


__all__ = ["RowRoom", "block_paragraphs", "inline_paragraphs"]
