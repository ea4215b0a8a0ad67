"""The timeline figure in the PDF: a reportlab Flowable drawing reports/timeline/'s layout as vectors.

Part of write (PDF). The flowable draws only inside ``draw`` and carries ``_alt_text`` (every event in
order), so the tagging code can wrap it as one ``Figure``. A figure taller than the space left is split
between its rows; each part carries the alt text of the events it shows. The legend (what the markers
mean) is drawn under the last row, inside the Figure; the alt text says the same of each event.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Spacer

from reports import timeline as tl
from reports import tree as t
from reports.fonts.measure import TextMeasure
from reports.writers.pdf.styles import Sheet
from reports.writers.pdf.tags import Tagged


class TimelineFlowable(Tagged, Flowable):  # type: ignore[misc]
    """Some rows (all, at first) of a laid-out timeline; ``_alt_text`` lists their events in order.

    Drawn as its Figure element (tagged PDF); the parts of a split figure stay that one element.
    """

    def __init__(self, node: t.Timeline, sheet: Sheet, lang: str, as_of: str,
                 rows: tuple[int, int] | None = None, lay: tl.Layout | None = None,
                 legend: tl.LegendWords | None = None) -> None:
        super().__init__()
        self.node, self.sheet, self.lang, self.as_of = node, sheet, lang, as_of
        self.fonts = TextMeasure(sheet.heading.regular, sheet.heading.bold, sheet.faces)
        self.rows = rows
        self.lay = lay
        self.legend = legend
        # The legend's words after the events it marks, when the figure draws one (the whole figure's).
        said = legend is not None and tl.legend_kinds(node, as_of)
        self._alt_text = tl.alt_text(self._shown(), lang,
                                     (legend, tl.today_of(node, as_of)) if said and legend else None)

    def _shown(self) -> t.Timeline:
        if self.rows is None or self.lay is None:
            return self.node
        events = sorted(e for row in self.lay.rows[self.rows[0]:self.rows[1]] for label in row.labels
                        for e in label.events)
        alt = self.node.alt if self.rows[0] == 0 else ""
        return t.Timeline(tuple(self.node.events[e] for e in events), self.node.as_of, alt)

    def _layout(self, width: float) -> tl.Layout:
        # The frame's width and the stylesheet's are the same sum in another order: equal to a hair.
        if self.lay is None or abs(self.lay.width - width) > 0.01:
            size = self.sheet.styles["Normal"].fontSize
            style = tl.Style(width=width, size=round(size * 0.78, 1), tick_size=round(size * 0.7, 1))
            self.lay = tl.layout(self.node, style, self.fonts.measure, lang=self.lang, as_of=self.as_of,
                                 legend=self.legend)
        return self.lay

    def _span(self) -> tuple[int, int]:
        assert self.lay is not None
        return self.rows or (0, len(self.lay.rows))

    def _height(self) -> float:
        assert self.lay is not None
        first, end = self._span()
        return self.lay.bottom(end - 1) - self.lay.rows[first].top if end > first else 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._layout(availWidth)
        self.width, self.height = availWidth, self._height()
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lay = self._layout(availWidth)
        first, end = self._span()
        fitting = first
        while fitting < end and lay.bottom(fitting) - lay.rows[first].top <= availHeight:
            fitting += 1
        if fitting in (first, end):
            return []  # not even one row fits here (the next page), or everything does
        parts = [TimelineFlowable(self.node, self.sheet, self.lang, self.as_of, (first, fitting), lay, self.legend),
                 TimelineFlowable(self.node, self.sheet, self.lang, self.as_of, (fitting, end), lay, self.legend)]
        for part in parts:  # one Figure over its pages (this split replaces Tagged's, which hands it on)
            part._struct = self._struct
        return parts

    def draw(self) -> None:
        lay = self.lay
        assert lay is not None
        first, end = self._span()
        origin = lay.rows[first].top if end > first else 0.0
        canvas = self.canv
        height = self.height
        sheet = self.sheet
        for row in lay.rows[first:end]:
            def y(value: float) -> float:
                return height - (value - origin)

            _draw_row(canvas, row, y, sheet, self.fonts, lay.width)
        if lay.legend is not None and end == len(lay.rows):
            _draw_legend(canvas, lay.legend, lambda value: height - (value - origin), sheet, self.fonts)


def _draw_legend(canvas: Any, legend: tl.Legend, y: Any, sheet: Sheet, fonts: TextMeasure) -> None:
    canvas.saveState()
    for item in legend.items:
        _marker(canvas, item.marker, y(item.marker.y), sheet.accent, sheet.muted)
        canvas.setFillColor(sheet.muted)
        baseline = y(item.box.y + legend.line_height) + legend.line_height * 0.22
        _text(canvas, fonts, item.text, item.box.x, baseline, legend.line_height / 1.2, False, " ")
    canvas.restoreState()


def _draw_row(canvas: Any, row: tl.Row, y: Any, sheet: Sheet, fonts: TextMeasure, width: float) -> None:
    accent, muted, text, rule = sheet.accent, sheet.muted, sheet.text, sheet.rule
    axis = y(row.axis_y)
    canvas.saveState()
    canvas.setLineCap(1)
    # The axis: solid up to the document's date, dashed and muted after it (the future).
    split = row.future_from if row.future_from is not None else width
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(1.4)
    if split > 0:
        canvas.line(0, axis, split, axis)
    if split < width:
        canvas.setStrokeColor(muted)
        canvas.setDash(3, 2)
        canvas.line(split, axis, width, axis)
        canvas.setDash()
    canvas.setLineWidth(0.6)
    canvas.setStrokeColor(muted)
    canvas.setFillColor(muted)
    for tick in row.ticks:
        canvas.line(tick.x, y(tick.y1), tick.x, y(tick.y2))
        _text(canvas, fonts, tick.text, tick.box.x, y(tick.box.y) - tick.box.height * 0.78,
              tick.box.height / 1.2, False, " ")
    canvas.setStrokeColor(rule)
    canvas.setLineWidth(0.5)
    for lead in row.leads:
        canvas.line(lead.x, y(lead.y1), lead.x, y(lead.y2))
    for marker in row.markers:
        _marker(canvas, marker, axis, accent, muted)
    for label in row.labels:
        colour = muted if label.future else text
        size = label.line_height / 1.2
        for i, line in enumerate(label.lines):
            baseline = y(label.box.y + (i + 1) * label.line_height) + label.line_height * 0.22
            canvas.setFillColor(accent if i == 0 and not label.future else colour)
            last = i == len(label.lines) - 1
            # Lines of a label wrapped at a space (or between CJK characters, which take none).
            end = " " if last or not line or ord(line[-1]) < 0x2E80 else ""
            _text(canvas, fonts, line, label.box.x, baseline, size, label.milestone or i == 0, end)
        for link in label.links:
            _link(canvas, fonts, label, link, y)
    canvas.restoreState()


def _link(canvas: Any, fonts: TextMeasure, label: tl.Label, link: tl.LineLink, y: Any) -> None:
    # An address in a label is a link over its glyphs, as in the text: drawn inside the figure's marked
    # content, the canvas tags it a Link (with its OBJR) under the Figure. Line 0 is the date, in bold.
    line, size, height = label.lines[link.line], label.line_height / 1.2, label.line_height
    bold = label.milestone or link.line == 0
    bottom = y(label.box.y + (link.line + 1) * height)
    left = label.box.x + fonts.measure(line[:link.start], bold, size)
    right = label.box.x + fonts.measure(line[:link.end], bold, size)
    canvas.linkURL(link.target, (left, bottom, right, bottom + height), relative=1, thickness=0)


def _marker(canvas: Any, marker: tl.Marker, axis: float, accent: colors.Color, muted: colors.Color) -> None:
    colour = muted if marker.future else accent
    canvas.setStrokeColor(colour)
    canvas.setFillColor(colors.white if marker.future else colour)
    canvas.setLineWidth(1.1)
    r = marker.radius
    if marker.milestone:
        path = canvas.beginPath()
        path.moveTo(marker.x, axis + r)
        path.lineTo(marker.x + r, axis)
        path.lineTo(marker.x, axis - r)
        path.lineTo(marker.x - r, axis)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)
    else:
        canvas.circle(marker.x, axis, r, stroke=1, fill=1)


def _text(canvas: Any, fonts: TextMeasure, line: str, x: float, baseline: float, size: float, bold: bool,
          end: str = "") -> None:
    # One text object for the line, its runs in their faces: a reader (and text extraction) sees one line.
    # ``end`` (a space) is drawn after the last glyph, where it shows nothing: the figure's labels are
    # drawn one by one at their places, and without it the figure's text reads "AprJul".
    text = canvas.beginText(x, baseline)
    for piece, face in fonts.runs(line + end, bold):
        text.setFont(face, size)
        text.textOut(piece)
    canvas.drawText(text)


def timeline_flowables(writer: Any, node: t.Timeline) -> list[Flowable]:
    """What the PDF writer puts in the story for ``node``: the figure, and its caption when it has one.

    ``writer`` is the PDF story writer (``story.StoryWriter``): its ``sheet``, ``meta`` and
    ``text`` (escaping, CJK runs) are used.
    """
    meta = writer.meta
    labels = getattr(meta, "labels", None)
    # Dates in the locale the text's dates are written in (en-US "Mar 3, 2025", fr "3 mars 2025").
    lang = labels.format_locale if labels is not None else "en_GB"
    legend = tl.LegendWords(labels.timeline_past, labels.timeline_future, labels.timeline_milestone) \
        if labels is not None else tl.LegendWords()
    figure = TimelineFlowable(node, writer.sheet, lang, meta.iso_date, legend=legend)
    # The Figure's /Alt: the template's sentence, else every event in order (what the reader cannot see).
    figure._struct = writer.tag("Figure", alt=node.alt or figure._alt_text)
    if node.number is None:
        return [Spacer(1, 4), figure, Spacer(1, 10)]
    # The catalogue's pattern ("Figure 1 : Dates clés", "図1　主な日程"), as an image's caption has it.
    text = (labels.figure_caption(node.number, node.caption) if labels is not None
            else f"Figure {node.number}: {node.caption}")
    caption = writer.plain_para(text, "Caption", "Caption")
    figure.wrap(writer.sheet.frame_width, writer.sheet.frame_height)
    # A long figure starts where it is, its rows break pages. In a table cell (a key-facts value) nothing
    # is kept together: reportlab's KeepTogether cannot be split there (it has no canvas: a crash).
    if figure.height > writer.sheet.frame_height / 2 or getattr(writer, "boxes", 0):
        return [Spacer(1, 4), figure, Spacer(1, 3), caption, Spacer(1, 8)]
    return [Spacer(1, 4), KeepTogether([figure, Spacer(1, 3), caption]), Spacer(1, 8)]  # never a caption alone


__all__ = ["TimelineFlowable", "timeline_flowables"]
