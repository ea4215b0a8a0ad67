"""The agreement's commitments: money or means each party commits, an exact amount in one currency.

Part of the contracts (a section of ``model``, which checks the references to parties, focus areas and
sources). Amounts are decimal text, checked and summed by ``money``, never floats.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema, model_validator

from reports import money
from reports.model_types import Strict, Text


class CommitmentKind(StrEnum):
    """What a commitment of money or means is."""

    investment = "investment"
    grant = "grant"
    loan = "loan"
    staff = "staff"
    in_kind = "in-kind"
    other = "other"


class Period(Strict):
    """The dates a commitment runs between, both included."""

    from_: dt.date = Field(alias="from", description="The first day (YYYY-MM-DD).")
    to: dt.date = Field(description="The last day (YYYY-MM-DD), not before 'from'.")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self


# The patterns are the schema's (for editors); the checks say in words what a pattern would only quote.
Amount = Annotated[str, BeforeValidator(money.amount_text), StringConstraints(strip_whitespace=True),
                   AfterValidator(money.check_amount),
                   WithJsonSchema({"type": "string", "pattern": money.AMOUNT_PATTERN})]
Currency = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(money.check_currency),
                     WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$"})]


class Commitment(Strict):
    """Money or means one party commits: an exact amount in one currency."""

    party: Text = Field(description="The name, short name or local name of the party that commits it.")
    amount: Amount = Field(description="The amount as text in quotes, digits with an optional fraction after a "
                           "dot (at most 4 digits), e.g. \"45000000\" or \"1234.50\": more than 0, at most 10^15. "
                           "Never a bare number, which may be read as an inexact floating-point number.")
    currency: Currency = Field(description="The ISO 4217 currency code, e.g. 'EUR', 'USD', 'CNY', 'JPY'.")
    kind: CommitmentKind = Field(description="What it is: investment, grant, loan, staff, in-kind or other.")
    focus_area: Text | None = Field(default=None, description="The name of the focus area it goes to, if one.")
    period: Period | None = Field(default=None, description="The dates it runs between, if known.")
    source: int | None = Field(default=None, ge=1, le=100_000, description="The number of the source that "
                               "reports it: its place in 'sources', counting from 1 (as the briefing numbers them).")
    note: Text | None = Field(default=None, description="A short note, e.g. 'over five years'.")

    @property
    def as_money(self) -> money.Money:
        """The amount as an exact ``Decimal`` in its currency."""
        return money.Money(Decimal(self.amount), self.currency)
