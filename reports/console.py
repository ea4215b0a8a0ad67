"""What the build tells a person or a CI log: problems, warnings, progress and the summary line.

Colour only on a terminal and never with NO_COLOR; the progress bar only on a terminal and never under
--quiet; GitHub Actions annotations with ``--format github``. The build itself never prints.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import click

from reports.batch import BuildResult, InputRecord
from reports.errors import Problem, display_path


def use_colour(stream: Any = None) -> bool:
    """True when ``stream`` (stderr by default) is a terminal and NO_COLOR is not set."""
    if os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def _paint(text: str, colour: str, enabled: bool, bold: bool = False) -> str:
    return click.style(text, fg=colour, bold=bold) if enabled else text


def print_problems(problems: Iterable[Problem], style: str, *, warning: bool = False) -> None:
    """Print located problems to stderr as ``file:line:col: field: message`` or GitHub annotations."""
    colour = use_colour()
    for problem in problems:
        if style == "github":
            line = problem.format_github()
            click.echo(line.replace("::error", "::warning", 1) if warning else line, err=True)
        else:
            text = problem.format("warning" if warning else "")
            click.echo(_paint(text, "yellow", colour) if warning else text, err=True, color=colour)


def progress(total: int, quiet: bool) -> AbstractContextManager[Any]:
    """A progress bar over ``total`` agreements on a terminal; a silent stand-in otherwise."""
    if quiet or total < 2 or not sys.stderr.isatty():
        return nullcontext(None)
    return click.progressbar(length=total, label="building", file=sys.stderr, color=use_colour())


def summary_line(result: BuildResult) -> str:
    """Return e.g. ``built 4 documents for 1 agreement in 0.4 s -> out/``."""
    docs = len(result.outputs)
    agreements = len([i for i in result.inputs if i.outputs])
    verb = "checked" if result.check else "built"
    text = (f"{verb} {docs} document{'s' if docs != 1 else ''} for {agreements} "
            f"agreement{'s' if agreements != 1 else ''} in {result.seconds:.1f} s -> {_folder(result.out_dir)}")
    if result.reused and not result.check:
        text += f"; {result.reused} already up to date"
    if result.check:
        stale = len(result.stale)
        text += f"; {stale} out of date" if stale else "; all up to date"
    if result.failed:
        text += f"; {len(result.failed)} failed"
    if result.interrupted:
        text += "; interrupted"
    return text


def _folder(path: Path) -> str:
    text = display_path(path.as_posix())
    return text if text.endswith("/") else text + "/"


def report_build(result: BuildResult, *, style: str, quiet: bool, verbose: bool) -> None:
    """Print everything a finished build has to say, errors first, the summary last."""
    if style == "json":
        click.echo(json.dumps(result.manifest(), indent=2, ensure_ascii=False))
    for record in result.inputs:
        _report_input(record, style, verbose)
    if result.check:
        for output in result.stale:
            path = display_path(output.path)
            message = f"{path}: {output.status} (run reports build to update it)"
            if style == "github":
                click.echo(f"::error file={path}::{output.status}; run reports build", err=True)
            else:
                click.echo(message, err=True)
    if not quiet and style != "json":
        ok = result.ok
        colour = use_colour()
        click.echo(_paint(summary_line(result), "green" if ok else "red", colour), err=True, color=colour)


def _report_input(record: InputRecord, style: str, verbose: bool) -> None:
    print_problems(record.errors, style)
    print_problems(record.warnings, style, warning=True)
    if verbose:
        for output in record.outputs:
            pages = f", {output.pages} pages" if output.pages else ""
            click.echo(f"{display_path(output.path)}: {output.status} ({output.size} bytes{pages})", err=True)
