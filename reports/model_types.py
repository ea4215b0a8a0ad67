"""What every section of the data model is made of: the strict base and required text.

Part of the contracts: ``model`` and ``commitments`` build their sections from these.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100_000)]
"""A required, non-empty piece of text (surrounding whitespace is ignored)."""


class Strict(BaseModel):
    """Base of every data section: unknown keys are errors, values are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
