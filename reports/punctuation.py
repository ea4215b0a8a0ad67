"""Where data meets a template's punctuation: one rule for the seam, so that no phrase prints two marks.

Data often ends a phrase with a mark of its own ("Systems K.K.", "publish the records.", "Why publish?");
a template often follows data with one ("%(names)s.", ": %(names)s", "》，", " · "). ``join`` puts the
two side by side and settles the seam between the data's last mark and the template's first:

1. **A full stop** (``.`` ``。`` ``．``) after a phrase that already ends a sentence (``. ! ? …`` or
   ``。 ！ ？``, also just inside a closing quotation mark: ``"yes."``) is dropped: ``Systems K.K.`` +
   ``.`` gives ``Systems K.K.``. A half-width ``.`` right after a Chinese or Japanese character was meant
   as ``。`` and becomes it. After ``, ; :`` the full stop takes their place.
2. **A question or exclamation mark or an ellipsis** takes the place of a sentence's full stop
   (``records.`` + ``?``) and of ``, ; :``; it is not repeated (``Why?`` + ``?``) and does not follow
   another (``Why?`` + ``!``); after an abbreviation both stay (``K.K.?``).
3. **A comma, colon or semicolon** (``, : ;`` ``， 、 ： ；``) takes the place of the data's own ``, ; :``
   and of a sentence's full stop (``records.`` + ``:`` gives ``records:``), but follows an abbreviation
   (``K.K.:``, ``Inc.,``). After ``? ! …`` a colon or semicolon is dropped and the data's mark, which
   carries meaning, stays; an ASCII comma stays too after an ASCII mark (``Yahoo!, CEO``), a
   full-width one, or any comma after a full-width mark, is dropped.
4. **A separator** between items (`` · ``, `` • ``, `` | ``) after a sentence end is dropped: the end
   already separates (``… 2023. · Next`` gives ``… 2023. Next``, ``… 日。 · 《`` gives ``… 日。《``).
   One that stays is tied to the item before it by a no-break space, so that no line starts with it.
5. **Spaces after a full-width mark** (``。，：`` ...) are dropped: the mark carries its own space.

Anything else (letters, brackets, a closing quotation mark before a colon) is joined as it is. The data's
``?`` and ``!`` are never removed. An abbreviation is a word of single letters with dots (``K.K.``,
``U.S.``, ``e.g.``, ``S.p.A.``), a single capital with a dot (``J.``) or a common one (``Inc.``, ``Ltd.``,
``Co.``, ``Jr.``, ``Dr.``, ``etc.`` ...: ``ABBREVIATIONS``).

Both sides may be Markdown: emphasis markers (``*``, ``_``) next to the seam are looked through, a
backslash-escaped mark counts as the mark, and a phrase that ends in a link or a code span is left as it
is (a web address's last dot is no full stop).

Labels fill their placeholders through ``settle``: each value is followed by ``SEAM`` (and preceded by
``VALUE``) while the label is filled, and ``settle`` joins each value with the label text after it.
"""

from __future__ import annotations

import re
import unicodedata

FULL_STOPS = frozenset(".。．｡")
STRONG = frozenset("!?！？‼⁇⁈⁉‽")
ELLIPSES = frozenset("…⋯")
TERMINAL = FULL_STOPS | STRONG | ELLIPSES
CLAUSE = frozenset(",;:，、；：､﹐﹑﹔﹕")
# Marks set in a full-width cell: their own space is part of the glyph.
WIDE = frozenset("。，、；：！？．｡､")
CLOSING_QUOTES = frozenset("\"'”’»›」』")
MARKERS = "*_"  # Markdown emphasis around data: looked through at the seam

# Common abbreviations that end a phrase with their dot (words that are also ordinary words, such as
# "no" or "art", are left out: at the end of a phrase they are more often the word).
ABBREVIATIONS = frozenset((
    "inc", "ltd", "co", "corp", "bros", "jr", "sr", "st", "dr", "mr", "mrs", "ms", "mx", "prof", "etc", "vs",
    "approx", "dept", "univ", "pty", "ave", "govt", "al", "cf", "ca", "nr", "mt", "ft", "capt", "sgt", "assn",
    "intl", "natl", "ed", "eds", "vol", "vols", "fig", "figs", "pp", "misc"
))
_DOTTED = re.compile(r"(?:[^\W\d_]\.){2,}")  # K.K., U.S., e.g., S.p.A.
_INITIAL = re.compile(r"[^\W\d_]\.")  # J.
_SEPARATOR = re.compile(r"[ \t\u00a0]+[·•|∙]+(?:[ \t\u00a0]+|$)")
_SPACES = " \t\u00a0\u3000"

SEAM = "\ufdd0"  # noncharacters: never printed, and a label whose data holds one is filled plainly
VALUE = "\ufdd1"


def join(left: str, right: str) -> str:
    """``left`` followed by ``right``, with the punctuation where they meet settled by the rules above."""
    last = _last(left, len(left))
    if last is None:
        return left + right
    start, at = last
    mark = left[at]
    ended = _sentence_end(left, at)
    separator = _SEPARATOR.match(right)
    if separator and ended is not None:
        gap = "" if ended in WIDE else " "
        return left + gap + right[separator.end():]
    if separator:  # it stays: tied to the item before it, so that no line starts with it
        return left + "\u00a0" + right.lstrip(_SPACES)
    if right[:1] and right[0] in _SPACES:
        return left + right.lstrip(_SPACES) if mark in WIDE else left + right
    first = _first(right)
    if first is None:
        return left + right
    r_start, r_end = first
    sign = right[r_end - 1]
    without_sign = right[:r_start] + right[r_end:]
    without_mark = left[:start] + left[at + 1:]
    kind = _kind(left, at)
    if sign in FULL_STOPS:
        if ended is not None:
            if mark == "." and sign != "." and _cjk_before(left, start):
                return left[:start] + sign + left[at + 1:] + without_sign  # a mistyped 。
            return left + without_sign
        return without_mark + right if kind == "clause" else left + right
    if sign in STRONG or sign in ELLIPSES:
        if kind in ("strong", "ellipsis"):
            return left + without_sign
        return without_mark + right if kind in ("clause", "stop") else left + right
    if sign in CLAUSE:
        if kind in ("clause", "stop"):
            return without_mark + right
        if kind in ("strong", "ellipsis"):  # they carry meaning and stay; an ASCII comma may follow
            return left + right if sign == "," and mark not in WIDE else left + without_sign
    return left + right


def _kind(text: str, at: int) -> str | None:
    """What the mark at ``at`` is: "stop" (a sentence's full stop), "abbreviation" (``K.K.``), "strong"
    (``? !``), "ellipsis" (``…`` or ``...``), "clause" (``, ; :``), or None (no mark)."""
    mark = text[at]
    if mark in FULL_STOPS:
        if mark == "." and at >= 1 and text[at - 1] == ".":
            return "ellipsis"
        return "abbreviation" if _abbreviation(text, at) else "stop"
    if mark in STRONG:
        return "strong"
    if mark in ELLIPSES:
        return "ellipsis"
    return "clause" if mark in CLAUSE else None


_FORMAT = re.compile(r"%(%|\(\w+\)s)?")


def marked_values(pattern: str, values: dict[str, str]) -> dict[str, str] | None:
    """``values`` each between ``VALUE`` and ``SEAM``, to fill ``pattern`` with and then ``settle``; None
    when that cannot be done safely: the pattern has a conversion other than ``%(name)s`` and ``%%``, or
    a value holds one of the marks already."""
    if any(m.group(1) is None for m in _FORMAT.finditer(pattern)):
        return None
    if any(SEAM in v or VALUE in v for v in values.values()):
        return None
    return {key: VALUE + value + SEAM for key, value in values.items()}


def settle(text: str) -> str:
    """A filled label with its seams settled: each value (marked ``VALUE`` ... ``SEAM``) joined with the
    label text after it (``join``); the marks removed. Where a value follows another at once, the two
    are data meeting data and stay as they are."""
    pieces = text.split(SEAM)
    out = pieces[0]
    for piece in pieces[1:]:
        out = out + piece if piece.startswith(VALUE) or not piece else join(out, piece)
    return out.replace(VALUE, "")


def sentence_stop(text: str) -> str:
    """The full stop that ends ``text`` as a sentence: ``。`` after a Chinese or Japanese character,
    ``.`` after anything else (the mark follows the script it ends)."""
    last = _last(text, len(text))
    return "。" if last is not None and _is_cjk(text[last[1]]) else "."


def _last(text: str, end: int) -> tuple[int, int] | None:
    """(start, index) of the last visible character before ``end``: emphasis markers looked through, an
    escaped character starting at its backslash. None when there is none."""
    i = end - 1
    while i >= 0 and text[i] in MARKERS and not _escaped(text, i):
        i -= 1
    if i < 0:
        return None
    return (i - 1, i) if _escaped(text, i) else (i, i)


def _first(text: str) -> tuple[int, int] | None:
    """(start, end) of the first visible character: emphasis markers looked through, ``\\X`` taken
    whole. None when there is none."""
    i = 0
    while i < len(text) and text[i] in MARKERS:
        i += 1
    if i >= len(text):
        return None
    if text[i] == "\\" and i + 1 < len(text):
        return i, i + 2
    return i, i + 1


def _escaped(text: str, i: int) -> bool:
    # Preceded by an odd number of backslashes.
    count = 0
    while i - count - 1 >= 0 and text[i - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _sentence_end(text: str, at: int) -> str | None:
    """The mark that ends a sentence at ``at``, looking through closing quotation marks (``"yes."``)."""
    while text[at] in CLOSING_QUOTES:
        found = _last(text, at if not _escaped(text, at) else at - 1)
        if found is None:
            return None
        at = found[1]
    return text[at] if text[at] in TERMINAL else None


def _word_before(text: str, at: int) -> str:
    # The word that ends at ``at`` (its last 40 characters at most), without escapes or markers.
    start = at
    while start > 0 and at - start < 40 and not text[start - 1].isspace():
        start -= 1
    word = re.sub(r"\\(.)", r"\1", text[start:at + 1])
    return word.lstrip("*_([{\"'“‘«‹„‚「『（")


def _abbreviation(text: str, at: int) -> bool:
    """Whether the ``.`` at ``at`` ends an abbreviation (``K.K.``, ``J.``, ``Inc.``) rather than a sentence."""
    if text[at] != ".":
        return False
    word = _word_before(text, at)
    return bool(_DOTTED.fullmatch(word) or (_INITIAL.fullmatch(word) and word[0].isupper())
                or word[:-1].casefold() in ABBREVIATIONS)


def _cjk_before(text: str, start: int) -> bool:
    found = _last(text, start)
    return found is not None and _is_cjk(text[found[1]])


def _is_cjk(char: str) -> bool:
    """Han, kana or a full-width form: a character set in a Chinese or Japanese cell."""
    code = ord(char)
    return (0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
            or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF
            or unicodedata.east_asian_width(char) == "F")
