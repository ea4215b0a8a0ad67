"""Jinja built-ins that check their arguments with ``assert`` or raise ``RuntimeError``, checked here first.

Part of compose. Jinja's ``truncate`` filter asserts that the length is at least the end marker's, and
``cycler()`` with no items raises ``RuntimeError`` on ``next()``: neither is an error compose can place
in a template, and an ``assert`` is gone under ``python -O``. The versions here raise
``jinja2.TemplateRuntimeError`` with a message a template's author can act on, which compose turns into
``TEMPLATE:LINE: message`` like any other template error.
"""

from __future__ import annotations

from typing import Any

import jinja2
import jinja2.filters
import jinja2.utils


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@jinja2.pass_environment
def _filter_truncate(env: jinja2.Environment, value: Any, length: int = 255, killwords: bool = False,
                     end: str = "...", leeway: int | None = None) -> str:
    end_text = str(end)
    if _whole(length) and length < len(end_text):
        raise jinja2.TemplateRuntimeError(
            f"truncate: the length {length} is shorter than the end marker {end_text!r} ({len(end_text)} "
            f"characters); give a length of at least {len(end_text)} or a shorter end")
    if _whole(leeway) and leeway is not None and leeway < 0:
        raise jinja2.TemplateRuntimeError(f"truncate: the leeway must be 0 or more, got {leeway}")
    return str(jinja2.filters.do_truncate(env, value, length, killwords, end_text, leeway))


def _cycler(*items: Any) -> jinja2.utils.Cycler:
    if not items:
        raise jinja2.TemplateRuntimeError("cycler() needs at least one item to cycle through, e.g. cycler('a', 'b')")
    return jinja2.utils.Cycler(*items)


def check_builtins(env: jinja2.Environment) -> None:
    """Put the checked ``truncate`` filter and ``cycler()`` global in place of Jinja's in ``env``."""
    env.filters["truncate"] = _filter_truncate
    env.globals["cycler"] = _cycler
