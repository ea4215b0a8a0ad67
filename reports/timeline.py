"""The timeline figure's layout: pure geometry in points, shared by the PDF and the DOCX drawing code.

A ``Timeline`` node (dated events) becomes rows, each a horizontal time axis with ticks, a marker per
date and a label box per date placed in one of a few lanes above the axis with a vertical lead line down
to its marker. Labels never overlap one another and no lead line crosses another date's label: an event
that cannot be placed so starts a new row, whose axis spans only its own events (a long timeline wraps
onto several rows). Events of one day share one marker and one label.

Coordinates run from the figure's top-left corner, y downwards (as in DrawingML; the PDF flips them).
Text is measured by the caller's ``Measure`` (the fonts are the writers' business) and dates are
written by Babel in the document's language; nothing here draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from reports import tree as t

CROWDED = 24  # dates; a timeline of more is drawn with one line of label per date

Measure = Callable[[str, bool, float], float]
"""(text, bold, size in points) -> width in points."""


@dataclass(frozen=True)
class Style:
    """Sizes of the figure, in points; ``width`` is the room the figure may take (the text width)."""

    width: float
    size: float = 8.0  # label text
    tick_size: float = 7.0
    leading: float = 1.2  # line height as a multiple of the size
    label_width: float = 110.0  # labels wrap at this width (at most a third of the figure)
    label_lines: int = 2  # lines of label text under the date line (more is cut with an ellipsis)
    lanes: int = 3  # lanes of labels above the axis
    gap: float = 6.0  # between two labels in one lane
    lead_gap: float = 2.0  # between a lead line and a label it passes
    marker: float = 3.2  # marker radius; a milestone's diamond is 1.5 times as large
    row_gap: float = 10.0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Rect) -> bool:
        return (self.x < other.right and other.x < self.right and self.y < other.bottom
                and other.y < self.bottom)


@dataclass(frozen=True)
class Label:
    """The label of one date: its box, its lines (the first is the date), the events it stands for."""

    box: Rect
    lines: tuple[str, ...]
    events: tuple[int, ...]  # indexes into the timeline's events
    milestone: bool
    future: bool
    line_height: float


@dataclass(frozen=True)
class Marker:
    x: float
    y: float  # the axis
    radius: float
    milestone: bool
    future: bool


@dataclass(frozen=True)
class Lead:
    """A vertical line from a marker (``y2``, on the axis) up to its label (``y1``)."""

    x: float
    y1: float
    y2: float
    future: bool


@dataclass(frozen=True)
class Tick:
    x: float
    y1: float
    y2: float
    text: str
    box: Rect  # where its text goes, under the axis


@dataclass(frozen=True)
class Row:
    """One axis with its ticks, markers, leads and labels; ``top`` and ``height`` within the figure."""

    top: float
    height: float
    axis_y: float
    future_from: float | None  # x where the future part of the axis starts (None: all past)
    ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]
    leads: tuple[Lead, ...]
    labels: tuple[Label, ...]


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    rows: tuple[Row, ...]
    style: Style = field(repr=False)


# --------------------------------------------------------------------------- dates in words


@lru_cache(maxsize=64)
def _locale(tag: str) -> object:
    from babel import Locale, UnknownLocaleError

    # Bare English is written day-month-year, as the templates' `longdate` writes it.
    tag = "en_GB" if tag.split("-")[0].lower() == "en" else tag.replace("-", "_")
    try:
        return Locale.parse(tag)
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("en_GB")


@lru_cache(maxsize=4096)
def date_text(day: dt.date, skeleton: str, lang: str) -> str:
    """``day`` written with a Babel date skeleton ("yMMMd", "yMMM", "MMM", "MMMd", "y") or "long" in ``lang``."""
    from babel.dates import format_date, format_skeleton

    if skeleton == "long":  # "7 July 2023": what the templates print, for the alt text
        return str(format_date(day, "long", locale=_locale(lang)))  # type: ignore[arg-type]
    return str(format_skeleton(skeleton, day, locale=_locale(lang)))  # type: ignore[arg-type]


def alt_text(node: t.Timeline, lang: str = "en") -> str:
    """What the figure shows, for readers who cannot see it: the template's ``alt`` and every event in
    order as "date: label" (the PDF's Figure alt text and the DOCX drawing's description)."""
    events = "; ".join(f"{date_text(dt.date.fromisoformat(e.date), 'long', lang)}: {_bounded(e.label)}"
                       for e in node.events)
    return f"{node.alt} {events}".strip() if node.alt else events


ALT_LABEL = 500  # characters of one event's label in the alt text (the table beside it holds them all)


def _bounded(label: str) -> str:
    if len(label) <= ALT_LABEL:
        return label
    cut = label[:ALT_LABEL]
    space = cut.rfind(" ")
    return (cut[:space] if space > ALT_LABEL // 2 else cut).rstrip() + "…"


# --------------------------------------------------------------------------- text


def wrap(text: str, width: float, lines: int, measure: Measure, size: float, bold: bool = False) -> list[str]:
    """``text`` in at most ``lines`` lines no wider than ``width``; what does not fit ends in "…".

    Lines break at spaces; a word wider than a line (or a run of CJK, which has no spaces) is cut
    between characters.
    """
    rest = " ".join(text.split())[:lines * 200]  # a 100,000-character label shows its start only
    out: list[str] = []
    while rest and len(out) < lines:
        if measure(rest, bold, size) <= width:
            out.append(rest)
            rest = ""
            break
        cut = _fitting(rest, width, measure, size, bold)
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0:
            out.append(rest[:space])
            rest = rest[space + 1:]
        else:
            out.append(rest[:cut])
            rest = rest[cut:].lstrip(" ")
    if rest and out:
        out[-1] = _ellipsis(out[-1], width, measure, size, bold)
    return out


def _fitting(word: str, width: float, measure: Measure, size: float, bold: bool) -> int:
    lo, hi = 1, len(word)  # at least one character a line, or nothing would ever be placed
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(word[:mid], bold, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _ellipsis(line: str, width: float, measure: Measure, size: float, bold: bool) -> str:
    """``line`` with "…" after it, shortened by whole words (by characters if it has one word)."""
    while " " in line.strip() and measure(line.rstrip() + "…", bold, size) > width:
        line = line.rstrip().rsplit(" ", 1)[0]
    while line and measure(line.rstrip() + "…", bold, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


# --------------------------------------------------------------------------- ticks

_DAY_STEPS = (1, 2, 7, 14)
_MONTH_STEPS = (1, 2, 3, 6)
_YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000)


def _tick_dates(start: dt.date, end: dt.date, unit: str, step: int) -> list[dt.date]:
    out: list[dt.date] = []
    if unit == "day":
        first = start.toordinal()
        if step == 7 or step == 14:
            first += (7 - start.weekday()) % 7  # Mondays
        out = [dt.date.fromordinal(o) for o in range(first, end.toordinal() + 1, step)]
    elif unit == "month":
        month = start.year * 12 + start.month - 1
        if start.day != 1:
            month += 1
        month += (-month) % step
        while month <= end.year * 12 + end.month - 1:
            out.append(dt.date(month // 12, month % 12 + 1, 1))
            month += step
    else:
        year = start.year + (0 if (start.month, start.day) == (1, 1) else 1)
        year += (-year) % step
        out = [dt.date(y, 1, 1) for y in range(max(year, 1), end.year + 1, step)]
    return out


def _tick_text(day: dt.date, unit: str, first: bool, lang: str) -> str:
    if unit == "year":
        return date_text(day, "y", lang)
    if unit == "month":
        return date_text(day, "yMMM" if first or day.month == 1 else "MMM", lang)
    return date_text(day, "yMMMd" if first else "MMMd", lang)


def ticks(start: float, end: float, width: float, style: Style, measure: Measure, lang: str,
          axis_y: float) -> tuple[Tick, ...]:
    """Ticks for the ordinal day range ``start``..``end`` drawn over ``width``: the finest step whose
    labels keep apart (a day up to 5,000 years)."""
    first = dt.date.fromordinal(max(1, int(start) + 1))
    last = dt.date.fromordinal(min(int(end), dt.date.max.toordinal()))
    scale = width / (end - start)
    candidates = ([("day", s, s) for s in _DAY_STEPS] + [("month", s, 30.4 * s) for s in _MONTH_STEPS]
                  + [("year", s, 365.25 * s) for s in _YEAR_STEPS])
    for unit, step, days in candidates:
        if days * scale < 18 or (end - start) / days > 60:  # surely too tight: do not even make them
            continue
        dates = _tick_dates(first, last, unit, step) if first <= last else []
        made: list[Tick] = []
        ok = True
        for i, day in enumerate(dates):
            x = (day.toordinal() - start) * scale
            text = _tick_text(day, unit, i == 0, lang)
            w = measure(text, False, style.tick_size)
            box = Rect(min(max(x - w / 2, 0.0), width - w), axis_y + 5, w, style.tick_size * style.leading)
            if made and box.x < made[-1].box.right + 6:
                ok = False
                break
            made.append(Tick(x, axis_y, axis_y + 3, text, box))
        if ok:
            return tuple(made)
    return ()


# --------------------------------------------------------------------------- labels in lanes


@dataclass
class _Group:
    """The events of one day."""

    day: dt.date
    events: list[int]
    lines: list[str]
    width: float
    milestone: bool
    future: bool


def _groups(events: Sequence[t.TimelineEvent], as_of: dt.date | None, style: Style, measure: Measure,
            lang: str) -> list[_Group]:
    groups: list[_Group] = []
    wrap_width = min(style.label_width, style.width / 3)
    for i, event in enumerate(events):
        day = dt.date.fromisoformat(event.date)
        if groups and groups[-1].day == day:
            groups[-1].events.append(i)
            groups[-1].milestone |= event.milestone
            continue
        groups.append(_Group(day, [i], [], 0.0, event.milestone, as_of is not None and day > as_of))
    for group in groups:
        lines = [date_text(group.day, "yMMMd", lang)]
        shown = 0
        for i in group.events:
            if len(lines) > 2 * style.label_lines:  # four events of one day say more than a label holds
                break
            lines += wrap(events[i].label, wrap_width, style.label_lines, measure, style.size, group.milestone)
            shown += 1
        if shown < len(group.events):
            lines.append(f"+{len(group.events) - shown}")
        group.lines = lines
        group.width = min(max(measure(line, group.milestone or j == 0, style.size) for j, line in enumerate(lines)),
                          style.width)
    return groups


def _domain(groups: Sequence[_Group]) -> tuple[float, float]:
    """The ordinal day range a row of these groups shows: their span, padded, at least a week."""
    first, last = groups[0].day.toordinal(), groups[-1].day.toordinal()
    span = max(last - first, 7)
    pad = span * 0.06 + 0.5
    middle = (first + last) / 2
    low, high = min(first - pad, middle - span / 2 - pad), max(last + pad, middle + span / 2 + pad)
    return low, high  # may reach past 0001-01-01 or 9999-12-31: ticks stay within the calendar


_BEAM = 6  # partial placements kept while a row is filled


def _place(groups: Sequence[_Group], style: Style) -> list[tuple[float, int, float]] | None:
    """(x of the marker, lane, left of the box) for each group in a row, or None if one cannot be placed.

    A box holds its marker's x, boxes in one lane keep ``gap`` apart, and a lead line runs from its marker
    up through the nearer lanes, so no box of a nearer lane may cover it, now or later. Which lane each
    box takes is a small beam search in date order: of the partial placements, the few whose lanes end
    furthest left are kept (room for what follows), with a little weight on boxes centred on their markers.
    """
    start, end = _domain(groups)
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
    groups = _groups(node.events, today, style, measure, lang)
    rows: list[Row] = []
    top = 0.0
    i = 0
    while i < len(groups):
        j = i + 1  # a row of one date always fits: its label is no wider than the figure
        placed = _place(groups[i:j], style)
        assert placed is not None
        chosen = (j, placed)
        while j < len(groups):
            j += 1
            attempt = _place(groups[i:j], style)
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


def _row(groups: Sequence[_Group], placed: list[tuple[float, int, float]], style: Style, measure: Measure,
         lang: str, top: float, today: dt.date | None) -> Row:
    line_h = style.size * style.leading
    box_h = max(len(g.lines) for g in groups) * line_h
    lane_h = box_h + 4
    used = max(lane for _, lane, _ in placed) + 1
    base = style.marker * 1.5 + 5  # from the axis to the bottom of the nearest lane
    axis_y = top + used * lane_h + base
    start, end = _domain(groups)
    markers: list[Marker] = []
    leads: list[Lead] = []
    labels: list[Label] = []
    for group, (x, lane, a) in zip(groups, placed, strict=True):
        bottom = axis_y - base - lane * lane_h
        height = len(group.lines) * line_h
        labels.append(Label(Rect(a, bottom - height, group.width, height), tuple(group.lines),
                            tuple(group.events), group.milestone, group.future, line_h))
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


__all__ = ["Label", "Layout", "Lead", "Marker", "Measure", "Rect", "Row", "Style", "Tick", "alt_text",
           "date_text", "layout", "split_rows", "ticks", "wrap"]
