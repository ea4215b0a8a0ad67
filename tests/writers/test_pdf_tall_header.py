"""A data table's header row taller than a page (found by the Chinese-labels property test): the PDF
writer repeats a header row on every page, and reportlab cannot split a repeated row, so the build was
refused with "a block is larger than a page and cannot be split". Body cells are cut into rows of
MAX_CELL_CHARS; header cells were not, and 2,500 CJK characters (each a full em wide, twice a Latin
letter) in a quarter of the page run to about 1,000 pt.

A header too tall to repeat (over half the page) is now laid out once, as the table's first row, which
may split across pages; its cells longer than MAX_CELL_CHARS are set as paragraphs of that length in the
cell. It keeps its look and its tags (one TH a column, scope Column, read in order); a header that fits
is still repeated on every page.
Read back here: the text of every page, the structure tree, and the validators' findings.
"""

from __future__ import annotations

import io
import os
import random
import re

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from reports import tree as t
from reports.theme import DEFAULT_THEME
from tests.tagged_pdf import Node, check_tagged
from tests.validators import check_pdf
from tests.writing import write_pdf

# Each header column's characters, CJK or Latin, disjoint from the other columns', from the body's
# (lower-case tokens r<row>c<column>) and from the page furniture (the title "T", "Page N of M"): a
# column's text is read back from a page by keeping that column's characters alone.
_CJK = ("甲乙丙丁", "戊己庚辛", "子丑寅卯", "辰巳午未", "申酉戌亥", "春夏秋冬")
_LATIN = ("ABCD", "EFGH", "IJKL", "MNOQ", "RSUV", "WXYZ")
_BODY = re.compile(r"r(\d+)c(\d+)")


def _pages(pdf: bytes) -> list[str]:
    """Each page's text with all whitespace taken out (lines wrap differently from the data's spaces)."""
    return ["".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _squash(text: str) -> str:
    return "".join(text.split())


def _kept(text: str, alphabet: str) -> str:
    """The characters of ``text`` that are in ``alphabet``, in order: one header column's text."""
    return "".join(ch for ch in text if ch in alphabet)


def _header_cells(tagged_root: Node) -> list[list[Node]]:
    """The header's TH cells, row by row (a header is one row), each checked for its scope."""
    (table,) = [n for n in tagged_root.walk() if n.role == "Table"]
    (thead,) = [n for n in table.kids if n.role == "THead"]
    assert all(row.role == "TR" for row in thead.kids)
    rows = [row.kids for row in thead.kids]
    assert all(c.role == "TH" and c.attributes.get("Scope") == "Column" for row in rows for c in row)
    return rows


def _body_cells(tagged_root: Node) -> list[str]:
    (table,) = [n for n in tagged_root.walk() if n.role == "Table"]
    return [_squash(cell.text) for n in table.kids if n.role == "TBody" for row in n.kids for cell in row.kids]


def test_a_header_cell_taller_than_a_page_is_laid_out_once_across_pages() -> None:
    header = ((t.Text("合" * 2500),), (t.Text("H1"),), (t.Text("H2"),), (t.Text("H3"),))
    row = tuple((t.Text(f"r0c{c}"),) for c in range(4))
    table = t.Table(header, (row,), ("left",) * 4)
    pdf = write_pdf(t.Document(t.Meta(title="T", language="zh-Hans"), (table,)), DEFAULT_THEME)
    pages = _pages(pdf)
    assert len(pages) >= 2
    # Every character once, split between the pages (not drawn again over the rest of the table).
    assert pages[0].count("合") > 0 and sum(page.count("合") for page in pages) == 2500
    assert pages[-1].count("合") > 0 and "r0c0" in pages[-1]
    tagged = check_tagged(pdf)
    (cells,) = _header_cells(tagged.root)  # one row: 2,500 characters are a cell's most
    assert [_squash(c.text) for c in cells] == ["合" * 2500, "H1", "H2", "H3"]
    assert cells[0].pages == {0, 1}  # one TH, read on both pages
    assert _body_cells(tagged.root) == [f"r0c{c}" for c in range(4)]
    check_pdf(pdf)


def test_a_header_cell_longer_than_a_cell_may_be_is_one_th_read_in_order() -> None:
    text = " ".join(f"w{i}" for i in range(2000))  # 7,889 characters: cut into paragraphs of MAX_CELL_CHARS
    header = ((t.Text(text),), (t.Text("Second"),))
    table = t.Table(header, (((t.Text("r0c0"),), (t.Text("r0c1"),)),), ("left", "left"))
    pdf = write_pdf(t.Document(t.Meta(title="T", language="en-GB"), (table,)), DEFAULT_THEME)
    words = re.findall(r"w(\d+)", "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))
    assert words == [str(i) for i in range(2000)]  # all of it, in order, once
    tagged = check_tagged(pdf)
    (cells,) = _header_cells(tagged.root)  # one row, one TH a column, read in full and in order
    assert [_squash(c.text) for c in cells] == [_squash(text), "Second"]
    check_pdf(pdf)


def _cell_text(alphabet: str, cjk: bool, length: int, rng: random.Random) -> str:
    letters = [rng.choice(alphabet) for _ in range(length)]
    if not cjk:  # words of 1 to 8 letters
        for at in range(length - 1, 0, -1):
            if rng.random() < 0.2:
                letters.insert(at, " ")
    return "".join(letters)


# Tiny to huge: from a word to many pages of one cell (more than MAX_CELL_CHARS: cut into paragraphs).
_LENGTHS = st.one_of(st.integers(1, 40), st.integers(41, 900), st.integers(901, 6000))
SHORT = 40  # no header cell longer: the header is far from half a page and must be repeated


@settings(max_examples=int(os.environ.get("TALL_HEADER_EXAMPLES", "20")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(columns=st.lists(st.tuples(st.booleans(), _LENGTHS), min_size=1, max_size=6),
       body_rows=st.integers(30, 75), seed=st.integers(0, 2**32 - 1))
@example(columns=[(True, 2500), (False, 2), (False, 2), (False, 2)], body_rows=40, seed=0)
@example(columns=[(False, 12), (True, 8)], body_rows=70, seed=1)  # a short header over a row stream
# A long header cell beside short ones: continued in rows below (as body cells are), it read out of order.
@example(columns=[(False, 1), (False, 1), (False, 4423)], body_rows=30, seed=0)
def test_any_header_builds_reads_whole_and_repeats_when_it_fits(columns: list[tuple[bool, int]], body_rows: int,
                                                               seed: int) -> None:
    rng = random.Random(seed)
    texts = [_cell_text((_CJK if cjk else _LATIN)[i], cjk, length, rng) for i, (cjk, length) in enumerate(columns)]
    ncols = len(columns)
    body = [[f"r{r}c{c}" for c in range(ncols)] for r in range(body_rows)]
    table = t.Table(tuple((t.Text(x),) for x in texts), tuple(tuple((t.Text(x),) for x in row) for row in body),
                    ("left",) * ncols)
    language = "zh-Hans" if any(cjk for cjk, _ in columns) else "en-GB"
    heading = t.Heading(1, (t.Text("T"),))  # a long document without one has no outline (outloud's NAV-001)
    pdf = write_pdf(t.Document(t.Meta(title="T", language=language), (heading, table)), DEFAULT_THEME)

    pages = _pages(pdf)
    text = "".join(pages)
    # The body once, every cell in order.
    assert [f"r{r}c{c}" for r, c in _BODY.findall(text)] == [x for row in body for x in row]
    body_pages = [i for i, page in enumerate(pages) if _BODY.search(page)]
    # Each header column's text read from the pages: whole and in order, once, or once on each page the
    # table runs onto (repeated); the header comes before the first body row.
    drawings = set()
    for i, (cjk, _) in enumerate(columns):
        alphabet = (_CJK if cjk else _LATIN)[i]
        wanted = _squash(texts[i])
        shown = _kept(text, alphabet)
        assert shown == wanted * (len(shown) // len(wanted)) and shown, f"column {i}"
        assert _kept(text.split("r0c0")[0], alphabet) == wanted, f"column {i}"  # all of it before the body
        drawings.add(len(shown) // len(wanted))
    assert len(drawings) == 1  # every column drawn as often as the others
    (times,) = drawings
    event("header drawn once" if times == 1 else "header repeated")
    if max(length for _, length in columns) <= SHORT and len(body_pages) >= 2:
        # A header that fits is repeated: on the second page of the table, above its rows.
        second = pages[body_pages[1]]
        for i, (cjk, _) in enumerate(columns):
            assert _kept(second, (_CJK if cjk else _LATIN)[i]) == _squash(texts[i])
        assert times == len(body_pages)
    if max(length for _, length in columns) > 2500:  # longer than a cell may be: never repeated
        assert times == 1

    tagged = check_tagged(pdf)
    (cells,) = _header_cells(tagged.root)
    assert [_squash(c.text) for c in cells] == [_squash(x) for x in texts]  # each read once, in order
    assert _body_cells(tagged.root) == [x for row in body for x in row]
    check_pdf(pdf, generated=True)  # random letters: outloud's language heuristics judge the data
