"""The story of a Word document: document tree -> paragraphs, runs and tables in python-docx.

One handler per node type in ``_BLOCKS`` / ``_INLINES``. The title block and the running header and
footer are in ``furniture``; the entry point, ``write_docx``, is in ``writer``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any, NamedTuple

from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Mm
from docx.styles import BabelFish
from docx.text.paragraph import Paragraph

from reports import tree as t
from reports.east_asian import primary
from reports.fonts.faces import family
from reports.fonts.scripts import CJK_RUN
from reports.theme import Theme
from reports.writers.docx import ooxml, revisions
from reports.writers.docx import theme as docx_theme
from reports.writers.docx.rows import RowRoom, block_paragraphs, inline_paragraphs
from reports.writers.measure import column_fractions, text_lengths
from reports.writers.wide_tables import columns_that_fit, part_caption, split_columns
from reports.writers.xmltext import xml_safe

_SPECIAL_CHARS = re.compile("[\t\n\r]")
_W_P, _W_PPR, _W_PSTYLE, _W_R, _W_RPR, _W_RSTYLE, _W_T, _W_VAL, _W_SECTPR = (
    qn(f"w:{name}") for name in ("p", "pPr", "pStyle", "r", "rPr", "rStyle", "t", "val", "sectPr"))
_XML_SPACE = qn("xml:space")
_EMU_PER_POINT = 12700


class Page(NamedTuple):
    """The page set-up a story is written for (``StoryWriter.page``), in EMU."""

    section: Any
    text_width: int  # between the margins; at least 25 mm, so that tables keep a positive width
    body_height: int  # between the top and bottom margins
    block_width: int  # python-docx's ``Document._block_width``: what a table in the body is made with


class StoryWriter:
    """Per-document state: the python-docx document, its style cache and numbering instances."""

    def __init__(self, document: Any, theme: Theme, meta: t.Meta,
                 changes: revisions.Revisions | None = None) -> None:
        self.doc = document
        self.theme = theme
        self.meta = meta
        self.body = document
        self.body_element = document.element.body  # w:body, found once (python-docx searches for it each time)
        # Style ids looked up once: python-docx's `paragraph.style = ...` searches every style each time,
        # which was most of the writer's time.
        self.ids = _style_ids(document)
        # The theme's CJK face, as Word names it; a Chinese document's runs name its body face (set_east_asian).
        self.cjk_font = docx_theme.east_asian_face(theme) if meta.east_asian else docx_theme.word_cjk_font(theme)
        # Word's East Asian faces by the language of each run (a Japanese one for Japanese runs).
        self.cjk_faces = docx_theme.word_cjk_faces(theme, meta, self.cjk_font)
        self.japanese_known = self.cjk_faces.japanese != self.cjk_faces.chinese
        self.toc: Any = None  # the table of contents (docx_toc.TableOfContents) when the document has one
        self.gaps: list[tuple[Any, float]] = []  # (w:tbl, points of space after it): docx_access
        self.revisions = changes or revisions.Revisions()  # a redline's tracked changes: their author, date, ids

    def style_id(self, name: str, fallback: str = "Normal") -> str | None:
        """The id of style ``name``; a user's reference may lack our custom styles, so fall back."""
        return self.ids.get(name) or self.ids.get(fallback)

    def new_para(self, container: Any, style: str, fallback: str = "Normal") -> Any:
        # lxml directly: python-docx's add_paragraph searches the body for its place on every call.
        parent = self.body_element if container is self.doc else container._element
        last = parent[-1] if len(parent) else None
        p = parent.makeelement(_W_P, {})
        if last is not None and last.tag == _W_SECTPR:
            last.addprevious(p)  # the body ends with its section settings
        else:
            parent.append(p)
        paragraph = Paragraph(p, container)
        self.set_style(paragraph, style, fallback)
        return paragraph

    def set_style(self, paragraph: Any, style: str, fallback: str = "Normal") -> None:
        style_id = self.style_id(style, fallback)
        if style_id and style != "Normal":
            p = paragraph._p
            p_pr = p.find(_W_PPR)
            if p_pr is None:
                p_pr = _sub(p, _W_PPR, 0)  # paragraph properties come first
            p_style = p_pr.find(_W_PSTYLE)
            if p_style is None:
                p_style = _sub(p_pr, _W_PSTYLE, 0)  # and the style first among them
            p_style.set(_W_VAL, style_id)

    def set_table_style(self, table: Any, style: str) -> None:
        style_id = self.style_id(style, "Table Grid")
        if style_id:
            table._tbl.tblPr.style = style_id

    # ------------------------------------------------------------------ inlines

    def runs(self, paragraph: Any, content: t.Inlines, char_style: str | None = None,
             target: Any = None) -> None:
        for node in content:
            handler = _INLINES.get(type(node))
            if handler is None:
                raise TypeError(f"the DOCX writer has no handler for {type(node).__name__}")
            handler(self, paragraph, node, char_style, target)

    def text(self, paragraph: Any, node: t.Text, char_style: str | None, target: Any) -> None:
        self.add_text(paragraph, node.text, char_style, target)

    def add_text(self, paragraph: Any, text: str, char_style: str | None, target: Any) -> None:
        text = xml_safe(text)
        if not text:
            return
        if CJK_RUN.search(text) is None:
            self.add_run(paragraph, text, char_style, target, "")
            return
        # A run says one East Asian language (w:lang w:eastAsia) and face: text whose East Asian runs
        # are in two languages (a Chinese name in a Japanese sentence) becomes a run for each.
        pieces: list[list[str]] = []
        for piece, face, language in self.cjk_faces.runs(text):
            if face is not None and (not pieces or (pieces[-1][1] and pieces[-1][1] != language)):
                pieces.append([piece, language])
            elif face is not None:
                pieces[-1] = [pieces[-1][0] + piece, language]
            elif pieces:
                pieces[-1][0] += piece
            else:
                pieces.append([piece, ""])
        for piece, language in pieces:
            self.add_run(paragraph, piece, char_style, target, language)

    def east_asian_font(self, language: str) -> str:
        """Word's face for a run in ``language``: the Japanese face for Japanese (looked for the first
        time a Japanese run is met, so that a document without one never looks), else the Chinese one."""
        if primary(language) == "ja" and not self.japanese_known:
            japanese = docx_theme.east_asian_face(self.theme, "ja")
            self.cjk_faces = dataclasses.replace(self.cjk_faces, japanese=japanese)
            self.japanese_known = True
        return self.cjk_faces.face(language)

    def add_run(self, paragraph: Any, text: str, char_style: str | None, target: Any, language: str) -> None:
        """One run of ``text``: with an East Asian ``language``, its face and language said in the run."""
        # Built with lxml directly: python-docx's add_run and run.text cost more than the rest of the
        # writer (a search per element, a step per character). Inside a hyperlink, runs go in its element.
        parent = paragraph._p if target is None else target
        r = _sub(parent, _W_R)
        style_id = self.ids.get(char_style) if char_style else None
        if style_id or language:
            r_pr = _sub(r, _W_RPR)
            if style_id:
                _sub(r_pr, _W_RSTYLE).set(_W_VAL, style_id)
            if language:
                ooxml.east_asian(r_pr, self.east_asian_font(language),
                                 docx_theme.east_asian_lang(language) or "zh-CN")
        if _SPECIAL_CHARS.search(text):
            r.text = text  # python-docx turns tabs and line breaks into w:tab and w:br
            return
        w_t = _sub(r, _W_T)
        w_t.text = text
        if text[0].isspace() or text[-1].isspace():
            w_t.set(_XML_SPACE, "preserve")

    def strong(self, paragraph: Any, node: t.Strong, char_style: str | None, target: Any) -> None:
        self.runs(paragraph, node.children, "Strong", target)

    def emphasis(self, paragraph: Any, node: t.Emphasis, char_style: str | None, target: Any) -> None:
        self.runs(paragraph, node.children, "Emphasis", target)

    def code(self, paragraph: Any, node: t.Code, char_style: str | None, target: Any) -> None:
        self.add_text(paragraph, node.text, "Code", target)

    def link(self, paragraph: Any, node: t.Link, char_style: str | None, target: Any) -> None:
        element = ooxml.add_hyperlink(paragraph, xml_safe(node.url))
        self.runs(paragraph, node.children, "Hyperlink", element)

    def line_break(self, paragraph: Any, node: t.LineBreak, char_style: str | None, target: Any) -> None:
        run = paragraph.add_run()
        run.add_break()
        if target is not None:
            target.append(run._r)

    # ------------------------------------------------------------------ blocks

    def blocks(self, blocks: tuple[t.Block, ...], container: Any = None) -> None:
        for block in blocks:
            handler = _BLOCKS.get(type(block))
            if handler is None:
                raise TypeError(f"the DOCX writer has no handler for {type(block).__name__}")
            handler(self, block, container if container is not None else self.doc)

    def para(self, container: Any, content: t.Inlines, style: str) -> Any:
        paragraph = self.new_para(container, style)
        self.runs(paragraph, content)
        return paragraph

    def heading(self, node: t.Heading, container: Any) -> None:
        paragraph = self.para(container, node.content, f"Heading {node.level}")
        ooxml.keep_with_next(paragraph)  # never alone at a page's foot, whatever the reference's styles say
        if self.toc is not None:
            self.toc.bookmark(paragraph)  # the _Toc bookmark its contents entry links to

    def paragraph(self, node: t.Paragraph, container: Any) -> None:
        self.para(container, node.content, "Normal")

    def list_(self, node: t.BulletList | t.OrderedList, container: Any, depth: int = 0) -> None:
        ordered = isinstance(node, t.OrderedList)
        base = "List Number" if ordered else "List Bullet"
        style_name = base if depth == 0 else f"{base} 2"
        num_id = None
        if ordered and depth == 0:
            style_num = ooxml.style_num_id(self.doc.styles.element, self.style_id(style_name))
            if style_num is not None:
                num_id = ooxml.restart_numbering(self.doc.part.numbering_part, style_num,
                                                 node.start)  # type: ignore[union-attr]
        for item in node.items:
            span = revisions.Span(self, container) if item.change else None
            first = True
            for block in item.blocks:
                if isinstance(block, t.Paragraph) and first:
                    paragraph = self.para(container, block.content, style_name)
                    if num_id is not None:
                        ooxml.set_num_id(paragraph, num_id)
                    first = False
                elif isinstance(block, t.BulletList | t.OrderedList):
                    self.list_(block, container, min(depth + 1, 1))
                else:
                    self.blocks((block,), container)
            if span is not None:  # a redline's inserted or deleted item: everything it wrote
                revisions.mark(self, span.elements(), item.change)

    def bullet_list(self, node: t.BulletList, container: Any) -> None:
        self.list_(node, container)

    def ordered_list(self, node: t.OrderedList, container: Any) -> None:
        self.list_(node, container)

    def table(self, node: t.Table, container: Any) -> None:
        ncols = max([len(node.header), *(len(r) for r in node.rows)])
        rows = ([node.header] if node.header else []) + list(node.rows)
        align = list(node.align) + ["left"] * ncols
        # Past what the text width holds (Word stops at 63 columns, readers much earlier) the table is
        # printed in parts that repeat its first column, each with a note, as the PDF writer does.
        groups = split_columns(ncols, columns_that_fit(self.text_width() / 12700))  # EMU -> points
        span = revisions.Span(self, container) if any(node.row_changes) else None
        for group in groups:
            if len(groups) > 1:
                caption = part_caption(group, ncols, self.meta.labels)
                self.add_text(self.new_para(container, "Caption"), caption, None, None)
            part = rows if len(groups) == 1 else [tuple(row[c] for c in group if c < len(row)) for row in rows]
            self.table_part(container, part, [align[c] for c in group], bool(node.header))
        if span is not None:  # a redline's inserted or deleted rows, in every part of the table
            revisions.marked_rows(self, span.elements(), node.row_changes, bool(node.header))

    def add_table(self, container: Any, rows: int, cols: int) -> Any:
        """python-docx's ``container.add_table(rows, cols)``; in the body, without its search for the last
        section's width (the same width, ``page``)."""
        if container is not self.doc:
            return container.add_table(rows=rows, cols=cols)
        table = self.doc._body.add_table(rows, cols, Emu(self.page.block_width))
        table.style = None  # as Document.add_table leaves it: the caller names the style
        return table

    def table_part(self, container: Any, rows: list[tuple[t.Inlines, ...]], align: list[str],
                   header: bool) -> None:
        ncols = len(align)
        table = self.add_table(container, len(rows), ncols)
        self.set_table_style(table, "Report Table")
        ooxml.table_width_full(table)
        ooxml.table_look(table, first_row=header, banded_rows=True)
        width = self.text_width()
        col_widths = [int(f * width) for f in column_fractions(text_lengths(rows), ncols)]
        ooxml.column_widths(table, col_widths)
        for row, cells in zip(rows, ooxml.rows_of_cells(table), strict=True):
            for c, cell in enumerate(cells):
                paragraph = cell.paragraphs[0]
                self.set_style(paragraph, "Table Text")
                if align[c] != "left":
                    paragraph.alignment = {"right": 2, "center": 1}[align[c]]
                if c < len(row):
                    self.runs(paragraph, row[c])
        room = self.row_room(self.theme.fonts.size - 1)
        widths = [w / _EMU_PER_POINT for w in col_widths]
        # The header row is always Word's header row (w:tblHeader), even one the PDF lays out once for being
        # over half a page: Word's accessibility checker and LibreOffice's tagged export take a table's
        # headers from it. One taller than a page may break (kept whole, Word would clip it).
        if header:
            ooxml.repeat_header(table.rows[0], room.keeps_whole([inline_paragraphs(cell) for cell in rows[0]], widths))
        for row, tr in zip(rows[1:] if header else rows, table._tbl.tr_lst[1:] if header else table._tbl.tr_lst,
                           strict=True):
            if room.keeps_whole([inline_paragraphs(cell) for cell in row], widths):
                ooxml.cant_split(tr)
        self.gaps.append((table._tbl, 8))  # space after the table, as in the PDF (not an empty paragraph)

    def block_quote(self, node: t.BlockQuote, container: Any) -> None:
        for block in node.blocks:
            if isinstance(block, t.Paragraph):
                self.para(container, block.content, "Quote")
            else:
                self.blocks((block,), container)
        if node.attribution:
            self.para(container, (t.Text("— "), *node.attribution), "Attribution")

    def field_table(self, node: t.FieldTable, container: Any) -> None:
        if not node.rows:
            return
        memo = node.style == "memo-header"
        table = self.add_table(container, len(node.rows), 2)
        self.set_table_style(table, "Memo Header" if memo else "Key Facts")
        ooxml.table_width_full(table)
        ooxml.table_look(table, first_row=False, banded_rows=False, first_column=True)
        label_width = Mm(24 if memo else 36)
        ooxml.column_widths(table, [label_width, self.text_width() - label_width])
        for row, (label_cell, value_cell) in zip(node.rows, ooxml.rows_of_cells(table), strict=True):
            label = label_cell.paragraphs[0]
            self.set_style(label, "Table Text")
            self.runs(label, row.label)
            first = value_cell.paragraphs[0]
            for i, block in enumerate(row.value):
                if isinstance(block, t.Paragraph):
                    paragraph = first if i == 0 else value_cell.add_paragraph()
                    self.set_style(paragraph, "Field Value")
                    self.runs(paragraph, block.content)
                else:
                    written = len(value_cell._tc)
                    self.blocks((block,), value_cell)
                    if isinstance(block, t.Revised) and block.change != "restyled":  # replaced paragraphs
                        for p in value_cell._tc[written:]:  # in the value's style, as the versions have them
                            if p.tag == _W_P and p.find(f"{_W_PPR}/{_W_PSTYLE}") is None:
                                self.set_style(Paragraph(p, value_cell), "Field Value")
            if row.value and not isinstance(row.value[0], t.Paragraph) and first._p.getnext() is not None:
                # The cell's own empty paragraph, unused (a list, or a redline's replaced paragraphs,
                # came first): no version of the document has it.
                first._p.getparent().remove(first._p)
        room = self.row_room(self.theme.fonts.size - 0.5)
        widths = [label_width / _EMU_PER_POINT, (self.text_width() - label_width) / _EMU_PER_POINT]
        for row, tr in zip(node.rows, table._tbl.tr_lst, strict=True):
            value = block_paragraphs(row.value)  # None: a figure or picture, whose height is not estimated
            if value is not None and room.keeps_whole([inline_paragraphs(row.label), value], widths):
                ooxml.cant_split(tr)
        if any(row.change for row in node.rows):  # a redline's inserted or deleted fields
            revisions.marked_rows(self, [table._tbl], tuple(row.change for row in node.rows), False)
        if not memo:
            self.gaps.append((table._tbl, 6))

    def row_room(self, size: float) -> RowRoom:
        """How tall a row of table text in ``size`` may be and still be kept on one page (``rows``)."""
        return RowRoom(family(self.theme.fonts.heading).regular, size, self.page.body_height / _EMU_PER_POINT)

    def text_width(self) -> int:
        return self.page.text_width

    @cached_property
    def page(self) -> Page:
        """The page set-up, read once: it is settled before the story starts (``write_docx``), and
        python-docx's ``sections[-1]`` searches the whole body for section settings at every call."""
        section = self.doc.sections[-1]
        width, left, right = section.page_width, section.left_margin, section.right_margin
        return Page(section, max(int(width - left - right), int(Mm(25))),
                    int(section.page_height - section.top_margin - section.bottom_margin),
                    int((width or Inches(8.5)) - (left or Inches(1)) - (right or Inches(1))))

    def rule(self, node: t.HorizontalRule, container: Any) -> None:
        self.new_para(container, "Rule")

    def page_break(self, node: t.PageBreak, container: Any) -> None:
        container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def image(self, node: t.Image, container: Any) -> None:
        from reports.writers.docx import notes as docx_notes  # only documents with pictures need it

        docx_notes.picture(self, node, container)

    def note(self, paragraph: Any, node: t.Note, char_style: str | None, target: Any) -> None:
        from reports.writers.docx import notes as docx_notes  # only documents with footnotes need it

        docx_notes.footnotes(self).add(paragraph, node, target)


def _style_ids(document: Any) -> dict[str, str]:
    """Map every style's user-facing name (as Word shows it: "Heading 1") to its id."""
    ids: dict[str, str] = {}
    for element in document.styles.element.iterchildren(qn("w:style")):
        name = element.find(qn("w:name"))
        if name is not None:
            ids[BabelFish.internal2ui(name.get(qn("w:val")))] = element.get(qn("w:styleId"))
    return ids


def _sub(parent: Any, tag: str, index: int | None = None) -> Any:
    """A new child element ``tag`` of ``parent``, appended or inserted at ``index``."""
    child = parent.makeelement(tag, {})
    if index is None:
        parent.append(child)
    else:
        parent.insert(index, child)
    return child


_BLOCKS: dict[type, Callable[[StoryWriter, Any, Any], None]] = {
    t.Heading: StoryWriter.heading,
    t.Paragraph: StoryWriter.paragraph,
    t.BulletList: StoryWriter.bullet_list,
    t.OrderedList: StoryWriter.ordered_list,
    t.Table: StoryWriter.table,
    t.BlockQuote: StoryWriter.block_quote,
    t.FieldTable: StoryWriter.field_table,
    t.HorizontalRule: StoryWriter.rule,
    t.PageBreak: StoryWriter.page_break,
    t.Image: StoryWriter.image,
    t.Timeline: lambda writer, node, container: _timeline(writer, node, container),
    t.Chart: lambda writer, node, container: _chart(writer, node, container),
    t.Revised: revisions.revised,
}


def _timeline(writer: StoryWriter, node: t.Timeline, container: Any) -> None:
    from reports.writers.docx.timeline import add_timeline  # only documents with a timeline need it

    add_timeline(writer, node, container)


def _chart(writer: StoryWriter, node: t.Chart, container: Any) -> None:
    from reports.writers.docx.chart import add_chart  # only documents with a chart need it

    add_chart(writer, node, container)


_INLINES: dict[type, Callable[[StoryWriter, Any, Any, str | None, Any], None]] = {
    t.Text: StoryWriter.text,
    t.Strong: StoryWriter.strong,
    t.Emphasis: StoryWriter.emphasis,
    t.Code: StoryWriter.code,
    t.Link: StoryWriter.link,
    t.LineBreak: StoryWriter.line_break,
    t.Note: StoryWriter.note,
    t.Inserted: revisions.changed_inline,
    t.Deleted: revisions.changed_inline,
    t.Restyled: revisions.restyled_inline,
}

