"""CJK line breaking across runs keeps the kinsoku rules (reports/writers/pdf_cjk_lines.py)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.platypus.paragraph import _FUZZ, ParaLines, cjkU, makeCJKParaLine
from reportlab.platypus.paraparser import ParaFrag

from reports import tree as t
from reports.theme import DEFAULT_THEME
from reports.writers.pdf.story import StoryWriter as _Writer
from reports.writers.pdf.styles import stylesheet

_PIECES = ["浙江", "阿里巴巴集团", "（", "）", "“", "”", "。", "，", "、", "《", "》", "Alibaba", "Group", " ",
           "1+6+N", "digital", "经济", "合作协议"]


def _lines(text: str, width: float) -> list[str]:
    from reports.fonts.faces import ensure_cjk

    ensure_cjk(DEFAULT_THEME.fonts.cjk, text)  # as the writer does: the sheet only names the face
    sheet = stylesheet(DEFAULT_THEME, "briefing", True)
    writer = _Writer(sheet, t.Meta(title="x", language="zh-Hans"))
    paragraph = writer.para((t.Text(text),), "Normal")
    paragraph.wrap(width, 10_000)
    return [_text(line) for line in paragraph.blPara.lines]


def _text(line: object) -> str:
    if isinstance(line, tuple):  # one run: reportlab's (space left, [text])
        return "".join(line[1])
    return "".join(getattr(word, "text", "") for word in line.words)  # type: ignore[attr-defined]


def test_an_opening_bracket_goes_down_with_the_latin_it_opens() -> None:
    text = "阿里巴巴宣布重组为六大业务集团（Alibaba Group reorganisation）。" * 3
    for width in range(60, 400, 7):
        lines = [line for line in _lines(text, width) if line]
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert not [line for line in lines[:-1] if line.rstrip()[-1] in ALL_CANNOT_END], (width, lines)
        assert not [line for line in lines[1:] if line.lstrip()[:1] and line.lstrip()[0] in ALL_CANNOT_START[:20]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=60), st.integers(40, 300))
def test_no_line_ends_opening_or_starts_closing(pieces: list[str], width: int) -> None:
    text = "".join(pieces)
    lines = [line for line in _lines(text, width) if line.strip()]
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for before, after in itertools.pairwise(lines):
        stripped = before.rstrip()
        # A rule gives way only where keeping it would leave a line of nothing but brackets.
        if stripped.strip("".join(ALL_CANNOT_END)):
            assert stripped[-1] not in ALL_CANNOT_END, (before, after)


# ---------------------------------------------------------------- the same lines as reportlab's way


def _reportlab_lines(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> ParaLines:
    """``cjk_lines`` as it was written before it was made faster: reportlab's ``cjkU`` unit per character
    and its ``makeCJKParaLine`` per line, with the same breaking rules. The fast one must give the same."""
    from reports.writers.pdf.cjk_lines import _break_before

    def width(unit: Any, max_width: float) -> float:
        return float(unit.width)

    units: list[Any] = []
    for frag in frags:
        text = frag.text
        units.extend([cjkU(c, frag, "utf8") for c in text] if text else [cjkU(text, frag, "utf8")])
    lines = []
    i = start = 0
    used = 0.0
    max_width = max_widths[0]
    while i < len(units):
        unit = units[i]
        i += 1
        used += width(unit, max_width)
        line_break = hasattr(unit.frag, "lineBreak")
        if not ((used > max_width + _FUZZ and used > 0) or line_break):
            continue
        if not line_break:
            i = _break_before(units, start, i)
        line = units[start:i]
        line_width = sum([width(u, max_width) for u in line], 0.0)
        lines.append(makeCJKParaLine(line, max_width, line_width, max_width - line_width, line_break, calc_bounds))
        max_width = max_widths[len(lines)] if len(lines) < len(max_widths) else max_widths[-1]
        start = i
        used = 0.0
    if start < len(units):
        rest = units[start:]
        used = sum([width(u, max_width) for u in rest], 0.0)
        lines.append(makeCJKParaLine(rest, max_width, used, max_width - used, False, calc_bounds))
    return ParaLines(kind=1, lines=lines)


def _looks(lines: ParaLines) -> list[Any]:
    return [({k: v for k, v in vars(line).items() if k != "words"}, [vars(word) for word in line.words])
            for line in lines.lines]


_FACES = ["Helvetica", "Helvetica-Bold", "STSong-Light"]


@st.composite
def _fragments(draw: st.DrawFn) -> list[Any]:
    from reportlab.lib.colors import black, red
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    frags = []
    for _ in range(draw(st.integers(1, 6))):
        frag = ParaFrag(rise=0, greek=0, link=[], us_lines=[], fontName=draw(st.sampled_from(_FACES)),
                        fontSize=draw(st.sampled_from([9, 10, 10.5])), textColor=draw(st.sampled_from([black, red])))
        frag.text = "".join(draw(st.lists(st.sampled_from([*_PIECES, ""]), max_size=8)))
        if draw(st.integers(0, 9)) == 0:
            frag.lineBreak = True  # a <br/>: reportlab's parser gives it no text, but any text must do
        frags.append(frag)
    return frags


@settings(max_examples=150, deadline=None)
@given(_fragments(), st.lists(st.integers(20, 300), min_size=1, max_size=3), st.booleans())
def test_the_lines_are_reportlabs_word_for_word(frags: list[Any], widths: list[int], calc_bounds: bool) -> None:
    from reports.writers.pdf.cjk_lines import cjk_lines

    max_widths = [float(w) for w in widths]
    assert _looks(cjk_lines(frags, max_widths, calc_bounds)) == _looks(_reportlab_lines(frags, max_widths, calc_bounds))


def test_units_of_a_line_break_fragment_stay_words_of_their_own() -> None:
    # A line break's fragment is never joined to anything (``sameFrag``), not even to itself: units of
    # one that hang after a line's last character ("。" cannot start a line) are each a word.
    from reportlab.lib.colors import black
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    from reports.writers.pdf.cjk_lines import cjk_lines

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    look = {"rise": 0, "greek": 0, "link": [], "us_lines": [], "fontName": "STSong-Light", "fontSize": 10,
            "textColor": black}
    frags = [ParaFrag(text="浙江浙江浙江浙江浙。", **look), ParaFrag(text="。。", lineBreak=True, **look)]
    expected = _reportlab_lines(frags, [95.0], False)
    assert [word.text for word in expected.lines[0].words] == ["浙江浙江浙江浙江浙。", "。", "。"]
    assert _looks(cjk_lines(frags, [95.0], False)) == _looks(expected)
