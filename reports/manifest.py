"""The manifest of a build: written as JSON (atomically, whatever happened to the build), and refused
before the build starts when its path would replace something the build reads or writes.

What the manifest says is ``BuildResult.manifest()`` (``reports.results``); this module owns where it
goes and how it is written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from reports.build_record import RECORD_NAME
from reports.errors import OutputError, display_path
from reports.inputs import DATA_SUFFIXES
from reports.output import write_atomic
from reports.paths import builtin_templates_dir
from reports.pipeline import Options
from reports.results import BuildResult


def write_manifest(result: BuildResult, path: Path) -> None:
    """Write ``result.manifest()`` as JSON to ``path`` (atomically, creating its folder), or to standard
    output when ``path`` is ``-``; raise ``OutputError``.

    A link standing at ``path`` is refused, not replaced: the rename would put the manifest in place of
    a link someone else made (``/dev/stdout`` itself, when ``path`` was ``/proc/self/fd/1``).
    """
    text = json.dumps(result.manifest(), indent=2, ensure_ascii=False) + "\n"
    data = text.encode("utf-8", "backslashreplace")
    if is_stdout(path):
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except (OSError, ValueError) as exc:
            raise OutputError(f"--manifest -: cannot write to standard output: {exc}") from None
        return
    try:  # a shard with nothing to build still reports, into a folder that may not exist yet
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display_path(path)}: cannot create its folder: {exc.strerror or exc}") from None
    _refuse_link(path)
    write_atomic(path, data)


def is_stdout(path: Path | str) -> bool:
    """``--manifest -`` means standard output."""
    return str(path) == "-"


def _refuse_link(path: Path) -> None:
    if os.path.islink(path):
        raise OutputError(f"{display_path(path)}: is a link; the manifest never replaces a link it did not make "
                          "(name the file itself, or - for standard output)")


# --------------------------------------------------------------------------- the manifest's place


def _real(path: Path | str) -> Path:
    return Path(os.path.realpath(path))  # follows links, so a link onto an input is seen for what it is


def refuse_manifest_target(manifest: Path, *, paths: Sequence[Path], inputs: Sequence[Path], out_dir: Path,
                           documents: Iterable[str], options: Options) -> None:
    """Raise ``OutputError`` when writing the manifest to ``manifest`` would replace something the build
    reads or writes: a data file, a data folder (or a data file the next build would read there), the
    output folder, a document of this build, the reference document, a template or catalogue (the
    user's or the built-in ones), the theme file, its logo or its font; or when it is a link."""
    if is_stdout(manifest):
        return
    _refuse_link(manifest)
    target = _real(manifest)

    def refuse(what: str) -> None:
        raise OutputError(f"{display_path(manifest)}: the manifest would overwrite {what}; "
                          "choose another --manifest path")

    if target == _real(out_dir):
        refuse(f"the output folder {display_path(out_dir)}")
    for file in inputs:
        if str(file) != "-" and target == _real(file):
            refuse(f"the data file {display_path(file)}")
    for path in paths:
        if str(path) == "-" or not path.is_dir():
            continue
        if target == _real(path):
            refuse(f"the data folder {display_path(path)}")
        if target.parent == _real(path) and target.suffix.lower() in DATA_SUFFIXES:
            refuse(f"a data file in {display_path(path)} (the next build would read it as an agreement)")
    if target == _real(out_dir / RECORD_NAME):
        refuse(f"the build record {display_path(out_dir / RECORD_NAME)} (it lets the next build skip current "
               "documents)")
    for name in documents:
        if target == _real(out_dir / name):
            refuse(f"the document {display_path(out_dir / name)} of this build")
    if options.reference_docx is not None and target == _real(options.reference_docx):
        refuse(f"the reference document {display_path(options.reference_docx)}")
    if options.template_dir is not None and target.is_relative_to(_real(options.template_dir)):
        refuse(f"a file in the template folder {display_path(options.template_dir)}")
    builtin = builtin_templates_dir()
    if target.is_relative_to(_real(builtin)):
        refuse(f"a built-in template in {display_path(builtin)}")
    theme = options.theme
    font = Path(theme.fonts.cjk) if os.path.isabs(theme.fonts.cjk) else None
    theme_files: tuple[tuple[str, Path | None], ...] = (
        ("theme file", theme.source), ("logo", theme.logo), ("font", font))
    for what, named in theme_files:
        if named is not None and target == _real(named):
            refuse(f"the {what} {display_path(named)}")
