"""The timeline figure's words: dates written by Babel in the document's language, the alt text, and
label text wrapped to a width with an ellipsis for what does not fit (measured by the caller), with the
addresses on its lines (drawn as links by both writers).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from reports import tree as t
from reports.autolink import addresses
from reports.timeline.shapes import LegendWords, Measure

# --------------------------------------------------------------------------- dates in words


@lru_cache(maxsize=4096)
def date_text(day: dt.date, skeleton: str, lang: str) -> str:
    """``day`` written with a Babel date skeleton ("yMMMd", "yMMM", "MMM", "MMMd", "y") or "long" in
    ``lang``: the document's locale for formats (``Labels.format_locale``: ``en_US`` gives "Mar 3, 2025",
    ``fr`` "3 mars 2025", ``ja`` "2025年3月3日"; a bare ``en`` is British, "3 Mar 2025"), written as the
    templates' ``longdate`` writes the text's dates (``reports.dates``)."""
    from reports.dates import format_day

    return format_day(day, skeleton, lang)


def alt_text(node: t.Timeline, lang: str = "en", legend: tuple[LegendWords, str | None] | None = None) -> str:
    """What the figure shows, for readers who cannot see it: the template's ``alt`` and every event in
    order as "date: label" (the PDF's Figure alt text and the DOCX drawing's description).

    With ``legend`` (its words and the date the figure counts as today, when the figure draws a legend:
    ``legend_kinds``), what the legend tells a sighted reader is said too: "(Future, Milestone)" after an
    event drawn so."""
    words, today = legend if legend is not None else (None, None)

    def tags(event: t.TimelineEvent) -> str:
        if words is None:
            return ""
        said = [words.future] if today is not None and event.date > today else []
        said += [words.milestone] if event.milestone else []
        return f" ({', '.join(said)})" if said else ""

    events = "; ".join(f"{date_text(dt.date.fromisoformat(e.date), 'long', lang)}: {_bounded(e.label)}{tags(e)}"
                       for e in node.events)
    return f"{node.alt} {events}".strip() if node.alt else events


def today_of(node: t.Timeline, as_of: str) -> str | None:
    """The date (YYYY-MM-DD) the figure counts as today: its own ``as_of``, else the document's; None
    when neither is a date (then nothing is drawn as future)."""
    when = node.as_of or as_of
    try:
        return dt.date.fromisoformat(when).isoformat() if when else None
    except ValueError:
        return None


def legend_kinds(node: t.Timeline, as_of: str) -> tuple[str, ...]:
    """The kinds of marker the figure draws ("past", "future", "milestone"), when it draws more than
    one (a legend is drawn then); () when its markers are all alike."""
    today = today_of(node, as_of)
    future = today is not None and any(e.date > today for e in node.events)
    past = any(not e.milestone and (today is None or e.date <= today) for e in node.events)
    milestone = any(e.milestone for e in node.events)
    kinds = tuple(kind for kind, shown in (("past", past), ("future", future), ("milestone", milestone)) if shown)
    return kinds if len(kinds) > 1 else ()


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
    return [line for line, _, _ in wrap_pieces(text, width, lines, measure, size, bold)]


def is_cut(pieces: list[tuple[str, int, int]]) -> bool:
    """Whether the lines ``wrap_pieces`` made end in "…": the last shows fewer characters than it holds."""
    return bool(pieces) and pieces[-1][2] < len(pieces[-1][0])


def wrap_pieces(text: str, width: float, lines: int, measure: Measure, size: float,
                bold: bool = False) -> list[tuple[str, int, int]]:
    """The lines of ``wrap``, each as (line, where it starts in the text with its spaces made single, how
    many characters of that text it shows): a line ending in "…" shows fewer than it holds."""
    rest = " ".join(text.split())[:lines * 200]  # a 100,000-character label shows its start only
    out: list[tuple[str, int, int]] = []
    pos = 0  # where ``rest`` starts in the text
    while rest and len(out) < lines:
        if measure(rest, bold, size) <= width:
            out.append((rest, pos, len(rest)))
            rest = ""
            break
        cut = _fitting(rest, width, measure, size, bold)
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0:
            out.append((rest[:space], pos, space))
            rest = rest[space + 1:]
            pos += space + 1
        else:
            out.append((rest[:cut], pos, cut))
            after = rest[cut:].lstrip(" ")
            pos += len(rest) - len(after)
            rest = after
    if rest and out:
        line, start, _ = out[-1]
        shown = _ellipsis(line, width, measure, size, bold)
        out[-1] = (shown, start, len(shown) - 1)  # a prefix of the line, then "…"
    return out


def line_links(text: str, pieces: list[tuple[str, int, int]]) -> list[tuple[int, int, int, str]]:
    """The addresses of ``text`` (``reports.autolink``) on the lines ``wrap_pieces`` made of it, as (line,
    first character, end, target): an address wrapped over two lines is a link on each, and one cut
    short by the "…" links its whole target from the part shown."""
    found = addresses(" ".join(text.split()))
    out: list[tuple[int, int, int, str]] = []
    for index, (_, start, shown) in enumerate(pieces):
        for address in found:
            first, end = max(address.start, start), min(address.end, start + shown)
            if first < end:
                out.append((index, first - start, end - start, address.target))
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
