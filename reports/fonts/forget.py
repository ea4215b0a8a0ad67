"""What to forget when the fonts on the machine change: every cache made from a font lookup registers here.

The face lookup is low in the package and the caches built from its answers (face names, subsets, a
writer's stylesheets) are above it: each registers its own ``cache_clear`` with ``on_forget``, so that
``reports.fonts.cjk.clear_cache`` reaches them all without importing any of them.
"""

from __future__ import annotations

from collections.abc import Callable

_FORGET: list[Callable[[], None]] = []


def on_forget(*clear: Callable[[], None]) -> None:
    """Call each of ``clear`` whenever the font lookups are forgotten."""
    _FORGET.extend(clear)


def forget_all() -> None:
    """Forget every registered cache."""
    for clear in _FORGET:
        clear()
