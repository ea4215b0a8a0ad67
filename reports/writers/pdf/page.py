"""Page furniture for the PDF writer: watermark, running header, "Page N of M" footer, logo, fixed dates.

Part of write (PDF). The footer needs the page count, which is known only at the end, so the canvas
keeps each page's state and draws the footers when the document is saved (the standard platypus recipe).
"""

from __future__ import annotations

import io
import math
import time
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from reports import images
from reports import tree as t
from reports.errors import RenderError
from reports.fonts.measure import TextMeasure
from reports.fonts.scripts import is_cjk
from reports.fonts.standin import face_runs
from reports.theme import Theme
from reports.writers.measure import (
    FURNITURE_SIZE,
    GAP,
    PAGE_ESTIMATE,
    MarkingTooWide,
    footer_note,
    furniture_margins,
    line_width,
    marking_room,
    running_head,
)
from reports.writers.options import Attachment
from reports.writers.pdf.archive import make_archival
from reports.writers.pdf.changebars import flush as flush_bars
from reports.writers.pdf.structure import write_structure
from reports.writers.pdf.styles import Sheet, draw_text
from reports.writers.pdf.tags import Element, LangText, Tagger, artifact
from reports.writers.watermark import DIAGONAL_SHARE, MAX_SIZE_PT, watermark_colour, watermark_text

LOGO_HEIGHT = 14 * mm  # the box the logo is fitted into, at the top right of the first page


class _Stamp:
    """What reportlab reads from its TimeStamp: a fixed UTC time instead of the wall clock."""

    def __init__(self, epoch: int) -> None:
        moment = time.gmtime(epoch)
        self.t = float(epoch)
        self.lt = moment
        self.YMDhms = tuple(moment)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


class PageDecor:
    """Draws the watermark (if any) under every page, the header on every page (on the first, the logo and
    the marking only: the title block is below them), and the footer on every page. The marking is at the
    top and the foot of every page, whole."""

    def __init__(self, meta: t.Meta, sheet: Sheet, theme: Theme) -> None:
        self.meta = meta
        self.sheet = sheet
        self.theme = theme
        self.logo = _logo(theme)  # read and checked before the build starts, not in the middle of it
        self.watermark = watermark_text(theme.watermark)
        self.watermark_colour = colors.HexColor(watermark_colour(theme.colours.rule))
        self.marking = meta.classification.upper()
        self.top, self.bottom = furniture_margins(theme.margins.top, theme.margins.bottom)
        # The same faces and measure as the DOCX writer's, so both cut the running title at the same word.
        self.measure = TextMeasure(sheet.heading.regular, sheet.heading.bold, sheet.faces)
        width = line_width(sheet.page_size[0], theme.margins.left, theme.margins.right)
        try:
            self.head = running_head(meta.short_title or meta.title, self.marking, self.measure, FURNITURE_SIZE,
                                     width)
            parts = (meta.date, self.marking, meta.organisation)
            self.note = footer_note(parts, meta.labels.page(PAGE_ESTIMATE, PAGE_ESTIMATE), self.measure,
                                    FURNITURE_SIZE, width)
        except MarkingTooWide as exc:
            raise RenderError(f"{exc}: a marking is printed whole on one line at the top and foot of every "
                              "page; shorten it, or widen the page's text (the theme's margins)") from None

    def on_page(self, canvas: Canvas, doc: Any) -> None:
        width, height = self.sheet.page_size
        m = self.theme.margins
        left, right = m.left * mm, width - m.right * mm
        if self.watermark:  # first thing on the page: reportlab calls onPage before the frame's content
            with artifact(canvas, "Pagination", "Watermark"):
                draw_watermark(canvas, self.watermark, self.sheet, self.watermark_colour)
        with artifact(canvas, "Pagination", "Header"):
            self.header(canvas, left, right, height)

    def header(self, canvas: Canvas, left: float, right: float, height: float) -> None:
        y = height - self.top * mm + 8 * mm
        if canvas.getPageNumber() == 1:
            self.first_header(canvas, left, right, height, y)
            return
        canvas.saveState()
        canvas.setFillColor(self.sheet.muted)
        draw_text(canvas, left, y, self.head, self.sheet.heading.regular, FURNITURE_SIZE, self.sheet.faces)
        self.draw_marking(canvas, right, y, "right")
        canvas.setStrokeColor(self.sheet.rule)
        canvas.setLineWidth(0.5)
        canvas.line(left, y - 3, right, y - 3)
        canvas.restoreState()

    def first_header(self, canvas: Canvas, left: float, right: float, height: float, y: float) -> None:
        # The first page has the title block instead of a running title: the marking sits where the other
        # pages have it, at the right; beside a logo (letterhead, top right) it moves to the left, and a
        # logo too wide to leave the marking its room is drawn narrower (the marking is never cut).
        if self.logo is None:
            self.draw_marking(canvas, right, y, "right")
            return
        w = self.theme.logo_width_mm * mm
        if self.marking:
            room = right - left - marking_room(self.marking, self.measure, FURNITURE_SIZE, right - left) - GAP
            w = min(w, room)
            self.draw_marking(canvas, left, y, "left")
        if w > 1:  # letterhead: part of the page, not of the text
            canvas.drawImage(ImageReader(io.BytesIO(self.logo.data)), right - w,
                             height - self.top * mm + 2 * mm, width=w, height=LOGO_HEIGHT,
                             preserveAspectRatio=True, anchor="se", mask="auto")

    def draw_marking(self, canvas: Canvas, x: float, y: float, align: str) -> None:
        if not self.marking:
            return
        canvas.saveState()
        canvas.setFillColor(self.sheet.accent)
        draw_text(canvas, x, y, self.marking, self.sheet.heading.bold, FURNITURE_SIZE, self.sheet.faces, align=align)
        canvas.restoreState()

    def footer(self, canvas: Canvas, page: int, pages: int) -> None:
        width, _ = self.sheet.page_size
        m = self.theme.margins
        left, right = m.left * mm, width - m.right * mm
        y = self.bottom * mm - 10 * mm
        canvas.saveState()
        canvas.setStrokeColor(self.sheet.rule)
        canvas.setLineWidth(0.5)
        canvas.line(left, y + 9, right, y + 9)
        canvas.setFillColor(self.sheet.muted)
        draw_text(canvas, left, y, self.note, self.sheet.heading.regular, FURNITURE_SIZE, self.sheet.faces)
        draw_text(canvas, right, y, self.meta.labels.page(page, pages), self.sheet.heading.regular, FURNITURE_SIZE,
                  self.sheet.faces, align="right")
        canvas.restoreState()


def draw_watermark(canvas: Canvas, text: str, sheet: Sheet, colour: colors.Color) -> None:
    """Draw ``text`` large, light and at 45 degrees across the centre of the page, in the heading bold.

    Sized as the DOCX writer sizes it (see docx_watermark): along at most DIAGONAL_SHARE of the page's
    diagonal and never above MAX_SIZE_PT; in the same colour.
    """
    width, height = sheet.page_size
    # A mark with Chinese, Japanese or Korean in it is set in the CJK font: the heading family lacks them.
    faces = sheet.faces
    font = (faces.face(faces.language_of(text) or faces.languages.default) if any(is_cjk(c) for c in text)
            else sheet.heading.bold)
    runs = face_runs(text, font)  # characters the face lacks: boxes that keep their text
    unit = sum(stringWidth(piece, face, 1) for piece, face in runs) or 1.0
    size = min(MAX_SIZE_PT, DIAGONAL_SHARE * math.hypot(width, height) / unit)
    canvas.saveState()
    canvas.setFillColor(colour)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(45)
    # Centred on the page's centre: the baseline sits a third of the size below the middle of the caps.
    if len(runs) == 1:
        canvas.setFont(font, size)
        canvas.drawCentredString(0, -size * 0.35, text)
    else:
        line = canvas.beginText(-unit * size / 2, -size * 0.35)
        for piece, face in runs:
            line.setFont(face, size)
            line.textOut(piece)
        canvas.drawText(line)
    canvas.restoreState()


def _logo(theme: Theme) -> images.Picture | None:
    if theme.logo is None:
        return None
    width = theme.logo_width_mm * mm
    try:
        return images.picture(theme.logo, box=(width, LOGO_HEIGHT), width_pt=width)
    except images.ImageError as exc:
        raise images.named_by_theme(exc, str(theme.source or "theme")) from None


def numbered_canvas(decor: PageDecor, epoch: int, root: Element, archival: bool, save: bool = True,
                    attachments: tuple[Attachment, ...] = ()) -> type[Canvas]:
    """Return a canvas class that draws ``decor``'s footer with the page count and a fixed date, tags
    what the flowables draw (structure tree ``root``) and saves a tagged PDF with archival metadata
    (claiming PDF/A-2, or PDF/A-3 with ``attachments`` embedded, and PDF/UA-1 when ``archival``: every font
    embedded). With ``save`` false the pages are laid out and nothing is written (to learn where headings
    fall)."""

    # Runs in a face whose language is not the document's are marked with their /Lang: Chinese names in
    # an English document, Japanese labels around English data, a Chinese name in a Japanese document.
    span_langs = decor.sheet.faces.spans(decor.meta.language)

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # reportlab's page preamble selects the initial font: ours, not an unembedded Helvetica.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or decor.sheet.body.regular
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _Stamp(epoch)
            self._pages: list[dict[str, Any]] = []
            self.tagger = Tagger()
            self._links: dict[str, Any] = {}  # annotation name -> its dictionary
            self._marks: list[tuple[str, dict[str, Any]]] = []  # outline destinations on this page

        def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> Any:
            text = super().beginText(x, y, direction)
            text.__class__ = LangText  # lines end with the spaces reportlab dropped (pdf_spaces)
            if span_langs:  # Chinese, Japanese or Korean runs in a document in another language
                text.span_langs = span_langs
            return text

        def showPage(self) -> None:
            flush_bars(self, decor.sheet.accent)  # a redline's change bars on this page (none: nothing drawn)
            self._pages.append(dict(self.__dict__))
            self._marks = []
            self._startPage()
            self.tagger.next_page()

        def bookmarkPage(self, key: str, **kwargs: Any) -> None:
            # The page is added to the document only at save: a destination made now would point at
            # the wrong page (reportlab refers to "the current page"), so it is made when the page is.
            self._marks.append((key, kwargs))

        def _addAnnotation(self, annotation: Any, name: str | None = None, addtopage: int = 1) -> None:
            if not isinstance(annotation, PDFDictionary):
                annotation = annotation.Dict()
            annotation["F"] = 4  # printed with the page (PDF/A)
            name = name or f"NUMBER{self._annotationCount + 1}"
            text = _link_text(annotation, self.tagger.current, decor.meta.labels.section_link)
            annotation["Contents"] = PDFString(text)  # its description (PDF/UA)
            if self.tagger.link(self.tagger.page, name, text):
                self._links[name] = annotation
            super()._addAnnotation(annotation, name, addtopage)

        def save(self) -> None:
            if not save:
                return
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                for key, kwargs in self._marks:
                    Canvas.bookmarkPage(self, key, **kwargs)
                with artifact(self, "Pagination", "Footer"):
                    decor.footer(self, number, total)
                Canvas.showPage(self)
            write_structure(self._doc, root, self.tagger, self._links)
            make_archival(self._doc, decor.meta, epoch, archival, attachments)
            Canvas.save(self)

    return NumberedCanvas


def _link_text(annotation: PDFDictionary, element: Element | None, fallback: str) -> str:
    action = annotation.dict.get("A")
    uri = action.dict.get("URI") if isinstance(action, PDFDictionary) else None
    if uri is not None:
        return str(getattr(uri, "s", uri))
    if element is not None and element.text:
        return element.text
    return fallback  # "Link to a section of this document", in the labels' language
