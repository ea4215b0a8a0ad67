"""The manifest of a build: written as JSON (atomically, whatever happened to the build), and refused
before the build starts when its path would replace something the build reads or writes.

What the manifest says is ``BuildResult.manifest()`` (``reports.results``); this module owns where it
goes and how it is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from reports.build_record import RECORD_NAME
from reports.errors import OutputError, display_path
from reports.inputs import DATA_SUFFIXES
from reports.output import write_atomic
from reports.pipeline import Options
from reports.results import BuildResult


def write_manifest(result: BuildResult, path: Path) -> None:
    """Write ``result.manifest()`` as JSON to ``path`` (atomically, creating its folder); raise ``OutputError``."""
    text = json.dumps(result.manifest(), indent=2, ensure_ascii=False) + "\n"
    try:  # a shard with nothing to build still reports, into a folder that may not exist yet
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display_path(path)}: cannot create its folder: {exc.strerror or exc}") from None
    write_atomic(path, text.encode("utf-8", "backslashreplace"))


# --------------------------------------------------------------------------- the manifest's place


def _real(path: Path | str) -> Path:
    return Path(os.path.realpath(path))  # follows links, so a link onto an input is seen for what it is


def refuse_manifest_target(manifest: Path, *, paths: Sequence[Path], inputs: Sequence[Path], out_dir: Path,
                           documents: Iterable[str], options: Options) -> None:
    """Raise ``OutputError`` when writing the manifest to ``manifest`` would replace something the build
    reads or writes: a data file, a data folder (or a data file the next build would read there), the
    output folder, a document of this build, the reference document or a template."""
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
    theme = options.theme
    theme_files: tuple[tuple[str, Path | None], ...] = (("theme file", theme.source), ("logo", theme.logo))
    for what, named in theme_files:
        if named is not None and target == _real(named):
            refuse(f"the {what} {display_path(named)}")
