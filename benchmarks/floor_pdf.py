"""The PDF floor: the briefing's content written straight with reportlab platypus, no templates.

A competent hand-written version (fonts registered once per process, the same fonts, tables, quote,
lists, outline and "Page N of M" footer as the tool), against which the tool's overhead is measured.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    HRFlowable,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from benchmarks.content import typeset
from reports.filters import capitalize_first, longdate, number_words
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
    # So that <b> and <i> in body text pick the real bold and italic faces, as the tool's do.
    pdfmetrics.registerFontFamily("Serif", normal="Serif", bold="Serif-Bd", italic="Serif-It", boldItalic="Serif-Bd")
    pdfmetrics.registerFontFamily("Sans", normal="Sans", bold="Sans-Bd", italic="Sans", boldItalic="Sans-Bd")
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
    for char in escape(typeset(text)):
        out.append(f'<font face="STSong-Light">{char}</font>' if "\u4e00" <= char <= "\u9fff" else char)
    return "".join(out)


class _Numbered(Canvas):  # type: ignore[misc]
    def __init__(self, *args: Any, note: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._note = note

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self.setFont("Sans", 8)
            self.drawString(22 * mm, 12 * mm, self._note)
            self.drawRightString(A4[0] - 22 * mm, 12 * mm, f"Page {number} of {len(self._pages)}")
            Canvas.showPage(self)
        Canvas.save(self)


class _Doc(SimpleDocTemplate):  # type: ignore[misc]
    """Bookmarks for headings, as the tool makes."""

    def afterFlowable(self, flowable: Any) -> None:
        level = {"h1": 0, "h2": 1}.get(getattr(getattr(flowable, "style", None), "name", ""))
        if level is not None:
            key = f"k{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level)


def _header(canvas: Canvas, doc: Any) -> None:
    # The marking heads every page, the first too (as the tool's does); the title from the second on.
    canvas.setFont("Sans", 8)
    if canvas.getPageNumber() > 1:
        canvas.drawString(22 * mm, A4[1] - 12 * mm, doc.title)
    canvas.drawRightString(A4[0] - 22 * mm, A4[1] - 12 * mm, "INTERNAL")


def _bullets(items: list[str], s: dict[str, ParagraphStyle]) -> ListFlowable:
    return ListFlowable([ListItem(Paragraph(_t(x), s["body"])) for x in items], bulletType="bullet", start="•",
                        bulletFontName="Sans")


def _grid(rows: list[list[str]], widths: list[float], s: dict[str, ParagraphStyle], header: bool) -> Table:
    table = Table([[Paragraph(_t(c), s["cell"]) for c in row] for row in rows], colWidths=widths,
                  repeatRows=1 if header else 0)
    zebra = [None, colors.HexColor("#F3F5F8")]
    commands: list[Any] = [("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), zebra),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#C9CED6")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), ACCENT), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white)]
    table.setStyle(TableStyle(commands))
    return table


def briefing_pdf(a: Agreement) -> bytes:
    """Return the briefing of ``a`` as PDF bytes: the same content the tool's briefing carries."""
    s = _register()
    day = longdate(a.agreement.signed)
    parties = [p.name + (f" ({p.local_name})" if p.local_name else "") for p in a.parties]
    story: list[Any] = [Paragraph("POLICY AND GOVERNMENT RELATIONS · INTERNAL", s["cell"]),
                        Paragraph(_t(a.title), s["title"])]
    if a.subtitle:
        story.append(Paragraph(_t(a.subtitle), s["body"]))
    story += [Paragraph(_t(f"Briefing · {day}"), s["cell"]), Paragraph(_t(" · ".join(parties)), s["cell"]),
              HRFlowable(width="100%", thickness=2, color=ACCENT)]
    facts = [["Signed", day], ["Parties", " and ".join(parties)], ["Agreement", a.agreement.type.capitalize()]]
    facts += [["Units involved", f"{number_words(u.count or 0).capitalize()} {u.description}"]
              for u in a.participating_units]
    areas = [f.name for f in a.focus_areas]
    facts += [["Focus areas", f"{number_words(len(areas)).capitalize()}: {', '.join(areas[:-1])} and {areas[-1]}"],
              ["Status", capitalize_first(a.agreement.status or "")]]
    story += [_grid(facts, [35 * mm, 131 * mm], s, False), Paragraph("Executive summary", s["h1"]),
              Paragraph(_t(a.summary), s["body"]), Paragraph("<b>Purpose.</b> " + _t(a.agreement.purpose), s["body"]),
              Paragraph("The parties", s["h1"])]
    for p, label in zip(a.parties, parties, strict=True):
        story += [Paragraph(_t(label), s["h2"]), Paragraph(_t(p.description), s["body"])]
        if p.also_known_as:
            story.append(Paragraph("<i>Also referred to as</i> " + _t(", ".join(p.also_known_as) + "."), s["body"]))
        if p.representatives:
            story.append(_bullets([f"{r.name} ({r.local_name}), {r.title}" for r in p.representatives], s))
    for u in a.participating_units:
        story.append(Paragraph("<b>Taking part:</b> " + _t(f"{number_words(u.count or 0).capitalize()} "
                                                            f"{u.description}."), s["body"]))
    story += [Paragraph("Focus areas", s["h1"]),
              _grid([["Area", "What cooperation covers"], *([f.name, f.summary] for f in a.focus_areas)],
                    [50 * mm, 116 * mm], s, True), Paragraph("Statements", s["h1"])]
    for st in a.statements:
        story += [Paragraph(_t(st.text), s["quote"]),
                  Paragraph(_t(f"— {st.speaker} ({st.speaker_local_name}), {st.role}"
                               + (" (paraphrase, not a direct quotation)" if st.kind == "paraphrase" else "")),
                            s["cell"])]
    story.append(Paragraph("Background", s["h1"]))
    for item in a.context:
        story += [Paragraph(_t(item.title), s["h2"]), Paragraph(_t(longdate(item.date)), s["body"]),
                  Paragraph(_t(item.text), s["body"]), _bullets(item.points, s)]
    for heading, points in (("Expected outcomes", a.expected_outcomes), ("Significance", a.significance)):
        story += [Paragraph(heading, s["h1"]), _bullets(points, s)]
    story += [Paragraph("Timeline", s["h1"]),
              _grid([["Date", "Event"], *([longdate(e.date), e.event] for e in a.timeline)], [35 * mm, 131 * mm], s,
                    True),
              Paragraph("Sources", s["h1"]),
              ListFlowable([ListItem(Paragraph(_t(f"{x.title}. {x.publisher}, {longdate(x.date)}. {x.note or ''}"),
                                               s["body"]))
                            for x in a.sources], bulletType="1", bulletFormat="%s."), Spacer(1, 1)]
    buffer = io.BytesIO()
    doc = _Doc(buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
               bottomMargin=20 * mm, title=a.title, invariant=1)
    note = f"{day} · INTERNAL · Policy and Government Relations"
    doc.build(story, onFirstPage=_header, onLaterPages=_header,
              canvasmaker=lambda *args, **kwargs: _Numbered(*args, note=note, **kwargs))
    return buffer.getvalue()
