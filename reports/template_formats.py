"""The room a format string asks for, read the way Python reads it (part of compose's sandbox).

Two parsers, so that a width or precision cannot hide from the bound:

- ``printf_room``: the ``%`` operator and the ``format`` filter (str and bytes). A real reading of each
  ``%`` spec, as ``PyUnicode_Format`` does it: a mapping key with nested parentheses
  (``%(x(y)s)999999999s`` is the key ``x(y)s`` and the width 999999999), any flags, ``*`` widths and
  precisions taken from the arguments, length modifiers, ``%%``.
- ``BoundedFormatter``: ``str.format`` and ``format_map``. Python's own ``string.Formatter`` resolves
  nested replacement fields (``"{0:{1}}".format("a", ">999999999")``); the bound is checked on the
  resolved spec of each field, just before that field is formatted, and summed over the whole string.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jinja2.sandbox import SandboxedFormatter
from markupsafe import EscapeFormatter

from reports.printf import printf_specs
from reports.template_sizes import (
    HUGE,
    MAX_OUTPUT,
    int_room,
    plain_room,
    repr_room,
    text_size,
    too_long,
    whole,
)

_NUMERIC = "diuoxXeEfFgG"
_FLOAT_ROOM = 330  # '%f' % 1e308: 309 digits, a point, six decimals, a sign


def _digits(text: str, start: int) -> tuple[int, int]:
    # A run of digits from ``start``: (its value, where it ends). Python refuses a width past the
    # range of a C int anyway; a run too long to be worth reading counts as "more than the cap".
    end = start
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    run = text[start:end]
    return (int(run) if len(run) <= 18 else HUGE) if run else 0, end


def ascii_room(text: str) -> int:
    """``ascii(text)``: a non-ASCII character may become ``\\U0001f600`` (ten characters)."""
    return repr_room(text) if text.isascii() else 10 * len(text) + 2


def _value_room(value: object, conversion: str) -> int:
    # The most characters (or bytes) one converted value can take before width and precision.
    if conversion in _NUMERIC:
        number = whole(value)
        return int_room(number) if number is not None and conversion in "diuoxX" else _FLOAT_ROOM
    if conversion == "c":
        return 1
    if isinstance(value, str):
        return len(value) if conversion == "s" else repr_room(value) if conversion == "r" else ascii_room(value)
    if isinstance(value, bytes | bytearray) and conversion in "sb":
        return len(value)
    return text_size(value, room=ascii_room if conversion == "a" else repr_room)


def _lookup(args: object, key: str | bytes) -> object:
    # The value a ``%(key)s`` spec takes; looking it up in a template's mappings has no side effects.
    if isinstance(args, Mapping):
        return args.get(key)
    try:
        return args[key]  # type: ignore[index]
    except Exception:  # Python's own % reports a missing key or a non-mapping
        return None


def printf_room(fmt: str | bytes | bytearray, args: object) -> int:
    """An upper bound on ``len(fmt % args)``, read spec by spec (``reports.printf``) without formatting."""
    text = fmt.decode("latin-1") if isinstance(fmt, bytes | bytearray) else fmt
    values: Sequence[object] = args if isinstance(args, tuple) else (args,)
    position = 0  # the next positional argument
    total = len(text)
    for spec in printf_specs(text):
        sizes = 0
        for part in (spec.width, spec.precision):
            if part == "*":  # taken from the arguments, in order
                taken = whole(values[position]) if position < len(values) else None
                sizes += abs(taken) if taken is not None else 0
                position += 1
            elif part:  # Python refuses a width past a C int; a run too long to read is "over the cap"
                sizes += int(part) if len(part) <= 18 else HUGE
        if spec.conversion == "%":
            total += sizes + 1
            continue
        if spec.key is not None:  # a bytes format looks its keys up as bytes
            value = _lookup(args, spec.key.encode("latin-1") if text is not fmt else spec.key)
        else:
            value = values[position] if position < len(values) else None
            position += 1
        total += sizes + _value_room(value, spec.conversion)
    return total


def spec_room(spec: str) -> int:
    """Width plus precision of a format spec (``[[fill]align][sign][z][#][0][width][,_][.precision][type]``)."""
    i = 2 if len(spec) > 1 and spec[1] in "<>=^" else 1 if spec[:1] in ("<", ">", "=", "^") else 0
    while i < len(spec) and spec[i] in "+- z#0":
        if spec[i] == "0" and i + 1 < len(spec) and spec[i + 1].isdigit():
            break
        i += 1
    width, i = _digits(spec, i)
    while i < len(spec) and spec[i] in ",_":
        i += 1
    precision = 0
    if i < len(spec) and spec[i] == ".":
        precision, i = _digits(spec, i + 1)
    return width + precision


class BoundedFormatter(SandboxedFormatter):
    """Jinja's sandboxed ``str.format`` with every field's room checked before the field is made.

    ``escape`` (``Markup.format``): each value is HTML-escaped after formatting, at most 5 times longer.
    """

    def __init__(self, env: Any, what: str, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self.what = what
        self.used = 0
        self.factor = 5 if isinstance(self, EscapeFormatter) else 1

    def vformat(self, format_string: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        self.used = len(format_string)  # the literal text, at most
        return super().vformat(format_string, args, kwargs)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion in ("r", "a", "s") and not isinstance(value, str):
            size = text_size(value, room=ascii_room if conversion == "a" else repr_room)
        elif conversion in ("r", "a"):
            size = (repr_room if conversion == "r" else ascii_room)(value)
        else:
            size = 0
        if size > MAX_OUTPUT:
            raise too_long(self.what, size)
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, str):
            room = plain_room(value)
        elif whole(value) is not None:
            room = 2 * int_room(value)  # grouping (',' or '_') adds a third at most
        elif isinstance(value, float):
            room = 2 * _FLOAT_ROOM
        else:  # dates and other objects spell their own spec (strftime): a few characters per character
            room = text_size(value) + 16 * len(format_spec)
        self.used += self.factor * (room + spec_room(format_spec))
        if self.used > MAX_OUTPUT:
            raise too_long(self.what, self.used)
        return super().format_field(value, format_spec)


class BoundedEscapeFormatter(BoundedFormatter, EscapeFormatter):
    """``BoundedFormatter`` for ``Markup`` strings: values escaped, as Jinja's own sandbox does."""
