"""Widths of text as the PDF sets it, for laying out what both writers draw alike (the timeline figure),
and of single characters for the PDF's CJK line breaking."""

from __future__ import annotations

import threading
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.fonts.forget import on_forget
from reports.fonts.languages import CjkFaces
from reports.fonts.standin import face_runs


class TextMeasure:
    """The faces some text is set in (a family's regular and bold faces, the CJK faces, all registered
    with reportlab) and the width of a line in them, its CJK runs measured in the face of their language."""

    def __init__(self, regular: str, bold: str, cjk: str | CjkFaces) -> None:
        self.regular, self.bold = regular, bold
        self.cjk = cjk if isinstance(cjk, CjkFaces) else CjkFaces(cjk, cjk)

    def measure(self, text: str, bold: bool, size: float) -> float:
        return float(sum(stringWidth(piece, face, size) for piece, face in self.runs(text, bold)))

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """``text`` in runs of ``(text, face)``: CJK in the CJK face, characters a face lacks in the stand-in."""
        latin = self.bold if bold else self.regular
        return [run for piece, face, _ in self.cjk.runs(text) for run in face_runs(piece, face or latin)]


# The widths of single characters, per registered font object and size. CJK line breaking measures every
# character of a paragraph on its own, and reportlab's measure (a call through the font registry per
# character) cost more than the breaking itself. A TrueType face's width of a character it maps is its
# ``charWidths`` entry, which nothing changes once the face is read (the stand-in face and the shaping
# twins only add codes they did not map), so it is kept for the font object's life: the same value a new
# measure gives, whatever was set before. A character the face does not map is measured every time (its
# default width may become the stand-in's box once the stand-in takes it), as is every character of a font
# that is no TrueType face (standard and CID fonts, rare in CJK paragraphs).
_WIDTHS: WeakKeyDictionary[Any, dict[float, dict[str, float]]] = WeakKeyDictionary()
_lock = threading.Lock()


def char_widths(chars: list[str], font_name: str, size: float) -> list[float]:
    """The width of each of ``chars`` (characters, or "") alone in ``font_name`` at ``size``: reportlab's
    ``stringWidth(char, font_name, size)``, as a float."""
    font = pdfmetrics.getFont(font_name)
    measure = font.stringWidth
    mapped = getattr(getattr(font, "face", None), "charWidths", None)
    if not isinstance(mapped, dict):
        return [float(measure(char, size, encoding="utf8")) for char in chars]
    with _lock:
        known = _WIDTHS.setdefault(font, {}).setdefault(float(size), {})
    out: list[float] = []
    for char in chars:
        width = known.get(char)
        if width is None:
            width = float(measure(char, size, encoding="utf8"))
            if len(char) == 1 and ord(char) in mapped:
                known[char] = width
        out.append(width)
    return out


def forget_widths() -> None:
    """Forget the widths kept (with the fonts, when the fonts on the machine change)."""
    with _lock:
        _WIDTHS.clear()


on_forget(forget_widths)

__all__ = ["TextMeasure", "char_widths", "forget_widths"]
