"""The chart figure in the PDF: a reportlab Flowable drawing a bar, column or stacked-bar chart as vectors.

Part of write (PDF). The chart is laid out in ``wrap`` (reports/writers/pdf/chart_layout.py: every
label measured, wrapped or abbreviated to its room, and placed only where it meets no other) and drawn
in ``draw``; it carries ``_alt_text`` (every value, reports/chart.py) so the tagging code wraps it as one
``Figure``. A chart is never split: its height is bounded to the frame by the layout.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Spacer

from reports import chart as ch
from reports import tree as t
from reports.fonts.measure import TextMeasure
from reports.labels import Labels
from reports.writers.pdf.chart_layout import Drawn, Layout, lay_out
from reports.writers.pdf.styles import Sheet
from reports.writers.pdf.tags import Tagged


class ChartFlowable(Tagged, Flowable):  # type: ignore[misc]
    """A laid-out chart; ``_alt_text`` states every value. ``drawn`` is what it drew, for the tests."""

    def __init__(self, node: t.Chart, sheet: Sheet, locale: str, labels: Labels = ch.ENGLISH) -> None:
        super().__init__()
        self.node, self.sheet, self.locale = node, sheet, locale
        self.fonts = TextMeasure(sheet.heading.regular, sheet.heading.bold, sheet.faces)
        self.lay: Layout | None = None
        self._alt_text = ch.alt_text(node, locale, labels)

    def _layout(self, width: float) -> Layout:
        if self.lay is None or abs(self.lay.width - width) > 0.01:
            size = self.sheet.styles["Normal"].fontSize
            palette = (self.sheet.accent.hexval(), self.sheet.muted.hexval())
            self.lay = lay_out(self.node, width, self.sheet.frame_height * 0.8, round(size * 0.75, 1),
                               self.fonts.measure, self.locale, tuple("#" + c[2:] for c in palette))
        return self.lay

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lay = self._layout(availWidth)
        self.width, self.height = availWidth, lay.height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []  # whole on the next page: the layout keeps it shorter than a frame

    @property
    def drawn(self) -> tuple[Drawn, ...]:
        assert self.lay is not None
        return self.lay.texts

    def draw(self) -> None:
        lay = self.lay
        assert lay is not None
        canvas, height, sheet = self.canv, self.height, self.sheet
        canvas.saveState()
        canvas.setLineCap(0)
        for line in lay.lines:
            canvas.setStrokeColor(sheet.rule if line.light else sheet.muted)
            canvas.setLineWidth(0.4 if line.light else 0.8)
            canvas.line(line.x1, height - line.y1, line.x2, height - line.y2)
        for box in lay.boxes:
            canvas.setFillColor(colors.HexColor(box.fill))
            canvas.rect(box.x, height - box.y - box.h, box.w, box.h, stroke=0, fill=1)
        for text in lay.texts:
            colour = sheet.muted if text.colour == "muted" else sheet.text
            canvas.setFillColor(colors.HexColor(text.colour) if text.colour.startswith("#") else colour)
            _text(canvas, self.fonts, text.text, text.x, height - text.baseline, text.size, text.bold)
        canvas.restoreState()


def _text(canvas: Any, fonts: TextMeasure, line: str, x: float, baseline: float, size: float, bold: bool) -> None:
    # One text object a label, its runs in their faces; a space after the last glyph (showing nothing)
    # keeps labels apart when the page's text is extracted, as the timeline's are.
    text = canvas.beginText(x, baseline)
    for piece, face in fonts.runs(line + " ", bold):
        text.setFont(face, size)
        text.textOut(piece)
    canvas.drawText(text)


def chart_flowables(writer: Any, node: t.Chart) -> list[Flowable]:
    """What the PDF writer puts in the story for ``node``: the figure, and its caption when it has one.

    ``writer`` is the PDF story writer (``story.StoryWriter``): its ``sheet``, ``meta`` and ``tag``."""
    labels = getattr(writer.meta, "labels", None)
    locale = labels.format_locale if labels is not None else "en_GB"  # numbers as the text writes them
    figure = ChartFlowable(node, writer.sheet, locale, labels if labels is not None else ch.ENGLISH)
    figure._struct = writer.tag("Figure", alt=figure._alt_text)  # every value, after the template's words
    if node.number is None:
        return [Spacer(1, 4), figure, Spacer(1, 10)]
    text = (labels.figure_caption(node.number, node.caption) if labels is not None
            else f"Figure {node.number}: {node.caption}")
    caption = writer.plain_para(text, "Caption", "Caption")
    if getattr(writer, "boxes", 0):  # in a table cell reportlab cannot split a KeepTogether
        return [Spacer(1, 4), figure, Spacer(1, 3), caption, Spacer(1, 8)]
    return [Spacer(1, 4), KeepTogether([figure, Spacer(1, 3), caption]), Spacer(1, 8)]  # never a caption alone


__all__ = ["ChartFlowable", "chart_flowables"]
