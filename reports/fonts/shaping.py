"""Combining marks placed over (or under) their letters: words shaped with HarfBuzz (uharfbuzz).

reportlab sets text glyph by glyph at each glyph's advance, so a combining mark (U+0300 in "ọ̀") that has
no width of its own lands where the font's designer put it for an average letter, and a mark the font
draws in a form for capitals ("Ọ̀") never gets that form. HarfBuzz applies the font's own rules (GSUB
``ccmp``, GPOS ``mark`` and ``mkmk``): which glyphs, and where each goes. Only words holding a mark the
face has are shaped (``marks``); everything else is set as before, byte for byte, at no cost.

A shaped word's glyphs must still read as the data's text. A glyph the face maps from the very character
it stands for keeps that character. A glyph without one (a mark's form for capitals, a precomposed
letter standing for a letter and its mark) gets a code of the face's *shaping twin* (``Shaped.font``): a
copy of the face registered nowhere, drawn as a font of its own, whose private codes each stand for one
glyph and the exact text it was shaped from (``texts``). The PDF writer's ToUnicode map sends each such
code to that text, so a reader, a copy or a screen reader gets the data's characters; the private code
itself never reaches the file. The face itself is not touched: a Private Use character in the data is
still drawn, or boxed, as before.

Where the face has no place for a mark on its letter (the shipped faces anchor none on ŋ, ð, ß or Greek
and Cyrillic letters) or sets two marks on one spot, the mark is centred on the letter's ink and stacked
clear of it, as HarfBuzz itself does for a face without mark rules (``_fall_back``).

Kerning and ligatures are left off: reportlab sets no other word with them, and a shaped word must not
look, or measure, unlike its neighbours.
"""

from __future__ import annotations

import copy
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from reportlab.pdfbase import pdfmetrics

from reports.fonts.standin import STANDIN

_FEATURES = {"kern": False, "liga": False}
_UNPLACED = {**_FEATURES, "mark": False, "mkmk": False}  # where a mark stands when the face places none
# Canonical combining classes of the marks set above or below their letter (attached ones, such as the
# cedilla, ogonek and horn, touch the letter by design and are left where the face puts them).
_SIDES = {230: "above", 232: "above", 228: "above", 234: "above", 220: "below", 222: "below", 218: "below",
          233: "below"}
_PRIVATE_START = 0xF0000  # plane 15's Private Use Area: the twin's codes (the face's own are kept)
_lock = threading.Lock()


@dataclass(frozen=True)
class Glyph:
    """One glyph of a shaped word, in thousandths of the font size (PDF text space units)."""

    char: str  # what the glyph is drawn as: its character in ``Shaped.font``
    advance: float  # how far the pen moves after it
    x_offset: float  # where it is drawn, from the pen
    y_offset: float
    width: float  # its advance in the font's own metrics (the PDF's /Widths entry)


@dataclass(frozen=True, eq=False)  # one object per word and face (``shape`` is cached): compared by identity
class Shaped:
    """A word as HarfBuzz set it: the face to draw it in (the word's own, or its shaping twin), its glyphs,
    how far the word's characters unshaped would have moved the pen (what the layout measured), and the
    word itself when the glyphs' text is only canonically equivalent to it (drawn as its /ActualText)."""

    font: Any  # a reportlab TTFont
    glyphs: tuple[Glyph, ...]
    measured: float
    actual: str  # the word, when its glyphs read otherwise (decomposed: "o\u0323\u0300" for "ọ̀"); else ""


@lru_cache(maxsize=64)
def marks(font: str) -> frozenset[str]:
    """The combining marks (Unicode categories Mn, Mc, Me) face ``font`` draws; empty for a face that is
    not an embedded TrueType face (a standard or CID font), and when uharfbuzz is not installed."""
    face = getattr(pdfmetrics.getFont(font), "face", None)
    glyphs = getattr(face, "charToGlyph", None)
    if glyphs is None or font == STANDIN or not available():  # the stand-in draws every mark as a box
        return frozenset()
    return frozenset(chr(code) for code in glyphs if unicodedata.category(chr(code)).startswith("M"))


@lru_cache(maxsize=1)
def available() -> bool:
    """True when uharfbuzz can be imported (it is a dependency; without it marks are set unshaped)."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=4096)  # a name is drawn again and again: in the text, the tables, the running head
def shape(word: str, font: str) -> Shaped | None:
    """``word`` (no whitespace) set in face ``font`` with each letter that carries marks shaped on its own
    (Latin letters do not shape across each other once kerning and ligatures are off); None when that
    changes nothing. A cluster HarfBuzz cannot set so that its glyphs read as its text (a character into
    more glyphs than its decomposition has characters), or right to left, is set unshaped."""
    ttf = pdfmetrics.getFont(font)
    face = ttf.face
    placed: list[tuple[str | tuple[int, str], float, float, float]] = []
    changed = False
    for cluster in _clusters(word):
        shaped = _cluster(font, cluster) if len(cluster) > 1 else None
        changed = changed or shaped is not None
        placed += shaped or [(char, face.getCharWidth(ord(char)), 0.0, 0.0) for char in cluster]
    if not changed:
        return None
    twin = _twin(font) if any(isinstance(char, tuple) for char, *_ in placed) else None
    glyphs: list[Glyph] = []
    for char, advance, x_offset, y_offset in placed:
        code = _private(twin, *char) if isinstance(char, tuple) else ord(char)
        glyphs.append(Glyph(chr(code), advance, x_offset, y_offset, (twin or ttf).face.getCharWidth(code)))
    reads = "".join(char if isinstance(char, str) else char[1] for char, *_ in placed)
    return Shaped(twin or ttf, tuple(glyphs), float(ttf.stringWidth(word, 1000)), "" if reads == word else word)


def _clusters(word: str) -> list[str]:
    """``word`` cut before every character that is not a combining mark: a letter and its marks."""
    out: list[str] = []
    for char in word:
        if out and unicodedata.category(char).startswith("M"):
            out[-1] += char
        else:
            out.append(char)
    return out


@lru_cache(maxsize=1024)
def _cluster(font: str, cluster: str) -> tuple[tuple[str | tuple[int, str], float, float, float], ...] | None:
    """A letter and its marks as HarfBuzz sets them in ``font``: per glyph, what it reads as (a character
    of the face, or (glyph, text) for the twin), its advance and offsets in thousandths of the size. None
    when that is how reportlab sets them anyway, or when the glyphs could not read as ``cluster``.

    The shipped faces anchor marks on plain letters only, and pick a mark's form for capitals from the
    letter just before it. So a letter whose marks do not all compose into one character (ọ̀ = ọ +
    U+0300) is decomposed (o + U+0323 + U+0300), the precomposed letters on its base hidden from
    HarfBuzz so that it cannot compose them again, and each mark takes the form the face gives it
    right after the bare letter; then every mark is set on the plain letter by the face's own rules."""
    parts = unicodedata.normalize("NFD", cluster)
    hidden: frozenset[int] = frozenset()
    forms: dict[int, int] = {}
    if len(unicodedata.normalize("NFC", cluster)) > 1:
        hidden = _precomposed(font).get(parts[0], frozenset())
        for mark in parts[1:] if len(parts) > 2 else ():  # each mark's form, where there are several
            probe = _run(font, hidden, (), parts[0] + mark)
            if probe is not None and len(probe[0]) == 2:
                forms[ord(mark)] = probe[0][1].codepoint
    run = _run(font, hidden, tuple(sorted(forms.items())), cluster)
    if run is None:
        return None
    infos, placed = run
    face = pdfmetrics.getFont(font).face
    cmap, scale = face.charToGlyph, 1000 / face.unitsPerEm
    bounds = [*sorted({info.cluster for info in infos}), len(cluster)]
    if bounds[0] != 0 or any(info.codepoint == 0 for info in infos):
        return None  # text left out, or .notdef drawn: neither is for us to print
    reads: list[str | tuple[int, str]] = []
    for start, end in pairwise(bounds):
        gids = [info.codepoint for info in infos if info.cluster == start]
        pieces = _pieces(cluster[start:end], gids, cmap)
        if pieces is None:
            return None
        reads += [piece if len(piece) == 1 and cmap.get(ord(piece)) == gid else (gid, piece)
                  for gid, piece in zip(gids, pieces, strict=True)]
    unplaced = _run(font, hidden, tuple(sorted(forms.items())), cluster, _UNPLACED)  # the face's rules off
    positions = _fall_back(font, reads, infos, placed, unplaced[1] if unplaced else placed)
    out = tuple((read, advance * scale, x * scale, y * scale)
                for read, (advance, x, y) in zip(reads, positions, strict=True))
    if "".join(r for r, *_ in out if isinstance(r, str)) == cluster and \
            all(x == y == 0 and advance == face.getCharWidth(ord(r)) for r, advance, x, y in out if isinstance(r, str)):
        return None  # as reportlab would set it anyway
    return out


def _fall_back(font: str, reads: list[str | tuple[int, str]], infos: Any, placed: Any, unplaced: Any
               ) -> list[tuple[float, float, float]]:
    """Each glyph's advance and offsets (font units): HarfBuzz's, except for marks above or below that the
    face leaves where they would stand anyway. A mark the face has no place for on its letter (ŋ, ð, ß,
    Greek and Cyrillic letters in the shipped faces: it stays put with the face's rules off) is centred
    over (under) the letter's ink, and one the face sets on the very spot of a mark before it (two marks
    above, anchored alike) goes above (below) that one: a sixteenth of an em apart each time, as
    HarfBuzz's own fallback does for a face without mark rules."""
    hb_font = _hb_font(font)
    gap = pdfmetrics.getFont(font).face.unitsPerEm / 16
    out: list[tuple[float, float, float]] = []
    pen = 0.0
    letter: tuple[float, float, float, float] | None = None  # the letter's ink: left, right, top, bottom
    stack: dict[str, list[tuple[float, float, float, float]]] = {}  # the ink of the marks set on it, per side
    moved = (0.0, 0.0)  # how far the last mark here was moved: a mark the face set on it moves with it
    for read, info, done, undone in zip(reads, infos, placed, unplaced, strict=True):
        char = read if isinstance(read, str) else read[1]
        box = hb_font.get_glyph_extents(info.codepoint)
        x, y = float(done.x_offset), float(done.y_offset)
        side = _SIDES.get(unicodedata.combining(char[:1]), "") if len(char) == 1 else ""
        if box is None or not side or letter is None:
            if box is not None and not side:
                letter, stack, moved = _ink(box, pen, 0.0, 0.0), {}, (0.0, 0.0)
            out.append((float(done.x_advance), x, y))
            pen += done.x_advance
            continue
        below = stack.setdefault(side, [letter])
        unplaced_here = (x, y) == (undone.x_offset, undone.y_offset)  # the face has no place for it
        if unplaced_here:  # centred on the letter
            x = (letter[0] + letter[1]) / 2 - (pen + box.x_bearing + box.width / 2)
        else:
            x, y = x + moved[0], y + moved[1]
        ink = _ink(box, pen, x, y)
        if unplaced_here or any(_overlap(ink, other) for other in below[1:]):
            edge = max(o[2] for o in below) + gap if side == "above" else min(o[3] for o in below) - gap
            y += edge - ink[3] if side == "above" else edge - ink[2]
            ink = _ink(box, pen, x, y)
        moved = (x - done.x_offset, y - done.y_offset)
        below.append(ink)
        out.append((float(done.x_advance), x, y))
        pen += done.x_advance
    return out


def _ink(box: Any, pen: float, x: float, y: float) -> tuple[float, float, float, float]:
    """A glyph's ink drawn at ``pen`` moved by (``x``, ``y``): left, right, top, bottom."""
    left = pen + x + box.x_bearing
    return left, left + box.width, y + box.y_bearing, y + box.y_bearing + box.height


def _overlap(one: tuple[float, float, float, float], other: tuple[float, float, float, float]) -> bool:
    # Inks that share more than half the narrower one's width and any height: one mark on another.
    shared = min(one[1], other[1]) - max(one[0], other[0])
    return shared > min(one[1] - one[0], other[1] - other[0]) / 2 and min(one[2], other[2]) > max(one[3], other[3])


def _run(font: str, hidden: frozenset[int], forms: tuple[tuple[int, int], ...], text: str,
         features: dict[str, bool] | None = None) -> Any:
    """HarfBuzz's glyphs and positions for ``text`` in ``font`` (``hidden`` characters kept from it,
    ``forms`` giving marks their glyphs); None for right-to-left text."""
    import uharfbuzz as hb

    buffer = hb.Buffer()
    buffer.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.add_str(text)
    buffer.guess_segment_properties()
    if buffer.direction != "ltr":
        return None
    hb.shape(_hiding_font(font, hidden, forms) if hidden or forms else _hb_font(font), buffer, features or _FEATURES)
    return buffer.glyph_infos, buffer.glyph_positions


def _pieces(text: str, gids: list[int], cmap: dict[int, int]) -> list[str] | None:
    """What each glyph of a cluster reads as: one character each, in the text's order or in its canonical
    decomposition's (the order HarfBuzz sets marks in), the last glyph taking what is left."""
    forms = [text, unicodedata.normalize("NFD", text)]
    for form in forms:  # first: a form whose characters the face maps to exactly these glyphs
        if len(form) == len(gids) and all(cmap.get(ord(c)) == g for c, g in zip(form, gids, strict=True)):
            return list(form)
    for form in forms:
        if len(gids) <= len(form):
            return [*form[:len(gids) - 1], form[len(gids) - 1:]]
    return None


@lru_cache(maxsize=64)
def _precomposed(font: str) -> dict[str, frozenset[int]]:
    """Base letter -> the precomposed letters face ``font`` draws on it whose parts it draws too."""
    cmap = pdfmetrics.getFont(font).face.charToGlyph
    built: dict[str, set[int]] = {}
    for code in cmap:
        parts = unicodedata.normalize("NFD", chr(code))
        if len(parts) > 1 and all(ord(part) in cmap for part in parts):
            built.setdefault(parts[0], set()).add(code)
    return {base: frozenset(codes) for base, codes in built.items()}


def texts(font: Any) -> dict[int, str]:
    """What each private code of shaping twin ``font`` stands for (empty for any other font)."""
    found: dict[int, str] = getattr(font, "_reports_texts", {})
    return found


@lru_cache(maxsize=64)
def _hb_font(font: str) -> Any:
    import uharfbuzz as hb

    face = pdfmetrics.getFont(font).face
    index = int(face.subfontNameX[1:] or 0)  # reportlab names a collection's face n "-n"
    return hb.Font(hb.Face(hb.Blob(face._ttf_data), index))


@lru_cache(maxsize=256)
def _hiding_font(font: str, hidden: frozenset[int], forms: tuple[tuple[int, int], ...]) -> Any:
    """``font``'s HarfBuzz font with the characters ``hidden`` missing from its character map and the
    marks of ``forms`` mapped to the glyphs given there."""
    import uharfbuzz as hb

    cmap = dict(pdfmetrics.getFont(font).face.charToGlyph)
    cmap.update(forms)
    for code in hidden:
        cmap.pop(code, None)

    funcs = hb.FontFuncs()
    funcs.set_nominal_glyph_func(lambda _font, code, _data: cmap.get(code, 0))
    hiding = hb.Font(_hb_font(font))  # a sub-font: everything else is asked of the face's own
    hiding.funcs = funcs
    return hiding


@lru_cache(maxsize=64)
def _twin(font: str) -> Any:
    """Face ``font``'s shaping twin: the same glyphs under another font name, its code map a copy."""
    with _lock:
        ttf = pdfmetrics.getFont(font)
        twin = copy.copy(ttf)
        twin.fontName = f"{ttf.fontName}+Shaped"
        twin.face = copy.copy(ttf.face)
        twin.face.charToGlyph = dict(ttf.face.charToGlyph)
        twin.face.charWidths = dict(ttf.face.charWidths)
        twin.state = type(ttf.state)()  # its own subsets in every document
        twin._reports_texts = {}
        twin._reports_codes = {}
        twin._reports_next = _PRIVATE_START
        return twin


def _private(twin: Any, gid: int, text: str) -> int:
    """The twin's code for glyph ``gid`` standing for ``text``: the same code every time it is asked."""
    with _lock:
        code: int | None = twin._reports_codes.get((gid, text))
        if code is None:
            face = twin.face
            code = twin._reports_next
            while code in face.charToGlyph:  # a private character the face draws itself stays its own
                code += 1
            twin._reports_next = code + 1
            twin._reports_codes[(gid, text)] = code
            twin._reports_texts[code] = text
            face.charToGlyph[code] = gid
            face.charWidths[code] = face._pdfScale(face.hmetrics[gid][0])
        return code


__all__ = ["Glyph", "Shaped", "available", "marks", "shape", "texts"]
