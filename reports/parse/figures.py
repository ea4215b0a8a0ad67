"""Fenced blocks that become figures: a ```` ```timeline ```` block -> a ``Timeline`` of dated events.

Owns the block's syntax (one ``DATE | LABEL`` or ``DATE | LABEL | milestone`` a line; ``as-of``,
``caption`` and ``alt`` after the info word), reading back what compose escaped, the warnings for lines
that cannot be read, the bound on events and the figure's number. The block converter's ``fence``
hands such a block here with itself as ``c``, the per-document state.
"""

from __future__ import annotations

import datetime as dt
import re

from reports import tree as t
from reports.parse.inlines import InlineConverter
from reports.parse.markdown import IMAGE_ATTR, Node

TIMELINE = "timeline"  # the info word of a fenced block that parse turns into a Timeline figure
MAX_TIMELINE_EVENTS = 500  # a figure of more would be unreadable; the table holds them all
_ESCAPE_OR_BAR = re.compile(r"\\.|\|")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def timeline(c: InlineConverter, node: Node) -> list[t.Block]:
    """A ```` ```timeline ```` block: one ``DATE | LABEL`` or ``DATE | LABEL | milestone`` a line.

    The block's text is raw (a fence), but the template's data in it was escaped for Markdown by
    compose: backslash escapes are read back here and a ``|`` only divides where it is not escaped,
    so a label is printed exactly as the data holds it. A line that cannot be read is a warning
    naming its own line and is left out; the events are put in date order.
    """
    first = node.map[0] + 2 if node.map else None  # the line after the opening fence
    options = _timeline_options(c, node)
    events: list[t.TimelineEvent] = []
    for i, raw in enumerate(node.content.split("\n")):
        line = None if first is None else first + i
        if not raw.strip():
            continue
        event = _timeline_event(c, raw, line)
        if event is not None:
            events.append(event)
    if len(events) > MAX_TIMELINE_EVENTS:
        c.warnings.append(t.ParseWarning(c.template, first, (
            f"timeline of {len(events)} events: only the first {MAX_TIMELINE_EVENTS} in date order are "
            "drawn (put the rest in a table)")))
    events.sort(key=lambda e: e.date)  # stable: equal dates keep the template's order
    events = events[:MAX_TIMELINE_EVENTS]
    if not events:
        c.warn(node, "timeline block has no events (one 'YYYY-MM-DD | label' a line); nothing is drawn")
        return []
    number = None
    if options.get("caption"):
        c.figures += 1
        number = c.figures
    return [t.Timeline(tuple(events), options.get("as-of", ""), options.get("alt", ""),
                       options.get("caption", ""), number)]


def _timeline_options(c: InlineConverter, node: Node) -> dict[str, str]:
    """``as-of=YYYY-MM-DD``, ``caption="..."`` and ``alt="..."`` after ```` ```timeline ````."""
    rest = node.info.strip()[len(TIMELINE):]
    options: dict[str, str] = {}
    for match in IMAGE_ATTR.finditer(rest):  # the same key=value pairs as after an image
        key, value = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
        value = " ".join(_unescape(value).split())
        if key not in ("as-of", "caption", "alt"):
            c.warn(node, f"timeline option {key!r} ignored; known: as-of, caption, alt")
        elif key == "as-of" and _iso_date(value) is None:
            c.warn(node, f"timeline as-of {value!r} ignored: expected a date as YYYY-MM-DD")
        else:
            options[key] = value
    return options


def _timeline_event(c: InlineConverter, raw: str, line: int | None) -> t.TimelineEvent | None:
    def warn(message: str) -> None:
        c.warnings.append(t.ParseWarning(c.template, line, f"timeline line left out: {message}"))

    cells = [" ".join(_unescape(cell).split()) for cell in _cells(raw)]
    if len(cells) < 2 or len(cells) > 3:
        warn(f"expected 'YYYY-MM-DD | label' or 'YYYY-MM-DD | label | milestone', found {_short(raw)!r}")
        return None
    date = _iso_date(cells[0])
    if date is None:
        warn(f"{_short(cells[0])!r} is not a date as YYYY-MM-DD")
        return None
    flags = cells[2].lower().split() if len(cells) == 3 else []
    unknown = [f for f in flags if f != "milestone"]
    if unknown:
        warn(f"unknown flag {_short(unknown[0])!r}; the third column may only say 'milestone'")
        return None
    if not cells[1]:
        warn(f"the event of {date} has no label")
        return None
    return t.TimelineEvent(date, cells[1], "milestone" in flags)


def _cells(line: str) -> list[str]:
    """``line`` cut at every ``|`` that is not escaped (an escaped backslash before a bar still cuts)."""
    cells: list[str] = []
    start = 0
    for match in _ESCAPE_OR_BAR.finditer(line):
        if match.group() == "|":
            cells.append(line[start:match.start()])
            start = match.end()
    cells.append(line[start:])
    return cells


def _unescape(text: str) -> str:
    """Markdown's backslash escapes read back (what compose's ``escape_markdown`` wrote)."""
    return _BACKSLASH_ESCAPE.sub(r"\1", text)


def _iso_date(text: str) -> str | None:
    """``text`` if it is a real date written YYYY-MM-DD, else None."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
