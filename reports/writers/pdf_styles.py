"""The PDF stylesheet, built from the theme once per process: paragraph styles named as in Word.

Part of write (PDF). The same style names as templates/reference.docx (Title, Subtitle, Heading 1-3,
Normal, List Bullet, Quote, ...), so the two writers stay recognisably one design.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from reports.theme import Theme
from reports.writers.fonts import Family, cjk_font, family


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


@lru_cache(maxsize=8)
def stylesheet(theme: Theme) -> Sheet:
    """Return the (cached) stylesheet for ``theme``; registers its fonts on first use."""
    body, heading = family(theme.fonts.body), family(theme.fonts.heading)
    cjk = cjk_font(theme.fonts.cjk)
    c = theme.colours
    accent, text, muted = (colors.HexColor(c.accent), colors.HexColor(c.text), colors.HexColor(c.muted))
    size = theme.fonts.size
    lead = size * 1.45
    page = A4 if theme.page_size == "A4" else LETTER
    m = theme.margins

    def style(name: str, **kw: object) -> ParagraphStyle:
        base = {"fontName": body.regular, "fontSize": size, "leading": lead, "textColor": text,
                "alignment": TA_LEFT, "splitLongWords": 1, "allowWidows": 0, "allowOrphans": 0}
        base.update(kw)
        return ParagraphStyle(name, **base)

    styles = {
        "Normal": style("Normal", spaceAfter=size * 0.7),
        "Title": style("Title", fontName=heading.bold, fontSize=22, leading=27, textColor=accent,
                       spaceAfter=4),
        "Subtitle": style("Subtitle", fontName=heading.regular, fontSize=13, leading=17, textColor=muted,
                          spaceAfter=8),
        "Kicker": style("Kicker", fontName=heading.bold, fontSize=8.5, leading=11, textColor=accent,
                        spaceAfter=10),
        "Byline": style("Byline", fontName=heading.regular, fontSize=9.5, leading=13, textColor=text,
                        spaceAfter=2),
        "Heading 1": style("Heading 1", fontName=heading.bold, fontSize=size + 4, leading=(size + 4) * 1.25,
                           textColor=accent, spaceBefore=size * 1.3, spaceAfter=size * 0.5),
        "Heading 2": style("Heading 2", fontName=heading.bold, fontSize=size + 1.5,
                           leading=(size + 1.5) * 1.3, textColor=text, spaceBefore=size * 1.1,
                           spaceAfter=size * 0.35),
        "Heading 3": style("Heading 3", fontName=heading.bold, fontSize=size, leading=size * 1.3,
                           textColor=muted, spaceBefore=size * 0.9, spaceAfter=size * 0.25),
        "List": style("List", spaceAfter=size * 0.2),
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
        "Memo Label": style("Memo Label", fontName=heading.bold, fontSize=size - 0.5, leading=size * 1.5,
                            textColor=muted),
        "Memo Value": style("Memo Value", fontName=body.regular, fontSize=size, leading=size * 1.5),
        "Memo Title": style("Memo Title", fontName=heading.bold, fontSize=24, leading=28, textColor=accent,
                            spaceAfter=10),
        "Caption": style("Caption", fontName=heading.regular, fontSize=size - 2, leading=(size - 2) * 1.3,
                         textColor=muted),
    }
    return Sheet(
        styles=styles, body=body, heading=heading, cjk=cjk, accent=accent, text=text, muted=muted,
        rule=colors.HexColor(c.rule), zebra=colors.HexColor(c.zebra),
        header_text=colors.HexColor(c.header_text), page_size=page,
        frame_width=page[0] - (m.left + m.right) * mm,
        frame_height=page[1] - (m.top + m.bottom) * mm,
    )
