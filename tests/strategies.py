"""Hypothesis strategies for agreements, derived from the pydantic model (reports/model.py).

The strategy walks ``model_fields`` of ``Agreement`` and of every section model it meets, so a field
added to the model is drawn without touching this file: optional fields are absent, ``null`` or set;
lists have 0 to many items (a rare large one); text is Latin, CJK, Hebrew/Arabic, emoji, combining marks,
invisible format characters, Markdown- or markup-looking snippets, every kind of quotation mark and
apostrophe, and words that make a party's name take "the"; one value in five ends in a mark of its own
(``. K.K. ? ! … 。 ！ : ; ） ” »`` ...); lengths are mostly short, some
around the 255 mark (the DOCX property limit), some up to 2,000, and in about one agreement of a hundred
one value has 10,000 up to the model's limit of 100,000 characters. Dates include 0001-01-01 and
9999-12-31.

What the field types cannot say is written here once, by the name of the model's validator that needs it
(``VALIDATOR_FIXUPS`` and ``UNIQUE_BY``); ``tests/test_generative.py`` checks that every validator of the
model has an entry, so a new rule in the model is noticed instead of silently filtered away.

Only characters the model accepts are drawn: no C0/C1 control characters, lone surrogates, U+FFFE or
U+FFFF (see ``_text_problems`` in reports/load.py); tab, line feed and carriage return are allowed.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import random
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

import annotated_types
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, BeforeValidator, StringConstraints, WithJsonSchema
from pydantic.fields import FieldInfo

from reports import model as m
from reports import money

Data = dict[str, Any]

# --------------------------------------------------------------------------- characters


def _chars(*ranges: tuple[int, int]) -> list[str]:
    return [chr(c) for lo, hi in ranges for c in range(lo, hi + 1)]


LATIN = (_chars((0x41, 0x5A), (0x61, 0x7A), (0x30, 0x39), (0xC0, 0xFF), (0x100, 0x17F))
         + list("–—‘’“”…€•·©®°±×÷¿¡"))
CJK = _chars((0x4E00, 0x4E80), (0x6C5F, 0x6C60), (0x3041, 0x3060), (0x30A1, 0x30C0), (0xAC00, 0xAC20),
             (0xFF10, 0xFF19), (0xFF21, 0xFF3A)) + list("、。「」『』《》浙江大学阿里巴巴集团省人民政府")
HEBREW = _chars((0x05D0, 0x05EA))
ARABIC = _chars((0x0621, 0x063A), (0x0641, 0x064A), (0x0660, 0x0669))
ARABIC_MARKS = _chars((0x064B, 0x0652))
COMBINING = _chars((0x0300, 0x036F))
EMOJI = [*_chars((0x1F600, 0x1F64F), (0x1F300, 0x1F320)), "👩\u200d💻", "🇨🇳", "👍🏽", "❤\ufe0f", "☃", "✓"]
# Format characters the model accepts and that draw nothing: joiners, direction marks, soft hyphen, BOM.
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad"]
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\n\n", "\u00a0", "\u3000", "\u2028", "\u2003"]
MARKUP = ["*", "**", "_", "__", "#", "# ", "## x", "`", "```", "~~", "<font color=\"red\">", "</font>",
          "<b>", "<br/>", "<para>", "<a href=\"http://x\">", "]]>", "<![CDATA[", "<!-- x -->", "{{ 7*7 }}",
          "{% include 'x' %}", "{#", "&", "&amp;", "&lt;", "&#0;", "&#x41;", "%", "%s", "%(x)s", "100%",
          "|", "||", ":::", "::: quote", "\\newpage", "\\", "[x](http://a.b)", "![i](x.png)", "1.", "2)",
          "- ", "+ ", "> ", "---", "***", "-- ", "\"", "'", ":", ": value", "\\*", "<", ">", "=", "=="]
# A character outside the Basic Multilingual Plane's CJK block: no configured font draws it.
RARE = ["𠀀", "𝒜", "\U0010fffd"]
# What a proofreader catches where data meets a template: text that ends in its own mark (ASCII, CJK,
# typographic, an abbreviation, a closing quote or bracket), every kind of quotation mark and apostrophe,
# and the words that make a party's name take "the" (reports/punctuation.py, reports/parse/quotes.py).
ENDINGS = [".", " K.K.", " Inc.", "?", "!", "…", "...", "。", "！", "？", ":", ";", ",", "、", "：", "）", ")",
           ".”", "”", "’", "»", "」", "?!"]
QUOTES = ['"', "'", "“", "”", "‘", "’", "„", "‚", "«", "»", "‹", "›", "「", "」", "『", "』", "O'Hara", "don't",
          "parties'", "'90s", '5\'10"', '"quoted"', "'single'", '"a \'nested\' one"', "« guillemets »", "「括弧」"]
ARTICLE_WORDS = ["The", "Ministry of", "Government", "University of", "Council", "UNESCO", "Bank", "of"]


def _words(alphabet: list[str], count: int, longest: int, seed: int) -> list[str]:
    # A fixed vocabulary, made once: drawing each character through hypothesis would cost more than
    # rendering the document. Hypothesis still chooses which words, how many and how long the value is.
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest))) for _ in range(count)]


_LATIN_WORDS = ["Cooperation", "a", "digital", "économie", "Zürich", "Łódź", "x", "I", "AI-driven", "5G",
                *_words(LATIN, 150, 12, 1)]
_COMBINED = [w + "".join(random.Random(i).sample(COMBINING, 1 + i % 3))
             for i, w in enumerate(_words(LATIN, 30, 3, 2))]
VOCABULARY: list[str] = [
    *_LATIN_WORDS,
    *[" "] * 40, *SPACES,
    *_words(CJK, 60, 8, 3),
    *_words(HEBREW, 20, 6, 4),
    *_words(ARABIC, 20, 6, 5),
    *[w + ARABIC_MARKS[i % len(ARABIC_MARKS)] for i, w in enumerate(_words(ARABIC, 8, 4, 6))],
    *EMOJI[::3], *EMOJI[-6:],
    *_COMBINED,
    *MARKUP,
    *INVISIBLE,
    *RARE,
    *ENDINGS, *QUOTES, *ARTICLE_WORDS,
]
"""Pieces of text: words in each script, spaces, emoji, combining marks, snippets that look like markup.
Plain Latin words come first, so that hypothesis shrinks a failing value towards them."""

PIECES: st.SearchStrategy[str] = st.sampled_from(VOCABULARY)

# A text value is a short seed of pieces, repeated to the drawn length: long values cost hypothesis
# no more than short ones (drawing 2,000 characters one by one would exceed its data budget).
SHORT, AROUND_255, LONG = (1, 60), (250, 262), (263, 2000)
GIANT = (10_000, 100_000)


def _fit(seed: str, length: int) -> str:
    if len(seed) >= length:
        return seed[:length]
    return (seed * (length // len(seed) + 1))[:length]


def _valid_text(value: str, min_length: int, max_length: int) -> str:
    # The model strips surrounding whitespace before it checks the length: keep what validates.
    value = value[:max_length]
    if len(value.strip()) < min_length:
        value = (value.strip() + "x" * min_length)[:max_length] if min_length else value
    return value


@st.composite
def texts(draw: st.DrawFn, min_length: int = 1, max_length: int = 100_000,
          long_up_to: int = 2000) -> str:
    """Text the model accepts: mostly short, sometimes just past 255 characters, sometimes up to
    ``long_up_to`` (2,000) characters, and from any of the alphabets above."""
    seed = "".join(draw(st.lists(PIECES, min_size=1, max_size=10)))
    bucket = draw(st.integers(0, 19))
    if bucket < 15:
        low, high = SHORT
    elif bucket < 17:
        low, high = AROUND_255
    else:
        low, high = LONG[0], long_up_to
    high = min(high, max_length)
    low = min(low, high)
    length = draw(st.integers(low, high))
    value = _fit(seed, length) if bucket >= 15 else seed[:length]
    if draw(st.integers(0, 4)) == 0:  # a phrase that ends in a mark of its own ("Systems K.K.", "。")
        value = value.rstrip()[: max(max_length - 4, 0)] + draw(st.sampled_from(ENDINGS))
    return _valid_text(value, max(min_length, 1), max_length)


def giant_text(length: int) -> str:
    """A very long value with words, CJK and markup, ``length`` characters long."""
    seed = "Cooperation & growth 100% <b>*data*</b> 浙江 # mundo é\u0301 — "
    return _fit(seed, length).strip() or "x"


# Long runs of whitespace and repeats between two words: what a regular expression that backtracks
# (``\s*[\r\n]+\s*`` on 80,000 spaces took 28 s) or a layout that starts again meets at its worst.
WHITESPACE_RUNS = (" ", "\r\n", " \n", "\t ", "\u3000", "ab")


def whitespace_text(run: str, length: int) -> str:
    """``length`` characters: a word, ``run`` repeated, a word (e.g. 50,000 spaces, 25,000 "\\r\\n")."""
    return "start " + _fit(run, max(length - 10, 1)) + " end"


# --------------------------------------------------------------------------- URLs

_URL_CHARS = [*"abcdefghijklmnopqrstuvwxyz0123456789-._~/?#[]@!$&'()*+,;=%:", "%20", "%zz", "é", "浙", "😀"]


@st.composite
def urls(draw: st.DrawFn, max_length: int = 2000) -> str:
    """Web addresses the model accepts (http or https, no spaces), with ``&``, ``%``, parentheses and
    non-ASCII characters, from 12 characters up to ``max_length``."""
    scheme = draw(st.sampled_from(["https://", "http://", "HTTPS://"]))
    host = draw(st.from_regex(r"[a-z0-9]{1,20}(\.[a-z]{2,6}){1,2}", fullmatch=True))
    path = "".join(draw(st.lists(st.sampled_from(_URL_CHARS), max_size=40)))
    url = f"{scheme}{host}/{path}"
    if draw(st.integers(0, 9)) == 0:  # rarely at the model's limit
        url = _fit(url + "?q=a&b=100%25&c=", max_length)
    url = url[:max_length]
    while len(url) < 12:
        url += "x"
    return url


# --------------------------------------------------------------------------- dates and numbers

EXTREME_DATES = [dt.date.min, dt.date.max, dt.date(2000, 2, 29), dt.date(1970, 1, 1)]
DATES = st.one_of(st.sampled_from(EXTREME_DATES), st.dates())


def _date_data(value: dt.date) -> str:
    return value.isoformat()  # as JSON has it; YAML's unquoted dates load as date objects, both validate


# --------------------------------------------------------------------------- money

AMOUNT_LIMIT = int(money.MAX_AMOUNT)


@st.composite
def amounts(draw: st.DrawFn) -> str:
    """An amount as decimal text, from 1 to 10^15: whole numbers mostly (round ones often, the limits
    sometimes), some with a fraction of one to four digits."""
    whole = draw(st.one_of(st.integers(1, AMOUNT_LIMIT), st.sampled_from([1, AMOUNT_LIMIT, 45_000_000]),
                           st.builds(lambda d, e: d * 10 ** e, st.integers(1, 999), st.integers(0, 12))))
    if whole >= AMOUNT_LIMIT or draw(st.integers(0, 3)):
        return str(whole)
    fraction = draw(st.from_regex(r"[0-9]{1,4}", fullmatch=True))
    return f"{whole}.{fraction}"


@st.composite
def commitment_lists(draw: st.DrawFn, most: int = 50) -> list[Data]:
    """0 to ``most`` (50) commitments in 1 to 5 currencies; ``_commitments_refer`` points their
    references at what the agreement has."""
    codes = draw(st.lists(st.sampled_from(sorted(money.currencies())), min_size=1, max_size=5, unique=True))
    items = draw(st.lists(model_dicts(m.Commitment), max_size=most))
    for item in items:
        item["currency"] = draw(st.sampled_from(codes))
    return items


# --------------------------------------------------------------------------- the walk over the model

# Strings with their own check (an AfterValidator) and the strategy that draws valid ones, by the
# check's function name.
VALIDATED_STRINGS: dict[str, Callable[[int], st.SearchStrategy[str]]] = {
    "_check_url": lambda max_length: urls(max_length),
    "check_amount": lambda _: amounts(),
    "check_currency": lambda _: st.sampled_from(sorted(money.currencies())),
}
SMALL_LIST = 3
LIST_MAX = 20
LARGE_LIST = (50, 300)
LARGE_LIST_CHARS = 60_000


def _constraints(metadata: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, StringConstraints):
            for key in ("min_length", "max_length", "pattern"):
                if getattr(item, key) is not None:
                    found[key] = getattr(item, key)
        elif isinstance(item, annotated_types.MinLen):
            found["min_length"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            found["max_length"] = item.max_length
        elif isinstance(item, annotated_types.Ge):
            found["ge"] = item.ge
        elif isinstance(item, annotated_types.Le):
            found["le"] = item.le
        elif isinstance(item, annotated_types.Gt):
            found["ge"] = item.gt + 1  # type: ignore[operator]
        elif isinstance(item, annotated_types.Lt):
            found["le"] = item.lt - 1  # type: ignore[operator]
        elif isinstance(item, AfterValidator):
            found["validator"] = item.func.__name__
        elif isinstance(item, BeforeValidator | WithJsonSchema):
            pass  # a friendlier refusal of what the type refuses anyway (a bare number), the schema's words
        elif isinstance(item, annotated_types.Interval):
            found.update({k: v for k, v in (("ge", item.ge), ("le", item.le)) if v is not None})
        else:
            raise TypeError(f"tests/strategies.py does not know the constraint {item!r}; teach it")
    return found


# A local name's language: East Asian tags and others often; any tag the pattern allows otherwise.
LANGUAGE_TAGS = ["en", "en-US", "fr", "ja", "zh-Hans", "zh-Hant", "ko", "pt-BR"]


def _pattern_strategy(pattern: str, min_length: int, max_length: int | None) -> st.SearchStrategy[str]:
    drawn = st.from_regex(pattern, fullmatch=True)
    if max_length is not None:
        drawn = drawn.map(lambda s: s if len(s) <= max_length else "")
        at_limit = "".join(["a"] * max_length)
        if re.fullmatch(pattern, at_limit):
            # The longest value the pattern and the length allow, in random letters and digits.
            drawn = st.one_of(drawn, st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"),
                                             min_size=max_length, max_size=max_length))
    return drawn.filter(lambda s: len(s) >= max(min_length, 1) and re.fullmatch(pattern, s) is not None)


def value_strategy(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    """A strategy for one value of type ``annotation`` (with pydantic ``metadata``), as plain data."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return value_strategy(base, [*extra, *metadata])
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        drawn = st.one_of(*(value_strategy(a, metadata) for a in options))
        return st.one_of(st.none(), drawn) if len(options) < len(typing.get_args(annotation)) else drawn
    c = _constraints(metadata)
    if origin is Literal:
        return st.sampled_from(typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation)
        return _lists(value_strategy(item, []), c.get("min_length", 0), c.get("max_length"))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_dicts(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from([e.value for e in annotation])
    if annotation is dt.date:
        return DATES.map(_date_data)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(c.get("ge"), c.get("le"))
    if annotation is str:
        max_length = c.get("max_length")
        if "validator" in c:
            if c["validator"] not in VALIDATED_STRINGS:
                raise TypeError(f"tests/strategies.py has no strategy for strings checked by {c['validator']}")
            return VALIDATED_STRINGS[c["validator"]](max_length or 2000)
        if "pattern" in c:
            return _pattern_strategy(c["pattern"], c.get("min_length", 0), max_length)
        return texts(c.get("min_length", 0), max_length or 100_000)
    raise TypeError(f"tests/strategies.py cannot draw values of type {annotation!r}; teach it")


@st.composite
def _lists(draw: st.DrawFn, item: st.SearchStrategy[Any], min_size: int, max_size: int | None,
           unique_key: tuple[str, ...] | None = None) -> list[Any]:
    """0 to 3 items mostly, up to 20 often, and in one list of forty 50 to 300 (within the field's
    limits). A large list repeats a few drawn items (cheap to draw) with their unique key numbered."""
    unique_by = _unique_key(unique_key) if unique_key else None
    bucket = draw(st.integers(0, 39))
    usual = SMALL_LIST if bucket < 28 else LIST_MAX
    if max_size is not None:
        usual = min(usual, max_size)
    low, high = LARGE_LIST
    if max_size is not None:
        high = min(high, max_size)
    if bucket != 20 or high <= usual:
        return draw(st.lists(item, min_size=min_size, max_size=max(usual, min_size), unique_by=unique_by))
    pool = draw(st.lists(item, min_size=1, max_size=4, unique_by=unique_by))
    # Long items make short large lists: about LARGE_LIST_CHARS characters at most, in the time budget.
    item_chars = max(len(repr(value)) for value in pool)
    high = max(min(high, LARGE_LIST_CHARS // item_chars), min_size, 1)
    size = draw(st.integers(max(min(low, high), min_size), high))
    out = []
    for i in range(size):
        value = copy.deepcopy(pool[i % len(pool)])
        if unique_key and isinstance(value, dict) and i >= len(pool):
            key = _key_field(value, unique_key)
            value[key] = f"{str(value[key]).strip()} {i}"
        out.append(value)
    return out


# Which item field must be unique (case-insensitively, after stripping), by the model validator that
# says so: (list field, item key).
# (list field, item keys: the first one present is the key).
UNIQUE_BY: dict[str, tuple[str, tuple[str, ...]]] = {
    "_unique_focus_areas": ("focus_areas", ("name",)),
    "_unique_parties": ("parties", ("name", "local_name")),
}


def _key_field(item: Data, keys: tuple[str, ...]) -> str:
    return next((k for k in keys if item.get(k) is not None), keys[0])


def _unique_key(keys: tuple[str, ...]) -> Callable[[Any], Any]:
    return lambda item: str(item.get(_key_field(item, keys)) or "").strip().casefold()


@st.composite
def _units_name_a_party(draw: st.DrawFn, data: Data) -> Data:
    # Each participating_units entry names a party by its name or short name.
    names = [p[k] for p in data["parties"] for k in ("name", "short_name", "local_name") if p.get(k)]
    for group in data.get("participating_units", []):
        group["party"] = draw(st.sampled_from(names))
    return data


@st.composite
def _count_matches_units(draw: st.DrawFn, data: Data) -> Data:
    # "give a count, a list of units, or both", and never more units than the count.
    units = data.get("units") or []
    count = data.get("count")
    if count is None and not units:
        data["count"] = draw(st.integers(1, 100_000))
    elif count is not None and len(units) > count:
        data["count"] = len(units)
    return data


@st.composite
def _named(draw: st.DrawFn, data: Data) -> Data:
    # A party has a name, a local name, or both.
    if data.get("name") is None and data.get("local_name") is None:
        data[draw(st.sampled_from(["name", "local_name"]))] = draw(texts())
    return data


def _ordered(data: Data) -> st.SearchStrategy[Data]:
    # A period's "to" is not before its "from" (ISO dates as text compare as the dates do).
    if data["to"] < data["from"]:
        data["from"], data["to"] = data["to"], data["from"]
    return st.just(data)


@st.composite
def _commitments_refer(draw: st.DrawFn, data: Data) -> Data:
    # A commitment names a party, a focus area (or none) and a source number (or none) that exist.
    names = [p[k] for p in data["parties"] for k in ("name", "short_name", "local_name") if p.get(k)]
    areas = [a["name"] for a in data.get("focus_areas") or []]
    for item in data.get("commitments") or []:
        item["party"] = draw(st.sampled_from(names))
        if item.get("focus_area") is not None:
            item["focus_area"] = draw(st.sampled_from(areas)) if areas else None
        if item.get("source") is not None:
            item["source"] = draw(st.integers(1, len(data["sources"])))
    return data


VALIDATOR_FIXUPS: dict[str, Callable[[Data], st.SearchStrategy[Data]]] = {
    "_ordered": _ordered,
    "_commitments_refer": _commitments_refer,
    "_named": _named,
    "_units_name_a_party": _units_name_a_party,
    "_count_matches_units": _count_matches_units,
}


def validators_of(model: type[BaseModel]) -> list[str]:
    """The names of the field and model validators of ``model`` (not of its sections)."""
    decorators = model.__pydantic_decorators__
    return [*decorators.field_validators, *decorators.model_validators]


def known_validators() -> set[str]:
    """Validators this module satisfies by construction."""
    return set(UNIQUE_BY) | set(VALIDATOR_FIXUPS)


def _field_strategy(model: type[BaseModel], name: str, info: FieldInfo) -> st.SearchStrategy[Any]:
    if model is m.Agreement and name == "commitments":
        return commitment_lists()
    if model is m.Party and name == "local_name_language":
        return st.one_of(st.sampled_from(LANGUAGE_TAGS), value_strategy(info.annotation, list(info.metadata)))
    for validator, (list_field, key) in UNIQUE_BY.items():
        if list_field == name and validator in validators_of(model):
            (item,) = typing.get_args(info.annotation)
            c = _constraints(info.metadata)
            return _lists(value_strategy(item, []), c.get("min_length", 0), c.get("max_length"), key)
    return value_strategy(info.annotation, list(info.metadata))


@st.composite
def model_dicts(draw: st.DrawFn, model: type[BaseModel]) -> Data:
    """A mapping of fields (as a data file would hold them) that ``model`` accepts.

    Every optional field is drawn absent, null or set; required fields are always set.
    """
    data: Data = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if not info.is_required():
            presence = draw(st.integers(0, 3))  # absent, absent, explicit null (if allowed), set
            if presence < 2:
                continue
            if presence == 2 and _allows_none(info.annotation):
                data[key] = None
                continue
        data[key] = draw(_field_strategy(model, name, info))
    for validator in validators_of(model):
        if validator in VALIDATOR_FIXUPS:
            data = draw(VALIDATOR_FIXUPS[validator](data))
    return data


def _allows_none(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation)


def text_slots(model: type[BaseModel], data: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every free-text value in ``data`` whose field allows 100,000 characters."""
    return _text_slots(model, data)


def _text_slots(model: type[BaseModel], data: Any) -> list[tuple[Any, Any]]:
    slots: list[tuple[Any, Any]] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if data.get(key) is None:
            continue
        slots.extend(_slots_of(info.annotation, list(info.metadata), data, key))
    return slots


def _slots_of(annotation: Any, metadata: list[Any], container: Any, key: Any) -> list[tuple[Any, Any]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _slots_of(base, [*extra, *metadata], container, key)
    if origin in (Union, types.UnionType):
        return [s for a in typing.get_args(annotation) if a is not type(None)
                for s in _slots_of(a, metadata, container, key)]
    value = container[key]
    if origin is list and isinstance(value, list):
        (item,) = typing.get_args(annotation)
        return [s for i in range(len(value)) for s in _slots_of(item, [], value, i)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, dict):
        return _text_slots(annotation, value)
    if annotation is str and isinstance(value, str):
        c = _constraints(metadata)
        if c.get("max_length", 0) >= GIANT[1] and "pattern" not in c and "validator" not in c:
            return [(container, key)]
    return []


@st.composite
def agreement_dicts(draw: st.DrawFn) -> Data:
    """An agreement as plain data (what a YAML or JSON file holds) that ``Agreement`` accepts.

    About one in a hundred has one free-text value of 10,000 to 100,000 characters, and about one in a
    hundred one of long runs of whitespace or a repeat (``WHITESPACE_RUNS``).
    """
    data = draw(model_dicts(m.Agreement))
    giant = draw(st.integers(0, 99))
    if giant in (50, 51):
        slots = _text_slots(m.Agreement, data)
        container, key = draw(st.sampled_from(slots))
        length = draw(st.integers(*GIANT))
        container[key] = (giant_text(length) if giant == 50
                          else whitespace_text(draw(st.sampled_from(WHITESPACE_RUNS)), length))
        # The value may have been a name others refer to (a party's, a focus area's) or a reference itself
        # (participating_units[].party, commitments[].party): the agreement's own fixups point every
        # reference again at the names it has now, so the giant value never leaves one dangling.
        for validator in validators_of(m.Agreement):
            if validator in VALIDATOR_FIXUPS:
                data = draw(VALIDATOR_FIXUPS[validator](data))
    return data


def agreements() -> st.SearchStrategy[m.Agreement]:
    """Validated ``Agreement`` objects drawn by ``agreement_dicts``."""
    return agreement_dicts().map(m.Agreement.model_validate)


# --------------------------------------------------------------------------- protective markings

_MARKING_WORDS = ["OFFICIAL", "SENSITIVE", "SECRET", "TOP", "RESTRICTED", "COMMERCIAL", "PERSONAL", "FOR",
                  "USE", "ONLY", "NOFORN", "UK", "EYES", "Internal", "Vertraulich", "Confidentiel", "Diffusion",
                  "restreinte", "Öffentlich", "Tajné", "機密", "内部", "社外秘", *_words(LATIN[:62], 20, 9, 7)]
_MARKING_JOINS = [" ", " ", "-", ": ", "//", " / ", " – "]


@st.composite
def markings(draw: st.DrawFn, max_length: int = 40) -> str:
    """A protective marking as organisations write them: one to five words (capitals, other languages'
    labels, Chinese and Japanese ones) joined by spaces, hyphens, colons and slashes; at most
    ``max_length`` characters, so it fits one line of any page the themes allow."""
    words = draw(st.lists(st.sampled_from(_MARKING_WORDS), min_size=1, max_size=5))
    text = words[0]
    for word in words[1:]:
        text += draw(st.sampled_from(_MARKING_JOINS)) + word
    return text[:max_length].strip(" -:/–") or words[0][:max_length]


@st.composite
def organisations(draw: st.DrawFn) -> str:
    """An organisation's name: one to twelve words, with the punctuation names have (commas, '&', dashes,
    full stops), Latin and CJK; up to a line and a half of the footer, so that it is cut there."""
    words = draw(st.lists(st.sampled_from(["Department", "of", "Trade", "Ministry", "&", "Industry,", "Energy",
                                           "Ltd.", "K.K.", "—", "Directorate", "Zhejiang", "浙江省人民政府",
                                           "Agence", "française", "Bundesamt", "für", *_LATIN_WORDS[10:40]]),
                          min_size=1, max_size=12))
    return " ".join(words).strip() or "Agency"
