"""The running header and footer of both writers: the marking whole on one line at the top and foot of
every page, the running title cut at the same word in both, and reference documents' letterheads kept
with our marking line and page number added (or refused, by name, where that cannot be done).

References are built here unlike ours: python-docx's own template (Calibri, a Header style with centre
and right tab stops), a first-page letterhead, different odd and even headers, a header holding a table
and a picture, a footer numbering its own pages, one part serving two kinds of header, a hidden Header
style and a page too narrow for the marking. Where LibreOffice is installed, the DOCX is laid out by it
and read back page by page as the PDF is.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import tree as t
from reports.errors import RenderError
from reports.fonts.faces import ensure_cjk, family
from reports.fonts.measure import TextMeasure
from reports.load import load_theme
from reports.theme import DEFAULT_THEME, Margins, Theme
from reports.writers.measure import (
    GAP,
    RUNNING_SHARE,
    MarkingTooWide,
    footer_note,
    line_width,
    running_head,
)
from tests.conftest import ROOT
from tests.markings_read import docx_stories, pdf_band_lines, pdf_bands, squash
from tests.office import Office
from tests.writing import write_docx, write_pdf

EXAMPLE_THEME = ROOT / "docs" / "example-theme" / "theme.yaml"
MARKING = "OFFICIAL-SENSITIVE: COMMERCIAL"
WORDS = ["Framework", "Memorandum", "on", "Cooperative", "Development", "of", "Integrated", "Regional", "Digital",
         "Infrastructure", "Logistics", "Networks", "and", "Cross-Border", "Trade", "Facilitation", "Among",
         "Municipal", "Authorities"]
LONG_TITLE = " ".join(WORDS * 3)[:300].rsplit(" ", 1)[0]  # 300 characters less the last, cut word


def _document(title: str = LONG_TITLE, marking: str = MARKING, pages: int = 3, **meta: object) -> t.Document:
    blocks: list[t.Block] = []
    for n in range(pages):
        blocks += [t.Heading(1, (t.Text(f"Section {n + 1}"),))]
        blocks += [t.Paragraph((t.Text("Words of the body, long enough to fill a page. " * 12),))] * 6
        blocks += [t.PageBreak()] if n < pages - 1 else []
    fields = {"title": title, "date": "7 July 2023", "classification": marking,
              "organisation": "Department for Business and Trade", **meta}
    return t.Document(t.Meta(**fields), tuple(blocks))  # type: ignore[arg-type]


def _measure(theme: Theme, text: str = "") -> TextMeasure:
    """The PDF's measure of the theme's heading family, with the CJK face ``text`` needs registered."""
    heading = family(theme.fonts.heading)
    return TextMeasure(heading.regular, heading.bold, ensure_cjk(theme.fonts.cjk, text))


# --------------------------------------------------------------------------- the shared cut


@given(title=st.lists(st.sampled_from([*WORDS, "a", "of", "Zhejiang–Alibaba", "浙江省人民政府", "1+6+N"]),
                      min_size=1, max_size=60).map(" ".join),
       marking=st.sampled_from([MARKING, "FOR OFFICIAL USE ONLY", "SECRET", "", "内部"]),
       side=st.integers(5, 80))
@settings(max_examples=200, deadline=None)
def test_the_running_title_is_cut_at_a_word_and_the_marking_never(title: str, marking: str, side: int) -> None:
    measure, size = _measure(DEFAULT_THEME, title + marking), 8.0
    width = line_width(595.2756, side, side)
    try:
        head = running_head(title, marking, measure, size, width)
    except MarkingTooWide as exc:  # only when the marking alone is wider than the line
        assert measure.measure(marking, True, size) > width == exc.room
        return
    room = min(width - measure.measure(marking, True, size) - (GAP if marking else 0), width * RUNNING_SHARE)
    assert measure.measure(head, False, size) <= max(room, 0) or head == ""
    squashed = " ".join(title.split())
    if head != squashed and head not in ("", "…"):  # "…" alone: not even the first word fits
        assert head.endswith("…")
        kept = head[:-1]
        assert squashed.startswith(kept)
        if " " in squashed:  # at a word boundary: the next character was a space or punctuation before one
            assert squashed[len(kept)] in " ,;:·-–—"


def test_the_footer_cuts_the_organisation_never_the_marking() -> None:
    measure = _measure(DEFAULT_THEME)
    organisation = "Department for Business, Energy and Industrial Strategy — International Trade Directorate"
    width = line_width(595.2756, 22, 22)
    note = footer_note(("7 July 2023", MARKING, organisation), "Page 999 of 999", measure, 8, width)
    assert note.startswith(f"7 July 2023  ·  {MARKING}  ·  Department for Business")
    assert note.endswith("…") and organisation.startswith(note.split("  ·  ")[-1][:-1])
    narrow = line_width(595.2756, 65, 65)  # 80 mm of text: the organisation goes, then the date
    assert footer_note(("7 July 2023", MARKING, organisation), "Page 999 of 999", measure, 8, narrow) == MARKING
    with pytest.raises(MarkingTooWide):
        footer_note(("", MARKING * 3, ""), "Page 999 of 999", measure, 8, narrow)


def test_the_pdf_and_docx_lines_are_the_same_width_for_any_margins() -> None:
    # Word stores the page and margins in twips; the PDF measures on the same line, so both cut alike.
    for side in (5, 12.7, 19.99, 22, 23.9, 33.33, 80):
        document = docx.Document()
        section = document.sections[0]
        section.page_width, section.left_margin, section.right_margin = Mm(210), Mm(side), Mm(side)
        text = (section.page_width - section.left_margin - section.right_margin) / 12700
        assert line_width(595.2756, side, side) == pytest.approx(text, abs=0.026)  # A4 is 11906 twips in Word


# --------------------------------------------------------------------------- a long title, both formats


def test_a_300_character_title_is_cut_at_the_same_word_in_both_and_the_marking_stays_whole() -> None:
    theme = load_theme(EXAMPLE_THEME)
    document = _document()
    pdf, word = write_pdf(document, theme), write_docx(document, theme)
    pdf_heads = [lines[0] for lines in (pdf_band_lines(pdf, n, 0, theme.margins.top * 72 / 25.4)
                                        for n in range(2, 4))]
    header = docx_stories(word)["odd"][0]
    docx_head, docx_marking = header.split("\t")
    assert docx_marking == MARKING
    assert docx_head.endswith("…") and LONG_TITLE.startswith(docx_head[:-1]) and LONG_TITLE[len(docx_head) - 1] == " "
    for line in pdf_heads:  # "<head>      OFFICIAL-SENSITIVE: COMMERCIAL" on one line
        assert squash(line) == f"{docx_head} {MARKING}", line
    first_top, _ = pdf_bands(pdf, theme)[0]
    assert squash(first_top) == MARKING  # page 1: the marking above the title block (the logo beside it)
    assert docx_stories(word)["first"][0] == MARKING + "\t"  # the logo follows the tab (a picture, no text)


def _assert_one_line_marking_on_every_page(pdf: bytes, top_pt: float, bottom_pt: float) -> None:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        height = float(page.mediabox.height)
        top = pdf_band_lines(pdf, number, 0, top_pt)
        foot = pdf_band_lines(pdf, number, height - bottom_pt, bottom_pt)
        assert any(MARKING in squash(line) for line in top), (number, top)
        assert any(MARKING in squash(line) and re.search(r"Page \d+ of \d+", line) for line in foot), (number, foot)


@pytest.mark.soffice
def test_libreoffice_sets_the_long_title_docx_with_the_marking_on_one_line(office: Office) -> None:
    theme = load_theme(EXAMPLE_THEME)
    laid_out = office.pdf(write_docx(_document(), theme))
    _assert_one_line_marking_on_every_page(laid_out, 30 * 72 / 25.4, 20 * 72 / 25.4)


# --------------------------------------------------------------------------- reference documents


def _save(document: docx.document.Document, folder: Path, name: str) -> Path:
    path = folder / name
    document.save(str(path))
    return path


def _odd_even_first(folder: Path) -> Path:
    """python-docx's template with a first-page letterhead and different odd and even headers and footers."""
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    document.settings.odd_and_even_pages_header_footer = True
    for story, text in ((section.first_page_header, "NORTHWIND FIRST PAGE LETTERHEAD"),
                        (section.header, "Northwind odd pages"), (section.even_page_header, "Northwind even pages"),
                        (section.first_page_footer, "Company number 01234567"),
                        (section.footer, "Registered office: 1 Example Street"),
                        (section.even_page_footer, "Northwind even footer")):
        story.paragraphs[0].text = text
    return _save(document, folder, "odd-even-first.docx")


def _table_and_picture(folder: Path) -> Path:
    """A header that is a table: the ministry's name in one cell, its logo in the other."""
    document = docx.Document()
    header = document.sections[0].header
    table = header.add_table(1, 2, Mm(150))
    table.cell(0, 0).text = "Ministry of Examples"
    table.cell(0, 1).paragraphs[0].add_run().add_picture(str(ROOT / "docs" / "example-theme" / "logo.png"),
                                                         width=Mm(20))
    document.sections[0].footer.paragraphs[0].text = "Ministry footer"
    return _save(document, folder, "table-picture.docx")


def _numbered_footer(folder: Path) -> Path:
    """A footer that numbers its pages itself (a PAGE field), and a header in a wide serif face, 11 pt."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Letterhead"
    header_style = document.styles["Header"]
    header_style.font.name, header_style.font.size = "DejaVu Serif", Pt(11)
    paragraph = section.footer.paragraphs[0]
    paragraph.text = "Folio "
    field = paragraph._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): " PAGE "})
    run = field.makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:t"), {})
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    return _save(document, folder, "numbered-footer.docx")


def _marking_lines(story_text: str) -> list[str]:
    return [line for line in story_text.split("\n") if MARKING in line]


def test_a_letterhead_on_first_odd_and_even_pages_keeps_its_text_and_gains_our_line(tmp_path: Path) -> None:
    word = write_docx(_document(), DEFAULT_THEME, _odd_even_first(tmp_path))
    stories = docx_stories(word)
    assert set(stories) == {"first", "odd", "even"}
    expected = {"first": ("NORTHWIND FIRST PAGE LETTERHEAD", "Company number 01234567"),
                "odd": ("Northwind odd pages", "Registered office: 1 Example Street"),
                "even": ("Northwind even pages", "Northwind even footer")}
    for kind, (header, footer) in stories.items():
        their_header, their_footer = expected[kind]
        assert header.split("\n")[0] == their_header and footer.split("\n")[0] == their_footer  # theirs first
        assert len(_marking_lines(header)) == 1 and len(_marking_lines(footer)) == 1
        assert header.split("\n")[-1].endswith("\t" + MARKING)  # ours after, the marking after the tab
        # the page number, in fields whose cached values come from the layout (the first page it shows on)
        assert re.search(r"\tPage \d+ of \d+$", footer.split("\n")[-1]), footer
    assert stories["first"][0].split("\n")[-1] == "\t" + MARKING  # no running title on the first page
    assert stories["odd"][0].split("\n")[-1].startswith("Framework Memorandum")


@pytest.mark.soffice
def test_libreoffice_shows_the_letterhead_and_our_marking_on_every_page(tmp_path: Path, office: Office) -> None:
    word = write_docx(_document(), DEFAULT_THEME, _odd_even_first(tmp_path))
    laid_out = office.pdf(word)
    _assert_one_line_marking_on_every_page(laid_out, 30 * 72 / 25.4, 30 * 72 / 25.4)
    bands = pdf_bands(laid_out, Theme(margins=Margins(top=30, bottom=30)))
    assert "NORTHWIND FIRST PAGE LETTERHEAD" in bands[0][0] and "Northwind even pages" in bands[1][0]
    assert "Northwind odd pages" in bands[2][0] and "Registered office" in bands[2][1]


def test_a_header_holding_a_table_and_a_picture_is_kept_and_extended(tmp_path: Path) -> None:
    word = write_docx(_document(), DEFAULT_THEME, _table_and_picture(tmp_path))
    section = docx.Document(io.BytesIO(word)).sections[-1]
    header = section.header._element
    assert header.find(qn("w:tbl")) is not None and "Ministry of Examples" in docx_stories(word)["odd"][0]
    assert header.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip") is not None
    assert header[-1].tag == qn("w:p") and MARKING in "".join(header[-1].itertext())  # ours after the table
    assert not section.different_first_page_header_footer  # the reference's set-up stands


def test_a_footer_that_numbers_its_pages_gets_our_marking_without_a_second_number(tmp_path: Path) -> None:
    word = write_docx(_document(), DEFAULT_THEME, _numbered_footer(tmp_path))
    footer = docx.Document(io.BytesIO(word)).sections[-1].footer._element
    instructions = [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))]
    instructions += [i.text for i in footer.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions if i] == ["PAGE"]  # theirs only
    assert MARKING in docx_stories(word)["odd"][1].split("\n")[-1]
    # Our line is set in the face it was measured in, not the reference's wide serif.
    header = docx.Document(io.BytesIO(word)).sections[-1].header._element
    ours = header.findall(qn("w:p"))[-1]
    faces = {f.get(qn("w:ascii")) for f in ours.iter(qn("w:rFonts"))}
    assert faces == {"Source Sans Pro"}
    tabs = [(tab.get(qn("w:val")), tab.get(qn("w:pos"))) for tab in ours.iter(qn("w:tab")) if tab.get(qn("w:val"))]
    assert ("clear", "4680") in tabs  # the Header style's centre stop would catch our tab first


def test_one_part_serving_two_kinds_of_header_gets_one_line(tmp_path: Path) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Shared letterhead"
    section.different_first_page_header_footer = True
    sect_pr = section._sectPr
    default = next(r for r in sect_pr.iter(qn("w:headerReference")) if r.get(qn("w:type")) == "default")
    first = sect_pr.makeelement(qn("w:headerReference"), {qn("w:type"): "first", qn("r:id"): default.get(qn("r:id"))})
    default.addnext(first)
    word = write_docx(_document(), DEFAULT_THEME, _save(document, tmp_path, "shared.docx"))
    stories = docx_stories(word)
    assert stories["first"][0] == stories["odd"][0]
    assert len(_marking_lines(stories["odd"][0])) == 1


def test_a_reference_whose_header_style_hides_text_is_refused_by_name(tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Letterhead"
    document.styles["Header"].font.hidden = True
    path = _save(document, tmp_path, "hidden.docx")
    with pytest.raises(RenderError) as info:
        write_docx(_document(), DEFAULT_THEME, path)
    message = info.value.format_message()
    assert message.startswith(f"{path}: its Header style hides its text (hidden)"), message


def test_a_reference_too_narrow_for_the_marking_is_refused_by_name(tmp_path: Path) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Letterhead"
    section.page_width, section.left_margin, section.right_margin = Mm(100), Mm(40), Mm(40)
    path = _save(document, tmp_path, "narrow.docx")
    with pytest.raises(RenderError) as info:
        write_docx(_document(), DEFAULT_THEME, path)
    message = info.value.format_message()
    assert message.startswith(f"{path}: the marking '{MARKING}' is "), message
    assert "its page set-up leaves too little room" in message


def test_the_command_line_names_a_refused_reference_and_exits_1(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reports.cli import main

    document = docx.Document()
    document.sections[0].footer.paragraphs[0].text = "Registered office"
    document.styles["Footer"].font.hidden = True
    path = _save(document, tmp_path, "hidden-footer.docx")
    out = tmp_path / "memo.docx"
    run = CliRunner().invoke(main, ["docx", "--reference-docx", str(path), "-o", str(out)])
    assert run.exit_code == 1, run.output
    assert run.output.startswith(f"{path}: its Footer style hides its text (hidden)"), run.output
    assert "Traceback" not in run.output and not out.exists()
