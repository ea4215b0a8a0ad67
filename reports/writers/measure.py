"""Measurements both writers share: plain text of inlines, table column proportions, the running head.

Part of write. Kept apart so the PDF and DOCX writers size tables the same way.
"""

from __future__ import annotations

from collections.abc import Callable

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


def running_title(title: str, fits: Callable[[str], bool]) -> str:
    """``title`` as a running head: whole if ``fits`` says it fits, else cut at the last word boundary
    that leaves room for "…" (at any character in text without spaces, as Chinese is). Both writers cut
    with this and their own measure of the same faces, so the head reads the same in both; the marking
    beside it is never shortened (the caller leaves its room out of what fits)."""
    title = " ".join(title.split())
    if fits(title):
        return title
    cuts = [i for i, char in enumerate(title) if char == " "] or list(range(1, len(title)))
    low, high, best = 0, len(cuts) - 1, ""
    while low <= high:  # the longest cut that fits: a shorter cut always fits if a longer one does
        middle = (low + high) // 2
        candidate = title[:cuts[middle]].rstrip(" ,;:·-–—") + "…"
        if fits(candidate):
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best or "…"
