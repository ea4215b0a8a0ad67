"""A Word watermark: the theme's mark (e.g. DRAFT) behind the text of every page of a .docx.

Part of write (DOCX). Word keeps a text watermark in the page header as a VML WordArt shape
(``v:shape`` of type 136, "text along a path", named ``PowerPlusWaterMarkObject``), anchored to the
margins, centred, rotated and placed behind the text; Word's Design > Watermark dialog recognises and
edits it, and LibreOffice draws it. Every header the section uses (default, first page, even pages) gets
one, since each page shows only one of them.
"""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import quoteattr

from reports.theme import Theme
from reports.writers.watermark import DIAGONAL_SHARE, MAX_SIZE_PT, watermark_colour, watermark_text

VML = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
W10 = "urn:schemas-microsoft-com:office:word"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SHAPE_NAME = "PowerPlusWaterMarkObject"  # the name Word looks for to treat a shape as the watermark

# Word's preset "text path" shape type (WordArt plain text), as Word writes it.
_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e">'
    "<v:formulas>"
    + "".join(f'<v:f eqn="{e}"/>' for e in (
        "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3", "if @0 @3 0",
        "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5", "mid @7 @8",
        "mid @6 @7", "sum @6 0 @5"))
    + "</v:formulas>"
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/>'
    '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
)


def shape_size(text: str, width_pt: float, height_pt: float) -> tuple[float, float]:
    """The watermark box (width, height in points) for ``text`` on a text area of ``width_pt`` x
    ``height_pt``, matching the PDF's mark: Word stretches the text to fill the box (fitshape), so the box
    is the size of the word's capitals set in a bold sans of the PDF's size (a capital about 0.62 of the
    size wide and 0.7 high), along at most DIAGONAL_SHARE of the diagonal, never above MAX_SIZE_PT."""
    advance = 0.62 * max(1, len(text))
    size = min(MAX_SIZE_PT, DIAGONAL_SHARE * math.hypot(width_pt, height_pt) / advance)
    return round(size * advance, 1), round(size * 0.7, 1)


def _run(text: str, font: str, colour: str, size: tuple[float, float], number: int) -> Any:
    from docx.oxml import parse_xml

    width, height = size
    style = ";".join((
        "position:absolute", "margin-left:0", "margin-top:0", f"width:{width}pt", f"height:{height}pt",
        "rotation:315", "z-index:-251654144", "mso-wrap-edited:f",
        "mso-position-horizontal:center", "mso-position-horizontal-relative:margin",
        "mso-position-vertical:center", "mso-position-vertical-relative:margin",
    ))
    xml = (
        f'<w:r xmlns:w="{W}" xmlns:v="{VML}" xmlns:o="{OFFICE}" xmlns:w10="{W10}">'
        "<w:rPr><w:noProof/></w:rPr><w:pict>"
        + _SHAPETYPE
        + f'<v:shape id="{SHAPE_NAME}{number}" o:spid="_x0000_s{2048 + number}" type="#_x0000_t136" '
        f'style="{style}" o:allowincell="f" fillcolor="{colour}" stroked="f">'
        f'<v:textpath style={quoteattr(f"font-family:&quot;{font}&quot;;font-size:1pt")} '
        f"string={quoteattr(text)}/>"
        '<w10:wrap anchorx="margin" anchory="margin"/>'
        "</v:shape></w:pict></w:r>"
    )
    return parse_xml(xml)


def add_watermark(document: Any, theme: Theme) -> None:
    """Put the theme's watermark, if any, behind the text of every page of ``document`` (a python-docx
    Document), in the theme's heading font and the lightened rule colour.

    The shape goes into the first paragraph of each header the sections use, so the header keeps its
    height; a header a section inherits from the one before it already has it.
    """
    text = watermark_text(theme.watermark)
    if not text:
        return
    colour = watermark_colour(theme.colours.rule)
    number = 0
    for index, section in enumerate(document.sections):
        width = (section.page_width - section.left_margin - section.right_margin) / 12700  # EMU -> pt
        height = (section.page_height - section.top_margin - section.bottom_margin) / 12700
        size = shape_size(text, width, height)
        for header in (section.header, section.first_page_header, section.even_page_header):
            if header.is_linked_to_previous:
                if index > 0:
                    continue  # shows the previous section's header, which has the mark
                header.is_linked_to_previous = False  # a header of its own, holding only the mark
            paragraphs = header.paragraphs
            paragraph = paragraphs[0] if paragraphs else header.add_paragraph()
            number += 1
            paragraph._p.append(_run(text, theme.fonts.heading, colour, size, number))
