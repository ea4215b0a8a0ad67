"""Widths of text as the PDF sets it, for laying out what both writers draw alike (the timeline figure)."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.fonts.scripts import script_runs
from reports.fonts.standin import face_runs


class TextMeasure:
    """The faces some text is set in (a family's regular and bold faces, the CJK face, all registered
    with reportlab) and the width of a line in them, its CJK runs measured in the CJK face."""

    def __init__(self, regular: str, bold: str, cjk: str) -> None:
        self.regular, self.bold, self.cjk = regular, bold, cjk

    def face(self, bold: bool, cjk: bool) -> str:
        return self.cjk if cjk else self.bold if bold else self.regular

    def measure(self, text: str, bold: bool, size: float) -> float:
        return float(sum(stringWidth(piece, face, size) for piece, face in self.runs(text, bold)))

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """``text`` in runs of ``(text, face)``: CJK in the CJK face, characters a face lacks in the stand-in."""
        return [run for piece, cjk in script_runs(text) for run in face_runs(piece, self.face(bold, cjk))]
