"""The block-level redline: two documents' blocks as one sequence with their differences marked.

Blocks are aligned with difflib on their whole value (a frozen tree node compares by content). Where a
run of old blocks was replaced by a run of new ones, blocks of one kind that still share most of their
words are paired and compared inside (a paragraph word by word, a table row by row, a list item by item,
a key-facts table field by field); the others are marked wholly deleted or inserted (``Revised``).
Figures and pictures are never compared inside: a changed one is the old deleted and the new inserted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Any, TypeVar

from reports import tree as t
from reports import worddiff as words

SIMILAR = 0.5  # share of words two blocks must have in common to be shown as one block edited
# Past this many candidate pairs in one replaced run, items are paired by position (where similar): the
# search for the best pairing compares every old item with every new one.
MAX_PAIRS = 20_000

T = TypeVar("T")


def diff(old: Sequence[t.Block], new: Sequence[t.Block]) -> tuple[t.Block, ...]:
    """``new`` with the blocks ``old`` had and it has not, and the ones it changed, marked."""
    out: list[t.Block] = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            out.extend(new[j1:j2])
        else:
            out.extend(_replaced(old[i1:i2], new[j1:j2]))
    return tuple(out)


def _opcodes(old: Sequence[Any], new: Sequence[Any]) -> Sequence[tuple[str, int, int, int, int]]:
    return SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes()


def _replaced(old: Sequence[t.Block], new: Sequence[t.Block]) -> list[t.Block]:
    out: list[t.Block] = []
    for was, now in pair(old, new, _comparable):
        if was is None:
            out.append(t.Revised("inserted", (now,)))  # type: ignore[arg-type]
        elif now is None:
            out.append(t.Revised("deleted", (was,)))
        else:
            out.append(_edited(was, now))
    return _joined(out)


def _joined(blocks: list[t.Block]) -> list[t.Block]:
    """Adjacent wholly inserted (or deleted) blocks in one ``Revised``."""
    out: list[t.Block] = []
    for block in blocks:
        last = out[-1] if out else None
        if (isinstance(block, t.Revised) and isinstance(last, t.Revised) and block.change == last.change
                and block.change != "restyled"):
            out[-1] = t.Revised(last.change, last.blocks + block.blocks)
        else:
            out.append(block)
    return out


def pair(old: Sequence[T], new: Sequence[T],
         comparable: Callable[[T, T], bool]) -> list[tuple[T | None, T | None]]:
    """``old`` and ``new`` in order, each item paired with the one of the other side it is an edit of, or
    with None: the longest chain of comparable, similar pairs in order (a small dynamic programme; every
    old item comes before the new items it is shown next to)."""
    if not old or not new:
        return [(x, None) for x in old] + [(None, y) for y in new]
    if len(old) * len(new) > MAX_PAIRS:
        return _by_position(old, new, comparable)
    n, m = len(old), len(new)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    score: dict[tuple[int, int], float] = {}
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = similarity(old[i], new[j]) if comparable(old[i], new[j]) else 0.0
            if s >= SIMILAR:
                score[(i, j)] = s
            take = best[i + 1][j + 1] + s if s >= SIMILAR else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    out: list[tuple[T | None, T | None]] = []
    i = j = 0
    while i < n and j < m:
        found = score.get((i, j))
        if found is not None and best[i][j] == best[i + 1][j + 1] + found:
            out.append((old[i], new[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append((old[i], None))
            i += 1
        else:
            out.append((None, new[j]))
            j += 1
    out.extend((x, None) for x in old[i:])
    out.extend((None, y) for y in new[j:])
    return out


def _by_position(old: Sequence[T], new: Sequence[T],
                 comparable: Callable[[T, T], bool]) -> list[tuple[T | None, T | None]]:
    out: list[tuple[T | None, T | None]] = []
    for x, y in zip(old, new, strict=False):
        if comparable(x, y) and similarity(x, y) >= SIMILAR:
            out.append((x, y))
        else:
            out.extend([(x, None), (None, y)])
    out.extend((x, None) for x in old[len(new):])
    out.extend((None, y) for y in new[len(old):])
    return out


def similarity(old: object, new: object) -> float:
    """The share of words two nodes have in common (difflib's ratio over their words)."""
    a, b = text_words(old), text_words(new)
    if not a and not b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= SIMILAR else 0.0


def text_words(node: object) -> list[str]:
    """The words of a node's text, in order (figures by their labels; rules and breaks have none)."""
    out: list[str] = []
    _collect(node, out)
    return [str(leaf.atom) for leaf in words.leaves((t.Text(" ".join(out)),)) if not str(leaf.atom).isspace()]


def _collect(node: object, out: list[str]) -> None:
    if isinstance(node, tuple):
        for child in node:
            _collect(child, out)
    elif isinstance(node, t.Text | t.Code):
        out.append(node.text)
    elif isinstance(node, t.TimelineEvent):
        out.append(f"{node.date} {node.label}")
    elif isinstance(node, t.Image):
        out.append(f"{node.alt} {node.caption}")
    elif hasattr(node, "__slots__"):
        for name in node.__slots__:
            _collect(getattr(node, name), out)


def _comparable(old: t.Block, new: t.Block) -> bool:
    if isinstance(old, t.Paragraph | t.Heading) and isinstance(new, t.Paragraph | t.Heading):
        return True
    if type(old) is not type(new):
        return False
    if isinstance(old, t.Table) and isinstance(new, t.Table):
        return _columns(old) == _columns(new)
    if isinstance(old, t.FieldTable) and isinstance(new, t.FieldTable):
        return old.style == new.style
    return isinstance(old, t.BulletList | t.OrderedList | t.BlockQuote)


def _style(block: t.Paragraph | t.Heading) -> str:
    return f"Heading {block.level}" if isinstance(block, t.Heading) else "Normal"


def _edited(old: t.Block, new: t.Block) -> t.Block:
    """One block edited: ``new`` with ``old``'s differences marked inside it."""
    if isinstance(old, t.Paragraph | t.Heading) and isinstance(new, t.Paragraph | t.Heading):
        content = words.diff(old.content, new.content)
        block: t.Block = t.Heading(new.level, content) if isinstance(new, t.Heading) else t.Paragraph(content)
        return block if _style(old) == _style(new) else t.Revised("restyled", (block,), _style(old))
    if isinstance(old, t.BulletList) and isinstance(new, t.BulletList):
        return t.BulletList(_items(old.items, new.items))
    if isinstance(old, t.OrderedList) and isinstance(new, t.OrderedList):
        return t.OrderedList(_items(old.items, new.items), new.start)
    if isinstance(old, t.Table) and isinstance(new, t.Table):
        return _table(old, new)
    if isinstance(old, t.FieldTable) and isinstance(new, t.FieldTable):
        return t.FieldTable(_fields(old.rows, new.rows), new.style)
    if isinstance(old, t.BlockQuote) and isinstance(new, t.BlockQuote):
        return t.BlockQuote(diff(old.blocks, new.blocks), words.diff(old.attribution, new.attribution))
    raise TypeError(f"cannot compare {type(old).__name__} with {type(new).__name__}")  # _comparable's bug


def _items(old: tuple[t.ListItem, ...], new: tuple[t.ListItem, ...]) -> tuple[t.ListItem, ...]:
    out: list[t.ListItem] = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            out.extend(new[j1:j2])
            continue
        for was, now in pair(old[i1:i2], new[j1:j2], lambda a, b: True):
            if was is None:
                out.append(t.ListItem(now.blocks, "inserted"))  # type: ignore[union-attr]
            elif now is None:
                out.append(t.ListItem(was.blocks, "deleted"))
            else:
                out.append(t.ListItem(diff(was.blocks, now.blocks)))
    return tuple(out)


def _columns(table: t.Table) -> int:
    return max([len(table.header), *(len(row) for row in table.rows)])


def _table(old: t.Table, new: t.Table) -> t.Table:
    header = tuple(words.diff(a, b) for a, b in zip(old.header, new.header, strict=False))
    header += new.header[len(header):]
    rows: list[tuple[t.Inlines, ...]] = []
    changes: list[t.Change] = []
    for tag, i1, i2, j1, j2 in _opcodes(old.rows, new.rows):
        if tag == "equal":
            rows.extend(new.rows[j1:j2])
            changes.extend([""] * (j2 - j1))
            continue
        for was, now in pair(old.rows[i1:i2], new.rows[j1:j2], lambda a, b: True):
            if was is None:
                rows.append(now)  # type: ignore[arg-type]
                changes.append("inserted")
            elif now is None:
                rows.append(was)
                changes.append("deleted")
            else:
                cells = tuple(words.diff(a, b) for a, b in zip(was, now, strict=False))
                rows.append(cells + now[len(cells):] + tuple(words.whole(c, "deleted") for c in was[len(cells):]))
                changes.append("")
    return t.Table(header, tuple(rows), new.align, tuple(changes) if any(changes) else ())


def _fields(old: tuple[t.Field, ...], new: tuple[t.Field, ...]) -> tuple[t.Field, ...]:
    # Fields are matched by their label ("Signed", "Parties"): the same label is the same fact.
    out: list[t.Field] = []
    labels_old = [words.plain(f.label) for f in old]
    labels_new = [words.plain(f.label) for f in new]
    for tag, i1, i2, j1, j2 in _opcodes(labels_old, labels_new):
        if tag == "equal":
            for was, now in zip(old[i1:i2], new[j1:j2], strict=True):
                out.append(now if was == now else t.Field(now.label, diff(was.value, now.value)))
        else:
            out.extend(t.Field(f.label, f.value, "deleted") for f in old[i1:i2])
            out.extend(t.Field(f.label, f.value, "inserted") for f in new[j1:j2])
    return tuple(out)
