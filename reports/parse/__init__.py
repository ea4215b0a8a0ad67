"""Markdown -> document tree, on markdown-it-py: one small converter per syntax-node type.

compose -> **parse** -> write. The parser starts from markdown-it's ``zero`` preset and enables only what
the tree can express (raw HTML stays off). Markdown never fails to parse, so whatever the tree cannot hold
becomes a warning with the template's name and line, and degrades to plain text rather than vanish.

The package: ``markdown`` configures markdown-it and nests its tokens into nodes, ``inlines`` and
``blocks`` convert the nodes (``BlockConverter`` extends ``InlineConverter``, whose state both share),
``figures`` reads the fenced blocks that become figures (the timeline), ``quotes`` sets the quotation
marks of the finished tree for its language. This module is the entry: ``parse_markdown`` runs them over
one document and settles what only the whole document decides (page breaks with nothing after them, the
title, the quotation marks).
"""

from __future__ import annotations

from pathlib import Path

from reports import tree as t
from reports.parse.blocks import ATTRIBUTION_PREFIX, PAGE_BREAK, BlockConverter
from reports.parse.figures import MAX_TIMELINE_EVENTS, TIMELINE
from reports.parse.inlines import SAFE_SCHEMES
from reports.parse.markdown import CONTAINERS, Node, parser, tree_of
from reports.parse.quotes import typeset_quotes

__all__ = ["ATTRIBUTION_PREFIX", "CONTAINERS", "MAX_TIMELINE_EVENTS", "PAGE_BREAK", "SAFE_SCHEMES", "TIMELINE",
           "Node", "parse_markdown", "parser", "tree_of"]


def parse_markdown(text: str, *, template: str = "<string>",
                   image_base: Path | None = None) -> tuple[t.Document, list[t.ParseWarning]]:
    """Parse Markdown (with optional YAML front matter) into a document and its warnings; its quotation
    marks and apostrophes are set for the front matter's ``language`` (``reports.parse.quotes``)."""
    converter = BlockConverter(template, image_base)
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
    document = t.Document(t.Meta(**meta_values, source=template), blocks)
    return typeset_quotes(document), converter.warnings


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
