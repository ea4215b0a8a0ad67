"""One layout per document: the contents decided and numbered, and the DOCX's page numbers read, from a
single layout; a long table measured once per page. What is counted is what the layout module counts
(``layout.LAYOUTS``) and what reportlab is asked to do; what is compared is read back from the files.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from reportlab.platypus import Paragraph, Table

from benchmarks.scaling import agreement as scaled_agreement
from reports import tree as t
from reports.compose import compose_document
from reports.pipeline import Options, render_formats
from reports.theme import DEFAULT_THEME
from reports.writers import get_writer
from reports.writers.pdf import layout
from reports.writers.registry import paginate, paginator
from tests.writers.test_docx_toc import read_contents

PDFTOTEXT = shutil.which("pdftotext")


@contextmanager
def counted() -> Iterator[layout.Layouts]:
    """What the layout module laid out inside the block."""
    before = dataclasses.replace(layout.LAYOUTS)
    out = layout.Layouts()
    yield out
    out.complete = layout.LAYOUTS.complete - before.complete
    out.stopped = layout.LAYOUTS.stopped - before.stopped
    out.pages = layout.LAYOUTS.pages - before.pages
    out.measured = layout.LAYOUTS.measured - before.measured


def pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page as pdftotext reads it (pypdf's reading where pdftotext is not installed)."""
    if PDFTOTEXT is None:
        from pypdf import PdfReader

        return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _heading(level: int, text: str) -> t.Heading:
    return t.Heading(level, (t.Text(text),))


def sections(count: int, *, words: int = 40, toc_min_pages: int = 0, notes: bool = False) -> t.Document:
    """A document of ``count`` sections (levels 1, 2, 2, 3 in turn), each a paragraph of some length."""
    blocks: list[t.Block] = []
    for i in range(count):
        blocks.append(_heading((1, 2, 2, 3)[i % 4], f"Section {i} heading"))
        content: list[t.Inline] = [t.Text("Cooperation on the digital economy and its data. " * (words // 8 + i % 9))]
        if notes and i % 4 == 0:
            content.append(t.Note((t.Paragraph((t.Text("A note that takes a few lines. " * (3 + i % 11)),)),)))
        blocks.append(t.Paragraph(tuple(content)))
    meta = t.Meta(title="Layout test", toc=True, toc_min_pages=toc_min_pages, iso_date="2023-07-07")
    return t.Document(meta, tuple(blocks))


def contents_numbers(pages: list[str]) -> dict[str, int]:
    """Section title -> the page number the contents give it (the contents are the first pages)."""
    numbers: dict[str, int] = {}
    for page in pages:
        for title, number in re.findall(r"^\s*(Section \d+) heading[ .]*?(\d+)\s*$", page, re.M):
            numbers.setdefault(title, int(number))
        if numbers and not re.search(r"heading[ .]*\d+\s*$", page, re.M):
            break
    return numbers


def heading_pages(pages: list[str], first: int) -> dict[str, int]:
    """Section title -> the first page from ``first`` (1-based) whose text has it as a line of its own."""
    found: dict[str, int] = {}
    for number, page in enumerate(pages[first - 1:], start=first):
        for title in re.findall(r"^\s*(Section \d+) heading\s*$", page, re.M):
            found.setdefault(title, number)
    return found


# --------------------------------------------------------------------------- how often

def test_both_formats_of_a_document_with_contents_lay_it_out_once() -> None:
    from pypdf import PdfReader

    agreement = scaled_agreement(timeline=300)  # the built-in briefing: contents from four pages on
    for formats in (("pdf", "docx"), ("docx", "pdf")):
        with counted() as laid:
            rendered = render_formats(agreement, "briefing", formats, Options(timeout=None))
        pdf = rendered[formats.index("pdf")].data
        assert laid.complete == 1, formats
        # The decision laid out the pages before the fourth, and stopped at the fourth.
        assert laid.stopped == 1 and laid.pages - len(PdfReader(io.BytesIO(pdf)).pages) == 4
        assert read_contents(rendered[formats.index("docx")].data).entries
    assert b"/TOC" in pdf


def test_contents_always_shown_cost_no_decision() -> None:
    document = sections(30)
    with counted() as laid:
        get_writer("pdf")(document, DEFAULT_THEME, None)
    assert (laid.complete, laid.stopped) == (1, 0)


def test_a_document_shorter_than_the_contents_threshold_is_laid_out_once() -> None:
    document = sections(3, toc_min_pages=4)
    with counted() as laid:
        pdf = get_writer("pdf")(document, DEFAULT_THEME, None)
    assert (laid.complete, laid.stopped) == (1, 0)  # the decision's layout was the whole document: its PDF
    assert b"/TOC" not in pdf


def test_the_docx_alone_lays_out_once_without_drawing(shipped: Any) -> None:
    # Its footer caches the page count, its contents the headings' pages: one layout, placed, not drawn.
    with counted() as laid:
        render_formats(shipped, "memo", ("docx",), Options(timeout=None))
    assert (laid.complete, laid.stopped, laid.measured) == (1, 0, 1)
    with counted() as laid:
        render_formats(scaled_agreement(timeline=300), "briefing", ("docx",), Options(timeout=None))
    assert (laid.complete, laid.stopped, laid.measured) == (1, 1, 2)  # the decision's first pages, then all


def test_a_document_with_footnotes_is_drawn_to_be_measured() -> None:
    # A footnote's room is taken where its reference is drawn: placing without drawing would lose it.
    with counted() as laid:
        paginate(sections(12, notes=True), DEFAULT_THEME)
    assert laid.complete >= 1 and laid.measured == 0


def test_the_writers_of_one_build_share_one_layout() -> None:
    document = sections(40, toc_min_pages=3)
    pages = paginator()
    with counted() as laid:
        from reports.writers import WriterOptions

        options = WriterOptions(paginate=pages)
        get_writer("docx")(document, DEFAULT_THEME, options)
        get_writer("docx")(document, DEFAULT_THEME, options)
    assert (laid.complete, laid.stopped) == (1, 1)
    assert pages.known(document, DEFAULT_THEME) == paginate(document, DEFAULT_THEME)


# --------------------------------------------------------------------------- what the numbers say

@pytest.mark.parametrize(("count", "notes"), [(12, False), (70, False), (70, True)])
def test_the_contents_give_the_pages_the_headings_land_on(count: int, notes: bool, tmp_path: Path) -> None:
    document = sections(count, words=90, notes=notes)  # 70 sections: contents over two pages and more
    pages = pages_text(get_writer("pdf")(document, DEFAULT_THEME, None), tmp_path)
    numbers = contents_numbers(pages)
    assert len(numbers) == count
    first_body = min(numbers.values())
    assert first_body > 1 + (count > 50)  # the contents' own pages come first
    assert heading_pages(pages, first_body) == numbers
    assert paginate(document, DEFAULT_THEME).heading_pages == tuple(numbers[f"Section {i}"] for i in range(count))


def test_the_contents_of_the_user_path_match_the_pages(tmp_path: Path) -> None:
    pdf, docx = render_formats(scaled_agreement(timeline=300), "briefing", ("pdf", "docx"), Options(timeout=None))
    pages = pages_text(pdf.data, tmp_path)
    entries = read_contents(docx.data).entries
    titles = [title for title, _, _, _ in entries]
    assert "Timeline" in titles and "Sources" in titles
    for title, _, number, _ in entries:
        assert re.search(rf"^\s*{re.escape(title)}\s*$", pages[number - 1], re.M), (title, number)


def test_the_docx_contents_cache_the_pdf_page_numbers(tmp_path: Path) -> None:
    document = sections(70, words=90)
    pdf = get_writer("pdf")(document, DEFAULT_THEME, None)
    docx = get_writer("docx")(document, DEFAULT_THEME, None)  # laid out for itself, in another build
    from_pdf = contents_numbers(pages_text(pdf, tmp_path))
    assert [number for _, _, number, _ in read_contents(docx).entries] == [
        from_pdf[f"Section {i}"] for i in range(70)]


def test_the_decision_counts_the_pages_without_contents() -> None:
    document = sections(20, words=120)
    plain = paginate(dataclasses.replace(document, meta=dataclasses.replace(document.meta, toc=False)),
                     DEFAULT_THEME).pages
    assert plain >= 3

    def asking(pages: int) -> bool:
        return paginate(dataclasses.replace(document, meta=dataclasses.replace(document.meta, toc_min_pages=pages)),
                        DEFAULT_THEME).contents

    assert asking(plain) and asking(1) and not asking(plain + 1)


def test_measuring_without_drawing_finds_the_pages_drawing_finds(shipped: Any) -> None:
    for document in (compose_document(scaled_agreement(timeline=120), "briefing")[0], sections(30, words=200),
                     compose_document(shipped, "briefing")[0]):
        drawn = paginator()
        get_writer("pdf")(document, DEFAULT_THEME, dataclasses.replace(_options(), paginate=drawn))
        assert drawn.known(document, DEFAULT_THEME) == paginate(document, DEFAULT_THEME)


def _options() -> Any:
    from reports.writers import WriterOptions

    return WriterOptions()


# --------------------------------------------------------------------------- a long table

def test_a_long_table_is_measured_once_per_page(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = 1200
    document = t.Document(t.Meta(title="Rows", iso_date="2023-07-07"), (t.Table(
        header=((t.Text("Date"),), (t.Text("Event"),)), align=("left", "left"),
        rows=tuple(((t.Text(f"2024-01-{i % 28 + 1:02d}"),), (t.Text(f"Event {i}: the working group met and "
                                                                       "agreed its next steps."),))
                   for i in range(rows))),))
    calls = {"lines": 0, "cells": 0}
    breaks, geometry = Paragraph.breakLines, Table._listCellGeom

    def break_lines(self: Any, *args: Any) -> Any:
        calls["lines"] += 1
        return breaks(self, *args)

    def cell_geometry(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["cells"] += 1
        return geometry(self, *args, **kwargs)

    monkeypatch.setattr(Paragraph, "breakLines", break_lines)
    monkeypatch.setattr(Table, "_listCellGeom", cell_geometry)
    pagination = paginate(document, DEFAULT_THEME)
    assert pagination.pages > 25
    cells = 2 * rows
    # Every cell's lines are broken once (the header's once a page); reportlab's row geometry is asked for
    # each cell as its page is measured, a few over the page's end, and never again from the table's start.
    assert calls["lines"] <= cells + 2 * pagination.pages + 10
    assert calls["cells"] <= 1.5 * cells
    calls.update(lines=0, cells=0)
    get_writer("pdf")(document, DEFAULT_THEME, None)  # drawn: each cell's geometry once more, no new lines
    assert calls["lines"] <= cells + 2 * pagination.pages + 10
    assert calls["cells"] <= 2.5 * cells


def test_names_a_document_does_not_print_read_no_east_asian_face() -> None:
    # The data's local names travel in the metadata for tagging; a template that leaves them out prints no
    # CJK character, and the layout must not read a 17 MB face for them (the 6000x6000-picture case's
    # memory bound caught it).
    meta = t.Meta(title="Pictures", name_languages=(("浙江省人民政府", "zh-Hans"), ("トヨタ", "ja")),
                  source="/tmp/模板/briefing.md.j2")
    plain = t.Document(meta, (t.Paragraph((t.Text("A chart follows."),)),))
    assert layout.cjk_characters(plain, DEFAULT_THEME) == ""
    printed = t.Document(meta, (t.Paragraph((t.Text("浙江 and トヨタ"),)),))
    assert layout.cjk_characters(printed, DEFAULT_THEME) == "".join(sorted(set("浙江トヨタ")))


def _every_text(value: object) -> str:
    """The characters of every text ``value`` holds, the names a page never prints aside (the reference)."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple | list):
        return "".join(_every_text(item) for item in value)
    if isinstance(value, dict):
        return "".join(_every_text(item) for item in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return "".join(_every_text(getattr(value, f.name)) for f in dataclasses.fields(value)
                       if f.name not in ("name_languages", "source"))
    return ""


def test_the_east_asian_characters_are_every_printed_texts_whatever_was_read_before() -> None:
    from reports.fonts.scripts import CJK_RUN
    from reports.load import load_agreement
    from tests.writers.sample import sample_document

    data = Path(__file__).resolve().parents[2] / "data"
    documents = [compose_document(load_agreement(data / name), kind)[0]
                 for name in ("zhejiang-alibaba-2023.zh-Hans.yaml", "zhejiang-alibaba-2023.yaml")
                 for kind in ("briefing", "memo")]
    documents.append(sample_document())
    theme = DEFAULT_THEME.model_copy(update={"watermark": "草稿 draft"})
    for document in [*documents, *reversed(documents)]:  # each class's fields known already the second time
        expected = "".join(sorted(set("".join(CJK_RUN.findall(_every_text(document) + "\n" + "草稿 draft")))))
        assert expected and layout.cjk_characters(document, theme) == expected


def test_a_paragraph_is_broken_into_lines_once_at_a_width(monkeypatch: pytest.MonkeyPatch, shipped: Any) -> None:
    # The briefing's list items, field-table cells and the blocks after its headings (tried on the heading's
    # page first) were broken twice at the same width; their lines are kept from the first time.
    document = compose_document(shipped, "briefing")[0]
    widths: dict[int, list[float]] = {}
    kept: list[Any] = []  # every paragraph broken, kept alive so that no two share an id
    breaks = Paragraph.breakLines

    def break_lines(self: Any, *args: Any) -> Any:
        kept.append(self)
        widths.setdefault(id(self), []).append(self.width)
        return breaks(self, *args)

    monkeypatch.setattr(Paragraph, "breakLines", break_lines)
    pdf = get_writer("pdf")(document, DEFAULT_THEME, None)
    assert widths and all(len(seen) == len(set(seen)) for seen in widths.values())
    monkeypatch.setattr(Paragraph, "breakLines", breaks)
    from reports.writers.pdf.tags import TParagraph

    monkeypatch.setattr(TParagraph, "wrap", Paragraph.wrap)  # broken into lines at every wrap, as reportlab does
    assert get_writer("pdf")(document, DEFAULT_THEME, None) == pdf
