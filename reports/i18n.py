"""The document's locale and its message catalogue: labels through gettext, dates, numbers and lists
through Babel.

Part of compose. The locale is ``--lang`` (``Options.lang``) or else the data's ``language``, a BCP 47
tag; a tag Babel does not know falls back to English with one warning. Labels live in gettext
catalogues, ``templates/locales/<locale>/LC_MESSAGES/messages.po`` (``<locale>`` in Babel's form:
``zh_Hans``, ``fr``, ``pt_BR``); a template folder's own catalogues come before the built-in ones, a
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
import stat
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from reports.errors import Problem, TemplateError
from reports.tree import Labels

DEFAULT_TAG = "en"
DOMAIN = "messages"
CATALOGUE_FOLDER = "locales"  # inside a template folder
MAX_CATALOGUE_BYTES = 2 * 1024 * 1024  # one .po or .mo file; ours are a few kilobytes
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
        """The writers' words (``tree.Labels``) in this locale; a translation whose placeholders differ
        from the English ones is a translator's slip and the English label is used instead."""
        values: dict[str, str] = {"locale": self.tag}
        for name, msgid in WRITER_MESSAGES.items():
            text = self.gettext(msgid)
            values[name] = text if placeholders(text) == placeholders(msgid) else msgid
        return Labels(**values)


ENGLISH = DocumentLocale(DEFAULT_TAG, Locale.parse(FORMAT_DEFAULTS["en"]), gettext.NullTranslations())
_active: contextvars.ContextVar[DocumentLocale] = contextvars.ContextVar("reports_locale", default=ENGLISH)


def placeholders(text: str) -> set[str]:
    """The names of the ``%(name)s`` placeholders in a message."""
    return set(_PLACEHOLDER.findall(text))


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
    """The locale of a document: ``lang`` (``--lang``) over the data's ``language``; one warning when
    it is unknown (the document is then English) or when no catalogue has it (labels stay English,
    dates and lists follow the language). Raises ``TemplateError`` naming the file and line for a
    catalogue that cannot be read."""
    tag = lang if lang else data_language
    where = "--lang" if lang else f"the data's language {data_language!r}"
    try:
        locale = format_locale(tag)
    except ValueError:
        message = (f"unknown language {tag!r} ({where}); the document is made in English"
                   if lang else f"unknown language {tag!r}; the document is made in English")
        return ENGLISH, Problem(file="--lang" if lang else source, message=message, field=None if lang else "language")
    found = find_catalogues(locale, template_dir)
    doc_locale = DocumentLocale(_bcp47(tag), locale, chain(found), tuple(str(p) for p in found))
    if not found and locale.language != "en":
        folder = f"templates/{CATALOGUE_FOLDER}/{_identifier(locale)}/LC_MESSAGES/{DOMAIN}.po"
        return doc_locale, Problem(
            file="--lang" if lang else source, field=None if lang else "language",
            message=f"no message catalogue for {tag!r} ({folder}); labels stay in English")
    return doc_locale, None


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
                    raise _catalogue_error(path, "is outside the template folder")
                found.append(path)
                break
    return found


def _inside(path: Path, folder: Path) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


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
        raise _catalogue_error(path, f"is not {what} ({exc})") from None


# --------------------------------------------------------------------------- compiling catalogues

_lock = threading.Lock()
_COMPILED: dict[tuple[str, int, int, int], bytes] = {}


def compiled(path: Path) -> bytes:
    """The ``.mo`` bytes of a catalogue, compiled from its ``.po`` once per version of the file (known by
    its inode, size and modification time, so an edit is seen without reading an unchanged file again).

    Raises ``TemplateError`` (``FILE:LINE: ...``) for a file that is not a usable catalogue."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _catalogue_error(path, f"cannot be read ({exc.strerror or exc})") from None
    key = (os.path.realpath(path), info.st_ino, info.st_mtime_ns, info.st_size)
    with _lock:
        cached = _COMPILED.get(key) if stat.S_ISREG(info.st_mode) else None
    if cached is not None:
        return cached
    data, key = _read(path)
    mo = data if path.suffix == ".mo" else _compile_po(path, data)
    check_contents(path, mo)
    with _lock:
        _COMPILED[key] = mo
    return mo


def _read(path: Path) -> tuple[bytes, tuple[str, int, int, int]]:
    # Not blocking on a FIFO, never past the limit, and the very file that was looked at.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _catalogue_error(path, f"cannot be read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _catalogue_error(path, "is not a regular file")
        data = handle.read(MAX_CATALOGUE_BYTES + 1)
    if len(data) > MAX_CATALOGUE_BYTES:
        raise _catalogue_error(path, f"is over the limit of {MAX_CATALOGUE_BYTES:,} bytes")
    return data, (os.path.realpath(path), info.st_ino, info.st_mtime_ns, len(data))


def _compile_po(path: Path, data: bytes) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        # Babel counts lines from 0 and ends its message with "on LINE"; the message names the line once.
        message = re.sub(r" on \d+$", "", str(exc))
        raise _catalogue_error(path, f"is not a valid .po file: {message}", exc.lineno + 1) from None
    except (UnicodeDecodeError, ValueError, LookupError) as exc:
        raise _catalogue_error(path, f"is not a valid .po file ({exc})") from None
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)  # a fuzzy entry is a guess: the English label stands
    return out.getvalue()


# --------------------------------------------------------------------------- what a catalogue may hold

_MO_MAGIC = {b"\xde\x12\x04\x95": "<", b"\x95\x04\x12\xde": ">"}
# All the strings of a catalogue together, once read out of the file: no more than a catalogue file may
# hold. In a .mo each string is a (length, offset) pair in the file's own tables, and nothing stops
# thousands of pairs from naming the same megabyte: read naively, 2 MB become gigabytes.
MAX_CATALOGUE_TEXT = MAX_CATALOGUE_BYTES


def check_contents(path: Path, mo: bytes) -> None:
    """Refuse a compiled catalogue whose tables point outside it or expand beyond ``MAX_CATALOGUE_TEXT``,
    or whose translations pad a placeholder (``%(name)900000000s``: the width would run unbounded).

    Raises ``TemplateError`` naming the catalogue file and the msgid; checked before Python's gettext
    reads the strings."""
    pairs = _mo_strings(path, mo)
    for original, translation in pairs:
        msgid = original.split(b"\0")[0].split(b"\x04")[-1].decode("utf-8", "replace")
        if not original:
            continue  # the header: metadata, never formatted
        for text in translation.split(b"\0"):  # the plural forms
            _refuse_padding(path, msgid, text.decode("utf-8", "replace"))


def _mo_strings(path: Path, mo: bytes) -> list[tuple[bytes, bytes]]:
    """The (original, translation) pairs of a .mo, each table entry checked against the file first."""
    order = _MO_MAGIC.get(mo[:4])
    if order is None or len(mo) < 20:
        return []  # not a .mo at all: gettext says so, in the message it has always given
    count, originals, translations = struct.unpack(order + "3I", mo[8:20])
    if count * 16 > len(mo) or max(originals, translations) + count * 8 > len(mo):
        raise _catalogue_error(path, f"is not a compiled gettext .mo file (its tables name {count:,} "
                               f"strings, more than its {len(mo):,} bytes can hold)")
    table = []
    total = 0
    for start in (originals, translations):
        lengths = struct.unpack(f"{order}{2 * count}I", mo[start:start + 8 * count])
        for length, offset in zip(lengths[0::2], lengths[1::2], strict=True):
            if offset + length > len(mo):
                raise _catalogue_error(path, f"is not a compiled gettext .mo file (a string at byte "
                                       f"{offset:,} runs past its end, {len(mo):,} bytes)")
            total += length
            table.append((offset, length))
    if total > MAX_CATALOGUE_TEXT:
        raise _catalogue_error(path, f"is over the limit: its strings come to {total:,} bytes once read "
                               f"(at most {MAX_CATALOGUE_TEXT:,}); its tables name the same bytes again "
                               "and again")
    texts = [mo[offset:offset + length] for offset, length in table]
    return list(zip(texts[:count], texts[count:], strict=True))


def printf_specs(fmt: str) -> Iterator[tuple[str, str, str]]:
    """(key, width, precision) of each ``%`` conversion in ``fmt``, read as Python reads them ("" for
    what is absent). One pass: a pattern searched from every ``%(`` to the end made ``%(%(%(...``
    quadratic."""
    i, n = 0, len(fmt)
    while (i := fmt.find("%", i)) >= 0:
        i += 1
        key_start = i
        if i < n and fmt[i] == "(":  # a mapping key: to its matching ')', as Python counts them
            depth, i = 1, i + 1
            while i < n and depth:
                depth += (fmt[i] == "(") - (fmt[i] == ")")
                i += 1
        key = fmt[key_start + 1:i - 1] if i > key_start else ""
        while i < n and fmt[i] in "-#0 +":
            i += 1
        width, i = _number(fmt, i)
        precision = ""
        if i < n and fmt[i] == ".":
            precision, i = _number(fmt, i + 1)
        yield key, width, precision


def _number(fmt: str, i: int) -> tuple[str, int]:
    """The width or precision at ``i`` ('*', digits or "") and where it ends."""
    if fmt.startswith("*", i):
        return "*", i + 1
    end = i
    while end < len(fmt) and fmt[end] in "0123456789":
        end += 1
    return fmt[i:end], end


def _refuse_padding(path: Path, msgid: str, translation: str) -> None:
    # A width or precision in a label's placeholder pads or cuts the value, which no translation needs,
    # and a width of 900000000 asks '%' for gigabytes. (A literal "%%" is not a conversion.)
    for key, width, precision in printf_specs(translation.replace("%%", "")):
        if width or precision:
            shown = f"%({key})" if key else "%"
            raise _catalogue_error(
                path, f"translation of {msgid[:60]!r} gives its placeholder {shown} a width or precision "
                f"({width}{'.' if precision else ''}{precision}); write {shown}s without one")


def _catalogue_error(path: Path, message: str, line: int | None = None) -> TemplateError:
    text = f"message catalogue {message}"
    return TemplateError(text, [Problem(file=str(path), line=line, message=text)])


def clear_cache() -> None:
    """Forget every compiled catalogue (tests; a long-running watcher sees edits anyway, by mtime)."""
    with _lock:
        _COMPILED.clear()


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
    "compiled",
    "current",
    "find_catalogues",
    "format_locale",
    "parse_tag",
    "placeholders",
    "printf_specs",
    "resolve",
]
