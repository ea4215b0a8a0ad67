"""Web and e-mail addresses printed as text, found and made links: the one definition every route uses.

A reader (and a screen reader's user, who cannot click what is only text) expects an address on the page to
be followable. Four forms are addresses here, the ones PDF checkers such as outloud take for one:

- ``http://`` and ``https://`` URLs (any case), linked as written;
- ``www.`` host names with at least one more dot (``www.example.org/path``), linked with ``http://`` in
  front, as GitHub's Markdown and linkify-it do (the page shows the text as written);
- ``mailto:`` addresses, linked as written;
- bare e-mail addresses (``name@example.org``), linked with ``mailto:`` in front.

An address runs to whitespace, ``<``, ``>``, ``"``, a backtick, a control or invisible format character,
a non-ASCII punctuation mark or separator (``。`` ``、`` ``“`` ``…``), or a CJK character. Chinese is
written without spaces, and a Chinese template's labels follow the data with none (``…参与合作``), so an
address ends where CJK text starts; a URL with Chinese in its path is linked up to it (written
percent-encoded, as a browser copies it, it is linked whole). Its trailing sentence punctuation
(``. , : ; ! ? ' * _ ~``) is not part of it, nor is a closing bracket without its opening one inside
(``(see https://x.org/a_(b))`` links ``https://x.org/a_(b)``). An http URL or ``www.`` starts only where no
ASCII letter or digit is glued before it (CJK text may be). An address over ``MAX_ADDRESS``
characters (the data model's own limit for a web address) stays text: a link that long is no address a
person follows, and the PDF writer never cuts a link into its long-text pieces, so a link's size is bounded.

A target is written as markdown-it writes a Markdown link's destination (``normalizeLink``): a non-ASCII
character or a ``%`` that starts no escape percent-encoded in UTF-8, an international host name in
punycode. So an address printed as text links where the same address in ``[...](...)`` links (a source's
URL, say), and a PDF's /URI is the 7-bit ASCII the format asks for; what the page shows is as written.

Used by parse (every text of the document tree outside code and links) and by the writers for the text they
print themselves (the title block, captions, the timeline's labels). The target of a link is always one of
these schemes, so data can make no other link than its own visible address.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from markdown_it.common.normalize_url import normalizeLink

from reports import tree as t

MAX_ADDRESS = 2000
# Cheap test first: most text holds no address, and the full pattern is built only when one may be there.
_HINT = re.compile(r"://|@|www\.", re.IGNORECASE)
_TRAILING = frozenset("?!.,:;*_~'")
_CLOSING = {")": "(", "]": "[", "}": "{"}
# CJK scripts: radicals, CJK punctuation and kana, Han (with extension A and the compatibility block),
# Hangul, halfwidth kana, and the supplementary ideographic planes.
_CJK = ("\u2e80-\u2fdf\u3000-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff"
        "\uff66-\uff9f\U00020000-\U0003ffff")


@dataclass(frozen=True, slots=True)
class Address:
    """An address found in a text: ``text[start:end]`` is what is printed, ``target`` where it links (the
    address, with ``http://`` or ``mailto:`` in front for the forms without a scheme, as a URI)."""

    start: int
    end: int
    target: str


def _stop_ranges() -> str:
    # Non-ASCII characters that end an address: separators, punctuation, control and format characters
    # (the Basic Multilingual Plane only; beyond it are letters, symbols and emoji). 65,536 look-ups, once.
    stops = [c for c in range(0x80, 0x10000)
             if unicodedata.category(chr(c))[0] in "PZ" or unicodedata.category(chr(c)) in ("Cc", "Cf")]
    ranges: list[tuple[int, int]] = []
    for code in stops:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    body = "[^\\s<>\"`\\x00-\\x1f\\x7f" + _stop_ranges() + _CJK + "]"
    local = f"(?:[^\\W{_CJK}]|[.+\\-])"  # an e-mail address's name: letters, digits, _ . + -
    label = f"(?:[^\\W{_CJK}]|-)+"  # one part of its domain
    email = f"{local}+@{label}(?:\\.{label})+"
    # Every repeat is bounded by a character class the next part cannot start with, and each start but the
    # first of a run is refused by its look-behind: one pass over the text, whatever it holds.
    return re.compile(
        f"(?P<url>(?<![A-Za-z0-9])(?i:https?)://{body}+)"
        f"|(?P<www>(?<![A-Za-z0-9./@:\\-])(?i:www)\\.{label}(?:\\.{label})+{body}*)"
        f"|(?P<mailto>(?<![A-Za-z0-9])(?i:mailto):{email})"
        f"|(?P<email>(?<!{local}){email})")


@lru_cache(maxsize=1)
def _email() -> re.Pattern[str]:
    label = f"(?:[^\\W{_CJK}]|-)+"
    return re.compile(f"(?:(?i:mailto):)?(?:[^\\W{_CJK}]|[.+\\-])+@{label}(?:\\.{label})+")


_WWW = re.compile(f"(?i:www)\\.(?:[^\\W{_CJK}]|-)+(?:\\.(?:[^\\W{_CJK}]|-)+)+")


def _trim(candidate: str) -> str:
    """``candidate`` without its trailing sentence punctuation and unmatched closing brackets."""
    end = len(candidate)
    balance: dict[str, int] | None = None  # opening minus closing brackets of each kind, counted once
    while end:
        char = candidate[end - 1]
        if char in _TRAILING:
            end -= 1
            continue
        if char in _CLOSING:
            if balance is None:
                balance = {close: candidate.count(open_, 0, end) - candidate.count(close, 0, end)
                           for close, open_ in _CLOSING.items()}
            if balance[char] < 0:
                balance[char] += 1
                end -= 1
                continue
        break
    return candidate[:end]


def addresses(text: str) -> list[Address]:
    """Every address in ``text``, in order, none overlapping (see the module's docstring for what counts)."""
    if not _HINT.search(text):
        return []
    found: list[Address] = []
    pattern = _pattern()
    pos = 0
    while match := pattern.search(text, pos):
        shown = _trim(match.group())
        kind = match.lastgroup
        target = ""
        if kind == "url" and len(shown) > shown.index("//") + 2:
            target = shown
        elif kind == "www" and _WWW.match(shown):
            target = "http://" + shown
        elif kind in ("mailto", "email") and _email().fullmatch(shown):
            target = shown if kind == "mailto" else "mailto:" + shown
        if target and len(shown) <= MAX_ADDRESS:
            found.append(Address(match.start(), match.start() + len(shown), normalizeLink(target)))
            pos = match.start() + len(shown)
        else:
            pos = match.end()
    return found


def linked(text: str) -> t.Inlines:
    """``text`` as inlines: each address a ``Link`` whose one child is the address as printed."""
    out: list[t.Inline] = []
    pos = 0
    for address in addresses(text):
        if address.start > pos:
            out.append(t.Text(text[pos:address.start]))
        out.append(t.Link((t.Text(text[address.start:address.end]),), address.target))
        pos = address.end
    if pos < len(text) or not out:
        out.append(t.Text(text[pos:]))
    return tuple(out)


def link_addresses(content: t.Inlines) -> t.Inlines:
    """``content`` with the addresses in its text made links: inside bold, italic and notes too, never
    inside a link (it is one already) or code (a URL in code stays code). Other nodes pass unchanged."""
    out: list[t.Inline] = []
    for node in content:
        if type(node) is t.Text:
            out.extend(linked(node.text) if _HINT.search(node.text) else (node,))
        elif type(node) is t.Strong:
            out.append(t.Strong(link_addresses(node.children)))
        elif type(node) is t.Emphasis:
            out.append(t.Emphasis(link_addresses(node.children)))
        elif type(node) is t.Note:
            out.append(t.Note(tuple(t.Paragraph(link_addresses(p.content)) for p in node.blocks)))
        else:
            out.append(node)
    return tuple(out)


def joined(parts: list[t.Inlines], separator: str) -> t.Inlines:
    """``parts`` one after another with the text ``separator`` between them, neighbouring texts merged
    (a line of the title block is one run of text in a writer unless an address breaks it)."""
    out: list[t.Inline] = []
    for index, part in enumerate(parts):
        for node in ((t.Text(separator),) if index else ()) + part:
            if type(node) is t.Text and out and type(out[-1]) is t.Text:
                out[-1] = t.Text(out[-1].text + node.text)
            else:
                out.append(node)
    return tuple(out)


def upper(content: t.Inlines) -> t.Inlines:
    """``content`` in capitals, but for the addresses in it (a path's case is part of the address)."""
    out: list[t.Inline] = []
    for node in content:
        if type(node) is t.Text:
            out.append(t.Text(node.text.upper()))
        elif type(node) is t.Strong:
            out.append(t.Strong(upper(node.children)))
        elif type(node) is t.Emphasis:
            out.append(t.Emphasis(upper(node.children)))
        else:
            out.append(node)
    return tuple(out)


__all__ = ["MAX_ADDRESS", "Address", "addresses", "joined", "link_addresses", "linked", "upper"]
