"""The chart figure's layout in points, top down: bars, rules and every label placed where it meets no other.

Part of write (PDF). Category labels are wrapped to their room (at spaces, or between CJK characters)
and abbreviated with "…" past their last line; value and tick labels are compact ("120M", "1.2亿") and
left out where they would touch another label, a bar they do not belong to, or the figure's edge: the
alt text states every value in full, so nothing is lost to a reader. ``Layout.texts`` is everything
drawn as text, with its box, so a test can prove no two labels overlap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from reports import chart as ch
from reports import tree as t

Measure = Callable[[str, bool, float], float]
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_PIECES = re.compile(f"[{_CJK}]|[^{_CJK}]+")
_ASCENT, _DESCENT = 0.9, 0.25  # of the size: the box a label's glyphs may take around its baseline


@dataclass(frozen=True, slots=True)
class Drawn:
    """A label: its text from ``x`` on ``baseline`` (points from the figure's top), ``width`` measured."""

    text: str
    x: float
    baseline: float
    size: float
    width: float
    bold: bool = False
    colour: str = ""  # "" is the theme's text colour, "muted" its muted one, else #RRGGBB

    def box(self) -> tuple[float, float, float, float]:
        return (self.x, self.baseline - _ASCENT * self.size, self.x + self.width,
                self.baseline + _DESCENT * self.size)


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True, slots=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    light: bool = False  # a gridline, not the axis


@dataclass
class Layout:
    width: float
    height: float = 0.0
    texts: tuple[Drawn, ...] = ()
    boxes: list[Bar] = field(default_factory=list)
    lines: list[Rule] = field(default_factory=list)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] - 0.01 and b[0] < a[2] - 0.01 and a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01


class _Placer:
    """Labels put down one by one; one that would touch another, a bar or the edge is not put down."""

    def __init__(self, width: float, measure: Measure) -> None:
        self.width, self.measure = width, measure
        self.texts: list[Drawn] = []
        self.bars: list[tuple[float, float, float, float]] = []

    def put(self, text: str, x: float, baseline: float, size: float, align: str = "left", colour: str = "",
            over_bars: bool = False, bold: bool = False) -> bool:
        if not text:
            return False
        width = self.measure(text, bold, size)
        left = x - width / 2 if align == "center" else x - width if align == "right" else x
        drawn = Drawn(text, left, baseline, size, width, bold, colour)
        box = drawn.box()
        if box[0] < -0.01 or box[2] > self.width + 0.01 or box[1] < -0.01:
            return False
        if any(_overlap(box, other.box()) for other in self.texts):
            return False
        if not over_bars and any(_overlap(box, bar) for bar in self.bars):
            return False
        self.texts.append(drawn)
        return True


def wrap(text: str, width: float, size: float, lines: int, measure: Measure, bold: bool = False) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width``: cut at spaces or between CJK characters, a word
    too long cut between letters, the last line ending "…" when text is left over; [] if nothing fits."""
    def fits(line: str) -> bool:
        return measure(line, bold, size) <= width

    out: list[str] = []
    current = ""
    for i, word in enumerate(text.split()):
        for j, piece in enumerate(_PIECES.findall(word)):
            joined = current + (" " if i and not j and current else "") + piece
            if fits(joined):
                current = joined
                continue
            if current:
                out.append(current)
            while not fits(piece):
                cut = 0
                while cut < len(piece) and fits(piece[:cut + 1]):
                    cut += 1
                if cut == 0:
                    return _ellipsis(out, lines, fits)
                out.append(piece[:cut])
                piece = piece[cut:]
            current = piece
    if current:
        out.append(current)
    if len(out) > lines:
        return _ellipsis(out[:lines], lines, fits)
    return out


def _ellipsis(out: list[str], lines: int, fits: Callable[[str], bool]) -> list[str]:
    """``out`` cut to ``lines``, its last line shortened to end "…" (text was left over)."""
    out = out[:lines]
    if not out:
        return ["…"] if fits("…") else []
    last = out[-1]
    while last and not fits(last.rstrip() + "…"):
        last = last[:-1]
    out[-1] = last.rstrip() + "…"
    return out if fits(out[-1]) else out[:-1]


def lay_out(node: t.Chart, width: float, max_height: float, size: float, measure: Measure, locale: str,
            palette: tuple[str, str]) -> Layout:
    """``node`` laid out ``width`` wide and at most about ``max_height`` tall, labels ``size`` points."""
    placer = _Placer(width, measure)
    colours = ch.series_colours(palette[0], palette[1], len(node.series))
    lay = Layout(width)
    if node.kind == "column":
        bottom = _columns(node, lay, placer, size, measure, locale, colours)
    else:
        bottom = _bars(node, lay, placer, size, measure, locale, colours, max_height)
    if len(node.series) > 1:
        bottom = _legend(node, placer, lay, bottom + size * 0.8, size, colours)
    lay.height = bottom + size * 0.3
    lay.texts = tuple(placer.texts)
    return lay


def _ticks(node: t.Chart) -> tuple[Decimal, list[Decimal]]:
    top, step = ch.axis_top(node)
    return top, [step * k for k in range(int(top / step) + 1)]


def _columns(node: t.Chart, lay: Layout, placer: _Placer, size: float, measure: Measure, locale: str,
             colours: list[str]) -> float:
    top, ticks = _ticks(node)
    small, lead = size * 0.88, size * 1.2
    left = max(measure(ch.compact(str(v), locale), False, small) for v in ticks) + 5
    plot_h = 170.0
    plot_w, base = lay.width - left, size * 1.4 + plot_h
    for v in ticks:
        y = base - float(v / top) * plot_h
        lay.lines.append(Rule(left, y, left + plot_w, y, light=v != 0))
        placer.put(ch.compact(str(v), locale), left - 3, y + small * 0.32, small, "right", "muted")
    n, count = len(node.categories), len(node.series)
    slot = plot_w / n
    bar_w = slot * 0.72 / count
    for i in range(n):
        x0 = left + slot * i + slot * 0.14
        for j, series in enumerate(node.series):
            value = series.values[i]
            if not value:
                continue
            h = float(Decimal(value) / top) * plot_h
            lay.boxes.append(Bar(x0 + j * bar_w, base - h, bar_w, h, colours[j]))
            placer.bars.append((x0 + j * bar_w, base - h, x0 + (j + 1) * bar_w, base))
    for i in range(n):
        x0 = left + slot * i + slot * 0.14
        for j, series in enumerate(node.series):
            value = series.values[i]
            if value:
                h = float(Decimal(value) / top) * plot_h
                placer.put(ch.compact(value, locale), x0 + (j + 0.5) * bar_w, base - h - 2.5, small, "center")
    deepest = base
    for i, category in enumerate(node.categories):
        for k, line in enumerate(wrap(category, slot - 3, size, 3, measure)):
            baseline = base + 3 + lead * (k + 1) - size * 0.25
            if placer.put(line, left + slot * (i + 0.5), baseline, size, "center"):
                deepest = max(deepest, baseline + size * _DESCENT)
    return deepest


def _bars(node: t.Chart, lay: Layout, placer: _Placer, size: float, measure: Measure, locale: str,
          colours: list[str], max_height: float) -> float:
    top, ticks = _ticks(node)
    small, lead = size * 0.88, size * 1.2
    stacked = node.kind == "stacked-bar"
    n, count = len(node.categories), 1 if stacked else len(node.series)
    ends = [str(v) for v in ch.totals(node)] if stacked else [v for s in node.series for v in s.values if v]
    right = max((measure(ch.compact(v, locale), False, small) for v in ends), default=0.0) + 4
    label_w = min(max(measure(c, False, size) for c in node.categories), lay.width * 0.3) + 4
    plot_x, plot_w = label_w, max(lay.width - label_w - right, lay.width * 0.3)
    lines = 2 if n <= 20 else 1
    thick = 11.0 if count == 1 else 8.0
    room = max_height - size * 6  # the axis' labels and a legend below
    while n * max(count * thick + 4, lead) > room and thick > 2.5:
        thick -= 0.5
    wrapped = [wrap(c, label_w - 4, size, lines, measure) for c in node.categories]
    y = size * 0.5
    for i in range(n):
        row = max(count * thick + 4, len(wrapped[i]) * lead)
        block = len(wrapped[i]) * lead
        for k, line in enumerate(wrapped[i]):
            baseline = y + (row - block) / 2 + lead * (k + 1) - size * 0.3
            placer.put(line, 0, baseline, size)
        bar_top = y + (row - count * thick) / 2
        x = plot_x
        for j, series in enumerate(node.series):
            value = series.values[i]
            if not value:
                continue
            length = float(Decimal(value) / top) * plot_w
            bar_y = bar_top + (0 if stacked else j * thick)
            lay.boxes.append(Bar(x if stacked else plot_x, bar_y, length, thick, colours[j]))
            text_y = bar_y + thick / 2 + small * 0.32
            if stacked:
                label = ch.compact(value, locale)
                if measure(label, False, small) + 3 <= length and small * 1.15 <= thick:
                    placer.put(label, x + length / 2, text_y, small, "center", ch.ink_on(colours[j]), True)
                x += length
            else:
                placer.put(ch.compact(value, locale), plot_x + length + 2, text_y, small)
        if stacked and x > plot_x:
            placer.put(ch.compact(ends[i], locale), x + 2, bar_top + thick / 2 + small * 0.32, small)
        y += row
    axis = y + 2
    lay.lines.append(Rule(plot_x, size * 0.3, plot_x, axis))
    for v in ticks:
        x = plot_x + float(v / top) * plot_w
        lay.lines.append(Rule(x, size * 0.3, x, axis, light=True))
        placer.put(ch.compact(str(v), locale), x, axis + small * 1.1, small, "center", "muted")
    lay.lines.append(Rule(plot_x, axis, plot_x + plot_w, axis))
    return axis + small * 1.4


def _legend(node: t.Chart, placer: _Placer, lay: Layout, top: float, size: float, colours: list[str]) -> float:
    lead, swatch = size * 1.5, size * 0.8
    x, baseline = 0.0, top + size
    for j, series in enumerate(node.series):
        name = (wrap(series.name, lay.width - swatch - 4, size, 1, placer.measure) or [""])[0]
        item = swatch + 3 + placer.measure(name, False, size) + size
        if x > 0 and x + item > lay.width:
            x, baseline = 0.0, baseline + lead
        lay.boxes.append(Bar(x, baseline - swatch, swatch, swatch, colours[j]))
        placer.put(name, x + swatch + 3, baseline, size)
        x += item
    return baseline + size * _DESCENT


__all__ = ["Bar", "Drawn", "Layout", "Rule", "lay_out", "wrap"]
