"""Splitting wide tables into parts that repeat the first column (shared by the PDF and DOCX writers)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.writers.wide_tables import MAX_COLUMNS, split_columns


def test_a_table_that_fits_is_one_part() -> None:
    assert split_columns(1) == [[0]]
    assert split_columns(MAX_COLUMNS) == [list(range(MAX_COLUMNS))]
    assert split_columns(0) == []


def test_wider_tables_repeat_the_first_column() -> None:
    assert split_columns(5, 3) == [[0, 1, 2], [0, 3, 4]]
    assert split_columns(6, 3) == [[0, 1, 2], [0, 3, 4], [0, 5]]
    assert split_columns(4, 2) == [[0, 1], [0, 2], [0, 3]]


def test_three_hundred_columns_fit_under_words_limit() -> None:
    groups = split_columns(300)
    assert all(len(g) <= MAX_COLUMNS <= 63 for g in groups)
    assert len(groups) == 16  # 299 columns after the first, 19 a part


@given(st.integers(min_value=1, max_value=2000), st.integers(min_value=2, max_value=80))
def test_every_column_once_in_order_and_parts_bounded(ncols: int, max_cols: int) -> None:
    groups = split_columns(ncols, max_cols)
    assert all(g[0] == 0 and 1 <= len(g) <= max_cols for g in groups)
    rest = [c for g in groups for c in g[1:]]
    assert rest == list(range(1, ncols))
    assert len(groups) == 1 or all(len(g) >= 2 for g in groups)


@pytest.mark.parametrize(("ncols", "max_cols"), [(-1, 5), (5, 1), (5, 0)])
def test_impossible_arguments_are_refused(ncols: int, max_cols: int) -> None:
    with pytest.raises(ValueError):
        split_columns(ncols, max_cols)
