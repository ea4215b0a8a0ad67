"""The chart figure as each writer makes it: PDF vectors with labels that never overlap and every value in
the Figure's alt text; a DOCX chart part with its workbook (schema-valid, exact cells) that LibreOffice draws."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import chart as ch
from reports import tree as t
from reports.fonts.faces import cjk_font
from reports.theme import DEFAULT_THEME
from reports.writers.pdf.chart import ChartFlowable
from reports.writers.pdf.chart_layout import _overlap
from reports.writers.pdf.styles import stylesheet
from tests.office import Office
from tests.writing import write_docx, write_pdf

NODE = t.Chart("column", ("Alibaba Group", "Zhejiang Provincial Government 浙江省人民政府", "Hangzhou"),
               (t.ChartSeries("Investment", ("120000000", "45000000", "")),
                t.ChartSeries("Loans | grants", ("5000000", "80000000.5", "1500000"))),
               "EUR", "Who invests.", "Investment by party", 1)


def _document(*blocks: t.Block, language: str = "en") -> t.Document:
    return t.Document(t.Meta(title="Charts", iso_date="2023-07-07", language=language), blocks)


def _flowable(node: t.Chart, locale: str = "en") -> ChartFlowable:
    sheet = dataclasses.replace(stylesheet(DEFAULT_THEME), cjk=cjk_font(DEFAULT_THEME.fonts.cjk))
    return ChartFlowable(node, sheet, locale)


def test_alt_text_states_every_value_exactly() -> None:
    # In words where they say the value exactly (a screen reader says "120 million" better than the
    # digits), else in full; a chart without an alt sentence of the template's says what kind it is.
    assert ch.alt_text(NODE, "en").replace("\u00a0", " ") == (  # a code and its amount kept together
        "Who invests. Alibaba Group, Investment: EUR 120 million; Alibaba Group, Loans | grants: EUR 5 million; "
        "Zhejiang Provincial Government 浙江省人民政府, Investment: EUR 45 million; Zhejiang Provincial Government "
        "浙江省人民政府, Loans | grants: EUR 80,000,000.50; Hangzhou, Investment: no value; Hangzhou, Loans | "
        "grants: EUR 1.5 million")
    assert ch.alt_text(dataclasses.replace(NODE, alt="", kind="stacked-bar"), "en").startswith(
        "Stacked bar chart. Alibaba Group, Investment: EUR\u00a0120 million;")
    assert ch.alt_text(dataclasses.replace(NODE, unit="staff"), "en").startswith(  # a unit not a currency
        "Who invests. Alibaba Group, Investment: staff 120 million; Alibaba Group, Loans | grants: staff 5 million")
    assert [ch.spoken(v, "en") for v in ("1234567", "999999", "4500000000", "0.5")] == [
        "1,234,567", "999,999", "4.5 billion", "0.5"]
    assert ch.spoken("45000000", "zh_Hans_CN") == "4500万"


def test_value_labels_are_compact_in_the_documents_locale() -> None:
    assert [ch.compact(v, "zh_Hans_CN") for v in ("120000000", "45000", "4.5")] == ["1.2亿", "4.5万", "4.5"]
    assert ch.compact("120000000", "en") == "120M"


def test_axis_starts_at_zero_and_reaches_past_the_largest_bar() -> None:
    assert ch.axis_top(NODE) == (Decimal(150000000), Decimal(50000000))  # 120.0M: steps of 50M
    stacked = dataclasses.replace(NODE, kind="stacked-bar")
    assert ch.axis_top(stacked)[0] >= Decimal("125000000.5")


@pytest.mark.parametrize("kind", ["bar", "column", "stacked-bar"])
def test_pdf_with_a_chart_passes_the_validators_and_tags_a_figure_with_every_value(kind: str) -> None:
    from tests.conftest import pdf_text
    from tests.tagged_pdf import check_tagged
    from tests.validators import check_pdf

    node = dataclasses.replace(NODE, kind=kind)
    pdf = write_pdf(_document(t.Paragraph((t.Text("Before"),)), node), DEFAULT_THEME)
    check_pdf(pdf)
    (figure,) = check_tagged(pdf).roles("Figure")
    assert figure.alt == ch.alt_text(node, "en_GB")
    text = pdf_text(pdf)
    for shown in ("Alibaba Group", "Hangzhou", "Investment", "Figure 1: Investment by party",
                  ch.compact("120000000", "en_GB")):
        assert shown in text, shown


def test_a_giant_name_keeps_the_figures_alt_within_pdfas_string_limit() -> None:
    # A category or series name of 60,000 characters (the data allows 100,000) is said once per value:
    # each time cut to ALT_NAME characters, shorter where the values would not fit in a PDF/A string
    # (32,767 bytes), so every value is still said; only a chart too big for even the shortest names
    # has its Figure's /Alt cut by the writer, and page-validation's PDFA2A-STRING-LENGTH-001 never fires.
    from tests.tagged_pdf import check_tagged
    from tests.validators import check_pdf

    giant = " ".join(["Cooperation 浙江省人民政府 & growth"] * 2000)
    said = ch.alt_text(dataclasses.replace(NODE, categories=(giant, "b", "c")), "en")
    assert giant[:ch.ALT_NAME // 2] in said and len(said) < 4 * ch.ALT_NAME  # said twice, cut each time
    for count, whole in ((60, True), (400, False)):
        many = tuple(f"{i} {giant[:600]}" for i in range(count))
        node = dataclasses.replace(NODE, categories=many, series=(t.ChartSeries(giant, ("1",) * count),))
        pdf = write_pdf(_document(node), DEFAULT_THEME)
        check_pdf(pdf)
        (figure,) = check_tagged(pdf).roles("Figure")
        assert 2 + len(figure.alt.encode("utf-16-be")) <= 32_767
        if whole:  # names cut to make room: every value said, each category by its own start
            assert figure.alt == ch.alt_text(node, "en_GB") and figure.alt.count(": EUR\u00a01") == count
            assert all(f"{i} Cooperation" in figure.alt for i in range(count))
        else:
            assert figure.alt.endswith("…") and figure.alt.startswith(ch.alt_text(node, "en_GB")[:1000])


def test_the_alt_text_is_in_the_documents_words() -> None:
    from reports.labels import Labels

    chinese = Labels(chart_value="%(category)s，%(series)s：%(value)s", chart_separator="；", chart_none="无数值",
                     chart_column="柱形图。")
    said = ch.alt_text(dataclasses.replace(NODE, alt=""), "zh_Hans_CN", chinese)
    assert said.startswith("柱形图。Alibaba Group，Investment：EUR\u00a01.2亿；"
                           "Alibaba Group，Loans | grants：EUR\u00a0500万；")
    assert "Hangzhou，Investment：无数值；" in said and "no value" not in said


_NAME = st.text(st.sampled_from(list("abcdefghij XYZ&<>-浙江省人民政府阿里巴巴集团")), min_size=1, max_size=70).map(
    lambda s: " ".join(s.split())).filter(bool)
_VALUE = st.one_of(st.integers(1, 10**15).map(str), st.just(""),
                   st.decimals(Decimal("0.01"), Decimal("99999.99"), places=2).map(str))


@st.composite
def charts(draw: st.DrawFn) -> t.Chart:
    n = draw(st.integers(1, 20))
    count = draw(st.integers(1, 5))
    series = tuple(t.ChartSeries(draw(_NAME), tuple(draw(_VALUE) for _ in range(n))) for _ in range(count))
    if not any(v for s in series for v in s.values):
        series = (dataclasses.replace(series[0], values=("7", *series[0].values[1:])), *series[1:])
    kind = draw(st.sampled_from(["bar", "column", "stacked-bar"]))
    return t.Chart(kind, tuple(draw(_NAME) for _ in range(n)), series, draw(st.sampled_from(["", "EUR"])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts(), st.sampled_from(["en", "zh_Hans_CN", "fr"]))
def test_no_two_pdf_labels_overlap_and_the_alt_text_says_every_value(node: t.Chart, locale: str) -> None:
    figure = _flowable(node, locale)
    width, height = figure.wrap(451, 700)
    assert height <= 700 * 0.8 + 40
    drawn = figure.drawn
    assert drawn, "some label is drawn"
    for a, b in itertools.combinations(drawn, 2):
        assert not _overlap(a.box(), b.box()), (a, b)
    for label in drawn:
        left, top, right, bottom = label.box()
        assert left >= -0.01 and right <= width + 0.01 and top >= -0.01 and bottom <= height + 0.01, label
    for series in node.series:
        for value in series.values:
            if value:
                assert ch.spoken(value, locale) in figure._alt_text
    assert figure._alt_text.count(";") == len(node.categories) * len(node.series) - 1


def _cells(data: bytes) -> dict[str, object]:
    import openpyxl

    archive = zipfile.ZipFile(io.BytesIO(data))
    (name,) = [n for n in archive.namelist() if n.startswith("word/embeddings/")]
    book = openpyxl.load_workbook(io.BytesIO(archive.read(name)))
    return {cell.coordinate: cell.value for row in book.active.iter_rows() for cell in row if cell.value is not None}


def _check_docx(node: t.Chart, data: bytes) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert "word/charts/chart1.xml" in names and "word/embeddings/Microsoft_Excel_Sheet1.xlsx" in names
    chart_xml = archive.read("word/charts/chart1.xml").decode()
    assert "<c:chartSpace" in chart_xml and '<c:externalData r:id="rId1">' in chart_xml
    assert "Microsoft_Excel_Sheet1.xlsx" in archive.read("word/charts/_rels/chart1.xml.rels").decode()
    document = archive.read("word/document.xml").decode()
    rid = re.search(r'<c:chart r:id="(rId\d+)"', document).group(1)  # type: ignore[union-attr]
    assert f'Id="{rid}"' in archive.read("word/_rels/document.xml.rels").decode()
    cells = _cells(data)
    for j, series in enumerate(node.series):
        assert cells[f"{chr(66 + j)}1"] == series.name
        for i, value in enumerate(series.values):
            coordinate = f"{chr(66 + j)}{i + 2}"
            if value:
                assert Decimal(str(cells[coordinate])) == Decimal(value), (coordinate, value)
            else:
                assert coordinate not in cells
    assert [cells[f"A{i + 2}"] for i in range(len(node.categories))] == list(node.categories)
    descr = re.search(r'<wp:docPr [^>]*descr="([^"]*)"', document).group(1)  # type: ignore[union-attr]
    unescaped = descr.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert unescaped == ch.alt_text(node, "en_GB")
    top, step = ch.axis_top(node)  # the value axis ends and steps where the PDF's does
    assert f'<c:max val="{top:f}"/>' in chart_xml and f'<c:majorUnit val="{step:f}"/>' in chart_xml


@pytest.mark.parametrize(("step", "locale", "ticks"), [
    ("50000000", "en_GB", '#,##0,,"m";-#,##0,,"m";0'),
    ("2000", "en_GB", '#,##0,"k";-#,##0,"k";0'),
    ("20000000", "fr_FR", '#,##0,,"\xa0M";-#,##0,,"\xa0M";0'),
    ("5000000000", "de_DE", '#,##0,,,"\xa0Mrd.";-#,##0,,,"\xa0Mrd.";0'),  # CLDR's quoted '.' unquoted
    ("200000000000000", "ja_JP", '#,##0,,,,"兆";-#,##0,,,,"兆";0'),  # 兆 is 10^12: a power of 1,000
    ("50000000", "zh_Hans_CN", "#,##0"),  # 万: no format code divides by 10,000
    ("500", "en_GB", "#,##0"),
    ("10000000000000000", "en_GB", "#,##0"),  # past English's largest short unit
    ("5000", "ja_JP", "#,##0"),  # Japanese says thousands whole
    ("50000000", "xx_XX", "#,##0"),
])
def test_docx_value_axis_says_the_locales_short_unit_where_a_format_code_can(step: str, locale: str,
                                                                             ticks: str) -> None:
    from reports.writers.docx.chart_xml import axis_format

    expected = ticks.replace('"', "&quot;")
    assert axis_format(Decimal(step), locale, "#,##0") == expected


@pytest.mark.parametrize("kind", ["bar", "column", "stacked-bar"])
def test_docx_chart_part_and_workbook_are_valid_exact_and_reproducible(kind: str) -> None:
    from tests.validators import docx_findings

    node = dataclasses.replace(NODE, kind=kind)
    data = write_docx(_document(node), DEFAULT_THEME)
    assert docx_findings(data) == []
    _check_docx(node, data)
    assert write_docx(_document(node), DEFAULT_THEME) == data


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts())
def test_random_charts_build_in_both_formats(node: t.Chart) -> None:
    from tests.validators import docx_findings

    data = write_docx(_document(node), DEFAULT_THEME)
    assert docx_findings(data) == []
    _check_docx(node, data)
    assert write_pdf(_document(node), DEFAULT_THEME).startswith(b"%PDF")


@pytest.mark.soffice
def test_libreoffice_draws_the_docx_chart(office: Office) -> None:
    from pypdf import PdfReader

    data = write_docx(_document(t.Heading(1, (t.Text("Money"),)), NODE), DEFAULT_THEME)
    text = PdfReader(io.BytesIO(office.pdf(data))).pages[0].extract_text()
    for shown in ("Alibaba Group", "Hangzhou", "Investment", "Loans | grants", "Figure 1: Investment by party"):
        assert shown in text, shown
    top, step = ch.axis_top(NODE)  # LibreOffice reads the scaled format: its ticks are the PDF's
    for k in range(1, int(top / step) + 1):
        assert ch.compact(str(step * k), "en_GB") in text, step * k
