"""A heading never sits alone at the foot of a page, in either format.

Generated documents (runs of headings over short and long paragraphs, long tables, lists, quotes and
figures; A4 and the example theme's Letter) are written and read back: in the PDF every heading is on the
page where the block after it starts (each heading and each block begins with a marker word found in the
text of each page); in the DOCX every heading paragraph says ``w:keepNext`` itself, whatever the reference
document's heading styles say, and LibreOffice, laying the DOCX out, keeps each heading with its block.
"""

from __future__ import annotations

import dataclasses
import io
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from reports import tree as t
from reports.fonts.faces import cjk_font
from reports.load import load_theme
from reports.theme import DEFAULT_THEME
from reports.writers.pdf.story import StoryWriter
from reports.writers.pdf.styles import stylesheet
from reports.writers.pdf.tables import SplitTable
from tests.conftest import ROOT
from tests.office import Office
from tests.writing import write_docx, write_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EXAMPLE_THEME = load_theme(ROOT / "docs" / "example-theme" / "theme.yaml")  # Letter, a logo, its own colours
THEMES = {"A4": DEFAULT_THEME, "Letter": EXAMPLE_THEME}
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma", "omega"]
MARKER = re.compile(r"[HBP]q\d+z")


@dataclass(frozen=True)
class Generated:
    """A document, and for every heading (by number) the marker word that starts the block after it."""

    document: t.Document
    follows: dict[int, str]


def _text(words: int, seed: int, lead: str = "") -> t.Inlines:
    picked = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words)]
    return (t.Text(" ".join([lead, *picked]).strip()),)


def generate(integer: Callable[[int, int], int], pick: Callable[[Sequence[Any]], Any]) -> Generated:
    """A document of 6 to 18 sections, each a run of headings and the block they head (and at times a
    paragraph more), its sizes drawn by ``integer`` (low, high) and its kinds by ``pick``."""
    blocks: list[t.Block] = []
    follows: dict[int, str] = {}
    heading = 0
    for section in range(integer(6, 18)):
        run = []
        for level in pick([(2,), (1, 2), (2, 3), (1, 2, 3), (3,)]):
            heading += 1
            run.append(heading)
            blocks.append(t.Heading(level, _text(3, heading, f"Hq{heading}z")))
        marker = f"Bq{heading}z"
        kind = pick(["paragraph", "short", "table", "list", "quote", "timeline"])
        if kind == "paragraph":
            blocks.append(t.Paragraph(_text(integer(5, 350), section, marker)))
        elif kind == "short":
            blocks.append(t.Paragraph(_text(3, section, marker)))
        elif kind == "table":
            rows = tuple(((t.Text(marker if i == 0 else f"r{i}"),), _text(integer(1, 70), i))
                         for i in range(integer(1, 90)))
            blocks.append(t.Table(((t.Text("Area"),), (t.Text("Summary"),)), rows, ("left", "left")))
        elif kind == "list":
            items = tuple(t.ListItem((t.Paragraph(_text(integer(2, 40), i, marker if i == 0 else "")),))
                          for i in range(integer(1, 8)))
            blocks.append(t.BulletList(items))
        elif kind == "quote":
            blocks.append(t.BlockQuote((t.Paragraph(_text(integer(5, 150), section, marker)),),
                                       (t.Text("A speaker"),)))
        else:
            events = tuple(t.TimelineEvent(f"2023-{m + 1:02d}-01", " ".join(([marker] if m == 0 else []) + ["step"]),
                                           m == 0) for m in range(integer(1, 12)))
            blocks.append(t.Timeline(events, caption="Key dates", number=1))
        for number in run:
            follows[number] = marker
        if pick([False, True]):
            blocks.append(t.Paragraph(_text(integer(5, 120), section)))
    return Generated(t.Document(t.Meta(title="Keep", iso_date="2023-07-07"), tuple(blocks)), follows)


@st.composite
def documents(draw: st.DrawFn) -> Generated:
    return generate(lambda low, high: draw(st.integers(low, high)), lambda options: draw(st.sampled_from(options)))


def first_pages(pdf: bytes) -> dict[str, int]:
    """The page (1 = first) each marker word is first printed on."""
    found: dict[str, int] = {}
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        for marker in MARKER.findall(page.extract_text() or ""):
            found.setdefault(marker, number)
    return found


def lone_headings(generated: Generated, pages: dict[str, int]) -> list[str]:
    return [f"heading {n} on page {pages.get(f'Hq{n}z')}, its block on page {pages.get(marker)}"
            for n, marker in generated.follows.items() if pages.get(f"Hq{n}z") != pages.get(marker)]


@settings(max_examples=14, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated=documents(), paper=st.sampled_from(sorted(THEMES)))
def test_every_pdf_heading_is_on_the_page_its_block_starts(generated: Generated, paper: str) -> None:
    pages = first_pages(write_pdf(generated.document, THEMES[paper]))
    assert set(pages) >= {f"Hq{n}z" for n in generated.follows}, "every heading is printed"
    assert lone_headings(generated, pages) == []


def _section(level_run: tuple[int, ...], follower: t.Block, filler: int) -> t.Document:
    blocks: list[t.Block] = [t.Paragraph(_text(filler, 1))]
    blocks += [t.Heading(level, _text(2, i, f"Hq{i + 1}z")) for i, level in enumerate(level_run)]
    return t.Document(t.Meta(title="Keep", iso_date="2023-07-07"), (*blocks, follower))


@pytest.mark.parametrize("paper", sorted(THEMES))
def test_a_section_heading_and_its_first_sub_heading_go_to_the_next_page_together(paper: str) -> None:
    # The filler pushes the headings through the foot of the first page, a few words at a time: wherever
    # they fall, the two headings and the paragraph's first lines share a page.
    follower = t.Paragraph(_text(120, 3, "Bq2z"))
    generated = [Generated(_section((1, 2), follower, filler), {1: "Bq2z", 2: "Bq2z"})
                 for filler in range(500, 760, 12)]
    crossed = 0
    for case in generated:
        pages = first_pages(write_pdf(case.document, THEMES[paper]))
        assert lone_headings(case, pages) == [], case.document.blocks[0]
        crossed += pages["Hq1z"] == 2
    assert crossed, "some fillers put the headings on the second page (the case is exercised)"


def test_a_heading_before_a_long_table_stays_where_the_table_can_start() -> None:
    # reportlab's own keepWithNext moved the heading and the whole table to the next page whenever the
    # table was taller than the room left: here the page had room for its header and many rows.
    rows = tuple(((t.Text("Bq1z" if i == 0 else f"r{i}"),), _text(12, i)) for i in range(200))
    document = t.Document(t.Meta(title="Keep", iso_date="2023-07-07"),
                          (t.Paragraph(_text(40, 2, "Pq0z")), t.Heading(2, _text(2, 1, "Hq1z")),
                           t.Table(((t.Text("Area"),), (t.Text("Summary"),)), rows, ("left", "left"))))
    pages = first_pages(write_pdf(document, DEFAULT_THEME))
    assert pages["Pq0z"] == pages["Hq1z"] == pages["Bq1z"] == 1


def test_a_quote_box_is_never_split_where_its_first_part_shows_no_text() -> None:
    # reportlab cut the box inside its row even where not one line fitted: the rule and padding alone
    # were left at the foot of the page (and a heading before the quote with them).
    sheet = dataclasses.replace(stylesheet(DEFAULT_THEME), cjk=cjk_font(DEFAULT_THEME.fonts.cjk))
    writer = StoryWriter(sheet, t.Meta(title="Keep"))
    quote = t.BlockQuote((t.Paragraph(_text(80, 1)),), (t.Text("A speaker"),))
    box = next(f for f in writer.blocks((quote,)) if isinstance(f, SplitTable))
    canvas = Canvas(io.BytesIO())
    split_somewhere = False
    for height in range(2, 120, 3):
        box.wrapOn(canvas, sheet.frame_width, height)
        parts = box.splitOn(canvas, sheet.frame_width, height)
        if parts:
            split_somewhere = True
            assert _shows_text(parts[0]._cellvalues), height
    assert split_somewhere


def _shows_text(value: Any) -> bool:
    """Whether a table's cell values hold a paragraph with at least one line laid out."""
    if isinstance(value, list | tuple):
        return any(_shows_text(item) for item in value)
    lines = getattr(getattr(value, "blPara", None), "lines", None)
    return bool(lines) if lines is not None else bool(getattr(value, "getPlainText", lambda: "")())


# --------------------------------------------------------------------------- DOCX


def _paragraphs(data: bytes) -> list[etree._Element]:
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(f"{W}body")
    return list(body.iter(f"{W}p"))


def _style(p: etree._Element) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


def _reference_without_keep_next(folder: Path) -> Path:
    """The built-in reference document, its heading styles stripped of keepNext and keepLines."""
    source = ROOT / "templates" / "reference.docx"
    target = folder / "no-keep.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/styles.xml":
                data = re.sub(rb"<w:keep(?:Next|Lines)(?: w:val=\"[^\"]*\")?/>", b"", data)
            zout.writestr(item, data)
    return target


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated=documents(), paper=st.sampled_from(sorted(THEMES)))
def test_every_docx_heading_paragraph_keeps_with_the_next(generated: Generated, paper: str, tmp_path_factory:
                                                           pytest.TempPathFactory) -> None:
    reference = _reference_without_keep_next(tmp_path_factory.mktemp("ref"))
    assert b"keepNext" not in zipfile.ZipFile(reference).read("word/styles.xml")
    theme = THEMES[paper]
    for data in (write_docx(generated.document, theme), write_docx(generated.document, theme, reference)):
        headings = [p for p in _paragraphs(data) if _style(p).startswith("Heading")]
        assert len(headings) == len(generated.follows)
        for p in headings:
            assert p.find(f"{W}pPr/{W}keepNext") is not None and p.find(f"{W}pPr/{W}keepLines") is not None


def test_a_captioned_picture_keeps_with_its_caption(tmp_path: Path) -> None:
    picture = ROOT / "docs" / "example-theme" / "logo.png"
    image = t.Image(str(picture), "The logo", caption="Logo", number=1)
    data = write_docx(t.Document(t.Meta(title="Pictures"), (image,)), DEFAULT_THEME)
    (drawing,) = [p for p in _paragraphs(data) if p.find(f".//{W}drawing") is not None]
    assert drawing.find(f"{W}pPr/{W}keepNext") is not None
    assert _style(drawing.getnext()) == "Caption"


@pytest.mark.soffice
def test_libreoffice_keeps_every_docx_heading_with_its_block(tmp_path: Path, office: Office) -> None:
    reference = _reference_without_keep_next(tmp_path)
    chance = random.Random(24)  # the same four documents every run
    cases = {f"case{i}": generate(chance.randint, chance.choice) for i in range(4)}
    for i, (name, case) in enumerate(cases.items()):
        theme = THEMES[sorted(THEMES)[i % 2]]
        (tmp_path / f"{name}.docx").write_bytes(write_docx(case.document, theme, reference))
    office.convert([tmp_path / f"{n}.docx" for n in cases])
    for name, case in cases.items():
        assert lone_headings(case, first_pages((tmp_path / f"{name}.pdf").read_bytes())) == [], name
