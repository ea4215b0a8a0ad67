"""The words of the tool's briefing and memo, worked out in plain Python for the hand-written versions.

The DOCX floor and the docxtpl peer lay these out; they must carry the same text as the tool's
documents (``tests/test_benchmark_smoke.py`` compares them word for word), or the ratios would compare
a shorter document with a longer one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

from reports.filters import capitalize_first, indefinite, longdate, number_words, party_in_text
from reports.model import Agreement
from reports.parse.quotes import quotes_for, requote

_T = TypeVar("_T")

ORGANISATION = "Policy and Government Relations"
CLASSIFICATION = "INTERNAL"


def _prose(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _label(name: str, local: str | None) -> str:
    return f"{name} ({local})" if local else name


def _count(n: int | None) -> str:
    return number_words(n or 0).capitalize()


def typeset(value: _T) -> _T:
    """``value`` (a string, or lists, tuples and dataclasses of them) with its quotation marks and
    apostrophes set as the tool sets an English document's (reports/parse/quotes.py): the same words."""
    item: Any = value
    if isinstance(item, str):
        return requote(item, quotes_for("en")) if any(c in item for c in "\"'") else value
    if isinstance(item, list):
        return [typeset(v) for v in item]  # type: ignore[return-value]
    if isinstance(item, tuple):
        return tuple(typeset(v) for v in item)  # type: ignore[return-value]
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.replace(item, **{f.name: typeset(getattr(item, f.name))  # type: ignore[return-value]
                                            for f in dataclasses.fields(item)})
    return value


@dataclass
class Party:
    label: str
    description: str
    also: str
    representatives: list[str]


@dataclass
class Background:
    title: str
    date: str
    text: str
    points: list[str]


@dataclass
class Briefing:
    kicker: str
    title: str
    subtitle: str
    byline: str
    parties_line: str
    facts: list[tuple[str, str]]
    summary: str
    purpose: str
    parties: list[Party]
    taking_part: list[str]
    focus: list[tuple[str, str]]
    quotes: list[tuple[str, str]]
    background: list[Background]
    outcomes: list[str]
    significance: list[str]
    timeline: list[tuple[str, str]]
    sources: list[str]
    header: str
    footer: str


def briefing(a: Agreement) -> Briefing:
    """The briefing's words, in the tool's order."""
    day = longdate(a.agreement.signed)
    labels = [_label(p.name, p.local_name) for p in a.parties]
    areas = [f.name for f in a.focus_areas]
    units = [f"{_count(u.count)} {u.description}" for u in a.participating_units]
    facts = [("Signed", day), ("Parties", _prose(labels)), ("Agreement", a.agreement.type.capitalize())]
    facts += [("Units involved", u) for u in units]
    facts += [("Focus areas", f"{_count(len(areas))}: {_prose(areas)}"),
              ("Status", capitalize_first(a.agreement.status or ""))]
    quotes = [(s.text, f"— {_label(s.speaker, s.speaker_local_name)}, {s.role}"
               + (" (paraphrase, not a direct quotation)" if s.kind == "paraphrase" else "")) for s in a.statements]
    return typeset(Briefing(
        kicker=f"{ORGANISATION.upper()}  ·  {CLASSIFICATION}", title=a.title, subtitle=a.subtitle or "",
        byline=f"Briefing  ·  {day}", parties_line="  ·  ".join(labels), facts=facts, summary=a.summary,
        purpose=a.agreement.purpose,
        parties=[Party(label, p.description, f"{', '.join(p.also_known_as)}." if p.also_known_as else "",
                       [f"{_label(r.name, r.local_name)}, {r.title}" for r in p.representatives])
                 for p, label in zip(a.parties, labels, strict=True)],
        taking_part=[f"{u}." for u in units], focus=[(f.name, f.summary) for f in a.focus_areas], quotes=quotes,
        background=[Background(c.title, longdate(c.date), c.text, list(c.points)) for c in a.context],
        outcomes=list(a.expected_outcomes), significance=list(a.significance),
        timeline=[(longdate(e.date), e.event) for e in a.timeline],
        sources=[f"{s.title}. {s.publisher}, {longdate(s.date)}." + (f" {s.note}" if s.note else "")
                 for s in a.sources],
        header=f"{a.title}\t{CLASSIFICATION}", footer=f"{day}  ·  {CLASSIFICATION}  ·  {ORGANISATION}\tPage",
    ))


@dataclass
class Memo:
    organisation: str
    header: list[tuple[str, str]]
    summary: str
    points: list[str]
    focus_line: str
    next_steps: list[str]
    sources_line: str
    footer: str


def memo(a: Agreement) -> Memo:
    """The memo's words, in the tool's order."""
    m = a.memo
    day = longdate(m.date if m and m.date else a.agreement.signed)
    areas = [f.name for f in a.focus_areas]
    header = [(k, v) for k, v in (("TO", m.to if m else ""), ("FROM", m.from_ if m else ""),
                                  ("CC", m.cc if m else "")) if v]
    header += [("DATE", day), ("SUBJECT", (m.subject if m else None) or a.title)]
    points = [f"On {longdate(a.agreement.signed)}, {_prose([party_in_text(p) for p in a.parties])} signed "
              f"{indefinite(a.agreement.type)}."]
    points += [f"{_count(u.count)} {u.description} take part." for u in a.participating_units]
    points += [f"{_label(s.speaker, s.speaker_local_name)}{' (paraphrased)' if s.kind == 'paraphrase' else ''}: "
               + (f"“{s.text}”" if s.kind == "quote" else s.text) for s in a.statements]
    points += a.significance[:1]
    return typeset(Memo(
        organisation=ORGANISATION.upper(), header=header, summary=a.summary, points=points,
        focus_line=f"{_count(len(areas))} areas: {_prose(areas)}.", next_steps=list(m.next_steps if m else []),
        sources_line="Sources: " + " ".join(f"{s.title}. {s.publisher}, {longdate(s.date)}." for s in a.sources),
        footer=f"{day}  ·  {CLASSIFICATION}  ·  {ORGANISATION}\tPage",
    ))
