"""The PDF floor: the briefing's content written straight with reportlab platypus, no templates.

A competent hand-written version (fonts registered once per process, the same fonts, tables, quote,
lists, outline and "Page N of M" footer as the tool), against which the tool's overhead is measured.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from reports.model import Agreement

ACCENT = colors.HexColor("#1F3A5F")
_STYLES: dict[str, ParagraphStyle] = {}


def _register() -> dict[str, ParagraphStyle]:
    if _STYLES:
        return _STYLES
    serif = Path(str(resources.files("font_source_serif_pro") / "files"))
    sans = Path(str(resources.files("font_source_sans_pro") / "files"))
    for name, path in (("Serif", serif / "SourceSerifPro-Regular.ttf"), ("Serif-It", serif / "SourceSerifPro-It.ttf"),
                       ("Serif-Bd", serif / "SourceSerifPro-Semibold.ttf"),
                       ("Sans", sans / "SourceSansPro-Regular.ttf"), ("Sans-Bd", sans / "SourceSansPro-Semibold.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _STYLES.update({
        "body": ParagraphStyle("body", fontName="Serif", fontSize=10.5, leading=15, spaceAfter=7),
        "title": ParagraphStyle("title", fontName="Sans-Bd", fontSize=22, leading=27, textColor=ACCENT),
        "h1": ParagraphStyle("h1", fontName="Sans-Bd", fontSize=14.5, leading=18, textColor=ACCENT, spaceBefore=14,
                             spaceAfter=5),
        "h2": ParagraphStyle("h2", fontName="Sans-Bd", fontSize=12, leading=16, spaceBefore=10, spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName="Sans", fontSize=9.5, leading=13),
        "quote": ParagraphStyle("quote", fontName="Serif-It", fontSize=11, leading=16, leftIndent=30),
    })
    return _STYLES


def _t(text: str) -> str:
    # Chinese runs in the CID font, everything escaped: what any correct hand-written version must do.
    out = []
    for char in escape(text):
        out.append(f'<font face="STSong-Light">{char}</font>' if "\u4e00" <= char <= "\u9fff" else char)
    return "".join(out)


class _Numbered(Canvas):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self.setFont("Sans", 8)
            self.drawRightString(A4[0] - 22 * mm, 12 * mm, f"Page {number} of {len(self._pages)}")
            Canvas.showPage(self)
        Canvas.save(self)


def briefing_pdf(a: Agreement) -> bytes:
    """Return the briefing of ``a`` as PDF bytes."""
    s = _register()
    story: list[Any] = [Paragraph(_t(a.title), s["title"])]
    if a.subtitle:
        story.append(Paragraph(_t(a.subtitle), s["body"]))
    facts = [["Signed", a.agreement.signed.strftime("%d %B %Y")],
             ["Parties", " and ".join(f"{p.name} ({p.local_name})" if p.local_name else p.name for p in a.parties)],
             ["Agreement", a.agreement.type], ["Focus areas", ", ".join(f.name for f in a.focus_areas)]]
    table = Table([[Paragraph(_t(k), s["cell"]), Paragraph(_t(v), s["cell"])] for k, v in facts],
                  colWidths=[35 * mm, 131 * mm])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F3F5F8"))]))
    story += [table, Paragraph("Executive summary", s["h1"]), Paragraph(_t(a.summary), s["body"]),
              Paragraph(_t(a.agreement.purpose), s["body"]), Paragraph("The parties", s["h1"])]
    for p in a.parties:
        story += [Paragraph(_t(p.name + (f" ({p.local_name})" if p.local_name else "")), s["h2"]),
                  Paragraph(_t(p.description), s["body"])]
    rows = [[Paragraph("Area", s["cell"]), Paragraph("What cooperation covers", s["cell"])]]
    rows += [[Paragraph(_t(f.name), s["cell"]), Paragraph(_t(f.summary), s["cell"])] for f in a.focus_areas]
    focus = Table(rows, colWidths=[50 * mm, 116 * mm], repeatRows=1)
    focus.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), ACCENT), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                               ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, colors.HexColor("#F3F5F8")])]))
    story += [Paragraph("Focus areas", s["h1"]), focus, Paragraph("Statements", s["h1"])]
    for st in a.statements:
        story += [Paragraph(_t(st.text), s["quote"]), Paragraph(_t(f"— {st.speaker}, {st.role}"), s["body"])]
    for item in a.context:
        story += [Paragraph(_t(item.title), s["h2"]), Paragraph(_t(item.text), s["body"]),
                  ListFlowable([ListItem(Paragraph(_t(x), s["body"])) for x in item.points], bulletType="bullet")]
    for heading, points in (("Expected outcomes", a.expected_outcomes), ("Significance", a.significance)):
        story += [Paragraph(heading, s["h1"]),
                  ListFlowable([ListItem(Paragraph(_t(x), s["body"])) for x in points], bulletType="bullet")]
    story.append(Paragraph("Sources", s["h1"]))
    story.append(ListFlowable([ListItem(Paragraph(_t(f"{x.title}. {x.publisher}."), s["body"])) for x in a.sources],
                              bulletType="1"))
    story.append(Spacer(1, 1))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=a.title, invariant=1)
    doc.build(story, canvasmaker=_Numbered)
    return buffer.getvalue()
