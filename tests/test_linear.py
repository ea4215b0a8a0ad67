"""Work that grows with the input stays linear: every regular expression applied to data, files or
messages, the build record's shape check, and the layout of a long footnote.

No timing threshold that a busy machine could miss: each test times ``n`` and ``4n`` in the same run and
asks for a ratio far below the 16 a quadratic cost gives (and, for the cases that were exponential or
took 28 s, that the whole input finishes within the default time limit of one document).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from reports import build_record
from reports.filters import escape_markdown
from reports.images import _reason
from reports.limits import DEFAULT_TIMEOUT
from reports.load import load_agreement
from reports.parse.markdown import _IMAGE_ATTRS
from reports.pipeline import Options, render
from reports.printf import Spec, printf_specs
from reports.template_formats import printf_room
from reports.writers.pdf.layout import _layout_reason
from tests.conftest import SHIPPED

FACTOR, RATIO = 8, 24.0  # 8 times the input: linear work takes about 8 times as long, quadratic 64


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _assert_linear(make: Callable[[int], Callable[[], object]], n: int) -> None:
    # The best of five, the two sizes in turns: a pause of the machine (other test workers share it) is not
    # the code's cost, and it falls on both sizes alike.
    small_work, large_work = make(n), make(FACTOR * n)
    small = large = float("inf")
    for _ in range(5):
        small = min(small, _seconds(small_work))
        large = min(large, _seconds(large_work))
    assert large < RATIO * max(small, 2e-3), (small, large)  # under 2 ms the clock is the noise


class _Exc(Exception):
    pass


def _refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        build_record._check_shape(raw)


CASES: dict[str, Callable[[int], Callable[[], object]]] = {
    "escape_markdown, spaces": lambda n: lambda: escape_markdown("a" + " " * n + "b"),
    "escape_markdown, spaces then a break": lambda n: lambda: escape_markdown("a" + " " * n + "\nb"),
    "escape_markdown, CRLF": lambda n: lambda: escape_markdown("a" + "\r\n" * n + "b"),
    "escape_markdown, space and newline": lambda n: lambda: escape_markdown("a" + " \n" * n + "b"),
    "image attributes": lambda n: lambda: _IMAGE_ATTRS.match("{a=" + "b=b" * n),
    "image attributes, spaces": lambda n: lambda: _IMAGE_ATTRS.match("{a=b" + " " * n),
    "printf room, open keys": lambda n: lambda: printf_room("%(" * n, ()),
    "printf room, many conversions": lambda n: lambda: printf_room("%5s" * n, ()),
    "layout message": lambda n: lambda: _layout_reason(_Exc("<@0x" + "A" * n)),  # type: ignore[arg-type]
    "layout message, spaces": lambda n: lambda: _layout_reason(_Exc(" " * n + "x")),  # type: ignore[arg-type]
    "image message": lambda n: lambda: _reason(_Exc("a" + " " * n + "b")),
    "record shape, a long string": lambda n: lambda: build_record._check_shape(b'["' + b"a\\\"" * n + b'"]'),
    "record shape, no string ends": lambda n: lambda: _refused(b"[" * 4 + b'"\\"' * n),
    "record id": lambda n: lambda: build_record.declares_id(b"id:" + b" " * n + b"\nid" * n, "x"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_work_on_long_input_is_linear(case: str) -> None:
    _assert_linear(CASES[case], 20_000)


def test_printf_specs_reads_keys_widths_and_precisions_as_python_does() -> None:
    assert list(printf_specs("%(a(b))-5.2s %*d %% %.*f %(x)s %lld %(unclosed")) == [
        Spec("a(b)", "5", "2", "s"), Spec(None, "*", "", "d"), Spec(None, "", "", "%"), Spec(None, "", "*", "f"),
        Spec("x", "", "", "s"), Spec(None, "", "", "d")]  # an unclosed key ends the reading, as in Python
    assert printf_room("%(name)900s", {"name": 1}) >= 900  # the sandbox's reading asks for the width too


def test_escape_markdown_joins_the_lines_of_a_value_as_before() -> None:
    assert escape_markdown("a  \r\n  b") == "a b"
    assert escape_markdown("a   b") == "a   b"
    assert escape_markdown("a\u2028b\x85c") == "a b c"


@pytest.mark.parametrize("run", [" ", "\r\n", " \n"])
def test_a_title_of_80000_whitespace_characters_makes_a_memo_in_time(run: str) -> None:
    agreement = load_agreement(SHIPPED)
    title = "Start" + run * (80_000 // len(run)) + "end"
    started = time.perf_counter()
    rendered = render(agreement.model_copy(update={"title": title}), "memo", "pdf", Options())
    # 28 s before; the default limit of one document is what a user would meet.
    assert time.perf_counter() - started < DEFAULT_TIMEOUT / 4
    assert rendered.data.startswith(b"%PDF")


def test_a_footnote_longer_than_pages_is_laid_out_in_linear_time() -> None:
    import io

    from pypdf import PdfReader

    from reports.parse import parse_markdown
    from reports.theme import DEFAULT_THEME
    from tests.writing import write_pdf

    def document(n: int) -> object:
        long = "Very long note. " * (n // 16)
        tree, _ = parse_markdown(f"Para[^a] {'text ' * 50}\n\nSecond[^b].\n\n[^a]: {long}END\n\n[^b]: Short.\n")
        return tree

    small, large = document(40_000), document(160_000)
    write_pdf(small, DEFAULT_THEME)  # type: ignore[arg-type]  # fonts and caches warm
    timed = [_seconds(lambda d=d: write_pdf(d, DEFAULT_THEME)) for d in (small, large)]  # type: ignore[misc]
    # 4 times the text: linear about 4 times as long, quadratic 16 (26 s for 300 KB before).
    assert timed[1] < 9.0 * timed[0], timed
    pdf = PdfReader(io.BytesIO(write_pdf(large, DEFAULT_THEME)))  # type: ignore[arg-type]
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    # Printed whole, in pieces (a sentence cut at a page's end reads differently: a few are not counted).
    assert text.count("Very long note.") >= 9_900 and "END" in text
