"""Line breaking for Chinese, Japanese and Korean paragraphs of several runs (fonts), with kinsoku rules.

Part of write (PDF). reportlab's CJK wrapping of a paragraph of several runs (``cjkFragSplit``) breaks
between any two characters and keeps only one rule: a character that cannot start a line hangs at the
end of the one before. It breaks *after* an opening bracket or quote ("集团（" / "Alibaba Group）"), and
when a Latin word crosses the margin it goes back to the last CJK character, which may be that bracket.
This is the same algorithm with the rules a typesetter keeps:

- no line ends with a character that cannot end one (opening brackets and quotes, currency prefixes):
  the break moves before it;
- no line starts with a character that cannot start one (closing brackets and quotes, full stops,
  commas, small kana): it hangs at the end of the line before (up to three in a row, as in "）。");
- a Latin word is not cut: the break goes to the space or CJK character before it, as in reportlab.

Full-width punctuation stays as the data wrote it; only where lines end changes.
"""

from __future__ import annotations

from typing import Any
from unicodedata import category

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.platypus.paragraph import _FUZZ, ParaLines, cjkU, makeCJKParaLine


def cjk_lines(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> ParaLines:
    """The lines of a paragraph of ``frags`` (reportlab fragments) within ``max_widths``."""
    units: list[Any] = []
    for frag in frags:
        text = frag.text.decode("utf-8") if isinstance(frag.text, bytes) else frag.text
        units.extend([cjkU(c, frag, "utf8") for c in text] if text else [cjkU(text, frag, "utf8")])
    lines = []
    i = start = 0
    used = 0.0
    max_width = max_widths[0]
    count = len(units)
    while i < count:
        unit = units[i]
        i += 1
        used += _width(unit, max_width)
        line_break = hasattr(unit.frag, "lineBreak")
        if not ((used > max_width + _FUZZ and used > 0) or line_break):
            continue
        if not line_break:
            i = _break_before(units, start, i)
        line = units[start:i]
        line_width = sum([_width(u, max_width) for u in line], 0.0)
        lines.append(makeCJKParaLine(line, max_width, line_width, max_width - line_width, line_break, calc_bounds))
        max_width = max_widths[len(lines)] if len(lines) < len(max_widths) else max_widths[-1]
        start = i
        used = 0.0
    if start < count:
        rest = units[start:]
        used = sum([_width(u, max_width) for u in rest], 0.0)
        lines.append(makeCJKParaLine(rest, max_width, used, max_width - used, False, calc_bounds))
    return ParaLines(kind=1, lines=lines)


def _width(unit: Any, max_width: float) -> float:
    width = unit.width
    if hasattr(width, "normalizedValue"):
        width._normalizer = max_width
        return float(width.normalizedValue(max_width))
    return float(width)


def _break_before(units: list[Any], start: int, i: int) -> int:
    """Where the line that overflowed at ``units[i - 1]`` ends (exclusive), keeping the rules above."""
    end = i - 1  # the overflowing character goes to the next line ...
    if ord(units[end][:1] or " ") < 0x3000:  # ... and with it the Latin word it is part of
        limit = (start + i) >> 1
        for j in range(i - 1, limit, -1):
            if units[j] and (category(units[j]) == "Zs" or ord(units[j]) >= 0x3000):
                end = j + 1
                break
    hung = 0
    while end < len(units) and units[end] and units[end] in ALL_CANNOT_START and end > start + 1 and hung < 3:
        end += 1  # closing marks ("）。") hang in the margin rather than start a line
        hung += 1
    while end > start + 1:  # an opening bracket goes down with what it opens (spaces after it too)
        last = end - 1
        while last > start and units[last] and category(units[last]) == "Zs":
            last -= 1
        if last <= start or not units[last] or units[last] not in ALL_CANNOT_END:
            break
        end = last
    return max(end, start + 1)  # every line takes at least one character


__all__ = ["cjk_lines"]
