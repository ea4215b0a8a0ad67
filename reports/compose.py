"""Templates -> Markdown: the one Jinja2 environment (sandboxed, strict) and its escaping.

load -> **compose** -> parse -> write. Data values are escaped for Markdown once, here, when a template
prints them; template text is Markdown on purpose. Template errors name the file, the line and the problem.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import traceback
from collections.abc import Callable, Generator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import jinja2
from jinja2.loaders import split_template_path

from reports import i18n, punctuation, safe_open
from reports.errors import Problem, ReportsError, TemplateError
from reports.filters import FILTERS, LOCALE_FILTERS, FilterError, MarkdownText, Message, escape_markdown
from reports.limits import memory_cap_mb
from reports.model import Agreement
from reports.parse import parse_markdown
from reports.paths import builtin_templates_dir
from reports.template_bounds import modulo
from reports.template_limits import MAX_OUTPUT, BoundedSandbox, TemplateLimitError, check_text, end_budget, start_budget
from reports.tree import Document, ParseWarning

TEMPLATE_SUFFIX = ".md.j2"
MEMO_FIELDS = ("to", "from", "cc", "subject", "classification")
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024  # one template file; real ones are a few kilobytes

# What a template can get wrong while it runs (besides Jinja's own errors, and the asserts and RuntimeErrors
# of Jinja's built-ins: truncate, cycler): each becomes one located message. Anything else is a bug of
# ours and stays an ordinary exception; BaseExceptions (the time limit, Ctrl-C) pass through untouched.
_COMPILER_FILES = tuple(os.path.join("jinja2", f) for f in ("lexer.py", "parser.py", "compiler.py", "optimizer.py"))
_RUNTIME_ERRORS = (RuntimeError, AssertionError, ArithmeticError, TypeError, ValueError, AttributeError,
                   LookupError, UnicodeError, MemoryError)


def _finalize(value: Any) -> str:
    # Every {{ expression }} passes through here: data becomes literal text, while strings that a
    # filter has already made into Markdown (MarkdownText) pass unchanged. Escaping happens once.
    if isinstance(value, MarkdownText):
        return str(value)
    if value is None:
        return ""
    if type(value) is not str:
        check_text(value, "printing this value")
    return escape_markdown(str(value))


# --------------------------------------------------------------------------- labels (jinja2.ext.i18n)
# The template's gettext functions, installed once in the environment as Jinja's "newstyle" gettext
# (``_("Signed")``, ``{% trans %}``, variables as keywords: ``_("%(n)s areas", n=...)``). They ask the
# document's catalogue (reports.i18n, a context variable set for each render), so one compiled template
# serves every language. A translation is template text (Markdown, written by the template's
# translator); the data put into it is escaped like any printed value, once.


def _fill(translated: str, message: str, variables: dict[str, Any]) -> Message:
    marked = {key: _finalize(value) for key, value in variables.items()}
    plain = {key: "" if value is None else str(value) for key, value in variables.items()}
    text = translated if i18n.usable_translation(translated, message) else message  # a translator's slip
    try:
        return _filled(text, marked, plain)
    except (KeyError, ValueError, TypeError):
        # A translation that misspells or drops a placeholder is the translator's slip: the English
        # label is printed instead (a slip in the template's own msgid is still the template's error).
        return _filled(message, marked, plain)


def _filled(text: str, marked: dict[str, str], plain: dict[str, str]) -> Message:
    # Bounded, as % in a template. Where data meets the label's own punctuation ("%(names)s.", "》，"),
    # the seam is settled by the one joining rule (reports.punctuation): "K.K." + "." prints once.
    seamed, seamed_plain = punctuation.marked_values(text, marked), punctuation.marked_values(text, plain)
    if seamed is None or seamed_plain is None:
        return Message(modulo(text, marked), modulo(text, plain))
    return Message(punctuation.settle(modulo(text, seamed)), punctuation.settle(modulo(text, seamed_plain)))


def _with_num(num: Any, variables: dict[str, Any]) -> dict[str, Any]:
    # The count itself is printed in the locale's digits (1,000 / 1 000), unless the template passed
    # its own ``num`` (e.g. in words).
    if "num" not in variables and isinstance(num, int) and not isinstance(num, bool):
        from reports.filters import number

        variables = {**variables, "num": MarkdownText(number(num))}
    return variables


def _gettext(message: str, **variables: Any) -> Message:
    return _fill(i18n.current().gettext(message), message, variables)


def _ngettext(singular: str, plural: str, num: int, **variables: Any) -> Message:
    english = singular if num == 1 else plural
    return _fill(i18n.current().ngettext(singular, plural, num), english, _with_num(num, variables))


def _pgettext(context: str, message: str, **variables: Any) -> Message:
    return _fill(i18n.current().pgettext(context, message), message, variables)


def _npgettext(context: str, singular: str, plural: str, num: int, **variables: Any) -> Message:
    english = singular if num == 1 else plural
    return _fill(i18n.current().npgettext(context, singular, plural, num), english, _with_num(num, variables))


def _per_document(func: Callable[..., Any]) -> Callable[..., Any]:
    # A filter that takes the context is never worked out at compile time (Jinja folds a filter of
    # constants otherwise), so its result follows the locale of each render.
    @jinja2.pass_context
    def run(_context: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    run.__name__ = run.__qualname__ = func.__name__
    run.__doc__ = func.__doc__
    return run


class TemplateRefused(jinja2.TemplateError):
    """A file a template asked for may not be used as one: outside the folders, not a file, binary,
    too large or not UTF-8. ``lineno`` is set when the fault is a line of that file itself."""

    def __init__(self, message: str, filename: str, lineno: int | None = None) -> None:
        super().__init__(message)
        self.filename = filename
        self.lineno = lineno


class ConfinedLoader(jinja2.BaseLoader):
    """Loads templates from the given folders, and only from there: every template, partial, import
    and include is opened through ``reports.safe_open``, one path component at a time from the folder's
    descriptor, never following a link the system could swap. Links that stay inside the folders are
    followed (by reading them); one that leaves them is refused, and so is a hard-linked file anywhere
    but in the built-in templates (an installer may hard-link those)."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = [os.path.abspath(f) for f in folders]
        self.served: set[str] = set()  # file names of the templates handed to Jinja (for error lines)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses ".." with TemplateNotFound
        for folder in self.folders:
            candidate = os.path.join(folder, *pieces)
            others = [f for f in self.folders if f != folder]
            try:
                fd, _real = safe_open.open_inside(folder, pieces, also=others, trusted=[builtin_templates_dir()])
            except safe_open.Refused as exc:
                if exc.kind in ("missing", "folder"):
                    continue  # as if the file were not there (a dangling link inside the folder too)
                raise TemplateRefused(_refusal(template, exc), candidate) from None
            data = safe_open.read_fd(fd, MAX_TEMPLATE_BYTES)
            if len(data) > MAX_TEMPLATE_BYTES:
                raise TemplateRefused(f"{template!r} is over the limit of {MAX_TEMPLATE_BYTES:,} bytes", candidate)
            source = _decode(template, candidate, data)
            self.served.add(candidate)
            return source, candidate, lambda: True
        raise jinja2.TemplateNotFound(template)


def _refusal(template: str, exc: safe_open.Refused) -> str:
    if exc.kind == "outside":
        return f"{template!r} is outside the template folder"
    if exc.kind == "unreadable":
        return f"{template!r} cannot be read ({exc.detail or 'refused'})"
    return f"{template!r} {safe_open.MESSAGES[exc.kind]}"


def _decode(template: str, candidate: str, data: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                          (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            raise TemplateRefused(f"{template!r} is {encoding} text; save the template as UTF-8", candidate)
    data = data.removeprefix(codecs.BOM_UTF8)  # a byte-order mark would end up before the front matter
    if b"\0" in data:
        raise TemplateRefused(f"{template!r} is a binary file, not a template", candidate)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8")) + 1  # valid up to the first bad byte
        raise TemplateRefused(
            f"not UTF-8 text (byte 0x{data[exc.start]:02X} at column {column}); save the template as UTF-8",
            candidate, line) from None


@lru_cache(maxsize=8)
def environment(template_dir: Path | None = None) -> BoundedSandbox:
    """Return the (cached) bounded, immutable, strict sandbox: ``template_dir`` first, built-ins second."""
    folders = [template_dir] if template_dir else []
    folders.append(builtin_templates_dir())
    env = BoundedSandbox(
        loader=ConfinedLoader(folders),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # compiled once per process; templates do not change during a build
        extensions=["jinja2.ext.i18n"],
    )
    env.filters.update({name: _per_document(func) if name in LOCALE_FILTERS else func
                        for name, func in FILTERS.items()})
    # {% trans %} blocks: whitespace collapsed (msgids stay one line), variables as keywords.
    env.policies["ext.i18n.trimmed"] = True
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(gettext=_gettext, _=_gettext, ngettext=_ngettext, pgettext=_pgettext,
                       npgettext=_npgettext)
    return env


def available_kinds(template_dir: Path | None = None) -> list[str]:
    """Return the document kinds that have a template (``briefing``, ``memo``, and any of the user's);
    see ``reports.kinds`` for what names a kind."""
    from reports.kinds import available_kinds as kinds

    return kinds(template_dir)


def memo_header(agreement: Agreement, overrides: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The memo header: the data's ``memo`` section, then ``overrides`` on top.

    ``overrides`` holds the ``MEMO_FIELDS`` given on the command line and the theme's ``classification``
    and ``organisation`` where the data has none, already merged by ``compose_document`` in the order
    command line > data > theme.
    """
    memo = agreement.memo
    header: dict[str, Any] = {
        "to": memo.to if memo else None,
        "from": memo.from_ if memo else None,
        "cc": memo.cc if memo else None,
        "subject": (memo.subject if memo else None) or agreement.title,
        "classification": memo.classification if memo else None,
        "organisation": memo.organisation if memo else None,
        "date": (memo.date if memo else None) or agreement.agreement.signed,
        "next_steps": list(memo.next_steps) if memo else [],
    }
    for key, value in (overrides or {}).items():
        if key not in MEMO_FIELDS and key != "organisation":
            raise ValueError(f"unknown memo header field {key!r}")
        header[key] = value
    return header


def render_markdown(agreement: Agreement, kind: str, *, template_dir: Path | None = None,
                    overrides: Mapping[str, str] | None = None,
                    locale: i18n.DocumentLocale | None = None) -> tuple[str, str]:
    """Render the ``kind`` template for ``agreement``; return (Markdown text, template file name).

    ``locale`` decides the labels, dates, numbers and lists (``reports.i18n.resolve``); without it, the
    data's ``language`` does (English if it is unknown).

    Raises ``TemplateError`` naming the template file and line for syntax errors, undefined variables,
    sandbox violations, missing or refused includes, breached limits and errors while the template runs.
    """
    env = environment(template_dir)
    name = f"{kind}{TEMPLATE_SUFFIX}"
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        if exc.name == name:
            kinds = ", ".join(available_kinds(template_dir)) or "none"
            raise TemplateError(f"no template for kind {kind!r} (available: {kinds})") from None
        raise _template_error(exc, _path_of(env, name), env) from None
    except (jinja2.TemplateError, *_RUNTIME_ERRORS) as exc:
        raise _template_error(exc, _path_of(env, name), env) from None
    filename = template.filename or name
    if locale is None:
        locale = i18n.resolve(None, agreement.language, template_dir)[0]
    context = {"data": agreement, "memo": memo_header(agreement, overrides), "kind": kind,
               "locale": locale.tag}
    token = start_budget()
    # Template.generate is a generator function (typed as an Iterator): closing it ends the render.
    stream = cast(Generator[str, None, None], template.generate(context))
    try:
        with i18n.activate(locale):  # the generator runs here, while it is collected
            return _collect(stream), filename
    except ReportsError:
        raise
    except (jinja2.TemplateError, *_RUNTIME_ERRORS) as exc:
        raise _template_error(exc, filename, env) from None
    except BaseException as exc:
        # The time limit or an interrupt goes on up untouched; it carries the template line it stopped
        # at (``template_line``: file, line) for whoever reports it.
        if not isinstance(exc, Exception):
            exc.template_line = _running_line(exc.__traceback__)  # type: ignore[attr-defined]
        raise
    finally:
        stream.close()
        end_budget(token)


def _collect(stream: Generator[str, None, None]) -> str:
    # Counted as it is made, so a runaway template stops at the cap instead of filling the memory.
    parts: list[str] = []
    size = 0
    for chunk in stream:
        size += len(chunk)
        if size > MAX_OUTPUT:
            error = TemplateLimitError(f"the template produced more than {MAX_OUTPUT:,} characters of Markdown")
            error.where = _suspended_at(stream)
            raise error
        parts.append(chunk)
    return "".join(parts)


def _suspended_at(stream: Generator[str, None, None]) -> tuple[str, int] | None:
    # The template line whose output crossed the cap: the innermost generator still running
    # (Jinja's generate delegates to the template's render function with ``yield from``).
    frame = None
    generator: Any = stream
    while generator is not None:
        frame = getattr(generator, "gi_frame", None) or frame
        generator = getattr(generator, "gi_yieldfrom", None)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            return template.filename, template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


def _running_line(tb: TracebackType | None) -> tuple[str, int] | None:
    # Jinja maps a frame of a compiled template to the template's file and line (its debug module
    # does the same for the exceptions it rewrites); the innermost one is where the render was.
    where = None
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            where = (_short(template.filename), template.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    return where


def _path_of(env: BoundedSandbox, name: str) -> str:
    # The file a template name stands for (the first folder that has it), for messages about it.
    if isinstance(env.loader, ConfinedLoader):
        for folder in env.loader.folders:
            candidate = os.path.join(folder, *name.split("/"))
            if os.path.lexists(candidate):
                return candidate
    return name


def _template_error(exc: BaseException, fallback: str, env: BoundedSandbox | None = None) -> TemplateError:
    file, line = fallback, None
    where = exc.where if isinstance(exc, TemplateLimitError) else None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = exc.filename or exc.name or fallback, exc.lineno
    elif isinstance(exc, TemplateRefused) and exc.lineno is not None:
        file, line = exc.filename, exc.lineno
    elif where is not None:
        file, line = where
    else:
        served = env.loader.served if env is not None and isinstance(env.loader, ConfinedLoader) else set()
        # Jinja rewrites tracebacks so that template frames carry the template's file and line; the
        # innermost one is where the template went wrong.
        located = False
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename in served or frame.filename.endswith(".j2"):
                file, line, located = frame.filename, frame.lineno, True
        if not located and isinstance(exc, TemplateRefused):
            file = exc.filename
    message = _describe(exc)
    return TemplateError(message, [Problem(file=_short(file), line=line, message=message)])


def _describe(exc: BaseException) -> str:
    if isinstance(exc, jinja2.TemplatesNotFound):
        return "none of the included templates was found: " + ", ".join(repr(str(n)) for n in exc.templates)
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"included template {exc.name!r} not found"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"not allowed in a template (sandbox): {str(exc.message or exc).rstrip('.')}"
    if isinstance(exc, jinja2.TemplateError | FilterError):
        return str(exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else exc)
    if isinstance(exc, RecursionError):
        # Jinja's lexer, parser and code generator recurse once per nested bracket, block or loop.
        if any(f.filename.endswith(_COMPILER_FILES) for f in traceback.extract_tb(exc.__traceback__)):
            return "the template nests brackets, blocks or loops too deeply to be compiled"
        return "a template, include or macro calls itself without end (maximum depth reached)"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, MemoryError):
        cap = memory_cap_mb()  # the worker's --memory-limit, when one is set
        return (f"the template used more than {cap} MB; stopped (raise it with --memory-limit)" if cap
                else "the template ran out of memory")
    if isinstance(exc, KeyError):
        if type(exc) is not KeyError:  # our own, with a message of its own (e.g. data.party('x'))
            return str(exc)
        return f"key {exc.args[0]!r} not found" if exc.args else "key not found"
    return f"{type(exc).__name__}: {exc}"


def _short(file: str) -> str:
    path = Path(file)
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return file


def compose_document(agreement: Agreement, kind: str, *, template_dir: Path | None = None,
                     overrides: Mapping[str, str] | None = None, theme_classification: str | None = None,
                     theme_organisation: str | None = None, image_base: Path | None = None,
                     locale: i18n.DocumentLocale | None = None) -> tuple[Document, list[ParseWarning]]:
    """Render and parse: return the document tree for ``agreement`` and any parse warnings.

    ``locale`` (``reports.i18n.resolve``: ``--lang`` or the data's ``language``) decides the labels,
    dates and lists; the tree's ``meta.labels`` carries the writers' own words in it.

    Classification and organisation, one order everywhere: the command line (``overrides``) over the
    data's ``memo`` section over the theme (``theme_classification``, ``theme_organisation``), which is a
    default for data that has none: the marking is the document's own (``reports.markings`` warns when
    data and theme disagree). The template sees the winner as ``memo.classification`` /
    ``memo.organisation``; a template whose front matter leaves them out still gets the winner.
    """
    memo = agreement.memo
    merged = {key: value for key, value, own in (
        ("classification", theme_classification, memo.classification if memo else None),
        ("organisation", theme_organisation, memo.organisation if memo else None)) if value and not own}
    merged.update(overrides or {})
    if locale is None:
        locale = i18n.resolve(None, agreement.language, template_dir)[0]
    text, template = render_markdown(agreement, kind, template_dir=template_dir, overrides=merged, locale=locale)
    document, warnings = parse_markdown(text, template=_short(template), image_base=image_base)
    meta = document.meta
    winner = memo_header(agreement, merged)
    updates: dict[str, Any] = {"labels": locale.labels(),
                               "name_languages": tuple(agreement.name_languages().items())}
    for key in ("classification", "organisation"):
        if not getattr(meta, key) and winner[key]:  # never lost to a template that leaves it out
            updates[key] = winner[key]
    if updates:
        document = dataclasses.replace(document, meta=dataclasses.replace(meta, **updates))
    return document, warnings
