"""Commitments: validation messages read back from ``reports validate``, exact totals per currency, and
every amount printed in the built documents (PDF through pdftotext, DOCX text) in en, zh-Hans, fr, ja."""

from __future__ import annotations

import copy
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel import Locale
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import money, render
from reports.cli import main
from reports.i18n import format_locale
from reports.model import Agreement
from tests import strategies
from tests.conftest import ROOT, docx_text, squash

EXAMPLE = ROOT / "data" / "example-three-party.yaml"
LOCALES = ["en", "zh-Hans", "fr", "ja"]


def _example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    return data


def _validate(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code != 0
    return result.output


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("currency", "XYZ", "commitments[1].currency: 'XYZ' is not an ISO 4217 currency code"),
    ("currency", "eur", "(currency codes are written in capitals)"),
    ("party", "Nobody", "commitments[1].party: names party 'Nobody', which is not one of: Northwind"),
    ("amount", 8.5, "commitments[1].amount: write the amount as text in quotes, e.g. \"8.5\""),
    ("amount", 45000000, "commitments[1].amount: write the amount as text in quotes, e.g. \"45000000\""),
    ("amount", "8.5e9", "commitments[1].amount: '8.5e9' is not an amount"),
    ("amount", "1,000", "commitments[1].amount: '1,000' is not an amount"),
    ("amount", "0", "commitments[1].amount: '0': an amount must be more than 0"),
    ("amount", "1000000000000000.01", "an amount must be at most 1000000000000000"),
    ("period", {"from": "2026-01-01", "to": "2025-01-01"},
     "commitments[1].period: 'to' (2025-01-01) is before 'from' (2026-01-01)"),
    ("source", 3, "commitments[1].source: source 3 does not exist: 'sources' lists 2, numbered from 1"),
    ("focus_area", "Nowhere", "commitments[1].focus_area: names focus area 'Nowhere', which is not one of"),
    ("kind", "gift", "commitments[1].kind: expected one of"),
])
def test_a_bad_commitment_is_located(tmp_path: Path, field: str, value: object, expected: str) -> None:
    data = _example()
    data["commitments"][1][field] = value
    output = _validate(tmp_path, data)
    assert expected in output
    # file:line:col: the line of the entry's field in the file written
    line = output.split(":")[1]
    lines = (tmp_path / "bad.yaml").read_text("utf-8").splitlines()
    assert lines[int(line) - 1].lstrip(" -").startswith(f"{field}:")


def test_the_example_validates_and_its_totals_are_exact() -> None:
    agreement = Agreement.model_validate(_example())
    found = {t.currency: t.amount for t in money.totals(c.as_money for c in agreement.commitments)}
    assert found == {"EUR": Decimal("59500000.50"), "USD": Decimal("150750000"), "JPY": Decimal("8850000000")}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(strategies.amounts(), st.sampled_from(["EUR", "USD", "JPY", "CNY", "CLF"])),
                max_size=50))
def test_totals_per_currency_are_the_exact_sums(items: list[tuple[str, str]]) -> None:
    found = money.totals(money.money(a, c) for a, c in items)
    assert [t.currency for t in found] == list(dict.fromkeys(c for _, c in items))
    for total in found:
        expected = sum((Decimal(a) for a, c in items if c == total.currency), Decimal(0))
        assert total.amount == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("en_GB", "EUR\u00a045 million"), ("en_US", "EUR\u00a045 million"), ("zh_Hans", "EUR\u00a04500万"),
    ("fr", "EUR\u00a045 millions"), ("ja", "EUR\u00a04500万")])
def test_a_round_total_is_said_in_the_locales_words(locale: str, expected: str) -> None:
    assert money.format_compact(money.money("45000000", "EUR"), Locale.parse(locale)) == expected


def test_a_total_the_words_would_round_is_written_in_full() -> None:
    en = Locale.parse("en_GB")
    assert money.format_compact(money.money("45123456.7", "EUR"), en) == "EUR\u00a045,123,456.70"
    assert money.format_compact(money.money("1500", "USD"), en) == "USD\u00a01,500"
    assert money.format_compact(money.money("8500000000", "JPY"), Locale.parse("zh_Hans")) == "JPY\u00a085亿"


def _flat(text: str) -> str:
    return squash(text.replace("\u00a0", " ").replace("\u202f", " "))


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("language", LOCALES)
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(commitments=strategies.commitment_lists(most=12))
def test_every_amount_is_printed(tmp_path_factory: pytest.TempPathFactory, language: str,
                                 commitments: list[dict[str, Any]]) -> None:
    data = copy.deepcopy(_example())
    data["language"] = language
    for item in commitments:  # references that resolve, as the strategies make them
        item.update(party="Northwind", focus_area=None, source=None)
    data["commitments"] = commitments or data["commitments"]
    agreement = Agreement.model_validate(data)
    locale = format_locale(language)
    tmp_path = tmp_path_factory.mktemp("money")
    briefing = {"pdf": _flat(_pdftotext(render(agreement, "briefing", "pdf"), tmp_path)),
                "docx": _flat(docx_text(render(agreement, "briefing", "docx")))}
    memo = _flat(docx_text(render(agreement, "memo", "docx")))
    for fmt, text in briefing.items():
        for item in agreement.commitments:  # the table says each in the locale's short words where exact
            shown = _flat(money.format_compact(item.as_money, locale))
            assert shown.replace(" ", "") in text.replace(" ", ""), (fmt, shown)
    for total in money.totals(c.as_money for c in agreement.commitments):
        short = _flat(money.format_compact(total, locale))
        assert short.replace(" ", "") in memo.replace(" ", ""), short
