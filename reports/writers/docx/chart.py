"""The chart figure in the DOCX: a native chart part with its embedded workbook, drawn inline.

Part of write (DOCX). ``/word/charts/chartN.xml`` (reports/writers/docx/chart_xml.py) is related from the
document part and shown by an inline ``w:drawing`` whose ``c:chart`` names it; the chart part relates
its workbook (``/word/embeddings/Microsoft_Excel_SheetN.xlsx``) through ``c:externalData``, so Word's
"Edit data" opens the values. Word and LibreOffice lay the chart out themselves. The drawing's
``wp:docPr descr`` states every value (reports/chart.py), as the PDF's Figure does.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import nsdecls, nsmap

from reports import chart as ch
from reports import tree as t
from reports.autolink import linked
from reports.writers.docx import ooxml
from reports.writers.docx.chart_xml import chart_space, workbook
from reports.writers.xmltext import xml_safe

_EMU = 12700  # per point
_CELL_MARGINS = 16.0  # points: a key-facts cell's left and right margins, and a little room
_NS = nsdecls("w", "wp", "a", "c", "r")  # python-docx's declarations of these prefixes
_CHART_URI = nsmap["c"]


def _height(node: t.Chart, width: float, page_height: float) -> float:
    """The drawing's height in points: a column chart 0.6 of its width; a bar chart by its rows."""
    if node.kind == "column":
        return min(width * 0.6, page_height)
    bars = 1 if node.kind == "stacked-bar" else len(node.series)
    legend = 24.0 if len(node.series) > 1 else 0.0
    return min(max(140.0, 40.0 + legend + len(node.categories) * (10.0 + 9.0 * bars)), page_height)


def add_chart(writer: Any, node: t.Chart, container: Any) -> None:
    """Write ``node`` into ``container`` (the body or a cell) for the DOCX writer ``writer``
    (``story.StoryWriter``: its document, theme, metadata and paragraph helpers)."""
    from reports.writers.docx import theme as docx_theme

    labels = getattr(writer.meta, "labels", None)
    locale = labels.format_locale if labels is not None else "en_GB"
    theme = writer.theme
    document_part = writer.doc.part
    package = document_part.package
    chart_part = Part(package.next_partname("/word/charts/chart%d.xml"), CT.DML_CHART, b"", package)
    sheet_name = package.next_partname("/word/embeddings/Microsoft_Excel_Sheet%d.xlsx")
    sheet_part = Part(PackURI(sheet_name), CT.SML_SHEET, workbook(node), package)
    colours = ch.series_colours(theme.colours.accent, theme.colours.muted, len(node.series))
    font = docx_theme.word_font(theme.fonts.heading)
    cjk = writer.cjk_faces.face(writer.cjk_faces.languages.default)
    rid = chart_part.relate_to(sheet_part, RT.PACKAGE)
    chart_part._blob = chart_space(node, colours, (font, cjk), round(theme.fonts.size * 0.8, 1), rid,
                                   locale)
    chart_rid = document_part.relate_to(chart_part, RT.CHART)
    cell_width = getattr(container, "width", None) if container is not writer.doc else None
    width = max(int(cell_width) / _EMU - _CELL_MARGINS, 72.0) if cell_width else writer.text_width() / _EMU
    page_height = writer.page.body_height / _EMU - 40
    height = _height(node, width, page_height)
    doc_id = document_part.next_id
    alt = ch.alt_text(node, locale, labels if labels is not None else ch.ENGLISH)
    title = f" title={quoteattr(xml_safe(node.caption))}" if node.caption else ""
    cx, cy = round(width * _EMU), round(height * _EMU)
    drawing = (
        f'<w:drawing {_NS}><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{doc_id}" name="Chart {doc_id}" descr={quoteattr(xml_safe(alt))}{title}/>'
        f'<wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri="{_CHART_URI}"><c:chart r:id="{chart_rid}"/>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing>')
    ooxml.figure_paragraph(writer.new_para(container, "Normal"), drawing, node.number is not None, _NS)
    if node.number is not None:
        # The catalogue's pattern ("Figure 1 : ...", "図1　..."), as a timeline's or an image's caption has it.
        caption = (labels.figure_caption(node.number, node.caption) if labels is not None
                   else f"Figure {node.number}: {node.caption}")
        writer.runs(writer.new_para(container, "Caption"), linked(caption))


__all__ = ["add_chart"]
