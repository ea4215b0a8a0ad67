"""A ```` ```chart ```` fenced block -> a ``Chart`` figure (bar, column or stacked bar).

Owns the block's syntax: ``type=``, ``unit=``, ``caption="..."`` and ``alt="..."`` after the info word;
a first line ``series: NAME | NAME ...``; then one ``CATEGORY | VALUE | VALUE ...`` line a category with
exactly one value per series. A value is plain non-negative decimal text (``45000000``, ``4.5``) or
empty (no value); it is kept as text, never a float. ``\\|`` is a bar inside a name. A chart with any
line that cannot be read is left out whole (a chart missing a category would misstate the data), each
fault a warning naming its own line. Cells are cut and unescaped as the timeline's are (``figures``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

from reports import tree as t
from reports.parse.figures import _cells, _short, _unescape
from reports.parse.inlines import InlineConverter
from reports.parse.markdown import IMAGE_ATTR, Node

CHART = "chart"  # the info word of a fenced block that parse turns into a Chart figure
MAX_CHART_CATEGORIES = 60  # more would not be readable as bars; a table holds them
MAX_CHART_SERIES = 12
_VALUE = re.compile(r"\d+(?:\.\d+)?")
_SERIES = re.compile(r"\s*series\s*:(.*)", re.S)
_Fault = Callable[[int | None, str], None]  # a fault found on a line (or the block's first)


def chart(c: InlineConverter, node: Node) -> list[t.Block]:
    """The ``Chart`` of a ```` ```chart ```` block, or nothing (with located warnings) if it cannot be read."""
    first = node.map[0] + 2 if node.map else None  # the line after the opening fence
    faults: list[t.ParseWarning] = []

    def fault(line: int | None, message: str) -> None:
        faults.append(t.ParseWarning(c.template, line, f"chart left out: {message}"))

    options = _options(c, node, fault)
    names: list[str] | None = None
    categories: list[str] = []
    rows: list[list[str]] = []
    for i, raw in enumerate(node.content.split("\n")):
        line = None if first is None else first + i
        if not raw.strip():
            continue
        if names is None:
            names = _series_names(raw, line, fault)
            if names is None:
                break
            continue
        cells = [" ".join(_unescape(cell).split()) for cell in _cells(raw)]
        if len(cells) != len(names) + 1:
            fault(line, f"expected a category and {len(names)} value(s) (one a series), found {len(cells) - 1} "
                        f"in {_short(raw)!r}")
            continue
        if not cells[0]:
            fault(line, "a category has no name")
            continue
        bad = [v for v in cells[1:] if v and not _VALUE.fullmatch(v)]
        if bad:
            fault(line, f"{_short(bad[0])!r} is not a plain non-negative number (digits, optionally a '.' "
                        "and more digits; no signs, spaces or thousands separators)")
            continue
        categories.append(cells[0])
        rows.append([_plain(v) for v in cells[1:]])
    if names is None and not faults:
        fault(first, "the block is empty; expected 'series: NAME | NAME', then 'CATEGORY | VALUE | ...' lines")
    elif names is not None and not faults and not categories:
        fault(first, "no categories; expected 'CATEGORY | VALUE | ...' lines after the series line")
    elif len(categories) > MAX_CHART_CATEGORIES:
        fault(first, f"{len(categories)} categories; at most {MAX_CHART_CATEGORIES} (put more in a table)")
    elif categories and not any(v for row in rows for v in row):
        fault(first, "every value is empty; nothing to draw")
    if faults or names is None:
        c.warnings.extend(faults)
        return []
    series = tuple(t.ChartSeries(name, tuple(row[j] for row in rows)) for j, name in enumerate(names))
    number = None
    if options.get("caption"):
        c.figures += 1
        number = c.figures
    kind = cast(t.ChartKind, options.get("type", "bar"))
    return [t.Chart(kind, tuple(categories), series, options.get("unit", ""), options.get("alt", ""),
                    options.get("caption", ""), number)]


def _options(c: InlineConverter, node: Node, fault: _Fault) -> dict[str, str]:
    """``type=``, ``unit=``, ``caption="..."`` and ``alt="..."`` after ```` ```chart ````; an unknown
    option or type is a warning (the chart is still drawn, as a bar chart for an unknown type)."""
    rest = node.info.strip()[len(CHART):]
    options: dict[str, str] = {}
    for match in IMAGE_ATTR.finditer(rest):  # the same key=value pairs as after an image
        key, value = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
        value = " ".join(_unescape(value).split())
        if key not in ("type", "unit", "caption", "alt"):
            c.warn(node, f"chart option {key!r} ignored; known: type, unit, caption, alt")
        elif key == "type" and value not in t.CHART_KINDS:
            c.warn(node, f"chart type {value!r} unknown; known: {', '.join(t.CHART_KINDS)}; drawn as bar")
        else:
            options[key] = value
    return options


def _series_names(raw: str, line: int | None, fault: _Fault) -> list[str] | None:
    match = _SERIES.fullmatch(raw)
    if match is None:
        fault(line, f"the first line must name the series ('series: NAME | NAME'), found {_short(raw)!r}")
        return None
    names = [" ".join(_unescape(cell).split()) for cell in _cells(match.group(1))]
    if any(not name for name in names):
        fault(line, "a series has no name")
        return None
    if len(names) > MAX_CHART_SERIES:
        fault(line, f"{len(names)} series; at most {MAX_CHART_SERIES}")
        return None
    return names


def _plain(value: str) -> str:
    """``value`` without leading zeros in its whole part ("007.50" -> "7.50"); the digits are kept."""
    if not value:
        return value
    whole, dot, fraction = value.partition(".")
    return (whole.lstrip("0") or "0") + dot + fraction
