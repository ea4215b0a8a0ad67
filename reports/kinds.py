"""Document kinds: every ``NAME.md.j2`` at the top of a template folder is a kind called NAME.

A kind's name becomes part of output file names (``out/ID-KIND.pdf``), so only plain names are kinds:
lowercase letters, digits and hyphens, starting with a letter or digit. A template with another name
(``Letter.md.j2``, ``my letter.md.j2``) can still be included by other templates, but is not a kind.
"""

from __future__ import annotations

import re
from pathlib import Path

from reports.paths import builtin_templates_dir

DEFAULT_KINDS: tuple[str, ...] = ("briefing", "memo")  # the built-in kinds a build makes unless told otherwise
TEMPLATE_SUFFIX = ".md.j2"
MAX_KIND_LENGTH = 64
_KIND_NAME = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{MAX_KIND_LENGTH - 1}}}")


def is_kind_name(name: str) -> bool:
    """True when ``name`` may name a kind (and so be part of an output file name)."""
    return _KIND_NAME.fullmatch(name) is not None


def kind_templates(folder: Path) -> dict[str, Path]:
    """Return {kind: template file} for the kind templates at the top of ``folder`` (not in sub-folders)."""
    found: dict[str, Path] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found
    for path in entries:
        kind = path.name.removesuffix(TEMPLATE_SUFFIX)
        if path.name.endswith(TEMPLATE_SUFFIX) and is_kind_name(kind) and path.is_file():
            found[kind] = path
    return found


def available_kinds(template_dir: Path | None = None) -> list[str]:
    """Return the kinds that have a template: the built-ins and those in ``template_dir``, sorted."""
    kinds = set(kind_templates(builtin_templates_dir()))
    if template_dir is not None:
        kinds |= set(kind_templates(template_dir))
    return sorted(kinds)


def kind_problem(kind: str, template_dir: Path | None = None) -> str | None:
    """Return why ``kind`` cannot be built (a message starting ``--kind KIND:``), or None when it can."""
    if not is_kind_name(kind):
        return (f"--kind {kind}: not a kind name; a kind is the name of a template NAME.md.j2 made of "
                f"lowercase letters, digits and hyphens (at most {MAX_KIND_LENGTH} characters)")
    # Asked for every document: look for this kind's own file, and list the folders only to say what
    # is there when it is missing.
    folders = [builtin_templates_dir()] + ([template_dir] if template_dir is not None else [])
    if any((folder / f"{kind}{TEMPLATE_SUFFIX}").is_file() for folder in folders):
        return None
    available = available_kinds(template_dir)
    message = f"--kind {kind}: no template {kind}{TEMPLATE_SUFFIX} in the "
    if template_dir is not None:
        return f"{message}template folder or the built-ins (available: {', '.join(available)})"
    return f"{message}built-ins (available: {', '.join(available)}); add yours with --template-dir FOLDER"


def require_kind(kind: str, template_dir: Path | None = None) -> None:
    """Raise ``TemplateError`` when ``kind`` cannot be built: the check of the Python API (``render``,
    ``build``), where a kind like ``partials/macros`` must not render a partial or name a file outside
    the output folder. The command line checks first, as a usage error."""
    from reports.errors import TemplateError

    problem = kind_problem(kind, template_dir)
    if problem is not None:
        raise TemplateError(f"kind {problem.removeprefix('--kind ')}")
