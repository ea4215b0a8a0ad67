"""What both writers say and pick for a chart figure: its alt text, its value labels, its axis, its colours.

Part of figures. The PDF writer draws the chart itself (reports/writers/pdf/chart.py); the DOCX writer
writes a native chart part that Word and LibreOffice lay out (reports/writers/docx/chart.py). Both state
every value in the alt text in the same words, and colour the series alike, from the theme's palette.
Values are the tree's exact decimal text: they are read as ``Decimal``, never as floats, for what is
printed; only the drawing's geometry uses floats.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal

from reports import tree as t
from reports.labels import Labels
from reports.money import Money, currencies, format_compact, in_words

ENGLISH = Labels()  # the writers' words when a document gives none


@lru_cache(maxsize=4096)  # pure, and Babel's formatting is most of a chart's layout time
def exact(value: str, locale: str) -> str:
    """``value`` (decimal text) in full, grouped for ``locale`` ("120,000,000", "120 000 000", "4,5")."""
    return format_decimal(Decimal(value), locale=locale, decimal_quantization=False)


@lru_cache(maxsize=4096)
def spoken(value: str, locale: str) -> str:
    """``value`` exactly, in ``locale``'s words where they say it exactly ("45 million", "4500万"; a
    screen reader says them better than "45,000,000"), else in full ("45,123,456.7")."""
    return in_words(Decimal(value), locale) or exact(value, locale)


@lru_cache(maxsize=4096)
def said(value: str, unit: str, locale: str) -> str:
    """A value with its unit as the alt text says it: an amount of money (the unit an ISO 4217 code)
    as the key facts and the table say it ("EUR 45 million", "EUR 2,500,000.50"), else ``spoken``
    after the unit ("staff 1,200")."""
    if unit in currencies():
        return format_compact(Money(Decimal(value), unit), Locale.parse(locale))
    return f"{unit} {spoken(value, locale)}" if unit else spoken(value, locale)


@lru_cache(maxsize=4096)
def compact(value: str, locale: str) -> str:
    """``value`` as a short label for ``locale``: "120M", "1.2K" ("1.2亿" in Chinese); small values whole."""
    number = Decimal(value)
    if number < 1000:
        return format_decimal(number.quantize(Decimal("0.01")).normalize() if number != number.to_integral()
                              else number, locale=locale, decimal_quantization=False)
    return format_compact_decimal(number, locale=locale, fraction_digits=1)


def alt_text(node: t.Chart, locale: str, labels: Labels = ENGLISH) -> str:
    """The template's ``alt`` sentence (else what kind of chart it is: "Column chart."), then every
    value, in ``labels``' words: "Alibaba Group, Investment: EUR 120 million; ..." ("阿里巴巴集团，投资：
    EUR 1.2亿；..." in Chinese), each exact (``said``).

    With one series the series' name is still said (it names what the values are); an empty value is
    said to be none ("no value"), so a reader knows the category was not forgotten. A name is said up to
    ``ALT_NAME`` characters each time (a category's value per series repeats it; the table beside the
    chart holds it whole), fewer where the values would pass ``ALT_BUDGET`` characters, so that every
    value fits in a PDF/A string."""
    entries = [(category, series.name, said(series.values[i], node.unit, locale) if series.values[i]
                else labels.chart_none) for i, category in enumerate(node.categories) for series in node.series]
    fixed = sum(len(labels.chart_value % {"category": "", "series": "", "value": words}) for *_, words in entries)
    fixed += len(labels.chart_separator) * len(entries)
    room = (ALT_BUDGET - fixed) // (2 * len(entries)) if entries else ALT_NAME
    bound = max(ALT_NAME_LEAST, min(ALT_NAME, room))
    values = labels.chart_separator.join(
        labels.chart_value % {"category": _bounded(category, bound), "series": _bounded(name, bound), "value": words}
        for category, name, words in entries)
    lead = node.alt or {"bar": labels.chart_bar, "column": labels.chart_column}.get(node.kind, labels.chart_stacked)
    space = "" if lead.endswith(("。", "！", "？")) else " "  # no space after a full-width full stop
    return f"{lead}{space}{values}" if values else lead


ALT_NAME = 500  # characters of a category's or series' name in the alt text, as a timeline's labels
ALT_NAME_LEAST = 40  # a name is never cut shorter than this to make room (a huge chart's alt is cut instead)
# Characters of a chart's values in its alt text: within a PDF/A string (32,767 bytes) in UTF-16 even when
# every character takes four bytes, with room left for the template's own sentence.
ALT_BUDGET = 7_000


def _bounded(name: str, bound: int = ALT_NAME) -> str:
    if len(name) <= bound:
        return name
    cut = name[:bound]
    space = cut.rfind(" ")
    return (cut[:space] if space > bound // 2 else cut).rstrip() + "…"


def totals(node: t.Chart) -> list[Decimal]:
    """Each category's sum over the series (a stacked bar's length)."""
    return [sum((Decimal(s.values[i]) for s in node.series if s.values[i]), Decimal(0))
            for i in range(len(node.categories))]


def axis_top(node: t.Chart) -> tuple[Decimal, Decimal]:
    """The value axis' end and step: a "nice" step (1, 2 or 5 times a power of ten) with 3 to 6 steps
    from 0 up to at least the largest bar (the largest total for a stacked bar)."""
    if node.kind == "stacked-bar":
        largest = max(totals(node), default=Decimal(0))
    else:
        largest = max((Decimal(v) for s in node.series for v in s.values if v), default=Decimal(0))
    if largest <= 0:
        return Decimal(1), Decimal(1)
    raw = largest / 5
    power = Decimal(10) ** (raw.adjusted())
    step = next(m * power for m in (Decimal(1), Decimal(2), Decimal(5), Decimal(10)) if m * power >= raw)
    steps = (largest / step).to_integral_value(rounding=ROUND_CEILING)
    return step * steps, step


def series_colours(accent: str, muted: str, count: int) -> list[str]:
    """``count`` fill colours (#RRGGBB) from the theme: the accent, the muted grey, then lighter tints of
    both in turn, so that neighbouring series differ in hue or lightness."""
    bases = (_rgb(accent), _rgb(muted))
    colours = []
    for i in range(count):
        base = bases[i % 2]
        tint = (0.0, 0.45, 0.7, 0.25, 0.58, 0.82)[(i // 2) % 6]
        colours.append("#" + "".join(f"{round(c + (255 - c) * tint):02X}" for c in base))
    return colours


def ink_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (#RRGGBB)."""
    r, g, b = (c / 255 for c in _rgb(fill))
    return "#1A1A1A" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#FFFFFF"


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


__all__ = ["ENGLISH", "alt_text", "axis_top", "compact", "exact", "ink_on", "said", "series_colours", "spoken",
           "totals"]
