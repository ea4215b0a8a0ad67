"""Tables for the PDF writer: data tables (split into parts when too wide, streamed a page at a time
when long, long cells continued in following rows, a header too tall to repeat laid out once as the
first rows), field tables (key facts, the memo header) and quotes in their ruled box.

The functions take the story writer (``story.StoryWriter``) through the ``Writes`` protocol: what they
need of it is written down here, and this module does not import the story.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, FrameBreak, Spacer, Table, TableStyle

from reports import tree as t
from reports.writers.measure import column_fractions, plain_text, text_lengths
from reports.writers.pdf.cuts import MAX_CELL_CHARS, cell_pieces
from reports.writers.pdf.styles import Sheet
from reports.writers.pdf.tags import Element, TParagraph, TTable
from reports.writers.wide_tables import columns_that_fit, part_caption, split_columns

ROWS_AT_ONCE = 60  # a table of more rows is laid out a page at a time (see RowStream)


class Writes(Protocol):
    """What the table functions use of the story writer."""

    sheet: Sheet
    boxes: int  # how many table cells enclose the block being written (0: the page's own flow)
    meta: t.Meta

    def tag(self, role: str, **options: Any) -> Element: ...

    def inside(self, element: Element) -> AbstractContextManager[Element]: ...

    def para(self, content: t.Inlines, style: str, element: Element | None = None) -> TParagraph: ...

    def plain_para(self, text: str, style: str, role: str = "P") -> TParagraph: ...

    def boxed(self, blocks: tuple[t.Block, ...]) -> list[Flowable]: ...


# A data table cell's padding (points), as its style sets it and as a header's height is measured.
_PAD_TOP, _PAD_BOTTOM, _PAD_SIDE = 4, 5, 6


def table(writer: Writes, node: t.Table) -> list[Flowable]:
    ncols = max([len(node.header), *(len(r) for r in node.rows)])
    align: list[str] = [*node.align, *["left"] * (ncols - len(node.align))]
    header, rows = pad(node.header, ncols) if node.header else (), [pad(r, ncols) for r in node.rows]
    # A table wider than the page can show is printed in parts, one after the other, each repeating
    # the first column (the same parts as in the DOCX); a note says which columns each part holds.
    groups = split_columns(ncols, columns_that_fit(writer.sheet.frame_width))
    if len(groups) <= 1:
        return table_part(writer, header, rows, align, ncols)
    out: list[Flowable] = []
    for group in groups:
        out.append(writer.plain_para(part_caption(group, ncols, writer.meta.labels), "Caption", "Caption"))
        out.extend(table_part(writer, tuple(header[c] for c in group) if header else (),
                                   [tuple(row[c] for c in group) for row in rows],
                                   [align[c] for c in group], len(group)))
    return out

def table_part(writer: Writes, header: tuple[t.Inlines, ...], body: list[tuple[t.Inlines, ...]], align: list[str],
               ncols: int) -> list[Flowable]:
    sheet = writer.sheet
    element = writer.tag("Table")
    lengths = text_lengths([header, *body])
    widths = [f * sheet.frame_width for f in column_fractions(lengths, ncols)]
    head: list[list[Any]] = []  # the header row, repeated on every page the table runs onto
    rows: list[list[Any]] = []  # the rows laid out once: a header too tall to repeat, then the body
    if header:
        cells, repeated = header_row(writer, element.add("THead").add("TR"), pad(header, ncols), align, widths)
        (head if repeated else rows).append(cells)
    lead = len(rows)  # 1: a header laid out as the table's first row (not repeated)
    body_element = element.add("TBody")
    for row, row_lengths in zip(body, lengths[1:], strict=True):
        pieces = split_row(pad(row, ncols)) if max(row_lengths, default=0) > MAX_CELL_CHARS else [row]
        for piece in pieces:
            row_element = body_element.add("TR")
            rows.append([cell(writer, c, "Table", align[i], row_element.add("TD"))
                         for i, c in enumerate(pad(piece, ncols))])
    # A table in the page's flow whose header repeats goes on at the top of the next page after a split
    # (DataTable). In a quote or key-facts box the box's own split decides, and a frame break is no cell's.
    page_after_split = bool(head) and not writer.boxes

    def make(body_rows: list[list[Any]], parity: int) -> DataTable:
        # ``parity``: where body_rows[0] stands in ``rows`` (the row stream makes a table a page at a time).
        # reportlab's long-table mode measures rows only as far as the page reaches (same layout).
        table = DataTable(head + body_rows, font=sheet.body.regular, colWidths=widths, repeatRows=len(head),
                          splitByRow=1, splitInRow=1, hAlign="LEFT", longTableOptimize=1)
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), _PAD_TOP), ("BOTTOMPADDING", (0, 0), (-1, -1), _PAD_BOTTOM),
            ("LEFTPADDING", (0, 0), (-1, -1), _PAD_SIDE), ("RIGHTPADDING", (0, 0), (-1, -1), _PAD_SIDE),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, sheet.rule),
        ]
        if head:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), sheet.accent))
        shown = max(0, lead - parity)  # rows of a header not repeated at the top of this table
        if shown:
            commands.append(("BACKGROUND", (0, 0), (-1, shown - 1), sheet.accent))
        zebra = [None, sheet.zebra] if max(0, parity - lead) % 2 == 0 else [sheet.zebra, None]
        commands.append(("ROWBACKGROUNDS", (0, len(head) + shown), (-1, -1), zebra))
        table.setStyle(TableStyle(commands))
        return table

    if len(rows) <= ROWS_AT_ONCE or writer.boxes:  # in a box, the box's own split cuts the table in rows
        whole = make(rows, 0)
        whole.page_after_split = page_after_split
        return [whole, Spacer(1, 8)]
    # The stream splits its chunks itself (they keep page_after_split off) and starts the next page.
    return [RowStream(make, rows, 0, len(head), page_after_split=page_after_split), Spacer(1, 8)]


def header_row(writer: Writes, row_element: Element, header: tuple[t.Inlines, ...], align: list[str],
               widths: list[float]) -> tuple[list[Any], bool]:
    """The header's cells as a table row, and whether it is repeated on every page the table runs onto.

    reportlab cannot split a repeated row, and a header taller than half the page would leave less of
    every page to the rows than to itself: such a header is laid out once, as the table's first row, which
    may split across pages. It keeps its look (the header's style and colour) and its tags (a TH a column,
    scope Column). A header cell longer than ``MAX_CELL_CHARS`` is never repeated; it is set as paragraphs
    of that length one below the other in its cell, so that no paragraph is laid out at more than about a
    page at once (as a body cell is continued in the rows below). Rows below would not do here: the column's
    one TH would be drawn in pieces row by row, between the other columns' (out of reading order), and a TR
    of THs for each piece reads as a shredded header.
    """
    row: list[Any] = []
    cut = False
    for i, content in enumerate(header):
        element = row_element.add("TH", attributes={"Scope": "Column"})
        pieces = cell_pieces(content) if len(plain_text(content)) > MAX_CELL_CHARS else [content]
        cut = cut or len(pieces) > 1
        paragraphs = [cell(writer, piece, "Table Header", align[i], element) for piece in pieces]
        row.append(paragraphs[0] if len(paragraphs) == 1 else paragraphs)
    repeated = not cut and _row_height(row, widths) <= writer.sheet.frame_height / 2
    for element in row_element.kids:  # repeated: every drawing after the first is an artifact
        element.repeats = repeated
    return row, repeated


def _row_height(row: list[TParagraph], widths: list[float]) -> float:
    # As the table measures its cells: each column's width less its padding at both sides, and the padding
    # above and below the row. The paragraphs keep the lines of this wrap for the table's own.
    return max(para.wrap(width - 2 * _PAD_SIDE, 0x7FFFFFFF)[1]
               for para, width in zip(row, widths, strict=True)) + _PAD_TOP + _PAD_BOTTOM


def cell(writer: Writes, content: t.Inlines, style: str, align: str, element: Element) -> TParagraph:
    para = writer.para(content, style, element)
    if align != "left":
        para.style = para.style.clone(f"{style}-{align}", alignment={"right": 2, "center": 1}[align])
    return para

def block_quote(writer: Writes, node: t.BlockQuote) -> list[Flowable]:
    sheet = writer.sheet
    inner: list[Flowable] = []
    with writer.inside(writer.tag("BlockQuote")):
        for block in node.blocks:
            inner.extend([writer.para(block.content, "Quote")] if isinstance(block, t.Paragraph)
                         else writer.boxed((block,)))
        if node.attribution:
            inner.append(writer.para((t.Text("— "), *node.attribution), "Attribution"))
    box = SplitTable([[inner]], font=sheet.body.regular, colWidths=[sheet.frame_width - 12 * mm], splitInRow=1,
                 hAlign="RIGHT")
    box.setStyle(TableStyle([
        ("LINEBEFORE", (0, 0), (0, -1), 2.2, sheet.accent),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return [Spacer(1, 4), box, Spacer(1, 10)]

def field_table(writer: Writes, node: t.FieldTable) -> list[Flowable]:
    sheet = writer.sheet
    memo = node.style == "memo-header"
    label_style, value_style = ("Memo Label", "Memo Value") if memo else ("Field Label", "Field Value")
    rows = []
    if not node.rows:
        return []
    element = writer.tag("Table")
    for row in node.rows:
        row_element = element.add("TR")
        label = writer.para(row.label, label_style, row_element.add("TH", attributes={"Scope": "Row"}))
        cell = row_element.add("TD")
        value: list[Flowable] = []
        if len(row.value) == 1 and isinstance(row.value[0], t.Paragraph):
            value.append(writer.para(row.value[0].content, value_style, cell))
        else:
            with writer.inside(cell):
                for block in row.value:
                    value.extend([writer.para(block.content, value_style)] if isinstance(block, t.Paragraph)
                                 else writer.boxed((block,)))
        # A lone paragraph goes in the cell as it is: a list of flowables costs a nested layout pass.
        rows.append([label, value[0] if len(value) == 1 else value])
    label_width = (24 if memo else 34) * mm
    table = SplitTable(rows, font=sheet.body.regular, colWidths=[label_width, sheet.frame_width - label_width],
                   splitInRow=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0 if memo else 8),
        ("TOPPADDING", (0, 0), (-1, -1), 1 if memo else 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1 if memo else 5),
    ]
    if not memo:
        commands += [("BACKGROUND", (0, 0), (-1, -1), sheet.zebra),
                     ("LINEABOVE", (0, 0), (-1, 0), 1.2, sheet.accent),
                     ("LINEBELOW", (0, 0), (-1, -2), 0.6, sheet.header_text),
                     ("LINEBELOW", (0, -1), (-1, -1), 0.6, sheet.rule)]
    table.setStyle(TableStyle(commands))
    return [table, Spacer(1, 10 if memo else 6)]


class SplitTable(TTable):
    """A table that is never split where its part on this page would show no text.

    reportlab cuts inside a row (``splitInRow``) even where not one line of the row fits: the part left on
    the page is the row's padding and rules alone (an empty quote box, a header over an empty row). Such a
    split is refused, so the table starts on the next page; a heading before it goes along (``keep``).
    """

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts: list[Any] = super().split(availWidth, availHeight)
        if len(parts) >= 2 and not _prints(parts[0]._cellvalues[parts[0].repeatRows:]):
            return []
        return parts


def _prints(value: Any) -> bool:
    """Whether a table's cell values (nested lists of flowables and strings) hold anything to print."""
    if isinstance(value, list | tuple):
        return any(_prints(item) for item in value)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and not isinstance(value, Spacer)


def pad(row: tuple[t.Inlines, ...], n: int) -> tuple[t.Inlines, ...]:
    return row + ((),) * (n - len(row))


def split_row(row: tuple[t.Inlines, ...]) -> list[tuple[t.Inlines, ...]]:
    # A cell longer than a page cannot be drawn in one row; continue it in following rows, its links
    # still links (an address in a long cell is followable wherever the cut falls).
    pieces: list[list[t.Inlines]] = []
    for cell in row:
        pieces.append(cell_pieces(cell) if len(plain_text(cell)) > MAX_CELL_CHARS else [cell])
    depth = max(len(p) for p in pieces)
    return [tuple(p[i] if i < len(p) else () for p in pieces) for i in range(depth)]


class DataTable(SplitTable):
    """A data table whose rest, after a split, begins at the top of the next page (``page_after_split``).

    reportlab splits a table between rows when it can, even where the next row could have been split
    inside, and then offers what is left of the page to the rest of the table. That rest cannot split
    between rows before its first body row, so it splits inside it and draws the repeated header half-way
    down the page, above the second piece of a row whose first piece is just above it. A frame break after
    the first part keeps the promise of a repeated header: the rest goes on at the top of the next page.
    """

    page_after_split = False

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        if not self.page_after_split or len(parts) < 2:
            return parts
        for part in parts[1:]:  # reportlab makes the parts as new tables of this class: they go on the same way
            part.page_after_split = True
        return [parts[0], FrameBreak, *parts[1:]]


class RowStream(Flowable):  # type: ignore[misc]
    """The rows of a long table, made into a reportlab Table a page at a time.

    reportlab splits a table at a page end by building a new table of all the rows left, so a table
    of n rows over n/40 pages costs n²/40; here each page builds a table of only the rows it can hold
    (a chunk at least a page tall), and the rest stays a list. Always reported taller than the space
    left, so that platypus asks for a split; every split starts a new page, where the header repeats.
    """

    def __init__(self, make: Callable[[list[list[Any]], int], Table], rows: list[list[Any]], parity: int,
                 head: int, guess: int = ROWS_AT_ONCE, page_after_split: bool = False) -> None:
        super().__init__()
        self.make, self.rows, self.parity, self.head = make, rows, parity, head
        self.guess = guess  # rows to take at once: a little more than the last page held
        self.page_after_split = page_after_split  # as DataTable's: the rest starts the next page

    def _chunk(self, width: float, height: float) -> tuple[int, Table, float]:
        size = self.guess
        while True:  # a chunk must overflow the space, else the next one would start mid-page
            table = self.make(self.rows[:size], self.parity)
            _, used = table.wrap(width, height)
            if used > height or size >= len(self.rows):
                return size, table, used
            size *= 2

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, availHeight + 1

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        size, table, used = self._chunk(availWidth, availHeight)
        if size >= len(self.rows) and used <= availHeight:
            return [table]
        parts = table.split(availWidth, availHeight)
        if len(parts) < 2:
            return list(parts)
        first, rest = parts[0], parts[1]
        placed = len(first._cellvalues) - self.head
        if placed + len(rest._cellvalues) - self.head > min(size, len(self.rows)):  # a row was cut in two
            remaining = [list(rest._cellvalues[self.head]), *self.rows[placed:]]
            parity = self.parity + placed - 1
        else:
            remaining, parity = self.rows[placed:], self.parity + placed
        rest = RowStream(self.make, remaining, parity, self.head, guess=max(8, placed + placed // 4 + 2),
                         page_after_split=self.page_after_split)
        return [first, FrameBreak, rest] if self.page_after_split else [first, rest]

    def draw(self) -> None:  # never drawn itself: always split into tables first
        raise AssertionError("a row stream is always split before it is drawn")

