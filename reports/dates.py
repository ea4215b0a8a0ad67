"""Dates written in a locale: Babel's long form and its skeletons, with what CLDR leaves out.

Below everything that writes a date (the templates' ``longdate``, the timeline figure's labels and axis),
so that a document's text, its figure and its running footer write one date one way.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

HOUSE_ENGLISH = "en_GB"  # a bare "en" is British: day month year, as the tool printed before locales

# French writes the first of the month as an ordinal (« le 1er juillet »); CLDR's patterns have the
# cardinal ("1 juillet"). Every French date pattern starts with the day, so the fix is at the start.
_FRENCH_FIRST = re.compile(r"^1(?=[\s\u00a0\u202f])")


@lru_cache(maxsize=64)
def date_locale(tag: str) -> Locale:
    """Babel's locale for ``tag`` (a Babel identifier such as ``en_US`` or a BCP 47 tag such as
    ``en-US``); a bare ``en`` is British English, and a tag Babel does not know is too."""
    cleaned = tag.strip().replace("-", "_")
    if cleaned.lower() == "en":
        cleaned = HOUSE_ENGLISH
    try:
        return Locale.parse(cleaned)
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse(HOUSE_ENGLISH)


def format_day(day: dt.date, form: str, locale: Locale | str) -> str:
    """``day`` in ``locale``: ``form`` is ``"long"`` (``7 July 2023``, ``July 7, 2023``, ``2023年7月7日``,
    ``1er juillet 2023``) or a Babel date skeleton (``"yMMMd"``: ``7 Jul 2023``, ``Jul 7, 2023``,
    ``7 juil. 2023``, ``2023年7月7日``; ``"yMMM"``, ``"MMM"``, ``"MMMd"``, ``"y"``)."""
    from babel.dates import format_date, format_skeleton

    where = locale if isinstance(locale, Locale) else date_locale(locale)
    if form == "long":
        text = str(format_date(day, "long", locale=where))
    else:
        text = str(format_skeleton(form, day, locale=where))
    if where.language == "fr" and day.day == 1 and (form == "long" or "d" in form):
        text = _FRENCH_FIRST.sub("1er", text)
    return text


__all__ = ["HOUSE_ENGLISH", "date_locale", "format_day"]
