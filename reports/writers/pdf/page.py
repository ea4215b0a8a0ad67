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
from reports.fonts.scripts import is_cjk
from reports.fonts.standin import face_runs
from reports.theme import Theme
from reports.writers.measure import running_title
from reports.writers.options import Attachment
from reports.writers.pdf.archive import make_archival
from reports.writers.pdf.structure import write_structure
from reports.writers.pdf.styles import Sheet, draw_text, text_width
from reports.writers.pdf.tags import Element, LangText, Tagger, artifact
from reports.writers.watermark import DIAGONAL_SHARE, MAX_SIZE_PT, watermark_colour, watermark_text

# A running head is a short title: at most this share of the line, so it stays a label, never a sentence.
RUNNING_SHARE = 0.5
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
    """Draws the watermark (if any) under every page, the header on every page but the first, and the
    footer on every page."""

    def __init__(self, meta: t.Meta, sheet: Sheet, theme: Theme) -> None:
        self.meta = meta
        self.sheet = sheet
        self.theme = theme
        self.logo = _logo(theme)  # read and checked before the build starts, not in the middle of it
        self.watermark = watermark_text(theme.watermark)
        self.watermark_colour = colors.HexColor(watermark_colour(theme.colours.rule))

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
        m = self.theme.margins
        if canvas.getPageNumber() == 1:
            if self.logo is not None:  # letterhead: part of the page, not of the text
                w = self.theme.logo_width_mm * mm
                canvas.drawImage(ImageReader(io.BytesIO(self.logo.data)), right - w, height - m.top * mm + 2 * mm,
                                 width=w, preserveAspectRatio=True, anchor="sw", mask="auto", height=LOGO_HEIGHT)
            return
        y = height - m.top * mm + 8 * mm
        canvas.saveState()
        canvas.setFont(self.sheet.heading.regular, 8)
        canvas.setFillColor(self.sheet.muted)
        marking = self.meta.classification.upper()
        marking_width = text_width(marking, self.sheet.heading.bold, 8, self.sheet.faces) + 6 * mm if marking else 0.0
        room = min(right - left - marking_width, (right - left) * RUNNING_SHARE)
        head = running_title(self.meta.short_title or self.meta.title,
                             lambda text: text_width(text, self.sheet.heading.regular, 8, self.sheet.faces) <= room)
        draw_text(canvas, left, y, head, self.sheet.heading.regular, 8, self.sheet.faces)
        if marking:
            canvas.setFont(self.sheet.heading.bold, 8)
            canvas.setFillColor(self.sheet.accent)
            draw_text(canvas, right, y, marking, self.sheet.heading.bold, 8, self.sheet.faces, align="right")
        canvas.setStrokeColor(self.sheet.rule)
        canvas.setLineWidth(0.5)
        canvas.line(left, y - 3, right, y - 3)
        canvas.restoreState()

    def footer(self, canvas: Canvas, page: int, pages: int) -> None:
        width, _ = self.sheet.page_size
        m = self.theme.margins
        left, right = m.left * mm, width - m.right * mm
        y = m.bottom * mm - 10 * mm
        canvas.saveState()
        canvas.setStrokeColor(self.sheet.rule)
        canvas.setLineWidth(0.5)
        canvas.line(left, y + 9, right, y + 9)
        canvas.setFont(self.sheet.heading.regular, 8)
        canvas.setFillColor(self.sheet.muted)
        note = "  ·  ".join(x for x in (self.meta.date, self.meta.classification.upper(),
                                        self.meta.organisation) if x)
        draw_text(canvas, left, y, _fit(note, 100), self.sheet.heading.regular, 8, self.sheet.faces)
        draw_text(canvas, right, y, self.meta.labels.page(page, pages), self.sheet.heading.regular, 8, self.sheet.faces,
                  align="right")
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


def _fit(text: str, limit: int) -> str:
    # Header and footer are single lines drawn without wrapping; a long title is shortened, not clipped.
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
