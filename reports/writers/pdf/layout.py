"""Pagination: the one place a document is laid out, and what the layout answers for both writers.

``paginate`` says how a document falls into pages as the PDF draws it: the page count, each heading's
page and whether the contents are shown (a template's ``toc_min_pages`` asks for them only from that
many pages on, counted without them). The DOCX writer reads its page numbers from it (through the
registry, ``reports.writers.registry``); the PDF writer draws through ``draw``, which makes the same
decision and remembers the answer, so a build that writes both formats lays the document out once
for the decision and once more only when the contents are shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

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
from reports.writers.pagination import Pagination
from reports.writers.pdf import notes as pdf_notes
from reports.writers.pdf.keep import keep_with_next
from reports.writers.pdf.page import PageDecor, numbered_canvas
from reports.writers.pdf.story import StoryWriter
from reports.writers.pdf.styles import stylesheet
from reports.writers.xmltext import xml_safe


def paginate(doc: t.Document, theme: Theme) -> Pagination:
    """How ``doc`` falls into pages as the PDF draws it. Lays out only (no file is written); the last
    few answers are remembered, so the second writer of a build asks for free."""
    known = _PAGINATIONS.get((doc, theme))
    if known is not None:
        return known
    return _decide(doc, theme, None)


def draw(doc: t.Document, theme: Theme, attachments: tuple[Attachment, ...] = ()) -> bytes:
    """The PDF of ``doc``, laid out as ``paginate`` says (contents shown or not), with ``attachments``
    embedded (they change no page)."""
    buffer = io.BytesIO()
    known = _PAGINATIONS.get((doc, theme))
    if known is not None:
        lay_out(doc if known.contents or not doc.meta.toc else without_contents(doc), theme, buffer, attachments)
    else:
        _decide(doc, theme, buffer, attachments)
    return buffer.getvalue()


def without_contents(doc: t.Document) -> t.Document:
    """``doc`` without its table of contents: what "runs to N pages" is counted on."""
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, toc=False))


# The last few documents' paginations: the writer of the second format of a build (both are written
# from the same tree) reuses the first one's layout instead of laying the document out again.
_PAGINATIONS: dict[tuple[t.Document, Theme], Pagination] = {}


def _decide(doc: t.Document, theme: Theme, buffer: io.BytesIO | None,
            attachments: tuple[Attachment, ...] = ()) -> Pagination:
    # Lays ``doc`` out, saving the PDF drawn into ``buffer`` (with ``attachments``) when there is one.
    if doc.meta.toc and doc.meta.toc_min_pages > 0:
        # Contents only from ``toc_min_pages`` pages on, counted without them: a shorter document is done
        # after this one layout.
        plain = _read(lay_out(without_contents(doc), theme, buffer, attachments), contents=False)
        if plain.pages < doc.meta.toc_min_pages:
            return _remember(doc, theme, plain)
        if buffer is not None:
            buffer.seek(0)
            buffer.truncate()
    return _remember(doc, theme, _read(lay_out(doc, theme, buffer, attachments), contents=doc.meta.toc))


def _read(template: _DocTemplate, *, contents: bool) -> Pagination:
    pages_of = getattr(template, "pages_of", {})
    pages: list[int] = []
    for i in range(1, int(getattr(template, "headings", len(pages_of))) + 1):
        pages.append(pages_of.get(f"h{i}", pages[-1] if pages else 1))  # never placed: where the last one was
    return Pagination(pages=template.page, heading_pages=tuple(pages), contents=contents)


def _remember(doc: t.Document, theme: Theme, pagination: Pagination) -> Pagination:
    if len(_PAGINATIONS) >= 8:
        _PAGINATIONS.pop(next(iter(_PAGINATIONS)))
    _PAGINATIONS[(doc, theme)] = pagination
    return pagination


def lay_out(doc: t.Document, theme: Theme, buffer: io.BytesIO | None,
            attachments: tuple[Attachment, ...] = ()) -> _DocTemplate:
    """Lay ``doc`` out as it stands (its ``toc`` decides the contents) and, with a ``buffer``, save the PDF
    into it with ``attachments`` embedded; return the template (its pages)."""
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
    meta = doc.meta
    # Japanese runs get the Japanese face (registered only when the document may have some: kana, a
    # Japanese document or label, a name given as Japanese); every other East Asian run the Chinese one.
    faces = CjkFaces(sheet.cjk, sheet.cjk, run_languages(meta))
    japanese = sheet.cjk
    chars = cjk_characters(doc, theme) if chars is None else chars
    if faces.may_be_japanese(chars):
        japanese = ensure_japanese(theme.fonts.cjk, chars)
    sheet = dataclasses.replace(sheet, faces=dataclasses.replace(faces, japanese=japanese))
    writer = StoryWriter(sheet, meta)
    story = writer.title_block() + writer.blocks(doc.blocks)
    m = theme.margins
    top, bottom = furniture_margins(m.top, m.bottom)  # room for the marking above and below the text
    template = _DocTemplate(
        buffer if buffer is not None else io.BytesIO(), pagesize=sheet.page_size, leftMargin=m.left * mm,
        rightMargin=m.right * mm, topMargin=top * mm, bottomMargin=bottom * mm, title=xml_safe(meta.title),
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
    archival = not unembedded_fonts(theme.fonts, sheet.cjk) and cjk_embedded(japanese)
    maker = numbered_canvas(decor, creation_epoch(meta), writer.root, archival, save=buffer is not None,
                            attachments=attachments)
    try:
        if meta.toc or notes:
            template.multiBuild(without_empty_pages(story), canvasmaker=maker)
        else:
            template.build(without_empty_pages(story), canvasmaker=maker)
    except LayoutError as exc:
        # Everything the tree can hold is sized to fit a page; this is the last guard, and still one message.
        where = meta.source or "the document"
        raise RenderError("", [Problem(where, "cannot lay the document out: a block is larger than a page and "
                                              f"cannot be split ({_layout_reason(exc)})")]) from None
    return template


class _DocTemplate(BaseDocTemplate):  # type: ignore[misc]
    """Adds outline entries (bookmarks) and table-of-contents entries after each heading is placed."""

    pages_of: dict[str, int]  # heading bookmark -> its page, in the last pass

    def handle_keepWithNext(self, flowables: list[Flowable]) -> None:
        # Headings with the block after them, kept so that the block starts on the heading's page (keep).
        keep_with_next(flowables, getattr(self, "_multiBuildEdits", None))

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
    epoch = source_date_epoch()  # the one reading of the variable, shared with the DOCX writer
    if epoch is not None:
        return epoch
    try:
        day = dt.date.fromisoformat(meta.iso_date)
    except ValueError:
        return 946684800
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def cjk_characters(doc: t.Document, theme: Theme) -> str:
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
