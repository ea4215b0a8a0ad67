"""The timeline figure laid out: events -> rows (a row takes as many dates as its lanes can place, then a
new row starts), one row's markers, leads, labels and ticks, and the rows cut into parts that fit a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from reports import tree as t
from reports.timeline.axis import ticks
from reports.timeline.lanes import DayGroup, day_groups, domain, place
from reports.timeline.shapes import Label, Layout, Lead, Marker, Measure, Rect, Row, Style

CROWDED = 24  # dates; a timeline of more is drawn with one line of label per date


def layout(node: t.Timeline, style: Style, measure: Measure, *, lang: str = "en", as_of: str = "") -> Layout:
    """Lay ``node`` out in ``style.width``; ``as_of`` (YYYY-MM-DD, the document's date) when the node
    has none. Events after that date are drawn as future ones."""
    when = node.as_of or as_of
    try:
        today = dt.date.fromisoformat(when) if when else None
    except ValueError:
        today = None
    if len({e.date for e in node.events}) > CROWDED:  # many dates: one line of label each, narrower
        style = replace(style, label_lines=1, label_width=min(style.label_width, 80.0))
    groups = day_groups(node.events, today, style, measure, lang)
    rows: list[Row] = []
    top = 0.0
    i = 0
    while i < len(groups):
        j = i + 1  # a row of one date always fits: its label is no wider than the figure
        placed = place(groups[i:j], style)
        if placed is None:  # a real check, not an assert: python -O must not carry on with nothing
            raise RuntimeError("a timeline row of one date found no place; its label is wider than the figure")
        chosen = (j, placed)
        while j < len(groups):
            j += 1
            attempt = place(groups[i:j], style)
            if attempt is None:
                break
            chosen = (j, attempt)
        j, placed = chosen
        row = _row(groups[i:j], placed, style, measure, lang, top, today)
        rows.append(row)
        top += row.height + style.row_gap
        i = j
    height = top - style.row_gap if rows else 0.0
    return Layout(style.width, height, tuple(rows), style)


def _row(groups: Sequence[DayGroup], placed: list[tuple[float, int, float]], style: Style, measure: Measure,
         lang: str, top: float, today: dt.date | None) -> Row:
    line_h = style.size * style.leading
    box_h = max(len(g.lines) for g in groups) * line_h
    lane_h = box_h + 4
    used = max(lane for _, lane, _ in placed) + 1
    base = style.marker * 1.5 + 5  # from the axis to the bottom of the nearest lane
    axis_y = top + used * lane_h + base
    start, end = domain(groups)
    markers: list[Marker] = []
    leads: list[Lead] = []
    labels: list[Label] = []
    for group, (x, lane, a) in zip(groups, placed, strict=True):
        bottom = axis_y - base - lane * lane_h
        height = len(group.lines) * line_h
        labels.append(Label(Rect(a, bottom - height, group.width, height), tuple(group.lines),
                            tuple(group.events), group.milestone, group.future, line_h, tuple(group.links)))
        radius = style.marker * (1.5 if group.milestone else 1.0)
        markers.append(Marker(x, axis_y, radius, group.milestone, group.future))
        leads.append(Lead(x, bottom + 1, axis_y - radius, group.future))
    future_from: float | None = None
    if today is not None:
        scale = style.width / (end - start)
        future_from = min(max((today.toordinal() + 0.5 - start) * scale, 0.0), style.width)
        if future_from >= style.width:
            future_from = None
    row_ticks = ticks(start, end, style.width, style, measure, lang, axis_y)
    height = axis_y - top + 5 + style.tick_size * style.leading
    return Row(top, height, axis_y, future_from, row_ticks, tuple(markers), tuple(leads), tuple(labels))


def split_rows(lay: Layout, heights: Callable[[int], float]) -> list[tuple[int, int]]:
    """The rows grouped into parts (first row, end) each no taller than ``heights(part number)``
    (a part holds at least one row): where a figure longer than a page is cut."""
    parts: list[tuple[int, int]] = []
    first = 0
    while first < len(lay.rows):
        room = heights(len(parts))
        end = first + 1
        while end < len(lay.rows) and lay.rows[end].top + lay.rows[end].height - lay.rows[first].top <= room:
            end += 1
        parts.append((first, end))
        first = end
    return parts

