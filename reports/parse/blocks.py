"""Block nodes -> the tree's blocks: ``BlockConverter``, one small method per block type.

Owns front matter (the document's settings), headings, paragraphs (with page breaks and the images
lifted out of them), lists, tables, quotes, raw HTML, code and maths shown as text with a warning,
our ``:::`` containers (quote, key facts, memo header) and the footnote definitions, converted first
because references need them. A ```` ```timeline ```` fence goes to reports.parse.figures, a ```` ```chart ```` one to
reports.parse.charts; inlines
are reports.parse.inlines' business.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from reports import tree as t
from reports.parse.charts import CHART, chart
from reports.parse.figures import TIMELINE, timeline
from reports.parse.inlines import ImageMarker, InlineConverter
from reports.parse.markdown import CONTAINERS, Node, container_name

PAGE_BREAK = "\\newpage"
ATTRIBUTION_PREFIX = "-- "
_META_FIELDS = {f.name: f for f in dataclasses.fields(t.Meta) if f.compare}  # front-matter settings
# libyaml's loader where PyYAML has it: the same safe types, and front matter costs ten times less.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BlockConverter(InlineConverter):
    """The inline converter's per-document state, plus what blocks need: the front-matter settings, the
    boxes around the block being converted and the page breaks dropped."""

    def __init__(self, template: str, image_base: Path | None) -> None:
        super().__init__(template, image_base)
        self.meta: dict[str, Any] = {}
        self.boxes = 0  # how many quote or key-facts blocks enclose the block being converted
        self.dropped_breaks: list[int | None] = []  # lines of page breaks that would make empty pages

    def footnotes(self, nodes: list[Node]) -> list[Node]:
        """Convert the footnote definitions first (references need them) and return the other nodes."""
        rest: list[Node] = []
        for node in nodes:
            if node.type != "footnote_block":
                rest.append(node)
                continue
            self.in_note = True
            try:
                for note in node.children:
                    if note.map:
                        self.line = note.map[0] + 1
                    self.notes[int(note.meta["id"])] = self.note_paragraphs(note.children)
            finally:
                self.in_note = False
        return rest

    def note_paragraphs(self, nodes: list[Node]) -> tuple[t.Paragraph, ...]:
        # A footnote holds paragraphs (the foot of a page is no place for tables or lists): anything
        # else in it is kept as its plain text, with a warning.
        out: list[t.Paragraph] = []
        for node in nodes:
            if node.map:
                self.line = node.map[0] + 1
            if node.type == "footnote_anchor":  # the "back to the text" arrow of HTML output
                continue
            if node.type == "paragraph":
                out.extend(b for b in self.paragraph(node) if isinstance(b, t.Paragraph))
            else:
                self.warn(node, f"a footnote holds paragraphs only: its {node.type.replace('_', ' ')} "
                                "is printed as plain text")
                text = " ".join(self.plain(node).split())
                if text:
                    out.append(t.Paragraph((t.Text(text),)))
        return tuple(out)

    # ------------------------------------------------------------------ blocks

    def blocks(self, nodes: list[Node]) -> tuple[t.Block, ...]:
        out: list[t.Block] = []
        for node in nodes:
            if node.map:
                self.line = node.map[0] + 1
            handler = _BLOCKS.get(node.type)
            if handler is None:
                self.unsupported(node, node.type.replace("_", " "))
                text = self.plain(node)
                if text:
                    out.append(t.Paragraph((t.Text(text),)))
                continue
            for block in handler(self, node):
                # A page break right after another one would only make an empty page: never wanted.
                if isinstance(block, t.PageBreak) and out and isinstance(out[-1], t.PageBreak):
                    self.dropped_breaks.append(self.line)
                else:
                    out.append(block)
        return tuple(out)

    def front_matter(self, node: Node) -> list[t.Block]:
        try:
            data = yaml.load(node.content, Loader=_YAML_LOADER) or {}
        except yaml.YAMLError as exc:
            self.warn(node, f"front matter is not valid YAML: {exc}")
            return []
        if not isinstance(data, dict):
            self.warn(node, "front matter must be a mapping of settings")
            return []
        for key, value in data.items():
            if key not in _META_FIELDS:
                self.warn(node, f"unknown front-matter setting {key!r}; known: {', '.join(_META_FIELDS)}")
            elif isinstance(value, list):
                self.meta[key] = tuple(str(v) for v in value)
            elif key == "toc":
                self.meta[key] = bool(value)
            elif key == "toc_min_pages":
                # Front matter is read without YAML's types: a number arrives as its digits.
                digits = str(value) if not isinstance(value, bool) else ""
                if digits.isascii() and digits.isdigit() and int(digits) <= 1000:
                    self.meta[key] = int(digits)
                else:
                    self.warn(node, f"toc_min_pages {value!r} ignored: expected a whole number of pages "
                                    "from 0 to 1000")
            else:
                self.meta[key] = "" if value is None else str(value)
        return []

    def heading(self, node: Node) -> list[t.Block]:
        level = int(node.tag[1:])
        if level > 3:
            self.warn(node, f"heading level {level} is deeper than 3; shown as level 3")
            level = 3
        return [t.Heading(level, self.inline_of(node))]

    def paragraph(self, node: Node) -> list[t.Block]:
        source = node.children[0].content.strip() if node.children else ""
        if source == PAGE_BREAK:
            if self.boxes:  # a quote or key-facts block is one box on the page; it cannot be cut by hand
                self.warn(node, f"{PAGE_BREAK} inside a quote or key-facts block is ignored; put it between blocks")
                return []
            return [t.PageBreak()]
        if source.startswith(":::"):
            name = (source[3:].split() or ["(unnamed)"])[0]
            self.warn(node, f"unknown container {name!r}; known: {', '.join(CONTAINERS)}; shown as text")
        content = self.inline_of(node)
        images = [c for c in content if isinstance(c, ImageMarker)]
        if images:
            rest = tuple(c for c in content if not isinstance(c, ImageMarker))
            blocks: list[t.Block] = [m.image for m in images]
            return ([t.Paragraph(rest)] if _has_text(rest) else []) + blocks
        return [t.Paragraph(content)] if content else []

    def bullet_list(self, node: Node) -> list[t.Block]:
        for item in node.children:
            first = item.children[0] if item.children else None
            if first is not None and first.type == "paragraph" and first.children and \
                    _TASK.match(first.children[0].content):
                self.unsupported(item, "task list", "printed as plain text, the box as [ ] or [x]")
                break  # one warning per list
        return [t.BulletList(tuple(t.ListItem(self.blocks(item.children)) for item in node.children))]

    def html_block(self, node: Node) -> list[t.Block]:
        self.unsupported(node, "raw HTML", "printed literally")
        text = node.content.strip("\n")
        return [t.Paragraph(_lines(text))] if text.strip() else []

    def fence(self, node: Node) -> list[t.Block]:
        if container_name(node.info) == TIMELINE:
            return timeline(self, node)
        if container_name(node.info) == CHART:
            return chart(self, node)
        self.unsupported(node, "fenced code block", "printed as plain text")
        text = node.content.strip("\n")
        return [t.Paragraph(_lines(text))] if text.strip() else []

    def math_block(self, node: Node) -> list[t.Block]:
        self.unsupported(node, "math", "printed literally")
        return [t.Paragraph((t.Text(f"$${node.content.strip()}$$"),))]

    def ordered_list(self, node: Node) -> list[t.Block]:
        start = int(node.attrs.get("start", 1) or 1)
        return [t.OrderedList(tuple(t.ListItem(self.blocks(i.children)) for i in node.children), start)]

    def blockquote(self, node: Node) -> list[t.Block]:
        return [t.BlockQuote(self.boxed(node.children))]

    def boxed(self, nodes: list[Node]) -> tuple[t.Block, ...]:
        """The blocks of a quote or key-facts value: drawn as one box, so no page break inside."""
        self.boxes += 1
        try:
            return self.blocks(nodes)
        finally:
            self.boxes -= 1

    def quote(self, node: Node) -> list[t.Block]:
        children = list(node.children)
        attribution: t.Inlines = ()
        last = children[-1] if children else None
        if last is not None and last.type == "paragraph" and last.children and \
                last.children[0].content.startswith(ATTRIBUTION_PREFIX):
            children.pop()
            attribution = self.inline_of(last, strip_prefix=len(ATTRIBUTION_PREFIX))
        body: list[t.Block] = []
        for child in children:  # a `>` inside the container is the same quote, not a nested one
            body.extend(self.boxed(child.children) if child.type == "blockquote" else self.boxed([child]))
        return [t.BlockQuote(tuple(body), attribution)]

    def fields(self, node: Node, style: str) -> list[t.Block]:
        rows: list[t.Field] = []
        for child in node.children:
            if child.type != "dl":
                self.warn(child, f"only 'Label' / ': value' rows belong in a {style} block; shown below it")
                continue
            label: t.Inlines = ()
            for part in child.children:
                if part.type == "dt":
                    label = self.inline_of(part)
                elif part.type == "dd":
                    rows.append(t.Field(label, self.boxed(part.children)))
        extra = [c for c in node.children if c.type != "dl"]
        return [t.FieldTable(tuple(rows), style), *self.blocks(extra)]  # type: ignore[arg-type]

    def table(self, node: Node) -> list[t.Block]:
        header: tuple[t.Inlines, ...] = ()
        rows: list[tuple[t.Inlines, ...]] = []
        align: tuple[t.Align, ...] = ()
        for section in node.children:
            for row in section.children:
                cells = tuple(self.inline_of(cell) for cell in row.children)
                if section.type == "thead":
                    header = cells
                    align = tuple(_align(cell) for cell in row.children)
                else:
                    rows.append(cells)
        return [t.Table(header, tuple(rows), align)]


_TASK = re.compile(r"\[[ xX]\]\s")


def _lines(text: str) -> t.Inlines:
    """Text whose line breaks are kept as hard breaks (raw HTML and code shown as written)."""
    out: list[t.Inline] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append(t.LineBreak())
        if line:
            out.append(t.Text(line))
    return tuple(out)


def _has_text(content: t.Inlines) -> bool:
    return any(not isinstance(c, t.Text) or c.text.strip() for c in content)


def _align(cell: Node) -> t.Align:
    style = str(cell.attrs.get("style", ""))
    if "right" in style:
        return "right"
    if "center" in style:
        return "center"
    return "left"


_BLOCKS: dict[str, Callable[[BlockConverter, Node], list[t.Block]]] = {
    "front_matter": BlockConverter.front_matter,
    "heading": BlockConverter.heading,
    "paragraph": BlockConverter.paragraph,
    "bullet_list": BlockConverter.bullet_list,
    "ordered_list": BlockConverter.ordered_list,
    "blockquote": BlockConverter.blockquote,
    "hr": lambda c, n: [t.HorizontalRule()],
    "table": BlockConverter.table,
    "html_block": BlockConverter.html_block,
    "fence": BlockConverter.fence,
    "math_block": BlockConverter.math_block,
    "container_block": lambda c, n: _CONTAINERS[container_name(n.info)](c, n),
}

_CONTAINERS: dict[str, Callable[[BlockConverter, Node], list[t.Block]]] = {
    "quote": BlockConverter.quote,
    "keyfacts": lambda c, n: c.fields(n, "keyfacts"),
    "memo-header": lambda c, n: c.fields(n, "memo-header"),
}
