"""The ```` ```chart ```` fenced block: what parse makes of it, and the located warnings when it cannot."""

from __future__ import annotations

import pytest

from reports import tree as t
from reports.parse import parse_markdown

GOOD = """# Money

```chart type=stacked-bar unit=EUR caption="Investment" alt="Who invests."
series: Investment | Loans \\| grants

Alibaba Group | 120000000 | 5.5
浙江省 | 007 |
```
"""


def _parse(text: str) -> tuple[t.Document, list[t.ParseWarning]]:
    return parse_markdown(text, template="t.md")


def test_a_chart_block_becomes_a_numbered_chart_with_exact_values() -> None:
    doc, warnings = _parse(GOOD)
    assert warnings == []
    (chart,) = [b for b in doc.blocks if isinstance(b, t.Chart)]
    assert chart == t.Chart("stacked-bar", ("Alibaba Group", "浙江省"),
                            (t.ChartSeries("Investment", ("120000000", "7")),
                             t.ChartSeries("Loans | grants", ("5.5", ""))),
                            "EUR", "Who invests.", "Investment", 1)


@pytest.mark.parametrize(("body", "line", "says"), [
    ("series: A\nx | -1\n", 5, "'-1' is not a plain non-negative number"),
    ("series: A\nx | 1,000\n", 5, "'1,000' is not"),
    ("series: A | B\nx | 1\n", 5, "expected a category and 2 value(s)"),
    ("series: A\nx | 1\n | 2\n", 6, "a category has no name"),
    ("A | B\nx | 1\n", 4, "the first line must name the series"),
    ("series: A |\nx | 1\n", 4, "a series has no name"),
    ("series: A\nx |\n", 4, "every value is empty"),
    ("series: A\n", 4, "no categories"),
])
def test_a_fault_is_a_warning_on_its_line_and_the_chart_is_left_out(body: str, line: int, says: str) -> None:
    doc, warnings = _parse(f"# T\n\n```chart\n{body}```\n\nAfter.\n")
    assert not any(isinstance(b, t.Chart) for b in doc.blocks)
    assert [(w.template, w.line) for w in warnings] == [("t.md", line)], warnings
    assert says in warnings[0].message and warnings[0].message.startswith("chart left out:")


def test_an_unknown_option_or_type_is_a_warning_and_the_chart_is_a_bar_chart() -> None:
    doc, warnings = _parse("```chart type=pie colour=red\nseries: A\nx | 1\n```\n")
    (chart,) = doc.blocks
    assert isinstance(chart, t.Chart) and chart.kind == "bar" and chart.number is None
    assert len(warnings) == 2 and all(w.line == 1 for w in warnings)
    assert "'pie' unknown" in warnings[0].message and "'colour' ignored" in warnings[1].message


def test_charts_and_timelines_share_the_figure_numbers() -> None:
    text = ('```timeline caption="Dates"\n2023-01-01 | Start\n```\n\n'
            '```chart caption="Money"\nseries: A\nx | 1\n```\n')
    doc, _ = _parse(text)
    assert [getattr(b, "number", None) for b in doc.blocks] == [1, 2]
