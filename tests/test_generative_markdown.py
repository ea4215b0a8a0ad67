"""Any combination of the Markdown the templates may write goes through both writers, losing no text.

Documents are drawn from the supported syntax: headings of every level (1 to 6, in any order, also a
document that starts at ``###``), paragraphs with bold, italic, code and links, tables of 1 to 50 columns
and 0 to 30 rows, bullet and ordered lists nested up to three deep, block quotes, the quote and
key-facts containers, rules and page breaks (``\\newpage``, also many in a row). Each is parsed with
``parse_markdown`` and written by both writers; the only exception allowed is a ``ReportsError`` whose
problems are located, and every Text and Code node of the tree must be read back from both files
(compared as in test_generative.py).

``REPORTS_HYPOTHESIS_EXAMPLES=N`` scales the number of examples (default 200 -> 60 here).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from reports import tree as t
from reports.errors import ReportsError
from reports.fonts.scripts import is_cjk
from reports.parse import parse_markdown
from reports.theme import DEFAULT_THEME
from reports.writers import FORMATS, get_writer
from tests.strategies import VOCABULARY
from tests.tagged_pdf import check_tagged
from tests.test_generative import _located, docx_body_text, missing_strings, pdf_body_text, printed_strings

EXAMPLES = max(1, int(os.environ.get("REPORTS_HYPOTHESIS_EXAMPLES", "200")) * 3 // 10)
MARKDOWN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# Words that cannot end a table cell or a line early: no line breaks and no pipes. Markdown-looking
# pieces stay in: whatever the parser makes of them, the tree is what the writers must show.
_WORDS = [w for w in VOCABULARY if not any(c in w for c in "\n\r|\u2028\\`") and w.strip()]
_word = st.sampled_from(_WORDS)
# Code is set in Courier, which draws Latin-1 only and is not checked for missing glyphs (see
# test_code_spans_keep_their_text): the generated code spans keep to Latin-1 and CJK.
_CODE_WORDS = [w for w in _WORDS if all(ord(c) < 0x100 or is_cjk(c) for c in w) ]


@st.composite
def _plain(draw: st.DrawFn, max_words: int = 8) -> str:
    return " ".join(draw(st.lists(_word, min_size=1, max_size=max_words)))


@st.composite
def inline(draw: st.DrawFn, depth: int = 0) -> str:
    """A run of text with bold, italic, code and links, nested up to two deep."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 6)) if depth < 2 else 0
        if kind == 1:
            parts.append(f"**{draw(inline(depth + 1))}**")
        elif kind == 2:
            parts.append(f"*{draw(inline(depth + 1))}*")
        elif kind == 3:
            parts.append("`" + " ".join(draw(st.lists(st.sampled_from(_CODE_WORDS), min_size=1, max_size=3))) + "`")
        elif kind == 4:
            url = draw(st.sampled_from(["https://example.org/a?b=1&c=100%25", "http://x.cn/浙江", "mailto:a@b.c"]))
            parts.append(f"[{draw(inline(depth + 1))}]({url})")
        else:
            parts.append(draw(_plain()))
    return " ".join(parts)


def heading() -> st.SearchStrategy[str]:
    return st.tuples(st.integers(1, 6), inline()).map(lambda p: "#" * p[0] + " " + p[1])


@st.composite
def table(draw: st.DrawFn) -> str:
    # Mostly small (each cell costs both writers), one in four up to 50 columns and 30 rows.
    large = draw(st.integers(0, 3)) == 3
    columns = draw(st.integers(1, 50 if large else 6))
    rows = draw(st.integers(0, 30 if large else 5))
    cell = st.one_of(_plain(3), inline(1))
    align = [draw(st.sampled_from([":--", "--:", ":-:", "---"])) for _ in range(columns)]
    lines = ["| " + " | ".join(draw(cell) for _ in range(columns)) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(draw(cell) for _ in range(columns)) + " |" for _ in range(rows)]
    return "\n".join(lines)


@st.composite
def md_list(draw: st.DrawFn, depth: int = 1) -> str:
    """A bullet or ordered list whose items may hold a list one level deeper (three levels at most)."""
    ordered = draw(st.booleans())
    start = draw(st.integers(0, 999)) if ordered else 0
    marker = draw(st.sampled_from(["-", "*", "+"]))
    items = []
    for i in range(draw(st.integers(1, 5))):
        bullet = f"{start + i}." if ordered else marker
        pad = " " * (len(bullet) + 1)
        item = f"{bullet} {draw(inline())}"
        if depth < 3 and draw(st.integers(0, 2)) == 0:
            child = draw(md_list(depth + 1))
            item += "\n" + "\n".join(pad + line if line else line for line in child.split("\n"))
        items.append(item)
    return "\n".join(items)


@st.composite
def quote(draw: st.DrawFn) -> str:
    body = draw(st.lists(st.one_of(inline(), md_list()), min_size=1, max_size=3))
    return "\n>\n".join("\n".join("> " + line for line in b.split("\n")) for b in body)


@st.composite
def container(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return f"::: quote\n{draw(inline())}\n\n-- {draw(inline())}\n:::"
    rows = [f"{draw(_plain(3))}\n: {draw(inline())}" for _ in range(draw(st.integers(1, 6)))]
    return "::: keyfacts\n" + "\n\n".join(rows) + "\n:::"


BLOCK = st.one_of(heading(), inline(), table(), md_list(), quote(), container(), st.just("---"),
                  st.just("\\newpage"), st.integers(2, 40).map(lambda n: "\n\n".join(["\\newpage"] * n)))


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A Markdown document: optional front matter, then 1 to 12 blocks."""
    blocks = draw(st.lists(BLOCK, min_size=1, max_size=12))
    front = ""
    if draw(st.booleans()):
        front = f"---\ntitle: {draw(_plain(4))!r}\nkind: {draw(st.sampled_from(['briefing', 'memo']))}\n---\n"
    return front + "\n\n".join(blocks) + "\n"


def _code_texts(node: object) -> Iterator[str]:
    if isinstance(node, t.Code):
        yield node.text
    elif isinstance(node, tuple):
        for child in node:
            yield from _code_texts(child)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            yield from _code_texts(getattr(node, f.name))


def _courier(text: str) -> str:
    # Backticks in generated text pair up into code spans of any text. Code used to be set in Courier,
    # whose missing letters print as U+25A0; test_code_spans_keep_their_text now holds the fix, and the
    # random documents compare only Latin-1 and CJK inside code spans.
    return "".join(c if ord(c) < 0x100 or is_cjk(c) else " " for c in text)


def check_writes_everything(markdown: str) -> None:
    document, _ = parse_markdown(markdown, template="generated.md")
    expected = printed_strings(document)
    code = set(_code_texts(document.blocks))
    for fmt in FORMATS:
        try:
            data = get_writer(fmt)(document, DEFAULT_THEME, None)
        except ReportsError as error:
            assert _located(error), f"a ReportsError without file and line: {error.format_message()}"
            event(f"refused: {error.format_message()[:60]}")
            continue
        if fmt == "pdf":
            text = pdf_body_text(data).replace("\u25a0", " ")
            logical = check_tagged(data).root.all_text()  # the drawn order, for right-to-left text
            lost = missing_strings([_courier(s) if s in code else s for s in expected], text, fmt, logical)
        else:
            lost = missing_strings(expected, docx_body_text(data), fmt)
        assert not lost, f"{fmt} lost {len(lost)} of {len(expected)} strings, e.g. {lost[:3]!r}"


SHARDS = 2  # the examples in two parts (as tests/test_generative.py does), so that two workers share them


@pytest.mark.parametrize("shard", range(SHARDS))
def test_any_supported_markdown_writes_every_text(shard: int) -> None:
    @settings(MARKDOWN, max_examples=max(1, MARKDOWN.max_examples // SHARDS))
    @given(markdown=documents())
    def check(markdown: str) -> None:
        check_writes_everything(markdown)

    # Under CI's fixed examples each part draws its own (a part's seed); elsewhere every run draws anew.
    (seed(shard)(check) if settings().derandomize else check)()


def test_a_document_starting_at_a_deep_heading_writes_every_text() -> None:
    # The outline follows the levels the template uses, whichever comes first.
    check_writes_everything("### Third first\n\ntext\n\n# Then first\n\n###### sixth\n\n## second\n")


def test_a_wide_long_table_and_many_page_breaks_write_every_text() -> None:
    header = "| " + " | ".join(f"h{i}" for i in range(50)) + " |\n|" + "|".join(["---"] * 50) + "|\n"
    rows = "".join("| " + " | ".join(f"r{r}c{c}" for c in range(50)) + " |\n" for r in range(30))
    check_writes_everything("# Wide\n\n" + header + rows + "\n" + "\\newpage\n\n" * 200 + "end\n")


def test_code_spans_keep_their_text() -> None:
    # Code spans were set in Courier (Latin-1 only): other letters printed as U+25A0, unwarned.
    check_writes_everything("# Code\n\nsee `Łódź ĳ Ω` here\n")
