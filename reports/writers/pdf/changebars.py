"""Change bars for the PDF writer: a thin bar in the left margin beside every line a redline changed.

Part of write (PDF). Whatever finds a changed line (a marked passage's callbacks in ``revisions``, a
wholly changed picture in ``Barred``) records the line's extent here, in the coordinates it draws in;
the canvas keeps the bars of the page in page coordinates, and ``flush`` draws them all when the page
ends, as one artifact: a bar is no content a reader should hear, and drawing it apart from the text
keeps it out of every element's marked content. A page without a changed line draws nothing here.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from reports.writers.pdf.tags import artifact

BAR_WIDTH = 1.8  # points
BAR_GAP = 5.0  # points between the bar and the text frame's left edge

_PENDING = "_change_bars"  # the canvas attribute: {x: [(bottom, top)]} in page coordinates, this page


def record(canvas: Any, bottom: float, top: float) -> None:
    """A changed extent from ``bottom`` to ``top`` (in the canvas's current coordinates) on this page."""
    _, _, _, d, e, f = canvas._currentMatrix
    # Flowables are only ever translated (a table cell, a list item), so a y maps on its own.
    low, high = sorted((d * bottom + f, d * top + f))
    # Beside the text frame of the page being laid out (known while it is drawn, not when it ends).
    frame = getattr(getattr(canvas, "_doctemplate", None), "frame", None)
    x = (frame._x1 + frame._leftPadding if frame is not None else e) - BAR_GAP - BAR_WIDTH
    bars: dict[float, list[tuple[float, float]]] = canvas.__dict__.setdefault(_PENDING, {})
    bars.setdefault(round(x, 2), []).append((low, high))


def flush(canvas: Any, colour: Any) -> None:
    """Draw the page's bars (joined where they touch or overlap) beside the text frame, as an artifact."""
    bars: dict[float, list[tuple[float, float]]] | None = canvas.__dict__.pop(_PENDING, None)
    if not bars:
        return
    with artifact(canvas):
        canvas.saveState()
        canvas.setFillColor(colour)
        for x, extents in sorted(bars.items()):
            for low, high in merged(extents):
                canvas.rect(x, low, BAR_WIDTH, high - low, stroke=0, fill=1)
        canvas.restoreState()


def merged(bars: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """``bars`` sorted, those that touch or overlap (within a hundredth of a point) made one."""
    out: list[tuple[float, float]] = []
    for low, high in sorted(bars):
        if out and low <= out[-1][1] + 0.01:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out


class Barred(Flowable):  # type: ignore[misc]
    """A flowable a redline inserted or deleted whole that has no lines of text to mark (a picture, a
    timeline): drawn as it is, with a bar beside its whole height. Its pieces after a split are too."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner
        self.hAlign = getattr(inner, "hAlign", "LEFT")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return [Barred(piece) for piece in self.inner.split(availWidth, availHeight)]

    def getSpaceBefore(self) -> float:
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.inner.getSpaceAfter())

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        self.inner.drawOn(canvas, x, y, _sW)
        record(canvas, y, y + self.height)

    def draw(self) -> None:  # drawn through drawOn, by its inner flowable
        pass


__all__ = ["BAR_GAP", "BAR_WIDTH", "Barred", "flush", "merged", "record"]
