"""Markdown escaping and the template filters (dates, lists in prose, numbers in words).

Part of compose. ``escape_markdown`` is the single data -> Markdown boundary; filters that build Markdown
themselves return ``MarkdownText`` so that it is not escaped a second time.

Dates, numbers and lists follow the document's locale (``reports.i18n.current``: ``--lang`` or the data's
``language``) through Babel; each of these filters also takes a ``locale`` (a BCP 47 tag) to ask for
another one. Babel has no number words: English ones are written here, Chinese ones too
(``chinese_number``); other languages get digits in the locale's style.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, NoReturn

from babel import Locale

from reports import i18n, punctuation
from reports.i18n import N_
from reports.money import Breakdown, Money, breakdown, format_amount, format_compact, totals
from reports.money import money as money_value

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# CommonMark lets a backslash escape any ASCII punctuation. Escaped: every character that Markdown,
# markdown-it's entities (&), our containers (:) or maths ($, which parse warns about) could read as
# syntax, and a dot after a digit or at the start (a "1." list). Not escaped: punctuation that is never
# syntax here (, ; ? ' " / and a dot in prose), since each escape costs the parser a token.
# A table escapes the characters and a pattern the dots (the table leaves a dot's neighbours as they
# were): both run at C speed, where one substitution of them all called Python once per escape.
_ESCAPED = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-!|~:&=$"})
_NUMBERED_DOT = re.compile(r"(?<![^0-9])\.")
# A match starts only where a run of whitespace starts: the same matches, but a long run without a
# line break is scanned once rather than once from each of its characters (quadratic: a title of
# 80,000 spaces took 28 s).
_BREAKS = re.compile(r"(?<!\s)\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")


class MarkdownText(str):
    """A string that is already Markdown: printed as it is, never escaped again."""

    __slots__ = ()


class Message(MarkdownText):
    """A translated label with its data filled in: Markdown (the data escaped) where the template prints
    it, and ``plain`` (the data as written) where it goes into the front matter (``yaml``)."""

    plain: str

    def __new__(cls, markdown: str, plain: str) -> Message:
        message = super().__new__(cls, markdown)
        message.plain = plain
        return message


def escape_markdown(text: str) -> str:
    """Return ``text`` as Markdown that reads back as exactly ``text`` (line breaks become spaces)."""
    text = _BREAKS.sub(" ", text)
    text = _NUMBERED_DOT.sub(r"\\.", text.translate(_ESCAPED))
    # Leading or trailing spaces would be trimmed by the parser, and tabs can open code blocks.
    text = text.replace("\t", " ")
    # Two spaces before the end of a template line would make a hard line break.
    return text.rstrip(" ") + " " if text.endswith("  ") else text


class FilterError(ValueError):
    """A filter was given a value of the wrong kind; compose adds the template's file and line."""


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def locale_of(name: str, locale: object = None) -> Locale:
    """Babel's locale for a filter: ``locale`` (a BCP 47 tag) when given, else the document's."""
    if locale is None:
        return i18n.current().locale
    if not isinstance(locale, str):
        raise FilterError(f"{name}: the locale must be a language tag such as 'en-GB', got {_shown(locale)}")
    try:
        return i18n.format_locale(locale)
    except ValueError:
        raise FilterError(f"{name}: unknown locale {_shown(locale)}; use a language tag such as 'en-GB'") from None


def longdate(value: dt.date | str | None, locale: str | None = None) -> str:
    """``2023-07-07`` -> ``7 July 2023`` (en, en-GB), ``July 7, 2023`` (en-US), ``2023年7月7日`` (zh-Hans,
    ja), ``7 juillet 2023`` (fr, and ``1er`` for the first): Babel's long date of the locale
    (``reports.dates``, which the timeline figure reads too); nothing (``None`` or ``""``) stays empty."""
    from reports.dates import format_day

    where = locale_of("longdate", locale)
    if value is None or value == "":
        return ""
    day = _parse_date(value) if isinstance(value, str) else value
    if not isinstance(day, dt.date):
        raise FilterError(f"longdate: expected a date (YYYY-MM-DD), got {_shown(value)}")
    if isinstance(day, dt.datetime):
        day = day.date()
    return format_day(day, "long", where)


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def isodate(value: dt.date | str | None) -> str:
    """``date(2023, 7, 7)`` -> ``2023-07-07``; nothing (``None`` or ``""``) stays empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat() if isinstance(value, str) else _not_a_date(value)
    except ValueError:
        return _not_a_date(value)


def _not_a_date(value: object) -> NoReturn:
    raise FilterError(f"isodate: expected a date (YYYY-MM-DD), got {_shown(value)}")


def _items(name: str, items: object) -> list[Any]:
    # A list, a tuple or what ``map``/``select`` make; never text (its letters) or a mapping (its keys).
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise FilterError(f"{name}: expected a list, got {_shown(items)}")
    return list(items)


_LIST_STYLES: dict[str, Literal["standard", "or"]] = {"and": "standard", "or": "or"}


def prose_list(items: Iterable[Any], conjunction: str = "and", locale: str | None = None) -> MarkdownText:
    """``[a, b, c]`` -> ``a, b and c`` (en), ``a、b和c`` (zh-Hans): Babel's list pattern of the locale, with
    ``"and"`` or ``"or"``; another conjunction is put between the last two items as it is written.
    Each item is escaped as data unless it is already Markdown."""
    from babel.lists import format_list

    values = _items("prose_list", items)
    if not isinstance(conjunction, str):
        raise FilterError(f"prose_list: the conjunction must be text, got {_shown(conjunction)}")
    where = locale_of("prose_list", locale)
    parts = [str(i) if isinstance(i, MarkdownText) else escape_markdown(str(i)) for i in values]
    if conjunction in _LIST_STYLES:
        return MarkdownText(format_list(parts, style=_LIST_STYLES[conjunction], locale=where) if parts else "")
    if len(parts) <= 2:
        return MarkdownText(f" {conjunction} ".join(parts))
    return MarkdownText(", ".join(parts[:-1]) + f" {conjunction} " + parts[-1])


def number_words(value: int, locale: str | None = None) -> str:
    """A whole number in words where the locale has them here: English ``7`` -> ``seven`` (0 to 999),
    Chinese ``7`` -> ``七`` (0 to 99,999,999; a lone 2 is the counting form 两, as in 两个领域); larger
    numbers, and every number in other languages, as digits in the locale's style (Babel has no
    spelled-out numbers)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise FilterError(f"number_words: expected a whole number, got {_shown(value)}")
    where = locale_of("number_words", locale)
    if where.language == "zh" and 0 <= value < 100_000_000:
        return "两" if value == 2 else chinese_number(value)
    if where.language != "en" or not 0 <= value < 1000:
        return number(value, locale=str(where))
    return _english_words(value)


def _english_words(value: int) -> str:
    if value < 20:
        return _ONES[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(value, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {_english_words(rest)}" if rest else "")


_ZH_DIGITS = "零一二三四五六七八九"


def chinese_number(value: int) -> str:
    """``105`` -> ``一百零五``, ``10`` -> ``十``, ``20300`` -> ``二万零三百``: the Chinese numeral of a whole
    number from 0 to 99,999,999, as a cardinal (a zero inside is read once; a leading 一十 is 十)."""
    if not 0 <= value < 100_000_000:
        raise ValueError(f"chinese_number: {value} is outside 0 to 99,999,999")
    if value == 0:
        return _ZH_DIGITS[0]
    high, low = divmod(value, 10_000)
    text = _zh_section(high) + "万" if high else ""
    if low:
        text += (_ZH_DIGITS[0] if high and low < 1000 else "") + _zh_section(low)
    return text[1:] if text.startswith("一十") else text


def _zh_section(value: int) -> str:
    # 1 to 9,999: digits with 千/百/十, one 零 for any run of zeros between two digits.
    out, gap = "", False
    for size, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, size)
        if digit:
            out += (_ZH_DIGITS[0] if gap else "") + _ZH_DIGITS[digit] + unit
            gap = False
        elif out:
            gap = True
    return out


def number(value: int | float, locale: str | None = None) -> str:
    """A number with the locale's separators: ``1234567`` -> ``1,234,567`` (en), ``1 234 567`` (fr)."""
    from babel.numbers import format_decimal

    if not isinstance(value, int | float) or isinstance(value, bool):
        raise FilterError(f"number: expected a number, got {_shown(value)}")
    return format_decimal(value, locale=locale_of("number", locale))


def _money_of(name: str, value: object, currency: object = None) -> Money:
    if isinstance(value, Money):
        return value
    amount = getattr(value, "amount", value)
    code = currency if currency is not None else getattr(value, "currency", None)
    try:
        return money_value(str(amount), str(code)) if isinstance(amount, str) and isinstance(code, str) else _no(name)
    except ArithmeticError:
        return _no(name, value)


def _no(name: str, value: object = None) -> NoReturn:
    raise FilterError(f"{name}: expected a commitment, a total or an amount with its currency, got {_shown(value)}")


def money_totals(items: Iterable[Any]) -> list[Money]:
    """The commitments' exact totals per currency, in the order each currency is first met."""
    return totals(_money_of("money_totals", item) for item in _items("money_totals", items))


def money(value: object, currency: str | None = None, locale: str | None = None) -> str:
    """A commitment, a total or an amount (with ``currency``) in full, as the locale writes it:
    ``€45,000,000.00`` (en), ``45 000 000,00 €`` (fr); never rounded."""
    return format_amount(_money_of("money", value, currency), locale_of("money", locale))


def money_short(value: object, currency: str | None = None, locale: str | None = None) -> str:
    """A total in the locale's short words where they are exact: ``EUR 45 million``, ``EUR 4500万``."""
    return format_compact(_money_of("money_short", value, currency), locale_of("money_short", locale))


def money_chart(items: Iterable[Any], currency: str) -> Breakdown:
    """The commitments in ``currency`` summed by party and kind, for a ```` ```chart ```` block."""
    return breakdown(((str(c.party), str(c.kind), _money_of("money_chart", c)) for c in _items("money_chart", items)),
                     str(currency))


def capitalize_first(text: str) -> str:
    """Upper-case the first letter only (unlike ``capitalize``, which lowers the rest).

    A first word that already mixes cases (``iPhone``, ``eBay``) is a name and stays as written.
    """
    if not isinstance(text, str):
        raise FilterError(f"capitalize_first: expected text, got {_shown(text)}")
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if any(c.isupper() for c in first):
        return text
    if isinstance(text, Message):  # a label with data in it stays one (Markdown here, plain in YAML)
        return Message(text[:1].upper() + text[1:], text.plain[:1].upper() + text.plain[1:])
    if isinstance(text, MarkdownText):
        return MarkdownText(text[:1].upper() + text[1:])
    return text[:1].upper() + text[1:]


def yaml_value(value: Any) -> MarkdownText:
    """Quote a value for the template's YAML front matter (JSON is valid YAML)."""
    if isinstance(value, Message):
        value = value.plain  # a label with data in it: the data as written, never Markdown-escaped
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, list | tuple):
        return MarkdownText(json.dumps([str(v) for v in value], ensure_ascii=False))
    return MarkdownText(json.dumps("" if value is None else str(value), ensure_ascii=False))


NAME_WITH_LOCAL = N_("%(name)s (%(local)s)")  # brackets as the labels' language writes them: 张勇（Zhang Yong）


def with_local(name: str | None, local: str | None) -> str:
    """``Zhang Yong`` + ``张勇`` -> ``Zhang Yong (张勇)``; a name given once is printed once. The brackets
    are the catalogue's (full-width in Chinese documents).

    Plain text: still escaped when printed.
    """
    for label, value in (("the name", name), ("the local name", local)):
        if value is not None and not isinstance(value, str):
            raise FilterError(f"with_local: {label} must be text, got {_shown(value)}")
    if not name:
        return local or ""
    if not local or local == name:
        return name
    pattern = i18n.current().gettext(NAME_WITH_LOCAL)
    if i18n.placeholders(pattern) != {"name", "local"}:
        pattern = NAME_WITH_LOCAL
    return pattern % {"name": name, "local": local}


def party_label(party: Any) -> str:
    """A party as ``name (local name)``, for lists of parties (either name alone if only one is given)."""
    from reports.model import Party

    if not isinstance(party, Party):
        raise FilterError(f"party_label: expected a party (an item of data.parties), got {_shown(party)}")
    return with_local(party.name, party.local_name) if party.name else party.label


def _forms(value: object) -> tuple[str, str]:
    # (Markdown, plain) of a value: data is escaped, a template's Markdown and a label stay as they are.
    if isinstance(value, Message):
        return str(value), value.plain
    if isinstance(value, MarkdownText):
        return str(value), str(value)
    text = "" if value is None else str(value)
    return escape_markdown(text), text


def followed_by(text: object, after: object) -> Message:
    """``text`` then ``after``, with the punctuation where they meet settled (``reports.punctuation``):
    ``"Systems K.K." | followed_by(".")`` gives ``Systems K.K.``, ``"the records." | followed_by(": A")``
    gives ``the records: A``. ``text`` is data (escaped) unless it is already Markdown; ``after`` is the
    template's own text (a label or a literal, Markdown as written). Labels join their data this way by
    themselves (``%(names)s.``); this filter is for data that meets punctuation outside a label."""
    if not isinstance(after, str):
        raise FilterError(f"followed_by: expected the text that follows, got {_shown(after)}")
    if text is not None and not isinstance(text, str):
        raise FilterError(f"followed_by: expected text, got {_shown(text)}")
    left, left_plain = _forms(text)
    right, right_plain = (str(after), after.plain) if isinstance(after, Message) else (str(after), str(after))
    return Message(punctuation.join(left, right), punctuation.join(left_plain, right_plain))


def sentence(text: object) -> Message:
    """``text`` ending as a sentence: its own ``.``, ``?``, ``!``, ``…`` or ``。`` kept, else a full stop
    added in the script it follows (``。`` after Chinese or Japanese, ``.`` otherwise)."""
    if text is not None and not isinstance(text, str):
        raise FilterError(f"sentence: expected text, got {_shown(text)}")
    left, left_plain = _forms(text)
    if not left_plain.strip():
        return Message(left, left_plain)
    stop = punctuation.sentence_stop(left_plain)
    return Message(punctuation.join(left, stop), punctuation.join(left_plain, stop))


def party_in_text(party: Any) -> str:
    """A party as a sentence names it: ``party_label`` with "the" before an English name that takes it
    (``Party.takes_the``: the Zhejiang Provincial Government, but Alibaba Group) when the document's
    labels are English (its language, or one no catalogue translates); other languages take no article.
    At the start of a sentence, follow it with ``capitalize_first`` ("The Zhejiang ...")."""
    label = party_label(party)
    if party.takes_the and _english():
        return "the " + label
    return label


def _english() -> bool:
    # The sentence the value goes into is English when the document is, and when no catalogue translates
    # its labels (they stay the English msgids: "signed an interim agreement" needs its article).
    current = i18n.current()
    return bool(current.locale.language == "en" or not current.catalogues)


_ARTICLES = ("a ", "an ", "the ", "this ", "that ", "one ", "another ", "its ", "their ")
_CONSONANT_SOUND = re.compile(r"(?:one\b|once|uni|use|usu|uti|ura|ure|uro|eu|ewe|u-|ubiq|uk\b)", re.IGNORECASE)
_VOWEL_SOUND = re.compile(r"(?:hour|honest|honou?r|heir)", re.IGNORECASE)
_EIGHT = re.compile(r"(?:8|1[18](?![0-9])|1[18](?:,\d{3})+(?![0-9]))")


def indefinite(phrase: object) -> str:
    """``interim agreement`` -> ``an interim agreement``, ``memorandum of understanding`` -> ``a memorandum
    of understanding`` when the document's labels are English (the article by the sound: ``an MoU``,
    ``a university``, ``an hour``, ``an 8-year plan``); a phrase that has an article already, and every
    phrase in another language, as it is."""
    if not isinstance(phrase, str):
        raise FilterError(f"indefinite: expected text, got {_shown(phrase)}")
    text = phrase.strip()
    if not text or not _english() or text.casefold().startswith(_ARTICLES):
        return phrase
    word = text.split()[0].lstrip("\"'‘“([«*_")
    if not word or not (word[0].isdigit() or "LATIN" in unicodedata.name(word[0], "")):
        return phrase  # a phrase in another script: which article it takes is not for us to guess
    return ("an " if _takes_an(word) else "a ") + text


def _takes_an(word: str) -> bool:
    letters = re.split(r"[^\w&]", word)[0]
    if sum(c.isupper() for c in letters) >= 2 and letters[0].isupper():
        return word[0] in "AEFHILMNORSX"  # letters said one by one: an MoU, an NDA, a UN body
    if word[0].isdigit():
        return _EIGHT.match(word) is not None
    if _CONSONANT_SOUND.match(word):
        return False
    return word[0].casefold() in "aeiou" or _VOWEL_SOUND.match(word) is not None


def markdown(value: str) -> MarkdownText:
    """Mark template-written Markdown (a macro's output) as such, so that it is not escaped again.

    Like Jinja's ``safe`` for HTML: use it on what a template wrote, never on data.
    """
    if not isinstance(value, str):
        raise FilterError(f"markdown: expected text written by the template, got {_shown(value)}")
    return MarkdownText(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "longdate": longdate,
    "isodate": isodate,
    "prose_list": prose_list,
    "number_words": number_words,
    "number": number,
    "capitalize_first": capitalize_first,
    "yaml": yaml_value,
    "with_local": with_local,
    "party_label": party_label,
    "markdown": markdown,
    "party_in_text": party_in_text,
    "indefinite": indefinite,
    "followed_by": followed_by,
    "sentence": sentence,
    "money_totals": money_totals,
    "money": money,
    "money_short": money_short,
    "money_chart": money_chart,
}

# Filters whose result depends on the document's locale: compose keeps Jinja from working them out once
# when it compiles a template ({{ 7 | number_words }} would otherwise be "seven" in every language).
LOCALE_FILTERS = frozenset({"longdate", "prose_list", "number_words", "number", "with_local", "party_label",
                            "party_in_text", "indefinite", "money", "money_short"})
