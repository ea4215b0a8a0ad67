"""DOCX table rows are kept whole on a page (``w:cantSplit``) unless a row is taller than a page.

Read back from the XML: every body row of a data table and of the key facts says cantSplit, the header
row is always the header row (w:tblHeader; kept whole unless it is taller than a page), and
a row whose text runs past a page does not (kept whole it would have nowhere to go). The height estimate
behind it is checked against reportlab's own line breaking of the same text in the same face, size and
width: a row it keeps whole is shorter than a page. LibreOffice, laying the DOCX out, prints each such
row on one page.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from reports import tree as t
from reports.fonts.faces import family
from reports.theme import DEFAULT_THEME
from reports.writers.docx.rows import RowRoom
from tests.conftest import docx_text
from tests.office import Office
from tests.validators import docx_findings
from tests.writing import write_docx, write_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A4_TEXT_HEIGHT = (297 - 2 * 20) / 25.4 * 72  # points: A4 less the default margins


def _rows(data: bytes) -> list[etree._Element]:
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(f"{W}body")
    return [tr for tbl in body.iter(f"{W}tbl") for tr in tbl.findall(f"{W}tr")]


def _says(tr: etree._Element, name: str) -> bool:
    return tr.find(f"{W}trPr/{W}{name}") is not None


def _words(count: int, lead: str = "") -> t.Inlines:
    return (t.Text(" ".join([lead, *(["cooperation"] * count)]).strip()),)


def _table(rows: list[t.Inlines]) -> t.Table:
    return t.Table(((t.Text("Area"),), (t.Text("Summary"),)),
                   tuple(((t.Text(f"Row {i}"),), cell) for i, cell in enumerate(rows)), ("left", "left"))


def test_body_rows_are_kept_whole_and_the_header_row_repeats() -> None:
    data = write_docx(t.Document(t.Meta(title="Rows"), (_table([_words(n) for n in (1, 40, 200)]),)), DEFAULT_THEME)
    header, *body = _rows(data)
    assert _says(header, "tblHeader") and _says(header, "cantSplit")
    assert all(_says(tr, "cantSplit") and not _says(tr, "tblHeader") for tr in body)


def test_a_row_taller_than_a_page_may_break() -> None:
    giant = _words(6000)  # some 60,000 characters in a column of half the page: many pages of one row
    data = write_docx(t.Document(t.Meta(title="Rows"), (_table([_words(3), giant, _words(3)]),)), DEFAULT_THEME)
    _, first, tall, last = _rows(data)
    assert _says(first, "cantSplit") and _says(last, "cantSplit")
    assert not _says(tall, "cantSplit")


def test_a_header_row_taller_than_a_page_stays_the_header_row_and_may_break() -> None:
    # 2,500 CJK characters in a quarter of the page: taller than the page. Still Word's header row
    # (w:tblHeader: its cells are headers to assistive technology), but not kept whole: a row kept whole
    # has nowhere to go past a page, and Word clips it. The PDF lays such a header out once.
    header = ((t.Text("合" * 2500),), (t.Text("H1"),), (t.Text("H2"),), (t.Text("H3"),))
    body = tuple(tuple((t.Text(f"r{r}c{c}"),) for c in range(4)) for r in range(3))
    doc = t.Document(t.Meta(title="Rows", language="zh-Hans"), (t.Table(header, body, ("left",) * 4),))
    data = write_docx(doc, DEFAULT_THEME)
    first, *rows = _rows(data)
    assert _says(first, "tblHeader") and not _says(first, "cantSplit")
    assert all(_says(tr, "cantSplit") and not _says(tr, "tblHeader") for tr in rows)
    assert "合" * 2500 in docx_text(data)  # the table's first row, all of it
    assert docx_findings(data) == []
    pdf_pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(write_pdf(doc, DEFAULT_THEME))).pages]
    assert sum(page.count("合") for page in pdf_pages) == 2500  # drawn once in the PDF


def test_a_header_row_over_half_a_page_is_kept_whole_while_it_fits_a_page() -> None:
    page_room = RowRoom(family(DEFAULT_THEME.fonts.heading).regular, DEFAULT_THEME.fonts.size - 1, A4_TEXT_HEIGHT)
    for count in (80, 120):  # "cooperation" in half the width: 280 pt, 420 pt
        cells = [[" ".join(["cooperation"] * count)], ["Summary"]]
        assert page_room.keeps_whole(cells, [240.0, 240.0])  # either way short enough for one page
    header = ((t.Text(" ".join(["cooperation"] * 120)),), (t.Text("Summary"),))
    body = tuple(((t.Text(f"r{r}"),), (t.Text("x"),)) for r in range(3))
    first, *_ = _rows(write_docx(t.Document(t.Meta(title="Rows"), (t.Table(header, body, ("left",) * 2),)),
                                 DEFAULT_THEME))
    assert _says(first, "tblHeader") and _says(first, "cantSplit")


def test_key_facts_rows_are_kept_whole_unless_they_hold_a_figure() -> None:
    timeline = t.Timeline((t.TimelineEvent("2023-07-07", "Signed"),))
    facts = t.FieldTable((t.Field((t.Text("Signed"),), (t.Paragraph((t.Text("7 July 2023"),)),)),
                          t.Field((t.Text("Dates"),), (timeline,)),
                          t.Field((t.Text("Long"),), (t.Paragraph(_words(9000)),))))
    signed, dates, long = _rows(write_docx(t.Document(t.Meta(title="Facts"), (facts,)), DEFAULT_THEME))
    assert _says(signed, "cantSplit")
    assert not _says(dates, "cantSplit") and not _says(long, "cantSplit")


def _laid_out_height(text: str, width: float, size: float) -> float:
    """The height reportlab gives ``text`` in the table face at ``size`` in a cell ``width`` wide, with
    Word's cell margins and its "1.1 lines" of the face (a single line of Source Sans Pro is 1.257 of its
    size: its ascender and descender)."""
    face = family(DEFAULT_THEME.fonts.heading).regular
    style = ParagraphStyle("cell", fontName=face, fontSize=size, leading=size * 1.257 * 1.1)
    return float(Paragraph(text, style).wrap(width - 10.8, 1e9)[1])


# Columns barely wider than two of their words hold one a line, half empty: estimated from the text's
# length (with a fixed allowance for waste) these were kept whole and laid out past the page (713 pt).
@example(words=43, width=99.0, size=12.0, word="cooperation")
@example(words=60, width=93.0, size=8.5, word="digital economy")
@example(words=61, width=126.0, size=8.5, word="W" * 12)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.integers(1, 4000), width=st.floats(60, 450), size=st.sampled_from([8.5, 9.5, 12.0]),
       word=st.sampled_from(["a", "cooperation", "digital economy", "W" * 12]))
def test_a_row_kept_whole_is_shorter_than_a_page(words: int, width: float, size: float, word: str) -> None:
    text = " ".join([word] * words)
    room = RowRoom(family(DEFAULT_THEME.fonts.heading).regular, size, A4_TEXT_HEIGHT)
    if room.keeps_whole([[text]], [width]):
        assert _laid_out_height(text, width, size) < A4_TEXT_HEIGHT - 24  # a repeated header row above it
    longer = " ".join([word] * (words * 2))
    assert room.keeps_whole([[text]], [width]) or not room.keeps_whole([[longer]], [width]), "more text, never whole"


@pytest.mark.soffice
def test_libreoffice_prints_every_row_kept_whole_on_one_page(office: Office) -> None:
    # Rows of 1 to 150 words, each starting and ending with a marker: a row kept whole has both on one page.
    cells = [(t.Text(f"Sq{i}z " + "cooperation " * (1 + (i * 37) % 150) + f"Eq{i}z"),) for i in range(60)]
    data = write_docx(t.Document(t.Meta(title="Rows"), (_table(cells),)), DEFAULT_THEME)
    where: dict[str, int] = {}
    pages = PdfReader(io.BytesIO(office.pdf(data))).pages
    assert len(pages) > 2, "the table runs over pages (the case is exercised)"
    for number, page in enumerate(pages, start=1):
        for marker in re.findall(r"[SE]q\d+z", page.extract_text() or ""):
            where.setdefault(marker, number)
    assert [i for i in range(60) if where[f"Sq{i}z"] != where[f"Eq{i}z"]] == []
