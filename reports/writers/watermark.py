"""The watermark as both writers print it: its text, colour and largest size (the PDF draws it on the
page, the DOCX as Word's own WordArt watermark; both from these)."""

from __future__ import annotations

LIGHTEN = 0.5  # how far the mark's colour is taken from the theme's rule colour towards white
MAX_SIZE_PT = 110.0  # the largest the mark is set (a short word would otherwise fill the page)
DIAGONAL_SHARE = 0.7  # the mark runs along at most this share of the diagonal


def watermark_text(text: str | None) -> str:
    """The mark as both writers print it: one line (whitespace runs and control characters become one
    space), empty for no mark."""
    return " ".join("".join(c if c.isprintable() else " " for c in text or "").split())


def watermark_colour(rule: str) -> str:
    """The mark's colour in both formats: ``rule`` ("#RRGGBB", the theme's rule colour) lightened
    halfway to white, so that text printed over it stays dark on near-white."""
    channels = (int(rule[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * LIGHTEN):02X}" for c in channels)
