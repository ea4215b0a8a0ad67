"""Tables wider than a page can hold: which columns go into which part, the same in both writers.

Part of write. Word stops at 63 columns and reportlab cannot lay out hundreds on a page; long before
either limit a reader can no longer read the table. So a table with more than ``MAX_COLUMNS`` columns
is printed as several tables one after the other, each with at most ``MAX_COLUMNS`` columns and each
repeating the first column (usually the row labels: a date, a name), so every part can be read on
its own. Both writers split with ``split_columns`` so the PDF and the DOCX show the same parts.
"""

from __future__ import annotations

from reports.tree import Labels

MAX_COLUMNS = 20  # columns per printed table; under Word's 63, and about 8 mm each on A4 portrait


def split_columns(ncols: int, max_cols: int = MAX_COLUMNS) -> list[list[int]]:
    """Split column indexes ``0 .. ncols-1`` into groups of at most ``max_cols``, each starting with 0.

    A table that fits comes back as one group ``[[0, 1, ..., ncols-1]]``; otherwise every group starts
    with column 0 and takes the next ``max_cols - 1`` columns, in order, so every column except the
    first appears exactly once: ``split_columns(5, 3) == [[0, 1, 2], [0, 3, 4]]``. ``ncols == 0`` gives
    ``[]``. Raises ``ValueError`` when ``ncols`` is negative or ``max_cols`` is below 2 (a part needs
    the repeated column and at least one more).
    """
    if ncols < 0:
        raise ValueError(f"a table cannot have {ncols} columns")
    if max_cols < 2:
        raise ValueError(f"a table part needs room for at least 2 columns, not {max_cols}")
    if ncols <= max_cols:
        return [list(range(ncols))] if ncols else []
    step = max_cols - 1
    return [[0, *range(start, min(start + step, ncols))] for start in range(1, ncols, step)]


MIN_COLUMN_PT = 40.0  # points (14 mm): the narrowest readable column, 6 pt padding either side and a short word


def columns_that_fit(text_width_pt: float, min_column_pt: float = MIN_COLUMN_PT) -> int:
    """The most columns a printed part may have on a text block ``text_width_pt`` wide: as many as fit at
    ``min_column_pt`` each, never more than ``MAX_COLUMNS`` and never fewer than 2 (the repeated first
    column and one more). Both writers split with it, so Letter, A4 and a reference's page agree.
    Raises ``ValueError`` when ``min_column_pt`` is not positive.
    """
    if min_column_pt <= 0:
        raise ValueError(f"a column must be wider than {min_column_pt} pt")
    return max(2, min(MAX_COLUMNS, int(text_width_pt // min_column_pt)))


def part_caption(group: list[int], ncols: int, labels: Labels | None = None) -> str:
    """The note printed above one part of a split table, in the labels' language: which of the ``ncols``
    columns it holds (``group`` as given by ``split_columns``), and on later parts that the first column
    is repeated."""
    words = labels if labels is not None else Labels()
    return words.table_part(group[1] + 1, group[-1] + 1, ncols, group[1] > 1)
