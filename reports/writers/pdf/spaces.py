"""The spaces reportlab drops where it wraps a line, given back to the text so the tags read words.

Part of write (PDF). reportlab breaks a paragraph at a space and draws nothing for that space: the next
line just starts lower. A reader of the page sees two words; a screen reader or a text extractor working
from the marked content reads "ProvincialGovernment". So the dropped space is drawn again, as text at
the end of its line, after the line's last glyph: it moves nothing and shows nothing (what Typst and
LibreOffice effectively write), and it sits inside the line's own marked content, so the structure text
has it. PDF/UA and the validators want exactly that: real text, no ActualText needed. A hard line break
(``<br/>``) is a word boundary too, and gets the same space.

Where a line was broken between two CJK characters there was no space, so none is added; where a CJK
line was broken at a space, ``cjk_lines`` keeps the space on the line and nothing is added either. Where
reportlab broke inside a word (a word longer than the line, or at a soft hyphen) nothing is added: the
word goes on on the next line, or page. The hyphen it draws at a soft hyphen is not the data's text:
``LineEnd.hyphen`` says so, and the tags give it the soft hyphen's reading (``tags.LangText``).

The lines are matched with the paragraph's source text, which a paragraph split over pages hands on to
its pieces (``source_pieces``): reportlab rebuilds a piece from its laid-out words, without the soft
hyphens and with the hyphen it drew as the end of a word followed by a space, so a piece's own fragments
no longer tell where its words end.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from reportlab.platypus.paragraph import _HSFrag, _InjectedFrag

from reports.fonts.scripts import NO_BREAK_SPACES

# Whitespace reportlab breaks lines at (the no-break spaces are glyphs it draws, not breaks).
_NO_BREAK = frozenset(NO_BREAK_SPACES)
_SHY = "\xad"
_BREAK = "\n"  # a hard line break in a source text (drawn lines never hold it)


class LineEnd(NamedTuple):
    """What one drawn line needs at its end, and where it ends in its paragraph's source text."""

    text: str  # " " where the source had a space or a hard break that the line dropped, else ""
    hyphen: int  # where in the line's drawn text the "-" reportlab drew for a soft hyphen is; -1 if none
    stop: int  # where the line's text ends in the source; -1 once the lines and the source disagree


def _breakable(char: str) -> bool:
    return char.isspace() and char not in _NO_BREAK


def frags_text(frags: Any, hard_breaks: bool = False) -> str:
    """The text of a paragraph's fragments: plain ``ParaFrag``s, the word lists reportlab keeps after
    laying a paragraph out (``[width, (frag, text), …]``, an ``_HSFrag`` followed by a space), or the one
    fragment of words it makes of a plain paragraph's piece. With ``hard_breaks``, a line break reads
    as a new line (the source of a paragraph); without, as nothing (what a line draws for it)."""
    out: list[str] = []
    for frag in frags or ():
        if hasattr(frag, "cbDefn") or isinstance(frag, _InjectedFrag):  # callbacks; breaks reportlab made
            continue
        if isinstance(frag, list):
            for part, text in frag[1:]:
                out.append(_BREAK if hard_breaks and getattr(part, "lineBreak", False) else str(text))
            if isinstance(frag, _HSFrag):
                out.append(" ")
        elif hard_breaks and getattr(frag, "lineBreak", False):
            out.append(_BREAK)
        elif hasattr(frag, "text"):
            out.append(_str(frag.text))
        else:  # the piece of a plain paragraph reportlab split: its words, which it breaks at spaces
            out.append(" ".join(_str(word) for word in getattr(frag, "words", ())))
    return "".join(out)


def _str(text: str | bytes) -> str:
    return text.decode("utf-8") if isinstance(text, bytes) else text


def line_texts(bl_para: Any) -> list[str]:
    """The text reportlab draws on each line of a laid-out paragraph (``blPara``)."""
    texts: list[str] = []
    for line in bl_para.lines:
        if bl_para.kind == 0:  # (extra space, words)
            texts.append(" ".join(_str(word) for word in line[1]))
        else:  # a line of fragments
            texts.append(frags_text(line.words))
    return texts


def line_ends(source: str, lines: list[str], continued: bool = False) -> list[LineEnd]:
    """What each drawn line needs at its end: a space where ``source`` had whitespace or a hard break
    that the line dropped, else nothing. The last line gets a space only when the paragraph
    ``continued`` after a space, in a piece on the next page (a split paragraph is one element: its
    pieces must not glue either); ``TParagraph.split`` and the story's long-paragraph pieces know
    whether it did.

    The lines are matched with ``source`` character by character, whitespace aside; if they differ
    (reportlab hyphenated, say) the remaining lines get nothing, as before: never a wrong space.
    """
    ends = [LineEnd("", -1, -1)] * len(lines)
    pos = 0
    for i, line in enumerate(lines):
        hyphen = -1  # where the line's last character is the "-" drawn for a soft hyphen
        matched = _same_text(source, pos, line)
        if matched >= 0:
            pos = matched
        else:
            pos, hyphen = _match(source, pos, line)
            if pos < 0:
                return ends
        if not line or _breakable(line[-1]):
            ends[i] = LineEnd("", hyphen, pos)  # the line kept its space (or drew nothing)
        elif i < len(lines) - 1:
            # A soft hyphen just before the space the line broke at draws nothing: the space is still dropped.
            after = pos
            while after < len(source) and source[after] == _SHY:
                after += 1
            ends[i] = LineEnd(" " if after < len(source) and _breakable(source[after]) else "", hyphen, pos)
        else:
            ends[i] = LineEnd(" " if continued else "", hyphen, pos)
    return ends


def _same_text(source: str, pos: int, line: str) -> int:
    """Where the line ends in ``source`` when its text (whitespace at its ends aside) is the source's from
    ``pos`` on, after the whitespace and soft hyphens there: what ``_match`` finds then, in a few steps
    instead of one per character (the common line); -1 otherwise."""
    first, last = 0, len(line)
    while first < last and _breakable(line[first]):
        first += 1
    while last > first and _breakable(line[last - 1]):
        last -= 1
    if first == last or line[first] == _SHY:
        return -1
    while pos < len(source) and (_breakable(source[pos]) or source[pos] == _SHY):
        pos += 1
    return pos + last - first if source.startswith(line[first:last], pos) else -1


def _match(source: str, pos: int, line: str) -> tuple[int, int]:
    """The line matched with ``source`` from ``pos`` on, character by character, whitespace aside:
    where it ends there, and where its "-" drawn for a soft hyphen is (-1: none); (-1, -1) when they
    differ."""
    hyphen = -1
    for at, char in enumerate(line):
        if _breakable(char):
            continue
        shy = False
        while pos < len(source) and (_breakable(source[pos]) or (source[pos] == _SHY and char != _SHY)):
            shy = shy or source[pos] == _SHY
            pos += 1
        if pos < len(source) and source[pos] == char:
            pos += 1
            hyphen = -1
        elif shy and char == "-":  # reportlab draws "-" for a soft hyphen where it breaks the line
            hyphen = at
        else:
            return -1, -1
    return pos, hyphen


def source_pieces(source: str, ends: list[LineEnd], shown: int) -> tuple[str, str] | None:
    """``source`` cut where the first ``shown`` lines end (a paragraph split after them), or None where
    the lines and the source disagree there."""
    if not 0 < shown <= len(ends) or ends[shown - 1].stop < 0:
        return None
    stop = ends[shown - 1].stop
    return source[:stop], source[stop:]


__all__ = ["LineEnd", "frags_text", "line_ends", "line_texts", "source_pieces"]
