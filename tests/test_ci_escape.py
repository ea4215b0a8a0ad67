"""The parts of the CI-escape issue that are not one command: SOURCE_DATE_EPOCH read once for both writers,
the rule a translated label must follow, and Jinja's built-ins checked under the sandbox."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as open_docx

from reports import i18n, limits
from reports.compose import environment
from reports.errors import EXIT_USAGE
from reports.model import Agreement
from reports.pipeline import render


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "1e9", "١٢", "9" * 5000])
def test_both_writers_refuse_the_same_bad_source_date_epoch(fmt: str, value: str, shipped: Agreement,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(limits.EnvironmentSettingError) as caught:
        render(shipped, "memo", fmt)
    assert caught.value.exit_code == EXIT_USAGE
    assert caught.value.format_message().startswith("SOURCE_DATE_EPOCH=")
    assert len(caught.value.format_message()) < 400  # a 5,000-digit value is shortened, not printed whole


def test_the_last_second_of_9999_dates_both_formats(shipped: Agreement, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(limits.MAX_SOURCE_DATE_EPOCH))
    assert b"D:99991231235959" in render(shipped, "memo", "pdf").data
    created = open_docx(io.BytesIO(render(shipped, "memo", "docx").data)).core_properties.created
    assert created is not None and created.replace(tzinfo=None) == dt.datetime(9999, 12, 31, 23, 59, 59)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " ")
    assert limits.source_date_epoch() is None  # empty: unset, the data's date


@pytest.mark.parametrize(("text", "msgid", "usable"), [
    ("第%(page)s页，共%(pages)s页", "Page %(page)s of %(pages)s", True),
    ("第%(page)s页（100%%）共%(pages)s页", "Page %(page)s of %(pages)s", True),
    ("第%(page)c页，共%(pages)s页", "Page %(page)s of %(pages)s", False),  # the case
    ("第%(page)d页，共%(pages)s页", "Page %(page)s of %(pages)s", False),  # %d of a text (DOCX fields)
    ("第%(page)s页 %(page)c 共%(pages)s页", "Page %(page)s of %(pages)s", False),  # names agree, conversions not
    ("图%(number)s 100%", "Figure %(number)s", False),  # a lone percent sign
    ("图%(number)5s", "Figure %(number)s", False),  # a width: 10**9 would be a gigabyte
    ("NOTE %(oops)s", "MEMORANDUM", False),
    ("%(n)d 个领域", "%(n)d areas", True),  # a template's own msgid may use %d; its translation too
])
def test_a_translation_is_used_only_when_it_fills_like_the_english(text: str, msgid: str, usable: bool) -> None:
    assert i18n.usable_translation(text, msgid) is usable


@pytest.mark.parametrize("source", [
    '{{ "abc" | truncate(5, end="......") }}',
    '{{ "abc" | truncate(4, leeway=-1) }}',
    "{{ cycler().next() }}",
])
def test_jinjas_asserting_built_ins_are_template_errors_even_under_python_O(source: str) -> None:
    import jinja2

    with pytest.raises(jinja2.TemplateRuntimeError):  # raised by our check, not by an assert -O removes
        environment().from_string(source).render()
