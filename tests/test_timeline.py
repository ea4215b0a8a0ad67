"""The timeline figure: the ```timeline block parsed into a Timeline node, and its layout's geometry.

The geometry is checked on what the layout computed, for 1 to 100 events over spans from a week to
thirty years (and the model's extreme dates), with label text from the model's strategies: no two
label boxes overlap, no lead line crosses another date's label, tick labels keep apart, everything is
inside the figure, and every event is shown exactly once, in date order.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import timeline as tl
from reports import tree as t
from reports.filters import escape_markdown
from reports.fonts.faces import cjk_font
from reports.fonts.measure import TextMeasure
from reports.parse import MAX_TIMELINE_EVENTS, parse_markdown
from reports.parse.quotes import quotes_for, requote
from reports.theme import DEFAULT_THEME
from reports.writers.pdf.styles import stylesheet
from tests import strategies

_SHEET = stylesheet(DEFAULT_THEME)
# The CJK face registered here: the stylesheet only names it (run alone, no writer has registered it yet).
MEASURE = TextMeasure(_SHEET.heading.regular, _SHEET.heading.bold, cjk_font(DEFAULT_THEME.fonts.cjk)).measure
WIDTH = 470.0  # A4 less the default margins, in points


def _timeline(md: str) -> tuple[list[t.Block], list[t.ParseWarning]]:
    document, warnings = parse_markdown(md, template="t.md")
    return list(document.blocks), warnings


# --------------------------------------------------------------------------- parse


def test_a_timeline_block_becomes_a_node_with_events_in_date_order() -> None:
    blocks, warnings = _timeline("# A\n\n```timeline as-of=2024-01-01 caption=\"Key dates\" alt=\"Two steps.\"\n"
                                 "2023-07-07 | Signed | milestone\n\n2023-03-28 | Announced\n```\n")
    assert warnings == []
    assert blocks[1] == t.Timeline((t.TimelineEvent("2023-03-28", "Announced"),
                                    t.TimelineEvent("2023-07-07", "Signed", True)),
                                   "2024-01-01", "Two steps.", "Key dates", 1)


def test_a_captioned_timeline_is_numbered_with_the_images() -> None:
    blocks, _ = _timeline("```timeline caption=\"One\"\n2020-01-01 | a\n```\n\n"
                          "```timeline\n2020-01-01 | b\n```\n\n```timeline caption=\"Two\"\n2020-01-01 | c\n```\n")
    assert [b.number for b in blocks if isinstance(b, t.Timeline)] == [1, None, 2]


def test_equal_dates_keep_the_template_order() -> None:
    blocks, _ = _timeline("```timeline\n2020-01-02 | z\n2020-01-01 | b\n2020-01-01 | a\n```\n")
    assert [e.label for e in blocks[0].events] == ["b", "a", "z"]  # type: ignore[union-attr]


def test_bad_lines_are_left_out_with_a_warning_naming_their_own_line() -> None:
    blocks, warnings = _timeline("# T\n\n```timeline colour=red as-of=2023-13-01\n"
                                 "2023-07-07 | fine\nno bar here\n2023-02-30 | no such day\n"
                                 "7 July 2023 | not ISO\n2023-01-01 | x | big\n2023-01-02 |  \n"
                                 "2023-01-03 | a | b | c\n```\n")
    assert [e.label for e in blocks[1].events] == ["fine"]  # type: ignore[union-attr]
    found = [(w.template, w.line, w.message) for w in warnings]
    assert found[0][:2] == ("t.md", 3) and "'colour' ignored" in found[0][2]
    assert found[1][:2] == ("t.md", 3) and "as-of '2023-13-01'" in found[1][2]
    assert [w[1] for w in found[2:]] == [5, 6, 7, 8, 9, 10]
    assert "'2023-02-30' is not a date" in found[3][2]
    assert "unknown flag 'big'" in found[5][2]
    assert "has no label" in found[6][2]


def test_a_block_without_events_is_a_warning_and_draws_nothing() -> None:
    blocks, warnings = _timeline("```timeline\n\n```\n")
    assert blocks == [] and warnings[0].line == 1 and "no events" in warnings[0].message


def test_too_many_events_keep_the_first_in_date_order_with_one_warning() -> None:
    lines = "\n".join(f"{dt.date(2000, 1, 1) + dt.timedelta(days=i)} | e{i}" for i in range(MAX_TIMELINE_EVENTS + 5))
    blocks, warnings = _timeline(f"```timeline\n{lines}\n```\n")
    assert len(blocks[0].events) == MAX_TIMELINE_EVENTS  # type: ignore[union-attr]
    assert len(warnings) == 1 and f"only the first {MAX_TIMELINE_EVENTS}" in warnings[0].message


def test_other_fenced_blocks_are_still_unsupported() -> None:
    blocks, warnings = _timeline("```python\n2020-01-01 | a\n```\n")
    assert isinstance(blocks[0], t.Paragraph) and "fenced code block" in warnings[0].message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=strategies.texts(max_length=300), date=strategies.DATES)
def test_data_in_a_timeline_line_reads_back_exactly_as_the_data_holds_it(label: str, date: dt.date) -> None:
    # What compose writes for `{{ event.date | isodate }} | {{ event.event }}`: both escaped as data; the
    # label's quotation marks are then set for the document's language (reports/parse/quotes.py).
    expected = requote(" ".join(label.split()), quotes_for("en"))
    line = f"{escape_markdown(date.isoformat())} | {escape_markdown(label)} | milestone"
    blocks, warnings = _timeline(f"```timeline\n{line}\n```\n")
    if not expected:
        assert blocks == []
        return
    assert warnings == []
    assert blocks == [t.Timeline((t.TimelineEvent(date.isoformat(), expected, True),))]


# --------------------------------------------------------------------------- geometry


def check_geometry(node: t.Timeline, lay: tl.Layout) -> None:
    """Everything the figure promises, asserted on the computed layout."""
    shown = [e for row in lay.rows for label in row.labels for e in label.events]
    assert shown == list(range(len(node.events))), "every event once, in date order"
    labels = [(r, label) for r, row in enumerate(lay.rows) for label in row.labels]
    for row in lay.rows:
        assert row.top >= 0 and row.top + row.height <= lay.height + 1e-6
        assert [m.x for m in row.markers] == sorted(m.x for m in row.markers)
        for marker in row.markers:
            assert 0 <= marker.x <= lay.width
        for label, marker in zip(row.labels, row.markers, strict=True):
            box = label.box
            assert box.x >= -1e-6 and box.right <= lay.width + 1e-6, box
            assert row.top - 1e-6 <= box.y and box.bottom < row.axis_y, box
            assert box.x <= marker.x <= box.right, "a label stands over its own marker"
        for a, b in itertools.pairwise(row.ticks):
            assert a.box.right <= b.box.x, "tick labels keep apart"
        for tick in row.ticks:
            assert tick.box.y > row.axis_y and tick.box.bottom <= row.top + row.height + 1e-6
        for lead, own in zip(row.leads, row.labels, strict=True):
            assert lead.y2 - lead.y1 >= lay.style.lead_min - 1e-6, "a lead long enough to be seen"
            for other in row.labels:
                if other is not own and other.box.y < lead.y2 and lead.y1 < other.box.bottom:
                    assert not other.box.x < lead.x < other.box.right, "a lead line crosses a label"
    for (_, a), (_, b) in itertools.combinations(labels, 2):
        assert not a.box.overlaps(b.box), (a.box, b.box)
    if lay.rows:
        last = lay.rows[-1]
        end = last.top + last.height
        legend = lay.legend
        if legend is None:
            assert abs(end - lay.height) < 1e-6
        else:  # under the last row, inside the figure, its entries apart
            assert legend.top >= end and abs(legend.top + legend.height - lay.height) < 1e-6
            for item in legend.items:
                assert item.box.x >= 0 and item.box.right <= lay.width + 1e-6
                assert legend.top <= item.box.y and item.box.bottom <= lay.height + 1e-6
                assert item.marker.x + item.marker.radius <= item.box.x
            for a, b in itertools.combinations(legend.items, 2):
                assert not a.box.overlaps(b.box)


@st.composite
def timelines(draw: st.DrawFn) -> t.Timeline:
    count = draw(st.integers(1, 100))
    span = draw(st.sampled_from([7, 30, 365, 365 * 5, 365 * 30]) | st.integers(7, 365 * 30))
    start = draw(st.sampled_from([dt.date(2023, 7, 7), dt.date(1, 1, 1), dt.date(9999, 12, 31) - dt.timedelta(span),
                                  dt.date(2000, 2, 29)]))
    offsets = sorted(draw(st.lists(st.integers(0, span), min_size=count, max_size=count)))
    labels = draw(st.lists(strategies.texts(max_length=400), min_size=count, max_size=count))
    flags = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    events = tuple(t.TimelineEvent((start + dt.timedelta(o)).isoformat(), " ".join(label.split()) or "x", f)
                   for o, label, f in zip(offsets, labels, flags, strict=True))
    as_of = draw(st.sampled_from(["", events[0].date, events[-1].date, (start + dt.timedelta(span // 2)).isoformat()]))
    return t.Timeline(events, as_of)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(node=timelines(), width=st.sampled_from([WIDTH, 300.0, 160.0]))
def test_labels_never_overlap_and_every_event_is_shown_in_order(node: t.Timeline, width: float) -> None:
    lay = tl.layout(node, tl.Style(width=width), MEASURE, legend=tl.LegendWords())
    check_geometry(node, lay)


@pytest.mark.parametrize("count", [1, 2, 25, 100])
@pytest.mark.parametrize("span", [0, 7, 365, 365 * 30])
def test_fixed_sizes_and_spans(count: int, span: int) -> None:
    events = tuple(t.TimelineEvent((dt.date(2000, 1, 1) + dt.timedelta(span * i // max(count - 1, 1))).isoformat(),
                                   f"Event {i} with a label long enough to wrap onto a second line", i % 5 == 0)
                   for i in range(count))
    node = t.Timeline(events, "2010-01-01")
    lay = tl.layout(node, tl.Style(width=WIDTH), MEASURE)
    check_geometry(node, lay)
    assert lay.height < 2600  # 100 events over 30 years: within about three and a half pages


def test_past_and_future_are_told_apart_from_the_document_date() -> None:
    node = t.Timeline((t.TimelineEvent("2023-03-28", "a"), t.TimelineEvent("2023-07-07", "b", True),
                       t.TimelineEvent("2028-07-07", "c", True)))
    lay = tl.layout(node, tl.Style(width=WIDTH), MEASURE, as_of="2023-07-07")
    (row,) = lay.rows
    assert [m.future for m in row.markers] == [False, False, True]
    assert [label.future for label in row.labels] == [False, False, True]
    assert [m.milestone for m in row.markers] == [False, True, True]
    assert row.markers[1].radius > row.markers[0].radius
    assert row.future_from is not None and row.markers[1].x < row.future_from < row.markers[2].x
    # The node's own as-of wins over the document's date; with neither, everything is past.
    assert all(m.future for m in tl.layout(t.Timeline(node.events, "2000-01-01"), tl.Style(width=WIDTH), MEASURE,
                                           as_of="2023-07-07").rows[0].markers)
    assert tl.layout(node, tl.Style(width=WIDTH), MEASURE).rows[0].future_from is None


def test_ticks_suit_the_span() -> None:
    def texts(first: str, last: str) -> list[str]:
        node = t.Timeline((t.TimelineEvent(first, "a"), t.TimelineEvent(last, "b")))
        return [tick.text for tick in tl.layout(node, tl.Style(width=WIDTH), MEASURE).rows[0].ticks]

    assert texts("1995-01-01", "2024-12-31")[:3] == ["1994", "1996", "1998"]
    assert texts("2023-01-10", "2023-12-20")[:3] == ["Jan 2023", "Feb", "Mar"]
    assert texts("2023-07-03", "2023-07-09")[:3] == ["2 Jul 2023", "3 Jul", "4 Jul"]
    assert texts("0001-01-01", "9999-12-31")[-2:] == ["9000", "9500"]


def test_one_day_of_many_events_is_one_label_that_counts_the_rest() -> None:
    node = t.Timeline(tuple(t.TimelineEvent("2023-07-07", f"event {i}") for i in range(6)))
    (row,) = tl.layout(node, tl.Style(width=WIDTH), MEASURE).rows
    (label,) = row.labels
    assert label.events == tuple(range(6))
    assert label.lines[0] == "7 Jul 2023" and label.lines[-1].startswith("+")


def test_labels_are_cut_with_an_ellipsis_and_long_words_split() -> None:
    lines = tl.wrap("word " * 50, 100, 2, MEASURE, 8)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(MEASURE(line, False, 8) <= 100 for line in lines)
    assert tl.wrap("x" * 300, 50, 3, MEASURE, 8)[0] == "x" * len(tl.wrap("x" * 300, 50, 3, MEASURE, 8)[0])
    assert tl.wrap("浙江省人民政府与阿里巴巴集团签署全面深化战略合作协议", 60, 2, MEASURE, 8)[1].endswith("…")


def test_alt_text_lists_every_event_in_order() -> None:
    node = t.Timeline((t.TimelineEvent("2023-03-28", "Announced"), t.TimelineEvent("2023-07-07", "Signed", True)),
                      alt="Two steps.")
    assert tl.alt_text(node) == "Two steps. 28 March 2023: Announced; 7 July 2023: Signed"
    assert tl.alt_text(t.Timeline(node.events)) == "28 March 2023: Announced; 7 July 2023: Signed"
    assert "2023年7月7日" in tl.alt_text(node, "zh-Hans")
    giant = tl.alt_text(t.Timeline((t.TimelineEvent("2023-07-07", "word " * 20_000),)))
    assert len(giant) < tl.ALT_LABEL + 20 and giant.endswith("word…")


def test_split_rows_cuts_between_rows_and_keeps_every_row() -> None:
    events = tuple(t.TimelineEvent((dt.date(2000, 1, 1) + dt.timedelta(days=40 * i)).isoformat(), f"e{i}")
                   for i in range(100))
    lay = tl.layout(t.Timeline(events), tl.Style(width=WIDTH), MEASURE)
    parts = tl.split_rows(lay, lambda _: 300)
    assert parts[0][0] == 0 and parts[-1][1] == len(lay.rows)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(parts))
    for first, end in parts:
        assert end - first == 1 or lay.bottom(end - 1) - lay.rows[first].top <= 300


def test_a_layout_asks_each_measure_once_and_lays_out_as_when_it_asked_every_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Long labels a few days apart: cut at first, widened, wrapped at many widths (the same texts again).
    words = "the provincial government and the company agree to cooperate on digital public services"
    node = t.Timeline(tuple(t.TimelineEvent(f"2023-07-{day:02d}", f"{words} {day}", day == 7)
                            for day in (1, 3, 7, 20)), "2023-07-07")
    asked: dict[tuple[str, bool, float], int] = {}

    def counting(text: str, bold: bool, size: float) -> float:
        asked[(text, bold, size)] = asked.get((text, bold, size), 0) + 1
        return MEASURE(text, bold, size)

    remembered = tl.layout(node, tl.Style(width=WIDTH), counting, legend=tl.LegendWords())
    assert asked and max(asked.values()) == 1
    from reports.timeline import rows

    monkeypatch.setattr(rows, "remembering", lambda measure: measure)
    assert tl.layout(node, tl.Style(width=WIDTH), MEASURE, legend=tl.LegendWords()) == remembered
