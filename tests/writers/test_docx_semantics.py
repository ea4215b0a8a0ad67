"""The DOCX's table and figure semantics, read back from the XML and through LibreOffice's tagged PDF export
(issue 23, defect 8).

Tables: the label/value tables (key facts, the memo's TO/FROM block) declare their label column as Word's
row headers (``w:tblLook firstColumn="1"`` with a table style whose ``firstCol`` conditional formatting
styles the labels); tables with a header row mark it ``w:tblHeader``, which LibreOffice exports as TH.
LibreOffice 7.4 makes TH only from such header rows: a label column comes out as TD whatever the DOCX
says, so the key facts (which have no header row) cannot get TH on that route; see the README.

Figures: every child shape of the timeline group is decorative and has its own descr, the first the
figure's alt text, so LibreOffice's export (which drops the group's descr) makes no Figure without /Alt.
"""

from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest
from lxml import etree

from reports.load import load_agreement
from reports.pipeline import Options, render
from tests.conftest import ROOT
from tests.office import TAGGED_PDF, Office

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
_BUILT: dict[str, bytes] = {}


def _docx(kind: str) -> bytes:
    if kind not in _BUILT:
        agreement = load_agreement(ROOT / "data" / "zhejiang-alibaba-2023.yaml")
        _BUILT[kind] = render(agreement, kind, "docx", Options(timeout=None)).data
    return _BUILT[kind]


def _part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def _tables(body: etree._Element, style_id: str) -> list[etree._Element]:
    return [tbl for tbl in body.iter(f"{W}tbl")
            if tbl.find(f"{W}tblPr/{W}tblStyle[@{W}val='{style_id}']") is not None]


def _style(styles: etree._Element, style_id: str) -> etree._Element:
    found = styles.find(f"{W}style[@{W}styleId='{style_id}']")
    assert found is not None, style_id
    return found


@pytest.mark.parametrize(("kind", "style_id"), [("briefing", "KeyFacts"), ("memo", "MemoHeader")])
def test_label_value_tables_declare_their_label_column_as_row_headers(kind: str, style_id: str) -> None:
    data = _docx(kind)
    body, styles = _part(data, "word/document.xml"), _part(data, "word/styles.xml")
    tables = _tables(body, style_id)
    assert tables
    for tbl in tables:
        look = tbl.find(f"{W}tblPr/{W}tblLook")
        assert look is not None and look.get(f"{W}firstColumn") == "1" and look.get(f"{W}firstRow") == "0"
    conditions = {e.get(f"{W}type") for e in _style(styles, style_id).iter(f"{W}tblStylePr")}
    assert "firstCol" in conditions  # the labels take the style's first-column formatting


def test_tables_with_a_header_row_mark_it_as_one() -> None:
    body = _part(_docx("briefing"), "word/document.xml")
    report = _tables(body, "ReportTable")
    assert report
    for tbl in report:
        first = tbl.find(f"{W}tr")
        assert first is not None and first.find(f"{W}trPr/{W}tblHeader") is not None


def test_every_timeline_shape_is_decorative_with_its_own_descr_and_the_first_has_the_alt_text() -> None:
    body = _part(_docx("briefing"), "word/document.xml")
    groups = [d for d in body.iter(f"{WP}inline") if d.find(f"{WP}docPr") is not None
              and str(d.find(f"{WP}docPr").get("name", "")).startswith("Timeline")]
    assert groups
    for group in groups:
        alt = group.find(f"{WP}docPr").get("descr")
        children = list(group.iter(f"{WPS}cNvPr"))
        assert alt and len(children) > 1
        assert children[0].get("descr") == alt
        for child in children:
            assert child.get("descr"), child.get("name")
            assert [e.get("val") for e in child.iter(DECORATIVE)] == ["1"], child.get("name")
        assert sum(child.get("descr") == alt for child in children) == 1  # the description once, not per shape


def _tagged_pdf(data: bytes, office: Office) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(office.pdf(data, export=TAGGED_PDF)))


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    out: list[pikepdf.Dictionary] = []
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            out.append(node)
            if "/K" in node:
                stack.append(node.K)
    return out


@pytest.mark.soffice
def test_libreoffice_tagged_export_gives_every_figure_alt_text_and_header_rows_th(office: Office) -> None:
    with _tagged_pdf(_docx("briefing"), office) as pdf:
        elements = _elements(pdf)
        roles = [str(e.S) for e in elements]
        figures = [e for e in elements if str(e.S) == "/Figure"]
        assert figures and all("/Alt" in e and str(e.Alt) for e in figures)
        assert "/TH" in roles  # the report tables' header rows
