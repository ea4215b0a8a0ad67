"""The bounded, immutable sandbox every template runs in: what a template may read, and what it may cost.

Part of compose. Jinja2's ``ImmutableSandboxedEnvironment`` already keeps templates away from Python's
internals and from changing lists and dicts; this module adds what a document build needs on top:

- data models are read through their fields and our own properties only (no ``model_dump``,
  ``model_copy``, ``parse_file`` ... of pydantic);
- operations that can make a huge value (``'a' * 10**9``, ``2 ** 10**9``, ``'%999999999d' % 1``,
  ``'x'.center(10**9)``, ``b'x' * 10**9``, ``batch(10**9, fill_with=0)``, ``tojson``, joins, ``~``) are
  checked *before* they run, so the value is never built (``template_bounds``, from the sizes and
  format-string readings of ``template_sizes`` and ``template_formats``);
- ``range`` is capped per call and per document, and the Markdown one template produces is capped
  while it is generated (``MAX_OUTPUT``).

Each breach raises ``TemplateLimitError``, which compose turns into ``TEMPLATE:LINE: message``. These
checks are early warnings with a clear message; the memory cap around each render is the backstop.
"""

from __future__ import annotations

import contextvars
import types
from typing import Any

from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel

from reports.template_bounds import (
    REFUSED_STR_METHODS,
    bounded_filters,
    bounded_method,
    join,
    join_text,
    modulo,
    plus,
    power,
    times,
)
from reports.template_builtins import check_builtins
from reports.template_sizes import MAX_OUTPUT, TemplateLimitError, check_text, describe, n

__all__ = ["MAX_OUTPUT", "MAX_RANGE", "MAX_RANGE_TOTAL", "BoundedSandbox", "TemplateLimitError", "bounded_range",
           "check_text", "end_budget", "start_budget"]

MAX_RANGE = 100_000  # items of one range()
MAX_RANGE_TOTAL = 1_000_000  # items of all range() calls of one document together (nested loops)


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
            raise TypeError(f"range() takes whole numbers, got {describe(arg)}")
    items = range(*args)
    size = len(items)
    call = "range(" + ", ".join(str(a) if abs(a) < 10**15 else "…" for a in args) + ")"
    if size > MAX_RANGE:
        raise TemplateLimitError(f"{call} has {n(size)} items; a template may loop over at most {n(MAX_RANGE)}")
    used = _range_used.get(None)
    if used is not None:
        used[0] += size
        if used[0] > MAX_RANGE_TOTAL:
            raise TemplateLimitError(
                f"{call}: the template's loops over range() come to more than {n(MAX_RANGE_TOTAL)} items")
    return items


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
        self.binop_table.update({"*": times, "**": power, "%": modulo, "+": plus})
        self.globals["range"] = bounded_range
        self.globals.pop("lipsum", None)  # lipsum(n) is unbounded and never belongs in a document
        self.filters.update(bounded_filters(self.filters))
        check_builtins(self)  # truncate and cycler() with located messages, not assert/RuntimeError
        self.filters.pop("random", None)  # output must be the same bytes on every build
        self.concat = join  # type: ignore[method-assign]  # bodies of templates, macros and {% set %}
        self.join_text = join_text

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, BaseModel):
            return attr in _model_names(type(obj))
        if isinstance(obj, str):
            if attr in REFUSED_STR_METHODS:
                return False
        elif isinstance(obj, type) and issubclass(obj, BaseModel):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Any:
        # The sandbox asks this of every attribute a template reads, and returns what it gives in
        # place of the attribute: the one place to put bounds on the methods of text and bytes that
        # grow (format and format_map included, with a formatter that bounds every field).
        if not isinstance(value, types.MethodType | types.BuiltinMethodType):
            return None
        return bounded_method(self, value)
