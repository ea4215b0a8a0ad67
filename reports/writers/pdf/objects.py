"""PDF objects the writer makes by the hundred, formatted in fewer steps: the same bytes as reportlab's.

Part of write (PDF). reportlab formats every value of every dictionary through its generic ``format``
(a type test, then the ``extpdfdoc`` codec for each name and number): about 20 µs for each element of a
structure tree, which has one for every paragraph, cell and list item. ``Dictionary`` and ``Array``
are reportlab's ``PDFDictionary`` and ``PDFArray`` that format the values the structure tree and a
font's widths hold (names, integers, references, and dictionaries and arrays of them) directly, and hand
anything else (a ``PDFString``: alt text, a language) to reportlab's own ``format``. The bytes are
reportlab's, line breaks included (with ``rl_config.pdfMultiLine`` off, as it ships: on, reportlab's
own formatting is used); ``tests/writers/test_pdf_objects.py`` holds both to it.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

_BREAK = b"\n "  # what reportlab puts after every 6th entry of a dictionary and every 10th of an array


def value_bytes(value: Any, document: Any) -> bytes:
    """``value`` formatted as ``pdfdoc.format`` formats it inside a dictionary or an array."""
    kind = type(value)
    if kind is str and value.isascii() and value.isprintable():
        return str(value).encode("ascii")  # a name (``PDFName``): the pdfdoc codec leaves these as they are
    if kind is pdfdoc.PDFObjectReference:
        return b"%d %d R" % document.idToObjectNumberAndVersion[value.name]
    if kind is int:
        return b"%d" % value
    if (kind is Array or kind is pdfdoc.PDFArray) and value.multiline is True:
        return _array(value.sequence, document)
    if (kind is Dictionary or kind is pdfdoc.PDFDictionary) and value.multiline is True:
        return _dictionary(value.dict, document)
    if kind is float:
        return str(fp_str(value)).encode("ascii")
    formatted: bytes = pdfdoc.format(value, document)
    return formatted


def _dictionary(entries: dict[str, Any], document: Any) -> bytes:
    # PDFDictionary.format: the keys sorted (a plain dict), each "/Key value", a break after every sixth.
    if rl_config.pdfMultiLine:
        return bytes(pdfdoc.PDFDictionary(entries).format(document))
    lines = [(_KEYS.get(key) or _key(key, document)) + value_bytes(entries[key], document) for key in sorted(entries)]
    for at in reversed(range(6, len(lines), 6)):
        lines.insert(at, _BREAK)
    return b"<<\n" + b" ".join(lines) + b"\n>>"


_KEYS: dict[str, bytes] = {}  # a key -> "/Key " (the few keys these dictionaries have, made once)


def _key(key: str, document: Any) -> bytes:
    name = pdfdoc.format(pdfdoc.PDFName(key), document) + b" "
    if key.isascii() and key.isalnum() and len(_KEYS) < 256:  # PDFName leaves it as it is, in any document
        _KEYS[key] = name
    return bytes(name)


def _array(items: list[Any], document: Any) -> bytes:
    # PDFArray.format: the items, a break after every tenth (the break only beyond ten items).
    if rl_config.pdfMultiLine:
        return bytes(pdfdoc.PDFArray(items).format(document))
    parts = [value_bytes(item, document) for item in items]
    if len(parts) > 10:
        for at in reversed(range(10, len(parts), 10)):
            parts.insert(at, _BREAK)
    return b"[ " + b" ".join(parts) + b" ]"


class Dictionary(pdfdoc.PDFDictionary):  # type: ignore[misc]
    """A ``PDFDictionary`` formatted in fewer steps (same bytes)."""

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        if self.multiline is not True:
            return bytes(super().format(document, IND))
        return _dictionary(self.dict, document)


class Array(pdfdoc.PDFArray):  # type: ignore[misc]
    """A ``PDFArray`` formatted in fewer steps (same bytes)."""

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        if self.multiline is not True:
            return bytes(super().format(document, IND))
        return _array(self.sequence, document)


__all__ = ["Array", "Dictionary", "value_bytes"]
