"""The spaces reportlab drops where it wraps a line, given back to the text so the tags read words.

Part of write (PDF). reportlab breaks a paragraph at a space and draws nothing for that space: the next
line just starts lower. A reader of the page sees two words; a screen reader or a text extractor working
from the marked content reads "ProvincialGovernment". So the dropped space is drawn again, as text at
the end of its line, after the line's last glyph: it moves nothing and shows nothing (what Typst and
LibreOffice effectively write), and it sits inside the line's own marked content, so the structure text
has it. PDF/UA and the validators want exactly that: real text, no ActualText needed.

Where a line was broken between two CJK characters there was no space, so none is added; where a CJK
line was broken at a space, ``cjk_lines`` keeps the space on the line and nothing is added either.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus.paragraph import _HSFrag

# Whitespace reportlab breaks lines at (the no-break spaces are glyphs it draws, not breaks).
_NO_BREAK = frozenset("\xa0\u2007\u202f")
_SHY = "\xad"


def _breakable(char: str) -> bool:
    return char.isspace() and char not in _NO_BREAK


def frags_text(frags: Any) -> str:
    """The text of a paragraph's fragments: plain ``ParaFrag``s, the word lists reportlab keeps after
    splitting a paragraph (``[width, (frag, text), …]``, an ``_HSFrag`` followed by a space), or the one
    fragment of words it makes of a plain paragraph's piece."""
    out: list[str] = []
    for frag in frags or ():
        if hasattr(frag, "cbDefn"):
            continue
        if isinstance(frag, list):
            out.extend(str(text) for _, text in frag[1:])
            if isinstance(frag, _HSFrag):
                out.append(" ")
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


def line_ends(source: str, lines: list[str], continued: bool = False) -> list[str]:
    """What each drawn line needs at its end: a space where ``source`` had whitespace that the line
    dropped, else nothing. The last line gets a space only when the paragraph ``continued`` after a
    space, in a piece on the next page (a split paragraph is one element: its pieces must not glue
    either); ``TParagraph.split`` and the story's long-paragraph pieces know whether it did.

    The lines are matched with ``source`` character by character, whitespace aside; if they differ
    (reportlab hyphenated, say) the remaining lines get nothing, as before: never a wrong space.
    """
    ends = [""] * len(lines)
    pos = 0
    for i, line in enumerate(lines):
        for char in line:
            if _breakable(char):
                continue
            soft = False  # a soft hyphen passed: reportlab draws "-" for one where it breaks the line
            while pos < len(source) and (_breakable(source[pos]) or (source[pos] == _SHY and char != _SHY)):
                soft = soft or source[pos] == _SHY
                pos += 1
            if pos < len(source) and source[pos] == char:
                pos += 1
            elif not (soft and char == "-"):
                return ends
        if not line or _breakable(line[-1]):
            continue  # the line kept its space (or drew nothing)
        if i < len(lines) - 1:
            if pos < len(source) and _breakable(source[pos]):
                ends[i] = " "
        elif continued:
            ends[i] = " "
    return ends


__all__ = ["frags_text", "line_ends", "line_texts"]
