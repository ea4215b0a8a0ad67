"""A data table split over pages: its header is read once, as the first page's TH, and drawn once a page.

reportlab splits a table between rows where it can and offers what the first part left of the page to the
rest, which then split inside its first row and drew the header again half-way down the same page; the
tagger made that second drawing TH content too, so the header read "DateDate" (issue 23). Each table
here starts at every height of the first page (a paragraph of 0 to 55 lines before it), so its splits
fall at a row boundary, inside a row, with only the header's room at the foot, and over several pages.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from reports import tree as t
from reports.theme import DEFAULT_THEME
from tests.tagged_pdf import Node, Tagged, check_tagged
from tests.writers.test_structure_text import assert_structure_reads_the_tree, words
from tests.writing import write_pdf

HEADER = ("Date", "Event")
LINES_BEFORE = range(56)  # lines before the table, a line apart: its start swept down the whole first page


def _table(cells: list[str]) -> t.Table:
    return t.Table(tuple((t.Text(h),) for h in HEADER),
                   tuple(((t.Text(f"d{r}"),), (t.Text(text),)) for r, text in enumerate(cells)), ("left", "left"))


def _words(count: int, row: int) -> str:
    return " ".join(f"w{row}x{i}" for i in range(count))


SHAPES = {
    # rows of about a third of a page: the split between rows leaves room the next row cannot use whole
    "tall rows": [_words(260, r) for r in range(6)],
    # more rows than reportlab lays out at once (the row stream): short rows, rows of a third of a page, and
    # a row longer than a cell may be (continued in following rows)
    "long table": [_words(700, r) if r == 31 else _words(260, r) if r % 10 == 3 else f"event {r}"
                   for r in range(62)],
}


def _document(lines_before: int, cells: list[str], contents: bool = False) -> t.Document:
    blocks: list[t.Block] = [t.Heading(1, (t.Text("Figures"),))]
    if lines_before:  # one line each, whatever the page's width
        blocks.append(t.Paragraph(tuple(i for n in range(lines_before) for i in (t.Text(f"line{n}"), t.LineBreak()))))
    blocks += [_table(cells), t.Paragraph((t.Text("after the table"),))]
    return t.Document(t.Meta(title="Split", iso_date="2024-02-29", language="en-GB", toc=contents,
                             toc_min_pages=0), tuple(blocks))


def _assert_header_once(pdf: bytes, doc: t.Document) -> Tagged:
    """Assert the header is read once and drawn at most once a page; the structure read back."""
    tagged = check_tagged(pdf)
    cells = [n for n in _data_table(tagged).walk() if n.role == "TH"]
    # One TH per column, each reading its text once, on one page: the table's first.
    assert [words(c.text) for c in cells] == [[h.casefold()] for h in HEADER]
    assert all(len(c.pages) == 1 for c in cells) and len({p for c in cells for p in c.pages}) == 1
    # And drawn at most once on a page: its repeats start the pages the table goes on to.
    pages = [(p.extract_text() or "").split() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert all(page.count(HEADER[0]) <= 1 and page.count(HEADER[1]) <= 1 for page in pages)
    assert_structure_reads_the_tree(pdf, doc)
    return tagged


def _data_table(tagged: Tagged) -> Node:
    (table,) = [n for n in tagged.roles("Table") if any(k.role == "THead" for k in n.kids)]
    return table


def _splits(tagged: Tagged) -> set[str]:
    """How the data table was split over pages, read from the pages of the elements."""
    table = _data_table(tagged)
    rows = [set().union(*(c.pages for c in r.kids)) for r in table.walk()
            if r.role == "TR" and any(c.role == "TD" for c in r.kids)]
    header_page = min(p for n in table.walk() if n.role == "TH" for p in n.pages)
    # (A hard line break reads as no space, so the lines before the table read "line0line1...".)
    lines_before = [p for n in tagged.roles("P") if "line0" in n.text for p in n.pages]
    kinds = set()
    if any(len(pages) > 1 for pages in rows):
        kinds.add("inside a row")
    if any(min(rows[i]) > max(rows[i - 1]) for i in range(1, len(rows))):
        kinds.add("at a row boundary")
    if lines_before and max(lines_before) < header_page:
        kinds.add("no room for the header and a line")  # the table moved on to the next page whole
    if len(set().union(*rows)) >= 3:
        kinds.add("over several pages")
    return kinds


EVERY_SPLIT = {"inside a row", "at a row boundary", "no room for the header and a line", "over several pages"}


@pytest.mark.parametrize(("shape", "step", "expected"), [
    ("tall rows", 1, EVERY_SPLIT),
    # rows shorter than a page, none cut; every third start is enough for the stream (and quicker)
    ("long table", 3, EVERY_SPLIT - {"inside a row"}),
])
def test_a_split_table_reads_its_header_once_wherever_it_starts(shape: str, step: int, expected: set[str]) -> None:
    seen: set[str] = set()
    for lines in LINES_BEFORE[::step]:
        doc = _document(lines, SHAPES[shape])
        seen |= _splits(_assert_header_once(write_pdf(doc, DEFAULT_THEME), doc))
    assert seen >= expected  # the sweep did split the table in each of these ways


def test_the_split_that_drew_the_header_twice_on_one_page() -> None:
    # Header and two rows fill two thirds of a page: the split between the rows left room that the rest
    # of the table took, drawing the header again, then the top of the third row (cut there).
    doc = _document(0, SHAPES["tall rows"])
    tagged = _assert_header_once(write_pdf(doc, DEFAULT_THEME), doc)
    assert _splits(tagged) == {"at a row boundary", "over several pages"}  # each row whole on its page


def test_a_split_table_in_a_document_with_contents_reads_its_header_once() -> None:
    # Contents make the build run several passes, each on a new canvas: the header is still read once.
    for lines in (0, 20, 40):
        doc = _document(lines, SHAPES["long table"], contents=True)
        _assert_header_once(write_pdf(doc, DEFAULT_THEME), doc)


def test_a_header_drawn_again_on_its_own_page_is_an_artifact() -> None:
    # Whatever the layout does, the tagger makes the first drawing of a repeated header the content and
    # every later one an artifact, on the same page as on a later one.
    from reports.writers.pdf.tags import Element, Tagger

    header = Element("TH", repeats=True)
    tagger = Tagger()
    code: list[str] = []

    def draw() -> None:
        if tagger.begin(code, header):
            tagger.end(code)
        else:
            tagger.close_artifact(code)

    draw()
    draw()  # again on the same page (a rest of the table laid out below its first part)
    tagger.next_page()
    draw()  # on the next page
    assert tagger.marks[id(header)] == [(0, 0)]
    assert code == ["/TH <</MCID 0>> BDC", "EMC", *["/Artifact <</Type /Pagination>> BDC", "EMC"] * 2]


@pytest.mark.parametrize("count", [61, 200])
def test_a_long_table_in_a_quote_box_splits_with_the_box(count: int) -> None:
    # More rows than the row stream's chunk, inside a quotation's box: the box's own split cuts the table
    # in rows (a row stream there was drawn unsplit, and the build stopped with an internal error).
    from tests.validators import check_pdf

    table = _table([f"cell {r}" for r in range(count)])
    pdf = write_pdf(t.Document(t.Meta(title="Quote"), (t.BlockQuote((table,)),)), DEFAULT_THEME)
    # Rows "d28 cell 28" differ only in digits, which outloud's PAG-001 reads as one line at the top of
    # three pages (a running head): made-up data, as in the page's flow; every other rule holds.
    check_pdf(pdf, generated=True)
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    found = [int(n) for n in re.findall(r"\bd(\d+)\b", text)]
    assert found == list(range(count))  # every row once, in order, over pages
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 1
