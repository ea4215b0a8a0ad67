"""The timeline figure's geometry: the sizes it is drawn at and the shapes a layout is made of.

Plain frozen records in points, from the figure's top-left corner, y downwards: ``Style`` (the sizes),
``Rect``, and a ``Layout`` of ``Row``s, each with its ``Tick``s, ``Marker``s, ``Lead`` lines and
``Label``s, and the ``Legend`` under them. ``Measure`` is the caller's text measure; ``LegendWords`` the
legend's words in the document's language. Nothing here computes a layout or draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Measure = Callable[[str, bool, float], float]
"""(text, bold, size in points) -> width in points."""


@dataclass(frozen=True)
class Style:
    """Sizes of the figure, in points; ``width`` is the room the figure may take (the text width)."""

    width: float
    size: float = 8.0  # label text
    tick_size: float = 7.0
    leading: float = 1.2  # line height as a multiple of the size
    label_width: float = 110.0  # labels wrap at this width (at most a third of the figure) ...
    label_lines: int = 2  # ... in this many lines under the date line; a label cut short ("…") is then
    # widened as far as its row's room allows (rows.widen), so that it is cut only where there is no room
    lanes: int = 3  # lanes of labels above the axis
    gap: float = 6.0  # between two labels in one lane
    lead_gap: float = 2.0  # between a lead line and a label it passes
    # The shortest lead line (a milestone's, from the nearest lane): 4 points, hidden half under the
    # marker's outline, read as no line at all at reading size.
    lead_min: float = 7.0
    marker: float = 3.2  # marker radius; a milestone's diamond is 1.5 times as large
    row_gap: float = 10.0
    legend_gap: float = 6.0  # between the last row and the legend under it


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Rect) -> bool:
        return (self.x < other.right and other.x < self.right and self.y < other.bottom
                and other.y < self.bottom)


@dataclass(frozen=True)
class LineLink:
    """An address on a label's line: ``lines[line][start:end]`` links to ``target`` (reports.autolink)."""

    line: int
    start: int
    end: int
    target: str


@dataclass(frozen=True)
class Label:
    """The label of one date: its box, its lines (the first is the date), the events it stands for, and
    the addresses on its lines."""

    box: Rect
    lines: tuple[str, ...]
    events: tuple[int, ...]  # indexes into the timeline's events
    milestone: bool
    future: bool
    line_height: float
    links: tuple[LineLink, ...] = ()


@dataclass(frozen=True)
class Marker:
    x: float
    y: float  # the axis
    radius: float
    milestone: bool
    future: bool


@dataclass(frozen=True)
class Lead:
    """A vertical line from a marker (``y2``, on the axis) up to its label (``y1``)."""

    x: float
    y1: float
    y2: float
    future: bool


@dataclass(frozen=True)
class Tick:
    x: float
    y1: float
    y2: float
    text: str
    box: Rect  # where its text goes, under the axis


@dataclass(frozen=True)
class Row:
    """One axis with its ticks, markers, leads and labels; ``top`` and ``height`` within the figure."""

    top: float
    height: float
    axis_y: float
    future_from: float | None  # x where the future part of the axis starts (None: all past)
    ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]
    leads: tuple[Lead, ...]
    labels: tuple[Label, ...]


@dataclass(frozen=True)
class LegendWords:
    """The legend's words, in the document's language: what a filled marker, a hollow one and a
    diamond stand for."""

    past: str = "Past"
    future: str = "Future"
    milestone: str = "Milestone"


@dataclass(frozen=True)
class LegendItem:
    """One entry of the legend: a marker as the figure draws it, and its word beside it."""

    kind: str  # "past", "future" or "milestone"
    marker: Marker
    box: Rect
    text: str


@dataclass(frozen=True)
class Legend:
    """What the markers mean, under the last row: only for a figure whose markers differ."""

    top: float
    height: float
    items: tuple[LegendItem, ...]
    line_height: float


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    rows: tuple[Row, ...]
    style: Style = field(repr=False)
    legend: Legend | None = None

    def bottom(self, row: int) -> float:
        """Where row ``row`` ends, the legend under the last row included (it goes with that row)."""
        last = self.rows[row]
        return self.height if row == len(self.rows) - 1 else last.top + last.height
