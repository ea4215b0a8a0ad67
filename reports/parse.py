"""Markdown -> document tree, on markdown-it-py: one small converter per syntax-node type.

compose -> **parse** -> write. The parser starts from markdown-it's ``zero`` preset and enables only what
the tree can express (raw HTML stays off). Markdown never fails to parse, so whatever the tree cannot hold
becomes a warning with the template's name and line, and degrades to plain text rather than vanish.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from reports import tree as t

CONTAINERS = ("keyfacts", "memo-header", "quote")
PAGE_BREAK = "\\newpage"
ATTRIBUTION_PREFIX = "-- "
SAFE_SCHEMES = ("http://", "https://", "mailto:")
_META_FIELDS = {f.name: f for f in dataclasses.fields(t.Meta) if f.compare}  # front-matter settings
# libyaml's loader where PyYAML has it: the same safe types, and front matter costs ten times less.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The one configured parser, built once per process."""
    # Raw HTML, strikethrough, fenced code and $math$ are recognised only to be warned about and
    # printed as text (see _UNSUPPORTED): left off, they would print literally without a word.
    md = MarkdownIt("zero", {"html": True, "linkify": False, "typographer": False})
    md.enable(["heading", "lheading", "list", "table", "blockquote", "hr", "emphasis", "backticks",
               "link", "image", "newline", "escape", "entity", "strikethrough", "html_inline", "html_block",
               "fence"])
    front_matter_plugin(md)
    deflist_plugin(md)
    footnote_plugin(md)
    # Prices are not maths: "$5 and $10" must stay text (no space inside the dollars, no digit after).
    dollarmath_plugin(md, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True)
    # `{width=60%}` after an image. mdit-py-plugins' attrs plugin refuses the bare `60%` that pandoc
    # and the syntax use, so this one small rule reads `key=value` pairs after an image only.
    md.inline.ruler.push("image_attrs", _image_attrs_rule)
    # One rule for all our containers (one per name would try each line three times).
    container_plugin(md, "block", validate=lambda params, *_: _container_name(params) in CONTAINERS)
    return md


_IMAGE_ATTRS = re.compile(r"\{[ \t]*((?:[A-Za-z][\w-]*=(?:\"[^\"\n{}]*\"|[^\s\"{}]+)[ \t]*)+)\}")
_IMAGE_ATTR = re.compile(r"([A-Za-z][\w-]*)=(?:\"([^\"]*)\"|(\S+))")


def _image_attrs_rule(state: StateInline, silent: bool) -> bool:
    """``{key=value ...}`` right after an image: the pairs go in the image token's meta["attrs"]."""
    if state.pending or not state.tokens or state.tokens[-1].type != "image" or state.src[state.pos] != "{":
        return False
    match = _IMAGE_ATTRS.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        pairs = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
                 for m in _IMAGE_ATTR.finditer(match.group(1))}
        state.tokens[-1].meta = {**state.tokens[-1].meta, "attrs": pairs}
    state.pos = match.end()
    return True


def _container_name(info: str) -> str:
    """The name after a ``:::`` fence ("::: keyfacts" -> "keyfacts"), or "" if there is none."""
    words = info.split(maxsplit=1)
    return words[0] if words else ""


class Node:
    """One node of markdown-it's token stream as a tree: an open/close pair and what lies between, or a
    single token. (markdown-it's own SyntaxTreeNode does the same in general, at several times the cost.)"""

    __slots__ = ("attrs", "children", "content", "info", "map", "meta", "tag", "type")

    def __init__(self, token: Token, node_type: str, children: list[Node]) -> None:
        self.type = node_type
        self.tag = token.tag
        self.attrs = token.attrs
        self.map = token.map
        self.content = token.content
        self.info = token.info
        self.meta = token.meta
        self.children = children


def tree_of(tokens: list[Token]) -> list[Node]:
    """Nest a flat token stream (markdown-it's output) into nodes; inline tokens' children too."""
    top: list[Node] = []
    levels = [top]
    for token in tokens:
        if token.nesting == 1:
            node = Node(token, token.type[:-5], [])  # "paragraph_open" -> "paragraph"
            levels[-1].append(node)
            levels.append(node.children)
        elif token.nesting == -1:
            levels.pop()
        else:
            levels[-1].append(Node(token, token.type, tree_of(token.children) if token.children else []))
    return top


class _Converter:
    """Per-document state: the template name for warnings, the image folder, and the warnings."""

    def __init__(self, template: str, image_base: Path | None) -> None:
        self.template = template
        self.image_base = image_base
        self.warnings: list[t.ParseWarning] = []
        self.meta: dict[str, Any] = {}
        self.line: int | None = None  # the line of the block being converted (inline nodes have none)
        self.boxes = 0  # how many quote or key-facts blocks enclose the block being converted
        self.dropped_breaks: list[int | None] = []  # lines of page breaks that would make empty pages
        self.notes: dict[int, tuple[t.Paragraph, ...]] = {}  # footnote id -> its paragraphs
        self.in_note = False
        self.figures = 0  # numbered (captioned) figures so far

    def warn(self, node: Node, message: str) -> None:
        # Inline nodes carry no line: they are blamed on the line of the block holding them.
        line = node.map[0] + 1 if node.map else self.line
        self.warnings.append(t.ParseWarning(self.template, line, message))

    def unsupported(self, node: Node, what: str, how: str = "printed as plain text") -> None:
        self.warn(node, f"unsupported Markdown: {what} ({how})")

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
        images = [c for c in content if isinstance(c, _ImageMarker)]
        if images:
            rest = tuple(c for c in content if not isinstance(c, _ImageMarker))
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
        if _container_name(node.info) == TIMELINE:
            return self.timeline(node)
        self.unsupported(node, "fenced code block", "printed as plain text")
        text = node.content.strip("\n")
        return [t.Paragraph(_lines(text))] if text.strip() else []

    def timeline(self, node: Node) -> list[t.Block]:
        """A ```` ```timeline ```` block: one ``DATE | LABEL`` or ``DATE | LABEL | milestone`` a line.

        The block's text is raw (a fence), but the template's data in it was escaped for Markdown by
        compose: backslash escapes are read back here and a ``|`` only divides where it is not escaped,
        so a label is printed exactly as the data holds it. A line that cannot be read is a warning
        naming its own line and is left out; the events are put in date order.
        """
        first = node.map[0] + 2 if node.map else None  # the line after the opening fence
        options = self.timeline_options(node)
        events: list[t.TimelineEvent] = []
        for i, raw in enumerate(node.content.split("\n")):
            line = None if first is None else first + i
            if not raw.strip():
                continue
            event = self.timeline_event(raw, line)
            if event is not None:
                events.append(event)
        if len(events) > MAX_TIMELINE_EVENTS:
            self.warnings.append(t.ParseWarning(self.template, first, (
                f"timeline of {len(events)} events: only the first {MAX_TIMELINE_EVENTS} in date order are "
                "drawn (put the rest in a table)")))
        events.sort(key=lambda e: e.date)  # stable: equal dates keep the template's order
        events = events[:MAX_TIMELINE_EVENTS]
        if not events:
            self.warn(node, "timeline block has no events (one 'YYYY-MM-DD | label' a line); nothing is drawn")
            return []
        number = None
        if options.get("caption"):
            self.figures += 1
            number = self.figures
        return [t.Timeline(tuple(events), options.get("as-of", ""), options.get("alt", ""),
                           options.get("caption", ""), number)]

    def timeline_options(self, node: Node) -> dict[str, str]:
        """``as-of=YYYY-MM-DD``, ``caption="..."`` and ``alt="..."`` after ```` ```timeline ````."""
        rest = node.info.strip()[len(TIMELINE):]
        options: dict[str, str] = {}
        for match in _IMAGE_ATTR.finditer(rest):
            key, value = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
            value = " ".join(_unescape(value).split())
            if key not in ("as-of", "caption", "alt"):
                self.warn(node, f"timeline option {key!r} ignored; known: as-of, caption, alt")
            elif key == "as-of" and _iso_date(value) is None:
                self.warn(node, f"timeline as-of {value!r} ignored: expected a date as YYYY-MM-DD")
            else:
                options[key] = value
        return options

    def timeline_event(self, raw: str, line: int | None) -> t.TimelineEvent | None:
        def warn(message: str) -> None:
            self.warnings.append(t.ParseWarning(self.template, line, f"timeline line left out: {message}"))

        cells = [" ".join(_unescape(cell).split()) for cell in _cells(raw)]
        if len(cells) < 2 or len(cells) > 3:
            warn(f"expected 'YYYY-MM-DD | label' or 'YYYY-MM-DD | label | milestone', found {_short(raw)!r}")
            return None
        date = _iso_date(cells[0])
        if date is None:
            warn(f"{_short(cells[0])!r} is not a date as YYYY-MM-DD")
            return None
        flags = cells[2].lower().split() if len(cells) == 3 else []
        unknown = [f for f in flags if f != "milestone"]
        if unknown:
            warn(f"unknown flag {_short(unknown[0])!r}; the third column may only say 'milestone'")
            return None
        if not cells[1]:
            warn(f"the event of {date} has no label")
            return None
        return t.TimelineEvent(date, cells[1], "milestone" in flags)

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

    # ------------------------------------------------------------------ inlines

    def inline_of(self, node: Node, strip_prefix: int = 0) -> t.Inlines:
        inline = node.children[0] if node.children and node.children[0].type == "inline" else node
        children = inline.children
        if not children and inline.type == "inline" and inline.content:
            # An inline footnote's (^[...]) text comes back from the plugin unparsed.
            children = tree_of(parser().parseInline(inline.content))[0].children
        content = self.inlines(children)
        if strip_prefix and content and isinstance(content[0], t.Text):
            rest = content[0].text[strip_prefix:]
            content = ((t.Text(rest),) if rest else ()) + content[1:]
        return _merge_text(content)

    def inlines(self, nodes: list[Node]) -> t.Inlines:
        out: list[t.Inline] = []
        for node in nodes:
            handler = _INLINES.get(node.type)
            if handler is None:
                self.unsupported(node, node.type.replace("_", " "))
                out.append(t.Text(self.plain(node)))
                continue
            out.extend(handler(self, node))
        return tuple(out)

    def link(self, node: Node) -> list[t.Inline]:
        url = str(node.attrs.get("href", ""))
        children = _merge_text(self.inlines(node.children))
        if not url.lower().startswith(SAFE_SCHEMES):
            self.warn(node, f"link to {url!r} dropped: only http, https and mailto links are allowed")
            return list(children)
        return [t.Link(children, url)]

    def image(self, node: Node) -> list[t.Inline]:
        src = str(node.attrs.get("src", ""))
        alt = self.plain(node)
        caption = " ".join(str(node.attrs.get("title", "")).split())
        path = self._local_image(node, src)
        if path is None:
            return [t.Text(alt)] if alt else []
        if not alt.strip():
            self.warn(node, f"image {src!r} has no alt text: screen readers skip it (say what it shows: "
                            f"![what it shows]({src}))")
        width_mm, width_percent = self.image_width(node)
        number = None
        if caption:
            self.figures += 1
            number = self.figures
        image = t.Image(str(path), alt, width_mm, width_percent, caption, number, template=self.template,
                        line=self.line)
        return [_ImageMarker(image)]  # type: ignore[list-item]

    def image_width(self, node: Node) -> tuple[float | None, float | None]:
        """(width in mm, width in % of the text width) from ``{width=...}``; a bad value is a warning."""
        attrs: dict[str, str] = (node.meta or {}).get("attrs", {})
        for key in attrs:
            if key != "width":
                self.warn(node, f"image attribute {key!r} ignored; known: width")
        value = attrs.get("width")
        if value is None:
            return None, None
        match = _WIDTH.fullmatch(value.strip())
        if match:
            number, unit = float(match.group(1)), match.group(2)
            if unit == "%" and 0 < number <= 100:
                return None, number
            if unit in _MM_PER and number > 0:
                return number * _MM_PER[unit], None
        self.warn(node, f"image width {value!r} ignored: give a percentage of the text width (1% to 100%) "
                        "or a length in mm, cm or in, e.g. {width=60%} or {width=80mm}")
        return None, None

    def footnote_ref(self, node: Node) -> list[t.Inline]:
        label = node.meta.get("label")
        shown = f"[^{label}]" if label else "^[...]"
        if self.in_note:
            self.warn(node, f"a footnote inside a footnote is not supported: {shown} is printed as text")
            return [t.Text(shown)]
        blocks = self.notes.get(int(node.meta["id"]))
        if blocks is None:  # not expected from the plugin; never lose the reference silently
            self.warn(node, f"footnote {shown} has no text; printed as text")
            return [t.Text(shown)]
        return [t.Note(blocks)]

    def strikethrough(self, node: Node) -> list[t.Inline]:
        self.unsupported(node, "strikethrough", "printed as plain text")
        return list(self.inlines(node.children))

    def html_inline(self, node: Node) -> list[t.Inline]:
        self.unsupported(node, "raw HTML", "printed literally")
        return [t.Text(node.content)]

    def math_inline(self, node: Node, fence: str = "$") -> list[t.Inline]:
        self.unsupported(node, "math", "printed literally")
        return [t.Text(f"{fence}{node.content}{fence}")]

    def _local_image(self, node: Node, src: str) -> Path | None:
        # Images come only from local files inside the allowed folder: nothing is fetched over the
        # network (reportlab would fetch http URLs: CVE-2020-28463) and nothing outside is read.
        if "://" in src or src.startswith(("data:", "//")):
            self.warn(node, f"image {src!r} skipped: only local image files are allowed")
            return None
        if self.image_base is None:
            self.warn(node, f"image {src!r} skipped: no image folder is configured")
            return None
        relative = Path(src)
        base = self.image_base.resolve()
        target = (base / relative).resolve()
        if relative.is_absolute() or not target.is_relative_to(base):
            self.warn(node, f"image {src!r} skipped: it must be inside {base}")
            return None
        if not target.is_file():
            self.warn(node, f"image {src!r} skipped: file not found")
            return None
        return target

    def plain(self, node: Node) -> str:
        if node.type in ("text", "code_inline"):
            return node.content
        if node.type in ("softbreak", "hardbreak"):
            return " "
        return "".join(self.plain(child) for child in node.children) or node.content


@dataclasses.dataclass(frozen=True)
class _ImageMarker:
    """An image met inline; lifted out of its paragraph into a block by ``paragraph``."""

    image: t.Image


_TASK = re.compile(r"\[[ xX]\]\s")
TIMELINE = "timeline"  # the info word of a fenced block that parse turns into a Timeline figure
MAX_TIMELINE_EVENTS = 500  # a figure of more would be unreadable; the table holds them all
_ESCAPE_OR_BAR = re.compile(r"\\.|\|")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _cells(line: str) -> list[str]:
    """``line`` cut at every ``|`` that is not escaped (an escaped backslash before a bar still cuts)."""
    cells: list[str] = []
    start = 0
    for match in _ESCAPE_OR_BAR.finditer(line):
        if match.group() == "|":
            cells.append(line[start:match.start()])
            start = match.end()
    cells.append(line[start:])
    return cells


def _unescape(text: str) -> str:
    """Markdown's backslash escapes read back (what compose's ``escape_markdown`` wrote)."""
    return _BACKSLASH_ESCAPE.sub(r"\1", text)


def _iso_date(text: str) -> str | None:
    """``text`` if it is a real date written YYYY-MM-DD, else None."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
_WIDTH = re.compile(r"(\d+(?:\.\d+)?)\s*(%|mm|cm|in)")
_MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4}


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


def _merge_text(content: t.Inlines) -> t.Inlines:
    # markdown-it splits text at every escape; adjacent Text nodes read better merged (and dump shorter).
    out: list[t.Inline] = []
    for item in content:
        if isinstance(item, t.Text) and not item.text:
            continue
        if isinstance(item, t.Text) and out and isinstance(out[-1], t.Text):
            out[-1] = t.Text(out[-1].text + item.text)
        else:
            out.append(item)
    return tuple(out)


_BLOCKS: dict[str, Callable[[_Converter, Node], list[t.Block]]] = {
    "front_matter": _Converter.front_matter,
    "heading": _Converter.heading,
    "paragraph": _Converter.paragraph,
    "bullet_list": _Converter.bullet_list,
    "ordered_list": _Converter.ordered_list,
    "blockquote": _Converter.blockquote,
    "hr": lambda c, n: [t.HorizontalRule()],
    "table": _Converter.table,
    "html_block": _Converter.html_block,
    "fence": _Converter.fence,
    "math_block": _Converter.math_block,
    "container_block": lambda c, n: _CONTAINERS[_container_name(n.info)](c, n),
}

_CONTAINERS: dict[str, Callable[[_Converter, Node], list[t.Block]]] = {
    "quote": _Converter.quote,
    "keyfacts": lambda c, n: c.fields(n, "keyfacts"),
    "memo-header": lambda c, n: c.fields(n, "memo-header"),
}

_INLINES: dict[str, Callable[[_Converter, Node], list[t.Inline]]] = {
    "text": lambda c, n: [t.Text(n.content)],
    "softbreak": lambda c, n: [t.Text(" ")],
    "hardbreak": lambda c, n: [t.LineBreak()],
    "strong": lambda c, n: [t.Strong(_merge_text(c.inlines(n.children)))],
    "em": lambda c, n: [t.Emphasis(_merge_text(c.inlines(n.children)))],
    "code_inline": lambda c, n: [t.Code(n.content)],
    "link": _Converter.link,
    "image": _Converter.image,
    "footnote_ref": _Converter.footnote_ref,
    "footnote_anchor": lambda c, n: [],  # the "back to the text" arrow of HTML output
    "s": _Converter.strikethrough,
    "html_inline": _Converter.html_inline,
    "math_inline": _Converter.math_inline,
    "math_inline_double": lambda c, n: c.math_inline(n, "$$"),
}


def parse_markdown(text: str, *, template: str = "<string>",
                   image_base: Path | None = None) -> tuple[t.Document, list[t.ParseWarning]]:
    """Parse Markdown (with optional YAML front matter) into a document and its warnings."""
    converter = _Converter(template, image_base)
    blocks = converter.blocks(converter.footnotes(tree_of(parser().parse(text))))
    if blocks and isinstance(blocks[-1], t.PageBreak):  # nothing follows it: it would make an empty page
        blocks = blocks[:-1]
        converter.dropped_breaks.append(converter.line)
    if converter.dropped_breaks:  # one warning for them all: a loop can make thousands
        count = len(converter.dropped_breaks)
        converter.warnings.append(t.ParseWarning(template, converter.dropped_breaks[0], (
            f"{count} page break{'s' if count > 1 else ''} dropped: a page break right after another one "
            "or at the end of the document would only make an empty page")))
    meta_values = dict(converter.meta)
    if not meta_values.get("title"):
        first = next((b for b in blocks if isinstance(b, t.Heading)), None)
        meta_values["title"] = _plain_inlines(first.content) if first else ""
    return t.Document(t.Meta(**meta_values, source=template), blocks), converter.warnings


def _plain_inlines(content: t.Inlines) -> str:
    parts: list[str] = []
    for item in content:
        if isinstance(item, t.Text | t.Code):
            parts.append(item.text)
        elif isinstance(item, t.Note):
            continue
        elif isinstance(item, t.Strong | t.Emphasis | t.Link):
            parts.append(_plain_inlines(item.children))
    return "".join(parts)
