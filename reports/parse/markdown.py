"""The markdown-it side of parse: the one configured parser and its token stream nested as a tree.

Owns which Markdown syntax is recognised (markdown-it's ``zero`` preset with only what the tree can
express, or what must be warned about, enabled), the plugins (front matter, definition lists,
footnotes, dollar maths, our ``:::`` containers) and the small inline rule that reads ``{key=value}``
after an image. ``Node`` and ``tree_of`` turn markdown-it's flat tokens into the nodes the converters
walk. Nothing here knows the document tree.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

CONTAINERS = ("keyfacts", "memo-header", "quote")


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
    container_plugin(md, "block", validate=lambda params, *_: container_name(params) in CONTAINERS)
    return md


# An unquoted value runs to a space, '}' or '"' (the lookahead): without it "{a=b=b=b=b..." could be cut
# into pairs in exponentially many ways before the missing '}' was found.
_IMAGE_ATTRS = re.compile(r"\{[ \t]*((?:[A-Za-z][\w-]*=(?:\"[^\"\n{}]*\"|[^\s\"{}]+(?=[\s}\"]))[ \t]*)+)\}")
IMAGE_ATTR = re.compile(r"([A-Za-z][\w-]*)=(?:\"([^\"]*)\"|(\S+))")


def _image_attrs_rule(state: StateInline, silent: bool) -> bool:
    """``{key=value ...}`` right after an image: the pairs go in the image token's meta["attrs"]."""
    if state.pending or not state.tokens or state.tokens[-1].type != "image" or state.src[state.pos] != "{":
        return False
    match = _IMAGE_ATTRS.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        pairs = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
                 for m in IMAGE_ATTR.finditer(match.group(1))}
        state.tokens[-1].meta = {**state.tokens[-1].meta, "attrs": pairs}
    state.pos = match.end()
    return True


def container_name(info: str) -> str:
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
