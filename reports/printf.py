"""printf-style format strings read the way Python reads them: one reader for every place that must know
what a ``%`` spec asks for (the template sandbox's size bound, a catalogue's placeholders).

A mapping key runs to its matching parenthesis, as Python counts them (``%(x(y)s)999999999s`` is the key
``x(y)s`` and the width 999999999); then flags, a width and a precision (digits, or ``*`` taken from the
arguments), length modifiers and the conversion. One pass over the text: a regular expression searched
again from every ``%(`` made ``%(%(%(...`` quadratic.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

FLAGS = "-+ #0"


@dataclass(frozen=True)
class Spec:
    """One ``%`` conversion of a format string."""

    key: str | None  # the mapping key, None for a positional conversion
    width: str  # its digits, "*" (from the arguments) or "" (none)
    precision: str  # the same after the "."
    conversion: str  # the conversion character; "%" for a literal per cent sign


def printf_specs(text: str) -> Iterator[Spec]:
    """Each conversion of ``text`` in order. Stops where Python would refuse the format: a key without its
    closing parenthesis, or a format that ends inside a spec."""
    end = len(text)
    i = text.find("%")
    while 0 <= i < end - 1:
        i += 1
        key: str | None = None
        if text[i] == "(":
            depth, start = 1, i + 1
            i += 1
            while i < end and depth:
                depth += (text[i] == "(") - (text[i] == ")")
                i += 1
            if depth:
                return
            key = text[start:i - 1]
        while i < end and text[i] in FLAGS:
            i += 1
        width, i = _number(text, i)
        precision = ""
        if i < end and text[i] == ".":
            precision, i = _number(text, i + 1)
        while i < end and text[i] in "hlL":
            i += 1
        if i >= end:
            return
        yield Spec(key, width, precision, text[i])
        i = text.find("%", i + 1)


def _number(text: str, i: int) -> tuple[str, int]:
    """The width or precision at ``i`` ("*", digits or "") and where it ends."""
    if text.startswith("*", i):
        return "*", i + 1
    end = i
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return text[i:end], end
