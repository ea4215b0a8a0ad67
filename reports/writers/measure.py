"""Measurements both writers share: plain text of inlines and table column proportions.

Part of write. Kept apart so the PDF and DOCX writers size tables the same way.
"""

from __future__ import annotations

from reports import tree as t


def plain_text(content: t.Inlines) -> str:
    """The text of ``content`` without formatting (line breaks become spaces)."""
    out: list[str] = []
    for node in content:
        if isinstance(node, t.Text | t.Code):
            out.append(node.text)
        elif isinstance(node, t.Strong | t.Emphasis | t.Link):
            out.append(plain_text(node.children))
        elif isinstance(node, t.LineBreak):
            out.append(" ")
    return "".join(out)


def text_lengths(rows: list[tuple[t.Inlines, ...]]) -> list[list[int]]:
    """The plain-text length of every cell, computed once per table."""
    return [[len(plain_text(cell)) for cell in row] for row in rows]


def column_fractions(lengths: list[list[int]], ncols: int, minimum: float = 0.12) -> list[float]:
    """Column widths as fractions of the table width, from the longest text in each column.

    Square-root damped so a long column does not starve the others; no column below ``minimum``.
    """
    longest = [1.0] * ncols
    for row in lengths:
        for i, length in enumerate(row[:ncols]):
            longest[i] = max(longest[i], min(length, 400))
    weights = [w ** 0.5 for w in longest]
    floor = min(minimum, 1 / ncols)
    fractions = [max(floor, w / sum(weights)) for w in weights]
    total = sum(fractions)
    return [f / total for f in fractions]
