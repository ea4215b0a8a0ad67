"""CJK line breaking across runs keeps the kinsoku rules (reports/writers/pdf_cjk_lines.py)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START

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
