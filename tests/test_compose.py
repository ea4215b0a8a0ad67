"""compose: Markdown escaping of data, the filters, and template errors that name file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import tree as t
from reports.compose import compose_document, render_markdown
from reports.errors import TemplateError
from reports.filters import escape_markdown, longdate, number_words, prose_list
from reports.model import Agreement
from reports.parse import parse_markdown


def _texts(node: object) -> str:
    if isinstance(node, t.Text | t.Code):
        return node.text
    if isinstance(node, tuple):
        return "".join(_texts(n) for n in node)
    return "".join(_texts(getattr(node, f)) for f in getattr(node, "__slots__", ()) if f not in ("url", "level"))


@settings(max_examples=300, deadline=None)
@given(value=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80))
def test_escaped_data_reads_back_literally(value: str) -> None:
    expected = " ".join(value.split())
    if not expected:
        return
    document, warnings = parse_markdown(escape_markdown(value))
    assert not warnings
    assert len(document.blocks) == 1 and isinstance(document.blocks[0], t.Paragraph)
    assert " ".join(_texts(document.blocks[0].content).split()) == expected


# Markdown's own characters, digits, spaces and line breaks: what escaping has to get right.
_syntax_text = st.text(st.sampled_from("#*_`[]()<>!|:-+=.)&;~{}'\"\\/0123456789 \n\tab"), min_size=1,
                       max_size=30).filter(lambda s: bool(s.strip()))


@settings(max_examples=1500, deadline=None)
@given(first=_syntax_text, second=_syntax_text,
       context=st.sampled_from(["{}{}", "{} {}", "{}\n{}", "- {}{}", "1. {}\n2. {}", "# {}{}", "> {}{}",
                                "**{}** {}", "[{}{}](https://example.org)", "| {} | {} |\n|---|---|\n| {} | {} |"]))
def test_escaped_data_reads_back_literally_wherever_a_template_puts_it(first: str, second: str, context: str) -> None:
    values = [escape_markdown(first), escape_markdown(second)]
    document, warnings = parse_markdown(context.format(*values, *values))
    assert not warnings
    got = " ".join(_texts(document.blocks).split())
    if context in ("{}{}", "{} {}", "{}\n{}"):  # data alone makes one paragraph of its own text
        assert len(document.blocks) == 1 and isinstance(document.blocks[0], t.Paragraph)
        joiner = "" if context == "{}{}" else " "
        assert got == " ".join((first + joiner + second).split())
    else:
        for value in (first, second):
            assert " ".join(value.split()) in got


@pytest.mark.parametrize("value", ["# heading", "1. item", "- item", "+ item", "> quote", "::: keyfacts",
                                   "\\newpage", "| a | b |", "---", "***", "<b>x</b>", "&amp;", "[a](https://x.y)",
                                   "`code`", "**b**", "_e_", "~~s~~", "{{ 7*7 }}", "a  \nb", "    indented"])
def test_markdown_syntax_in_data_stays_text(value: str) -> None:
    document, _ = parse_markdown(escape_markdown(value))
    assert len(document.blocks) == 1
    block = document.blocks[0]
    assert isinstance(block, t.Paragraph)
    # Text only; the one link data can make is an address to itself ("[a](https://x.y)" prints as written,
    # its https://x.y followable: reports/autolink.py).
    assert all(isinstance(i, t.Text) or (isinstance(i, t.Link) and i.children == (t.Text(i.url),))
               for i in block.content)
    assert " ".join(_texts(block.content).split()) == " ".join(value.split())


def test_filters() -> None:
    assert longdate(dt.date(2023, 7, 7)) == "7 July 2023"
    assert longdate("2024-01-15") == "15 January 2024"
    assert prose_list(["a", "b", "c"]) == "a, b and c"
    assert prose_list(["a", "b"]) == "a and b"
    assert prose_list(["*a*"]) == "\\*a\\*"
    assert [number_words(n) for n in (0, 7, 21, 100, 342, 1500)] == [
        "zero", "seven", "twenty-one", "one hundred", "three hundred and forty-two", "1,500"]


def _template(tmp_path: Path, body: str, name: str = "briefing.md.j2") -> Path:
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


def test_undefined_variable_names_file_line_and_variable(tmp_path: Path, shipped: Agreement) -> None:
    folder = _template(tmp_path, "# Title\n\nText\n{{ data.nope }}\n")
    with pytest.raises(TemplateError) as info:
        render_markdown(shipped, "briefing", template_dir=folder)
    (problem,) = info.value.problems
    assert problem.file.endswith("briefing.md.j2") and problem.line == 4
    assert "nope" in problem.message


def test_syntax_error_names_file_and_line(tmp_path: Path, shipped: Agreement) -> None:
    folder = _template(tmp_path, "line one\nline two\n{% if %}\n")
    with pytest.raises(TemplateError) as info:
        render_markdown(shipped, "briefing", template_dir=folder)
    assert info.value.problems[0].line == 3
    assert info.value.problems[0].file.endswith("briefing.md.j2")


def test_sandbox_refuses_python_internals(tmp_path: Path, shipped: Agreement) -> None:
    folder = _template(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(TemplateError, match="sandbox"):
        render_markdown(shipped, "briefing", template_dir=folder)


@pytest.mark.parametrize("include", ["missing.md.j2", "/etc/passwd", "../../etc/passwd"])
def test_include_of_missing_or_outside_path_is_an_error(tmp_path: Path, shipped: Agreement, include: str) -> None:
    folder = _template(tmp_path, f'{{% include "{include}" %}}\n')
    with pytest.raises(TemplateError, match="not found"):
        render_markdown(shipped, "briefing", template_dir=folder)


def test_unknown_kind_lists_the_available_ones(shipped: Agreement) -> None:
    with pytest.raises(TemplateError, match=r"no template for kind 'letter' \(available: briefing, memo\)"):
        render_markdown(shipped, "letter")


def test_user_template_overrides_built_in_and_can_use_partials(tmp_path: Path, shipped: Agreement) -> None:
    folder = _template(tmp_path, '{% import "partials/macros.md.j2" as m %}# {{ data.title }}\n\n'
                                 "{{ m.source_entry(data.sources[0]) | markdown }}\n", "memo.md.j2")
    document, _ = compose_document(shipped, "memo", template_dir=folder)
    assert isinstance(document.blocks[0], t.Heading)
    assert "News report" in _texts(document.blocks[1])


def test_data_is_never_template_source(shipped: Agreement) -> None:
    agreement = shipped.model_copy(update={"summary": "{{ 7*7 }} {% include 'x' %} **b** <i>"})
    text, _ = render_markdown(agreement, "briefing")
    document, _ = parse_markdown(text)
    plain = _texts(document.blocks)
    assert "{{ 7*7 }} {% include 'x' %} **b** <i>" in plain
    assert "49" not in plain


def test_memo_overrides_beat_the_data(shipped: Agreement) -> None:
    document, _ = compose_document(shipped, "memo", overrides={"to": "The Minister", "classification": "SECRET"})
    assert document.meta.classification == "SECRET"
    header = next(b for b in document.blocks if isinstance(b, t.FieldTable))
    rows = {_texts(f.label): _texts(f.value) for f in header.rows}
    assert rows["TO"] == "The Minister"
    assert rows["FROM"] == "China Policy Desk"


def test_theme_classification_fills_in_when_the_data_has_none(minimal: Agreement) -> None:
    document, _ = compose_document(minimal, "briefing", theme_classification="OFFICIAL")
    assert document.meta.classification == "OFFICIAL"
