"""A data table's header row taller than a page (found by the Chinese-labels property test on a
different draw): the PDF writer repeats the header row on every page, and reportlab cannot split a
repeated row, so the build is refused with "a block is larger than a page and cannot be split". Body
cells are cut into rows of MAX_CELL_CHARS; header cells are not, and 2,500 CJK characters (each a full
em wide, twice a Latin letter) in a quarter of the page run to about 1,000 pt.

Recorded as a strict expected failure until the writer is fixed (a header too tall to repeat should be
laid out as a first row that may split, keeping its look and its tags): when it passes, the marker goes.
"""

from __future__ import annotations

import pytest

from reports import tree as t
from reports.theme import DEFAULT_THEME
from tests.writing import write_pdf


@pytest.mark.xfail(strict=True, reason="a header row taller than a page is not yet split (see the module)")
def test_a_header_cell_taller_than_a_page_still_builds() -> None:
    header = ((t.Text("合" * 2500),), (t.Text("H1"),), (t.Text("H2"),), (t.Text("H3"),))
    row = tuple((t.Text("x"),) for _ in range(4))
    table = t.Table(header, (row,), ("left",) * 4)
    data = write_pdf(t.Document(t.Meta(title="T", language="zh-Hans"), (table,)), DEFAULT_THEME)
    assert data.startswith(b"%PDF")
