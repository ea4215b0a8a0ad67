r"""Inline nodes -> the tree's inlines, and the per-document state every converter shares.

``InlineConverter`` holds what one document's conversion carries along (the template name for
warnings, the image folder, the warnings, the block's line, the footnotes met so far, the figure
count) and converts text, emphasis, code, links (http, https and mailto only), images (local files
inside the image folder only, with their ``{width=...}``) and footnote references; strikethrough, raw
HTML and maths are shown as text with a warning. ``BlockConverter`` (reports.parse.blocks) adds the
blocks. An image met inline comes back as an ``ImageMarker`` for the paragraph to lift out.

An address printed as text (a URL, ``www.``, an e-mail address) becomes a link to itself
(``reports.autolink``), whether the template or the data wrote it. Not markdown-it's linkify: data is
escaped (``https\://x.org/a\_b``), and linkify runs before escaped characters rejoin their text, so it
never sees such an address whole; the tree is where its text is whole again, and code is apart.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from reports import tree as t
from reports.autolink import link_addresses
from reports.parse.markdown import Node, parser, tree_of

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class InlineConverter:
    """Per-document state: the template name for warnings, the image folder, and the warnings; and the
    conversion of inline nodes."""

    def __init__(self, template: str, image_base: Path | None) -> None:
        self.template = template
        self.image_base = image_base
        self.warnings: list[t.ParseWarning] = []
        self.line: int | None = None  # the line of the block being converted (inline nodes have none)
        self.notes: dict[int, tuple[t.Paragraph, ...]] = {}  # footnote id -> its paragraphs
        self.in_note = False
        self.figures = 0  # numbered (captioned) figures so far

    def warn(self, node: Node, message: str) -> None:
        # Inline nodes carry no line: they are blamed on the line of the block holding them.
        line = node.map[0] + 1 if node.map else self.line
        self.warnings.append(t.ParseWarning(self.template, line, message))

    def unsupported(self, node: Node, what: str, how: str = "printed as plain text") -> None:
        self.warn(node, f"unsupported Markdown: {what} ({how})")

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
        return link_addresses(_merge_text(content))

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
        return [ImageMarker(image)]  # type: ignore[list-item]

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
class ImageMarker:
    """An image met inline; lifted out of its paragraph into a block by ``paragraph``."""

    image: t.Image


_WIDTH = re.compile(r"(\d+(?:\.\d+)?)\s*(%|mm|cm|in)")
_MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4}


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


_INLINES: dict[str, Callable[[InlineConverter, Node], list[t.Inline]]] = {
    "text": lambda c, n: [t.Text(n.content)],
    "softbreak": lambda c, n: [t.Text(" ")],
    "hardbreak": lambda c, n: [t.LineBreak()],
    "strong": lambda c, n: [t.Strong(_merge_text(c.inlines(n.children)))],
    "em": lambda c, n: [t.Emphasis(_merge_text(c.inlines(n.children)))],
    "code_inline": lambda c, n: [t.Code(n.content)],
    "link": InlineConverter.link,
    "image": InlineConverter.image,
    "footnote_ref": InlineConverter.footnote_ref,
    "footnote_anchor": lambda c, n: [],  # the "back to the text" arrow of HTML output
    "s": InlineConverter.strikethrough,
    "html_inline": InlineConverter.html_inline,
    "math_inline": InlineConverter.math_inline,
    "math_inline_double": lambda c, n: c.math_inline(n, "$$"),
}
