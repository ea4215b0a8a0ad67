"""The story of a PDF: document tree -> reportlab flowables, each tagged with its structure element.

One handler per node type in ``_BLOCKS`` / ``_INLINES``; tables are in ``tables``, long text is cut in
``cuts``. Text from the tree is escaped here for reportlab's paragraph markup (the second and last
escaping boundary), so data never becomes markup.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, ListItem, PageBreak, Spacer

from reports import images, worddiff
from reports import tree as t
from reports.autolink import joined, linked, upper
from reports.east_asian import primary
from reports.fonts.faces import monospace
from reports.fonts.languages import CjkFaces
from reports.fonts.scripts import CJK_RUN, is_cjk
from reports.fonts.standin import face_runs
from reports.writers.measure import SEPARATOR, contents_title, heading_text, plain_text
from reports.writers.pdf import revisions, tables
from reports.writers.pdf.contents import TTableOfContents, level_styles
from reports.writers.pdf.cuts import paragraph_pieces
from reports.writers.pdf.runs import Runs
from reports.writers.pdf.styles import Sheet
from reports.writers.pdf.tags import Element, THRule, TImage, TList, TParagraph
from reports.writers.pdf.text import fast_paragraph
from reports.writers.xmltext import xml_safe


class StoryWriter:
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

    def text(self, value: str, face: str = "") -> str:
        """``value`` as paragraph markup: escaped, its CJK runs in the CJK face. With ``face`` (the face the
        markup will be set in, for paragraphs reportlab makes itself), characters it lacks are set in the
        stand-in face here; a TParagraph does that itself, in whatever face each run ends up in."""
        out: list[str] = []
        for piece, cjk in self.cjk_runs(value):
            if not cjk and not face:
                out.append(escape(piece))
                continue
            base = cjk or face
            out.extend(escape(run) if font == face else f'<font face="{font}">{escape(run)}</font>'
                       for run, font in face_runs(piece, base))
        return "".join(out)

    def cjk_runs(self, value: str) -> Iterator[tuple[str, str]]:
        """``value`` in runs of (piece, face): each East Asian run in the face of its language (a Chinese
        name in a Japanese sentence in the Chinese face), every other run with no face ("")."""
        faces = self.sheet.faces
        for piece, cjk in _script_runs(value):
            if cjk:
                yield from ((part, face or "") for part, face, _ in faces.runs(piece))
            else:
                yield piece, ""  # empty ones too: they stand where markup would be

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

    def language_of(self, content: t.Inlines) -> str:
        """The ``/Lang`` of an element holding ``content`` ("" for the document's own language)."""
        return _language_of(content, self.meta.language, self.sheet.faces)

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
            element = self.tag("P", lang=self.language_of(content))
        paragraph_style = self.sheet.styles[style]
        runs = Runs(self, paragraph_style)
        spans = runs.collect(content)
        paragraph = None if spans is None else fast_paragraph(spans, paragraph_style, TParagraph)
        if paragraph is None:
            runs.forget()  # a blank paragraph: the markup below registers its passages, if any, itself
            paragraph = TParagraph(self.inlines(content) or "&#160;", paragraph_style)
        paragraph._struct = element
        if self.notes_met:
            element.kids.extend(self.notes_met)
            self.notes_met = []
        return paragraph

    def plain_para(self, text: str | t.Inlines, style: str, role: str = "P") -> TParagraph:
        """A paragraph of the writer's own text (title block, captions), drawn as a new ``role``. The
        addresses in it are links, as in the document's text (``reports.autolink``)."""
        content = linked(text) if isinstance(text, str) else text
        paragraph = TParagraph(self.inlines(content), self.sheet.styles[style])
        paragraph._struct = self.tag(role, lang=self.language_of(content))
        return paragraph

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
        title = contents_title(heading_text(node.content))
        # The table of contents reads its entries as paragraph markup: the title escaped, CJK in its face.
        mark = (f"h{self.bookmarks}", title, level, self.text(title, self.sheet.styles["Normal"].fontName))
        if self.depth > 1:
            # Inside a list item or a box the paragraph is drawn by its container, and reportlab tells the
            # template only of top-level flowables: the entry goes on an empty flowable before the container,
            # so every heading has its entry, in order, and the levels never skip.
            self.anchors.append(Anchor(mark))
            return [para]
        para._bookmark = mark
        return [CondPageBreak(28 * mm), para]

    def paragraph(self, node: t.Paragraph) -> list[Flowable]:
        pieces = paragraph_pieces(node.content)
        if len(pieces) == 1:
            return [self.para(node.content, "Normal")]
        element = self.tag("P", lang=self.language_of(node.content))  # one P for all pieces
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
            # A piece cut after a space goes on in the next: its last line keeps that space (pdf_spaces).
            flowable._continued = i < len(out) - 1 and plain_text(pieces[i])[-1:].isspace()
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
        if self.boxes:  # in a table cell reportlab cannot split a KeepTogether (it has no canvas there: a crash)
            return [picture, Spacer(1, 3), caption, Spacer(1, 6)]
        return [KeepTogether([picture, Spacer(1, 3), caption]), Spacer(1, 6)]  # never a caption alone

    def timeline(self, node: t.Timeline) -> list[Flowable]:
        from reports.writers.pdf.timeline import timeline_flowables  # only documents with a timeline

        return timeline_flowables(self, node)

    def chart(self, node: t.Chart) -> list[Flowable]:
        from reports.writers.pdf.chart import chart_flowables  # only documents with a chart

        return chart_flowables(self, node)

    def note(self, node: t.Note) -> str:
        from reports.writers.pdf import notes as pdf_notes  # only documents with footnotes need it

        return pdf_notes.notes_of(self).reference(node)

    def passage(self, node: t.Inserted | t.Deleted | t.Restyled) -> str:
        return revisions.passage(self, node)

    def revised(self, node: t.Revised) -> list[Flowable]:
        return revisions.revised(self, node)

    # ------------------------------------------------------------------ first page

    def title_block(self) -> list[Flowable]:
        meta = self.meta
        old = meta.previous or meta  # a redline's old version: each line's changes are marked
        out: list[Flowable] = []

        def line(value: Callable[[t.Meta], t.Inlines], style: str, role: str = "P") -> None:
            content = value(meta) if old is meta else worddiff.line(value(old), value(meta))
            if content:
                out.append(self.plain_para(content, style, role))

        if meta.kind == "memo":
            line(lambda m: upper(linked(m.organisation)) if m.organisation else (), "Kicker")
            title = self.plain_para(" ".join(meta.labels.memorandum), "Memo Title", "H1")
            assert title._struct is not None
            title._struct.actual_text = meta.labels.memorandum  # a reader should not spell the letter-spaced word
            out.append(title)
            return out
        # In capitals, but for an address in it: its path's case is part of it.
        line(lambda m: joined([upper(linked(x)) for x in (m.organisation, m.classification) if x], SEPARATOR),
             "Kicker")
        line(lambda m: linked(m.title), "Title", "H1")
        line(lambda m: linked(m.subtitle) if m.subtitle else (), "Subtitle")
        line(lambda m: linked("  ·  ".join(x for x in (m.category, m.date) if x)), "Byline")
        line(lambda m: linked("  ·  ".join(m.parties)), "Byline")
        out.append(THRule(width="100%", thickness=2, color=self.sheet.accent, spaceBefore=10, spaceAfter=14))
        if meta.toc:
            toc = TTableOfContents()
            toc.levelStyles = level_styles(self.sheet.styles["Normal"])
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



def _language_of(content: t.Inlines, language: str, faces: CjkFaces) -> str:
    """The language of text all in East Asian characters of one language other than the document's
    (``zh-Hans`` for 浙江省人民政府 in an English document, ``ja`` for a Japanese label), else "".

    The structure tree's ``/Lang`` on such an element lets a screen reader switch voices; a paragraph
    that mixes scripts or languages keeps the document's language (its runs are marked as spans).
    """
    text = plain_text(content)
    if not CJK_RUN.search(text) or any(c.isalpha() for c in CJK_RUN.sub("", text)):
        return ""
    found = faces.language_of(text)
    return found if found and primary(found) != primary(language) else ""


_BLOCKS: dict[type, Callable[[StoryWriter, Any], list[Flowable]]] = {
    t.Heading: StoryWriter.heading,
    t.Paragraph: StoryWriter.paragraph,
    t.BulletList: StoryWriter.bullet_list,
    t.OrderedList: StoryWriter.ordered_list,
    t.Table: tables.table,
    t.BlockQuote: tables.block_quote,
    t.FieldTable: tables.field_table,
    t.HorizontalRule: StoryWriter.rule,
    t.PageBreak: StoryWriter.page_break,
    t.Image: StoryWriter.image,
    t.Timeline: StoryWriter.timeline,
    t.Chart: StoryWriter.chart,
    t.Revised: StoryWriter.revised,
}

_INLINES: dict[type, Callable[[StoryWriter, Any], str]] = {
    t.Text: lambda w, n: w.text(n.text),
    t.Strong: lambda w, n: f"<b>{w.inlines(n.children)}</b>",
    t.Emphasis: lambda w, n: f"<i>{w.inlines(n.children)}</i>",
    t.Code: StoryWriter.code,
    t.Link: StoryWriter.link,
    t.LineBreak: lambda w, n: "<br/>",
    t.Note: StoryWriter.note,
    t.Inserted: StoryWriter.passage,
    t.Deleted: StoryWriter.passage,
    t.Restyled: StoryWriter.passage,
}


class Anchor(Flowable):  # type: ignore[misc]
    """Takes no room and draws nothing; carries the outline entry of a heading nested in a container."""

    _takes_no_room = True  # kept with the headings before it, not a block they could be kept with (keep)

    def __init__(self, mark: tuple[str, str, int, str]) -> None:
        super().__init__()
        self._bookmark = mark

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass
