"""Paragraph fragments for reportlab built from the tree, without its markup parser.

reportlab turns paragraph markup into "fragments" (runs of text in one font) with an HTML parser, which
for a briefing costs more than laying the text out. Plain, bold, italic and CJK runs, and a redline's
underlined and struck-through passages with their callbacks, are all the tree needs for most paragraphs
(``runs`` collects them), and their fragments are known in advance, so they are built here exactly as
the parser builds them from the same markup (``tests/writers/test_pdf.py`` and ``test_pdf_fast_marks.py``
check that the two agree on any text). Anything else (links, code, line breaks, footnotes) still goes
through the parser.
"""

from __future__ import annotations

import re
from string import whitespace
from typing import Any, TypeVar
from xml.sax.saxutils import escape

from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaFrag

from reports.fonts.scripts import NO_BREAK_SPACES
from reports.fonts.standin import face_runs

P = TypeVar("P", bound=Paragraph)

# What the tags around a run set on its fragment besides bold, italic and face, in the order reportlab's
# parser sets it (a deletion's colour, an underline, a callback's definition: ``runs``); () for most text.
Marks = tuple[tuple[str, Any], ...]

# One run of text: (text, bold, italic, font face or "" for the style's, innermost markup tag, marks).
# A run tagged "ondraw" is a callback (``<onDraw/>``): no text, a fragment all the same.
Span = tuple[str, bool, bool, str, str, Marks]

# Stands for the markup tags between runs while whitespace is cleaned: like a tag, it is not
# whitespace, and it cannot occur in text (the writer drops characters XML cannot hold).
_TAG = "\x00"

# U+200B ZERO WIDTH SPACE is no space (Unicode gives it no White_Space property): a place a line may
# break, drawing nothing. reportlab counts it among the spaces it collapses and breaks at, though only
# in text that also holds a no-break space (U+00A0 switches it from ``str.split`` to its own list of
# spaces): there it became a visible space, on the page and in the text ("a\u200bb\xa0c" read "a b c").
# It is kept as itself: ``_KEEP`` stands for it while reportlab cleans whitespace (a noncharacter, which
# the writer drops from text like ``_TAG``), and each one is a fragment of its own when its fragment
# holds a no-break space (reportlab splits each fragment's text on its own). It gives no line break
# then, as it gives none in text without a no-break space.
_ZWSP = "\u200b"
_KEEP = "\uffff"
_SHY = "\xad"

# U+202F NARROW NO-BREAK SPACE (French "1 000", « Oui ») and U+2007 FIGURE SPACE are no-break spaces
# (Unicode line-break class GL, like U+00A0), but reportlab broke lines at them and collapsed them into
# plain spaces: its list of spaces holds them, and Python's ``str.split``, which it uses for text without
# U+00A0, splits at them too. Its word splitter (module-level, called by the cleaning and the line
# breaking alike) is replaced by one that keeps all three inside words, as reportlab keeps U+00A0.
_BREAKING = re.escape("".join(c for c in rl_paragraph._wsc if c not in NO_BREAK_SPACES))
_BREAKS = re.compile(f"[{_BREAKING}]+").split
_reportlab_split = rl_paragraph.split


def _split(text: str | bytes, delim: str | bytes | None = None) -> list[str]:
    if delim is None and isinstance(text, str) and ("\u202f" in text or "\u2007" in text):
        return _BREAKS(text)
    words: list[str] = _reportlab_split(text, delim)
    return words


rl_paragraph.split = _split


def fast_paragraph(spans: list[Span], style: ParagraphStyle, cls: type[P] = Paragraph) -> P | None:
    """The paragraph reportlab would make of the markup whose runs are ``spans``; None if blank.

    ``spans`` are the runs of unescaped text in order, each with the tag it sits in ("para" for none).
    Whitespace is cleaned as reportlab cleans markup: runs of spaces and line breaks become one space,
    and the ends of the paragraph are trimmed, except next to a tag.
    """
    spans = _merge(spans)
    if not spans:
        return None
    first_tagged = spans[0][4] != "para"
    last_tagged = spans[-1][4] != "para"
    joined = (_TAG if first_tagged else "") + _TAG.join(s[0] for s in spans) + (_TAG if last_tagged else "")
    texts = clean(joined).split(_TAG)
    texts = texts[1 if first_tagged else 0:len(texts) - 1 if last_tagged else None]
    family, style_bold, style_italic = ps2tt(style.fontName)
    frags = []
    for text, (_, bold, italic, face, tag, marks) in zip(texts, spans, strict=True):
        if not text and tag != "ondraw":
            continue  # the parser makes no fragment of an empty run
        frag = ParaFrag()
        # The attributes, in their order, of reportlab's ParaParser._initial_frag, _push and handle_data.
        frag.rise = 0
        frag.greek = 0
        frag.link = []
        if face:
            frag.fontName, frag.bold, frag.italic = ps2tt(face)
        else:
            frag.fontName, frag.bold, frag.italic = family, 1 if bold else style_bold, 1 if italic else style_italic
        frag.fontSize = style.fontSize
        frag.textColor = style.textColor
        frag.us_lines = []
        frag.__tag__ = tag
        for name, value in marks:
            setattr(frag, name, value)
        frag.fontName = tt2ps(frag.fontName, frag.bold, frag.italic)
        frag.text = text
        frags.append(frag)
    if not frags:
        return None
    textTransformFrags(frags, style)  # first: upper case can make characters the face lacks ("ŉ" -> "ʼN")
    frags = for_layout(frags)
    # Paragraph keeps its text for reading only (layout uses the fragments): the plain text will do.
    paragraph: P = cls(escape("".join(f.text for f in frags)), style, frags=frags)
    return paragraph


def clean(text: str) -> str:
    """``text`` with its whitespace cleaned as reportlab cleans paragraph markup (``cleanBlockQuotedText``),
    its zero width spaces kept."""
    if _ZWSP not in text:
        return str(cleanBlockQuotedText(text))
    return str(cleanBlockQuotedText(text.replace(_ZWSP, _KEEP))).replace(_KEEP, _ZWSP)


def for_layout(frags: list[ParaFrag]) -> list[ParaFrag]:
    """``frags`` as reportlab should lay them out: the characters a face lacks in the stand-in face
    (``stand_in``), and cut where reportlab would lose a character otherwise: a zero width space apart
    in a fragment with a no-break space (``_ZWSP``), and, in a paragraph with a soft hyphen, the
    whitespace that ends a fragment apart from it.

    reportlab (5.1) marks the last word of a fragment that ends with whitespace as followed by a space,
    except when the word holds a soft hyphen, in this fragment or one before (``_getFragWords`` makes it
    a ``_SHYWord``, not a ``_SHYWordHS``): the space was dropped, on the page and in the text
    ("<b>ab \xadcd</b>, " + "丱临" drew "ab cd,丱临"). Whitespace in a fragment of its own is a word
    boundary it always keeps.
    """
    frags = stand_in(frags)
    shy = any(_SHY in getattr(frag, "text", "") for frag in frags)
    out: list[ParaFrag] = []
    for frag in frags:
        text = getattr(frag, "text", "")
        if not text or hasattr(frag, "cbDefn"):
            out.append(frag)
            continue
        pieces = [text]
        if _ZWSP in text and any(glue in text for glue in NO_BREAK_SPACES):
            pieces = [piece for piece in re.split(f"({_ZWSP})", text) if piece]
        if shy and text[-1] in whitespace:
            body = pieces[-1].rstrip(whitespace)
            if body:
                pieces[-1:] = [body, pieces[-1][len(body):]]
        if len(pieces) == 1:
            out.append(frag)
        else:
            out.extend(frag.clone(text=piece) for piece in pieces)
    return out


def stand_in(frags: list[ParaFrag]) -> list[ParaFrag]:
    """``frags`` with the characters its face lacks cut out into fragments set in the stand-in face
    (``reports.fonts.standin``): a box on the page, the character itself in the text."""
    out: list[ParaFrag] = []
    for frag in frags:
        text = getattr(frag, "text", "")
        runs = face_runs(text, frag.fontName) if text and not hasattr(frag, "cbDefn") else ()
        if len(runs) > 1 or (runs and runs[0][1] != frag.fontName):
            out.extend(frag.clone(text=piece, fontName=font) for piece, font in runs)
        else:
            out.append(frag)
    return out


def _merge(spans: list[Span]) -> list[Span]:
    # Neighbouring runs with the same look are one piece of text to the parser. An empty bold or
    # italic run stays: its tags still keep the whitespace next to them from being trimmed.
    out: list[Span] = []
    for span in spans:
        if out and out[-1][1:] == span[1:]:
            out[-1] = (out[-1][0] + span[0], *span[1:])
        elif span[0] or span[4] != "para":
            out.append(span)
    return out
