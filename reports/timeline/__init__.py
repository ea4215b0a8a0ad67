"""The timeline figure's layout: pure geometry in points, shared by the PDF and the DOCX drawing code.

A ``Timeline`` node (dated events) becomes rows, each a horizontal time axis with ticks, a marker per
date and a label box per date placed in one of a few lanes above the axis with a vertical lead line down
to its marker. Labels never overlap one another and no lead line crosses another date's label: an event
that cannot be placed so starts a new row, whose axis spans only its own events (a long timeline wraps
onto several rows); a label cut short is widened into the room its row leaves. Events of one day share
one marker and one label. Under the last row, a legend says what the markers mean (past, future,
milestone) when they differ.

Coordinates run from the figure's top-left corner, y downwards (as in DrawingML; the PDF flips them).
Text is measured by the caller's ``Measure`` (the fonts are the writers' business) and dates are
written by Babel in the document's language; nothing here draws.

The package: ``shapes`` (the sizes and the records a layout is made of), ``text`` (dates in words, the
alt text, wrapped labels), ``axis`` (the ticks), ``lanes`` (labels grouped by day and placed in lanes)
and ``rows`` (the layout itself and its cut into page-sized parts). Every name the writers use is
importable from here.
"""

from __future__ import annotations

from reports.timeline.axis import ticks
from reports.timeline.rows import CROWDED as CROWDED
from reports.timeline.rows import layout, split_rows
from reports.timeline.shapes import (
    Label,
    Layout,
    Lead,
    Legend,
    LegendItem,
    LegendWords,
    LineLink,
    Marker,
    Measure,
    Rect,
    Row,
    Style,
    Tick,
)
from reports.timeline.text import ALT_LABEL as ALT_LABEL
from reports.timeline.text import alt_text, date_text, legend_kinds, today_of, wrap

__all__ = ["Label", "Layout", "Lead", "Legend", "LegendItem", "LegendWords", "LineLink", "Marker", "Measure", "Rect",
           "Row", "Style", "Tick", "alt_text", "date_text", "layout", "legend_kinds", "split_rows", "ticks",
           "today_of", "wrap"]
