"""Pagination: the one place a document is laid out, and what the layout answers for both writers.

``paginate`` says how a document falls into pages as the PDF draws it: the page count, each heading's
page and whether the contents are shown (a template's ``toc_min_pages`` asks for them only from that
many pages on, counted without them). The DOCX writer reads its page numbers from it (through the
registry's ``paginator``); the PDF writer draws through ``draw``, which tells the same paginator what its
layout found, so a build that writes both formats lays the document out once.

One layout per document: the story is made once; the decision about the contents lays out at most the
pages before ``toc_min_pages`` (a shorter document is done there, and that layout is its PDF); the
contents are laid out with their entries known from the headings (their height does not depend on the
page numbers) and their page numbers written in when the last page is laid out (``TTableOfContents``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Spacer
from reportlab.platypus.doctemplate import LayoutError

from reports import tree as t
from reports.errors import Problem, RenderError
from reports.fonts.faces import cjk_embedded, cjk_ready, ensure_cjk, ensure_japanese, unembedded_fonts
from reports.fonts.languages import CjkFaces, run_languages
from reports.fonts.scripts import CJK_RUN
from reports.limits import source_date_epoch
from reports.theme import Theme
from reports.version import __version__
from reports.writers.measure import furniture_margins
from reports.writers.options import Attachment
from reports.writers.pagination import Paginate, Pagination
from reports.writers.pdf import notes as pdf_notes
from reports.writers.pdf import revisions
from reports.writers.pdf.archive import metadata_keywords, metadata_text
from reports.writers.pdf.contents import TTableOfContents
from reports.writers.pdf.keep import keep_with_next
from reports.writers.pdf.page import PageDecor, numbered_canvas
from reports.writers.pdf.story import StoryWriter
from reports.writers.pdf.styles import stylesheet
from reports.writers.xmltext import xml_safe

MAX_PASSES = 10  # reportlab's multiBuild gives up after as many (footnotes settle in two or three)


@dataclass
class Layouts:
    """What this process has laid out: passes over a whole document, passes stopped at the page that
    decides the contents, the pages of both, and how many of the passes placed the blocks without drawing
    them (tests and the benchmark read ``LAYOUTS``)."""

    complete: int = 0
    stopped: int = 0
    pages: int = 0
    measured: int = 0


LAYOUTS = Layouts()


def paginate(doc: t.Document, theme: Theme) -> Pagination:
    """How ``doc`` falls into pages as the PDF draws it. Lays out only: no file is written."""
    return _Layout(doc, theme).run(None, ())


def draw(doc: t.Document, theme: Theme, attachments: tuple[Attachment, ...] = (),
         pages: Paginate | None = None) -> bytes:
    """The PDF of ``doc``, with ``attachments`` embedded (they change no page). ``pages`` (the build's
    paginator) gives the contents decision when it knows it already, and is told this layout's answer."""
    buffer = io.BytesIO()
    known = pages.known(doc, theme) if pages is not None else None
    pagination = _Layout(doc, theme).run(buffer, attachments, None if known is None else known.contents)
    if pages is not None:
        pages.tell(doc, theme, pagination)
    return buffer.getvalue()


def without_contents(doc: t.Document) -> t.Document:
    """``doc`` without its table of contents: what "runs to N pages" is counted on."""
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, toc=False))


class _Reached(Exception):
    """The layout reached the page from which the contents are shown: it need go no further."""


class _Layout:
    """One document's story, made once, and the layouts of it: the decision's first pages, then the
    document with or without its contents (the same flowables: reportlab lays a story out again as often
    as it is asked, as its multi-pass builds do)."""

    def __init__(self, doc: t.Document, theme: Theme) -> None:
        self.doc, self.theme = doc, theme
        sheet = stylesheet(theme, doc.meta.kind, doc.meta.east_asian)  # a memo is set tighter, to fit one page
        # The CJK face is read only for a document that prints CJK text; an OpenType face is converted for
        # the characters it prints (a face of its own per character set). Once a TrueType face is read, the
        # document's text need not be walked for it.
        chars: str | None = None
        if not cjk_ready(sheet.cjk):
            chars = cjk_characters(doc, theme)
            face = ensure_cjk(theme.fonts.cjk, chars)
            if face != sheet.cjk:
                sheet = dataclasses.replace(sheet, cjk=face)
        # Japanese runs get the Japanese face (registered only when the document may have some: kana, a
        # Japanese document or label, a name given as Japanese); every other East Asian run the Chinese one.
        faces = CjkFaces(sheet.cjk, sheet.cjk, run_languages(doc.meta))
        chars = cjk_characters(doc, theme) if chars is None else chars
        japanese = ensure_japanese(theme.fonts.cjk, chars) if faces.may_be_japanese(chars) else sheet.cjk
        sheet = dataclasses.replace(sheet, faces=dataclasses.replace(faces, japanese=japanese))
        self.sheet = sheet
        self.writer = writer = StoryWriter(sheet, doc.meta)
        self.title = writer.title_block()
        # The contents and the page break after them, apart: the decision lays the document out without
        # them, and their element joins the structure only when they are shown.
        self.contents: list[Flowable] = []
        self.contents_at = -1  # where the contents' element goes in the structure (-1: it is there)
        if len(self.title) >= 2 and isinstance(self.title[-2], TTableOfContents):
            self.contents = self.title[-2:]
            del self.title[-2:]
            kids = writer.root.kids
            self.contents_at = next(i for i, kid in enumerate(kids) if kid is self.contents[0]._struct)
            del kids[self.contents_at]
        self.body = writer.blocks(revisions.resolve(doc.blocks))  # a redline's marks on containers: on their text

    def run(self, buffer: io.BytesIO | None, attachments: tuple[Attachment, ...],
            contents: bool | None = None) -> Pagination:
        """Lay the document out (into ``buffer`` when given) with its contents when ``contents`` says so,
        else as the template's ``toc`` and ``toc_min_pages`` decide; return how it fell into pages."""
        meta = self.doc.meta
        if contents is None:
            contents = meta.toc
            if meta.toc and meta.toc_min_pages > 0:
                # Contents only from ``toc_min_pages`` pages on, counted without them: the layout without
                # them stops at that page; a shorter document is done after this one layout.
                plain = self.build(False, buffer, attachments, stop_at=meta.toc_min_pages)
                if plain is not None:
                    return _read(plain, contents=False)
        template = self.build(contents, buffer, attachments)
        assert template is not None  # only a layout given a page to stop at stops
        return _read(template, contents=contents and meta.toc)

    def build(self, contents: bool, buffer: io.BytesIO | None, attachments: tuple[Attachment, ...],
              stop_at: int = 0) -> _DocTemplate | None:
        """Lay the story out, with the contents or without; None when it reached page ``stop_at``."""
        toc = self.contents[0] if contents and self.contents else None
        if toc is not None:
            if self.contents_at >= 0:
                self.writer.root.kids.insert(self.contents_at, toc._struct)
                self.contents_at = -1
            entries = [(level, markup, 0, key) for key, _, level, markup in _marks(self.body)]
        for _ in range(MAX_PASSES):
            if toc is not None:
                toc._lastEntries = entries  # the entries the contents show: one per heading, in order
            template = self._template(buffer)
            template.stop_at, template.contents = stop_at, toc
            story = self.title + (self.contents if toc is not None else []) + self.body
            if not self._passes(template, story, attachments, buffer is not None):
                return None
            placed = [(level, markup, 0, key) for level, markup, key in template.placed]
            if toc is None or placed == entries:
                if toc is not None:
                    toc.fill(template.pages_of)  # the page numbers, now that every heading has its page
                template.canv.save()
                return template
            entries = placed  # a heading fell elsewhere than foreseen: again with the entries as placed
        raise RenderError("", [Problem(self.doc.meta.source or "the document",
                                       "cannot lay the document out: its contents never settle")])

    def _template(self, buffer: io.BytesIO | None) -> _DocTemplate:
        meta, m = self.doc.meta, self.theme.margins
        top, bottom = furniture_margins(m.top, m.bottom)  # room for the marking above and below the text
        template = _DocTemplate(
            buffer if buffer is not None else io.BytesIO(), pagesize=self.sheet.page_size, leftMargin=m.left * mm,
            rightMargin=m.right * mm, topMargin=top * mm, bottomMargin=bottom * mm,
            title=metadata_text(xml_safe(meta.title)), author=metadata_text(xml_safe(meta.author)),
            subject=metadata_text(xml_safe(meta.subject)),
            keywords=metadata_keywords([xml_safe(k) for k in meta.keywords]), creator=f"reports {__version__}",
            producer=f"reports {__version__}", lang=meta.language, invariant=1,
        )
        template.headings = self.writer.bookmarks
        return template

    def _passes(self, template: _DocTemplate, story: list[Flowable], attachments: tuple[Attachment, ...],
                save: bool) -> bool:
        # reportlab's multiBuild, whose passes go on after one stopped at ``stop_at`` (footnotes pushed off
        # their page are given room there in another pass, the same up to that page); False when the layout
        # stopped there. Nothing is saved: the caller saves the last pass's canvas.
        meta, sheet, writer = self.doc.meta, self.sheet, self.writer
        # Laid out for its pages only (nothing saved), a document without footnotes need not be drawn: what
        # is drawn never moves a block, but a footnote's room is taken where its reference is drawn.
        measure = not save and getattr(writer, "_notes", None) is None
        frame = (_Measuring if measure else Frame)(
            template.leftMargin, template.bottomMargin, template.width, template.height, id="body",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        decor = PageDecor(meta, sheet, self.theme)
        template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decor.on_page)])
        notes = pdf_notes.attach(template, writer)  # footnotes at the foot of their pages; [] without notes
        revisions.attach(template, writer)  # a redline's passages: their structure and change bars
        archival = not unembedded_fonts(self.theme.fonts, sheet.cjk) and cjk_embedded(sheet.faces.japanese)
        maker = numbered_canvas(decor, creation_epoch(meta), writer.root, archival, save=save,
                                attachments=attachments)
        story = without_empty_pages(story + notes)
        indexing = [flowable for flowable in story if flowable.isIndexing()]
        template._indexingFlowables = indexing
        template._doSave = 0
        # What reportlab changes on a flowable while it lays it out (a flowable moved on a page is marked
        # postponed, a heading kept with the next block loses its keepWithNext), it records here to be
        # undone before another pass: every pass, and every layout after it, starts from the story as made.
        edits: list[tuple[Any, ...]] = []
        template._multiBuildEdits = edits.append
        passes = 0
        while True:
            passes += 1
            for flowable in indexing:
                flowable.beforeBuild()
            reached = False
            try:
                template.build(story[:], canvasmaker=maker)
            except _Reached:
                reached = True
            except LayoutError as exc:
                # Everything the tree can hold is sized to fit a page; the last guard, and still one message.
                where = meta.source or "the document"
                raise RenderError("", [Problem(where, "cannot lay the document out: a block is larger than a "
                                                      f"page and cannot be split ({_layout_reason(exc)})")]) from None
            finally:
                for edit in edits:
                    edit[0](*edit[1:])
                edits.clear()
            LAYOUTS.stopped += reached
            LAYOUTS.complete += not reached
            LAYOUTS.pages += template.page
            LAYOUTS.measured += measure
            for flowable in indexing:
                flowable.afterBuild()
            if template._allSatisfied():
                return not reached
            if passes > MAX_PASSES:  # as reportlab's multiBuild says it: a bug of ours, never the data's
                raise IndexError(f"Index entries not resolved after {MAX_PASSES} passes")


class _Measuring(Frame):  # type: ignore[misc]
    """A frame that places its flowables without drawing them: a layout for the page numbers alone."""

    def _add(self, flowable: Flowable, canv: object, trySplit: int = 0) -> int:
        flowable.drawOn = _not_drawn  # for this placing only: the flowable's own drawOn is back after it
        try:
            placed: int = super()._add(flowable, canv, trySplit)
        finally:
            del flowable.drawOn
        return placed

    add = _add


def _not_drawn(*args: object, **kwargs: object) -> None:
    return None


def _marks(flowables: list[Flowable]) -> list[tuple[str, str, int, str]]:
    """The outline marks of the headings in ``flowables`` (inside kept-together groups too), in order."""
    out: list[tuple[str, str, int, str]] = []
    for flowable in flowables:
        mark = getattr(flowable, "_bookmark", None)
        if mark is not None:
            out.append(mark)
        inner = getattr(flowable, "_content", None)
        if isinstance(inner, list | tuple):
            out += _marks(list(inner))
    return out


def _read(template: _DocTemplate, *, contents: bool) -> Pagination:
    pages_of = template.pages_of
    pages: list[int] = []
    for i in range(1, int(getattr(template, "headings", len(pages_of))) + 1):
        pages.append(pages_of.get(f"h{i}", pages[-1] if pages else 1))  # never placed: where the last one was
    return Pagination(pages=template.page, heading_pages=tuple(pages), contents=contents)


class _DocTemplate(BaseDocTemplate):  # type: ignore[misc]
    """Adds outline entries (bookmarks) after each heading is placed, and remembers where it went; stops
    at page ``stop_at`` when given one."""

    stop_at = 0  # the page at which the layout stops (0: never)
    contents: TTableOfContents | None = None
    pages_of: dict[str, int]  # heading bookmark -> its page, in this pass
    placed: list[tuple[int, str, str]]  # (level, markup, bookmark) of each heading placed, in order

    def handle_keepWithNext(self, flowables: list[Flowable]) -> None:
        # Headings with the block after them, kept so that the block starts on the heading's page (keep).
        keep_with_next(flowables, getattr(self, "_multiBuildEdits", None))

    def beforeDocument(self) -> None:
        self.pages_of, self.placed = {}, []
        if self.contents is not None:
            self.contents.start()

    def handle_pageBegin(self) -> None:
        if self.stop_at and self.page + 1 >= self.stop_at:
            self.page += 1  # it has that many pages at least
            raise _Reached
        super().handle_pageBegin()

    def afterFlowable(self, flowable: Flowable) -> None:
        mark = getattr(flowable, "_bookmark", None)
        if mark is None:
            return
        key, title, level, markup = mark
        self.pages_of[key] = self.page
        self.placed.append((level, markup, key))
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)


def creation_epoch(meta: t.Meta) -> int:
    """SOURCE_DATE_EPOCH when set, else the document's date at midnight UTC, else 2000-01-01."""
    epoch = source_date_epoch()  # the one reading of the variable, shared with the DOCX writer
    if epoch is not None:
        return epoch
    try:
        day = dt.date.fromisoformat(meta.iso_date)
    except ValueError:
        return 946684800
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


# Meta fields no page prints: the data's local names with their languages (a document that leaves the
# names out must not read a 17 MB face for them) and the template's path.
_NOT_PRINTED = frozenset({"name_languages", "source"})


def cjk_characters(doc: t.Document, theme: Theme) -> str:
    """Every Chinese, Japanese or Korean character the document prints (tree, metadata, watermark)."""
    texts: list[str] = [theme.watermark or ""]
    pending: list[object] = [doc]
    while pending:  # every value of the tree, in no particular order (the characters come out sorted)
        value = pending.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, tuple | list):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
        else:
            names = _printed_fields(type(value))
            if names:
                pending.extend(getattr(value, name) for name in names)
    return "".join(sorted(set("".join(CJK_RUN.findall("\n".join(texts))))))


_PRINTED: dict[type, tuple[str, ...]] = {}  # a class of the tree -> its fields a page prints


def _printed_fields(cls: type) -> tuple[str, ...]:
    # The same few classes make every tree: their fields are looked up once, not at every node.
    names = _PRINTED.get(cls)
    if names is None:
        fields = dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else ()
        names = _PRINTED.setdefault(cls, tuple(f.name for f in fields if f.name not in _NOT_PRINTED))
    return names


def without_empty_pages(story: list[Flowable]) -> list[Flowable]:
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


_BRACKETED_OR_SPACES = re.compile(r"<[^<>]*>|\s+")


def _drop_object_name(match: re.Match[str]) -> str:
    piece = match.group()
    return " " if not piece.startswith("<") or "@0x" in piece else piece


def _layout_reason(exc: LayoutError) -> str:
    # reportlab's text names its own objects ("<Table@0x7F...>"): keep only the words a reader can use.
    # A bracketed piece is dropped when it holds "@0x": one pass, never a search back and forth inside a
    # piece (a message can quote a paragraph of the data).
    text = _BRACKETED_OR_SPACES.sub(_drop_object_name, str(exc)).strip()
    return text[:160] or "LayoutError"
