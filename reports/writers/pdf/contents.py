"""The table of contents in the PDF: reportlab's, read as a reader expects (title, then page number).

Part of write (PDF). Each entry is a ``TOCI`` of the ``TOC`` element (``pdf_tags``); its dot leaders are
an artifact.
"""

from __future__ import annotations

from ast import literal_eval
from collections.abc import Callable
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.tableofcontents import TableOfContents

from reports.writers.pdf.tags import Element, Tagger, TParagraph, table_events, tagger_of


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
            toc._later.append(_entry_end(self.canv, self._struct, *end))


class _EntryEnd:
    """The leaders and page number of one entry, drawn once the number is known: places kept in the
    page's content (``code[leaders]``, ``code[number]``) where ``fill`` writes them."""

    def __init__(self, canvas: Any, code: list[str], leaders: int, number: int, marked: bool, style: Any,
                 key: str, x: float, y: float, width: float, dot: str) -> None:
        self.canvas, self.code, self.leaders, self.number, self.marked = canvas, code, leaders, number, marked
        self.style, self.key, self.x, self.y, self.width, self.dot = style, key, x, y, width, dot

    def fill(self, page: str) -> None:
        # reportlab's drawPageNumbers, split in two: its sizes and positions, leaders and number apart.
        style, x, y, width, dot = self.style, self.x, self.y, self.width, self.dot
        size = style.fontSize
        number_width = stringWidth(page, style.fontName, size)
        while number_width > width - x and size >= 1.0:  # too long: shrink, as reportlab does
            size *= 0.9
            number_width = stringWidth(page, style.fontName, size)
        dot_width = stringWidth(dot, style.fontName, size) if dot else 0.0
        dots = int((width - x - number_width) / dot_width) if dot else 0
        space = stringWidth(" ", style.fontName, size)  # a space before the number: "summary 2", not "summary2"
        self.code[self.number] = _line(self.canvas, style, size, width - number_width - space, y, " " + page)
        leaders: list[str] = []
        if dots:
            marks = Tagger()  # the artifact's marks, where the entry's own sequence was closed
            opened = self.marked and marks.open_artifact(leaders)
            leaders.append(_line(self.canvas, style, size, width - dots * dot_width - number_width, y, dots * dot))
            if opened:
                marks.close_artifact(leaders)
        self.code[self.leaders:self.leaders + 1] = leaders


def _entry_end(canvas: Any, element: Element | None, style: Any, key: str, x: float, y: float, width: float,
               dot: str) -> _EntryEnd:
    # Where the leaders and the number go, in the marked content drawn now (their text once the number is
    # known): the title's sequence ends, the leaders (an artifact), the number (a second sequence).
    tagger = tagger_of(canvas)
    reopen = tagger if tagger is not None and element is not None and tagger.current is element else None
    code = canvas._code
    if reopen is not None:  # the title's sequence ends here: the leaders must not sit inside real content
        reopen.end(code)
    marked = tagger is not None and tagger.current is None  # else what is drawn belongs to the open sequence
    code.append("")
    if reopen is not None and element is not None:  # the number: the entry's second sequence (its drawing closes it)
        reopen.begin(code, element)
    code.append("")
    return _EntryEnd(canvas, code, len(code) - 3 if reopen is not None else len(code) - 2, len(code) - 1, marked,
                     style, key, x, y, width, dot)


def _line(canvas: Any, style: Any, size: float, x: float, y: float, text: str) -> str:
    line = canvas.beginText(x, y)
    line.setFont(style.fontName, size)
    line.setFillColor(style.textColor)
    line.textOut(text)
    return str(line.getCode())


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
        self._later: list[_EntryEnd] = []  # the entries' ends drawn in this layout, numbered by ``fill``

    def isIndexing(self) -> int:
        # Not reportlab's pass after pass: the layout gives the entries before it starts (their titles
        # decide the height; ``_lastEntries``) and the page numbers when it ends (``fill``).
        return 0

    def start(self) -> None:
        """A layout begins: nothing of it is drawn yet."""
        self._later = []

    def fill(self, pages_of: dict[str, int]) -> None:
        """Write each entry's leaders and page number (``pages_of``: heading bookmark -> page), last first
        so that the places of the others in the page's content stay where they are."""
        for end in reversed(self._later):
            page = pages_of.get(end.key, 0)
            end.fill(str(self.formatter(page) if self.formatter else page))
        self._later = []

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
            # reportlab's label: "page,level,key" (the key as Python writes it); the page is filled in later.
            _, level, key = label.split(",", 2)
            # Periods set close, as Word's and LibreOffice's dot leaders are.
            dot = "." if 0 <= self.dotsMinLevel <= int(level) else ""
            info = canvas._curr_tx_info
            self._ends.append((self.getLevelStyle(int(level)), str(literal_eval(key)), info["cur_x"], info["cur_y"],
                               width, dot))
        return record


__all__ = ["TTableOfContents", "level_styles"]
