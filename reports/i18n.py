"""The document's locale and its message catalogue: labels through gettext, dates, numbers and lists
through Babel.

Part of compose. The locale is ``--lang`` (``Options.lang``) or else the data's ``language``, a BCP 47
tag; a tag Babel does not know, or a language no catalogue has, makes the whole document English (its
labels, dates, lists and numbers alike) with one warning: a document never mixes two languages' words.
Labels live in gettext catalogues, ``templates/locales/<locale>/LC_MESSAGES/messages.po`` (``<locale>``
in Babel's form: ``zh_Hans``, ``fr``, ``pt_BR``); a template folder's own catalogues come before the built-in ones, a
more specific locale before a more general one, and a label no catalogue translates stays English
(its msgid), label by label. The ``.po`` file is the source: it is compiled in memory the first time
it is used (and again when it changes), so a fresh checkout or an installed wheel needs no build step;
a folder holding only a compiled ``.mo`` is read too.

While a template renders, ``activate`` makes its locale the current one (a context variable, so that
threads and workers building other documents at once keep theirs); the filters and the template's
gettext functions read it from there.
"""

from __future__ import annotations

import contextvars
import gettext
import io
import os
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from reports import safe_open
from reports.catalogues import (
    catalogue_error,
    check_contents,
    clear_cache,
    compiled,
    open_catalogue,
    read_catalogue,
)
from reports.errors import Problem, shorten
from reports.tree import Labels

DEFAULT_TAG = "en"
DOMAIN = "messages"
CATALOGUE_FOLDER = "locales"  # inside a template folder
# A bare language whose Babel default is not the house style: "en" alone is British English (day month
# year, no serial comma), as the tool printed before it knew locales; "en-US" gives US dates and lists.
FORMAT_DEFAULTS = {"en": "en_GB"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here (``pybabel extract -k N_``)."""
    return message


# The writers' own words (tree.Labels), by field. Extracted into the catalogue with the templates' labels.
WRITER_MESSAGES: dict[str, str] = {
    "memorandum": N_("MEMORANDUM"),
    "page_of": N_("Page %(page)s of %(pages)s"),
    "contents": N_("Contents"),
    "figure": N_("Figure %(number)s"),
    "table": N_("Table %(number)s"),
    "toc_hint": N_("Right-click to update the table of contents."),
    "captioned": N_("%(label)s: %(caption)s"),
    "column_part": N_("Column %(column)s of %(columns)s"),
    "columns_part": N_("Columns %(first)s–%(last)s of %(columns)s"),
    "part_continued": N_("%(part)s (continued; the first column is repeated)"),
    "logo": N_("Logo"),
    "logo_of": N_("Logo of %(organisation)s"),
    "section_link": N_("Link to a section of this document"),
    "timeline_past": N_("Past"),
    "timeline_future": N_("Future"),
    "timeline_milestone": N_("Milestone"),
    "what_changed": N_("What changed"),
    "inserted": N_("Inserted"),
    "deleted": N_("Deleted"),
    "restyled": N_("Formatting changed"),
    "chart_value": N_("%(category)s, %(series)s: %(value)s"),
    "chart_separator": N_("; "),
    "chart_none": N_("no value"),
    "chart_bar": N_("Bar chart."),
    "chart_column": N_("Column chart."),
    "chart_stacked": N_("Stacked bar chart."),
}


@dataclass(frozen=True)
class DocumentLocale:
    """The locale of one document: its tag, Babel's locale for formatting, the chained catalogues."""

    tag: str  # BCP 47, as the document will say it ("zh-Hans", "en-GB")
    locale: Locale  # for dates, numbers and lists
    translations: gettext.NullTranslations
    catalogues: tuple[str, ...] = ()  # the files used, most specific first (for tests and messages)

    def gettext(self, message: str) -> str:
        """``message`` translated, or ``message`` itself when no catalogue has it."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n``, translated (English rule when untranslated)."""
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in ``context`` translated (``msgctxt``)."""
        return self.translations.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` in ``context``, translated."""
        return self.translations.npgettext(context, singular, plural, n)

    def labels(self) -> Labels:
        """The writers' words (``tree.Labels``) in this locale; a translation that does not fill like
        the English text (``usable_translation``) is a translator's slip and the English label is used
        instead (``resolve`` warns of it, naming the catalogue, line and msgid)."""
        values: dict[str, str] = {"locale": self.tag, "format_locale": str(self.locale)}
        for name, msgid in WRITER_MESSAGES.items():
            text = self.gettext(msgid)
            values[name] = text if usable_translation(text, msgid) else msgid
        return Labels(**values)

    def label_slips(self) -> list[str]:
        """The writers' msgids whose translation ``labels`` does not use (see ``usable_translation``)."""
        return [m for m in WRITER_MESSAGES.values() if not usable_translation(self.gettext(m), m)]


ENGLISH = DocumentLocale(DEFAULT_TAG, Locale.parse(FORMAT_DEFAULTS["en"]), gettext.NullTranslations())
_active: contextvars.ContextVar[DocumentLocale] = contextvars.ContextVar("reports_locale", default=ENGLISH)


def placeholders(text: str) -> set[str]:
    """The names of the ``%(name)s`` placeholders in a message."""
    return set(_PLACEHOLDER.findall(text))


# Every % of a format: %%, or %(name) with flags, width, precision and a conversion; a % that starts
# none of these (a lone %, %d without a name) is found as a bare "%".
_FORMAT_TOKEN = re.compile(r"%(?:%|\((\w+)\)[-#0 +]*\d*(?:\.\d*)?[a-zA-Z]?|)")


def usable_translation(text: str, msgid: str) -> bool:
    """Whether ``text`` fills exactly as ``msgid`` does: the same placeholder names, each written as one
    that ``msgid`` itself uses (``%(page)s``, never ``%(page)c`` or ``%(page)d`` for a ``%(page)s``),
    and no other ``%`` than ``%%``. Anything else could fail, or print a control character, only when
    the label is filled deep in a writer; checked here once, for every label and conversion at once."""
    if text == msgid or "%" not in text + msgid:
        return True
    allowed = {m.group() for m in _FORMAT_TOKEN.finditer(msgid) if m.group(1)}
    found = [m for m in _FORMAT_TOKEN.finditer(text) if m.group() != "%%"]
    names = {m.group(1) for m in _FORMAT_TOKEN.finditer(msgid) if m.group(1)}
    return all(m.group() in allowed for m in found) and {m.group(1) for m in found} == names


def current() -> DocumentLocale:
    """The locale of the document being rendered (English outside a render)."""
    return _active.get()


@contextmanager
def activate(doc_locale: DocumentLocale) -> Iterator[DocumentLocale]:
    """Make ``doc_locale`` current while a template renders (in this thread or task only)."""
    token = _active.set(doc_locale)
    try:
        yield doc_locale
    finally:
        _active.reset(token)


# --------------------------------------------------------------------------- which locale


def parse_tag(tag: str) -> Locale:
    """Babel's locale for a BCP 47 tag (``zh-Hans``, ``en-GB``) or Babel identifier (``zh_Hans``);
    raises ``ValueError`` for a tag Babel does not know."""
    if not isinstance(tag, str) or not tag.strip():
        raise ValueError("no language given")
    try:
        return Locale.parse(tag.strip().replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown language {tag!r}") from exc


def format_locale(tag: str) -> Locale:
    """The locale for formatting under ``tag``: a bare language in ``FORMAT_DEFAULTS`` gets the house
    territory (``en`` -> ``en_GB``)."""
    parsed = parse_tag(tag)
    if parsed.territory is None and parsed.script is None and parsed.language in FORMAT_DEFAULTS:
        return Locale.parse(FORMAT_DEFAULTS[parsed.language])
    return parsed


def resolve(lang: str | None, data_language: str, template_dir: Path | None = None, *,
            source: str = "<data>") -> tuple[DocumentLocale, Problem | None]:
    """The locale of a document: ``lang`` (``--lang``) over the data's ``language``. One decision that
    every label, date, list and number of the document reads: the language itself when a catalogue has
    it (or it is English), else wholly English, with one warning saying so; an unknown tag is English
    with one warning too. Raises ``TemplateError`` naming the file and line for a catalogue that cannot
    be read."""
    tag = lang if lang else data_language
    where = "--lang" if lang else f"the data's language {data_language!r}"
    file, field = ("--lang", None) if lang else (source, "language")
    try:
        locale = format_locale(tag)
    except ValueError:
        message = (f"unknown language {tag!r} ({where}); the document is made in English"
                   if lang else f"unknown language {tag!r}; the document is made in English")
        return ENGLISH, Problem(file=file, message=message, field=field)
    found = find_catalogues(locale, template_dir)
    if not found and locale.language != "en":
        # English labels around French dates and conjunctions ("X et the Y") read as a mistake: without
        # a catalogue, the dates, lists and numbers are English too, so nothing in the document is mixed.
        return ENGLISH, Problem(file=file, field=field, message=(
            f"no catalogue for {_bcp47(tag)!r}: the document is in English (labels, dates, lists, numbers)"))
    doc_locale = DocumentLocale(_bcp47(tag), locale, chain(found), tuple(str(p) for p in found))
    slips = doc_locale.label_slips()
    if slips:
        return doc_locale, _slip_warning(found, slips)
    return doc_locale, None


def _slip_warning(files: list[Path], slips: list[str]) -> Problem:
    # Located at the first slip: the catalogue that gives its translation, and its line in a .po.
    msgid = slips[0]
    path = next((p for p in files if _translations(p).gettext(msgid) != msgid), files[0])
    line = None
    if path.suffix == ".po":
        from babel.messages.pofile import read_po

        entry = read_po(io.BytesIO(read_catalogue(path)[0])).get(msgid)
        line = entry.lineno if entry is not None else None
    translation = shorten(_translations(path).gettext(msgid), 80)
    more = f" (and {len(slips) - 1} more: {', '.join(repr(m) for m in slips[1:])})" if len(slips) > 1 else ""
    names = ", ".join(f"%({n})s" for n in sorted(placeholders(msgid))) or "none"
    return Problem(file=str(path), line=line, field=f"msgid {msgid!r}", message=(
        f"the translation {translation!r} does not fill like the English text (placeholders: {names}; a "
        f"percent sign is %%); the English label is used{more}"))


def _bcp47(tag: str) -> str:
    return tag.strip().replace("_", "-")


def _identifier(locale: Locale) -> str:
    return "_".join(p for p in (locale.language, locale.script, locale.territory) if p)


def candidates(locale: Locale) -> list[str]:
    """Catalogue folder names for ``locale``, most specific first: zh_Hans_CN, zh_Hans, zh_CN, zh."""
    lang, script, territory = locale.language, locale.script, locale.territory
    out: list[str] = []
    for parts in ((lang, script, territory), (lang, script), (lang, territory), (lang,)):
        if all(parts):
            name = "_".join(p for p in parts if p)
            if name not in out:
                out.append(name)
    return out


def builtin_locales_dir() -> Path:
    """The built-in catalogues (``templates/locales``)."""
    from reports.paths import builtin_templates_dir

    return builtin_templates_dir() / CATALOGUE_FOLDER


def find_catalogues(locale: Locale, template_dir: Path | None = None) -> list[Path]:
    """The catalogue files for ``locale``: the template folder's before the built-in ones, each from
    the most specific locale to the most general. A link is followed only if it stays inside the
    template folder; one that leaves it is refused (``TemplateError``), as a template's would be."""
    roots = [Path(template_dir) / CATALOGUE_FOLDER] if template_dir else []
    roots.append(builtin_locales_dir())
    found: list[Path] = []
    for root in roots:
        for name in candidates(locale):
            for suffix in (".po", ".mo"):  # the source first: a stale .mo never hides an edited .po
                path = root / name / "LC_MESSAGES" / f"{DOMAIN}{suffix}"
                if not os.path.lexists(path):
                    continue
                if not _inside(path, root.parent):
                    raise catalogue_error(path, "is outside the template folder")
                found.append(path)
                break
    return found


def _inside(path: Path, folder: Path) -> bool:
    # The walk of reports.safe_open, as the read will do it: only a link out of the folder is refused
    # here; every other fault is the read's to report.
    try:
        os.close(open_catalogue(path)[0])
    except safe_open.Refused as exc:
        return exc.kind != "outside"
    return True


def chain(files: list[Path]) -> gettext.NullTranslations:
    """One translations object that asks each catalogue in turn (label by label), then gives the msgid."""
    if not files:
        return gettext.NullTranslations()
    head = _translations(files[0])
    for path in files[1:]:
        head.add_fallback(_translations(path))
    return head


def _translations(path: Path) -> gettext.GNUTranslations:
    # A fresh object each time (add_fallback changes it); parsing a compiled catalogue takes microseconds.
    try:
        return gettext.GNUTranslations(io.BytesIO(compiled(path)))
    except (OSError, UnicodeDecodeError, ValueError, LookupError, SyntaxError, struct.error) as exc:
        what = "a compiled gettext .mo file" if path.suffix == ".mo" else "a usable .po file"
        raise catalogue_error(path, f"is not {what} ({exc})") from None


__all__ = [
    "CATALOGUE_FOLDER",
    "DOMAIN",
    "ENGLISH",
    "N_",
    "WRITER_MESSAGES",
    "DocumentLocale",
    "activate",
    "candidates",
    "chain",
    "check_contents",
    "clear_cache",
    "compiled",
    "current",
    "find_catalogues",
    "format_locale",
    "parse_tag",
    "placeholders",
    "resolve",
]
