"""Words with combining marks drawn as HarfBuzz shaped them (``reports.fonts.shaping``): the operators.

Part of write (PDF). Every text the PDF writer draws (paragraphs, page furniture, the timeline's labels,
the contents, the watermark) reaches the page through one text object (``tags.LangText``), which hands
each run of text here first: the words holding a mark the face draws are drawn glyph by glyph where
HarfBuzz put them (a ``TJ`` adjustment for a move across, the text rise ``Ts`` for a move up or down),
and the rest as before. The layout measured the words unshaped: a shaped word ends where that measure
ends, so nothing after it moves (the shipped faces' marks have no width, so the two agree anyway).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reportlab.lib.rl_accel import fp_str

from reports.fonts.shaping import Shaped, marks, shape

# The Private Use Area: the BMP's and planes 15 and 16. Text mapped there is drawn inside /ActualText
# spans (``tags.LangText``), so a word holding such a character is left unshaped.
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]+")
_WORD = re.compile(r"\S+")


def shaped_operators(text_object: Any, text: str, plain: Callable[[str], str]) -> str | None:
    """The operators that draw ``text`` in ``text_object``'s current font with its marked words shaped,
    the rest through ``plain``; None when no word of ``text`` needs shaping (``plain`` draws it all)."""
    font = text_object._fontname
    found = marks(font)
    if not found or found.isdisjoint(text):
        return None
    parts: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if found.isdisjoint(word) or PRIVATE_USE.search(word):
            continue
        shaped = shape(word, font)
        if shaped is None:
            continue
        if match.start() > position:
            parts.append(plain(text[position:match.start()]))
        parts.append(_remembered(text_object, shaped))
        position = match.end()
    if not parts:
        return None
    if position < len(text):
        parts.append(plain(text[position:]))
    return " ".join(parts)


class _Array:
    """One ``TJ`` array being written: strings of codes and moves (thousandths of the size, leftwards)."""

    def __init__(self, escape: Callable[[bytes], str]) -> None:
        self.escape = escape
        self.items: list[bytes | float] = []

    def move(self, amount: float) -> None:
        if amount:
            if self.items and not isinstance(self.items[-1], bytes):
                self.items[-1] += amount
            else:
                self.items.append(amount)

    def code(self, byte: int) -> None:
        if self.items and isinstance(self.items[-1], bytes):
            self.items[-1] += bytes((byte,))
        else:
            self.items.append(bytes((byte,)))

    def flush(self, out: list[str]) -> None:
        shown = [f"({self.escape(item)})" if isinstance(item, bytes) else fp_str(item)
                 for item in self.items if isinstance(item, bytes) or fp_str(item) != "0"]
        if shown:
            out.append(f"[{' '.join(shown)}] TJ")
        self.items = []


def _remembered(text_object: Any, shaped: Shaped) -> str:
    # A word drawn again in the same state draws with the same operators: its codes in the document's
    # subsets, once given, stay. Kept on the document (a layout pass draws on a document of its own).
    doc = text_object._canvas._doc
    drawn: dict[tuple[Any, ...], tuple[str, int]] | None = getattr(doc, "_reports_shaped", None)
    if drawn is None:
        drawn = doc._reports_shaped = {}
    key = (shaped, text_object._fontsize, text_object._leading, text_object._rise, text_object._curSubset)
    known = drawn.get(key)
    if known is None:
        known = drawn[key] = (_draw(text_object, shaped), text_object._curSubset)
    text_object._curSubset = known[1]
    return known[0]


def _draw(text_object: Any, shaped: Shaped) -> str:
    font, size, doc = shaped.font, text_object._fontsize, text_object._canvas._doc
    own = font.fontName == text_object._fontname  # else the face's shaping twin, a font of its own
    base_rise = rise = text_object._rise
    out: list[str] = []
    array = _Array(text_object._canvas._escape)
    glyphs = iter(shaped.glyphs)
    for subset, codes in font.splitString("".join(g.char for g in shaped.glyphs), doc):
        if subset != text_object._curSubset or not own:
            array.flush(out)
            out.append(f"{font.getSubsetInternalName(subset, doc)} {fp_str(size)} Tf "
                       f"{fp_str(text_object._leading)} TL")
            text_object._curSubset = subset if own else -1  # after the twin, the face is chosen again
        for byte in codes:
            glyph = next(glyphs)
            wanted = base_rise + size * glyph.y_offset / 1000
            if wanted != rise:
                array.flush(out)
                out.append(f"{fp_str(wanted)} Ts")
                rise = wanted
            array.move(-glyph.x_offset)
            array.code(byte)
            array.move(glyph.width - glyph.advance + glyph.x_offset)
    array.move(sum(g.advance for g in shaped.glyphs) - shaped.measured)  # end where the layout measured
    array.flush(out)
    if rise != base_rise:
        out.append(f"{fp_str(base_rise)} Ts")
    if shaped.actual:  # its glyphs read as the word decomposed: a reader gets the data's own characters
        actual = shaped.actual.encode("utf-16-be").hex().upper()
        return f"/Span <</ActualText <FEFF{actual}>>> BDC {' '.join(out)} EMC"
    return " ".join(out)


__all__ = ["PRIVATE_USE", "shaped_operators"]
