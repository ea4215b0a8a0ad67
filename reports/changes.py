"""What changed between two versions of an agreement: the data diff behind a redline's "What changed".

``changes(old, new)`` compares the two agreements' data (not their documents) and lists every
difference in the order the document shows its sections; ``describe(change, locale)`` says one
difference in plain words in the document's language ("Timeline: ‘Pilot ends’ moved from 30 June 2024
to 31 December 2024", "Parties: Zhejiang University added").

Lists of things with an identity are matched by it, not by position, so that an inserted party is one
"added" and not every later party "changed": parties by name (else local name), focus areas by name,
participating units by party, representatives by name, timeline events by their text (a new date is a
"moved"), sources and background items by title, statements by speaker and text. Lists of plain text
(significance, expected outcomes, also known as, units, points, next steps) are matched by value. A list
whose common items come in another order is "reordered", or, when one item alone left its place,
that item is "moved" (from and to its position); the timeline's order is not reported when a date
moved: the moved date explains the new place.

``reports.redline.summary`` puts these lines at the top of a redline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from reports import i18n
from reports.dates import format_day
from reports.i18n import N_, DocumentLocale
from reports.model import Agreement
from reports.money import Money, format_compact

Kind = Literal["added", "removed", "changed", "reworded", "moved", "reordered"]

LONG_TEXT = 80  # characters: a longer text (or one of several lines) is "reworded", never quoted whole
SHOWN = 60  # characters of a name or a text a description quotes before it cuts it with "…"

# The sections in the order the briefing shows them (title block, summary, fact box, then the
# sections); what no document shows (identifier, language, format version) comes last.
SECTIONS = ("title", "subtitle", "summary", "agreement", "parties", "participating_units", "focus_areas",
            "commitments", "statements", "context", "expected_outcomes", "significance", "timeline", "sources", "memo",
            "id", "language", "schema_version")


@dataclass(frozen=True)
class Item:
    """One item of a list matched by identity: ``key`` is what it is matched by (and so what a path
    names); ``label`` is how a reader knows it (as the new version names it; a removed item as the old
    one did), ``quoted`` whether a description quotes it."""

    key: tuple[str, ...]
    label: str = field(compare=False)
    quoted: bool = field(default=False, compare=False)


PathPart = str | Item


@dataclass(frozen=True)
class Change:
    """One difference. ``path`` is the field's path in ``Agreement.model_dump()``: the names of the
    fields, with an ``Item`` where a list is matched by identity (the list's path alone for a
    "reordered"). ``old`` and ``new`` are the values (``None`` for what is added or removed); for an item
    "moved" in its list, its positions there (from 1); for a timeline event "moved", its dates."""

    kind: Kind
    path: tuple[PathPart, ...]
    old: Any = None
    new: Any = None

    @property
    def section(self) -> str:
        """The top-level field the change is in (``"timeline"``)."""
        return str(self.path[0])


# --------------------------------------------------------------------------- identities


# An item's key (what it is matched by), its label for a reader, and whether a description quotes it.
Identity = tuple[tuple[str, ...], str, bool]


def _short(text: str, limit: int = SHOWN) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _party(value: Mapping[str, Any]) -> Identity:
    name = value.get("name") or value.get("local_name") or ""
    local = value.get("local_name")
    label = f"{value['name']} ({local})" if value.get("name") and local and local != value["name"] else name
    return (name.casefold(),), _short(label), False


def _by(key_field: str, *, quoted: bool, fold: bool = False) -> Callable[[Mapping[str, Any]], Identity]:
    def identity(value: Mapping[str, Any]) -> Identity:
        text = str(value[key_field])
        return ((text.casefold() if fold else text),), _short(text), quoted
    return identity


def _statement(value: Mapping[str, Any]) -> Identity:
    # The speaker with the start of the words: two statements of one speaker are told apart.
    label = i18n.current().gettext("%(speaker)s: “%(text)s”") % {
        "speaker": _short(value["speaker"], 30), "text": _short(value["text"], 40)}
    return (value["speaker"], value["text"]), label, False


def _commitment(value: Mapping[str, Any]) -> Identity:
    # Who commits what kind of means in which currency (the amount is what a change changes); the kind in
    # the document's words, so ``_relabelled`` makes the label again inside the document's locale.
    kind = str(getattr(value["kind"], "value", value["kind"]))
    words = i18n.current().gettext(VALUES.get(kind, kind))
    label = f"{_short(str(value['party']), 40)} · {words} · {value['currency']}"
    return (str(value["party"]).casefold(), kind, str(value["currency"])), label, False


# By the name of the list's field, wherever the list is; a list not named here holds plain text.
IDENTITIES: dict[str, Callable[[Mapping[str, Any]], Identity]] = {
    "parties": _party,
    "participating_units": _by("party", quoted=False, fold=True),
    "focus_areas": _by("name", quoted=False, fold=True),
    "representatives": _by("name", quoted=False),
    "statements": _statement,
    "context": _by("title", quoted=True),
    "timeline": _by("event", quoted=True),
    "sources": _by("title", quoted=True),
    "commitments": _commitment,
}
_QUOTED_TEXT_LISTS = frozenset({"significance", "expected_outcomes", "points", "next_steps"})


def items(list_field: str, values: list[Any]) -> list[Item]:
    """The ``Item`` of each value of the list ``list_field`` (its last field name), in order. A key
    met again gets its count added (``("x", "2")``), so duplicates are matched in turn."""
    out: list[Item] = []
    seen: dict[tuple[str, ...], int] = {}
    identity = IDENTITIES.get(list_field)
    for value in values:
        if identity is not None and isinstance(value, Mapping):
            key, label, quoted = identity(value)
        else:
            key, label, quoted = (str(value),), _short(str(value)), list_field in _QUOTED_TEXT_LISTS
        seen[key] = seen.get(key, 0) + 1
        out.append(Item(key if seen[key] == 1 else (*key, str(seen[key])), label, quoted))
    return out


# --------------------------------------------------------------------------- the diff


def changes(old: Agreement, new: Agreement) -> list[Change]:
    """Every difference from ``old`` to ``new``, in the order the document shows the sections and,
    within a list, removals first, then additions and edits in the new order, then a reordering."""
    before, after = old.model_dump(), new.model_dump()
    out: list[Change] = []
    for name in SECTIONS:
        _diff((name,), before.get(name), after.get(name), out)
    return out


def _diff(path: tuple[PathPart, ...], old: Any, new: Any, out: list[Change]) -> None:
    if old == new:
        return
    if old is None:
        out.append(Change("added", path, new=new))
    elif new is None:
        out.append(Change("removed", path, old=old))
    elif isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in new:
            _diff((*path, key), old.get(key), new.get(key), out)
    elif isinstance(old, list) and isinstance(new, list):
        _diff_list(path, old, new, out)
    elif path[-1] == "date" and len(path) == 3 and path[0] == "timeline":
        out.append(Change("moved", path, old, new))
    elif _long(old) or _long(new):
        out.append(Change("reworded", path, old, new))
    else:
        out.append(Change("changed", path, old, new))


def _long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > LONG_TEXT or "\n" in value)


def _diff_list(path: tuple[PathPart, ...], old: list[Any], new: list[Any], out: list[Change]) -> None:
    name = str(path[-1])
    old_items, new_items = items(name, old), items(name, new)
    before = dict(zip(old_items, old, strict=True))
    after = dict(zip(new_items, new, strict=True))
    start = len(out)
    for item, value in before.items():
        if item not in after:
            out.append(Change("removed", (*path, item), old=value))
    for item, value in after.items():
        if item in before:
            _diff((*path, item), before[item], value, out)
        else:
            out.append(Change("added", (*path, item), new=value))
    kept_old = [i for i in old_items if i in after]
    kept_new = [i for i in new_items if i in before]
    date_moved = any(c.kind == "moved" for c in out[start:])  # no item has moved place yet
    if kept_old == kept_new or (name == "timeline" and date_moved):
        return
    stayed = _in_order(kept_old, kept_new)
    if len(stayed) == len(kept_new) - 1:  # one item taken out and put back elsewhere: say which
        item = next(i for i in kept_new if i not in stayed)
        out.append(Change("moved", (*path, item), old_items.index(item) + 1, new_items.index(item) + 1))
    else:
        out.append(Change("reordered", path))


def _in_order(old: list[Item], new: list[Item]) -> set[Item]:
    """The most items of ``new`` that keep their order from ``old`` (a longest common subsequence;
    both hold the same items). A long list is not searched: it is said to be reordered."""
    if len(new) > 300:  # quadratic; a reader of a list that long is told "reordered" anyway
        return set()
    where = {item: index for index, item in enumerate(old)}
    sequence = [where[item] for item in new]
    # The longest increasing run of old positions, by patience sorting with back links.
    tails: list[int] = []
    links: list[int | None] = []
    ends: list[int] = []
    for index, value in enumerate(sequence):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if tails[middle] < value:
                low = middle + 1
            else:
                high = middle
        links.append(ends[low - 1] if low else None)
        if low == len(tails):
            tails.append(value)
            ends.append(index)
        else:
            tails[low], ends[low] = value, index
    kept: set[Item] = set()
    at: int | None = ends[-1] if ends else None
    while at is not None:
        kept.add(new[at])
        at = links[at]
    return kept


# --------------------------------------------------------------------------- in words

# Each field's label, by its name; where one name means two things, by its list's or section's name
# too ("title" of a representative is their position). Section names reuse the headings' labels.
LABELS: dict[str, str] = {
    "title": N_("Title"), "subtitle": N_("Subtitle"), "summary": N_("Summary"), "id": N_("Identifier"),
    "language": N_("Language"), "schema_version": N_("Data format version"), "agreement": N_("The agreement"),
    "parties": N_("Parties"), "participating_units": N_("Units involved"), "focus_areas": N_("Focus areas"),
    "statements": N_("Statements"), "context": N_("Background"), "expected_outcomes": N_("Expected outcomes"),
    "significance": N_("Significance"), "timeline": N_("Timeline"), "sources": N_("Sources"),
    "memo": N_("Memo"), "type": N_("Type"), "signed": N_("Signed"), "place": N_("Place"),
    "purpose": N_("Purpose"), "term": N_("Term"), "status": N_("Status"), "name": N_("Name"),
    "short_name": N_("Short name"), "local_name": N_("Local name"),
    "local_name_language": N_("Language of the local name"), "also_known_as": N_("Also known as"),
    "kind": N_("Kind"), "description": N_("Description"), "representatives": N_("Representatives"),
    "definite_article": N_("Definite article"), "party": N_("Party"), "count": N_("Number of units"),
    "units": N_("Units"), "speaker": N_("Speaker"), "speaker_local_name": N_("Speaker's local name"),
    "role": N_("Role"), "text": N_("Text"), "date": N_("Date"), "points": N_("Points"),
    "event": N_("Event"), "publisher": N_("Publisher"), "url": N_("Web address"), "note": N_("Note"),
    "to": N_("To"), "from_": N_("From"), "cc": N_("CC"), "subject": N_("Subject"),
    "classification": N_("Marking"), "organisation": N_("Organisation"),
    "next_steps": N_("What happens next"),
    "commitments": N_("Commitments"), "amount": N_("Amount"), "currency": N_("Currency"),
    "focus_area": N_("Focus area"), "period": N_("Period"), "source": N_("Source"),
    "/summary": N_("Executive summary"), "representatives/title": N_("Position"),
}

MESSAGES: dict[str, str] = {
    "added": N_("%(where)s added"),
    "removed": N_("%(where)s removed"),
    "set": N_("%(where)s set to %(new)s"),
    "cleared": N_("%(where)s cleared (was %(old)s)"),
    "changed": N_("%(where)s changed from %(old)s to %(new)s"),
    "reworded": N_("%(where)s reworded"),
    "moved": N_("%(where)s moved from %(old)s to %(new)s"),
    "reordered": N_("%(where)s reordered"),
    "repositioned": N_("%(where)s moved from position %(old)s to %(new)s"),
    "within": N_("%(outer)s: %(inner)s"),
    "quoted": N_("‘%(text)s’"),
    "yes": N_("yes"),
    "no": N_("no"),
}


# The model's enumerations' values (PartyKind, QuoteKind) in words: the data holds codes.
VALUES: dict[str, str] = {
    "government": N_("government"), "company": N_("company"), "university": N_("university"),
    "research-institute": N_("research institute"), "non-profit": N_("non-profit"),
    "international-organisation": N_("international organisation"), "other": N_("other"),
    "quote": N_("quote"), "paraphrase": N_("paraphrase"), "investment": N_("investment"), "grant": N_("grant"),
    "loan": N_("loan"), "staff": N_("staff"), "in-kind": N_("in kind"),
}


def where(path: tuple[PathPart, ...], locale: DocumentLocale = i18n.ENGLISH) -> str:
    """The path in words: ``Timeline: ‘Pilot ends’``, ``Parties: Alibaba Group: Description``."""
    words: list[str] = []
    parent = ""
    for part in path:
        if isinstance(part, Item):
            text = locale.gettext(MESSAGES["quoted"]) % {"text": part.label} if part.quoted else part.label
        else:
            msgid = LABELS.get(f"{parent}/{part}") or LABELS.get(part, part.replace("_", " ").capitalize())
            text = locale.gettext(msgid)
            parent = part
        words.append(text)
    out = words[0]
    for inner in words[1:]:
        out = locale.gettext(MESSAGES["within"]) % {"outer": out, "inner": inner}
    return out


def value_words(value: Any, locale: DocumentLocale = i18n.ENGLISH) -> str:
    """A value as a description quotes it: a date in the locale's long form, a number in its digits,
    yes or no, a party's kind in words, a text in the language's quotation marks (cut after ``SHOWN`` characters)."""
    from babel.numbers import format_decimal

    if isinstance(value, bool):
        return locale.gettext(MESSAGES["yes" if value else "no"])
    if isinstance(value, dt.date):
        return format_day(value, "long", locale.locale)
    if isinstance(value, int):
        return str(format_decimal(value, locale=locale.locale))
    if isinstance(value, Enum):
        return locale.gettext(VALUES.get(str(value.value), str(value.value)))
    return locale.gettext(MESSAGES["quoted"]) % {"text": _short(str(value))}


def describe(change: Change, locale: DocumentLocale = i18n.ENGLISH) -> str:
    """``change`` in plain words in ``locale`` (the document's, from ``i18n.resolve``)."""
    # The statements' labels are made with the locale's own words too.
    with i18n.activate(locale):
        path = _relabelled(change.path)
    date_moved = change.kind == "moved" and change.path[-1] == "date"
    if date_moved:  # "Timeline: ‘Pilot ends’ moved": the event moves, not its date
        path = path[:-1]
    place = where(path, locale)
    kind = change.kind
    scalar_added = kind == "added" and _quotable(change.new) and not isinstance(path[-1], Item)
    scalar_removed = kind == "removed" and _quotable(change.old) and not isinstance(path[-1], Item)
    key: str = "set" if scalar_added else "cleared" if scalar_removed else kind
    if kind == "moved" and not date_moved:  # its place in a list
        key = "repositioned"
    values = {"where": place}
    words = _amount_words(change.path, locale) or (lambda value: value_words(value, locale))
    if key in ("set", "changed", "moved", "repositioned"):
        values["new"] = words(change.new)
    if key in ("cleared", "changed", "moved", "repositioned"):
        values["old"] = words(change.old)
    return locale.gettext(MESSAGES[key]) % values


def _amount_words(path: tuple[PathPart, ...], locale: DocumentLocale) -> Callable[[Any], str] | None:
    """How a commitment's amount is said, as the documents say it ("EUR 45 million"), not as the data
    writes it ("45000000"); None for any other field."""
    if len(path) < 3 or path[-3] != "commitments" or not isinstance(path[-2], Item) or path[-1] != "amount":
        return None
    currency = str(path[-2].key[2])  # the commitment's key: (party, kind, currency)
    return lambda value: format_compact(Money(Decimal(str(value)), currency), locale.locale)


def _quotable(value: Any) -> bool:
    # A short scalar is named in the sentence; a long text, a list or a section is only said to change.
    return not isinstance(value, (Mapping, list)) and not _long(value)


def _relabelled(path: tuple[PathPart, ...]) -> tuple[PathPart, ...]:
    # An Item's label is made when the diff runs, outside any locale; a statement's says "speaker: “text”"
    # in words of the document's language, so it is made again here.
    out: list[PathPart] = []
    for index, part in enumerate(path):
        if isinstance(part, Item) and index and path[index - 1] == "statements":
            speaker, text = part.key[:2]
            part = Item(part.key, _statement({"speaker": speaker, "text": text})[1], part.quoted)
        elif isinstance(part, Item) and index and path[index - 1] == "commitments":
            party = part.label.rsplit(" · ", 2)[0]  # as the data writes it (the key folds its case)
            part = Item(part.key, _commitment({"party": party, "kind": part.key[1], "currency": part.key[2]})[1],
                        part.quoted)
        out.append(part)
    return tuple(out)


__all__ = ["IDENTITIES", "LABELS", "MESSAGES", "SECTIONS", "VALUES", "Change", "Item", "Kind", "changes", "describe",
           "items", "value_words", "where"]
