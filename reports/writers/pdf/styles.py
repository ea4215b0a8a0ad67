"""The PDF stylesheet, built from the theme once per process: paragraph styles named as in Word.

Part of write (PDF). The same style names as templates/reference.docx (Title, Subtitle, Heading 1-3,
Normal, List Bullet, Quote, ...), so the two writers stay recognisably one design.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from reports.fonts.faces import Family, cjk_font_name, family
from reports.fonts.forget import on_forget
from reports.fonts.languages import CjkFaces
from reports.fonts.standin import face_runs
from reports.theme import Theme
from reports.writers.measure import furniture_margins


@dataclass(frozen=True)
class Sheet:
    """Styles, colours, fonts and page geometry for one theme."""

    styles: dict[str, ParagraphStyle]
    body: Family
    heading: Family
    cjk: str
    accent: colors.Color
    text: colors.Color
    muted: colors.Color
    rule: colors.Color
    zebra: colors.Color
    header_text: colors.Color
    page_size: tuple[float, float]
    frame_width: float
    frame_height: float
    # The faces of the East Asian runs by their language: the Chinese face for all until the writer
    # knows the document (``layout.lay_out`` sets the Japanese face and the document's languages).
    faces: CjkFaces = field(default_factory=lambda: CjkFaces("", ""))


@dataclass(frozen=True)
class Spacing:
    """The vertical rhythm of one kind of document, in multiples of the body size (``lead``: of the
    body's leading). The memo is set tighter than the briefing so that it keeps to one page on Letter
    paper too: what a typesetter does for a one-page memo (the type sizes stay the same)."""

    lead: float = 1.45  # body leading
    para_after: float = 0.7
    list_after: float = 0.2
    h1_before: float = 1.3
    h1_after: float = 0.5
    memo_lead: float = 1.5  # the TO / FROM / DATE block
    memo_title: tuple[float, float, float] = (24, 28, 10)  # MEMORANDUM: size, leading, space after (pt)
    kicker_after: float = 10  # points


SPACING: dict[str, Spacing] = {
    "briefing": Spacing(),
    "memo": Spacing(lead=1.33, para_after=0.45, list_after=0.1, h1_before=0.85, h1_after=0.3, memo_lead=1.3,
                    memo_title=(22, 25, 6), kicker_after=6),
}


@lru_cache(maxsize=16)
def stylesheet(theme: Theme, kind: str = "briefing", east_asian: bool = False) -> Sheet:
    """Return the (cached) stylesheet for ``theme`` and a ``kind`` of document; registers its fonts on
    first use. A kind without its own spacing in ``SPACING`` (a custom template) is set like the briefing.

    ``east_asian`` (``Meta.east_asian``: Chinese, Japanese or Korean text or labels): every style breaks
    lines the CJK way (reportlab's ``wordWrap="CJK"``: between any two ideographs, never before closing
    or after opening punctuation, Latin words still whole), with the same leading as the Latin styles.
    """
    sp = SPACING.get(kind, SPACING["briefing"])
    body, heading = family(theme.fonts.body), family(theme.fonts.heading)
    cjk = cjk_font_name(theme.fonts.cjk)  # registered by the writer when the document has CJK text
    c = theme.colours
    accent, text, muted = (colors.HexColor(c.accent), colors.HexColor(c.text), colors.HexColor(c.muted))
    size = theme.fonts.size
    lead = size * sp.lead
    page = A4 if theme.page_size == "A4" else LETTER
    m = theme.margins

    def style(name: str, **kw: object) -> ParagraphStyle:
        base = {"fontName": body.regular, "fontSize": size, "leading": lead, "textColor": text,
                "alignment": TA_LEFT, "splitLongWords": 1, "allowWidows": 0, "allowOrphans": 0}
        if east_asian:
            base["wordWrap"] = "CJK"
        base.update(kw)
        return ParagraphStyle(name, **base)

    styles = {
        "Normal": style("Normal", spaceAfter=size * sp.para_after),
        "Title": style("Title", fontName=heading.bold, fontSize=22, leading=27, textColor=accent,
                       spaceAfter=4),
        "Subtitle": style("Subtitle", fontName=heading.regular, fontSize=13, leading=17, textColor=muted,
                          spaceAfter=8),
        "Kicker": style("Kicker", fontName=heading.bold, fontSize=8.5, leading=11, textColor=accent,
                        spaceAfter=sp.kicker_after),
        "Byline": style("Byline", fontName=heading.regular, fontSize=9.5, leading=13, textColor=text,
                        spaceAfter=2),
        "Heading 1": style("Heading 1", fontName=heading.bold, fontSize=size + 4, leading=(size + 4) * 1.25,
                           textColor=accent, spaceBefore=size * sp.h1_before, spaceAfter=size * sp.h1_after,
                           keepWithNext=1),  # never alone at a page's foot (pdf.keep)
        "Heading 2": style("Heading 2", fontName=heading.bold, fontSize=size + 1.5,
                           leading=(size + 1.5) * 1.3, textColor=text, spaceBefore=size * 1.1,
                           spaceAfter=size * 0.35, keepWithNext=1),
        "Heading 3": style("Heading 3", fontName=heading.bold, fontSize=size, leading=size * 1.3,
                           textColor=muted, spaceBefore=size * 0.9, spaceAfter=size * 0.25, keepWithNext=1),
        "List": style("List", spaceAfter=size * sp.list_after),
        "Quote": style("Quote", fontName=body.italic, fontSize=size + 0.5, leading=(size + 0.5) * 1.45,
                       spaceAfter=4),
        "Attribution": style("Attribution", fontName=heading.regular, fontSize=size - 1,
                             leading=(size - 1) * 1.35, textColor=muted),
        "Table": style("Table", fontName=heading.regular, fontSize=size - 1, leading=(size - 1) * 1.35),
        "Table Header": style("Table Header", fontName=heading.bold, fontSize=size - 1,
                              leading=(size - 1) * 1.35, textColor=colors.HexColor(c.header_text)),
        "Field Label": style("Field Label", fontName=heading.bold, fontSize=size - 1,
                             leading=(size - 1) * 1.35, textColor=accent),
        "Field Value": style("Field Value", fontSize=size - 0.5, leading=(size - 0.5) * 1.4),
        "Memo Label": style("Memo Label", fontName=heading.bold, fontSize=size - 0.5,
                            leading=size * sp.memo_lead, textColor=muted),
        "Memo Value": style("Memo Value", fontName=body.regular, fontSize=size, leading=size * sp.memo_lead),
        "Memo Title": style("Memo Title", fontName=heading.bold, fontSize=sp.memo_title[0],
                            leading=sp.memo_title[1], textColor=accent, spaceAfter=sp.memo_title[2]),
        "Caption": style("Caption", fontName=heading.regular, fontSize=size - 2, leading=(size - 2) * 1.3,
                         textColor=muted),
    }
    return Sheet(
        styles=styles, body=body, heading=heading, cjk=cjk, accent=accent, text=text, muted=muted,
        rule=colors.HexColor(c.rule), zebra=colors.HexColor(c.zebra),
        header_text=colors.HexColor(c.header_text), page_size=page,
        frame_width=page[0] - (m.left + m.right) * mm,
        frame_height=page[1] - sum(furniture_margins(m.top, m.bottom)) * mm, faces=CjkFaces(cjk, cjk),
    )


def _runs(text: str, font: str, cjk: str | CjkFaces) -> list[tuple[str, str]]:
    faces = cjk if isinstance(cjk, CjkFaces) else CjkFaces(cjk, cjk)
    return [run for piece, face, _ in faces.runs(text) for run in face_runs(piece, face or font)]


def draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float, cjk: str | CjkFaces,
              align: str = "left") -> None:
    """Draw one line of ``text`` at (``x``, ``y``) in ``font``, its Chinese, Japanese and Korean runs in
    the ``cjk`` face of each run's language (the Latin faces have none of them: a footer's 2023年7月7日
    would be boxes), aligned ``left`` or ``right`` of ``x``. For page furniture, which reportlab draws
    without paragraphs."""
    runs = _runs(text, font, cjk)
    if align == "right":
        x -= sum(stringWidth(piece, face, size) for piece, face in runs)
    for piece, face in runs:
        canvas.setFont(face, size)
        canvas.drawString(x, y, piece)
        x += stringWidth(piece, face, size)


on_forget(stylesheet.cache_clear)  # its sheets name the CJK face found
