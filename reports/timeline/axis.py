"""The timeline figure's time axis: the ticks under it, at the finest step (days to millennia) whose
labels keep apart.
"""

from __future__ import annotations

import datetime as dt

from reports.timeline.shapes import Measure, Rect, Style, Tick
from reports.timeline.text import date_text

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
