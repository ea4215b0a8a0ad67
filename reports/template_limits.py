"""The bounded, immutable sandbox every template runs in: what a template may read, and what it may cost.

Part of compose. Jinja2's ``ImmutableSandboxedEnvironment`` already keeps templates away from Python's
internals and from changing lists and dicts; this module adds what a document build needs on top:

- data models are read through their fields and our own properties only (no ``model_dump``,
  ``model_copy``, ``parse_file`` ... of pydantic);
- operations that can make a huge value (``'a' * 10**9``, ``2 ** 10**9``, ``'%999999999d' % 1``,
  ``'x'.center(10**9)``, joins, ``~``) are checked *before* they run, so the value is never built;
- ``range`` is capped per call and per document, and the Markdown one template produces is capped
  while it is generated (``MAX_OUTPUT``).

Each breach raises ``TemplateLimitError``, which compose turns into ``TEMPLATE:LINE: message``.
"""

from __future__ import annotations

import contextvars
import math
import re
import string
import types
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel

from reports.i18n import printf_specs
from reports.template_builtins import check_builtins

MAX_OUTPUT = 10_000_000  # characters of Markdown one template may produce (and of any one string it makes)
MAX_ITEMS = 1_000_000  # items of a list or tuple a template may make with * or +
MAX_RANGE = 100_000  # items of one range()
MAX_RANGE_TOTAL = 1_000_000  # items of all range() calls of one document together (nested loops)
MAX_INT_BITS = 100_000  # about 30,000 digits: more than any document needs, far less than a gigabyte


class TemplateLimitError(jinja2.TemplateRuntimeError):
    """A template asked for more than a document may cost; compose adds the template's file and line."""

    where: tuple[str, int] | None = None  # set when the line is known otherwise than from the traceback


def _n(value: int) -> str:
    return f"{value:,}"


def _too_long(what: str, size: int) -> TemplateLimitError:
    return TemplateLimitError(
        f"{what} would make {_n(size)} characters; a template may produce at most {_n(MAX_OUTPUT)}")


# -- range --------------------------------------------------------------------------------------------

_range_used: contextvars.ContextVar[list[int]] = contextvars.ContextVar("reports_range_used")


def start_budget() -> contextvars.Token[list[int]]:
    """Start counting ``range`` items for one document; pass the token to ``end_budget``."""
    return _range_used.set([0])


def end_budget(token: contextvars.Token[list[int]]) -> None:
    """Stop counting for the document that ``start_budget`` began."""
    _range_used.reset(token)


def bounded_range(*args: int) -> range:
    """``range`` with at most ``MAX_RANGE`` items, and ``MAX_RANGE_TOTAL`` for the whole document.

    Counting when the range is made costs nothing per item, and it stops nested loops early.
    """
    for arg in args:
        if not isinstance(arg, int) or isinstance(arg, bool):
            raise TypeError(f"range() takes whole numbers, got {_describe(arg)}")
    items = range(*args)
    size = len(items)
    call = "range(" + ", ".join(str(a) if abs(a) < 10**15 else "…" for a in args) + ")"
    if size > MAX_RANGE:
        raise TemplateLimitError(f"{call} has {_n(size)} items; a template may loop over at most {_n(MAX_RANGE)}")
    used = _range_used.get(None)
    if used is not None:
        used[0] += size
        if used[0] > MAX_RANGE_TOTAL:
            raise TemplateLimitError(
                f"{call}: the template's loops over range() come to more than {_n(MAX_RANGE_TOTAL)} items")
    return items


# -- sizes before they are made -----------------------------------------------------------------------

def _describe(value: object) -> str:
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def _check_int_bits(bits: int, what: str) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateLimitError(f"{what} would make a number of about {_n(int(bits * 0.30103))} digits; "
                                 f"a template may use numbers of at most {_n(int(MAX_INT_BITS * 0.30103))}")


def _check_size(result: object, size: int, what: str) -> None:
    if isinstance(result, str):
        if size > MAX_OUTPUT:
            raise _too_long(what, size)
    elif size > MAX_ITEMS:
        raise TemplateLimitError(f"{what} would make a list of {_n(size)} items; "
                                 f"a template may make lists of at most {_n(MAX_ITEMS)}")


_CONTAINERS = (list, tuple, dict, set, frozenset)


def text_size(value: object, limit: int = MAX_OUTPUT) -> int:
    """About how many characters ``str(value)`` would make, counted without making it; the count stops
    a little past ``limit`` (so a list of a million references to one long string costs nothing)."""
    if isinstance(value, str):
        return len(value)
    size = 0
    stack = [value]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, str):
            size += len(item) + 4  # quotes and a separator in a list's text
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
            size += 2 + len(item)
        elif isinstance(item, _CONTAINERS):
            stack.extend(item)
            size += 2
        elif isinstance(item, int) and not isinstance(item, bool):
            size += item.bit_length() * 30103 // 100000 + 2
        else:
            size += 64  # dates, numbers, data objects: small (the data file itself is bounded)
    return size


def check_text(value: object, what: str) -> None:
    """Refuse to turn ``value`` into text when the text would pass the cap."""
    if not isinstance(value, str):
        size = text_size(value)
        if size > MAX_OUTPUT:
            raise _too_long(what, size)


def _times(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int):
        _check_int_bits(left.bit_length() + right.bit_length(), "'*'")
    else:
        seq, count = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(seq, str | list | tuple) and isinstance(count, int) and count > 1:
            _check_size(seq, len(seq) * count, "'*'")
            if not isinstance(seq, str):  # a list's text, too, stays within the cap
                size = text_size(seq, MAX_OUTPUT // count + 1) * count
                if size > MAX_OUTPUT:
                    raise TemplateLimitError(f"'*' would make a list whose text has {_n(size)} "
                                             f"characters; a template may produce at most {_n(MAX_OUTPUT)}")
    return left * right


def _power(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        _check_int_bits(int(right * math.log2(abs(left))), "'**'")
    return left ** right


def _plus(left: Any, right: Any) -> Any:
    if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
        _check_size(left, len(left) + len(right), "'+'")
        if not isinstance(left, str):
            size = text_size(left) + text_size(right)
            if size > MAX_OUTPUT:
                raise TemplateLimitError(f"'+' would make a list whose text has {_n(size)} characters; "
                                         f"a template may produce at most {_n(MAX_OUTPUT)}")
    return left + right


def _printf_widths(fmt: str, args: Any) -> int:
    # The room a printf-style format asks for: its widths and precisions, a '*' taking a number from
    # the arguments. Only an upper bound is needed, never the exact length.
    values = list(args) if isinstance(args, tuple) else [args]
    total = 0
    for _key, *numbers in printf_specs(fmt):  # one pass (a regular expression here was quadratic)
        for group in numbers:
            if group == "*":
                total += max((v for v in values if isinstance(v, int)), default=0)
            elif group:
                total += int(group) if len(group) < 16 else MAX_OUTPUT + 1
    return total


def _arg_length(args: Any) -> int:
    values = args.values() if isinstance(args, dict) else args if isinstance(args, tuple) else (args,)
    return sum(text_size(v) for v in values)


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        _check_size(left, len(left) + _arg_length(right) + _printf_widths(left, right), "'%'")
    return left % right


def _join(parts: Iterable[Any]) -> str:
    # Jinja's ``concat`` (template and macro bodies, {% set %} blocks) and ``~``: the pieces are already
    # made, so their lengths say what the join would cost.
    items = parts if isinstance(parts, list | tuple) else list(parts)
    size = 0
    for item in items:
        size += len(item) if isinstance(item, str) else 0
    if size > MAX_OUTPUT:
        raise _too_long("joining text", size)
    return "".join(items)


def _join_str(parts: Sequence[Any]) -> str:
    for part in parts:
        check_text(part, "'~'")
    return _join([p if isinstance(p, str) else str(p) for p in parts])


# -- str methods and filters that can grow text -------------------------------------------------------

def _width_bound(text: str, width: object, what: str) -> None:
    if isinstance(width, int) and width > MAX_OUTPUT:
        raise _too_long(what, width)
    del text


def _replace_bound(text: str, old: object, new: object, count: object = -1) -> int:
    if not (isinstance(old, str) and isinstance(new, str)):
        return len(text)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _format_bound(fmt: str, args: Sequence[Any], kwargs: dict[str, Any]) -> int:
    total = len(fmt) + _arg_length(tuple(args)) + _arg_length(kwargs)
    numbers = [v for v in (*args, *kwargs.values()) if isinstance(v, int)]
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return total  # str.format itself reports the broken format
    for _literal, _field, spec, _conversion in parsed:
        if spec:
            total += sum(int(d) if len(d) < 16 else MAX_OUTPUT + 1 for d in re.findall(r"\d+", spec))
            if "{" in spec:
                total += max(numbers, default=0)
    return total


def _bounded_str_method(text: str, name: str) -> Callable[..., Any]:
    method = getattr(text, name)
    what = f"str.{name}()"

    def call(*args: Any, **kwargs: Any) -> Any:
        if name in ("center", "ljust", "rjust", "zfill"):
            _width_bound(text, args[0] if args else kwargs.get("width"), what)
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            if isinstance(size, int):
                _check_size(text, len(text) + text.count("\t") * size, what)
        elif name == "replace":
            _check_size(text, _replace_bound(text, *args, **kwargs), what)
        elif name == "join" and args:
            items = list(args[0])
            _check_size(text, sum(len(i) for i in items if isinstance(i, str)) + len(text) * len(items), what)
            return method(items)
        return method(*args, **kwargs)

    return call


_GROWING_STR_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join"})
_REFUSED_STR_METHODS = frozenset({"translate", "maketrans"})  # a table can map one character to a book


def _filter_center(value: Any, width: int = 80) -> str:
    _width_bound(str(value), width, "center")
    return str(value).center(width)


def _filter_indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(value)
    step = width if isinstance(width, int) else len(str(width))
    _check_size(text, len(text) + (text.count("\n") + 1) * step, "indent")
    return str(jinja2.filters.do_indent(text, width, first, blank))


@jinja2.pass_environment
def _filter_join(env: jinja2.Environment, value: Iterable[Any], d: str = "", attribute: str | int | None = None) -> str:
    items = list(value)
    if attribute is not None:
        items = [env.getattr(i, attribute) if isinstance(attribute, str) else i[attribute] for i in items]
    texts = [str(i) for i in items]
    _check_size("", sum(map(len, texts)) + len(str(d)) * len(texts), "join")
    return str(d).join(texts)


def _filter_replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    text = str(value)
    _check_size(text, _replace_bound(text, old, new, -1 if count is None else count), "replace")
    return text.replace(old, new, -1 if count is None else count)


def _filter_format(value: Any, *args: Any, **kwargs: Any) -> str:
    if args and kwargs:
        raise TypeError("format: give positional or keyword arguments, not both")
    text = str(value)
    values = kwargs or args
    _check_size(text, len(text) + _arg_length(values) + _printf_widths(text, values), "format")
    return text % values


@jinja2.pass_environment
def _filter_wordwrap(env: jinja2.Environment, value: Any, width: int = 79, break_long_words: bool = True,
                     wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    if not isinstance(width, int) or isinstance(width, bool) or width < 1:
        raise ValueError(f"wordwrap: the width must be a whole number of at least 1, got {_describe(width)}")
    text = str(value)
    joiner = env.newline_sequence if wrapstring is None else str(wrapstring)
    _check_size(text, len(text) * (1 + len(joiner)), "wordwrap")
    return str(jinja2.filters.do_wordwrap(env, text, width, break_long_words, wrapstring, break_on_hyphens))


def _filter_sum(iterable: Iterable[Any], attribute: str | int | None = None, start: Any = 0) -> Any:
    items = list(iterable)
    if attribute is not None:
        items = [i[attribute] if isinstance(attribute, int) else getattr(i, attribute) for i in items]
    if isinstance(start, list | tuple | str):
        _check_size(start, len(start) + sum(len(i) for i in items if isinstance(i, list | tuple | str)), "sum")
    return sum(items, start)


def _filter_string(value: Any) -> str:
    check_text(value, "string")
    return str(value)


def _filter_pprint(value: Any) -> str:
    check_text(value, "pprint")
    return jinja2.filters.do_pprint(value)


BOUNDED_FILTERS: dict[str, Callable[..., Any]] = {
    "string": _filter_string,
    "pprint": _filter_pprint,
    "center": _filter_center,
    "indent": _filter_indent,
    "join": _filter_join,
    "replace": _filter_replace,
    "format": _filter_format,
    "wordwrap": _filter_wordwrap,
    "sum": _filter_sum,
}


# -- the environment -----------------------------------------------------------------------------------

_MODEL_NAMES: dict[type[BaseModel], frozenset[str]] = {}


def _model_names(cls: type[BaseModel]) -> frozenset[str]:
    # A data model's fields and the properties and methods our own model classes define; never
    # pydantic's API (model_dump, model_copy, model_validate, parse_file, json, schema ...).
    names = _MODEL_NAMES.get(cls)
    if names is None:
        found = set(cls.model_fields)
        for klass in cls.__mro__:
            if klass.__module__ == "reports.model":
                found.update(n for n in vars(klass) if not n.startswith("_") and n != "model_config")
        names = _MODEL_NAMES[cls] = frozenset(found)
    return names


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator with ``~`` routed through the bounded join."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.join_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with read-only data models and bounded costs (see the module)."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.binop_table.update({"*": _times, "**": _power, "%": _modulo, "+": _plus})
        self.globals["range"] = bounded_range
        self.globals.pop("lipsum", None)  # lipsum(n) is unbounded and never belongs in a document
        self.filters.update(BOUNDED_FILTERS)
        check_builtins(self)  # truncate and cycler() with located messages, not assert/RuntimeError
        self.filters.pop("random", None)  # output must be the same bytes on every build
        self.concat = _join  # type: ignore[method-assign]  # bodies of templates, macros and {% set %}
        self.join_text = _join_str

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, BaseModel):
            return attr in _model_names(type(obj))
        if isinstance(obj, str):
            if attr in _REFUSED_STR_METHODS:
                return False
        elif isinstance(obj, type) and issubclass(obj, BaseModel):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Callable[..., Any] | None:
        # The sandbox asks this of every attribute a template reads, and returns what it gives in
        # place of the attribute: the one cheap place to put bounds on str methods that grow text.
        if type(value) is not types.BuiltinMethodType or not isinstance(value.__self__, str):
            return None
        name = value.__name__
        if name in _GROWING_STR_METHODS:
            return _bounded_str_method(value.__self__, name)
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt: str = value.__self__
        is_map = name == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            mapping = args[0] if is_map and args and isinstance(args[0], dict) else kwargs
            _check_size(fmt, _format_bound(fmt, () if is_map else args, mapping), f"str.{name}()")
            return wrapped(*args, **kwargs)

        return bounded
