"""Money: amounts as exact decimal text, ISO 4217 currencies, totals per currency, and amounts written in
a locale with Babel.

Part of the base: the model checks amounts and currencies here, the templates' filters format them here.
An amount is never a float: the data gives it as text ("45000000", "1234.50"), it is read as a
``Decimal`` and summed exactly, and amounts in different currencies are never added together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    format_compact_decimal,
    format_currency,
    format_decimal,
    list_currencies,
    parse_pattern,
)

MAX_AMOUNT = Decimal(10) ** 15
MAX_FRACTION_DIGITS = 4  # the most minor-unit digits an ISO 4217 currency has (CLF, UYW)
AMOUNT_PATTERN = rf"^[0-9]{{1,16}}(\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})?$"
_AMOUNT = re.compile(AMOUNT_PATTERN)
# Digits enough that Babel's compact form of any amount allowed is written out in full: the compact
# form is used only when it says the same with at most two decimals.
_ALL_DIGITS = 24
_COMPACT_DIGITS = 2
_COMPACT_FROM = Decimal(10) ** 6  # below a million, words ("1.5 thousand") read worse than digits


def amount_text(value: object) -> object:
    """An amount as the data gives it: text of digits with an optional fraction. A number written bare
    in YAML or JSON is refused (``8.5`` is read as a float, which is not exact); other values are left
    for the field's own type check."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    raise ValueError(f"write the amount as text in quotes, e.g. \"{_plain(value)}\": a bare number may be read "
                     "as a floating-point number, which is not exact")


def _plain(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)), "f")


def check_amount(text: str) -> str:
    """``text`` if it is an amount the data may give: digits, an optional fraction of at most four
    digits, more than 0 and at most 10^15; else ``ValueError`` saying which rule it breaks."""
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"{text!r} is not an amount: write digits with an optional fraction after a dot, "
                         f"at most {MAX_FRACTION_DIGITS} digits after it (e.g. \"45000000\" or \"1234.50\"; "
                         "no separators, signs, exponents or currency symbols)")
    value = Decimal(text)
    if value <= 0:
        raise ValueError(f"{text!r}: an amount must be more than 0")
    if value > MAX_AMOUNT:
        raise ValueError(f"{text!r}: an amount must be at most 1000000000000000 (10^15)")
    return text


@cache
def currencies() -> frozenset[str]:
    """The ISO 4217 codes Babel knows (current and historic)."""
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """``code`` if it is an ISO 4217 currency code Babel knows (``EUR``, ``USD``, ``JPY``)."""
    if code not in currencies():
        hint = " (currency codes are written in capitals)" if code.upper() in currencies() else ""
        raise ValueError(f"{code!r} is not an ISO 4217 currency code such as EUR, USD, CNY or JPY{hint}")
    return code


@dataclass(frozen=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str


def money(amount: str | Decimal, currency: str) -> Money:
    """``Money`` from an amount (decimal text or a ``Decimal``) and a currency code."""
    return Money(Decimal(amount) if isinstance(amount, str) else amount, currency)


def totals(items: Iterable[Money]) -> list[Money]:
    """The exact sum per currency, in the order each currency is first met; currencies never mix."""
    sums: dict[str, Decimal] = {}
    for item in items:
        sums[item.currency] = sums.get(item.currency, Decimal(0)) + item.amount
    return [Money(amount, currency) for currency, amount in sums.items()]


@dataclass(frozen=True)
class Breakdown:
    """One currency's commitments for a chart: ``parties`` (in the order first met) by ``kinds`` (in the
    order first met), ``values[kind][party]`` the exact sum as plain decimal text ("" for none)."""

    parties: tuple[str, ...]
    kinds: tuple[str, ...]
    values: dict[str, tuple[str, ...]]


def breakdown(items: Iterable[tuple[str, str, Money]], currency: str) -> Breakdown:
    """The sums of ``items`` ((party, kind, amount) triples) in ``currency`` by party and kind: the
    briefing's chart of one currency. Other currencies are left out, never converted."""
    sums: dict[tuple[str, str], Decimal] = {}
    parties: dict[str, None] = {}
    kinds: dict[str, None] = {}
    for party, kind, item in items:
        if item.currency != currency:
            continue
        parties.setdefault(party)
        kinds.setdefault(kind)
        sums[(party, kind)] = sums.get((party, kind), Decimal(0)) + item.amount
    values = {kind: tuple(_plain_decimal(sums[(p, kind)]) if (p, kind) in sums else "" for p in parties)
              for kind in kinds}
    return Breakdown(tuple(parties), tuple(kinds), values)


def _plain_decimal(value: Decimal) -> str:
    # Decimal text without an exponent, and without trailing zeros in a fraction ("45000000", "8.5").
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_amount(item: Money, locale: Locale) -> str:
    """The amount in full with the currency, as the locale writes it: ``€45,000,000.00`` (en-GB),
    ``45 000 000,00 €`` (fr), ``￥8,500,000,000`` (ja). Never rounded: a fraction beyond the currency's
    usual digits is kept."""
    return format_currency(item.amount, item.currency, locale=locale, decimal_quantization=False)


def format_compact(item: Money, locale: Locale) -> str:
    """The code and the amount in the locale's short words where they say it exactly: ``EUR 45 million``,
    ``EUR 4500万`` (zh-Hans), ``JPY 85億`` (ja), ``EUR 45 millions`` (fr); an amount those words would
    round (``EUR 45,123,456.78``), or one under a million, is written in full. Code and number are joined by
    a no-break space."""
    words = in_words(item.amount, locale)
    if words is not None:
        number = words
    elif item.amount == item.amount.to_integral_value():
        number = format_decimal(item.amount, locale=locale, decimal_quantization=False)
    else:  # a fraction with the currency's digits at least (EUR 47,500,000.50), never fewer than given
        number = parse_pattern(locale.decimal_formats[None]).apply(
            item.amount, locale, currency=item.currency, currency_digits=True, decimal_quantization=False)
    return f"{item.currency}\u00a0{number}"


def in_words(number: Decimal, locale: Locale | str) -> str | None:
    """``number`` in the locale's long short words ("45 million", "4500万", "8.85 billion") where they
    say it exactly with at most two decimals; None for a number under a million or one they would round."""
    if number < _COMPACT_FROM:
        return None
    try:
        short = format_compact_decimal(number, format_type="long", locale=locale, fraction_digits=_COMPACT_DIGITS)
        full = format_compact_decimal(number, format_type="long", locale=locale, fraction_digits=_ALL_DIGITS)
    except (KeyError, ValueError):  # a locale without long compact forms
        return None
    return short if short == full else None
