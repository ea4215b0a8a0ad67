"""Regenerate templates/reference.docx: the Word styles every DOCX from ``reports`` is built on.

Run: ``python -m tools.make_reference_docx``. It starts from python-docx's default template and sets
the house look (the same design as the PDF stylesheet) on Word's own style names, so documents feel
native in Word and LibreOffice and users can restyle them with their own reference document.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from reports.theme import DEFAULT_THEME
from reports.writers.docx.ooxml import P_BDR_ORDER, P_PR_ORDER, R_PR_ORDER, east_asian, in_schema_order, place
from reports.writers.docx.package import repack

OUT = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"
BODY, HEADING, CJK = "Source Serif Pro", "Source Sans Pro", "SimSun"
ACCENT = RGBColor.from_string(DEFAULT_THEME.colours.accent[1:])
TEXT = RGBColor.from_string(DEFAULT_THEME.colours.text[1:])
MUTED = RGBColor.from_string(DEFAULT_THEME.colours.muted[1:])
RULE = DEFAULT_THEME.colours.rule[1:]
ZEBRA = DEFAULT_THEME.colours.zebra[1:]
ACC = DEFAULT_THEME.colours.accent[1:]


def _font(style, name: str, size: float | None = None, bold: bool | None = None,  # type: ignore[no-untyped-def]
          italic: bool | None = None, colour: RGBColor | None = None) -> None:
    font = style.font
    font.name = name
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    east_asian(rpr, CJK)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if colour is not None:
        font.color.rgb = colour


def _spacing(style, before: float = 0, after: float = 6, line: float | None = None,  # type: ignore[no-untyped-def]
             keep_next: bool = False) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        fmt.line_spacing = line
    fmt.keep_with_next = keep_next


def _paragraph_style(doc, name: str, base: str = "Normal"):  # type: ignore[no-untyped-def]
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if name != base else None
    style.quick_style = True
    return style


def _border(style, side: str, size: int, colour: str, space: int = 1) -> None:  # type: ignore[no-untyped-def]
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:  # in its place among the paragraph properties: the schema fixes their order
        borders = place(ppr, parse_xml(f"<w:pBdr {nsdecls('w')}/>"), P_PR_ORDER)
    place(borders, parse_xml(f'<w:{side} {nsdecls("w")} w:val="single" w:sz="{size}" w:space="{space}" '
                             f'w:color="{colour}"/>'), P_BDR_ORDER)


TABLE_STYLES = {
    # A report table: accent header row with white bold text, light rules, zebra rows.
    "Report Table": f"""
<w:style {nsdecls('w')} w:type="table" w:customStyle="1" w:styleId="ReportTable">
  <w:name w:val="Report Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="0" w:line="264" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:rFonts w:ascii="{HEADING}" w:hAnsi="{HEADING}" w:cs="{HEADING}" w:eastAsia="{CJK}"/><w:sz w:val="19"/></w:rPr>
  <w:tblPr><w:tblStyleRowBandSize w:val="1"/>
    <w:tblBorders><w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/></w:tblBorders>
    <w:tblCellMar><w:top w:w="60" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>
      <w:bottom w:w="80" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr>
  <w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ACC}"/></w:tcPr></w:tblStylePr>
  <w:tblStylePr w:type="band2Horz"><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ZEBRA}"/></w:tcPr></w:tblStylePr>
</w:style>""",
    # Key facts: shaded two-column table, labels in the accent colour.
    "Key Facts": f"""
<w:style {nsdecls('w')} w:type="table" w:customStyle="1" w:styleId="KeyFacts">
  <w:name w:val="Key Facts"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="0" w:line="264" w:lineRule="auto"/></w:pPr>
  <w:tblPr><w:tblBorders><w:top w:val="single" w:sz="12" w:space="0" w:color="{ACC}"/>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:insideH w:val="single" w:sz="6" w:space="0" w:color="FFFFFF"/></w:tblBorders>
    <w:tblCellMar><w:top w:w="80" w:type="dxa"/><w:left w:w="140" w:type="dxa"/>
      <w:bottom w:w="80" w:type="dxa"/><w:right w:w="140" w:type="dxa"/></w:tblCellMar></w:tblPr>
  <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ZEBRA}"/></w:tcPr>
  <w:tblStylePr w:type="firstCol"><w:rPr><w:rFonts w:ascii="{HEADING}" w:hAnsi="{HEADING}"/><w:b/>
    <w:color w:val="{ACC}"/><w:sz w:val="19"/></w:rPr></w:tblStylePr>
</w:style>""",
    # The memo's TO / FROM block: no borders, labels aligned in one column.
    "Memo Header": f"""
<w:style {nsdecls('w')} w:type="table" w:customStyle="1" w:styleId="MemoHeader">
  <w:name w:val="Memo Header"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="20" w:line="264" w:lineRule="auto"/></w:pPr>
  <w:tblPr><w:tblCellMar><w:top w:w="20" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>
      <w:bottom w:w="20" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr>
  <w:tblStylePr w:type="firstCol"><w:rPr><w:rFonts w:ascii="{HEADING}" w:hAnsi="{HEADING}"/><w:b/>
    <w:color w:val="{DEFAULT_THEME.colours.muted[1:]}"/><w:sz w:val="19"/></w:rPr></w:tblStylePr>
</w:style>""",
}


USED_STYLES = {
    "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2",
    "List Number", "List Number 2", "Quote", "Attribution", "Kicker", "Byline", "Memo Title", "Rule", "Title Rule",
    "Table Text", "Field Value", "Caption", "Header", "Footer", "Strong", "Emphasis", "Code", "Hyperlink",
    "Report Table", "Key Facts", "Memo Header", "Table Grid", "Default Paragraph Font", "Normal Table", "No List",
}


def _prune(doc) -> None:  # type: ignore[no-untyped-def]
    """Keep only the styles the writer uses (and what they are based on or linked to), and drop the
    parts python-docx's template carries for old Word versions. The default template's 800 KB of
    styles were parsed and re-serialised for every document: most of a memo's writing time."""
    styles = doc.styles.element
    by_id = {el.get(qn("w:styleId")): el for el in styles.iterchildren(qn("w:style"))}
    from docx.styles import BabelFish

    keep = {sid for sid, el in by_id.items()
            if BabelFish.internal2ui(el.find(qn("w:name")).get(qn("w:val"))) in USED_STYLES}
    pending = list(keep)
    while pending:
        element = by_id[pending.pop()]
        for ref in ("w:basedOn", "w:link", "w:next"):
            target = element.find(qn(ref))
            if target is not None and target.get(qn("w:val")) in by_id and target.get(qn("w:val")) not in keep:
                keep.add(target.get(qn("w:val")))
                pending.append(target.get(qn("w:val")))
    for sid, element in by_id.items():
        if sid not in keep:
            styles.remove(element)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for rels, suffixes in ((doc.part.rels, ("/stylesWithEffects", "/customXml")),
                           (doc.part.package.rels, ("/thumbnail", "/customXml"))):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(suffixes):
                del rels[r_id]


def build() -> bytes:
    """Return the bytes of the reference document."""
    doc = Document()
    styles = doc.styles
    size = DEFAULT_THEME.fonts.size

    normal = styles["Normal"]
    _font(normal, BODY, size)  # colour left automatic so table styles can colour header rows
    _spacing(normal, 0, 6, 1.15)
    # Document defaults too, so text outside any style still gets the house fonts and the CJK face.
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if defaults is not None:
        east_asian(defaults, CJK)

    title = _paragraph_style(doc, "Title")
    _font(title, HEADING, 22, bold=True, colour=ACCENT)  # the PDF's Title: 22 pt on 27 pt
    _spacing(title, 0, 4)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(27)
    ppr = title.element.get_or_add_pPr()
    for existing in ppr.findall(qn("w:pBdr")):
        ppr.remove(existing)
    _font(_paragraph_style(doc, "Subtitle"), HEADING, 13, italic=False, colour=MUTED)
    _spacing(styles["Subtitle"], 0, 8, 1.0)
    # python-docx's template letter-spaces Title and Subtitle a little; the PDF does not.
    for name in ("Title", "Subtitle"):
        rpr = styles[name].element.get_or_add_rPr()
        for tracking in rpr.findall(qn("w:spacing")):
            rpr.remove(tracking)
    for level, (pt, colour, before) in enumerate(((size + 4, ACCENT, 16), (size + 1.5, TEXT, 11),
                                                  (size, MUTED, 9)), start=1):
        style = _paragraph_style(doc, f"Heading {level}")
        _font(style, HEADING, pt, bold=True, italic=False, colour=colour)
        _spacing(style, before, 4, 1.0, keep_next=True)

    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2"):
        _spacing(_paragraph_style(doc, name), 0, 3, 1.15)

    quote = _paragraph_style(doc, "Quote")
    _font(quote, BODY, size + 0.5, italic=True, colour=TEXT)
    _spacing(quote, 4, 4, 1.2)
    quote.paragraph_format.left_indent = Mm(12)
    quote.paragraph_format.right_indent = Mm(0)
    _border(quote, "left", 18, ACC, space=8)

    attribution = _paragraph_style(doc, "Attribution")
    _font(attribution, HEADING, size - 1, italic=False, colour=MUTED)
    _spacing(attribution, 0, 10, 1.1)
    attribution.paragraph_format.left_indent = Mm(12)
    _border(attribution, "left", 18, ACC, space=8)

    kicker = _paragraph_style(doc, "Kicker")
    _font(kicker, HEADING, 8.5, bold=True, colour=ACCENT)
    _spacing(kicker, 0, 8, 1.0)
    byline = _paragraph_style(doc, "Byline")
    _font(byline, HEADING, 9.5, colour=TEXT)
    _spacing(byline, 0, 2, 1.1)
    memo_title = _paragraph_style(doc, "Memo Title", "Title")
    _font(memo_title, HEADING, 24, bold=True, colour=ACCENT)
    _spacing(memo_title, 0, 10, 1.0)
    # Letter-spaced, as the PDF sets it ("M E M O R A N D U M"): a space's width (0.2 em) between letters.
    place(memo_title.element.get_or_add_rPr(), parse_xml(f'<w:spacing {nsdecls("w")} w:val="96"/>'), R_PR_ORDER)
    rule = _paragraph_style(doc, "Rule")
    _spacing(rule, 2, 10, 0.5)
    _font(rule, BODY, 4)
    _border(rule, "bottom", 8, ACC)
    title_rule = _paragraph_style(doc, "Title Rule", "Rule")
    _border(title_rule, "bottom", 18, ACC)
    # No colour here: a paragraph style's colour would override the table style's header row.
    _font(_paragraph_style(doc, "Table Text"), HEADING, size - 1)
    _spacing(styles["Table Text"], 0, 0, 1.1)
    _font(_paragraph_style(doc, "Field Value"), BODY, size - 0.5, colour=TEXT)
    _spacing(styles["Field Value"], 0, 0, 1.15)
    _font(_paragraph_style(doc, "Caption"), HEADING, size - 2, bold=False, italic=False, colour=MUTED)
    for name in ("Header", "Footer"):
        style = _paragraph_style(doc, name)
        _font(style, HEADING, 8, colour=MUTED)
        _spacing(style, 0, 0, 1.0)
        # Word's default centre/right tabs would catch our "left <tab> right" line at the centre.
        ppr = style.element.get_or_add_pPr()
        for tabs in ppr.findall(qn("w:tabs")):
            ppr.remove(tabs)

    for name in ("Strong", "Emphasis"):
        styles[name]
    try:
        code = styles["Code"]
    except KeyError:
        code = styles.add_style("Code", WD_STYLE_TYPE.CHARACTER)
    code.font.name = "Courier New"
    code.font.size = Pt(size - 1)
    try:
        hyperlink = styles["Hyperlink"]
    except KeyError:
        hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    hyperlink.font.color.rgb = ACCENT
    hyperlink.font.underline = True

    for xml in TABLE_STYLES.values():
        styles.element.append(parse_xml(xml))

    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    m = DEFAULT_THEME.margins
    section.top_margin, section.bottom_margin = Mm(m.top), Mm(m.bottom)
    section.left_margin, section.right_margin = Mm(m.left), Mm(m.right)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    _prune(doc)
    # python-docx keeps the properties it knows in order, but not what is set through raw XML: put every
    # style's paragraph properties in the schema's order, so the reference passes the schema check.
    for ppr in styles.element.iter(qn("w:pPr")):
        in_schema_order(ppr, P_PR_ORDER)
    doc.core_properties.author = "reports"
    doc.core_properties.title = "reference styles"
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    import io

    buffer = io.BytesIO()
    doc.save(buffer)
    return repack(buffer.getvalue())


def main() -> int:
    OUT.write_bytes(build())
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
