"""Hypothesis strategies for pairs of agreements: one, and a mutation of it (the data diff's and the
redline's generative tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from reports.model import Agreement
from tests import strategies

MUTATED = ["title", "summary", "subtitle", "agreement", "parties", "focus_areas", "expected_outcomes",
           "significance", "timeline", "sources", "memo", "statements", "context"]


@st.composite
def mutations(draw: st.DrawFn, edits: int = 1) -> tuple[Agreement, Agreement, str]:
    """An agreement, a mutation of it (up to ``edits`` times: a section edited, or an item added,
    removed, reordered or its date moved: any text, long and CJK included) and the last mutated
    section's name."""
    old = draw(strategies.agreements())
    data = old.model_dump(by_alias=True)
    section = ""
    for _ in range(draw(st.integers(1, edits))):
        section = _mutate(draw, data)
    try:
        new = Agreement.model_validate(data)
    except ValueError:  # a drawn name that another party or area has already
        assume(False)
    return old, new, section


def _mutate(draw: st.DrawFn, data: dict[str, Any]) -> str:
    section = draw(st.sampled_from(MUTATED))
    text = draw(strategies.texts(long_up_to=300))
    value = data[section]
    if section in ("title", "summary", "subtitle"):
        data[section] = text
    elif section == "agreement":
        field = draw(st.sampled_from(["type", "purpose", "place", "signed"]))
        value[field] = draw(st.dates()) if field == "signed" else text
    elif section == "memo":
        data[section] = None if value else {"to": text, "next_steps": [text]}
    elif section == "parties":
        if draw(st.booleans()) or len(value) < 3:
            value.insert(draw(st.integers(0, len(value))), {"name": text, "kind": "other", "description": text})
        else:
            value.pop(draw(st.integers(0, len(value) - 1)))
            data["participating_units"] = []  # they may name the removed party
    else:
        _mutate_list(draw, section, value, text)
    return section


def _mutate_list(draw: st.DrawFn, section: str, value: list[Any], text: str) -> None:
    made = {"focus_areas": {"name": text, "summary": text}, "sources": {"title": text, "publisher": text},
            "timeline": {"date": draw(st.dates()), "event": text}, "context": {"title": text, "text": text},
            "statements": {"speaker": text, "role": text, "text": text, "kind": "quote"}}.get(section, text)
    what = draw(st.sampled_from(["add", "remove", "reorder", "edit"]))
    if what == "remove" and len(value) > (1 if section == "sources" else 0):
        value.pop(draw(st.integers(0, len(value) - 1)))
    elif what == "reorder" and len(value) > 1:
        value[:] = draw(st.permutations(value))
    elif what == "edit" and value and isinstance(value[0], dict):
        index = draw(st.integers(0, len(value) - 1))
        key = {"timeline": "date", "focus_areas": "summary", "sources": "publisher", "context": "text",
               "statements": "role"}[section]
        value[index][key] = made[key] if isinstance(made, dict) else text
    else:
        value.insert(draw(st.integers(0, len(value))), made)
