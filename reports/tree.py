"""The document tree: what parse produces and every writer consumes.

Plain frozen dataclasses with no behaviour (like pandoc-types' Block and Inline), so a test can build a
document by hand and a writer can be tested without templates or data. Imports nothing from the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

# --------------------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True)
class Text:
    """Literal text; writers escape it for their own markup."""

    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink; ``url`` has already been checked to be http(s) or mailto by parse."""

    children: tuple[Inline, ...]
    url: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote: the reference stands where this inline is, the note's paragraphs are ``blocks``.

    As in pandoc, the note travels with its reference; writers number notes in the order they meet
    them (a note referenced twice is printed twice). ``blocks`` holds paragraphs only (parse flattens
    anything else with a warning), so a writer can put them where footnotes go.
    """

    blocks: tuple[Paragraph, ...]


Inline = Text | Strong | Emphasis | Code | Link | LineBreak | Note
Inlines = tuple[Inline, ...]

# --------------------------------------------------------------------------- blocks

Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1..3 (deeper levels are clamped by parse with a warning)
    content: Inlines


@dataclass(frozen=True, slots=True)
class Paragraph:
    content: Inlines


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[ListItem, ...]


@dataclass(frozen=True, slots=True)
class OrderedList:
    items: tuple[ListItem, ...]
    start: int = 1


@dataclass(frozen=True, slots=True)
class Table:
    """A table with one header row; ``align`` has one entry per column."""

    header: tuple[Inlines, ...]
    rows: tuple[tuple[Inlines, ...], ...]
    align: tuple[Align, ...]


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A quotation; ``attribution`` is the speaker line (name, role, "paraphrase" label), may be empty."""

    blocks: tuple[Block, ...]
    attribution: Inlines = ()


@dataclass(frozen=True, slots=True)
class Field:
    """One label/value row of a ``FieldTable``."""

    label: Inlines
    value: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class FieldTable:
    """Label/value rows: the shaded key-facts table, or the memo's TO/FROM block (borderless, aligned)."""

    rows: tuple[Field, ...]
    style: Literal["keyfacts", "memo-header"] = "keyfacts"


@dataclass(frozen=True, slots=True)
class HorizontalRule:
    """A full-width rule."""


@dataclass(frozen=True, slots=True)
class PageBreak:
    """Start a new page."""


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


Block = (
    Heading
    | Paragraph
    | BulletList
    | OrderedList
    | Table
    | BlockQuote
    | FieldTable
    | HorizontalRule
    | PageBreak
    | Image
    | Timeline
)

BLOCK_TYPES: tuple[type, ...] = (
    Heading,
    Paragraph,
    BulletList,
    OrderedList,
    Table,
    BlockQuote,
    FieldTable,
    HorizontalRule,
    PageBreak,
    Image,
    Timeline,
)
INLINE_TYPES: tuple[type, ...] = (Text, Strong, Emphasis, Code, Link, LineBreak, Note)

# --------------------------------------------------------------------------- the document


_EAST_ASIAN = frozenset({"zh", "ja", "ko"})  # languages set with CJK line breaking and East Asian faces


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


@dataclass(frozen=True, slots=True)
class Meta:
    """Document-level settings, from the template's front matter.

    Writers use them for the title block, running header and footer, and file metadata.
    """

    title: str
    kind: str = "briefing"  # "briefing" or "memo": writers pick the first-page layout from it
    subtitle: str = ""
    short_title: str = ""  # running header; falls back to title
    date: str = ""  # as printed, e.g. "7 July 2023"
    iso_date: str = ""  # YYYY-MM-DD, for metadata and reproducible creation dates
    classification: str = ""
    organisation: str = ""
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    category: str = ""
    language: str = "en"
    parties: tuple[str, ...] = ()  # shown under the title on a briefing's first page
    source_line: str = ""  # footer note, e.g. "Source: ... (7 July 2023)"
    toc: bool = False
    # With ``toc``: the contents are kept only when the document laid out without them has at least this
    # many pages (the briefing's "contents when it runs to more than three pages" is 4); 0: always.
    toc_min_pages: int = 0
    source: str = field(default="", compare=False, repr=False)  # the template, for messages (not a setting)
    labels: Labels = field(default_factory=Labels, compare=False, repr=False)  # set by compose, not a setting
    # The data's local names and their languages (``Agreement.name_languages``), set by compose: a
    # writer sets and tags each name's runs in its language (a Chinese name in a Japanese document).
    name_languages: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    @property
    def east_asian(self) -> bool:
        """True when the text or the labels are Chinese, Japanese or Korean: the writers then break lines
        the CJK way and give the whole body East Asian faces."""
        return any(tag.split("-")[0].lower() in _EAST_ASIAN for tag in (self.language, self.labels.locale))


@dataclass(frozen=True, slots=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something a template asked for that the tree cannot express (reported, never dropped silently)."""

    template: str
    line: int | None
    message: str


NODE_TYPES: tuple[type, ...] = BLOCK_TYPES + INLINE_TYPES


# --------------------------------------------------------------------------- dump, for tests


def dump(node: object, indent: int = 0) -> str:
    """Return a readable, stable, indented text form of a document, block or inline (for tests)."""
    lines: list[str] = []
    _dump(node, indent, lines)
    return "\n".join(lines)


def _dump(node: object, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(node, tuple):
        for child in node:
            _dump(child, indent, out)
        return
    if isinstance(node, Text):
        out.append(f"{pad}Text {node.text!r}")
        return
    if isinstance(node, Code):
        out.append(f"{pad}Code {node.text!r}")
        return
    name = type(node).__name__
    scalars: list[str] = []
    children: list[tuple[str, object]] = []
    for f in fields(node):  # type: ignore[arg-type]
        if not f.compare:  # where a node came from, not what it is
            continue
        value = getattr(node, f.name)
        if isinstance(value, tuple) and value and not all(isinstance(v, str) for v in value):
            children.append((f.name, value))
        elif isinstance(value, tuple) and not value:
            continue
        else:
            scalars.append(f"{f.name}={value!r}")
    out.append(f"{pad}{name}" + (" " + " ".join(scalars) if scalars else ""))
    for label, value in children:
        if len(children) > 1 or label not in ("children", "content", "blocks", "items"):
            out.append(f"{pad}  .{label}")
            _dump_seq(value, indent + 2, out)
        else:
            _dump_seq(value, indent + 1, out)


def _dump_seq(value: object, indent: int, out: list[str]) -> None:
    assert isinstance(value, tuple)
    for child in value:
        if isinstance(child, tuple):  # a table row or a cell
            out.append("  " * indent + "-")
            _dump_seq(child, indent + 1, out)
        else:
            _dump(child, indent, out)


__all__ = [
    "BLOCK_TYPES",
    "INLINE_TYPES",
    "NODE_TYPES",
    "Align",
    "Block",
    "BlockQuote",
    "BulletList",
    "Code",
    "Document",
    "Emphasis",
    "Field",
    "FieldTable",
    "Heading",
    "HorizontalRule",
    "Image",
    "Inline",
    "Inlines",
    "Labels",
    "LineBreak",
    "Link",
    "ListItem",
    "Meta",
    "Note",
    "OrderedList",
    "PageBreak",
    "Paragraph",
    "ParseWarning",
    "Strong",
    "Table",
    "Text",
    "Timeline",
    "TimelineEvent",
    "dump",
]
