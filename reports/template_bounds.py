"""Bounded versions of everything in a template that can grow a value (part of compose's sandbox).

Each checks the size of its result *before* making it, from the sizes of what already exists, and
raises ``TemplateLimitError`` (``template_sizes``) when the result would pass the cap:

- the operators ``*``, ``**``, ``%``, ``+`` and ``~``, and the joins of template bodies;
- the methods of ``str``, ``bytes`` and ``bytearray`` that grow (``center`` ... ``zfill``, ``expandtabs``,
  ``replace``, ``join``, case changes, ``encode``, ``decode``, ``hex``, ``split`` into many items,
  ``format``);
- the filters that take a size (``batch``, ``slice``, ``center``, ``indent``, ``wordwrap``, ``format``,
  ``tojson(indent=...)``) or whose text is longer than their input (``tojson``, ``pprint``, ``urlencode``,
  ``escape``, ``xmlattr``, ``urlize``, case changes ...), and those that turn any iterable into a list.
"""

from __future__ import annotations

import codecs
import functools
import math
from collections.abc import Callable, Iterable, Sequence, Sized
from typing import Any

import jinja2
from markupsafe import Markup

from reports.template_formats import BoundedEscapeFormatter, BoundedFormatter, printf_room
from reports.template_sizes import (
    HUGE,
    MAX_ITEMS,
    MAX_OUTPUT,
    TemplateLimitError,
    case_room,
    check_int_bits,
    check_size,
    check_text,
    describe,
    html_room,
    json_room,
    n,
    repr_room,
    text_size,
    too_long,
    too_many,
    url_room,
    whole,
)

MAX_GROUPS = 100_000  # lists one filter may make (slice(n) makes n of them, even empty)
_TEXT = str | bytes | bytearray


# -- operators -----------------------------------------------------------------------------------------

def times(left: Any, right: Any) -> Any:
    """``*``: numbers by their digits, text and lists by their length and the text of their items."""
    if whole(left) is not None and whole(right) is not None:
        check_int_bits(left.bit_length() + right.bit_length(), "'*'")
    else:
        seq, count = (left, right) if whole(right) is not None else (right, left)
        if isinstance(seq, _TEXT | list | tuple) and whole(count) is not None and count > 1:
            check_size(seq, len(seq) * count, "'*'")
            if not isinstance(seq, _TEXT):  # a list's text, too, stays within the cap
                size = text_size(seq, MAX_OUTPUT // count + 1) * count
                if size > MAX_OUTPUT:
                    raise TemplateLimitError(f"'*' would make a list whose text has {n(size)} "
                                             f"characters; a template may produce at most {n(MAX_OUTPUT)}")
    return left * right


def power(left: Any, right: Any) -> Any:
    """``**``: the digits of the result, from the logarithm."""
    if whole(left) is not None and whole(right) is not None and right > 0 and abs(left) > 1:
        check_int_bits(int(right * math.log2(abs(left))), "'**'")
    return left ** right


def plus(left: Any, right: Any) -> Any:
    """``+`` of text, bytes, lists and tuples."""
    if isinstance(left, _TEXT | list | tuple) and isinstance(right, _TEXT | list | tuple):
        check_size(left, len(left) + len(right), "'+'")
        if not isinstance(left, _TEXT):
            size = text_size(left) + text_size(right)
            if size > MAX_OUTPUT:
                raise TemplateLimitError(f"'+' would make a list whose text has {n(size)} characters; "
                                         f"a template may produce at most {n(MAX_OUTPUT)}")
    return left + right


def modulo(left: Any, right: Any) -> Any:
    """``%`` on text or bytes: printf-style formatting, every spec read (``template_formats``)."""
    if isinstance(left, _TEXT):  # Markup escapes what it formats: five characters for one at most
        check_size(left, printf_room(left, right) * (5 if isinstance(left, Markup) else 1), "'%'")
    return left % right


def join(parts: Iterable[Any]) -> str:
    """Jinja's ``concat`` (template and macro bodies, {% set %} blocks): the pieces are already made."""
    items = parts if isinstance(parts, list | tuple) else list(parts)
    size = sum(len(item) for item in items if isinstance(item, str))
    if size > MAX_OUTPUT:
        raise too_long("joining text", size)
    return "".join(items)


def join_text(parts: Sequence[Any]) -> str:
    """``~``: each piece's text is checked before it is made."""
    for part in parts:
        check_text(part, "'~'")
    return join([p if isinstance(p, str) else str(p) for p in parts])


# -- methods of str, bytes and bytearray ---------------------------------------------------------------

def _replace_room(text: Any, old: object = None, new: object = None, count: object = -1) -> int:
    if not (isinstance(old, type(text)) and isinstance(new, type(text))):
        return len(text)
    hits = text.count(old) if old else len(text) + 1
    limit = whole(count)
    if limit is not None and limit >= 0:
        hits = min(hits, limit)
    return len(text) + hits * max(len(new) - len(old), 0)


def _codec_room(data: Any, encoding: object = "utf-8", errors: object = "strict", *, decode: bool) -> int:
    # Decoding makes at most one character of a byte, but for '\\xff' in place of a bad byte. Encoding
    # is measured piece by piece with Python's incremental codec (a piece never allocates much): a
    # replacement such as 'namereplace' makes one character into dozens, so nothing is assumed.
    if decode:
        return len(data) * (4 if errors == "backslashreplace" else 1)
    if len(data) * 100 <= MAX_OUTPUT or not isinstance(encoding, str) or not isinstance(errors, str):
        return 0
    try:
        encoder = codecs.getincrementalencoder(encoding)(errors)
    except LookupError:
        return 0  # the real call reports the unknown codec
    step = 1 << 16
    return sum(len(encoder.encode(data[start:start + step])) for start in range(0, len(data), step))


def _width_room(text: Any, width: object = 0, *_: object) -> int:
    return max(len(text), whole(width) or 0)


def _items_room(text: Any, sep: object = None, maxsplit: object = -1) -> int:
    # The items split() makes: one more than the separators (whitespace runs at most every other one).
    count: int = text.count(sep) + 1 if isinstance(sep, type(text)) and sep else len(text) // 2 + 1
    limit = whole(maxsplit)
    return min(count, limit + 1) if limit is not None and limit >= 0 else count


def _join_room(text: Any, items: Any = ()) -> int:
    return sum(len(i) for i in items if isinstance(i, _TEXT)) + len(text) * len(items)


# name -> (room of the result from the text and the call's arguments, True when it counts list items)
_METHOD_ROOMS: dict[str, tuple[Callable[..., int], bool]] = {
    **{name: (_width_room, False) for name in ("center", "ljust", "rjust", "zfill")},
    "expandtabs": (lambda t, size=8: len(t) + t.count("\t" if isinstance(t, str) else b"\t") * (whole(size) or 0),
                   False),
    "replace": (_replace_room, False),
    **{name: (lambda t, *a, **k: case_room(t) if isinstance(t, str) else len(t), False)
       for name in ("upper", "lower", "title", "capitalize", "swapcase", "casefold")},
    "encode": (lambda t, encoding="utf-8", errors="strict": _codec_room(t, encoding, errors, decode=False), False),
    "decode": (lambda t, encoding="utf-8", errors="strict": _codec_room(t, encoding, errors, decode=True), False),
    "hex": (lambda t, *a, **k: 3 * len(t), False),
    **{name: (_items_room, True) for name in ("split", "rsplit")},
    "splitlines": (lambda t, *a, **k: len(t) + 1, True),
}
REFUSED_STR_METHODS = frozenset({"translate", "maketrans"})  # a table can map one character to a book


def bounded_method(env: Any, value: Any) -> Callable[..., Any] | None:
    """The bounded stand-in for a method of a str, bytes or bytearray that can grow, or None (``env``:
    the sandbox, through which ``str.format`` reads the fields it is given)."""
    owner = getattr(value, "__self__", None)
    name = getattr(value, "__name__", "")
    if not isinstance(owner, _TEXT):
        return None
    what = f"{type(owner).__name__}.{name}()"
    if name == "join":
        def joined(items: Iterable[Any]) -> Any:
            listed = list(_bounded_items(items, what))
            check_size(owner, _join_room(owner, listed) * (5 if isinstance(owner, Markup) else 1), what)
            return value(listed)
        return joined
    if name in ("format", "format_map") and isinstance(owner, str):
        return _bounded_format(env, owner, name)
    if name not in _METHOD_ROOMS:
        return None
    room, counts_items = _METHOD_ROOMS[name]

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            size = room(owner, *args, **kwargs)
        except TypeError:
            size = 0  # the wrong arguments: the real call says what is wrong with them
        if counts_items:
            if size > MAX_ITEMS and len(owner) > MAX_ITEMS:
                raise too_many(what, size)
        else:
            check_size(owner, size, what)
        return value(*args, **kwargs)

    return call


def _bounded_format(env: Any, fmt: str, name: str) -> Callable[..., str]:
    # As Jinja's sandbox does it (fields read through the sandbox, Markup's values escaped), with the
    # formatter that bounds every field.
    def run(*args: Any, **kwargs: Any) -> str:
        what = f"str.{name}()"
        formatter = (BoundedEscapeFormatter(env, what, escape=fmt.escape) if isinstance(fmt, Markup)
                     else BoundedFormatter(env, what))
        if name == "format_map":
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one argument, a mapping")
            return type(fmt)(formatter.vformat(fmt, (), args[0]))
        return type(fmt)(formatter.vformat(fmt, args, kwargs))

    return run


# -- filters -------------------------------------------------------------------------------------------

def _bounded_items(value: Any, what: str) -> Iterable[Any]:
    # What a filter is about to turn into a list: counted as it is collected, so a long text or a
    # generator over one stops at the cap instead of making millions of items.
    if isinstance(value, Sized):
        if len(value) > MAX_ITEMS:
            raise too_many(what, len(value))
        return value  # type: ignore[return-value]  # Sized and, being a filter's value, iterable
    items = []
    for item in value:
        items.append(item)
        if len(items) > MAX_ITEMS:
            raise TemplateLimitError(f"{what} would make a list of more than {n(MAX_ITEMS)} items; "
                                     f"a template may make lists of at most {n(MAX_ITEMS)}")
    return items


def _passes(func: Callable[..., Any]) -> int:
    # How many leading arguments Jinja passes itself (the environment or context) to this filter.
    return 1 if hasattr(func, "jinja_pass_arg") else 0


def bounded_filter(name: str, func: Callable[..., Any], room: Callable[..., int] | None = None,
                   collects: bool = False) -> Callable[..., Any]:
    """``func`` with ``room(value, *args, **kwargs)`` (characters of its result) checked first, and with
    its value counted into a bounded list first when it ``collects`` one."""
    skip = _passes(func)

    @functools.wraps(func)  # keeps Jinja's pass_environment / pass_eval_context mark
    def run(*args: Any, **kwargs: Any) -> Any:
        if collects and len(args) > skip:
            args = (*args[:skip], _bounded_items(args[skip], name), *args[skip + 1:])
        if room is not None and len(args) > skip:
            try:
                size = room(*args[skip:], **kwargs)
            except TypeError:
                size = 0  # the wrong arguments: the filter itself says what is wrong
            if size > MAX_OUTPUT:
                raise too_long(name, size)
        return func(*args, **kwargs)

    return run


def _count(name: str, value: object, limit: int, what: str) -> None:
    number = whole(value)
    if number is not None and number > limit:
        raise TemplateLimitError(f"{name}({number if number < 10**15 else '…'}) would make {n(number)} {what}; "
                                 f"a template may make at most {n(limit)}")


def _batch_room(value: Any, linecount: object = 0, fill_with: object = None) -> int:
    _count("batch", linecount, MAX_ITEMS if fill_with is not None else HUGE, "items in a row")
    return 0


def _slice_room(value: Any, slices: object = 0, fill_with: object = None) -> int:
    _count("slice", slices, MAX_GROUPS, "lists")
    return 0


def _indent_width(indent: object) -> int:
    return whole(indent) or (len(indent) if isinstance(indent, str) else 0)


def _tojson_room(value: Any, indent: object = None) -> int:
    size = text_size(value, room=json_room)
    if indent is not None:  # every item on a line of its own, indented once per level
        size += text_size(value, indent=True) * (_indent_width(indent) + 1)
    return size


def _spaces(text: str) -> int:
    # At most how many whitespace characters ``text`` has (where pformat may break a long string).
    return sum(text.count(c) for c in " \t\n\r\x0b\x0c") if text.isascii() else len(text)


def _pprint_room(value: Any) -> int:
    # pformat puts a long string on several lines, split after whitespace, each a quoted piece.
    def room(text: str) -> int:
        return repr_room(text) + 4 * (_spaces(text) + 1)

    if isinstance(value, str):
        return room(value)
    return text_size(value, indent=True) + text_size(value, room=room)


def _text_room(room: Callable[[str], int]) -> Callable[..., int]:
    def measure(value: Any, *_: Any, **__: Any) -> int:
        return room(value) if isinstance(value, str) else text_size(value, room=room)
    return measure


def _indent_room(value: Any, width: object = 4, *_: Any, **__: Any) -> int:
    lines = value.count("\n") + 1 if isinstance(value, str) else text_size(value) + 1
    return text_size(value) + lines * _indent_width(width)


def _center_room(value: Any, width: object = 80) -> int:
    return max(text_size(value), whole(width) or 0)


def _format_room(value: Any, *args: Any, **kwargs: Any) -> int:
    check_text(value, "format")
    return printf_room(str(value), kwargs or args)


def _wordwrap_room(value: Any, width: object = 79, break_long_words: object = True,
                   wrapstring: object = None, *_: Any) -> int:
    columns = whole(width)
    if columns is None or columns < 1:
        raise ValueError(f"wordwrap: the width must be a whole number of at least 1, got {describe(width)}")
    joiner = len(wrapstring) if isinstance(wrapstring, str) else 1
    return text_size(value) * (1 + joiner)


def _urlize_room(value: Any, trim_url_limit: object = None, nofollow: object = False, target: object = None,
                 rel: object = None, extra_schemes: object = None) -> int:
    # Each link (at most one per two characters) gains its tag and attributes.
    extra = 40 + sum(len(s) for s in (target, rel) if isinstance(s, str))
    return text_size(value) * 2 + (text_size(value) // 2 + 1) * extra


_FILTER_BOUNDS: dict[str, tuple[Callable[..., int] | None, bool]] = {
    "batch": (_batch_room, True),
    "slice": (_slice_room, True),
    "list": (None, True),
    "sort": (None, True),
    "unique": (None, True),
    "groupby": (None, True),
    "reverse": (None, True),
    "tojson": (_tojson_room, False),
    "pprint": (_pprint_room, False),
    "urlencode": (_text_room(url_room), False),
    "escape": (_text_room(html_room), False),
    "e": (_text_room(html_room), False),
    "forceescape": (_text_room(html_room), False),
    "xmlattr": (_text_room(lambda s: html_room(s) + 4), False),
    "urlize": (_urlize_room, False),
    "string": (lambda value: text_size(value), False),
    "upper": (_text_room(case_room), False),
    "lower": (_text_room(case_room), False),
    "title": (_text_room(case_room), False),
    "capitalize": (_text_room(case_room), False),
    "center": (_center_room, False),
    "indent": (_indent_room, False),
    "format": (_format_room, False),
    "wordwrap": (_wordwrap_room, False),
}


def bounded_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Jinja's filters (``filters``), each one that can grow a value wrapped with its bound."""
    bounded = {name: bounded_filter(name, filters[name], room, collects)
               for name, (room, collects) in _FILTER_BOUNDS.items() if name in filters}
    bounded.update(join=_filter_join, replace=_filter_replace, sum=_filter_sum)
    return bounded


@jinja2.pass_environment
def _filter_join(env: jinja2.Environment, value: Iterable[Any], d: str = "", attribute: str | int | None = None) -> str:
    items = list(_bounded_items(value, "join"))
    if attribute is not None:
        items = [env.getattr(i, attribute) if isinstance(attribute, str) else i[attribute] for i in items]
    for item in items:
        check_text(item, "join")
    texts = [str(i) for i in items]
    check_size("", sum(map(len, texts)) + len(str(d)) * len(texts), "join")
    return str(d).join(texts)


def _filter_replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    check_text(value, "replace")
    text = str(value)
    check_size(text, _replace_room(text, old, new, -1 if count is None else count), "replace")
    return text.replace(old, new, -1 if count is None else count)


def _filter_sum(iterable: Iterable[Any], attribute: str | int | None = None, start: Any = 0) -> Any:
    items = list(_bounded_items(iterable, "sum"))
    if attribute is not None:
        items = [i[attribute] if isinstance(attribute, int) else getattr(i, attribute) for i in items]
    if isinstance(start, list | tuple | str):
        check_size(start, len(start) + sum(len(i) for i in items if isinstance(i, list | tuple | str)), "sum")
    return sum(items, start)
