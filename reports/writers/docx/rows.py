"""Which table rows of a Word document may break across pages: only those taller than a page.

Part of write (DOCX). Word and LibreOffice break a row at a page end unless the row says ``w:cantSplit``,
so a reader meets half a row at the foot of one page and the rest on the next. Every body row is kept
whole, except a row taller than the page: kept whole, it has nowhere to go (Word clips it at the page's
foot). The writer has no layout engine, so a row's height is estimated from its text, on the safe side
(a row thought taller than it is may break; one thought shorter than it is could be cut): each cell's
text measured in the table's face and size with the faces' own metrics (``reports.fonts``), wrapped
in its column's width less the cell margins, with room for the lines wrapping wastes.
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
_WASTE = 1.12  # wrapping at word boundaries leaves part of each line empty
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
            # A cheap bound first (no character is wider than the size, CJK included): most cells are far
            # from a page whatever their text, and are never measured.
            bound = sum(math.ceil(len(text) * self.size * _WASTE / room) or 1 for text in paragraphs)
            if self._height(bound) < limit:
                continue
            if self._height(sum(self._lines(text, room) for text in paragraphs)) >= limit:
                return False
        return True

    def _height(self, lines: int) -> float:
        return lines * self.size * _LINE + _PADDING

    def _lines(self, text: str, room: float) -> int:
        width = sum(self.size * len(piece) if cjk else stringWidth(piece, self.face, self.size)
                    for piece, cjk in script_runs(text))
        return math.ceil(width * _WASTE / room) or 1


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
