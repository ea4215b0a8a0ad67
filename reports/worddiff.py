"""The word-level redline of one run of inlines: the old and the new paragraph's content as one content
with ``Inserted``, ``Deleted`` and ``Restyled`` marks.

Both contents are flattened to leaves: a word, a space or a single CJK character of text (so that a
change inside a Chinese sentence marks the characters that changed, not the sentence), or one atom
(``Code``, ``LineBreak``, ``Note``), each with the path of formatting it sits in (strong, emphasis, a
link). The leaves are aligned with difflib; the result is built back from the leaves with the marks
innermost, inside the formatting (Word allows ``w:ins`` inside a hyperlink, not a hyperlink inside
``w:ins``). Dropping every ``Deleted`` and unwrapping the rest gives exactly the new content; dropping
every ``Inserted`` gives the old one's leaves in the old order (the old formatting where ``Restyled``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from reports import tree as t

# A word of letters or digits (not CJK), a run of spaces, or any other single character: a CJK ideograph,
# kana or hangul is a word of its own, as a punctuation mark is.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
_TOKEN = re.compile(rf"\s+|[^\W{_CJK}]+|.", re.DOTALL)

# Past this many leaf pairs a run is marked as wholly replaced: difflib's alignment is quadratic, and a
# 20,000-word paragraph rewritten reads no worse as one deletion and one insertion.
MAX_PAIRS = 4_000_000

Wrap = tuple[str, str]  # ("strong", ""), ("emphasis", ""), ("link", url)
Atom = str | t.Code | t.LineBreak | t.Note
Mark = tuple[str, str]  # ("", ""), ("inserted", ""), ("deleted", ""), ("restyled", was)

_PLAIN: Mark = ("", "")
_INSERTED: Mark = ("inserted", "")
_DELETED: Mark = ("deleted", "")


@dataclass(frozen=True, slots=True)
class Leaf:
    path: tuple[Wrap, ...]
    atom: Atom

    @property
    def key(self) -> object:
        """What two leaves are compared by: their text or atom, not their formatting."""
        return self.atom


def leaves(content: t.Inlines, path: tuple[Wrap, ...] = ()) -> list[Leaf]:
    """``content`` as leaves in reading order."""
    out: list[Leaf] = []
    for node in content:
        if isinstance(node, t.Text):
            out.extend(Leaf(path, word) for word in _TOKEN.findall(node.text))
        elif isinstance(node, t.Strong):
            out.extend(leaves(node.children, (*path, ("strong", ""))))
        elif isinstance(node, t.Emphasis):
            out.extend(leaves(node.children, (*path, ("emphasis", ""))))
        elif isinstance(node, t.Link):
            out.extend(leaves(node.children, (*path, ("link", node.url))))
        elif isinstance(node, t.Code | t.LineBreak | t.Note):
            out.append(Leaf(path, node))
        else:  # a marked tree is never diffed again
            raise TypeError(f"cannot compare a {type(node).__name__} inline")
    return out


def diff(old: t.Inlines, new: t.Inlines) -> t.Inlines:
    """The new content with the old one's differences marked (``new`` itself when they are the same)."""
    if old == new:
        return new
    a, b = leaves(old), leaves(new)
    marked: list[tuple[Leaf, Mark]] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            for was, now in zip(a[i1:i2], b[j1:j2], strict=True):
                marked.append((now, _PLAIN if was.path == now.path else ("restyled", _innermost(was))))
        else:
            marked.extend((leaf, _DELETED) for leaf in a[i1:i2])
            marked.extend((leaf, _INSERTED) for leaf in b[j1:j2])
    return build(marked)


def line(old: t.Inlines, new: t.Inlines) -> t.Inlines:
    """One line of a writer's own (a title, a byline) in a redline: ``new`` with its changes since
    ``old`` marked; a line only one version has (the other is empty) is wholly inserted or deleted."""
    if not old or not new:
        return (t.Inserted(new),) if new else (t.Deleted(old),) if old else ()
    return diff(old, new)


def whole(content: t.Inlines, change: str) -> t.Inlines:
    """``content`` marked as wholly ``change`` ("inserted" or "deleted"), its formatting kept."""
    mark: Mark = (change, "")
    return build([(leaf, mark) for leaf in leaves(content)])


def _opcodes(a: Sequence[Leaf], b: Sequence[Leaf]) -> list[tuple[str, int, int, int, int]]:
    if len(a) * len(b) > MAX_PAIRS:
        return [("replace", 0, len(a), 0, len(b))]
    matcher = SequenceMatcher(None, [leaf.key for leaf in a], [leaf.key for leaf in b], autojunk=False)
    return _absorb_spaces(matcher.get_opcodes(), a)


def _absorb_spaces(codes: Sequence[tuple[str, int, int, int, int]],
                   a: Sequence[Leaf]) -> list[tuple[str, int, int, int, int]]:
    """Fold a run of equal spaces between two changes into one replacement: "two words" changed to "one
    phrase" reads as one change, not "~~two~~one ~~words~~phrase" with the space kept between."""
    out: list[tuple[str, int, int, int, int]] = []
    for index, code in enumerate(codes):
        tag, i1, i2, j1, j2 = code
        between = 0 < index < len(codes) - 1 and out and out[-1][0] != "equal" and codes[index + 1][0] != "equal"
        if tag == "equal" and between and all(isinstance(x.atom, str) and x.atom.isspace() for x in a[i1:i2]):
            tag = "replace"
        if out and tag != "equal" and out[-1][0] != "equal":
            _, p1, _, q1, _ = out.pop()
            out.append(("replace", p1, i2, q1, j2))
        else:
            out.append((tag, i1, i2, j1, j2))
    return out


def _innermost(leaf: Leaf) -> str:
    if isinstance(leaf.atom, t.Code):
        return "code"
    return leaf.path[-1][0] if leaf.path else ""


def build(marked: Iterable[tuple[Leaf, Mark]], depth: int = 0) -> t.Inlines:
    """Inlines from marked leaves: formatting outside, marks innermost, adjacent text merged."""
    out: list[t.Inline] = []
    items = list(marked)
    index = 0
    while index < len(items):
        leaf, _ = items[index]
        if len(leaf.path) > depth:  # a run of leaves inside the same formatting at this depth
            wrap = leaf.path[depth]
            end = index
            while end < len(items) and len(items[end][0].path) > depth and items[end][0].path[depth] == wrap:
                end += 1
            out.append(_wrapped(wrap, build(items[index:end], depth + 1)))
        else:
            end = index
            while end < len(items) and len(items[end][0].path) == depth and items[end][1] == items[index][1]:
                end += 1
            out.append(_marked(items[index][1], _atoms([leaf.atom for leaf, _ in items[index:end]])))
        index = end
    return _unwrap_plain(out)


def _atoms(atoms: list[Atom]) -> t.Inlines:
    out: list[t.Inline] = []
    for atom in atoms:
        if isinstance(atom, str):
            if out and isinstance(out[-1], t.Text):
                out[-1] = t.Text(out[-1].text + atom)
            else:
                out.append(t.Text(atom))
        else:
            out.append(atom)
    return tuple(out)


class _Plain:
    """A run without a mark, unwrapped by ``_unwrap_plain`` (so that ``_marked`` returns one node)."""

    __slots__ = ("children",)

    def __init__(self, children: t.Inlines) -> None:
        self.children = children


def _marked(mark: Mark, children: t.Inlines) -> t.Inline:
    change, was = mark
    if change == "inserted":
        return t.Inserted(children)
    if change == "deleted":
        return t.Deleted(children)
    if change == "restyled":
        return t.Restyled(children, was)
    return _Plain(children)  # type: ignore[return-value]


def _unwrap_plain(nodes: list[t.Inline]) -> t.Inlines:
    out: list[t.Inline] = []
    for node in nodes:
        for child in (node.children if isinstance(node, _Plain) else (node,)):
            if isinstance(child, t.Text) and out and isinstance(out[-1], t.Text):
                out[-1] = t.Text(out[-1].text + child.text)
            else:
                out.append(child)
    return tuple(out)


def _wrapped(wrap: Wrap, children: t.Inlines) -> t.Inline:
    name, url = wrap
    if name == "strong":
        return t.Strong(children)
    if name == "emphasis":
        return t.Emphasis(children)
    return t.Link(children, url)


def accept(content: t.Inlines) -> t.Inlines:
    """``content`` with every change accepted: deletions dropped, other marks unwrapped (for tests and
    for the redline's own check that it is exact)."""
    return _resolve(content, keep="inserted")


def reject(content: t.Inlines) -> t.Inlines:
    """``content`` with every change rejected: insertions dropped, deletions kept. A ``Restyled`` run
    keeps its new formatting here (its old one is only its name); compare text with ``plain``."""
    return _resolve(content, keep="deleted")


def _resolve(content: t.Inlines, keep: str) -> t.Inlines:
    out: list[t.Inline] = []
    for node in content:
        if isinstance(node, t.Inserted | t.Deleted):
            if (keep == "inserted") == isinstance(node, t.Inserted):
                out.extend(_resolve(node.children, keep))
        elif isinstance(node, t.Restyled):
            out.extend(_resolve(node.children, keep))
        elif isinstance(node, t.Strong | t.Emphasis):
            out.append(type(node)(_resolve(node.children, keep)))
        elif isinstance(node, t.Link):
            out.append(t.Link(_resolve(node.children, keep), node.url))
        else:
            out.append(node)
    return _unwrap_plain([n for n in out if not (isinstance(n, t.Strong | t.Emphasis | t.Link) and not n.children)])


def plain(content: t.Inlines) -> str:
    """The text of ``content`` (notes and code included), for comparing what a reader reads."""
    parts: list[str] = []
    for node in content:
        if isinstance(node, t.Text | t.Code):
            parts.append(node.text)
        elif isinstance(node, t.LineBreak):
            parts.append("\n")
        elif isinstance(node, t.Note):
            parts.append("[" + " ".join(plain(p.content) for p in node.blocks) + "]")
        else:
            parts.append(plain(node.children))
    return "".join(parts)
