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

from reportlab.lib.rl_accel import sameFrag
from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.pdfbase.pdfmetrics import getAscentDescent
from reportlab.platypus.paragraph import _FUZZ, FragLine, ParaLines

from reports.fonts.measure import char_widths

# reportlab's own pieces for this (``cjkU`` units and ``makeCJKParaLine``) make an object per
# character, measure each one through the font registry, compare fragments (``sameFrag``, ~4 us a
# call) and read the font's ascent for every character of every line: in the Chinese briefing that
# was about 10 of its 53 ms. Here the text is a list of characters and a list of their widths (kept
# per font: ``reports.fonts.measure.char_widths``), and a line is assembled a fragment at a time. The
# lines, words, widths (summed in the same order) and heights are exactly reportlab's, so the PDF's
# bytes are too (``tests/writers/test_pdf_cjk_lines.py`` compares the two on any text).


def cjk_lines(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> ParaLines:
    """The lines of a paragraph of ``frags`` (reportlab fragments with no callbacks, ``cbDefn``: the
    caller leaves those to reportlab) within ``max_widths``. ``calc_bounds`` is reportlab's: it changes
    the height of a callback's line only, and there are none here."""
    units: list[str] = []  # the characters, one a unit ("" for a fragment without text)
    widths: list[float] = []  # each unit's width, as reportlab measures it (the unit alone)
    ends: list[int] = []  # where each fragment's units end
    breaks: list[bool] = []  # whether each unit's fragment is a forced line break
    for frag in frags:
        text = frag.text.decode("utf-8") if isinstance(frag.text, bytes) else frag.text
        chars = list(text) if text else [str(text)]
        units.extend(chars)
        widths.extend(char_widths(chars, frag.fontName, frag.fontSize))
        breaks.extend([hasattr(frag, "lineBreak")] * len(chars))
        ends.append(len(units))
    lines = []
    i = start = 0
    used = 0.0
    max_width = max_widths[0]
    count = len(units)
    while i < count:
        used += widths[i]
        line_break = breaks[i]
        i += 1
        if not ((used > max_width + _FUZZ and used > 0) or line_break):
            continue
        if not line_break:
            i = _break_before(units, start, i)
        line_width = sum(widths[start:i], 0.0)
        lines.append(_line(frags, ends, units, start, i, max_width, line_width, line_break))
        max_width = max_widths[len(lines)] if len(lines) < len(max_widths) else max_widths[-1]
        start = i
        used = 0.0
    if start < count:
        used = sum(widths[start:], 0.0)
        lines.append(_line(frags, ends, units, start, count, max_width, used, False))
    return ParaLines(kind=1, lines=lines)


def _line(frags: list[Any], ends: list[int], units: list[str], start: int, end: int, max_width: float,
          used: float, line_break: bool) -> Any:
    """``makeCJKParaLine`` for ``units[start:end]``: a word for each run of units whose fragments look
    the same (``sameFrag``), the line as high as its highest font. It is asked once per fragment on the
    line, not once per character: a fragment always looks like itself, except one that is a line break
    (or a callback), which reportlab never joins to anything, so its units are asked one at a time."""
    words: list[Any] = []
    run: list[str] = []
    head = FragLine()
    max_size = max_ascent = min_descent = 0
    k = 0
    while ends[k] <= start:
        k += 1
    i = start
    while i < end:
        frag = frags[k]
        stop = min(ends[k], end)
        size = frag.fontSize
        ascent, descent = getAscentDescent(frag.fontName, size)
        max_size = max(max_size, size)
        max_ascent = max(max_ascent, ascent)
        min_descent = min(min_descent, descent)
        alone = "lineBreak" in frag.__dict__ or "cbDefn" in frag.__dict__
        for unit in units[i:stop] if alone else (units[i],):
            if not sameFrag(head, frag):
                head = head.clone()
                head.text = "".join(run)
                words.append(head)
                run = []
                head = frag
            run.append(unit)
        if not alone:
            run.extend(units[i + 1:stop])
        i = stop
        k += 1
    if run:
        head = head.clone()
        head.text = "".join(run)
        words.append(head)
    return FragLine(kind=1, extraSpace=max_width - used, wordCount=1, words=words[1:], fontSize=max_size,
                    ascent=max_ascent, descent=min_descent, maxWidth=max_width, currentWidth=used,
                    lineBreak=line_break)


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
