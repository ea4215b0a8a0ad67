"""Which characters are set in the CJK face, and text cut into runs of CJK and of other characters."""

from __future__ import annotations

import re
from bisect import bisect_right

# What the Adobe CID fonts cover (CJK ideographs of the Basic Multilingual Plane, kana, hangul, CJK
# punctuation and full-width forms). Ideographs outside the BMP (extension B and later) are not covered.
_CJK_RANGES = ((0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3100, 0x31FF), (0x3200, 0x4DBF), (0x4E00, 0x9FFF),
               (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
# The spaces that join the words beside them (Unicode line-break class GL): no line breaks at them, in
# reportlab's splitting (writers.pdf.text), in the paragraph cuts or in the drawn lines' ends.
NO_BREAK_SPACES = "\xa0\u2007\u202f"

_CJK_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _CJK_RANGES)
CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")


# The ranges' edges in order (each range's first code, then the one after its last): a code is inside
# a range when an odd number of edges are at or below it. One bisection (C) instead of a generator over
# the ranges: the glyph check asks this of every distinct character of every field of a Chinese agreement.
_EDGES = tuple(edge for lo, hi in _CJK_RANGES for edge in (lo, hi + 1))


def is_cjk(char: str) -> bool:
    """True when ``char`` is drawn with the CJK font."""
    return bisect_right(_EDGES, ord(char)) % 2 == 1


def script_runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into runs of CJK and of other characters: (piece, is CJK), in order."""
    out: list[tuple[str, bool]] = []
    start = 0
    for match in CJK_RUN.finditer(text):
        if match.start() > start:
            out.append((text[start:match.start()], False))
        out.append((match.group(), True))
        start = match.end()
    if start < len(text):
        out.append((text[start:], False))
    return out
