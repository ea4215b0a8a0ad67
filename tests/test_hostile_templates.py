"""Hostile templates that try to grow a value past what a document may cost: each is refused before the
value is made, with one message naming the template file and line (reports.template_bounds and friends).

The first tests pin every operation the security issue reported, each beside a new variant of its
class; the last is generative: random compositions of the allowed filters, methods and operators with
huge arguments, each of which must end in a document or one located error, within a time limit and
without a peak of memory. ``REPORTS_HYPOTHESIS_EXAMPLES=N`` scales its examples (default 200 -> 25 here).
"""

from __future__ import annotations

import os
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reports.compose import environment, render_markdown
from reports.errors import Problem, TemplateError
from reports.filters import escape_markdown
from reports.limits import time_limit
from reports.model import Agreement
from reports.template_formats import printf_room, spec_room
from reports.template_sizes import MAX_OUTPUT

EXAMPLES = max(1, int(os.environ.get("REPORTS_HYPOTHESIS_EXAMPLES", "200")) // 8)
PEAK = 300_000_000  # bytes a hostile render may use at its peak (the refused values are gigabytes)


def _cap(what: str, size: str) -> str:
    return f"{what} would make {size} characters; a template may produce at most {MAX_OUTPUT:,}"


def _render(folder: Path, agreement: Agreement, body: str, seconds: float = 5) -> tuple[str | Problem, int]:
    """Render ``body`` as the memo template: (the Markdown or the one problem, the peak of memory)."""
    folder.mkdir(exist_ok=True)
    (folder / "memo.md.j2").write_text(body, encoding="utf-8")
    environment.cache_clear()
    tracemalloc.start()
    try:
        with time_limit(seconds, source="hostile", what="memo"):
            try:
                result: str | Problem = render_markdown(agreement, "memo", template_dir=folder)[0]
            except TemplateError as exc:
                (result,) = exc.problems
                assert exc.format_message() == result.format()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


# Each reported operation (first of its pair) and a new variant of the same class (second).
REFUSED = [
    # printf widths behind a mapping key with parentheses, as Python reads it
    ("'%(x(y)s)999999999s' % {'x(y)s': 1}", _cap("'%'", "1,000,000,023")),
    ("'%(k(())(z))0999999999.5d' % {'k(())(z)': 7}", _cap("'%'", "1,000,000,033")),
    ("'%(x(y)s)999999999s'.encode() % {'x(y)s'.encode(): 1}", _cap("'%'", "1,000,000,023")),
    ("'%-*.*s' % (999999999, 999999999, 'x')", _cap("'%'", "2,000,000,005")),
    # str.format specs with nested replacement fields, resolved before they are bounded
    ('"{0:{1}}".format("a", ">999999999")', _cap("str.format()", "1,000,000,017")),
    ("'{:{}{}{}}'.format(1, '0', '>', 10**9)", _cap("str.format()", "1,000,000,047")),
    ("'{a:{w}}'.format_map({'a': 'x', 'w': 999999999})", _cap("str.format_map()", "1,000,000,035")),
    ("'{:.999999999f}'.format(1.5)", _cap("str.format()", "1,000,000,673")),
    # bytes * n, growing bytes methods, encode/decode chains
    ("'ab'.encode() * 10**9", _cap("'*'", "2,000,000,000")),
    ("10**8 * 'x'.encode('utf-32')", _cap("'*'", "800,000,000")),
    ("'a'.encode().center(10**9)", _cap("bytes.center()", "1,000,000,000")),
    ("'a'.encode().zfill(10**9)", _cap("bytes.zfill()", "1,000,000,000")),
    ("('x' * 3000000).encode('utf-32')", _cap("str.encode()", "12,000,004")),
    ("('\\xff' * 3000000).encode('latin-1').decode('ascii', 'backslashreplace')",
     _cap("bytes.decode()", "12,000,000")),
    ("('\\u4e2d' * 400000).encode('ascii', 'namereplace')", _cap("str.encode()", "12,000,000")),
    # filters that take a size
    ("range(10) | batch(10**9, fill_with='x') | list",
     "batch(1000000000) would make 1,000,000,000 items in a row; a template may make at most 1,000,000"),
    ("[1, 2, 3] | batch(2000000, fill_with=0) | list",
     "batch(2000000) would make 2,000,000 items in a row; a template may make at most 1,000,000"),
    ("range(10) | slice(10**8) | list",
     "slice(100000000) would make 100,000,000 lists; a template may make at most 100,000"),
    ("'abc' | slice(1000000) | list", "slice(1000000) would make 1,000,000 lists; a template may make at most 100,000"),
    ("'a' | indent(10**9)", _cap("indent", "1,000,000,001")),
    ("[[1]] | tojson(indent=10**8)", _cap("tojson", "1,600,000,026")),
    ("('\\u4e2d' * 2000000) | list | length",
     "list would make a list of 2,000,000 items; a template may make lists of at most 1,000,000"),
    # output several times its input: tojson, pprint, urlencode, escape
    ("('\\\\' * 6000000) | tojson", _cap("tojson", "12,000,002")),
    ("['<&>' * 2000000] | tojson", _cap("tojson", "36,000,006")),
    ("('\\\\' * 6000000) | pprint", _cap("pprint", "12,000,006")),
    ("{'k': '\\x00' * 3000000} | pprint", _cap("pprint", "24,000,023")),
    ("('\\u4e2d' * 1500000) | urlencode", _cap("urlencode", "13,500,000")),
    ("('<' * 3000000) | e", _cap("e", "15,000,000")),
    ("('x\\t' * 2000000).expandtabs(8)", _cap("str.expandtabs()", "20,000,000")),
    # Markup (|safe) escapes what it formats or joins: five characters for one
    ("('%s' | safe) % ('<' * 3000000)", _cap("'%'", "15,000,010")),
    ("('' | safe).join(['<' * 3000000])", _cap("Markup.join()", "15,000,000")),
    ("('{}' | safe).format('<' * 3000000)", _cap("str.format()", "15,000,002")),
    ("('x' | safe).center(10**9)", _cap("Markup.center()", "1,000,000,000")),
    # the translated labels format with printf too
    ("_('%(n)999999999s', n=1)", _cap("'%'", "1,000,000,014")),
]


@pytest.mark.parametrize(("expression", "message"), REFUSED)
def test_growth_is_refused_before_it_is_made(tmp_path: Path, shipped: Agreement, expression: str,
                                             message: str) -> None:
    result, peak = _render(tmp_path / "T", shipped, f"# Memo\n{{{{ {expression} }}}}\n")
    assert isinstance(result, Problem), result[:200]
    assert (Path(result.file), result.line, result.message) == (tmp_path / "T" / "memo.md.j2", 2, message)
    assert peak < 100_000_000  # nothing near the refused size was ever allocated


@pytest.mark.parametrize(("expression", "expected"), [
    ("'%(a)s-%(b(c))3d|%%|%(a)-4s|' % {'a': 'x', 'b(c)': 5}", "x-  5|%|x   |"),
    ("'%*d|%.2f|%x|%c' % (4, 7, 1.5, 255, 65)", "   7|1.50|ff|A"),
    ("'{0:{1}}|{2!r:>5}|{x:,}'.format('a', '>3', 'b', x=12345)", "  a|  'b'|12,345"),
    ("('ab'.encode() * 3).decode() ~ 'x'.encode('utf-16').hex()", "abababfffe7800"),
    ("[1, 2, 3] | batch(2, fill_with=0) | list", "[[1, 2], [3, 0]]"),
    ("'abc' | slice(2) | list", "[['a', 'b'], ['c']]"),
    ("{'k': '<\\\\>'} | tojson", '{"k": "\\u003c\\\\\\u003e"}'),
    ("'a b' | urlencode", "a%20b"),
])
def test_ordinary_uses_are_untouched(tmp_path: Path, shipped: Agreement, expression: str, expected: str) -> None:
    result, _peak = _render(tmp_path / "T", shipped, f"{{{{ ({expression}) | string | markdown }}}}")
    assert result == expected


def test_a_long_run_of_spaces_is_escaped_in_linear_time(tmp_path: Path, shipped: Agreement) -> None:
    # escape_markdown's line-break pattern once rescanned a run of spaces from each of its characters:
    # nine million spaces took hours (the generative test below found it).
    result, _peak = _render(tmp_path / "T", shipped, "{{ 'x' ~ (' ' * 9000000) ~ 'y\\n z' }}")
    assert result == "x" + " " * 9000000 + "y z"


def test_a_value_full_of_markdown_punctuation_is_escaped_at_c_speed(tmp_path: Path, shipped: Agreement) -> None:
    # One substitution with a group reference called Python once per escape: seconds for a million
    # escapes. Counted, not timed (a loaded machine made a time limit fail): escaping makes the same few
    # Python calls for ten thousand escapes as for ten, where the old substitution made one per escape.
    def python_calls(text: str) -> int:
        count = 0

        def hook(_frame: object, event: str, _arg: object) -> None:
            nonlocal count
            count += event == "call"

        sys.setprofile(hook)
        try:
            escape_markdown(text)
        finally:
            sys.setprofile(None)
        return count

    python_calls("\\*1." * 10)  # the first call compiles and caches what it needs
    assert python_calls("\\*1." * 10_000) <= python_calls("\\*1." * 10) + 2
    # End to end, with a limit that stops a hang rather than timing the machine.
    result, _peak = _render(tmp_path / "T", shipped, "{{ ('\\\\*1.' * 1000000) }}", seconds=120)
    assert result == "\\\\\\*1\\." * 1000000


def test_the_bounds_count_what_python_counts() -> None:
    # A nested key's closing parenthesis ends the key only when the parentheses balance.
    assert printf_room("%(x(y)s)999999999s", {"x(y)s": 1}) > 999_999_999
    assert printf_room("%(a)s", {"a": "x" * 50}) >= 50 + 5
    assert printf_room("%*.*s", (10, 20, "abc")) >= 30
    assert printf_room("%5%", ()) >= 1
    assert spec_room("x<10.5f") == 15 and spec_room("010") == 10 and spec_room("0") == 0
    assert spec_room("9" * 40) > MAX_OUTPUT


@pytest.mark.parametrize(("raised", "message"), [
    (MemoryError, "the template ran out of memory"),
    (RecursionError, "a template, include or macro calls itself without end (maximum depth reached)"),
    (OverflowError, "OverflowError: int too large"),
])
def test_memory_recursion_and_overflow_are_located_template_errors(tmp_path: Path, shipped: Agreement,
                                                                   raised: type[BaseException], message: str) -> None:
    folder = tmp_path / "T"
    folder.mkdir()
    (folder / "memo.md.j2").write_text("# Memo\n\n{{ 1 | boom }}\n", encoding="utf-8")
    environment.cache_clear()

    def boom(_value: object) -> str:
        raise raised("int too large") if raised is OverflowError else raised()

    environment(folder).filters["boom"] = boom
    try:
        with pytest.raises(TemplateError) as info:
            render_markdown(shipped, "memo", template_dir=folder)
    finally:
        environment.cache_clear()
    (problem,) = info.value.problems
    assert (Path(problem.file), problem.line, problem.message) == (folder / "memo.md.j2", 3, message)


# -- generative: random hostile compositions ---------------------------------------------------------

_HUGE = st.sampled_from(["10**9", "999999999", "2**31", "10**7", "3", "-5", "5000"])
_LEAVES = st.sampled_from(["'x'", "'ab\\\\'", "'<&>'", "'\\u4e2d'", "'a\\tb c'", "data.title", "'\\x00'",
                           "[1, 'a']", "{'k': 'v'}", "(range(3) | list)", "'x'.encode()", "7", "1.5"])


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(inner, inner)
    sized = st.tuples(inner, _HUGE)
    return st.one_of(
        sized.map(lambda a: f"({a[0]} * {a[1]})"),
        sized.map(lambda a: f"({a[1]} * {a[0]})"),
        pair.map(lambda a: f"({a[0]} + {a[1]})"),
        pair.map(lambda a: f"({a[0]} ~ {a[1]})"),
        sized.map(lambda a: f"('%*s' % ({a[1]}, {a[0]}))"),
        sized.map(lambda a: f"('%(k(x)s){a[1].lstrip('-')}s' % {{'k(x)s': {a[0]}}})"),
        sized.map(lambda a: f"('{{0:{{1}}}}'.format({a[0]}, '>' ~ {a[1]}))"),
        sized.map(lambda a: f"('{{:{{}}.{{}}}}'.format({a[0]}, {a[1]}, 3))"),
        st.tuples(inner, st.sampled_from(["center", "ljust", "rjust", "zfill", "expandtabs"]), _HUGE)
        .map(lambda a: f"({a[0]} ~ '').{a[1]}({a[2]})"),  # ~ '' makes any value text
        pair.map(lambda a: f"({a[0]} ~ '').replace('x', {a[1]} ~ '')"),
        pair.map(lambda a: f"({a[0]} ~ '').join([{a[1]} ~ '', {a[1]} ~ '', 'x'])"),
        inner.map(lambda a: f"({a} ~ '').encode('utf-32')"),
        inner.map(lambda a: f"({a} ~ '').encode('ascii', 'namereplace').decode('latin-1')"),
        sized.map(lambda a: f"(({a[0]} ~ '').encode() * {a[1]})"),
        st.tuples(inner, st.sampled_from(["tojson", "pprint", "urlencode", "e", "string", "upper", "list",
                                          "title", "forceescape", "reverse"]))
        .map(lambda a: f"({a[0]} | {a[1]})"),
        st.tuples(inner, st.sampled_from(["center", "indent", "wordwrap", "tojson"]), _HUGE)
        .map(lambda a: f"({a[0]} | {a[1]}({a[2]}))"),
        sized.map(lambda a: f"({a[0]} | batch({a[1]}, fill_with=0) | list)"),
        sized.map(lambda a: f"({a[0]} | slice({a[1]}) | list)"),
        pair.map(lambda a: f"({a[0]} | join({a[1]}))"),
        sized.map(lambda a: f"({a[0]} | format({a[1]}))"),
    )


_EXPRESSIONS = st.recursive(_LEAVES, _grow, max_leaves=6)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(expression=_EXPRESSIONS)
def test_hostile_compositions_end_in_a_document_or_one_located_error(tmp_path: Path, shipped: Agreement,
                                                                     expression: str) -> None:
    folder = tmp_path / "T"
    result, peak = _render(folder, shipped, f"# Memo\n{{{{ {expression} }}}}\n")
    if isinstance(result, Problem):
        event("refused: " + result.message.split(" would make")[0] if "would make" in result.message
              else "another located error")
        assert (Path(result.file), result.line) == (folder / "memo.md.j2", 2), result
        assert "internal error" not in result.message
    else:
        event("a document")
        assert len(result) <= MAX_OUTPUT
    assert peak < PEAK, f"{expression}: a peak of {peak:,} bytes"
