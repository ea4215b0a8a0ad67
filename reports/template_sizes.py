"""What a template's values would cost, worked out before they are made (part of compose's sandbox).

The caps, the one error a breach raises, and upper bounds on the text a value turns into: printed
(``str``), shown as Python (``repr``, ``pprint``), as JSON (``tojson``), in a URL (``urlencode``) or as
HTML (``escape``). Every bound is counted without building the text, in time linear in what already
exists, and stops counting a little past the cap (a list of a million references to one long string
costs nothing to measure).
"""

from __future__ import annotations

import json.encoder
from collections.abc import Callable
from typing import Any

import jinja2
from pydantic import BaseModel

MAX_OUTPUT = 10_000_000  # characters of Markdown one template may produce (and of any one string it makes)
MAX_ITEMS = 1_000_000  # items of a list or tuple a template may make with * or +, or a filter may make
MAX_INT_BITS = 100_000  # about 30,000 digits: more than any document needs, far less than a gigabyte
HUGE = MAX_OUTPUT * 1000  # stands for "more than the cap" when a number is too long to be worth reading

_CHUNK = 1 << 16  # strings are measured piecewise, so measuring never allocates much


class TemplateLimitError(jinja2.TemplateRuntimeError):
    """A template asked for more than a document may cost; compose adds the template's file and line."""

    where: tuple[str, int] | None = None  # set when the line is known otherwise than from the traceback


def n(value: int) -> str:
    """A count as a message shows it (1,000,000)."""
    return f"{value:,}"


def too_long(what: str, size: int) -> TemplateLimitError:
    """The error for text of ``size`` characters (or bytes) that ``what`` would make."""
    return TemplateLimitError(
        f"{what} would make {n(size)} characters; a template may produce at most {n(MAX_OUTPUT)}")


def too_many(what: str, size: int) -> TemplateLimitError:
    """The error for a list of ``size`` items that ``what`` would make."""
    return TemplateLimitError(f"{what} would make a list of {n(size)} items; "
                              f"a template may make lists of at most {n(MAX_ITEMS)}")


def describe(value: object) -> str:
    """A value as an error message shows it: its start and its type."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def check_int_bits(bits: int, what: str) -> None:
    """Refuse a number of more than ``MAX_INT_BITS`` bits."""
    if bits > MAX_INT_BITS:
        raise TemplateLimitError(f"{what} would make a number of about {n(int(bits * 0.30103))} digits; "
                                 f"a template may use numbers of at most {n(int(MAX_INT_BITS * 0.30103))}")


def check_size(result: object, size: int, what: str) -> None:
    """Refuse a result of ``size``: characters (or bytes) when ``result`` is text, items otherwise."""
    if isinstance(result, str | bytes | bytearray):
        if size > MAX_OUTPUT:
            raise too_long(what, size)
    elif size > MAX_ITEMS:
        raise too_many(what, size)


def whole(value: object) -> int | None:
    """``value`` when it is a whole number (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- the text of one string, as each kind of output spells it -----------------------------------------

def _pieces(text: str) -> Any:
    return (text[i:i + _CHUNK] for i in range(0, len(text), _CHUNK))


def plain_room(text: str) -> int:
    """``str(text)``: itself."""
    return len(text)


def repr_room(text: str) -> int:
    """``repr(text)``: quotes, and escapes for backslashes, quotes and characters that do not print."""
    if text.isprintable():
        return len(text) + text.count("\\") + text.count("'") + 2
    return sum(len(p.encode("unicode_escape")) for p in _pieces(text)) + text.count("'") + 2


def json_room(text: str) -> int:
    """``tojson``: JSON with every non-ASCII character escaped and ``< > & '`` made HTML-safe (6 each)."""
    if text.isascii() and text.isprintable():
        escapes = sum(text.count(c) for c in "\\\"")
        unsafe = sum(text.count(c) for c in "<>&'")
        return len(text) + escapes + 5 * unsafe + 2
    size = 2
    for piece in _pieces(text):
        encoded: str = json.encoder.encode_basestring_ascii(piece)
        size += len(encoded) - 2 + 5 * sum(piece.count(c) for c in "<>&'")
    return size


def url_room(text: str) -> int:
    """``urlencode``: each UTF-8 byte at most three characters (``%E4``)."""
    return 3 * sum(len(p.encode("utf-8", "surrogatepass")) for p in _pieces(text))


def html_room(text: str) -> int:
    """``escape``: ``& < > ' "`` become entities of at most five characters."""
    return len(text) + 4 * sum(text.count(c) for c in "&<>'\"")


def case_room(text: str) -> int:
    """``upper``, ``title`` and friends: a character may become three (``'ﬃ'.upper() == 'FFI'``)."""
    return len(text) if text.isascii() else 3 * len(text)


def int_room(value: int) -> int:
    """Digits of ``value`` in any base from 8 up, with a sign and a prefix."""
    return value.bit_length() // 3 + 4


_CONTAINERS = (list, tuple, dict, set, frozenset)


def text_size(value: object, limit: int = MAX_OUTPUT, room: Callable[[str], int] = repr_room,
              indent: bool = False) -> int:
    """About how many characters ``value`` turns into, never fewer, counted without making it.

    Strings inside containers count by ``room``: how the output spells them (``repr`` for ``str()`` of
    a list, ``json_room`` for ``tojson`` ...), plus a separator; with ``indent`` (``pprint``) every item
    counts one more character per level of nesting, for its indentation. The count stops a little past
    ``limit``."""
    if isinstance(value, str):
        return len(value) if room is repr_room else room(value)
    size = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack and size <= limit:
        item, depth = stack.pop()
        size += depth + 1 if indent else 0
        if isinstance(item, str):
            size += room(item) + 2
        elif isinstance(item, bytes | bytearray):
            size += 4 * len(item) + 5  # b'\x00'
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
            size += 2 + 2 * len(item)
        elif isinstance(item, _CONTAINERS):
            stack.extend((i, depth + 1) for i in item)
            size += 2
        elif isinstance(item, int) and not isinstance(item, bool):
            size += int_room(item) + 2
        elif isinstance(item, BaseModel):  # Name(field=value, ...): the names, then the values
            fields = vars(item)
            stack.extend((v, depth + 1) for v in fields.values())
            size += len(type(item).__name__) + 2 + sum(len(k) + 3 for k in fields)
        else:
            size += 64  # dates, floats, data objects: small (the data file itself is bounded)
    return size


def check_text(value: object, what: str) -> None:
    """Refuse to turn ``value`` into text when the text would pass the cap."""
    if isinstance(value, bytes | bytearray):
        check_size(value, 4 * len(value) + 3, what)
    elif not isinstance(value, str):
        size = text_size(value)
        if size > MAX_OUTPUT:
            raise too_long(what, size)
