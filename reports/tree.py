"""The document tree: what parse produces and every writer consumes.

Plain frozen dataclasses with no behaviour (like pandoc-types' Block and Inline), so a test can build a
document by hand and a writer can be tested without templates or data. Imports nothing from the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

from reports.labels import Labels
from reports.tree_figures import CHART_KINDS, Chart, ChartKind, ChartSeries, Image, Timeline, TimelineEvent

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


@dataclass(frozen=True, slots=True)
class Inserted:
    """A redline's inline insertion: ``children`` are in the new version only (``reports.redline``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Deleted:
    """A redline's inline deletion: ``children`` were in the old version only."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Restyled:
    """A redline's formatting-only change: the same text, ``children`` in the new formatting; ``was`` is
    the innermost character formatting it had ("", "strong", "emphasis", "code" or "link")."""

    children: tuple[Inline, ...]
    was: str = ""


Inline = Text | Strong | Emphasis | Code | Link | LineBreak | Note | Inserted | Deleted | Restyled
Inlines = tuple[Inline, ...]

# A whole block, list item or table row that a redline marks: "" (unchanged), "inserted" or "deleted".
# Everything inside a marked container carries its mark (its inlines are not wrapped again).
Change = Literal["", "inserted", "deleted"]
_IF_SET = {"dump": "if-set"}  # a redline's mark: shown by ``dump`` only where a node has one

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
    change: Change = field(default="", metadata=_IF_SET)


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[ListItem, ...]


@dataclass(frozen=True, slots=True)
class OrderedList:
    items: tuple[ListItem, ...]
    start: int = 1


@dataclass(frozen=True, slots=True)
class Table:
    """A table with one header row; ``align`` has one entry per column. In a redline ``row_changes`` has
    one ``Change`` per body row (empty: none changed)."""

    header: tuple[Inlines, ...]
    rows: tuple[tuple[Inlines, ...], ...]
    align: tuple[Align, ...]
    row_changes: tuple[Change, ...] = field(default=(), metadata=_IF_SET)


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
    change: Change = field(default="", metadata=_IF_SET)


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
class Revised:
    """Blocks a redline marks whole: in the new version only (``change`` "inserted"), in the old only
    ("deleted"), or the same text in another paragraph style ("restyled": ``was`` is the old one's style
    name as Word has it, "Normal" or "Heading 2"). The blocks inside carry no marks of their own."""

    change: Literal["inserted", "deleted", "restyled"]
    blocks: tuple[Block, ...]
    was: str = field(default="", metadata=_IF_SET)


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
    | Chart
    | Revised
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
    Chart,
    Revised,
)
INLINE_TYPES: tuple[type, ...] = (Text, Strong, Emphasis, Code, Link, LineBreak, Note, Inserted, Deleted,
                                  Restyled)

# --------------------------------------------------------------------------- the document


_EAST_ASIAN = frozenset({"zh", "ja", "ko"})  # languages set with CJK line breaking and East Asian faces


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
    # In a redline, the old version's settings: the writers mark what changed in the title block (title,
    # subtitle, byline) with ``worddiff``, as the body's changes are marked in the tree.
    previous: Meta | None = field(default=None, compare=False, repr=False)

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
        if f.metadata.get("dump") == "if-set" and not value:  # a redline's mark, absent
            continue
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
    "CHART_KINDS",
    "INLINE_TYPES",
    "NODE_TYPES",
    "Align",
    "Block",
    "BlockQuote",
    "BulletList",
    "Change",
    "Chart",
    "ChartKind",
    "ChartSeries",
    "Code",
    "Deleted",
    "Document",
    "Emphasis",
    "Field",
    "FieldTable",
    "Heading",
    "HorizontalRule",
    "Image",
    "Inline",
    "Inlines",
    "Inserted",
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
    "Restyled",
    "Revised",
    "Strong",
    "Table",
    "Text",
    "Timeline",
    "TimelineEvent",
    "dump",
]
