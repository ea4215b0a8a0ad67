"""Markdown escaping and the template filters (dates, lists in prose, numbers in words).

Part of compose. ``escape_markdown`` is the single data -> Markdown boundary; filters that build Markdown
themselves return ``MarkdownText`` so that it is not escaped a second time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# CommonMark lets a backslash escape any ASCII punctuation. Escaped: every character that Markdown,
# markdown-it's entities (&), our containers (:) or maths ($, which parse warns about) could read as
# syntax, and a dot after a digit or at the start (a "1." list). Not escaped: punctuation that is never
# syntax here (, ; ? ' " / and a dot in prose), since each escape costs the parser a token.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~:&=$]|(?<![^0-9])\.)")
_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")


class MarkdownText(str):
    """A string that is already Markdown: printed as it is, never escaped again."""

    __slots__ = ()


def escape_markdown(text: str) -> str:
    """Return ``text`` as Markdown that reads back as exactly ``text`` (line breaks become spaces)."""
    text = _BREAKS.sub(" ", text)
    text = _SPECIAL.sub(r"\\\1", text)
    # Leading or trailing spaces would be trimmed by the parser, and tabs can open code blocks.
    text = text.replace("\t", " ")
    # Two spaces before the end of a template line would make a hard line break.
    return text.rstrip(" ") + " " if text.endswith("  ") else text


class FilterError(ValueError):
    """A filter was given a value of the wrong kind; compose adds the template's file and line."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def longdate(value: dt.date | str | None) -> str:
    """``2023-07-07`` -> ``7 July 2023``; nothing (``None`` or ``""``) stays empty."""
    if value is None or value == "":
        return ""
    day = _parse_date(value) if isinstance(value, str) else value
    if not isinstance(day, dt.date):
        raise FilterError(f"longdate: expected a date (YYYY-MM-DD), got {_shown(value)}")
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def isodate(value: dt.date | str | None) -> str:
    """``date(2023, 7, 7)`` -> ``2023-07-07``; nothing (``None`` or ``""``) stays empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat() if isinstance(value, str) else _not_a_date(value)
    except ValueError:
        return _not_a_date(value)


def _not_a_date(value: object) -> NoReturn:
    raise FilterError(f"isodate: expected a date (YYYY-MM-DD), got {_shown(value)}")


def _items(name: str, items: object) -> list[Any]:
    # A list, a tuple or what ``map``/``select`` make; never text (its letters) or a mapping (its keys).
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise FilterError(f"{name}: expected a list, got {_shown(items)}")
    return list(items)


def prose_list(items: Iterable[Any], conjunction: str = "and") -> MarkdownText:
    """``[a, b, c]`` -> ``a, b and c`` (each item escaped as data unless it is already Markdown)."""
    values = _items("prose_list", items)
    if not isinstance(conjunction, str):
        raise FilterError(f"prose_list: the conjunction must be text, got {_shown(conjunction)}")
    parts = [str(i) if isinstance(i, MarkdownText) else escape_markdown(str(i)) for i in values]
    if len(parts) <= 2:
        return MarkdownText(f" {conjunction} ".join(parts))
    return MarkdownText(", ".join(parts[:-1]) + f" {conjunction} " + parts[-1])


def number_words(value: int) -> str:
    """``7`` -> ``seven``; numbers from 0 to 999 in words, larger ones as digits with separators."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise FilterError(f"number_words: expected a whole number, got {_shown(value)}")
    if not 0 <= value < 1000:
        return f"{value:,}"
    if value < 20:
        return _ONES[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(value, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")


def capitalize_first(text: str) -> str:
    """Upper-case the first letter only (unlike ``capitalize``, which lowers the rest).

    A first word that already mixes cases (``iPhone``, ``eBay``) is a name and stays as written.
    """
    if not isinstance(text, str):
        raise FilterError(f"capitalize_first: expected text, got {_shown(text)}")
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if any(c.isupper() for c in first):
        return text
    return text[:1].upper() + text[1:]


def yaml_value(value: Any) -> MarkdownText:
    """Quote a value for the template's YAML front matter (JSON is valid YAML)."""
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, list | tuple):
        return MarkdownText(json.dumps([str(v) for v in value], ensure_ascii=False))
    return MarkdownText(json.dumps("" if value is None else str(value), ensure_ascii=False))


def with_local(name: str | None, local: str | None) -> str:
    """``Zhang Yong`` + ``张勇`` -> ``Zhang Yong (张勇)``; a name given once is printed once.

    Plain text: still escaped when printed.
    """
    for label, value in (("the name", name), ("the local name", local)):
        if value is not None and not isinstance(value, str):
            raise FilterError(f"with_local: {label} must be text, got {_shown(value)}")
    if not name:
        return local or ""
    return f"{name} ({local})" if local and local != name else name


def party_label(party: Any) -> str:
    """A party as ``name (local name)``, for lists of parties (either name alone if only one is given)."""
    from reports.model import Party

    if not isinstance(party, Party):
        raise FilterError(f"party_label: expected a party (an item of data.parties), got {_shown(party)}")
    return party.label


def markdown(value: str) -> MarkdownText:
    """Mark template-written Markdown (a macro's output) as such, so that it is not escaped again.

    Like Jinja's ``safe`` for HTML: use it on what a template wrote, never on data.
    """
    if not isinstance(value, str):
        raise FilterError(f"markdown: expected text written by the template, got {_shown(value)}")
    return MarkdownText(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "longdate": longdate,
    "isodate": isodate,
    "prose_list": prose_list,
    "number_words": number_words,
    "capitalize_first": capitalize_first,
    "yaml": yaml_value,
    "with_local": with_local,
    "party_label": party_label,
    "markdown": markdown,
}
