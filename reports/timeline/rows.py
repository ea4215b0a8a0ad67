"""The timeline figure laid out: events -> rows (a row takes as many dates as its lanes can place, then a
new row starts), labels cut short widened into the room their row leaves, one row's markers, leads,
labels and ticks, the legend under the last row, and the rows cut into parts that fit a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from reports import tree as t
from reports.timeline.axis import ticks
from reports.timeline.lanes import DayGroup, day_groups, domain, place, set_label
from reports.timeline.shapes import (
    Label,
    Layout,
    Lead,
    Legend,
    LegendItem,
    LegendWords,
    Marker,
    Measure,
    Rect,
    Row,
    Style,
)
from reports.timeline.text import legend_kinds, today_of

CROWDED = 24  # dates; a timeline of more is drawn with one line of label per date


def layout(node: t.Timeline, style: Style, measure: Measure, *, lang: str = "en", as_of: str = "",
           legend: LegendWords | None = None) -> Layout:
    """Lay ``node`` out in ``style.width``; ``as_of`` (YYYY-MM-DD, the document's date) when the node
    has none. Events after that date are drawn as future ones. With ``legend`` (its words), a figure
    whose markers differ (past, future, milestone: ``legend_kinds``) gets a legend under its last row."""
    measure = remembering(measure)
    when = today_of(node, as_of)
    today = dt.date.fromisoformat(when) if when else None
    crowded = len({e.date for e in node.events}) > CROWDED
    if crowded:  # many dates: one line of label each, narrower
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
        placed = _widen(groups[i:j], placed, node.events, style, measure, lang, thorough=not crowded)
        row = _row(groups[i:j], placed, style, measure, lang, top, today)
        rows.append(row)
        top += row.height + style.row_gap
        i = j
    height = top - style.row_gap if rows else 0.0
    kinds = legend_kinds(node, as_of) if legend is not None and rows else ()
    if legend is None or not kinds:
        return Layout(style.width, height, tuple(rows), style)
    key = _legend(kinds, legend, style, measure, height + style.legend_gap)
    return Layout(style.width, key.top + key.height, tuple(rows), style, key)


def remembering(measure: Measure) -> Measure:
    """``measure`` answering each question once: a layout asks about the same text again and again (every
    width a label is tried at wraps it anew, and a wrap's search measures the same prefixes), three times
    for every text it needs. Kept for one layout only: nothing outlives it."""
    known: dict[tuple[str, bool, float], float] = {}

    def measured(text: str, bold: bool, size: float) -> float:
        key = (text, bold, size)
        width = known.get(key)
        if width is None:
            width = known[key] = measure(text, bold, size)
        return width

    return measured


_SHARES = (0.25, 0.5, 0.75, 1.0)  # of the way from a label's first width to the width that shows it whole
_REPLACE_DATES = 6  # in a crowded timeline, a row of at most this many dates is still placed afresh


def _widen(groups: Sequence[DayGroup], placed: list[tuple[float, int, float]], events: Sequence[t.TimelineEvent],
           style: Style, measure: Measure, lang: str, *, thorough: bool) -> list[tuple[float, int, float]]:
    """The row's placement after each label cut short is widened as far as the row has room: to the
    width that shows its whole text if it can, else part of the way there (more of its words).

    Labels first wrap at ``style.label_width`` so that a crowded row keeps many dates; where a row holds
    few, that width cut a label ("…") with most of the figure's width empty beside it. The widths are
    tried from the narrowest up, each first where the label stands with the others left in place
    (``_stretch``: one pass over the row), then, when ``thorough`` (a timeline of at most ``CROWDED``
    dates) or in a row of few dates, by placing the row afresh; the first width that finds no room ends
    the search, so a crowded timeline of hundreds of dates costs little more than before.
    """
    first = min(style.label_width, style.width / 3)
    placed = list(placed)
    for k, group in enumerate(groups):
        if not group.cut:
            continue
        kept = (group.lines, group.width, group.cut)
        full = _spread(group, events, first, style, measure)  # a first guess: exact once a width finds room
        for i, share in enumerate(_SHARES):
            if i == 1:
                full = _full_width(group, events, full, style, measure, lang)
            set_label(group, events, first + (full - first) * share, style, measure, lang)
            left = _stretch(groups, placed, k, style)
            if left is not None:
                placed[k] = (placed[k][0], placed[k][1], left)
            else:
                attempt = place(groups, style) if thorough or len(groups) <= _REPLACE_DATES else None
                if attempt is None:
                    break
                placed = attempt
            kept = (group.lines, group.width, group.cut)
        group.lines, group.width, group.cut = kept
    return placed


def _stretch(groups: Sequence[DayGroup], placed: Sequence[tuple[float, int, float]], k: int,
             style: Style) -> float | None:
    """Where the ``k``-th label, at its new width, can stand in its lane with every other label where it is
    (its left edge), or None: over its marker, inside the figure, ``gap`` from the labels of its lane and
    clear of the lead lines of farther lanes that pass through it (the rules ``place`` keeps)."""
    x, lane, _ = placed[k]
    w = groups[k].width
    inset = min(2.0, w / 2)
    low, high = max(0.0, x - w + inset), min(x - inset, style.width - w)
    for j, (xj, lane_j, aj) in enumerate(placed):
        if j == k:
            continue
        if lane_j == lane:  # a label of the same lane: keep the gap on its side
            if xj < x:
                low = max(low, aj + groups[j].width + style.gap)
            else:
                high = min(high, aj - style.gap - w)
        elif lane_j > lane:  # its lead passes through this lane: stay clear of it on its side
            if xj < x:
                low = max(low, xj + style.lead_gap)
            else:
                high = min(high, xj - style.lead_gap - w)
    if low > high + 1e-9:
        return None
    return min(max(x - w / 2, low), high)


def _spread(group: DayGroup, events: Sequence[t.TimelineEvent], first: float, style: Style, measure: Measure) -> float:
    """The width of ``group``'s longest text spread evenly over the lines a label has: the least width that
    could show it whole (wrapping at words needs a little more)."""
    longest = max(measure(" ".join(events[i].label.split())[:style.label_lines * 200], group.milestone, style.size)
                  for i in group.events)  # (as much as a label ever shows: wrap's bound)
    return max(first, min(longest / style.label_lines, style.width))


def _full_width(group: DayGroup, events: Sequence[t.TimelineEvent], low: float, style: Style, measure: Measure,
                lang: str) -> float:
    """The narrowest wrap width (to a point) from ``low`` up at which ``group``'s label is not cut, at
    most the figure's."""
    low, high = max(low - 1.0, 0.0), style.width
    set_label(group, events, high, style, measure, lang)
    if group.cut:
        return high
    while high - low > 1.0:
        middle = (low + high) / 2
        set_label(group, events, middle, style, measure, lang)
        low, high = (middle, high) if group.cut else (low, middle)
    return high


def _legend(kinds: Sequence[str], words: LegendWords, style: Style, measure: Measure, top: float) -> Legend:
    """The legend's entries in a line under the figure (more lines if the figure is narrow): each its
    marker, drawn as the figure draws it, and its word."""
    line_h = style.tick_size * style.leading
    slot = style.marker * 3  # a milestone's diamond is the widest marker
    x, y = 0.0, top
    items: list[LegendItem] = []
    for kind in kinds:
        text = {"past": words.past, "future": words.future, "milestone": words.milestone}[kind]
        text_width = min(measure(text, False, style.tick_size), style.width - slot - 4)
        if x > 0 and x + slot + 4 + text_width > style.width:
            x, y = 0.0, y + line_h
        radius = style.marker * (1.5 if kind == "milestone" else 1.0)
        marker = Marker(x + slot / 2, y + line_h / 2, radius, kind == "milestone", kind == "future")
        items.append(LegendItem(kind, marker, Rect(x + slot + 4, y, text_width, line_h), text))
        x += slot + 4 + text_width + 12
    return Legend(top, y + line_h - top, tuple(items), line_h)


def _row(groups: Sequence[DayGroup], placed: list[tuple[float, int, float]], style: Style, measure: Measure,
         lang: str, top: float, today: dt.date | None) -> Row:
    line_h = style.size * style.leading
    box_h = max(len(g.lines) for g in groups) * line_h
    lane_h = box_h + 4
    used = max(lane for _, lane, _ in placed) + 1
    # From the axis to the bottom of the nearest lane: the largest marker, the shortest lead, a point's gap.
    base = style.marker * 1.5 + style.lead_min + 1
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
    (a part holds at least one row; the legend goes with the last): where a figure longer than a page
    is cut."""
    parts: list[tuple[int, int]] = []
    first = 0
    while first < len(lay.rows):
        room = heights(len(parts))
        end = first + 1
        while end < len(lay.rows) and lay.bottom(end) - lay.rows[first].top <= room:
            end += 1
        parts.append((first, end))
        first = end
    return parts

