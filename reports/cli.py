"""The ``reports`` command line: click commands only; each parses options and calls the library.

Heavy libraries (Jinja2, reportlab, python-docx) are imported inside the commands that use them, so
``reports --help`` stays quick. Every user error arrives as a ``ReportsError`` and prints as one message.

\b
Exit codes:
  0    success
  1    data, template or document errors (or --check found outdated files)
  2    usage errors (unknown option, missing file argument)
  3    internal error: a bug of ours, one line each (--debug: traceback); outranks 1
  130  interrupted (Ctrl-C); finished files are kept, no partial files are left
  143  terminated (SIGTERM); as for Ctrl-C
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from reports import __version__
from reports.errors import EXIT_INTERRUPTED, ReportsError, display_path
from reports.limits import (
    DEFAULT_TIMEOUT,
    EXIT_INTERNAL,
    EXIT_TERMINATED,
    Terminated,
    internal_problem,
    interrupts_deferred,
    terminate_like_interrupt,
)

KINDS = ("briefing", "memo")
DOC_FORMATS = ("pdf", "docx")
REPORT_STYLES = ("text", "github", "json")

_file_arg = click.Path(dir_okay=False, path_type=Path, allow_dash=True)


class _Group(click.Group):
    """The one place where errors meet the exit code: --debug tracebacks, Ctrl-C (130), SIGTERM (143)
    and bugs of ours (3, one line)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with terminate_like_interrupt():  # kill (SIGTERM) cleans up exactly as Ctrl-C does
                return super().invoke(ctx)
        except ReportsError:
            if ctx.meta.get("reports.debug"):
                import traceback

                traceback.print_exc()
            raise
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            click.echo("terminated" if terminated else "interrupted", err=True)
            ctx.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # `reports ... | head` closed the pipe: nothing left to say, nowhere to say it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except Exception as exc:  # a bug of ours: one line, and the traceback only under --debug
            if ctx.meta.get("reports.debug"):
                import traceback

                traceback.print_exc()
            where = ctx.meta.get("reports.file") or f"reports {ctx.invoked_subcommand or ''}".rstrip()
            click.echo(internal_problem(where, exc).format(), err=True)
            ctx.exit(EXIT_INTERNAL)


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["reports.debug"] = True
    return value


_debug_option = click.option(
    "--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
    help="Show Python tracebacks for errors (for bug reports).")


@click.group(cls=_Group, help=__doc__, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reports")
@_debug_option
def main() -> None:
    """The ``reports`` command group."""


# --------------------------------------------------------------------------- data commands


@main.command()
@click.argument("files", nargs=-1, required=True, type=_file_arg)
@click.option("--format", "style", type=click.Choice(REPORT_STYLES), default="text", show_default=True,
              help="text for people, json for scripts, github for GitHub Actions annotations.")
def validate(files: tuple[Path, ...], style: str) -> None:
    """Check agreement data files (YAML or JSON) against the data format.

    Every problem is reported as FILE:LINE:COLUMN: FIELD: MESSAGE. Exits 1 when any file is invalid.
    """
    from reports.console import print_problems
    from reports.load import load_agreement

    results: list[dict[str, Any]] = []
    failed = False
    for file in files:
        try:
            agreement = load_agreement(file)
        except ReportsError as exc:
            failed = True
            results.append({"file": str(file), "valid": False, "errors": [p.as_dict() for p in exc.problems]})
            if style != "json":
                print_problems(exc.problems, style)
            continue
        results.append({"file": str(file), "valid": True, "id": agreement.id, "errors": []})
        if style == "text":
            click.echo(f"{display_path(file)}: ok ({agreement.id})")
    if style == "json":
        click.echo(json.dumps({"valid": not failed, "files": results}, indent=2, ensure_ascii=False))
    if failed:
        sys.exit(1)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the data format (for editors' YAML and JSON plugins)."""
    from reports.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True))


@main.command()
@click.argument("agreement_id", metavar="ID")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: ID.yaml in the current folder).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(agreement_id: str, output: Path | None, force: bool) -> None:
    """Write a commented starter data file for a new agreement; it validates as it is."""
    from reports.output import write_atomic
    from reports.starter import starter_yaml

    text = starter_yaml(agreement_id)  # raises UsageError for a bad id
    target = output or Path(f"{agreement_id}.yaml")
    if target.exists() and not force:
        raise click.UsageError(f"{display_path(target)} exists; use --force to overwrite it")
    write_atomic(target, text.encode("utf-8"))
    click.echo(f"wrote {display_path(target)}; edit it, then run: reports validate {display_path(target)}")


# --------------------------------------------------------------------------- document commands


def _render_options(func: Any) -> Any:
    options = [
        click.option("--template-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="Folder of templates that override the built-in ones (same file names)."),
        click.option("--theme", "theme_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="YAML theme file: page size, margins, colours, fonts, logo, labels."),
        click.option("--reference-docx", type=click.Path(dir_okay=False, path_type=Path),
                     help="Word file whose styles, fonts and page set-up the DOCX output takes on."),
        click.option("--strict", is_flag=True, help="Treat warnings (unsupported markup, missing glyphs) as errors."),
        click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
                     metavar="SECONDS", help="Stop a document that takes longer than this (0: no limit)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _memo_options(func: Any) -> Any:
    for name in ("classification", "subject", "cc", "from", "to"):
        func = click.option(f"--{name}", f"memo_{name}", metavar="TEXT",
                            help=f"Memo header: {name.upper()} (overrides the data's memo section).")(func)
    return func


def _options(template_dir: Path | None, theme_file: Path | None, reference_docx: Path | None,
             strict: bool, timeout: float, overrides: dict[str, str] | None = None) -> Any:
    from reports.load import load_theme
    from reports.pipeline import Options
    from reports.theme import DEFAULT_THEME

    theme = load_theme(theme_file) if theme_file else DEFAULT_THEME
    return Options(theme=theme, template_dir=template_dir, reference_docx=reference_docx,
                   overrides=overrides or {}, strict=strict, timeout=timeout)


def _render_one(fmt: str, data: Path | None, kind: str, output: Path | None, options: Any) -> None:
    from reports.console import print_problems
    from reports.load import load_agreement
    from reports.output import check_target, prepare_out_dir, write_atomic
    from reports.paths import default_data_file
    from reports.pipeline import render

    source = data or default_data_file()
    click.get_current_context().meta["reports.file"] = str(source)  # names it in an internal error
    if output is not None and str(output) != "-":
        check_target(output)  # a device, FIFO or folder is refused before any work is done
    agreement = load_agreement(source)
    result = render(agreement, kind, fmt, options, source=str(source))
    print_problems(result.warnings, "text", warning=True)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        return
    target = output or Path("out") / f"{agreement.id}-{kind}.{fmt}"
    prepare_out_dir(target.parent)
    with interrupts_deferred():  # Ctrl-C waits for the file, so no temporary is left behind
        write_atomic(target, result.data)
    click.echo(f"wrote {display_path(target)}", err=True)


@main.command()
@click.argument("data", required=False, type=_file_arg)
@click.option("--kind", type=click.Choice(KINDS), default="briefing", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
              help="File to write, or - for standard output (default: out/ID-KIND.pdf).")
@_render_options
@_memo_options
def pdf(data: Path | None, kind: str, output: Path | None, template_dir: Path | None,
        theme_file: Path | None, reference_docx: Path | None, strict: bool, timeout: float,
        **memo: str | None) -> None:
    """Render one agreement as a PDF (default: the briefing of the shipped agreement)."""
    _render_one("pdf", data, kind, output,
                _options(template_dir, theme_file, None, strict, timeout, _overrides(memo)))


@main.command()
@click.argument("data", required=False, type=_file_arg)
@click.option("--kind", type=click.Choice(KINDS), default="memo", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
              help="File to write, or - for standard output (default: out/ID-KIND.docx).")
@_render_options
@_memo_options
def docx(data: Path | None, kind: str, output: Path | None, template_dir: Path | None,
         theme_file: Path | None, reference_docx: Path | None, strict: bool, timeout: float,
         **memo: str | None) -> None:
    """Render one agreement as a Word document (default: the memo of the shipped agreement)."""
    _render_one("docx", data, kind, output,
                _options(template_dir, theme_file, reference_docx, strict, timeout, _overrides(memo)))


def _overrides(memo: dict[str, str | None]) -> dict[str, str]:
    return {key.removeprefix("memo_"): value for key, value in memo.items() if value is not None}


def _shard(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    from reports.batch import parse_shard

    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.argument("data", nargs=-1, type=click.Path(exists=True, path_type=Path, allow_dash=True))
@click.option("-d", "--out-dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder for the documents.")
@click.option("--kind", "kinds", type=click.Choice(KINDS), multiple=True,
              help="Only this kind of document (repeatable; default: briefing and memo).")
@click.option("--format", "formats", type=click.Choice(DOC_FORMATS + REPORT_STYLES), multiple=True,
              help="pdf/docx: only these document formats (repeatable; default both). "
                   "text/github/json: how results are reported (github: Actions annotations; "
                   "json: the manifest on standard output).")
@_render_options
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs; never more than one per agreement "
                   "or two per CPU).")
@click.option("--shard", callback=_shard, metavar="I/N",
              help="Build only the I-th of N stable slices of the inputs (for a CI matrix).")
@click.option("--check", is_flag=True,
              help="Build in memory and exit 1 if any file on disk is missing or differs; write nothing.")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON manifest: inputs, outputs with size, pages and sha256, errors.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first agreement that fails.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file written.")
@_debug_option
def build(data: tuple[Path, ...], out_dir: Path, kinds: tuple[str, ...], formats: tuple[str, ...],
          template_dir: Path | None, theme_file: Path | None, reference_docx: Path | None, strict: bool,
          timeout: float, jobs: int | None, shard: tuple[int, int] | None, check: bool, manifest: Path | None,
          fail_fast: bool, quiet: bool, verbose: bool) -> None:
    """Build briefing and memo, as PDF and DOCX, for every agreement given (files or folders, or - for
    one agreement on standard input).

    With no DATA, builds the shipped Zhejiang–Alibaba agreement. Writes OUT/ID-briefing.pdf,
    OUT/ID-briefing.docx, OUT/ID-memo.pdf and OUT/ID-memo.docx for each agreement. One agreement that
    fails is reported and the others are still built.
    """
    from reports.batch import build as run_build
    from reports.console import print_problems, progress, report_build
    from reports.errors import Problem
    from reports.limits import WORKERS_PER_CPU, cpu_count, max_workers
    from reports.paths import default_data_file

    styles = [f for f in formats if f in REPORT_STYLES]
    if len(styles) > 1:
        raise click.UsageError(f"choose one report format, not {' and '.join(styles)}")
    style = styles[0] if styles else "text"
    doc_formats = tuple(f for f in formats if f in DOC_FORMATS) or DOC_FORMATS
    options = _options(template_dir, theme_file, reference_docx, strict, timeout)
    inputs = list(data) or [default_data_file()]
    if jobs is not None and jobs > max_workers():
        cpus = cpu_count()
        message = (f"{jobs} is more than {WORKERS_PER_CPU} per CPU ({cpus} CPU{'s' if cpus != 1 else ''} here); "
                   f"using at most {max_workers()} worker processes")
        print_problems([Problem(file="--jobs", message=message)], style, warning=True)
    with progress(len(inputs), quiet or style == "json") as bar:
        result = run_build(
            inputs, out_dir, kinds=kinds or KINDS, formats=doc_formats, options=options,
            jobs=jobs or cpu_count(), shard=shard, check=check, fail_fast=fail_fast, manifest=manifest,
            on_progress=(lambda _record: bar.update(1)) if bar is not None else None,
        )
    if result.stopped and result.not_built:
        count = len(result.not_built)
        click.echo(f"{result.stopped}; {count} more agreement{'s' if count != 1 else ''} not built", err=True)
    report_build(result, style=style, quiet=quiet, verbose=verbose)
    if result.manifest_error:
        click.echo(result.manifest_error, err=True)
    if click.get_current_context().meta.get("reports.debug"):
        for record in result.internal:
            for text in record.tracebacks:
                click.echo(text, err=True)
    sys.exit(result.exit_code)


@main.command()
@click.option("--template-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Also list the templates in this folder (they override built-ins of the same name).")
def templates(template_dir: Path | None) -> None:
    """List the built-in templates and, with --template-dir, your own."""
    from reports.paths import builtin_templates_dir

    builtin = builtin_templates_dir()
    user = {p.relative_to(template_dir).as_posix() for p in template_dir.rglob("*.j2")} if template_dir else set()
    for path in sorted(builtin.rglob("*.j2")):
        name = path.relative_to(builtin).as_posix()
        note = "  (overridden by --template-dir)" if name in user else ""
        click.echo(f"built-in  {name}{note}")
    for name in sorted(user):
        click.echo(f"user      {name}  ({template_dir})")
