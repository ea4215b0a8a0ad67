"""The data commands: ``validate`` (check agreement files, every mistake located), ``schema`` (the JSON
Schema of the data format) and ``new`` (a commented starter file). None of them renders a document.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from reports.cli.options import REPORT_STYLES, file_arg
from reports.errors import Problem, ReportsError, display_path
from reports.limits import EXIT_INTERNAL, internal_problem


@click.command(short_help="Check agreement data files; every mistake is located.")
@click.argument("files", nargs=-1, required=True, type=file_arg)
@click.option("--format", "style", type=click.Choice(REPORT_STYLES), default="text", show_default=True,
              help="text for people, json for scripts, github for GitHub Actions annotations.")
def validate(files: tuple[Path, ...], style: str) -> None:
    """Check agreement data files (YAML or JSON) against the data format (docs/data-guide.md).

    Every problem in every file is reported at once, as FILE:LINE:COLUMN: FIELD: MESSAGE. Exits 1 when
    any file is invalid, 3 when checking one met a bug of ours (the other files are still checked).
    """
    from reports.console import print_problems
    from reports.limits import traceback_text
    from reports.load import load_agreement

    results: list[dict[str, Any]] = []
    failed = internal = False
    for file in files:
        try:
            agreement = load_agreement(file)
        except Exception as exc:  # a ReportsError, or a bug of ours: either way one file's problem
            failed = True
            if isinstance(exc, ReportsError):
                problems = list(exc.problems) or [Problem(file=display_path(file), message=exc.message)]
            else:
                internal = True
                problems = [internal_problem(display_path(file), exc)]
                if click.get_current_context().meta.get("reports.debug"):
                    click.echo(traceback_text(exc), err=True)
            results.append({"file": str(file), "valid": False, "errors": [p.as_dict() for p in problems]})
            if style != "json":
                print_problems(problems, style)
            continue
        results.append({"file": str(file), "valid": True, "id": agreement.id, "errors": []})
        if style == "text":
            click.echo(f"{display_path(file)}: ok ({agreement.id})")
    if style == "json":
        click.echo(json.dumps({"valid": not failed, "files": results}, indent=2, ensure_ascii=False))
    if failed:
        sys.exit(EXIT_INTERNAL if internal else 1)


@click.command(short_help="Print the JSON Schema of the data format.")
def schema() -> None:
    """Print the JSON Schema of the data format (for editors' YAML and JSON plugins)."""
    from reports.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True))


@click.command(short_help="Write a commented starter data file for a new agreement.")
@click.argument("agreement_id", metavar="ID")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: ID.yaml in the current folder).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(agreement_id: str, output: Path | None, force: bool) -> None:
    """Write a commented starter data file for a new agreement whose id is ID (it names the output
    files, e.g. out/ID-briefing.pdf). The file validates as it is: edit it, then run
    `reports validate ID.yaml` and `reports build ID.yaml`.
    """
    from reports.output import write_atomic
    from reports.starter import starter_yaml

    text = starter_yaml(agreement_id)  # raises UsageError for a bad id
    target = output or Path(f"{agreement_id}.yaml")
    if target.exists() and not force:
        raise click.UsageError(f"{display_path(target)} exists; use --force to overwrite it")
    write_atomic(target, text.encode("utf-8"))
    click.echo(f"wrote {display_path(target)}; edit it, then run: reports validate {display_path(target)}")
