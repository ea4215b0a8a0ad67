"""The table of contents in the PDF: reportlab's, read as a reader expects (title, then page number).

Part of write (PDF). Each entry is a ``TOCI`` of the ``TOC`` element (``pdf_tags``); its dot leaders are
an artifact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.tableofcontents import TableOfContents

from reports.writers.pdf.tags import Element, TParagraph, artifact, table_events, tagger_of


class _TEntry(TParagraph):
    """A contents entry: its title, then its page number, each in the entry's ``TOCI``; the dot leaders
    between them an artifact.

    reportlab draws the leaders and the number from an ``onDraw`` callback at the end of the title, with a
    text object of their own that reaches the page *before* the title's (the title's is drawn when the
    paragraph ends), and inside the entry's marked content: a reader heard "2 . . . Executive summary".
    Here the callback only records what to draw (``TTableOfContents._ends``), and the entry draws it after
    its title: the title's sequence is closed, the leaders drawn as an artifact, and a second sequence of
    the same element holds the number (PDF/UA wants no artifact inside real content).
    """

    _toc: TTableOfContents | None = None

    def draw(self) -> None:
        super().draw()
        toc = self._toc
        if toc is None:
            return
        ends, toc._ends = toc._ends, []
        for end in ends:
            _draw_entry_end(self.canv, self._struct, *end)


def _draw_entry_end(canvas: Any, element: Element | None, style: Any, page: str, x: float, y: float,
                    width: float, dot: str) -> None:
    # reportlab's drawPageNumbers, split in two: its sizes and positions, leaders and number apart.
    size = style.fontSize
    number_width = stringWidth(page, style.fontName, size)
    while number_width > width - x and size >= 1.0:  # too long: shrink, as reportlab does
        size *= 0.9
        number_width = stringWidth(page, style.fontName, size)
    dot_width = stringWidth(dot, style.fontName, size) if dot else 0.0
    dots = int((width - x - number_width) / dot_width) if dot else 0
    tagger = tagger_of(canvas)
    reopen = tagger if tagger is not None and element is not None and tagger.current is element else None
    if reopen is not None:  # the title's sequence ends here: the leaders must not sit inside real content
        reopen.end(canvas._code)
    if dots:
        with artifact(canvas):
            _line(canvas, style, size, width - dots * dot_width - number_width, y, dots * dot)
    if reopen is not None and element is not None:  # the number: the entry's second sequence (its drawing closes it)
        reopen.begin(canvas._code, element)
    space = stringWidth(" ", style.fontName, size)  # a space before the number: "summary 2", not "summary2"
    _line(canvas, style, size, width - number_width - space, y, " " + page)


def _line(canvas: Any, style: Any, size: float, x: float, y: float, text: str) -> None:
    line = canvas.beginText(x, y)
    line.setFont(style.fontName, size)
    line.setFillColor(style.textColor)
    line.textOut(text)
    canvas.drawText(line)


def level_styles(normal: ParagraphStyle, levels: int = 6) -> list[ParagraphStyle]:
    """The contents' style of each level: ``normal`` indented 1 cm a level, every line alike, as the DOCX's
    contents styles ("toc 1" ...) are. (reportlab's own deeper levels add the centimetre to the first
    line's indent too: its second level started 2 cm in.)"""
    return [ParagraphStyle(f"Contents {level + 1}", parent=normal, leftIndent=level * cm, firstLineIndent=0)
            for level in range(levels)]


class TTableOfContents(TableOfContents):  # type: ignore[misc]
    """reportlab's table of contents, each entry drawn as a ``TOCI`` of the ``TOC`` element: title, page
    number, and the leaders as an artifact (``_TEntry``)."""

    _struct: Element | None = None

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.dotsMinLevel = 0  # leaders at every level, as the DOCX's contents styles have (reportlab: from 1)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._ends: list[tuple[Any, ...]] = []
        self.canv.setNamedCB("drawTOCEntryEnd", self._entry_end(availWidth))
        element = self._struct
        if element is None:
            return size
        element.kids = []  # entries are made again on every pass
        table = self._table
        table._renderCB = table_events
        table.setStyle([("FONTNAME", (0, 0), (-1, -1), self.getLevelStyle(0).fontName)])  # not Helvetica
        for row in table._cellvalues:
            for value in row:  # reportlab keeps each cell as a tuple of its flowables
                for cell in value if isinstance(value, tuple | list) else (value,):
                    if not isinstance(cell, Paragraph):
                        continue
                    cell.__class__ = _TEntry  # same paragraph, drawn tagged, its number after its title
                    cell._toc = self
                    cell._struct = element.add("TOCI")
                    cell._struct.text = cell.getPlainText()
        return size

    def _entry_end(self, width: float) -> Callable[[Any, str, str], None]:
        def record(canvas: Any, kind: str, label: str) -> None:
            # reportlab's label: "page,level,key"; the key is for its own links, which ours replace.
            page, level = (int(part) for part in label.split(",")[:2])
            # Periods set close, as Word's and LibreOffice's dot leaders are.
            dot = "." if 0 <= self.dotsMinLevel <= level else ""
            shown = str(self.formatter(page) if self.formatter else page)
            info = canvas._curr_tx_info
            self._ends.append((self.getLevelStyle(level), shown, info["cur_x"], info["cur_y"], width, dot))
        return record


__all__ = ["TTableOfContents", "level_styles"]
