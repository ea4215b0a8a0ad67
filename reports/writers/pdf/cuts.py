"""Where long text is cut for the PDF writer, so that reportlab never lays out more than a page's worth
at once: a long paragraph in pieces set as one, a long table cell continued in the rows below.

A cut never falls between a letter and its combining marks, and rejoined pieces give the text back.
"""

from __future__ import annotations

import unicodedata

from reports import tree as t
from reports.fonts.scripts import NO_BREAK_SPACES
from reports.writers.measure import plain_text

MAX_CELL_CHARS = 2500  # a longer cell is split across rows so a row never outgrows a page
MAX_PARAGRAPH = 3000  # characters: a longer paragraph is laid out in pieces (see StoryWriter.paragraph)


def cell_chunks(text: str) -> list[str]:
    """``text`` in pieces of at most ``MAX_CELL_CHARS``, cut where a reader would not notice.

    A cut falls after the last whitespace before the limit (the whitespace ends its piece, so rejoined
    pieces give the text back); a word longer than a piece is cut inside, but never between a letter
    and its combining marks.
    """
    chunks = []
    pos = 0
    while len(text) - pos > MAX_CELL_CHARS:
        end = _cut(text, pos, MAX_CELL_CHARS, inside=True)
        chunks.append(text[pos:end])
        pos = end
    chunks.append(text[pos:])
    return chunks


def _cut(text: str, pos: int, room: int, inside: bool) -> int:
    """Where a piece of ``text`` from ``pos`` with room for ``room`` characters ends: after its last
    whitespace; with none, inside the word (``inside``: never between a letter and its marks) or at
    ``pos`` (the word starts the next piece)."""
    end = pos + room
    space = end - 1
    while space >= pos and not (text[space].isspace() and text[space] not in NO_BREAK_SPACES):
        space -= 1
    if space >= pos and (space > pos or not inside):
        return space + 1
    if not inside:
        return pos
    while end > pos + 1 and _joins_previous(text[end - 1], text[end]):
        end -= 1  # text[end] starts the next piece: a mark stays with the letter before it
    return end


def cell_pieces(content: t.Inlines) -> list[t.Inlines]:
    """A table cell's ``content`` in pieces of at most ``MAX_CELL_CHARS`` characters, for rows of their
    own: text is cut as ``cell_chunks`` cuts it, and a link, bold or italic run that fits in a piece is
    kept whole and keeps its kind (a link still links); a bold or italic run longer than a piece is cut
    as its text, the links in it kept."""
    pieces: list[t.Inline] = []
    for node in content:  # what is too long to keep whole, unwrapped down to its text and links
        pieces.extend(_unwrapped(node) if len(plain_text((node,))) > MAX_CELL_CHARS else (node,))
    return _cell_pieces(tuple(pieces))


def _unwrapped(node: t.Inline) -> t.Inlines:
    if isinstance(node, t.Strong | t.Emphasis):
        return tuple(inner for child in node.children for inner in _unwrapped(child))
    return (node,)


def _cell_pieces(content: t.Inlines) -> list[t.Inlines]:
    pieces: list[t.Inlines] = []
    current: list[t.Inline] = []
    size = 0
    for node in content:
        length = len(plain_text((node,)))
        if type(node) is not t.Text and length <= MAX_CELL_CHARS:
            if size + length > MAX_CELL_CHARS and current:
                pieces.append(tuple(current))
                current, size = [], 0
            current.append(node)
            size += length
            continue
        text = node.text if isinstance(node, t.Text) else plain_text((node,))
        pos = 0
        while len(text) - pos > MAX_CELL_CHARS - size:
            end = _cut(text, pos, MAX_CELL_CHARS - size, inside=not current)
            if end > pos:
                current.append(t.Text(text[pos:end]))
            pieces.append(tuple(current))
            current, size, pos = [], 0, end
        if pos < len(text):
            current.append(t.Text(text[pos:]))
            size += len(text) - pos
    if current:
        pieces.append(tuple(current))
    return pieces


def paragraph_pieces(content: t.Inlines) -> list[t.Inlines]:
    """``content`` cut into pieces of at most about ``MAX_PARAGRAPH`` characters; one piece if shorter.

    Only text outside any formatting is cut: after the last space that keeps a piece within the limit,
    or inside a word longer than that (never between a letter and its marks). A formatted run is
    never cut, so a piece holding one may be longer.
    """
    if sum(len(plain_text((node,))) for node in content) <= MAX_PARAGRAPH:
        return [content]
    pieces: list[t.Inlines] = []
    current: list[t.Inline] = []
    size = 0
    for node in content:
        if type(node) is not t.Text:
            current.append(node)
            size += len(plain_text((node,)))
            continue
        text: str = node.text
        while size + len(text) > MAX_PARAGRAPH:
            room = MAX_PARAGRAPH - size
            cut = room
            while cut > 0 and not (text[cut - 1].isspace() and text[cut - 1] not in NO_BREAK_SPACES):
                cut -= 1  # after the last space within the room
            if cut == 0 and current:  # no space left in this piece: the text starts the next one
                pieces.append(tuple(current))
                current, size = [], 0
                continue
            if cut == 0:  # a word longer than a piece
                cut = room
                while cut > 1 and _joins_previous(text[cut - 1], text[cut]):
                    cut -= 1
            current.append(t.Text(text[:cut]))
            pieces.append(tuple(current))
            current, size, text = [], 0, text[cut:]
        if text:
            current.append(t.Text(text))
            size += len(text)
    if current:
        pieces.append(tuple(current))
    return pieces


def _joins_previous(before: str, char: str) -> bool:
    # Combining marks (some have combining class 0 but are still marks: Thai vowels), variation selectors
    # and the two sides of a zero-width joiner belong to one glyph with what precedes them.
    return (unicodedata.combining(char) > 0 or unicodedata.category(char) in ("Mn", "Mc", "Me")
            or char in "\u200d\ufe0e\ufe0f" or before == "\u200d" or "\U0001f3fb" <= char <= "\U0001f3ff")
