"""The chart figure's DOCX parts as bytes: the ``c:chartSpace`` chart part and its embedded workbook.

Part of write (DOCX). The chart XML follows DrawingML's chart schema in its element order (as Word
writes a bar chart, and python-pptx's chart XML writer does): one ``c:barChart`` of the series, each
with its name, categories and values cached (``c:strCache``, ``c:numCache``) and referring to the
workbook's cells, so Word's "Edit data" opens them and LibreOffice draws from the cache. An empty value
is a missing point. The workbook is written by hand (SpreadsheetML's few parts) with a fixed timestamp,
so a rebuild gives the same bytes; its cells hold the values' exact decimal text.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from docx.oxml.ns import nsmap

from reports import chart as ch
from reports import tree as t
from reports.writers.xmltext import xml_safe

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # as the DOCX package's own entries (package.py)
_C, _A, _R = nsmap["c"], nsmap["a"], nsmap["r"]  # python-docx's URIs for these prefixes
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _escape(text: str) -> str:
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def column(index: int) -> str:
    """The spreadsheet column of ``index`` (0 -> A, 25 -> Z, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _str_cache(ref: str, texts: tuple[str, ...] | list[str]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{_escape(x)}</c:v></c:pt>' for i, x in enumerate(texts))
    return f'<c:strRef><c:f>{ref}</c:f><c:strCache><c:ptCount val="{len(texts)}"/>{points}</c:strCache></c:strRef>'


def _num_cache(ref: str, values: tuple[str, ...], code: str) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(values) if v)
    return (f'<c:numRef><c:f>{ref}</c:f><c:numCache><c:formatCode>{code}</c:formatCode>'
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>')


def _number_format(node: t.Chart) -> str:
    # Thousands grouped (120,000,000, not 120000000) where the values are large enough that a fraction
    # would not show at a chart's scale anyway (the workbook, the alt text and the table keep it exact);
    # small values keep Excel's General, which shows each value's own digits.
    values = [Decimal(v) for s in node.series for v in s.values if v]
    return "#,##0" if values and max(values) >= 1000 else "General"


def axis_format(step: Decimal, locale: str, code: str) -> str:
    """The value axis' number format: scaled to ``locale``'s short unit for the axis' step ("10M", "20 M",
    "5 Md": a thousands divisor per trailing comma, which Excel and LibreOffice both read), so the ticks
    read as the PDF's do. ``code`` where the step is under 1,000, or the locale's unit for it is not a
    power of 1,000 (万 and 亿: no format code divides by 10,000), or the locale has no short form there."""
    if step < 1000:
        return code
    try:
        patterns = Locale.parse(locale).compact_decimal_formats["short"]["other"]
    except (UnknownLocaleError, ValueError, KeyError):
        return code
    pattern = patterns.get(str(10 ** step.adjusted()))
    if pattern is None:  # past the locale's largest short unit
        return code
    prefix, suffix = _unquote(pattern.prefix[0]), _unquote(pattern.suffix[0])
    power = step.adjusted() - (pattern.int_prec[0] - 1)  # "00M" at 10^7 divides by 10^6
    if not (prefix or suffix) or power <= 0 or power % 3 or '"' in prefix + suffix:
        return code
    scaled = f"{_literal(prefix)}#,##0{',' * (power // 3)}{_literal(suffix)}"
    return _escape(f"{scaled};-{scaled};0")  # zero is "0", as the PDF's axis starts, not "0m"


def _unquote(text: str) -> str:
    """A CLDR pattern's literal text without its quoting ("Mio'.'" -> "Mio.", "''" -> "'")."""
    return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", text)


def _literal(text: str) -> str:
    return f'"{text}"' if text else ""


def chart_space(node: t.Chart, colours: list[str], fonts: tuple[str, str], size: float, workbook_rid: str,
                locale: str = "en_GB") -> bytes:
    """The chart part of ``node``: series filled in ``colours`` (#RRGGBB), text in ``fonts`` (Latin, East
    Asian) at ``size`` points, its data in the workbook related as ``workbook_rid``. The value axis ends
    and steps where the PDF's does (reports.chart.axis_top), its ticks in ``locale``'s short units."""
    n = len(node.categories)
    horizontal = node.kind != "column"
    categories = f"Sheet1!$A$2:$A${n + 1}"
    code = _number_format(node)
    top, step = ch.axis_top(node)
    series = []
    for j, s in enumerate(node.series):
        col = column(j + 1)
        series.append(
            f'<c:ser><c:idx val="{j}"/><c:order val="{j}"/><c:tx>{_str_cache(f"Sheet1!${col}$1", [s.name])}</c:tx>'
            f'<c:spPr><a:solidFill><a:srgbClr val="{colours[j].lstrip("#").upper()}"/></a:solidFill></c:spPr>'
            f'<c:invertIfNegative val="0"/><c:cat>{_str_cache(categories, node.categories)}</c:cat>'
            f'<c:val>{_num_cache(f"Sheet1!${col}$2:${col}${n + 1}", s.values, code)}</c:val></c:ser>')
    stacked = node.kind == "stacked-bar"
    # Values on the bars, except on stacked segments: Word and LibreOffice place those labels themselves,
    # and a thin segment's label runs into its neighbours (the workbook, the alt text and the table beside
    # the chart hold every value).
    labels = (f'<c:dLbls><c:numFmt formatCode="{code}" sourceLinked="0"/><c:showLegendKey val="0"/>'
              f'<c:showVal val="{0 if stacked else 1}"/><c:showCatName val="0"/><c:showSerName val="0"/>'
              '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>')
    overlap = '<c:overlap val="100"/>' if stacked else ""
    bars = (f'<c:barChart><c:barDir val="{"bar" if horizontal else "col"}"/>'
            f'<c:grouping val="{"stacked" if stacked else "clustered"}"/><c:varyColors val="0"/>{"".join(series)}'
            f'{labels}<c:gapWidth val="60"/>{overlap}'
            '<c:axId val="500100"/><c:axId val="500200"/></c:barChart>')
    # A bar chart's categories read top down in the data's order (reversed axis, values along the foot).
    category_axis = ('<c:catAx><c:axId val="500100"/><c:scaling><c:orientation '
                     f'val="{"maxMin" if horizontal else "minMax"}"/></c:scaling><c:delete val="0"/>'
                     f'<c:axPos val="{"l" if horizontal else "b"}"/><c:numFmt formatCode="General" sourceLinked="1"/>'
                     '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
                     '<c:crossAx val="500200"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
                     '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>')
    value_axis = ('<c:valAx><c:axId val="500200"/><c:scaling><c:orientation val="minMax"/>'
                  f'<c:max val="{top:f}"/><c:min val="0"/></c:scaling><c:delete val="0"/>'
                  f'<c:axPos val="{"b" if horizontal else "l"}"/><c:majorGridlines>'
                  '<c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr>'
                  f'</c:majorGridlines><c:numFmt formatCode="{axis_format(step, locale, code)}" sourceLinked="0"/>'
                  '<c:majorTickMark val="none"/>'
                  '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="500100"/>'
                  f'<c:crosses val="{"max" if horizontal else "autoZero"}"/><c:crossBetween val="between"/>'
                  f'<c:majorUnit val="{step:f}"/></c:valAx>')
    legend = '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' if len(node.series) > 1 else ""
    latin, east_asian = (_escape(f) for f in fonts)
    text = (f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{round(size * 100)}">'
            f'<a:latin typeface="{latin}"/><a:ea typeface="{east_asian}"/><a:cs typeface="{latin}"/></a:defRPr>'
            '</a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>')
    xml = (f'{_HEAD}<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}"><c:date1904 val="0"/>'
           '<c:roundedCorners val="0"/><c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>'
           f'{bars}{category_axis}{value_axis}</c:plotArea>{legend}<c:plotVisOnly val="1"/>'
           '<c:dispBlanksAs val="gap"/></c:chart><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
           f'{text}<c:externalData r:id="{workbook_rid}"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>')
    return xml.encode("utf-8")


def workbook(node: t.Chart) -> bytes:
    """The chart's data as an .xlsx: categories down column A, one column a series named in row 1, each
    value its exact decimal text (a number cell), an empty value an absent cell."""
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t></t></is></c>' + "".join(
        f'<c r="{column(j + 1)}1" t="inlineStr"><is><t xml:space="preserve">{_escape(s.name)}</t></is></c>'
        for j, s in enumerate(node.series)) + "</row>"]
    for i, category in enumerate(node.categories):
        cells = "".join(f'<c r="{column(j + 1)}{i + 2}"><v>{s.values[i]}</v></c>'
                        for j, s in enumerate(node.series) if s.values[i])
        rows.append(f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t xml:space="preserve">'
                    f'{_escape(category)}</t></is></c>{cells}</row>')
    sheet = f'{_HEAD}<worksheet xmlns="{_SML}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = [
        ("[Content_Types].xml", f'{_HEAD}<Types xmlns="{package}/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>'
         f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sml}.worksheet+xml"/>'
         f'<Override PartName="/xl/styles.xml" ContentType="{sml}.styles+xml"/></Types>'),
        ("_rels/.rels", f'{_HEAD}<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
         f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'{_HEAD}<workbook xmlns="{_SML}" xmlns:r="{_R}"><sheets>'
         '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'{_HEAD}<Relationships xmlns="{package}/relationships">'
         f'<Relationship Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/>'
         f'<Relationship Id="rId2" Type="{office}/styles" Target="styles.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/styles.xml", f'{_HEAD}<styleSheet xmlns="{_SML}"><fonts count="1"><font><sz val="11"/>'
         '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
         '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>'
         '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
         'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
         'borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
         'builtinId="0"/></cellStyles></styleSheet>'),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, text.encode("utf-8"))
    return out.getvalue()


__all__ = ["axis_format", "chart_space", "column", "workbook"]
