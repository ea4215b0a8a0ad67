"""Embedding a Chinese face found by ``reports.fonts.cjk``: cut to the characters a document prints,
converted to TrueType outlines when they are CFF, and registered with reportlab.

For the PDF, ``register_pdf_face`` registers the face with reportlab and returns its font name. A
TrueType face is registered whole, once per process: reportlab reads the file (~0.08 s for the 17 MB
wqy-zenhei.ttc) and subsets it itself at every save, which measured cheaper than cutting a subset
with fontTools first (0.16-0.19 s for each new character set) and gives the same embedded bytes. A
CFF face is registered per character set (``subset_for_pdf``), as converting all of its 65,000
glyphs would take far too long: converting costs about 1 ms a character (a CFF face of 7,000 CJK
glyphs: 14 characters 0.03 s, 300 characters 0.3 s, 1,500 characters 1.5 s), cached per process.
The DOCX writer embeds the same subsets (``docx_fonts``).
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from functools import lru_cache
from typing import Any

from reports.fonts.cjk import CjkFace, coverage, face_file
from reports.fonts.forget import on_forget

# Dropped from an embedded subset: bitmaps, vertical metrics, shaping and device-metric tables that
# nothing reads.
_DROPPED = ["BDF ", "EBDT", "EBLC", "EBSC", "FFTM", "vhea", "vmtx", "VORG", "DSIG", "kern", "PCLT", "LTSH",
            "hdmx", "VDMX", "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH"]

_lock = threading.RLock()


# ---------------------------------------------------------------------------------------------- embedding


def subset_for_pdf(face: CjkFace, text: str) -> bytes:
    """``face`` cut down to the characters of ``text`` it has (and .notdef), with TrueType outlines (a
    CFF face is converted): the bytes of a .ttf file, the same for the same face and characters.

    Kept: cmap, hmtx, hhea, head, maxp, post, OS/2, name (every record), glyf and loca. Left out:
    hinting, bitmaps, vertical metrics and shaping tables (neither writer shapes). The PostScript name
    (name ID 6) gets a digest of the characters: reportlab keys faces by that name, and two documents'
    subsets of one face must stay apart in one process.
    """
    return _subset(face, _characters(face, text))


def _characters(face: CjkFace, text: str) -> str:
    covered = coverage(face)
    return "".join(sorted(c for c in set(text) if ord(c) in covered))


@lru_cache(maxsize=32)
def _subset(face: CjkFace, chars: str) -> bytes:
    font = _converted(face, chars) if face.needs_conversion else _truetype_subset(face, chars)
    name = font["name"]
    base = _postscript_safe(str(name.getDebugName(6) or "")) or _postscript_safe(face.family) or "CJK"
    name.removeNames(nameID=6)
    unique = f"{base[:50]}-{hashlib.sha256(chars.encode('utf-8')).hexdigest()[:10]}"
    name.setName(unique, 6, 3, 1, 0x409)
    name.setName(unique, 6, 1, 0, 0)
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


def _truetype_subset(face: CjkFace, chars: str) -> Any:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(face_file(face), fontNumber=face.index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    # Removed before the subsetter looks: it would read the shaping tables (0.03-0.05 s for a CJK face)
    # only to drop them.
    for tag in _DROPPED:
        if tag in font:
            del font[tag]
    options = subset_options()
    options.hinting = False
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    return font


def _converted(face: CjkFace, chars: str) -> Any:
    """A new TrueType font holding .notdef and the glyphs of ``chars``, their CFF outlines drawn once
    through a cubic-to-quadratic pen, with the face's own names, metrics and font-wide tables.

    Built directly rather than by subsetting the CFF face first: the subsetter interprets every kept
    charstring twice more (glyph closure, unused subroutines) before the drawing, which took most of
    the time (1,500 characters: 1.1 s that way, see the module's docstring for this way's figures).
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    source = TTFont(face_file(face), fontNumber=face.index, lazy=True)
    cmap = source.getBestCmap() or {}
    mapping = {code: cmap[code] for code in sorted({ord(c) for c in chars}) if code in cmap}
    order = [".notdef", *dict.fromkeys(name for name in mapping.values() if name != ".notdef")]
    glyph_set = source.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # 1 unit of the em (1000 for CJK faces) is far below a printed pixel; CFF contours run
        # counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font = TTFont(recalcBBoxes=True, recalcTimestamp=False)
    font.setGlyphOrder(order)
    for tag in ("head", "hhea", "name", "OS/2"):  # font-wide: nothing in them counts glyphs
        font[tag] = source[tag]
    font["head"].glyphDataFormat = 0
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    advances = source["hmtx"]
    metrics = {}
    for name in order:
        glyphs[name].recalcBounds(glyf)
        metrics[name] = (advances[name][0], getattr(glyphs[name], "xMin", 0))
    builder = FontBuilder(font=font)
    builder.setupHorizontalMetrics(metrics)
    builder.setupCharacterMap(mapping)
    builder.setupMaxp()
    post = source["post"]
    builder.setupPost(keepGlyphNames=False, italicAngle=post.italicAngle, underlinePosition=post.underlinePosition,
                      underlineThickness=post.underlineThickness, isFixedPitch=post.isFixedPitch)
    font["OS/2"].updateFirstAndLastCharIndex(font)
    source.close()
    return font


def _postscript_safe(text: str) -> str:
    """``text`` with only the characters a PostScript name may hold (printable ASCII but delimiters)."""
    return re.sub(r"[^!-~]|[\[\](){}<>/%]", "", text)


def subset_options() -> Any:
    """fontTools subsetter options both writers' subsets share: no shaping features (neither writer
    shapes), every name record kept, a drawn .notdef."""
    from fontTools import subset as ft_subset

    options = ft_subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    return options


def pdf_face_name(face: CjkFace, alias: str = "") -> str:
    """The reportlab font name ``register_pdf_face`` gives a TrueType ``face`` (without registering it);
    an ``alias`` (``ja``) names the same face a second time, for runs of another language: the PDF tags
    a run's language by its face (``writers.pdf.tags.LangText``)."""
    stem = re.sub(r"[^A-Za-z0-9]", "", face.family) or hashlib.sha256(face.family.encode()).hexdigest()[:8]
    return f"CJK-{stem}-{face.index}" + (f"-{alias}" if alias else "")


def register_pdf_face(face: CjkFace, text: str = "", alias: str = "") -> str:
    """Register ``face`` with reportlab (once per process and, for a converted face, per character set
    of ``text``; under another name for an ``alias``) and return the font name to use in paragraph
    markup and styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    stem = pdf_face_name(face).removeprefix("CJK-").rsplit("-", 1)[0]
    suffix = f"-{alias}" if alias else ""
    with _lock:
        if face.needs_conversion:
            chars = _characters(face, text)
            name = f"CJK-{stem}-{face.index}-{hashlib.sha256(chars.encode()).hexdigest()[:10]}{suffix}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, io.BytesIO(_subset(face, chars))))
        else:
            name = f"CJK-{stem}-{face.index}{suffix}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, face_file(face), subfontIndex=face.index))
    return name


on_forget(_subset.cache_clear)

__all__ = ["pdf_face_name", "register_pdf_face", "subset_for_pdf", "subset_options"]
