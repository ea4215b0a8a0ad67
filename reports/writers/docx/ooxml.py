"""The few raw WordprocessingML helpers python-docx lacks: fields, East Asian fonts, hyperlinks,
numbering restarts, repeated header rows, borders and table styles.

Part of write (DOCX). Kept in one small module, like python-docx's own oxml layer, so the writer only
ever names styles and calls these.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu
from docx.table import _Cell
from docx.text.run import Run

# The schema's order of paragraph properties (CT_PPrBase, then CT_PPr's own). Word and the schema check
# reject a pPr whose children are out of this order (a pBdr after w:spacing, say).
P_PR_ORDER: tuple[str, ...] = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
    "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)
# The schema's order of run properties (CT_RPr: EG_RPrBase).
R_PR_ORDER: tuple[str, ...] = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath",
)
# The order of paragraph borders (CT_PBdr).
P_BDR_ORDER: tuple[str, ...] = ("top", "left", "bottom", "right", "between", "bar")

_W_R, _W_T, _W_INSTR_TEXT, _W_FLD_CHAR, _W_FLD_CHAR_TYPE, _W_DIRTY = (
    qn(f"w:{name}") for name in ("r", "t", "instrText", "fldChar", "fldCharType", "dirty"))
_XML_SPACE = qn("xml:space")


def place(parent: Any, child: Any, order: tuple[str, ...]) -> Any:
    """Insert ``child`` into ``parent`` where the schema sequence ``order`` (local names in the w:
    namespace) puts it, replacing an existing element of the same name; return ``child``.

    Elements ``order`` does not name (another namespace, an extension) are left where they are.
    """
    name = child.tag
    rank = _ranks(order)
    for existing in parent.findall(name):
        parent.remove(existing)
    mine = rank.get(name, len(order))
    for sibling in parent:
        if rank.get(sibling.tag, -1) > mine:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


@lru_cache(maxsize=32)
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    # Each order is one of this module's constants: its ranks are made once, not for every element placed.
    return {qn(f"w:{local}"): i for i, local in enumerate(order)}


def in_schema_order(parent: Any, order: tuple[str, ...]) -> None:
    """Reorder ``parent``'s children to the schema sequence ``order`` (stable; unknown ones last)."""
    rank = _ranks(order)
    children = list(parent)
    children.sort(key=lambda child: rank.get(child.tag, len(order)))
    parent[:] = children


def east_asian(r_pr: Any, font: str, lang: str = "zh-CN") -> None:
    """Give a run (or style) properties element an East Asian font and language."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        # rFonts comes right after rStyle in a run's properties (Word rejects other orders).
        r_pr.insert(1 if r_pr.find(qn("w:rStyle")) is not None else 0, fonts)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")
    lang_el = r_pr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        r_pr.append(lang_el)
    lang_el.set(qn("w:eastAsia"), lang)


def add_field(paragraph: Any, instruction: str, placeholder: str = "1") -> None:
    """Append a field (PAGE, NUMPAGES, TOC ...) that Word and LibreOffice compute when displaying."""
    # Runs made with lxml, as python-docx's add_run and run.text make them (their per-call searches and
    # per-character steps cost more than the rest of a footer's line).
    p = paragraph._p
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder),
                       ("end", None)):
        run = p.makeelement(_W_R, {})
        p.append(run)
        if kind == "instr":
            instr = run.makeelement(_W_INSTR_TEXT, {_XML_SPACE: "preserve"})
            instr.text = f" {text} "
            run.append(instr)
        elif kind == "text" and text and ("\t" in text or "\n" in text or "\r" in text):
            Run(run, paragraph).text = text  # python-docx turns tabs and line breaks into w:tab and w:br
        elif kind == "text":
            if text:
                w_t = run.makeelement(_W_T, {})
                w_t.text = text
                if len(text.strip()) < len(text):  # as python-docx's CT_R.add_t keeps the spaces
                    w_t.set(_XML_SPACE, "preserve")
                run.append(w_t)
        else:
            char = run.makeelement(_W_FLD_CHAR, {_W_FLD_CHAR_TYPE: kind})
            if kind == "begin":
                char.set(_W_DIRTY, "true")  # ask Word to recompute on open
            run.append(char)


def add_hyperlink(paragraph: Any, url: str) -> Any:
    """Append an external hyperlink to ``paragraph`` and return the ``w:hyperlink`` element.

    Runs appended to the returned element are the link's text.
    """
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    return link


def keep_with_next(paragraph: Any) -> None:
    """Keep ``paragraph`` on the page of the next one (a heading with its text, a picture with its
    caption) and its lines together: set on the paragraph itself, so that a reference document whose
    heading styles lack it still gets it."""
    p_pr = paragraph._p.get_or_add_pPr()
    place(p_pr, OxmlElement("w:keepNext"), P_PR_ORDER)
    place(p_pr, OxmlElement("w:keepLines"), P_PR_ORDER)


def cant_split(tr: Any) -> None:
    """Keep a table row (``w:tr``) whole on one page."""
    tr_pr = tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.append(OxmlElement("w:cantSplit"))


def repeat_header(row: Any, keep_whole: bool = True) -> None:
    """Mark a table row as a header row that Word repeats on each page the table runs onto, kept whole
    on a page unless ``keep_whole`` is false (a header row taller than a page: Word clips a row kept whole
    at the page's foot)."""
    tr_pr = row._tr.get_or_add_trPr()
    # No w:val: tblHeader is an on/off-only property (ST_OnOff is not allowed there; "true" fails the
    # schema check), and an absent value means on.
    tr_pr.append(OxmlElement("w:tblHeader"))
    if keep_whole:
        cant_split(row._tr)


def restart_numbering(numbering_part: Any, style_num_id: int, start: int) -> int:
    """Create a numbering instance that restarts the list of ``style_num_id`` at ``start``.

    Word continues a "List Number" list across the whole document unless a paragraph points at a new
    instance (w:num) with a start override. Returns the new numId (or ``style_num_id`` when the
    reference's numbering has no usable definition for it).
    """
    numbering = numbering_part.element
    abstract = None
    for num in numbering.findall(qn("w:num")):
        link = num.find(qn("w:abstractNumId"))
        if num.get(qn("w:numId")) == str(style_num_id) and link is not None and link.get(qn("w:val")):
            abstract = link.get(qn("w:val"))
    if abstract is None:
        return style_num_id
    new_id = max(_whole(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{new_id}"><w:abstractNumId w:val="{abstract}"/>'
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'))
    return new_id


def _whole(value: str | None) -> int:
    # A reference document's own numbers: one that is not a whole number counts as none.
    try:
        return int(value or 0)
    except ValueError:
        return 0


def set_num_id(paragraph: Any, num_id: int, level: int = 0) -> None:
    """Point ``paragraph`` at numbering instance ``num_id`` at ``level``."""
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = p_pr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def style_num_id(styles: Any, style_id: str | None) -> int | None:
    """The numId the paragraph style ``style_id`` (in the ``w:styles`` element) points at, if any."""
    for style in styles.iterchildren(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
            return _whole(num_id.get(qn("w:val"))) or None if num_id is not None else None
    return None


def update_fields_on_open(settings: Any) -> None:
    """Ask Word to refresh fields (the TOC) when the document is opened."""
    element = settings.element
    if element.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        # In its place in CT_Settings' sequence: before what follows it there, and before any extension
        # element of a later Word (w14:, w15: ...), which come last.
        after = {qn(name) for name in _AFTER_UPDATE_FIELDS}
        w_ns = qn("w:x")[:-1]
        successor = next((child for child in element if isinstance(child.tag, str)
                          and (child.tag in after or not child.tag.startswith(w_ns))), None)
        if successor is None:
            element.append(update)
        else:
            successor.addprevious(update)


_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
    "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)


def tab_stop_right(paragraph: Any, position_twips: int, clear: tuple[int, ...] = ()) -> None:
    """Add a right-aligned tab stop (for "left text <tab> right text" headers and footers), clearing the
    stops at ``clear`` that the paragraph's style sets (a reference's Header style often has a centre stop
    that would catch the tab first)."""
    p_pr = paragraph._p.get_or_add_pPr()
    tabs = OxmlElement("w:tabs")
    for position, kind in sorted({*((p, "clear") for p in clear if p != position_twips),
                                  (position_twips, "right")}):
        tab = OxmlElement("w:tab")
        tab.set(qn("w:val"), kind)
        tab.set(qn("w:pos"), str(position))
        tabs.append(tab)
    place(p_pr, tabs, P_PR_ORDER)


def table_width_full(table: Any) -> None:
    """Make a table span the text width (100%)."""
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")


def table_look(table: Any, first_row: bool, banded_rows: bool, first_column: bool = False) -> None:
    """Say which conditional parts of the table style apply (header row, first column, banded rows).

    Both the attributes (Word 2010+) and the older hex bitmask (read by LibreOffice) are written.
    """
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tbl_pr.append(look)
    look.set(qn("w:firstRow"), "1" if first_row else "0")
    look.set(qn("w:noHBand"), "0" if banded_rows else "1")
    look.set(qn("w:firstColumn"), "1" if first_column else "0")
    look.set(qn("w:lastRow"), "0")
    look.set(qn("w:lastColumn"), "0")
    look.set(qn("w:noVBand"), "1")
    mask = (0x20 if first_row else 0) | (0x80 if first_column else 0) | (0 if banded_rows else 0x200) | 0x400
    look.set(qn("w:val"), f"{mask:04X}")


def column_widths(table: Any, widths: list[int]) -> None:
    """Fix column widths (EMU) in the grid and every cell, which both Word and LibreOffice honour."""
    table.autofit = False
    tbl = table._tbl
    # Straight through the XML: python-docx's column.cells works out the whole cell grid on every call,
    # and its width setters cost more than the rest of a long table. Every cell of a table python-docx
    # makes already holds its w:tcPr/w:tcW (type dxa); only the number changes.
    twips = [str(Emu(width).twips) for width in widths]
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=False):
        grid_col.w = width
    tc_width = f"{qn('w:tcPr')}/{qn('w:tcW')}"
    w_type, w_w = qn("w:type"), qn("w:w")
    for tr in tbl.tr_lst:
        for tc, value in zip(tr.tc_lst, twips, strict=False):
            tc_w = tc.find(tc_width)
            if tc_w is None:
                tc.get_or_add_tcPr().width = int(value) * 635  # twips -> EMU
            else:
                tc_w.set(w_type, "dxa")
                tc_w.set(w_w, value)


def rows_of_cells(table: Any) -> Iterator[list[Any]]:
    """The cells of a new table (no merged cells), row by row, in one pass over its rows.

    python-docx's ``row.cells`` works out the whole table's cell grid each time it is asked, and
    ``tr_lst[i]`` searches every row again: either makes a long table quadratic.
    """
    for tr in table._tbl.tr_lst:
        yield [_Cell(tc, table) for tc in tr.tc_lst]


def figure_paragraph(paragraph: Any, drawing: str, keep_with_next: bool, namespaces: str) -> None:
    """Put ``drawing`` (a ``w:drawing``'s XML) in ``paragraph`` (a new Normal paragraph), spaced as a
    figure and kept with the next paragraph (its caption) when ``keep_with_next``. ``namespaces`` are the
    drawing's declarations, made on the paragraph's properties and run too, as the figure writers always
    have (the bytes of their documents stay the same)."""
    keep = "<w:keepNext/>" if keep_with_next else ""
    spacing = parse_xml(f'<w:pPr {namespaces}>{keep}<w:spacing w:before="80" w:after="120"/></w:pPr>')
    if paragraph._p.pPr is not None:
        paragraph._p.remove(paragraph._p.pPr)
    paragraph._p.insert(0, spacing)
    run = parse_xml(f"<w:r {namespaces}/>")
    run.append(parse_xml(drawing))
    paragraph._p.append(run)

