"""Widths of text as the PDF sets it, for laying out what both writers draw alike (the timeline figure)."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

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
