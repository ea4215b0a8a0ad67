"""The lines' ends (``writers.pdf.spaces.line_ends``): a line whose text is the source's is matched in a
few steps; what it finds is what matching every character finds (kept here as the reference)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.fonts.scripts import NO_BREAK_SPACES
from reports.writers.pdf.spaces import LineEnd, line_ends

_NO_BREAK = frozenset(NO_BREAK_SPACES)
_SHY = "\xad"


def _breakable(char: str) -> bool:
    return char.isspace() and char not in _NO_BREAK


def reference(source: str, lines: list[str], continued: bool = False) -> list[LineEnd]:
    """``line_ends`` as it matched every line, one character at a time."""
    ends = [LineEnd("", -1, -1)] * len(lines)
    pos = 0
    for i, line in enumerate(lines):
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
            elif shy and char == "-":
                hyphen = at
            else:
                return ends
        if not line or _breakable(line[-1]):
            ends[i] = LineEnd("", hyphen, pos)
        elif i < len(lines) - 1:
            after = pos
            while after < len(source) and source[after] == _SHY:
                after += 1
            ends[i] = LineEnd(" " if after < len(source) and _breakable(source[after]) else "", hyphen, pos)
        else:
            ends[i] = LineEnd(" " if continued else "", hyphen, pos)
    return ends


_CHARS = st.sampled_from([*"ab-c ", " ", "\n", "\t", _SHY, "\xa0", "\u2007", "中", "文", "\u3000"])


@st.composite
def _paragraphs(draw: st.DrawFn) -> tuple[str, list[str]]:
    source = "".join(draw(st.lists(_CHARS, max_size=40)))
    cuts = sorted(draw(st.lists(st.integers(0, len(source)), max_size=6)))
    pieces = [source[a:b] for a, b in zip([0, *cuts], [*cuts, len(source)], strict=True)]
    # Lines as reportlab draws them: the break's space dropped, a "-" for a soft hyphen, now and then another text.
    lines = [draw(st.sampled_from([piece, piece.strip(), piece.replace(_SHY, "-"), piece.replace(_SHY, ""),
                                   piece.replace(" ", "  ")])) for piece in pieces]
    if draw(st.booleans()):
        lines.append("".join(draw(st.lists(_CHARS, max_size=8))))
    return source, lines


@settings(max_examples=1500, deadline=None)
@given(_paragraphs(), st.booleans())
def test_the_ends_are_what_matching_every_character_finds(paragraph: tuple[str, list[str]], continued: bool) -> None:
    source, lines = paragraph
    assert line_ends(source, lines, continued) == reference(source, lines, continued)


def test_a_line_drawn_as_its_source_ends_after_its_last_character() -> None:
    source = "Provincial Government of\u00a0Zhejiang and the Alibaba Group"
    lines = ["Provincial Government", "of\u00a0Zhejiang and the", "Alibaba Group"]
    assert line_ends(source, lines) == [LineEnd(" ", -1, 21), LineEnd(" ", -1, 41), LineEnd("", -1, len(source))]
