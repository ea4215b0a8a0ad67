"""The document tree's figures: pictures, the timeline and charts (re-exported by ``reports.tree``, which is
where callers take them from). Plain frozen dataclasses; imports nothing from the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Image:
    """A local image file; ``path`` is absolute and was checked to exist by parse.

    ``alt`` is the description for readers who cannot see it (DOCX ``descr``, PDF alt text). A figure
    with a ``caption`` (the image's Markdown title) has a ``number`` (1, 2 ... in document order) and is
    printed "Figure N: caption" under the picture. ``width_percent`` is the share of the text width the
    picture takes (``{width=60%}``); ``width_mm`` an absolute width (``{width=60mm}``); with neither,
    the picture keeps its natural size, bounded by the text area.

    ``template`` and ``line`` say where the image was named, so that a broken file is blamed on the
    template that named it; they are not part of the image's identity (nor of ``dump``).
    """

    path: str
    alt: str
    width_mm: float | None = None
    width_percent: float | None = None
    caption: str = ""
    number: int | None = None
    template: str = field(default="", compare=False, repr=False)
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated event of a ``Timeline``: ``date`` is YYYY-MM-DD (checked by parse)."""

    date: str
    label: str
    milestone: bool = False  # signing, term end: drawn larger and in bold


@dataclass(frozen=True, slots=True)
class Timeline:
    """A figure: dated events on a time axis, drawn natively by each writer (reports/timeline/ lays it out).

    ``events`` are in date order (parse sorts them, keeping the template's order for equal dates).
    ``as_of`` (YYYY-MM-DD) divides past from future events; "" takes the document's ``iso_date``.
    ``alt`` is the template's own description, put before the list of events that makes the alt text.
    With a ``caption`` the figure has a ``number`` and is printed "Figure N: caption", as an image is.
    """

    events: tuple[TimelineEvent, ...]
    as_of: str = ""
    alt: str = ""
    caption: str = ""
    number: int | None = None

ChartKind = Literal["bar", "column", "stacked-bar"]
CHART_KINDS: tuple[str, ...] = ("bar", "column", "stacked-bar")


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One series of a ``Chart``: its name and one value per category, each exact decimal text (``"45000000"``,
    ``"4.5"``) or ``""`` where the series has none for that category. Never a float: the data's amounts."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A figure: a bar (horizontal), column (vertical) or stacked-bar chart of ``series`` over
    ``categories``, drawn natively by each writer (PDF vector graphics; DOCX a chart part with its
    workbook). ``unit`` names what the values count ("EUR"); ``alt`` is the template's own description,
    put before the values that make the alt text. With a ``caption`` the figure has a ``number`` and is
    printed "Figure N: caption", as an image is."""

    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    unit: str = ""
    alt: str = ""
    caption: str = ""
    number: int | None = None
