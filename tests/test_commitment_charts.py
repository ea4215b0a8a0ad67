"""The built-in briefing's commitment charts, from generated data: 0 to 50 commitments in 1 to 5
currencies, amounts from 1 to 10^15, in every shipped language. Each currency gets its own chart, whose
alt text (the PDF's Figure /Alt, the DOCX drawing's description) states every sum by party and kind
exactly as summed here, never mixing currencies; the key facts give each currency's exact total."""

from __future__ import annotations

import copy
import html
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from babel import Locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import money, render
from reports.i18n import format_locale
from reports.model import Agreement
from tests import strategies
from tests.conftest import docx_text, pdf_text, squash
from tests.tagged_pdf import check_tagged
from tests.test_money import LOCALES, _example

PARTIES = [p["short_name"] for p in _example()["parties"]]


def _expected(agreement: Agreement) -> dict[str, dict[tuple[str, str], Decimal]]:
    """Currency -> (party's display name, kind) -> the exact sum, in the order each is first met."""
    sums: dict[str, dict[tuple[str, str], Decimal]] = {}
    for c in agreement.commitments:
        cell = (agreement.party(str(c.party)).display_name, str(c.kind))
        by_cell = sums.setdefault(str(c.currency), {})
        by_cell[cell] = by_cell.get(cell, Decimal(0)) + Decimal(str(c.amount))
    return sums


def _check_alts(alts: list[str], expected: dict[str, dict[tuple[str, str], Decimal]], locale: str) -> None:
    assert len(alts) == len(expected)  # one chart per currency, none for no commitments
    for alt, (currency, cells) in zip(alts, expected.items(), strict=True):
        # Each said as the key facts and the table say an amount: exactly, in words only where exact.
        said = [v.strip() for v in re.findall(rf"\b{currency}\u00a0[0-9][^;；／]*", alt)]
        assert len(said) == len(cells), (currency, alt)  # one value a cell that has one; no other currency
        assert sorted(said) == sorted(money.format_compact(money.money(v, currency), Locale.parse(locale))
                                      for v in cells.values()), alt
        for party, _kind in cells:
            assert party in alt


@pytest.mark.parametrize("language", LOCALES)
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(commitments=strategies.commitment_lists(), data=st.data())
def test_each_currency_has_a_chart_that_says_every_exact_sum(language: str, commitments: list[dict[str, Any]],
                                                             data: st.DataObject) -> None:
    for item in commitments:  # spread over the example's parties, references that resolve
        item.update(party=data.draw(st.sampled_from(PARTIES)), focus_area=None, source=None)
    _check_briefing(language, commitments)


@pytest.mark.parametrize("language", LOCALES)
def test_fifty_commitments_in_five_currencies_at_the_schemas_extremes(language: str) -> None:
    # The most the strategies draw, every time: 50 commitments, 5 currencies (one without minor units,
    # one with three), amounts from 1 to 10^15 with four-digit fractions, every party and kind.
    currencies = ["EUR", "JPY", "KWD", "CNY", "USD"]
    amounts = ["1", "1000000000000000", "0.0001", "999999999999999.9999", "45000000", "8500000000.5", "12.34"]
    kinds = ["investment", "grant", "loan", "staff", "in-kind", "other"]
    commitments = [{"party": PARTIES[i % len(PARTIES)], "amount": amounts[i % len(amounts)],
                     "currency": currencies[i % len(currencies)], "kind": kinds[i % len(kinds)]} for i in range(50)]
    _check_briefing(language, commitments)


def _check_briefing(language: str, commitments: list[dict[str, Any]]) -> None:
    agreement_data = copy.deepcopy(_example())
    agreement_data["language"] = language
    agreement_data["commitments"] = commitments
    agreement = Agreement.model_validate(agreement_data)
    locale = str(format_locale(language))
    expected = _expected(agreement)
    pdf = render(agreement, "briefing", "pdf")
    _check_alts([f.alt for f in check_tagged(pdf).roles("Figure")], expected, locale)
    document = render(agreement, "briefing", "docx")
    body = zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml").decode()
    descriptions = [html.unescape(d) for d in re.findall(r'<wp:docPr [^>]*name="Chart \d+" descr="([^"]*)"', body)]
    _check_alts(descriptions, expected, locale)

    # The key facts' totals: each currency's exact sum, in the locale's words only where they are exact.
    flat = squash(pdf_text(pdf).replace("\u00a0", " ").replace("\u202f", " ")).replace(" ", "")
    words = squash(docx_text(document).replace("\u00a0", " ").replace("\u202f", " ")).replace(" ", "")
    for currency, cells in expected.items():
        total = money.format_compact(money.money(sum(cells.values(), Decimal(0)), currency), format_locale(language))
        shown = total.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        assert shown in flat and shown in words, total
