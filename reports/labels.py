"""The writers' own words in a document's language (``Labels``), which compose fills from the message
catalogue (``reports.i18n``) and the document tree carries in its ``Meta``. Imports nothing from the package."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Labels:
    """The writers' own words in the labels' language, translated by compose from the message catalogue
    (``reports.i18n``), so that a writer prints them without knowing Babel or gettext. The defaults are
    the English msgids; placeholders are gettext's ``%(name)s``."""

    locale: str = "en"  # BCP 47 tag of the labels' language (``--lang`` or the data's ``language``)
    # Babel's identifier of the locale the document's dates, lists and numbers are written in: the one
    # decision compose made (``en_GB`` for a bare ``en``; English for a language without a catalogue),
    # which a writer's own dates (the timeline figure's labels and axis) follow too.
    format_locale: str = "en_GB"
    memorandum: str = "MEMORANDUM"
    page_of: str = "Page %(page)s of %(pages)s"
    contents: str = "Contents"
    figure: str = "Figure %(number)s"
    table: str = "Table %(number)s"
    toc_hint: str = "Right-click to update the table of contents."
    captioned: str = "%(label)s: %(caption)s"  # "Figure 3: The timeline"
    # Above each part of a table too wide for the page (``writers.wide_tables``).
    column_part: str = "Column %(column)s of %(columns)s"
    columns_part: str = "Columns %(first)s–%(last)s of %(columns)s"
    part_continued: str = "%(part)s (continued; the first column is repeated)"
    # Read aloud, never printed: the logo's alt text and a link to a heading without text of its own.
    logo: str = "Logo"
    logo_of: str = "Logo of %(organisation)s"
    section_link: str = "Link to a section of this document"
    # The timeline figure's legend: what a filled marker, a hollow one and a diamond stand for.
    timeline_past: str = "Past"
    timeline_future: str = "Future"
    timeline_milestone: str = "Milestone"
    # A redline's words: its summary's heading, and what a reader hears for a marked passage (PDF tags).
    what_changed: str = "What changed"
    inserted: str = "Inserted"
    deleted: str = "Deleted"
    restyled: str = "Formatting changed"
    # A chart's alt text: each value said as "category, series: value", joined by the separator; an
    # empty value is said to be none.
    chart_value: str = "%(category)s, %(series)s: %(value)s"
    chart_separator: str = "; "
    chart_none: str = "no value"
    # What kind of chart it is, said first when the template gives the chart no alt sentence of its own.
    chart_bar: str = "Bar chart."
    chart_column: str = "Column chart."
    chart_stacked: str = "Stacked bar chart."

    def page(self, page: int | str, pages: int | str) -> str:
        """``Page 2 of 5`` in the labels' language."""
        return _fill(self.page_of, page=page, pages=pages)

    def page_parts(self) -> tuple[str, str, str]:
        """The text before the page number, between it and the page count, and after the count: for a
        writer that puts fields (DOCX PAGE and NUMPAGES) in place of the numbers."""
        before, _, rest = _fill(self.page_of, page="\0", pages="\1").partition("\0")
        between, _, after = rest.partition("\1")
        return before, between, after

    def figure_label(self, number: int | str) -> str:
        """``Figure 3`` in the labels' language."""
        return _fill(self.figure, number=number)

    def table_label(self, number: int | str) -> str:
        """``Table 3`` in the labels' language."""
        return _fill(self.table, number=number)

    def table_part(self, first: int, last: int, columns: int, continued: bool) -> str:
        """``Columns 2–4 of 6`` (``Column 2 of 6``), with ``(continued; ...)`` on a later part."""
        part = (_fill(self.column_part, column=first, columns=columns) if first == last
                else _fill(self.columns_part, first=first, last=last, columns=columns))
        return _fill(self.part_continued, part=part) if continued else part

    def logo_text(self, organisation: str) -> str:
        """The logo's alt text: ``Logo of <organisation>``, or ``Logo``."""
        return _fill(self.logo_of, organisation=organisation) if organisation.strip() else self.logo

    def figure_caption(self, number: int | str, caption: str) -> str:
        """``Figure 3: The timeline`` (``图3：时间线``) in the labels' language."""
        return _fill(self.captioned, label=self.figure_label(number), caption=caption)


def _fill(pattern: str, **values: int | str) -> str:
    # compose only hands over translations whose placeholders are the English ones (reports.i18n).
    return pattern % values
