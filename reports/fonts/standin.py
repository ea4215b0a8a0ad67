"""A face for the characters no face of the document draws: a box that keeps its character.

A character missing from the face a run is set in used to be drawn as glyph 0 (``.notdef``) with no
Unicode mapping: it printed as the face's own missing-glyph shape, and a screen reader or a copy heard
nothing, which PDF/A (6.2.11.4.1, 6.2.11.7) and PDF/UA (7.21.7) forbid. Such a character is now set in
this face instead: a small font made here with fontTools, whose one visible glyph is an empty box (the
shape readers know as "a character this font lacks") and one empty glyph of no width for format
characters (joiners, direction marks), which draw nothing in any face. Every character set in it is
mapped to one of those glyphs, so the PDF's ToUnicode CMap maps each code to the character itself: the
page shows a box, and the text says what the data said.

The build still warns about such characters (``reports.glyphs``): a box is not the data's character.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

STANDIN = "ReportsStandIn"  # the face's name, as the PDF's font resource and BaseFont say it
_EM = 1000
_BOX_WIDTH = 600  # in font units: about the width of a capital
_SPACE_WIDTH = 300  # a space the face lacks (an ideographic or em space) still parts the words around it
_lock = threading.Lock()
_ASCII = frozenset(range(0x20, 0x7F))  # tabs and line breaks never reach a face


def _font_bytes() -> bytes:
    """The stand-in's TrueType bytes: ``.notdef`` (drawn, as PDF/A wants a font's glyph 0), the box, and
    an empty glyph of no width. Built from constants only, so every build writes the same bytes."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box(left: int, bottom: int, right: int, top: int, stroke: int) -> object:
        # An outline with a hole: the outer contour clockwise, the inner one counter-clockwise (TrueType).
        pen = TTGlyphPen(None)
        for points in (((left, bottom), (left, top), (right, top), (right, bottom)),
                       ((left + stroke, bottom + stroke), (right - stroke, bottom + stroke),
                        (right - stroke, top - stroke), (left + stroke, top - stroke))):
            pen.moveTo(points[0])
            for point in points[1:]:
                pen.lineTo(point)
            pen.closePath()
        return pen.glyph()

    builder = FontBuilder(_EM, isTTF=True)
    builder.setupGlyphOrder([".notdef", "box", "empty", "space"])
    # The ASCII space too: reportlab draws the space between two words in the face of the word before it.
    builder.setupCharacterMap({0x20: "space", 0x25A1: "box", 0x200B: "empty", 0x2003: "space"})
    builder.setupGlyf({".notdef": box(50, 0, 450, 700, 40), "box": box(80, 0, 520, 700, 50),
                       "empty": TTGlyphPen(None).glyph(), "space": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 50), "box": (_BOX_WIDTH, 80), "empty": (0, 0),
                                    "space": (_SPACE_WIDTH, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": STANDIN, "styleName": "Regular", "psName": STANDIN,
                            "uniqueFontIdentifier": STANDIN, "fullName": STANDIN})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.setupHead(unitsPerEm=_EM, created=0, modified=0)  # fixed dates: the same bytes every time
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def standin() -> TTFont:
    """The stand-in face, registered with reportlab under ``STANDIN`` (once per process)."""
    with _lock:
        if STANDIN not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(STANDIN, io.BytesIO(_font_bytes())))
        font: TTFont = pdfmetrics.getFont(STANDIN)
        return font


def _shape_of(char: str) -> int:
    """The code point whose stand-in glyph ``char`` gets: format characters (Cf: zero-width joiners,
    direction marks, BOM) draw nothing in any face, a space parts words, everything else is a box."""
    if unicodedata.category(char) == "Cf":
        return 0x200B
    return 0x2003 if char.isspace() else 0x25A1


def take(chars: str) -> None:
    """Give the stand-in ``chars``, each mapped to the glyph (and width) of its shape.

    The map only grows, and a character always gets the same glyph, so what a document prints does not
    depend on what was set in the stand-in before it (in this process or another)."""
    face = standin().face
    glyphs, widths = face.charToGlyph, face.charWidths
    for char in chars:
        code = ord(char)
        if code not in glyphs:
            shape = _shape_of(char)
            glyphs[code] = glyphs[shape]
            widths[code] = widths[shape]


def _draws_ascii(face: Any) -> bool:
    # Asked once per face (a face object is made per font file, or per document for a converted one).
    known: bool | None = getattr(face, "_reports_ascii", None)
    if known is None:
        known = face.charToGlyph.keys() >= _ASCII
        face._reports_ascii = known
    return known


def face_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` cut into runs of ``(text, font)``: the runs ``font`` draws, and the runs of characters it
    lacks set in the stand-in. A font that is not a TrueType face we embed (a standard PDF font, a CID
    font) is left alone: it claims no archival standard."""
    face = getattr(pdfmetrics.getFont(font), "face", None)
    glyphs = getattr(face, "charToGlyph", None)
    if glyphs is None or font == STANDIN:
        return [(text, font)]
    if text.isascii() and _draws_ascii(face):  # the common case, without looking at each character
        return [(text, font)]
    if glyphs.keys() >= set(map(ord, text)):
        return [(text, font)]
    runs: list[tuple[str, str]] = []
    missing: list[str] = []
    for char in text:
        wanted = font if ord(char) in glyphs or char == "\xa0" else STANDIN  # reportlab sets U+00A0 as a space
        if wanted == STANDIN:
            missing.append(char)
        if runs and runs[-1][1] == wanted:
            runs[-1] = (runs[-1][0] + char, wanted)
        else:
            runs.append((char, wanted))
    take("".join(missing))
    return runs


__all__ = ["STANDIN", "face_runs", "standin", "take"]
