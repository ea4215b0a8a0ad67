"""The timeline figure's labels in lanes: the events of one day grouped under one label, the day range a
row shows, and where each label goes (which lane, how far left) so that no two overlap and no lead
line crosses another date's label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from reports import tree as t
from reports.timeline.shapes import LineLink, Measure, Style
from reports.timeline.text import date_text, is_cut, line_links, wrap_pieces


@dataclass
class DayGroup:
    """The events of one day, and their label: its lines (the date first), its width, whether any of
    its events' text was cut short with "…" to fit it."""

    day: dt.date
    events: list[int]
    lines: list[str]
    width: float
    milestone: bool
    future: bool
    cut: bool = False
    links: list[LineLink] = field(default_factory=list)


def day_groups(events: Sequence[t.TimelineEvent], as_of: dt.date | None, style: Style, measure: Measure,
               lang: str) -> list[DayGroup]:
    groups: list[DayGroup] = []
    wrap_width = min(style.label_width, style.width / 3)
    for i, event in enumerate(events):
        day = dt.date.fromisoformat(event.date)
        if groups and groups[-1].day == day:
            groups[-1].events.append(i)
            groups[-1].milestone |= event.milestone
            continue
        groups.append(DayGroup(day, [i], [], 0.0, event.milestone, as_of is not None and day > as_of))
    for group in groups:
        set_label(group, events, wrap_width, style, measure, lang)
    return groups


def set_label(group: DayGroup, events: Sequence[t.TimelineEvent], wrap_width: float, style: Style,
              measure: Measure, lang: str) -> None:
    """Give ``group`` its label's lines wrapped at ``wrap_width``, their width, the addresses on them, and
    whether a text was cut."""
    lines = [date_text(group.day, "yMMMd", lang)]
    links: list[LineLink] = []
    shown = 0
    cut = False
    for i in group.events:
        if len(lines) > 2 * style.label_lines:  # four events of one day say more than a label holds
            break
        pieces = wrap_pieces(events[i].label, wrap_width, style.label_lines, measure, style.size, group.milestone)
        links += [LineLink(len(lines) + line, start, end, target)
                  for line, start, end, target in line_links(events[i].label, pieces)]
        lines += [line for line, _, _ in pieces]
        cut |= is_cut(pieces)
        shown += 1
    if shown < len(group.events):
        lines.append(f"+{len(group.events) - shown}")
    group.lines = lines
    group.links = links
    group.cut = cut
    group.width = min(max(measure(line, group.milestone or j == 0, style.size) for j, line in enumerate(lines)),
                      style.width)


def domain(groups: Sequence[DayGroup]) -> tuple[float, float]:
    """The ordinal day range a row of these groups shows: their span, padded, at least a week."""
    first, last = groups[0].day.toordinal(), groups[-1].day.toordinal()
    span = max(last - first, 7)
    pad = span * 0.06 + 0.5
    middle = (first + last) / 2
    low, high = min(first - pad, middle - span / 2 - pad), max(last + pad, middle + span / 2 + pad)
    return low, high  # may reach past 0001-01-01 or 9999-12-31: ticks stay within the calendar


_BEAM = 6  # partial placements kept while a row is filled


def place(groups: Sequence[DayGroup], style: Style) -> list[tuple[float, int, float]] | None:
    """(x of the marker, lane, left of the box) for each group in a row, or None if one cannot be placed.

    A box holds its marker's x, boxes in one lane keep ``gap`` apart, and a lead line runs from its marker
    up through the nearer lanes, so no box of a nearer lane may cover it, now or later. Which lane each
    box takes is a small beam search in date order: of the partial placements, the few whose lanes end
    furthest left are kept (room for what follows), with a little weight on boxes centred on their markers.
    """
    start, end = domain(groups)
    scale = style.width / (end - start)
    lanes = style.lanes
    # (score, right edge of each lane's last box, x of the last lead through each lane, placements)
    states: list[tuple[float, tuple[float, ...], tuple[float, ...], tuple[tuple[float, int, float], ...]]] = [
        (0.0, (-1e9,) * lanes, (-1e9,) * lanes, ())]
    for group in groups:
        x = (group.day.toordinal() - start) * scale
        w = group.width
        inset = min(2.0, w / 2)
        centred = x - w / 2
        following: dict[tuple[float, ...], tuple[float, tuple[float, ...], tuple[float, ...],
                                                  tuple[tuple[float, int, float], ...]]] = {}
        for _, last_right, lead_beyond, placed in states:
            for lane in range(lanes):
                if any(last_right[j] + style.lead_gap > x for j in range(lane)):
                    break  # a nearer box covers the lead line: farther lanes are no better
                lowest = max(last_right[lane] + style.gap, lead_beyond[lane] + style.lead_gap, 0.0, x - w + inset)
                for a in {lowest, max(lowest, centred)}:
                    a = min(a, style.width - w)
                    if not lowest - 1e-9 <= a <= x - inset + 1e-9:
                        continue
                    rights = (*last_right[:lane], a + w, *last_right[lane + 1:])
                    leads = tuple(x if j < lane else lead_beyond[j] for j in range(lanes))
                    fronts = tuple(max(r, ld) for r, ld in zip(rights, leads, strict=True))
                    score = sum(max(f, 0.0) for f in fronts) + 0.2 * abs(a - centred) + 2.0 * lane
                    key = tuple(round(f, 1) for f in fronts)
                    if key not in following or score < following[key][0]:
                        following[key] = (score, rights, leads, (*placed, (x, lane, a)))
        if not following:
            return None
        states = sorted(following.values(), key=lambda s: s[0])[:_BEAM]
    return list(states[0][3])
