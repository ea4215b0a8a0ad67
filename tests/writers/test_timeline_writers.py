"""The timeline figure as each writer draws it: vector drawing with alt text in the PDF, a native DrawingML
group with the same alt text in the DOCX (schema-valid), both read back from the files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate

from reports import timeline as tl
from reports import tree as t
from reports.fonts.faces import cjk_font
from reports.theme import DEFAULT_THEME
from reports.writers.pdf.styles import stylesheet
from reports.writers.pdf.timeline import TimelineFlowable
from tests.office import Office
from tests.writing import write_docx

EVENTS = (t.TimelineEvent("2023-03-28", "Alibaba announces its reorganisation into six business groups"),
          t.TimelineEvent("2023-07-07", "Zhejiang & Alibaba sign <the> agreement 浙江", True),
          t.TimelineEvent("2028-07-07", "Term ends", True))
NODE = t.Timeline(EVENTS, alt="Key dates of the agreement.", caption="Key dates", number=1)


def _many(count: int = 100) -> t.Timeline:
    return t.Timeline(tuple(t.TimelineEvent((dt.date(1995, 1, 1) + dt.timedelta(days=109 * i)).isoformat(),
                                            f"Step {i} of the programme") for i in range(count)))


def _pdf(*flowables: TimelineFlowable) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=1).build(list(flowables))
    return buffer.getvalue()


def _flowable(node: t.Timeline) -> TimelineFlowable:
    # With the CJK face registered, as the writer does before drawing (the stylesheet only names it).
    sheet = dataclasses.replace(stylesheet(DEFAULT_THEME), cjk=cjk_font(DEFAULT_THEME.fonts.cjk))
    return TimelineFlowable(node, sheet, "en", "2023-07-07")


def test_pdf_figure_carries_alt_text_and_draws_every_label() -> None:
    figure = _flowable(NODE)
    assert figure._alt_text == ("Key dates of the agreement. 28 March 2023: Alibaba announces its reorganisation "
                                "into six business groups; 7 July 2023: Zhejiang & Alibaba sign <the> agreement "
                                "浙江; 7 July 2028: Term ends")
    text = PdfReader(io.BytesIO(_pdf(figure))).pages[0].extract_text()
    for shown in ("28 Mar 2023", "7 Jul 2023", "7 Jul 2028", "Term ends", "<the>", "浙江", "2024"):
        assert shown in text, shown


def test_pdf_figure_longer_than_a_page_is_split_between_rows_with_the_alt_text_of_each_part() -> None:
    node = _many()
    figure = _flowable(node)
    figure.wrap(400, 10_000)
    parts = figure.split(400, 300)
    assert len(parts) == 2 and parts[0].wrap(400, 300)[1] <= 300
    assert parts[0]._alt_text.split("; ")[0] == "1 January 1995: Step 0 of the programme"
    first, rest = parts[0]._alt_text.split("; "), parts[1]._alt_text.split("; ")
    assert first + rest == figure._alt_text.split("; ")
    reader = PdfReader(io.BytesIO(_pdf(_flowable(node))))
    assert len(reader.pages) >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    for event in node.events:
        assert tl.date_text(dt.date.fromisoformat(event.date), "yMMMd", "en") in text


def _drawings(data: bytes) -> list[str]:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return re.findall(r"<w:drawing>.*?</w:drawing>", xml, re.S)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _document(*blocks: t.Block) -> t.Document:
    return t.Document(t.Meta(title="Timeline", iso_date="2023-07-07"), blocks)


def test_docx_figure_is_a_native_shape_group_with_alt_text_and_every_label() -> None:
    data = write_docx(_document(t.Heading(1, (t.Text("Dates"),)), NODE), DEFAULT_THEME)
    (drawing,) = _drawings(data)
    assert "wpg:wgp" in drawing and "wps:txbx" in drawing and "<pic:" not in drawing
    descr = _unescape(re.search(r'<wp:docPr [^>]*descr="([^"]*)"', drawing).group(1))  # type: ignore[union-attr]
    # A milestone and a future event beside a past one: the legend's words are said of the events too.
    assert descr == tl.alt_text(NODE, "en", (tl.LegendWords(), "2023-07-07"))
    assert descr.endswith("7 July 2028: Term ends (Future, Milestone)")
    assert 'title="Key dates"' in drawing
    lines = [_unescape(x) for x in re.findall(r"<w:t[^>]*>([^<]*)</w:t>", drawing)]
    for shown in ("28 Mar 2023", "7 Jul 2023", "7 Jul 2028", "Term ends", "Jan 2024", "Past", "Future", "Milestone"):
        assert shown in lines, shown
    assert any("<the>" in line for line in lines)
    assert 'prst="diamond"' in drawing and 'prst="ellipse"' in drawing and 'prstDash val="dash"' in drawing
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "Figure 1: Key dates" in re.sub(r"<[^>]+>", "", xml)


def test_docx_figure_longer_than_a_page_is_written_in_parts_with_every_event() -> None:
    node = _many(200)
    drawings = _drawings(write_docx(_document(node), DEFAULT_THEME))
    assert len(drawings) >= 2
    heights = [int(re.search(r'<wp:extent cx="\d+" cy="(\d+)"', d).group(1)) for d in drawings]  # type: ignore[union-attr]
    assert max(heights) / 12700 < 297 / 25.4 * 72 - 2 * 20 / 25.4 * 72, "each part fits an A4 page's text area"
    described = [_unescape(re.search(r'descr="([^"]*)"', d).group(1)) for d in drawings]  # type: ignore[union-attr]
    assert "; ".join(described) == tl.alt_text(node, "en", (tl.LegendWords(), "2023-07-07"))  # past and future
    ids = [int(i) for d in drawings for i in re.findall(r'(?:docPr|cNvPr) id="(\d+)"', d)]
    assert len(ids) == len(set(ids)), "drawing and shape ids are unique"


def test_docx_with_a_timeline_passes_the_schema_check(tmp_path: Path) -> None:
    from tests.writers.test_ooxml_valid import schema_errors

    data = write_docx(_document(NODE, t.Paragraph((t.Text("after"),)), _many(40)), DEFAULT_THEME)
    assert schema_errors(data, tmp_path) == []


@pytest.mark.parametrize("size", [1, 2, 30])
def test_figure_height_is_the_layouts(size: int) -> None:
    node = _many(size)
    figure = _flowable(node)
    _, height = figure.wrap(450, 10_000)
    lay = tl.layout(node, tl.Style(width=450, size=8.2, tick_size=7.3), figure.fonts.measure, as_of="2023-07-07")
    assert height == pytest.approx(lay.height, abs=1e-6)


def test_docx_figure_in_a_table_cell_takes_the_cells_width() -> None:
    value = t.FieldTable((t.Field((t.Text("Dates"),), (NODE,)),))
    (drawing,) = _drawings(write_docx(_document(value), DEFAULT_THEME))
    width = int(re.search(r'<wp:extent cx="(\d+)"', drawing).group(1))  # type: ignore[union-attr]
    text_width = (210 - 22 - 22 - 36) / 25.4 * 72 * 12700  # A4 less the margins and the label column
    assert text_width * 0.9 < width < text_width


@pytest.mark.soffice
def test_libreoffice_draws_the_docx_figure(office: Office) -> None:
    from pypdf import PdfReader

    data = write_docx(_document(t.Heading(1, (t.Text("Dates"),)), NODE), DEFAULT_THEME)
    page = PdfReader(io.BytesIO(office.pdf(data))).pages[0]
    text = page.extract_text()
    for shown in ("28 Mar 2023", "7 Jul 2023", "7 Jul 2028", "Term ends", "Jan 2024", "Figure 1: Key dates"):
        assert shown in text, shown
    content = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    assert len(re.findall(r"\b(?:l|c)\b", content)) > 20, "axis, ticks, leads and markers drawn as vectors"


def test_a_captioned_figure_or_picture_in_a_key_facts_value_is_laid_out_in_the_pdf() -> None:
    # reportlab cannot split a KeepTogether inside a table cell (it has no canvas there): the PDF writer
    # crashed on a captioned timeline or picture in a key-facts value, which the DOCX writer now lays out too
    # (for its page count).
    from tests.conftest import ROOT, pdf_text
    from tests.writing import write_pdf

    picture = t.Image(str(ROOT / "docs" / "example-theme" / "logo.png"), "The logo", caption="Logo", number=2)
    value = t.FieldTable((t.Field((t.Text("Dates"),), (NODE,)), t.Field((t.Text("Logo"),), (picture,))))
    text = pdf_text(write_pdf(_document(value), DEFAULT_THEME))
    assert "Figure 1: Key dates" in text and "Figure 2: Logo" in text
