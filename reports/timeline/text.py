"""The timeline figure's words: dates written by Babel in the document's language, the alt text, and
label text wrapped to a width with an ellipsis for what does not fit (measured by the caller).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from reports import tree as t
from reports.timeline.shapes import Measure

# --------------------------------------------------------------------------- dates in words


@lru_cache(maxsize=4096)
def date_text(day: dt.date, skeleton: str, lang: str) -> str:
    """``day`` written with a Babel date skeleton ("yMMMd", "yMMM", "MMM", "MMMd", "y") or "long" in
    ``lang``: the document's locale for formats (``Labels.format_locale``: ``en_US`` gives "Mar 3, 2025",
    ``fr`` "3 mars 2025", ``ja`` "2025年3月3日"; a bare ``en`` is British, "3 Mar 2025"), written as the
    templates' ``longdate`` writes the text's dates (``reports.dates``)."""
    from reports.dates import format_day

    return format_day(day, skeleton, lang)


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
