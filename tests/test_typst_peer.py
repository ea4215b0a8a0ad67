"""The Typst peer's escaping: whatever the data holds prints as itself, checked through the real
compiler (``typst``) and read back from the PDF. The peer's words against the tool's, and its row in the
benchmark, are in test_benchmark_smoke.py."""

from __future__ import annotations

import json
import string
import unicodedata

import typst
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import typst_peer
from tests.conftest import pdf_text

# Every piece of Typst markup syntax (and of its code, after a ``#``), beside ordinary letters, the
# marks the briefing's data holds, Chinese, and control characters and line breaks of every kind.
SYNTAX = ["#", "$", "*", "_", "@", "<", ">", "[", "]", "\\", "`", "~", "=", "-", "+", "/", ".", ":", "'", '"',
          "{", "}", "(", ")", ",", ";", "= ", "- ", "+ ", "1. ", "/ t: ", "//", "/*", "*/", "--", "---", "...",
          "-?", "-1", "\\u{41}", "\\ ", "https://a.b/c", "#let x = 1", "#{1}", "#(1)", "$x^2$", "```py", "<l>",
          "@r", " ", "  "]
LETTERS = [*string.ascii_letters, *string.digits, *"!?%&|^", "é", "ß", "æ", "–", "—", "’", "“", "”", "·", "浙", "江",
           "省", "fi", "ffl"]
CONTROL = ["\n", "\n\n", "\r\n", "\t", "\v", "\f", "\x85", "\u2028", "\u2029", "\x00", "\x07", "\x1b", "\x7f"]
# Latin-1 besides, but for the soft hyphen: a hint where a word may break, which a PDF reader may read
# once, twice or not at all (pypdf reads the one Typst writes after a digit twice).
LATIN_1 = st.characters(codec="latin-1", exclude_characters="\xad")
TEXT = st.lists(st.one_of(st.sampled_from(SYNTAX + LETTERS + CONTROL), LATIN_1), max_size=12).map("".join)
# Where the briefing puts data: at the start of a line, inside a content argument, in a list item.
PLACES = ["{}", "#strong[{}]", "- {}"]
BREAKS = "\t\n\v\f\r\x85\u2028\u2029"
# The marks Typst may set for straight quotes: quotation marks, apostrophes, and after a digit the primes
# (where the tool sets ’ and ”; the shipped agreement has no such quote).
CURLY = str.maketrans("‘’“”′″", "''\"\"'\"")


def printed(text: str, place: str, smart_quotes: bool) -> str:
    """What a PDF of ``text`` escaped and put at ``place`` reads as, spaces collapsed. The page is as wide
    as its line, so no line breaks inside the text; no gap is put between Chinese and Latin characters,
    and no kerning between letters, which pypdf would read as spaces (``[j`` as ``[ j``)."""
    plain = "#set page(width: auto)\n#set text(cjk-latin-spacing: none, kerning: false)\n"
    document = "#set document(title: [t])\n" + plain + place.format(typst_peer.escape(text, smart_quotes))
    read = " ".join(pdf_text(typst_peer.compile_pdf(document, fresh=False)).split())
    return read.removeprefix("•").strip() if place.startswith("-") else read


def expected(text: str) -> str:
    """``text`` as the escaping promises to print it: line breaks as spaces, other control characters left
    out, spaces collapsed (as any typesetter does)."""
    kept = "".join(" " if c in BREAKS else c for c in text if c in BREAKS or unicodedata.category(c) != "Cc")
    return " ".join(kept.split())


@settings(max_examples=150, deadline=None)
@given(text=TEXT, place=st.sampled_from(PLACES))
def test_escaped_text_prints_exactly_as_given(text: str, place: str) -> None:
    assert printed(text, place, smart_quotes=False) == expected(text)


@settings(max_examples=80, deadline=None)
@given(text=TEXT, place=st.sampled_from(PLACES))
def test_with_smart_quotes_only_the_quote_marks_change(text: str, place: str) -> None:
    # Typst sets the straight quotes as the language's marks; the text is otherwise the same.
    assert printed(text, place, smart_quotes=True).translate(CURLY) == expected(text).translate(CURLY)


def test_the_read_back_sees_markup_unescaped() -> None:
    # The check above has teeth: text put in unescaped loses its stars, hash and brackets.
    document = "#set document(title: [t])\na *b* #[c] _d_"
    assert " ".join(pdf_text(typst_peer.compile_pdf(document, fresh=False)).split()) == "a b c d"


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=30))
def test_string_literals_hold_any_text(text: str) -> None:
    # The figure's alt text goes in as a Typst string literal.
    literal = '"' + typst_peer._string(text) + '"'
    assert json.loads(typst.eval(b"", literal, format="json", ignore_system_fonts=True)) == text
