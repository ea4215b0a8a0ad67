"""Quotation marks set as the document's language sets them, over the whole tree, once.

Data is typed with straight quotes (``"`` and ``'``) or with whatever marks a keyboard gave; templates
and their translations write their own (the memo's ``“%(text)s”``). This pass, run by ``parse_markdown``
on the finished tree and keyed by the document's ``language``, makes them one system:

- Every quotation mark (straight, curly, low-9, guillemets, corner brackets) is read as opening or
  closing from what stands beside it, and set in the language's marks (``QUOTES``: “ ” and ‘ ’ in
  English, « » and “ ” in French with a no-break space inside the guillemets, „ “ and ‚ ‘ in German,
  “ ” and ‘ ’ in Simplified Chinese, 「 」 and 『 』 in Japanese and Traditional Chinese; a language not
  listed takes the English marks). An outermost quotation typed with double marks takes the first pair,
  one typed with single marks the second; a quotation inside another always takes the other pair than
  the one around it, so nesting alternates: straight quotes inside the memo's “ ” become ‘ ’.
- A single quote inside a word or at the end of one with no quotation open is an apostrophe, ’ (``O’Hara``,
  ``parties’``); one before a digit too (``’90s``). After a digit with no quotation open, a quote is a
  mark of feet or inches, set ’ and ” (``5’10”``): the prime signs ′ ″ are missing from the standard PDF
  fonts a theme may choose (Helvetica, Times), where they would print as boxes.
- Nothing else changes: code spans, links whose text is their address, and web and mail addresses in
  the text are left exactly as they are (each reads as a letter to its neighbours), and Markdown syntax
  was read before this pass runs. Each paragraph, heading, cell, caption and meta field is one run:
  quotation marks pair within it, across emphasis and links.

The protective marking and the organisation line are printed exactly as given, so they are not touched.
A French no-break space is U+00A0: the body faces have no narrow one (U+202F), and a character no face
draws would print as a box.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from reports import tree as t
from reports.autolink import addresses

# (outer open, outer close, inner open, inner close) by language, script or region.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "fr": ("«\u00a0", "\u00a0»", "“", "”"),
    "fr-CH": ("«", "»", "‹", "›"),
    "de": ("„", "“", "‚", "‘"),
    "de-CH": ("«", "»", "‹", "›"),
    "cs": ("„", "“", "‚", "‘"),
    "pl": ("„", "”", "«", "»"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "it": ("«", "»", "“", "”"),
    "es": ("«", "»", "“", "”"),
    "pt": ("“", "”", "‘", "’"),
    "zh": ("“", "”", "‘", "’"),
    "zh-Hant": ("「", "」", "『", "』"),
    "zh-TW": ("「", "」", "『", "』"),
    "zh-HK": ("「", "」", "『", "』"),
    "ja": ("「", "」", "『", "』"),
    "ko": ("“", "”", "‘", "’"),
}
APOSTROPHE = "’"
PRIMES = {'"': "”", "'": "’"}  # feet and inches (see above: not ′ ″)

DOUBLE = frozenset('"“”„«»「」')
SINGLE = frozenset("'‘’‚‹›『』")
QUOTE_MARKS = DOUBLE | SINGLE
_GUILLEMETS = frozenset("«»‹›")
_WIDE_MARKS = frozenset("。，、；：！？")  # full-width: no space follows them, a quotation may open right after
_ENDS = frozenset(")]}）］｝〕】》〉") | QUOTE_MARKS  # closing brackets: a mark after one closes too
_OPENING_SHAPE = frozenset("“„«‘‚‹「『")  # how a mark between two letters is read
_ALWAYS_OPENS = frozenset("「『")
_ALWAYS_CLOSES = frozenset("」』")
_OPENS_BEFORE = frozenset("([{<—–-/\u2014\u2013（［｛〔【《〈") | QUOTE_MARKS  # a quotation may open after these
_SPACES = frozenset(" \u00a0\u202f\u3000")
_YEAR = re.compile(r"\d\d(?:s\b|(?![\w]))")
_MARK = re.compile("[" + re.escape("".join(sorted(DOUBLE | SINGLE))) + "]")
OPAQUE = "\ufffc"  # stands for a code span, a link to itself or a note reference: a letter to its neighbours


def quotes_for(language: str) -> tuple[str, str, str, str]:
    """The quotation marks of a BCP 47 tag: its language-script or language-region entry, else its
    language's, else English's."""
    parts = language.replace("_", "-").split("-")
    lang = parts[0].lower()
    for part in parts[1:]:
        key = f"{lang}-{part.title() if len(part) == 4 else part.upper()}"
        if key in QUOTES:
            return QUOTES[key]
    return QUOTES.get(lang, QUOTES["en"])


def typeset_quotes(document: t.Document) -> t.Document:
    """``document`` with its quotation marks and apostrophes set for its ``meta.language``."""
    marks = quotes_for(document.meta.language or "en")

    def text(value: str) -> str:
        return requote(value, marks) if _has_quotes(value) else value

    meta = document.meta
    changed: dict[str, Any] = {name: text(getattr(meta, name)) for name in _META_TEXT}
    changed.update({name: tuple(text(v) for v in getattr(meta, name)) for name in _META_LISTS})
    blocks = tuple(_block(b, marks, text) for b in document.blocks)
    return t.Document(dataclasses.replace(meta, **changed), blocks)


# Meta fields printed as text (the marking and the organisation line are printed exactly as given).
_META_TEXT = ("title", "subtitle", "short_title", "subject", "category", "author", "source_line")
_META_LISTS = ("keywords", "parties")


def requote(text: str, marks: tuple[str, str, str, str]) -> str:
    """One run of plain text with its quotation marks set (``marks`` as in ``QUOTES``)."""
    changes = _requote(text, marks)
    return "".join(changes.get(i, c) for i, c in enumerate(text)) if changes else text


def _has_quotes(text: str) -> bool:
    return not QUOTE_MARKS.isdisjoint(text)


# --------------------------------------------------------------------------- the tree


def _block(block: t.Block, marks: tuple[str, str, str, str], text: Callable[[str], str]) -> t.Block:
    if isinstance(block, t.Heading | t.Paragraph):
        return dataclasses.replace(block, content=_run(block.content, marks))
    if isinstance(block, t.BulletList | t.OrderedList):
        items = tuple(t.ListItem(tuple(_block(b, marks, text) for b in item.blocks)) for item in block.items)
        return dataclasses.replace(block, items=items)
    if isinstance(block, t.Table):
        return dataclasses.replace(block, header=tuple(_run(c, marks) for c in block.header),
                                   rows=tuple(tuple(_run(c, marks) for c in row) for row in block.rows))
    if isinstance(block, t.BlockQuote):
        return t.BlockQuote(tuple(_block(b, marks, text) for b in block.blocks), _run(block.attribution, marks))
    if isinstance(block, t.FieldTable):
        rows = tuple(t.Field(_run(r.label, marks), tuple(_block(b, marks, text) for b in r.value))
                     for r in block.rows)
        return dataclasses.replace(block, rows=rows)
    if isinstance(block, t.Image):
        return dataclasses.replace(block, alt=text(block.alt), caption=text(block.caption))
    if isinstance(block, t.Timeline):
        events = tuple(dataclasses.replace(e, label=text(e.label)) for e in block.events)
        return dataclasses.replace(block, events=events, alt=text(block.alt), caption=text(block.caption))
    if isinstance(block, t.Chart):
        series = tuple(dataclasses.replace(s, name=text(s.name)) for s in block.series)
        return dataclasses.replace(block, categories=tuple(text(c) for c in block.categories), series=series,
                                   alt=text(block.alt), caption=text(block.caption))
    return block  # a rule or a page break: no text


def _run(content: t.Inlines, marks: tuple[str, str, str, str]) -> t.Inlines:
    """The inlines of one paragraph (heading, cell ...) as one run: marks pair across emphasis and links."""
    pieces: list[str] = []
    _flatten(content, pieces)
    flat = "".join(pieces)
    if not _has_quotes(flat):
        return _notes_only(content, marks)
    changes = _requote(flat, marks)
    return _rebuild(content, changes, [0], marks)


def _flatten(content: t.Inlines, out: list[str]) -> None:
    for node in content:
        if isinstance(node, t.Text):
            out.append(node.text)
        elif isinstance(node, t.Strong | t.Emphasis):
            _flatten(node.children, out)
        elif isinstance(node, t.Link):
            if _links_to_itself(node):
                out.append(OPAQUE)
            else:
                _flatten(node.children, out)
        elif isinstance(node, t.LineBreak):
            out.append("\n")
        else:  # a code span or a note reference (the note's paragraphs are runs of their own)
            out.append(OPAQUE)


def _rebuild(content: t.Inlines, changes: dict[int, str], cursor: list[int],
             marks: tuple[str, str, str, str]) -> t.Inlines:
    # The same walk as _flatten, each Text rewritten from its stretch of the flat text.
    out: list[t.Inline] = []
    for node in content:
        if isinstance(node, t.Text):
            start = cursor[0]
            cursor[0] += len(node.text)
            out.append(t.Text("".join(changes.get(start + i, c) for i, c in enumerate(node.text))))
        elif isinstance(node, t.Strong | t.Emphasis) or (isinstance(node, t.Link) and not _links_to_itself(node)):
            out.append(dataclasses.replace(node, children=_rebuild(node.children, changes, cursor, marks)))
        elif isinstance(node, t.LineBreak):
            cursor[0] += 1
            out.append(node)
        else:
            cursor[0] += 1
            out.append(_note(node, marks) if isinstance(node, t.Note) else node)
    return tuple(out)


def _notes_only(content: t.Inlines, marks: tuple[str, str, str, str]) -> t.Inlines:
    # A run without quotation marks may still hold a note whose paragraphs have some.
    if not any(isinstance(n, t.Note | t.Strong | t.Emphasis) for n in content):
        return content
    out: list[t.Inline] = []
    for node in content:
        if isinstance(node, t.Note):
            out.append(_note(node, marks))
        elif isinstance(node, t.Strong | t.Emphasis):
            out.append(dataclasses.replace(node, children=_notes_only(node.children, marks)))
        else:
            out.append(node)
    return tuple(out)


def _note(node: t.Note, marks: tuple[str, str, str, str]) -> t.Note:
    return t.Note(tuple(t.Paragraph(_run(p.content, marks)) for p in node.blocks))


def _links_to_itself(node: t.Link) -> bool:
    # A link whose text is an address (a source's URL, an address made a link by reports.autolink).
    shown = "".join(c.text for c in node.children if isinstance(c, t.Text | t.Code)).strip()
    found = addresses(shown)
    return shown == node.url or (len(found) == 1 and found[0].start == 0 and found[0].end == len(shown))


# --------------------------------------------------------------------------- one run of text


def _requote(text: str, marks: tuple[str, str, str, str]) -> dict[int, str]:
    """{index: replacement} for the quotation marks of ``text``; an index mapped to "" is a space the
    mark takes in (French guillemets bring their own no-break space)."""
    guarded = _guarded(text)
    closers = _single_closers(text, guarded)
    changes: dict[int, str] = {}
    stack: list[_Open] = []  # the quotations open here, innermost last
    roles: dict[int, str] = {}
    for found in _MARK.finditer(text):
        i, char = found.start(), found.group()
        if i in guarded:
            continue
        double = char in DOUBLE
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        # A mark right after another opens only if that one opened ("'x'" inside "...": closes).
        opened = roles.get(i - 1) == "open" if before in QUOTE_MARKS else None
        elided_year = _YEAR.match(text, i + 1) is not None  # '90s, '23
        role = roles[i] = _role(char, before, after, stack, closers, i, opened, elided_year)
        if role == "apostrophe":
            changes[i] = APOSTROPHE
        elif role == "prime":
            changes[i] = PRIMES['"' if double else "'"]
        elif role == "open":
            # Outermost, the kind typed (a double mark the first pair, a single one the second); inside
            # another quotation, always the other pair than that one's.
            level = 1 - stack[-1].level if stack else (0 if double else 1)
            stack.append(_Open(double, level, char in "\"'"))
            changes[i] = marks[2 * level]
            if char in _GUILLEMETS or _spaced(marks[2 * level]):
                _take_spaces(text, range(i + 1, len(text)), changes, guarded)
        else:
            level = _close(stack, double)
            changes[i] = marks[2 * level + 1]
            if char in _GUILLEMETS or _spaced(marks[2 * level + 1]):
                _take_spaces(text, range(i - 1, -1, -1), changes, guarded)
    return changes


@dataclasses.dataclass(frozen=True, slots=True)
class _Open:
    """An open quotation: typed with a double mark or a single one, its level (0 the language's first
    pair, 1 its second), and whether it was typed with a straight mark."""

    double: bool
    level: int
    straight: bool


def _role(char: str, before: str, after: str, stack: list[_Open], closers: list[int], i: int,
          opened: bool | None, elided_year: bool = False) -> str:
    """"open", "close", "apostrophe" or "prime", from the characters beside the mark and what is open."""
    if char in _ALWAYS_OPENS:
        return "open"
    if char in _ALWAYS_CLOSES:
        return "close"
    double = char in DOUBLE
    # Where a quotation may open: after a space or an opening bracket, or after a mark that ends a
    # sentence or clause when a word follows (Chinese sets no space: 。“1+6+N”).
    after_space = (before.isspace() or before in _OPENS_BEFORE or before in _WIDE_MARKS
                   or (_wordlike(after) and not _wordlike(before) and _closing(before) and before not in _ENDS))
    if opened is not None:
        after_space = opened
    starts = not after.isspace() and not _closing(after)  # what follows could begin a quotation
    between = _wordlike(before) and _wordlike(after)
    # Chinese and Japanese set no space around a quotation: beside a CJK character a mark between two
    # letters is a quotation mark, never an apostrophe.
    cjk = _is_cjk(before) or _is_cjk(after)
    single_open = any(not q.double for q in stack)
    if not double:
        if between and not cjk:
            return "prime" if before.isdigit() and after.isdigit() else "apostrophe"  # 5'10", O'Hara
        later_closer = bisect.bisect_right(closers, i) < len(closers)
        if after_space and starts:
            # '90s, and 'tis: no closing mark follows to pair with
            return "open" if later_closer and not elided_year else "apostrophe"
        if single_open:
            return "close"
        if (between or _is_cjk(before)) and starts and later_closer:
            return "open"  # 说'全部'
        return "prime" if before.isdigit() and char == "'" else "apostrophe"
    if after_space and starts:
        return "open"
    if between:  # between two letters (Chinese sets no spaces): straight marks pair with each other
        if char == '"':
            return "close" if stack and stack[-1].double and stack[-1].straight else "open"
        if char in "“”»" and any(q.double for q in stack):
            return "close"  # “ closes a German „quotation“
        return "open" if char in _OPENING_SHAPE else "close"
    if not any(q.double for q in stack):
        if before.isdigit() and char == '"':
            return "prime"  # 12"
        if after_space or starts:
            return "open"  # a mark standing alone, or one before a quotation right after a letter
    return "close"


def _close(stack: list[_Open], double: bool) -> int:
    # A closing mark ends the innermost quotation of its kind; inner ones left open end with it.
    while stack:
        quotation = stack.pop()
        if quotation.double == double:
            return quotation.level
    return 0


def _is_cjk(char: str) -> bool:
    """Kana, Han or Hangul: a character Chinese, Japanese or Korean text sets with no space beside it."""
    code = ord(char)
    return (0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF
            or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF)


def _spaced(mark: str) -> bool:
    return mark[:1] in _SPACES or mark[-1:] in _SPACES


def _take_spaces(text: str, indexes: range, changes: dict[int, str], guarded: set[int]) -> None:
    # The spaces typed inside guillemets (« x »), or inside a mark that brings its own (French): taken in.
    for j in indexes:
        if text[j] not in _SPACES or j in guarded:
            return
        changes[j] = ""


def _wordlike(char: str) -> bool:
    return char == OPAQUE or unicodedata.category(char)[0] in "LNM"


def _closing(char: str) -> bool:
    # Punctuation that ends something: a quotation mark before it closes.
    return char in ".,;:!?…。，、；：！？" or unicodedata.category(char) in ("Pe", "Pf")


def _single_closers(text: str, guarded: set[int]) -> list[int]:
    """Where a single quotation could close (after a non-space, not before a letter unless beside a CJK
    character): in order, so that an opening mark can ask whether one follows it."""
    found = []
    for i, char in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if char in SINGLE and char not in _ALWAYS_OPENS and i not in guarded and i > 0 \
                and not text[i - 1].isspace() and (not _wordlike(nxt) or _is_cjk(nxt) or _is_cjk(text[i - 1])):
            found.append(i)
    return found


def _guarded(text: str) -> set[int]:
    """The indexes of web and mail addresses in the text (``reports.autolink``'s one definition of where
    an address starts and ends): never changed."""
    return {i for found in addresses(text) for i in range(found.start, found.end)}
