"""Accept or reject every change of a redlined document tree, as Word's Accept All and Reject All do: the
tree-level oracle the redline's tests compare with the two versions."""

from __future__ import annotations

from reports import tree as t
from reports import worddiff as words


def resolve(blocks: tuple[t.Block, ...], keep: str) -> tuple[t.Block, ...]:
    """``blocks`` with every change accepted (``keep="inserted"``) or rejected (``keep="deleted"``)."""
    drop = "deleted" if keep == "inserted" else "inserted"
    out: list[t.Block] = []
    for block in blocks:
        if isinstance(block, t.Revised):
            if block.change != drop:
                out.extend(resolve(block.blocks, keep))
        elif isinstance(block, t.Paragraph):
            out.append(t.Paragraph(_inlines(block.content, keep)))
        elif isinstance(block, t.Heading):
            out.append(t.Heading(block.level, _inlines(block.content, keep)))
        elif isinstance(block, t.BulletList):
            out.append(t.BulletList(_items(block.items, keep)))
        elif isinstance(block, t.OrderedList):
            out.append(t.OrderedList(_items(block.items, keep), block.start))
        elif isinstance(block, t.Table):
            changes = block.row_changes or ("",) * len(block.rows)
            rows = tuple(tuple(_inlines(cell, keep) for cell in row)
                         for row, change in zip(block.rows, changes, strict=True) if change != drop)
            out.append(t.Table(tuple(_inlines(cell, keep) for cell in block.header), rows, block.align))
        elif isinstance(block, t.FieldTable):
            out.append(t.FieldTable(tuple(t.Field(_inlines(f.label, keep), resolve(f.value, keep))
                                          for f in block.rows if f.change != drop), block.style))
        elif isinstance(block, t.BlockQuote):
            out.append(t.BlockQuote(resolve(block.blocks, keep), _inlines(block.attribution, keep)))
        else:
            out.append(block)
    return tuple(out)


def _items(items: tuple[t.ListItem, ...], keep: str) -> tuple[t.ListItem, ...]:
    drop = "deleted" if keep == "inserted" else "inserted"
    return tuple(t.ListItem(resolve(item.blocks, keep)) for item in items if item.change != drop)


def _inlines(content: t.Inlines, keep: str) -> t.Inlines:
    return words.accept(content) if keep == "inserted" else words.reject(content)


def normal(blocks: tuple[t.Block, ...]) -> tuple[t.Block, ...]:
    """``blocks`` as ``resolve`` gives them back from a tree without marks (adjacent text merged)."""
    return resolve(blocks, "inserted")


def texts(blocks: tuple[t.Block, ...]) -> list[str]:
    """The text of every paragraph-like piece, in reading order (what a reader reads, formatting aside)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, t.Paragraph | t.Heading):
            out.append(words.plain(block.content))
        elif isinstance(block, t.BulletList | t.OrderedList):
            for item in block.items:
                out.extend(texts(item.blocks))
        elif isinstance(block, t.Table):
            out.extend(words.plain(cell) for row in (block.header, *block.rows) for cell in row)
        elif isinstance(block, t.FieldTable):
            for f in block.rows:
                out.append(words.plain(f.label))
                out.extend(texts(f.value))
        elif isinstance(block, t.BlockQuote):
            out.extend(texts(block.blocks))
            out.append(words.plain(block.attribution))
        elif isinstance(block, t.Revised):
            out.extend(texts(block.blocks))
        else:
            out.append(t.dump(block))
    return out
