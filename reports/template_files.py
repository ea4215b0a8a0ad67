"""What ``reports templates`` shows and copies: kinds, partials and the Word reference, and where each is.

A template folder given with ``--template-dir`` is searched before the built-ins, so a file there with
a built-in's name (``memo.md.j2``, ``partials/macros.md.j2``) overrides it; see ``reports.kinds`` for
which templates are kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports.kinds import TEMPLATE_SUFFIX, is_kind_name, kind_templates
from reports.paths import builtin_templates_dir

REFERENCE_DOCX = "reference.docx"


@dataclass(frozen=True)
class TemplateFile:
    """One template as a build would use it: its name relative to the folder, the file that is used,
    whether it is the user's, and the built-in it overrides (if any)."""

    name: str
    path: Path
    user: bool
    overrides: Path | None = None
    kind: str | None = None  # set for kinds
    not_a_kind: bool = False  # a user's top-level NAME.md.j2 whose NAME cannot be a kind


def _templates(folder: Path) -> dict[str, Path]:
    # Every template below ``folder`` (sub-folders too, links to folders not followed), by relative name.
    try:
        return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob(f"*{TEMPLATE_SUFFIX}"))
                if p.is_file()}
    except OSError:
        return {}


def list_templates(template_dir: Path | None = None) -> tuple[list[TemplateFile], list[TemplateFile]]:
    """Return (kinds, partials) as a build with ``template_dir`` would use them, each sorted by name.

    A partial is every other template: those in sub-folders, and top-level ones whose name is not a kind.
    """
    builtin = _templates(builtin_templates_dir())
    user = _templates(template_dir) if template_dir is not None else {}
    user_kinds = kind_templates(template_dir) if template_dir is not None else {}
    builtin_kinds = kind_templates(builtin_templates_dir())
    kinds: list[TemplateFile] = []
    for kind in sorted(set(builtin_kinds) | set(user_kinds)):
        if kind in user_kinds:
            kinds.append(TemplateFile(f"{kind}{TEMPLATE_SUFFIX}", user_kinds[kind], True,
                                      builtin_kinds.get(kind), kind))
        else:
            kinds.append(TemplateFile(f"{kind}{TEMPLATE_SUFFIX}", builtin_kinds[kind], False, None, kind))
    kind_names = {k.name for k in kinds}
    partials: list[TemplateFile] = []
    for name in sorted((set(builtin) | set(user)) - kind_names):
        top_level = "/" not in name
        not_a_kind = top_level and not is_kind_name(name.removesuffix(TEMPLATE_SUFFIX))
        if name in user:
            partials.append(TemplateFile(name, user[name], True, builtin.get(name), not_a_kind=not_a_kind))
        else:
            partials.append(TemplateFile(name, builtin[name], False))
    return kinds, partials


def builtin_files(with_reference: bool = False) -> list[tuple[str, Path]]:
    """Return (relative name, file) for every built-in template and partial, and with ``with_reference``
    the built-in Word reference document too."""
    files = list(_templates(builtin_templates_dir()).items())
    if with_reference:
        files.append((REFERENCE_DOCX, builtin_templates_dir() / REFERENCE_DOCX))
    return files


def copy_builtins(folder: Path, *, force: bool = False, with_reference: bool = False) -> list[Path]:
    """Copy the built-ins into ``folder`` (created if needed), keeping their relative names; return
    the files written.

    Raises ``FileExistsError`` naming every file that already exists, before writing any, unless
    ``force``; ``OutputError`` when ``folder`` or a target cannot be used (a file, a FIFO ...).
    """
    from reports.output import check_target, prepare_out_dir, write_atomic

    files = [(folder / name, source) for name, source in builtin_files(with_reference)]
    existing = [target for target, _ in files if target.exists() or target.is_symlink()]
    if existing and not force:
        from reports.errors import display_path

        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise FileExistsError(f"{display_path(existing[0])}{more} already exist{'s' if not more else ''}")
    prepare_out_dir(folder)
    for target, _ in files:
        prepare_out_dir(target.parent)
        check_target(target)
    written: list[Path] = []
    for target, source in files:
        write_atomic(target, source.read_bytes())
        written.append(target)
    return written
