"""Document tree -> PDF bytes with reportlab platypus.

compose -> parse -> **write (PDF)** -> build. One public function, ``write_pdf``; one handler per node
type in ``_BLOCKS`` / ``_INLINES``. Text from the tree is escaped here for reportlab's paragraph markup
(the second and last escaping boundary), so data never becomes markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    ListItem,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from reports import __version__
from reports import tree as t
from reports.errors import Problem, RenderError
from reports.theme import Theme
from reports.writers import images, pdf_notes
from reports.writers.fonts import (
    CJK_RUN,
    cjk_embedded,
    cjk_font_name,
    cjk_ready,
    ensure_cjk,
    is_cjk,
    monospace,
    standard_fonts,
    unembedded_fonts,
)
from reports.writers.measure import column_fractions, plain_text, text_lengths
from reports.writers.pdf_page import PageDecor, numbered_canvas
from reports.writers.pdf_styles import Sheet, stylesheet
from reports.writers.pdf_tags import Element, THRule, TImage, TList, TParagraph, TTable, TTableOfContents
from reports.writers.pdf_text import Span, fast_paragraph
from reports.writers.wide_tables import columns_that_fit, part_caption, split_columns
from reports.writers.xmltext import xml_safe

_MAX_CELL_CHARS = 2500  # a longer cell is split across rows so a row never outgrows a page
_MAX_PARAGRAPH = 3000  # characters: a longer paragraph is laid out in pieces (see _Writer.paragraph)
_NO_BREAK = "\xa0\u2007\u202f"  # spaces that join the words beside them
_ROWS_AT_ONCE = 60  # a table of more rows is laid out a page at a time (see _RowStream)


class _Writer:
    """Per-document state: the stylesheet, bookmark counter, and the structure tree being built."""

    def __init__(self, sheet: Sheet, meta: t.Meta) -> None:
        self.sheet = sheet
        self.meta = meta
        # The tagged PDF's structure, in document order: every flowable that draws content gets its
        # element here as it is made (see pdf_tags).
        self.root = Element("Document")
        self.parent = self.root  # where the next element goes
        self.notes_met: list[Element] = []  # Note elements of the paragraph being made
        self.bookmarks = 0
        self.open_headings: list[int] = []  # heading levels of the outline entries the next one may nest in
        self.boxes = 0  # how many table cells (quote and key-facts boxes) enclose the current block
        self.depth = 0  # how many block handlers are running: a heading at depth 1 is a top-level block
        self.anchors: list[Flowable] = []  # outline entries of headings nested in the block being written

    # ------------------------------------------------------------------ inlines -> markup

    def text(self, value: str) -> str:
        return "".join(f'<font face="{self.sheet.cjk}">{escape(piece)}</font>' if cjk else escape(piece)
                       for piece, cjk in _script_runs(value))

    def inlines(self, content: t.Inlines) -> str:
        return "".join(_INLINES[type(node)](self, node) for node in content)

    def link(self, node: t.Link) -> str:
        colour = self.sheet.accent.hexval().replace("0x", "#")
        href = quoteattr(xml_safe(node.url))
        return f'<a href={href} color="{colour}">{self.inlines(node.children)}</a>'

    def code(self, node: t.Code) -> str:
        # Code is set in a monospaced face found on the machine (embedded, like every font of ours);
        # code with letters it lacks, or on a machine without one, is set in the heading family, which
        # draws them, rather than as boxes. CJK runs get the CJK font either way.
        mono = monospace()
        plain = mono is not None and all(ord(c) in mono.covers or is_cjk(c) for c in node.text)
        face = mono.regular if plain and mono is not None else self.sheet.heading.regular
        return f'<font face="{face}" size="{self.sheet.styles["Normal"].fontSize - 1}">{self.text(node.text)}</font>'

    # ------------------------------------------------------------------ structure

    def tag(self, role: str, **options: Any) -> Element:
        return self.parent.add(role, **options)

    @contextmanager
    def inside(self, element: Element) -> Iterator[Element]:
        """Elements made in the block go under ``element``."""
        outer, self.parent = self.parent, element
        try:
            yield element
        finally:
            self.parent = outer

    def note_element(self) -> Element:
        """A Note for a footnote met in the paragraph being made; it goes under that paragraph's element."""
        element = Element("Note")
        self.notes_met.append(element)
        return element

    # ------------------------------------------------------------------ blocks -> flowables

    def blocks(self, blocks: tuple[t.Block, ...]) -> list[Flowable]:
        out: list[Flowable] = []
        for block in blocks:
            handler = _BLOCKS.get(type(block))
            if handler is None:
                raise TypeError(f"the PDF writer has no handler for {type(block).__name__}")
            self.depth += 1
            try:
                flowables = handler(self, block)
            finally:
                self.depth -= 1
            if self.depth == 0 and self.anchors:
                out.extend(self.anchors)  # just before the list or box that holds their headings
                self.anchors = []
            out.extend(flowables)
        return out

    def para(self, content: t.Inlines, style: str, element: Element | None = None) -> TParagraph:
        """The paragraph of ``content``, drawn as ``element`` (a new P where the writer is, by default)."""
        if element is None:
            element = self.tag("P", lang=_language_of(content, self.meta.language))
        paragraph_style = self.sheet.styles[style]
        spans: list[Span] = []
        paragraph: TParagraph | None = None
        if self.spans(content, False, False, "para", spans):
            paragraph = fast_paragraph(spans, paragraph_style, TParagraph)
        if paragraph is None:
            paragraph = TParagraph(self.inlines(content) or "&#160;", paragraph_style)
        paragraph._struct = element
        if self.notes_met:
            element.kids.extend(self.notes_met)
            self.notes_met = []
        return paragraph

    def plain_para(self, text: str, style: str, role: str = "P") -> TParagraph:
        """A paragraph of the writer's own text (title block, captions), drawn as a new ``role``."""
        paragraph = TParagraph(self.text(text), self.sheet.styles[style])
        paragraph._struct = self.tag(role, lang=_language_of((t.Text(text),), self.meta.language))
        return paragraph

    def spans(self, content: t.Inlines, bold: bool, italic: bool, tag: str, out: list[Span]) -> bool:
        """Collect the runs of ``content`` in ``out``; False if it holds more than styled text."""
        for node in content:
            kind = type(node)
            if kind is t.Text:
                out.extend((piece, bold, italic, self.sheet.cjk, "font") if cjk else (piece, bold, italic, "", tag)
                           for piece, cjk in _script_runs(node.text))  # type: ignore[union-attr]
            elif kind is t.Strong or kind is t.Emphasis:
                strong = kind is t.Strong
                inner_bold, inner_italic, inner_tag = (True, italic, "b") if strong else (bold, True, "i")
                out.append(("", inner_bold, inner_italic, "", inner_tag))  # the tag itself, even if empty
                if not self.spans(node.children, inner_bold, inner_italic, inner_tag, out):  # type: ignore[union-attr]
                    return False
            else:
                return False
        return True

    def heading(self, node: t.Heading) -> list[Flowable]:
        # Outline levels may not skip (reportlab refuses -1 then 1, or 0 then 2), whatever heading levels
        # a template uses: a heading nests under the nearest earlier heading of a higher level, so a
        # document of "##" and "###" only, or "#" then "###", still gives an outline that reads right.
        # The structure's H1-H6 follow the same nesting (PDF/UA: heading levels do not skip).
        while self.open_headings and self.open_headings[-1] >= node.level:
            self.open_headings.pop()
        level = len(self.open_headings)
        self.open_headings.append(node.level)
        para = self.para(node.content, f"Heading {node.level}", self.tag(f"H{min(level + 1, 6)}"))
        self.bookmarks += 1
        title = plain_text(node.content)
        # The table of contents reads its entries as paragraph markup: the title escaped, CJK in its face.
        mark = (f"h{self.bookmarks}", title, level, self.text(title))
        if self.depth > 1:
            # Inside a list item or a box the paragraph is drawn by its container, and reportlab tells the
            # template only of top-level flowables: the entry goes on an empty flowable before the container,
            # so every heading has its entry, in order, and the levels never skip.
            self.anchors.append(_Anchor(mark))
            return [para]
        para._bookmark = mark
        return [CondPageBreak(28 * mm), para]

    def paragraph(self, node: t.Paragraph) -> list[Flowable]:
        pieces = _paragraph_pieces(node.content)
        if len(pieces) == 1:
            return [self.para(node.content, "Normal")]
        element = self.tag("P", lang=_language_of(node.content, self.meta.language))  # one P for all pieces
        # reportlab lays a paragraph out again from its start at every line it wraps and every page it
        # is split over (quadratic: 12 s for 100,000 characters). A long one is set as consecutive
        # paragraphs without space between them, so it reads as one and costs what its lines cost.
        normal = self.sheet.styles["Normal"]
        first = normal.clone("Normal-first", spaceAfter=0)
        middle = normal.clone("Normal-joined", spaceBefore=0, spaceAfter=0)
        last = normal.clone("Normal-last", spaceBefore=0)
        out = [self.para(piece, "Normal", element) for piece in pieces]
        for i, flowable in enumerate(out):
            flowable.style = first if i == 0 else last if i == len(out) - 1 else middle
        return out

    def list_(self, node: t.BulletList | t.OrderedList, depth: int = 0) -> list[Flowable]:
        ordered = isinstance(node, t.OrderedList)
        element = self.tag("L", attributes={"O": "List", "ListNumbering": "Decimal" if ordered else "Disc"})
        items = []
        labels: list[Element] = []
        for item in node.items:
            flows: list[Flowable] = []
            entry = element.add("LI")
            labels.append(entry.add("Lbl"))
            with self.inside(entry.add("LBody")):
                for block in item.blocks:
                    if isinstance(block, t.Paragraph):
                        flows.append(self.para(block.content, "List"))
                    elif isinstance(block, t.BulletList | t.OrderedList):
                        flows.extend(self.list_(block, depth + 1))
                    else:
                        flows.extend(self.blocks((block,)))
            items.append(ListItem(flows))
        sheet = self.sheet
        size = sheet.styles["Normal"].fontSize
        common: dict[str, Any] = {"leftIndent": 14 + 2 * depth, "bulletFontName": sheet.heading.regular,
                                  "bulletColor": sheet.accent, "bulletFontSize": size - 1}
        if isinstance(node, t.OrderedList):
            return [TList(items, labels, bulletType="1", start=node.start, bulletFormat="%s.", **common),
                    Spacer(1, 3)]
        bullet = "•" if depth % 2 == 0 else "–"
        return [TList(items, labels, bulletType="bullet", start=bullet, **common), Spacer(1, 3)]

    def bullet_list(self, node: t.BulletList) -> list[Flowable]:
        return self.list_(node)

    def ordered_list(self, node: t.OrderedList) -> list[Flowable]:
        return self.list_(node)

    def table(self, node: t.Table) -> list[Flowable]:
        ncols = max([len(node.header), *(len(r) for r in node.rows)])
        align: list[str] = [*node.align, *["left"] * (ncols - len(node.align))]
        header, rows = _pad(node.header, ncols) if node.header else (), [_pad(r, ncols) for r in node.rows]
        # A table wider than the page can show is printed in parts, one after the other, each repeating
        # the first column (the same parts as in the DOCX); a note says which columns each part holds.
        groups = split_columns(ncols, columns_that_fit(self.sheet.frame_width))
        if len(groups) <= 1:
            return self.table_part(header, rows, align, ncols)
        out: list[Flowable] = []
        for group in groups:
            out.append(self.plain_para(part_caption(group, ncols), "Caption", "Caption"))
            out.extend(self.table_part(tuple(header[c] for c in group) if header else (),
                                       [tuple(row[c] for c in group) for row in rows],
                                       [align[c] for c in group], len(group)))
        return out

    def table_part(self, header: tuple[t.Inlines, ...], body: list[tuple[t.Inlines, ...]], align: list[str],
                   ncols: int) -> list[Flowable]:
        sheet = self.sheet
        element = self.tag("Table")
        header_cells = []
        if header:
            row_element = element.add("THead").add("TR")
            header_cells = [self.cell(c, "Table Header", align[i], row_element.add(
                "TH", attributes={"Scope": "Column"}, repeats=True)) for i, c in enumerate(_pad(header, ncols))]
        lengths = text_lengths([header, *body])
        rows = []
        body_element = element.add("TBody")
        for row, row_lengths in zip(body, lengths[1:], strict=True):
            pieces = _split_row(_pad(row, ncols)) if max(row_lengths, default=0) > _MAX_CELL_CHARS else [row]
            for piece in pieces:
                row_element = body_element.add("TR")
                rows.append([self.cell(c, "Table", align[i], row_element.add("TD"))
                             for i, c in enumerate(_pad(piece, ncols))])
        widths = [f * sheet.frame_width for f in column_fractions(lengths, ncols)]
        head = [header_cells] if header else []

        def make(body_rows: list[list[Any]], parity: int) -> Table:
            # reportlab's long-table mode measures rows only as far as the page reaches (same layout).
            table = TTable(head + body_rows, font=sheet.body.regular, colWidths=widths, repeatRows=len(head),
                           splitByRow=1, splitInRow=1, hAlign="LEFT", longTableOptimize=1)
            commands: list[tuple[Any, ...]] = [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, sheet.rule),
            ]
            if head:
                commands.append(("BACKGROUND", (0, 0), (-1, 0), sheet.accent))
            zebra = [None, sheet.zebra] if parity % 2 == 0 else [sheet.zebra, None]
            commands.append(("ROWBACKGROUNDS", (0, len(head)), (-1, -1), zebra))
            table.setStyle(TableStyle(commands))
            return table

        if len(rows) <= _ROWS_AT_ONCE:
            return [make(rows, 0), Spacer(1, 8)]
        return [_RowStream(make, rows, 0, len(head)), Spacer(1, 8)]

    def cell(self, content: t.Inlines, style: str, align: str, element: Element) -> TParagraph:
        para = self.para(content, style, element)
        if align != "left":
            para.style = para.style.clone(f"{style}-{align}", alignment={"right": 2, "center": 1}[align])
        return para

    def block_quote(self, node: t.BlockQuote) -> list[Flowable]:
        sheet = self.sheet
        inner: list[Flowable] = []
        with self.inside(self.tag("BlockQuote")):
            for block in node.blocks:
                inner.extend([self.para(block.content, "Quote")] if isinstance(block, t.Paragraph)
                             else self.boxed((block,)))
            if node.attribution:
                inner.append(self.para((t.Text("— "), *node.attribution), "Attribution"))
        box = TTable([[inner]], font=sheet.body.regular, colWidths=[sheet.frame_width - 12 * mm], splitInRow=1,
                     hAlign="RIGHT")
        box.setStyle(TableStyle([
            ("LINEBEFORE", (0, 0), (0, -1), 2.2, sheet.accent),
            ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        return [Spacer(1, 4), box, Spacer(1, 10)]

    def field_table(self, node: t.FieldTable) -> list[Flowable]:
        sheet = self.sheet
        memo = node.style == "memo-header"
        label_style, value_style = ("Memo Label", "Memo Value") if memo else ("Field Label", "Field Value")
        rows = []
        if not node.rows:
            return []
        element = self.tag("Table")
        for row in node.rows:
            row_element = element.add("TR")
            label = self.para(row.label, label_style, row_element.add("TH", attributes={"Scope": "Row"}))
            cell = row_element.add("TD")
            value: list[Flowable] = []
            if len(row.value) == 1 and isinstance(row.value[0], t.Paragraph):
                value.append(self.para(row.value[0].content, value_style, cell))
            else:
                with self.inside(cell):
                    for block in row.value:
                        value.extend([self.para(block.content, value_style)] if isinstance(block, t.Paragraph)
                                     else self.boxed((block,)))
            # A lone paragraph goes in the cell as it is: a list of flowables costs a nested layout pass.
            rows.append([label, value[0] if len(value) == 1 else value])
        label_width = (24 if memo else 34) * mm
        table = TTable(rows, font=sheet.body.regular, colWidths=[label_width, sheet.frame_width - label_width],
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

    def boxed(self, blocks: tuple[t.Block, ...]) -> list[Flowable]:
        """Flowables for a table cell: a page break there would make reportlab loop, so it is dropped."""
        self.boxes += 1
        try:
            return self.blocks(blocks)
        finally:
            self.boxes -= 1

    def page_break(self, node: t.PageBreak) -> list[Flowable]:
        return [] if self.boxes else [PageBreak()]

    def rule(self, node: t.HorizontalRule) -> list[Flowable]:
        return [THRule(width="100%", thickness=0.8, color=self.sheet.accent, spaceBefore=4, spaceAfter=10)]

    def image(self, node: t.Image) -> list[Flowable]:
        # At most the frame's size, so an image never needs a page larger than the page.
        box = (self.sheet.frame_width, self.sheet.frame_height - 8)
        width = box[0] * node.width_percent / 100 if node.width_percent else \
            node.width_mm * mm if node.width_mm else None
        try:
            pic = images.picture(node.path, box=box, width_pt=width)
        except images.ImageError as exc:
            raise images.named_by_template(exc, node.template, node.line) from None
        picture = TImage(io.BytesIO(pic.data), width=pic.width_pt, height=pic.height_pt, hAlign="LEFT")
        # The alt text goes on the Figure element (/Alt). A picture without any (parse warns) is decoration
        # to a screen reader, an artifact, as the DOCX marks it decorative.
        picture._alt_text = node.alt
        picture._struct = self.tag("Figure", alt=node.alt) if node.alt.strip() else None
        if node.number is None:
            return [picture, Spacer(1, 6)]
        from reportlab.platypus import KeepTogether

        caption = self.plain_para(self.meta.labels.figure_caption(node.number, node.caption), "Caption", "Caption")
        return [KeepTogether([picture, Spacer(1, 3), caption]), Spacer(1, 6)]  # never a caption alone

    def timeline(self, node: t.Timeline) -> list[Flowable]:
        from reports.writers.pdf_timeline import timeline_flowables  # only documents with a timeline

        return timeline_flowables(self, node)

    def note(self, node: t.Note) -> str:
        from reports.writers import pdf_notes  # only documents with footnotes need it

        return pdf_notes.notes_of(self).reference(node)

    # ------------------------------------------------------------------ first page

    def title_block(self) -> list[Flowable]:
        meta = self.meta
        kicker = "  ·  ".join(x for x in (meta.organisation.upper(), meta.classification.upper()) if x)
        out: list[Flowable] = []
        if meta.kind == "memo":
            if meta.organisation:
                out.append(self.plain_para(meta.organisation.upper(), "Kicker"))
            title = self.plain_para(" ".join(meta.labels.memorandum), "Memo Title", "H1")
            assert title._struct is not None
            title._struct.actual_text = meta.labels.memorandum  # a reader should not spell the letter-spaced word
            out.append(title)
            return out
        if kicker:
            out.append(self.plain_para(kicker, "Kicker"))
        out.append(self.plain_para(meta.title, "Title", "H1"))
        if meta.subtitle:
            out.append(self.plain_para(meta.subtitle, "Subtitle"))
        byline = "  ·  ".join(x for x in (meta.category, meta.date) if x)
        if byline:
            out.append(self.plain_para(byline, "Byline"))
        if meta.parties:
            out.append(self.plain_para("  ·  ".join(meta.parties), "Byline"))
        out.append(THRule(width="100%", thickness=2, color=self.sheet.accent, spaceBefore=10, spaceAfter=14))
        if meta.toc:
            toc = TTableOfContents()
            toc.levelStyles = [self.sheet.styles["Normal"]]
            toc._struct = self.tag("TOC")
            out += [toc, PageBreak()]
        return out


def _script_runs(value: str) -> Iterator[tuple[str, bool]]:
    """``value`` without characters XML cannot hold, cut into Latin and CJK runs: (text, is CJK).

    Latin runs come around every CJK run, empty ones included (they stand where markup would be).
    """
    value = xml_safe(value)
    pos = 0
    for run in CJK_RUN.finditer(value):
        yield value[pos:run.start()], False
        yield run.group(), True
        pos = run.end()
    yield value[pos:], False



def _language_of(content: t.Inlines, language: str) -> str:
    """``zh-Hans`` for text all in Chinese characters in a document in another language, else "".

    The structure tree's ``/Lang`` on such an element lets a screen reader switch voices; a paragraph
    that mixes scripts keeps the document's language (its runs are not separate elements).
    """
    if language.lower().startswith("zh"):
        return ""
    text = plain_text(content)
    if not CJK_RUN.search(text):
        return ""
    return "" if any(c.isalpha() for c in CJK_RUN.sub("", text)) else "zh-Hans"


def _pad(row: tuple[t.Inlines, ...], n: int) -> tuple[t.Inlines, ...]:
    return row + ((),) * (n - len(row))


def _split_row(row: tuple[t.Inlines, ...]) -> list[tuple[t.Inlines, ...]]:
    # A cell longer than a page cannot be drawn in one row; continue its text in following rows.
    pieces: list[list[t.Inlines]] = []
    for cell in row:
        text = plain_text(cell)
        pieces.append([(t.Text(c),) for c in _cell_chunks(text)] if len(text) > _MAX_CELL_CHARS else [cell])
    depth = max(len(p) for p in pieces)
    return [tuple(p[i] if i < len(p) else () for p in pieces) for i in range(depth)]


def _cell_chunks(text: str) -> list[str]:
    """``text`` in pieces of at most ``_MAX_CELL_CHARS``, cut where a reader would not notice.

    A cut falls after the last whitespace before the limit (the whitespace ends its piece, so rejoined
    pieces give the text back); a word longer than a piece is cut inside, but never between a letter
    and its combining marks.
    """
    chunks = []
    pos = 0
    while len(text) - pos > _MAX_CELL_CHARS:
        end = pos + _MAX_CELL_CHARS
        space = end - 1
        while space > pos and not (text[space].isspace() and text[space] not in _NO_BREAK):
            space -= 1
        if space > pos:
            end = space + 1
        else:
            while end > pos + 1 and _joins_previous(text[end - 1], text[end]):
                end -= 1  # text[end] starts the next piece: a mark stays with the letter before it
        chunks.append(text[pos:end])
        pos = end
    chunks.append(text[pos:])
    return chunks


def _paragraph_pieces(content: t.Inlines) -> list[t.Inlines]:
    """``content`` cut into pieces of at most about ``_MAX_PARAGRAPH`` characters; one piece if shorter.

    Only text outside any formatting is cut: after the last space that keeps a piece within the limit,
    or inside a word longer than that (never between a letter and its marks). A formatted run is
    never cut, so a piece holding one may be longer.
    """
    if sum(len(plain_text((node,))) for node in content) <= _MAX_PARAGRAPH:
        return [content]
    pieces: list[t.Inlines] = []
    current: list[t.Inline] = []
    size = 0
    for node in content:
        if type(node) is not t.Text:
            current.append(node)
            size += len(plain_text((node,)))
            continue
        text: str = node.text
        while size + len(text) > _MAX_PARAGRAPH:
            room = _MAX_PARAGRAPH - size
            cut = room
            while cut > 0 and not (text[cut - 1].isspace() and text[cut - 1] not in _NO_BREAK):
                cut -= 1  # after the last space within the room
            if cut == 0 and current:  # no space left in this piece: the text starts the next one
                pieces.append(tuple(current))
                current, size = [], 0
                continue
            if cut == 0:  # a word longer than a piece
                cut = room
                while cut > 1 and _joins_previous(text[cut - 1], text[cut]):
                    cut -= 1
            current.append(t.Text(text[:cut]))
            pieces.append(tuple(current))
            current, size, text = [], 0, text[cut:]
        if text:
            current.append(t.Text(text))
            size += len(text)
    if current:
        pieces.append(tuple(current))
    return pieces


def _joins_previous(before: str, char: str) -> bool:
    # Combining marks (some have combining class 0 but are still marks: Thai vowels), variation selectors
    # and the two sides of a zero-width joiner belong to one glyph with what precedes them.
    return (unicodedata.combining(char) > 0 or unicodedata.category(char) in ("Mn", "Mc", "Me")
            or char in "\u200d\ufe0e\ufe0f" or before == "\u200d" or "\U0001f3fb" <= char <= "\U0001f3ff")


_BLOCKS: dict[type, Callable[[_Writer, Any], list[Flowable]]] = {
    t.Heading: _Writer.heading,
    t.Paragraph: _Writer.paragraph,
    t.BulletList: _Writer.bullet_list,
    t.OrderedList: _Writer.ordered_list,
    t.Table: _Writer.table,
    t.BlockQuote: _Writer.block_quote,
    t.FieldTable: _Writer.field_table,
    t.HorizontalRule: _Writer.rule,
    t.PageBreak: _Writer.page_break,
    t.Image: _Writer.image,
    t.Timeline: _Writer.timeline,
}

_INLINES: dict[type, Callable[[_Writer, Any], str]] = {
    t.Text: lambda w, n: w.text(n.text),
    t.Strong: lambda w, n: f"<b>{w.inlines(n.children)}</b>",
    t.Emphasis: lambda w, n: f"<i>{w.inlines(n.children)}</i>",
    t.Code: _Writer.code,
    t.Link: _Writer.link,
    t.LineBreak: lambda w, n: "<br/>",
    t.Note: _Writer.note,
}


class _RowStream(Flowable):  # type: ignore[misc]
    """The rows of a long table, made into a reportlab Table a page at a time.

    reportlab splits a table at a page end by building a new table of all the rows left, so a table
    of n rows over n/40 pages costs n²/40; here each page builds a table of only the rows it can hold
    (a chunk at least a page tall), and the rest stays a list. Always reported taller than the space
    left, so that platypus asks for a split; every split starts a new page, where the header repeats.
    """

    def __init__(self, make: Callable[[list[list[Any]], int], Table], rows: list[list[Any]], parity: int,
                 head: int, guess: int = _ROWS_AT_ONCE) -> None:
        super().__init__()
        self.make, self.rows, self.parity, self.head = make, rows, parity, head
        self.guess = guess  # rows to take at once: a little more than the last page held

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
        return [first, _RowStream(self.make, remaining, parity, self.head, guess=max(8, placed + placed // 4 + 2))]

    def draw(self) -> None:  # never drawn itself: always split into tables first
        raise AssertionError("a row stream is always split before it is drawn")


class _Anchor(Flowable):  # type: ignore[misc]
    """Takes no room and draws nothing; carries the outline entry of a heading nested in a container."""

    def __init__(self, mark: tuple[str, str, int, str]) -> None:
        super().__init__()
        self._bookmark = mark

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class _DocTemplate(BaseDocTemplate):  # type: ignore[misc]
    """Adds outline entries (bookmarks) and table-of-contents entries after each heading is placed."""

    pages_of: dict[str, int]  # heading bookmark -> its page, in the last pass

    def afterFlowable(self, flowable: Flowable) -> None:
        mark = getattr(flowable, "_bookmark", None)
        if mark is None:
            return
        key, title, level, markup = mark
        if not hasattr(self, "pages_of"):
            self.pages_of = {}
        self.pages_of[key] = self.page
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, markup, self.page, key))


def creation_epoch(meta: t.Meta) -> int:
    """SOURCE_DATE_EPOCH when set, else the document's date at midnight UTC, else 2000-01-01."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    try:
        day = dt.date.fromisoformat(meta.iso_date)
    except ValueError:
        return 946684800
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def write_pdf(doc: t.Document, theme: Theme) -> bytes:
    """Render ``doc`` as PDF and return the bytes; identical input gives identical bytes.

    Raises ``RenderError`` when an image cannot be used; a missing handler is a bug (TypeError).
    """
    if doc.meta.toc and doc.meta.toc_min_pages > 0:
        # Contents only from ``toc_min_pages`` pages on, counted without them (as the DOCX writer decides):
        # a shorter document is done after this one layout.
        plain = without_contents(doc)
        buffer = io.BytesIO()
        if _remember(plain, theme, _lay_out(plain, theme, buffer))[1] < doc.meta.toc_min_pages:
            return buffer.getvalue()
    buffer = io.BytesIO()
    _remember(doc, theme, _lay_out(doc, theme, buffer))
    return buffer.getvalue()


def without_contents(doc: t.Document) -> t.Document:
    """``doc`` without its table of contents: what "runs to N pages" is counted on, in both writers."""
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, toc=False))


# The last few layouts' heading pages: the DOCX writer's contents after the PDF of the same document (a
# build writes both) reuse the PDF's layout instead of laying the document out again.
_LAYOUTS: dict[tuple[t.Document, Theme], tuple[list[int], int]] = {}


def _remember(doc: t.Document, theme: Theme, template: _DocTemplate) -> tuple[list[int], int]:
    pages_of = getattr(template, "pages_of", {})
    pages: list[int] = []
    for i in range(1, int(getattr(template, "headings", len(pages_of))) + 1):
        pages.append(pages_of.get(f"h{i}", pages[-1] if pages else 1))  # never placed: where the last one was
    result = pages, template.page
    if len(_LAYOUTS) >= 8:
        _LAYOUTS.pop(next(iter(_LAYOUTS)))
    _LAYOUTS[(doc, theme)] = result
    return result


def heading_pages(doc: t.Document, theme: Theme) -> tuple[list[int], int]:
    """The page (1 = first) of each heading of ``doc`` in document order, and the number of pages, as
    ``write_pdf`` lays the document out (the DOCX writer's table of contents uses them). Lays out only:
    no file is written."""
    known = _LAYOUTS.get((doc, theme))
    if known is not None:
        return known
    return _remember(doc, theme, _lay_out(doc, theme, None))


def _lay_out(doc: t.Document, theme: Theme, buffer: io.BytesIO | None) -> _DocTemplate:
    """Lay ``doc`` out and, with a ``buffer``, save the PDF into it; return the template (its pages)."""
    sheet = stylesheet(theme, doc.meta.kind, doc.meta.east_asian)  # a memo is set tighter, to fit one page
    # The CJK face is read only for a document that prints CJK text; an OpenType face is converted for
    # the characters it prints (a face of its own per character set). Once a TrueType face is read, the
    # document's text need not be walked for it.
    if not cjk_ready(sheet.cjk):
        face = ensure_cjk(theme.fonts.cjk, _cjk_characters(doc, theme))
        if face != sheet.cjk:
            sheet = dataclasses.replace(sheet, cjk=face)
    meta = doc.meta
    writer = _Writer(sheet, meta)
    story = writer.title_block() + writer.blocks(doc.blocks)
    m = theme.margins
    template = _DocTemplate(
        buffer if buffer is not None else io.BytesIO(), pagesize=sheet.page_size, leftMargin=m.left * mm,
        rightMargin=m.right * mm, topMargin=m.top * mm, bottomMargin=m.bottom * mm, title=xml_safe(meta.title),
        author=xml_safe(meta.author), subject=xml_safe(meta.subject), keywords=[xml_safe(k) for k in meta.keywords],
        creator=f"reports {__version__}",
        producer=f"reports {__version__}", lang=meta.language, invariant=1,
    )
    template.headings = writer.bookmarks
    frame = Frame(template.leftMargin, template.bottomMargin, template.width, template.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    decor = PageDecor(meta, sheet, theme)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decor.on_page)])
    notes = pdf_notes.attach(template, writer)  # footnotes at the foot of their pages; [] without notes
    story += notes
    archival = not unembedded_fonts(theme, sheet.cjk)
    maker = numbered_canvas(decor, creation_epoch(meta), writer.root, archival, save=buffer is not None)
    try:
        if meta.toc or notes:
            template.multiBuild(_without_empty_pages(story), canvasmaker=maker)
        else:
            template.build(_without_empty_pages(story), canvasmaker=maker)
    except LayoutError as exc:
        # Everything the tree can hold is sized to fit a page; this is the last guard, and still one message.
        where = meta.source or "the document"
        raise RenderError("", [Problem(where, "cannot lay the document out: a block is larger than a page and "
                                              f"cannot be split ({_layout_reason(exc)})")]) from None
    return template


_said_chinese_not_embedded = False


def chinese_not_embedded(doc: t.Document, theme: Theme, source: str, *, every_time: bool = False) -> Problem | None:
    """A warning, once per process (``every_time``: for each document), when ``doc`` prints CJK text and
    no embeddable face was found, so the PDF names reportlab's CID font, unembedded, and is not PDF/A."""
    global _said_chinese_not_embedded
    if (_said_chinese_not_embedded and not every_time) or cjk_embedded(cjk_font_name(theme.fonts.cjk)):
        return None  # said already, or a TrueType face is there
    if standard_fonts(theme):
        return None  # a standard-14 theme font: not archival anyway, and the theme says so itself
    chars = _cjk_characters(doc, theme)
    if not chars or cjk_embedded(ensure_cjk(theme.fonts.cjk, chars)):
        return None  # no CJK text, or an OpenType face converted for it
    _said_chinese_not_embedded = True
    return Problem(source, "no Chinese, Japanese or Korean font to embed was found on this machine: that text "
                           "uses reportlab's STSong-Light, which the reader's viewer must supply, and the PDF is "
                           "not PDF/A (install fonts-wqy-zenhei, or name a font file in the theme's fonts.cjk)")


def _cjk_characters(doc: t.Document, theme: Theme) -> str:
    """Every Chinese, Japanese or Korean character the document prints (tree, metadata, watermark)."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))

    walk(doc)
    texts.append(theme.watermark or "")
    return "".join(sorted(set("".join(CJK_RUN.findall("\n".join(texts))))))


def _without_empty_pages(story: list[Flowable]) -> list[Flowable]:
    # A page break with nothing printed since the last one (or since the start) would make an empty page.
    out: list[Flowable] = []
    printed = False
    for flowable in story:
        if isinstance(flowable, PageBreak):
            if not printed:
                continue
            printed = False
        elif not isinstance(flowable, Spacer):  # CondPageBreak is a Spacer too: neither prints anything
            printed = True
        out.append(flowable)
    return out


def _layout_reason(exc: LayoutError) -> str:
    # reportlab's text names its own objects ("<Table@0x7F...>"): keep only the words a reader can use.
    text = re.sub(r"<[^<>]*@0x[0-9A-Fa-f]+[^<>]*>|\s+", " ", str(exc)).strip()
    return text[:160] or "LayoutError"

