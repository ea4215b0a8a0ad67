"""What the standard PDF fonts (Helvetica, Times-Roman, Courier) can draw: the WinAnsi character set.

reportlab sets the standard fonts in WinAnsiEncoding (Windows code page 1252): ASCII, Latin-1's
printable half and 27 more characters, among them the en and em dashes, curly quotes, the bullet,
the ellipsis and the euro sign. The set is read from reportlab's own codec, so it is exactly what the
PDF writer can encode.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def winansi_characters() -> frozenset[int]:
    """Return the code points that a standard font, in WinAnsiEncoding, draws."""
    from reportlab.pdfbase import pdfmetrics  # noqa: F401  (importing it registers the "winansi" codec)

    covered: set[int] = set()
    for byte in range(0x20, 0x100):
        try:
            char = bytes([byte]).decode("winansi")
        except UnicodeDecodeError:
            continue  # an unassigned byte (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        if char.isprintable() or char == "\xa0" or char == "\xad":
            covered.add(ord(char))
    return frozenset(covered)
