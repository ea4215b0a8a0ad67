"""Plain-text paragraphs for reportlab without its markup parser.

Most paragraphs of a briefing (table cells, list items, body text) are one run of plain text. reportlab
turns paragraph markup into "fragments" with an HTML parser, which costs more than laying the text out;
for plain text the fragment is known in advance, so it is built here exactly as the parser would build
it (``tests/writers/test_pdf.py`` checks that the two agree on any text).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaFrag


def plain_paragraph(text: str, style: ParagraphStyle) -> Paragraph | None:
    """A paragraph of ``text`` in ``style`` as the markup parser would make it, or None if it is blank.

    ``text`` is the text to show (not markup) and must already be free of characters XML cannot hold.
    """
    clean = cleanBlockQuotedText(text)
    if not clean:
        return None
    frag = ParaFrag()
    # The attributes, and their order, of reportlab's ParaParser._initial_frag + handle_data.
    frag.rise = 0
    frag.greek = 0
    frag.link = []
    frag.fontName, frag.bold, frag.italic = ps2tt(style.fontName)
    frag.fontSize = style.fontSize
    frag.textColor = style.textColor
    frag.us_lines = []
    frag.__tag__ = "para"
    frag.fontName = tt2ps(frag.fontName, frag.bold, frag.italic)
    frag.text = clean
    frags = [frag]
    textTransformFrags(frags, style)
    return Paragraph(escape(clean), style, frags=frags)
