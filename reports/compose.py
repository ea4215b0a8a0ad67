"""Templates -> Markdown: the one Jinja2 environment (sandboxed, strict) and its escaping.

load -> **compose** -> parse -> write. Data values are escaped for Markdown once, here, when a template
prints them; template text is Markdown on purpose. Template errors name the file, the line and the problem.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from reports.errors import Problem, TemplateError
from reports.filters import FILTERS, MarkdownText, escape_markdown
from reports.model import Agreement
from reports.parse import parse_markdown
from reports.paths import builtin_templates_dir
from reports.tree import Document, ParseWarning

TEMPLATE_SUFFIX = ".md.j2"
MEMO_FIELDS = ("to", "from", "cc", "subject", "classification")


def _finalize(value: Any) -> str:
    # Every {{ expression }} passes through here: data becomes literal text, while strings that a
    # filter has already made into Markdown (MarkdownText) pass unchanged. Escaping happens once.
    if isinstance(value, MarkdownText):
        return str(value)
    if value is None:
        return ""
    return escape_markdown(str(value))


@lru_cache(maxsize=8)
def environment(template_dir: Path | None = None) -> SandboxedEnvironment:
    """Return the (cached) sandboxed, strict environment: ``template_dir`` first, built-ins second."""
    search = [str(template_dir)] if template_dir else []
    search.append(str(builtin_templates_dir()))
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # compiled once per process; templates do not change during a build
    )
    env.filters.update(FILTERS)
    return env


def available_kinds(template_dir: Path | None = None) -> list[str]:
    """Return the document kinds that have a template (``briefing``, ``memo``, and any of the user's)."""
    folders = [builtin_templates_dir()] + ([template_dir] if template_dir else [])
    return sorted({p.name.removesuffix(TEMPLATE_SUFFIX) for d in folders for p in d.glob(f"*{TEMPLATE_SUFFIX}")})


def memo_header(agreement: Agreement, overrides: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The memo header: the data's ``memo`` section, then command-line overrides on top."""
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
        if key not in MEMO_FIELDS:
            raise ValueError(f"unknown memo header field {key!r}")
        header[key] = value
    return header


def render_markdown(agreement: Agreement, kind: str, *, template_dir: Path | None = None,
                    overrides: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Render the ``kind`` template for ``agreement``; return (Markdown text, template file name).

    Raises ``TemplateError`` naming the template file and line for syntax errors, undefined variables,
    sandbox violations and missing includes.
    """
    env = environment(template_dir)
    name = f"{kind}{TEMPLATE_SUFFIX}"
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        if exc.name == name:
            kinds = ", ".join(available_kinds(template_dir)) or "none"
            raise TemplateError(f"no template for kind {kind!r} (available: {kinds})") from None
        raise _template_error(exc, name) from None
    except jinja2.TemplateError as exc:
        raise _template_error(exc, name) from None
    context = {"data": agreement, "memo": memo_header(agreement, overrides), "kind": kind}
    try:
        return template.render(context), template.filename or name
    except jinja2.TemplateError as exc:
        raise _template_error(exc, template.filename or name) from None


def _template_error(exc: jinja2.TemplateError, fallback: str) -> TemplateError:
    file, line = fallback, None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        file, line = exc.filename or exc.name or fallback, exc.lineno
    else:
        # Jinja rewrites tracebacks so that template frames carry the template's file and line.
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.endswith(".j2"):
                file, line = frame.filename, frame.lineno
    message = exc.message or type(exc).__name__
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"included template {exc.name!r} not found"
    elif isinstance(exc, jinja2.exceptions.SecurityError):
        message = f"not allowed in a template (sandbox): {message}"
    return TemplateError(message, [Problem(file=_short(file), line=line, message=message)])


def _short(file: str) -> str:
    path = Path(file)
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return file


def compose_document(agreement: Agreement, kind: str, *, template_dir: Path | None = None,
                     overrides: Mapping[str, str] | None = None, theme_classification: str | None = None,
                     theme_organisation: str | None = None,
                     image_base: Path | None = None) -> tuple[Document, list[ParseWarning]]:
    """Render and parse: return the document tree for ``agreement`` and any parse warnings.

    The theme's classification and organisation fill in where the template's front matter left them
    empty (the data's own values win).
    """
    text, template = render_markdown(agreement, kind, template_dir=template_dir, overrides=overrides)
    document, warnings = parse_markdown(text, template=_short(template), image_base=image_base)
    meta = document.meta
    updates: dict[str, Any] = {}
    if not meta.classification and theme_classification:
        updates["classification"] = theme_classification
    if not meta.organisation and theme_organisation:
        updates["organisation"] = theme_organisation
    if updates:
        document = dataclasses.replace(document, meta=dataclasses.replace(meta, **updates))
    return document, warnings
