"""The ``reports`` command line: click commands only; each parses options and calls the library.

Heavy libraries (Jinja2, reportlab, python-docx) are imported inside the commands that use them, so
``reports --help`` stays quick. Every user error arrives as a ``ReportsError`` and prints as one message.
What a user reads is ``HELP`` and the commands' docstrings, not this docstring.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from reports import __version__
from reports.errors import EXIT_INTERRUPTED, Problem, ReportsError, display_path
from reports.limits import (
    DEFAULT_TIMEOUT,
    EXIT_INTERNAL,
    EXIT_TERMINATED,
    Terminated,
    internal_problem,
    terminate_like_interrupt,
)

KINDS = ("briefing", "memo")  # the built-in kinds, built by default; any NAME.md.j2 in --template-dir adds one
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


HELP = """Turn agreement data (YAML or JSON) into a PDF briefing and a Word memo.

\b
Start with `reports build`: it builds the shipped example agreement into out/
as briefing and memo, each in PDF and DOCX. Then try your own data:
  reports new my-deal            write a starter data file
  reports validate my-deal.yaml  check it; every mistake located
  reports build my-deal.yaml     build its documents
Run `reports COMMAND --help` for a command's options.

\b
Exit codes:
  0    success
  1    data, template or document errors (or --check found outdated files)
  2    usage errors (unknown option or kind, missing file argument)
  3    internal error: a bug of ours, one line each (--debug: traceback); outranks 1
  130  interrupted (Ctrl-C); finished files are kept, no partial files are left
  143  terminated (SIGTERM); as for Ctrl-C
"""


@click.group(cls=_Group, help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="reports")
@_debug_option
def main() -> None:
    """The ``reports`` command group."""


# --------------------------------------------------------------------------- data commands


@main.command(short_help="Check agreement data files; every mistake is located.")
@click.argument("files", nargs=-1, required=True, type=_file_arg)
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


@main.command(short_help="Print the JSON Schema of the data format.")
def schema() -> None:
    """Print the JSON Schema of the data format (for editors' YAML and JSON plugins)."""
    from reports.model import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True))


@main.command(short_help="Write a commented starter data file for a new agreement.")
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


# --------------------------------------------------------------------------- document commands


_KIND_HELP = ("briefing, memo, or the NAME of your own template NAME.md.j2 in --template-dir "
              "(`reports templates` lists them).")


def _render_options(func: Any) -> Any:
    options = [
        click.option("--template-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     metavar="FOLDER",
                     help="Your templates: a file here replaces the built-in one of the same name, and "
                          "each NAME.md.j2 at its top is a kind you can build."),
        click.option("--theme", "theme_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="YAML theme: page size, margins, colours, fonts, logo, classification and "
                          "organisation (see docs/theme-guide.md)."),
        click.option("--strict", is_flag=True,
                     help="Treat warnings (unsupported markup, characters no font can draw) as errors."),
        click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
                     metavar="SECONDS", help="Stop a document that takes longer than this (0: no limit)."),
        click.option("--watermark", metavar="TEXT", expose_value=False,
                     callback=lambda ctx, _param, value: ctx.meta.__setitem__("reports.watermark", value),
                     help="A mark such as DRAFT behind the text of every page, in both formats (instead "
                          "of the theme's watermark; \"\" for none)."),
        click.option("--lang", metavar="LANG", expose_value=False, callback=_lang,
                     help="Language of the document's labels (BCP-47, e.g. zh-Hans); default: the data's "
                          "`language`."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def _lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    # The shape of a BCP-47 tag is checked here, as a usage error; which languages have labels is the
    # pipeline's business (reports.i18n).
    if value is not None and not _LANGUAGE_TAG.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a language tag (BCP-47, e.g. en, fr, zh-Hans)")
    ctx.meta["reports.lang"] = value
    return value


_reference_option = click.option(
    "--reference-docx", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Your organisation's Word document (.docx or .dotx): the DOCX output takes its styles, fonts, "
         "page set-up, headers and footers, not its text.")


def _memo_options(func: Any) -> Any:
    for name in ("classification", "subject", "cc", "from", "to"):
        func = click.option(f"--{name}", f"memo_{name}", metavar="TEXT",
                            help=f"The memo's {name.upper()} line (instead of the data's memo section"
                                 f"{' and the theme' if name == 'classification' else ''}).")(func)
    return func


def _check_kinds(kinds: tuple[str, ...], template_dir: Path | None) -> None:
    """Refuse, as a usage error (exit 2), a kind that is not a safe name or has no template."""
    from reports.kinds import kind_problem

    for kind in kinds:
        problem = kind_problem(kind, template_dir)
        if problem is not None:
            raise click.UsageError(problem)


def _options(template_dir: Path | None, theme_file: Path | None, reference_docx: Path | None,
             strict: bool, timeout: float, overrides: dict[str, str] | None = None) -> Any:
    from reports.load import load_theme
    from reports.pipeline import Options
    from reports.theme import DEFAULT_THEME

    theme = load_theme(theme_file) if theme_file else DEFAULT_THEME
    meta = click.get_current_context().meta
    return Options(theme=theme, template_dir=template_dir, reference_docx=reference_docx,
                   overrides=overrides or {}, strict=strict, timeout=timeout,
                   watermark=meta.get("reports.watermark"), lang=meta.get("reports.lang"))


def _render_one(fmt: str, data: Path | None, kind: str, output: Path | None, options: Any) -> None:
    from reports.console import print_problems
    from reports.load import load_agreement
    from reports.output import check_target, prepare_out_dir, write_atomic
    from reports.paths import default_data_file
    from reports.pipeline import render

    _check_kinds((kind,), options.template_dir)
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
    write_atomic(target, result.data)  # Ctrl-C waits for the file, so no temporary is left behind
    click.echo(f"wrote {display_path(target)}", err=True)


@main.command(short_help="Make one PDF (default: the briefing).")
@click.argument("data", required=False, type=_file_arg)
@click.option("--kind", default="briefing", show_default=True, metavar="KIND", help=_KIND_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
              metavar="FILE", help="File to write, or - for standard output (default: out/ID-KIND.pdf).")
@_render_options
@_memo_options
def pdf(data: Path | None, kind: str, output: Path | None, template_dir: Path | None,
        theme_file: Path | None, strict: bool, timeout: float, **memo: str | None) -> None:
    """Make one PDF document from the agreement in DATA (a YAML or JSON file; default: the shipped
    example agreement). The default kind is the briefing; --kind memo makes the memo.

    Warnings (markup the writers do not support, characters no font can draw) are printed and the
    document is still written, unless --strict.
    """
    _render_one("pdf", data, kind, output,
                _options(template_dir, theme_file, None, strict, timeout, _overrides(memo)))


@main.command(short_help="Make one Word document (default: the memo).")
@click.argument("data", required=False, type=_file_arg)
@click.option("--kind", default="memo", show_default=True, metavar="KIND", help=_KIND_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
              metavar="FILE", help="File to write, or - for standard output (default: out/ID-KIND.docx).")
@_render_options
@_reference_option
@_memo_options
def docx(data: Path | None, kind: str, output: Path | None, template_dir: Path | None,
         theme_file: Path | None, strict: bool, timeout: float, reference_docx: Path | None,
         **memo: str | None) -> None:
    """Make one Word document (.docx) from the agreement in DATA (a YAML or JSON file; default: the
    shipped example agreement). The default kind is the memo; --kind briefing makes the briefing.

    Warnings (markup the writers do not support, characters no font can draw) are printed and the
    document is still written, unless --strict.
    """
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


@main.command(short_help="Build every document for many agreements (made for CI).")
@click.argument("data", nargs=-1, type=click.Path(exists=True, path_type=Path, allow_dash=True))
@click.option("-d", "--out-dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              metavar="FOLDER", help="Folder for the documents (and the build record, .reports-build.json).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Build only this kind (repeatable; default: briefing and memo): " + _KIND_HELP)
@click.option("--format", "formats", type=click.Choice(DOC_FORMATS + REPORT_STYLES), multiple=True,
              metavar="FORMAT",
              help="pdf or docx: build only these document formats (repeatable; default both). "
                   "text, github or json: how results are reported (github: Actions annotations; "
                   "json: one JSON line per finished document, the manifest as the last line).")
@_render_options
@_reference_option
@click.option("--force", is_flag=True,
              help="Make every document again, even those the build record shows are up to date.")
@click.option("--check", is_flag=True,
              help="Build in memory and exit 1 if any file on disk is missing or differs; write nothing.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes (default: the number of CPUs; never more than one per agreement "
                   "or two per CPU).")
@click.option("--shard", callback=_shard, metavar="I/N",
              help="Build only the I-th of N stable slices of the inputs (for a CI matrix).")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write a JSON manifest: inputs, outputs with size, pages and sha256, errors.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first agreement that fails.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file written.")
@_debug_option
def build(data: tuple[Path, ...], out_dir: Path, kinds: tuple[str, ...], formats: tuple[str, ...],
          template_dir: Path | None, theme_file: Path | None, strict: bool, timeout: float,
          reference_docx: Path | None, force: bool, check: bool, jobs: int | None, shard: tuple[int, int] | None,
          manifest: Path | None, fail_fast: bool, quiet: bool, verbose: bool) -> None:
    """Build the briefing and the memo, as PDF and DOCX, for every agreement in DATA: files, folders
    (every *.yaml, *.yml and *.json inside) or - for one agreement on standard input. With no DATA,
    builds the shipped Zhejiang–Alibaba agreement.

    Writes OUT/ID-KIND.FORMAT for each agreement: ID is the agreement's id, KIND briefing or memo,
    FORMAT pdf or docx. An agreement that fails is reported and the others are still built; the exit
    code is 1 if any failed.

    Only what changed is made again: a record in the output folder keeps, for each document, a key of
    everything that decides its bytes (the data, the templates and partials it uses, the theme, the
    reference document, the options, the fonts, this version of reports). --force makes everything.
    """
    from reports.batch import build as run_build
    from reports.console import print_problems, report_build
    from reports.errors import Problem
    from reports.limits import WORKERS_PER_CPU, cpu_count, max_workers
    from reports.paths import default_data_file
    from reports.progress import ProgressBar, json_lines, manifest_line

    _check_kinds(kinds, template_dir)
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
    bar = ProgressBar(sys.stderr, enabled=not quiet and style != "json")

    def finished(record: Any) -> None:
        if style == "json":  # streamed as each agreement finishes, for scripts that show progress
            for line in json_lines(record):
                click.echo(line)
        bar.advance(record)

    try:
        result = run_build(
            inputs, out_dir, kinds=kinds or KINDS, formats=doc_formats, options=options,
            jobs=jobs or cpu_count(), shard=shard, check=check, fail_fast=fail_fast, manifest=manifest,
            force=force, on_start=bar.start, on_progress=finished,
        )
    finally:
        bar.close()
    if result.stopped and result.not_built:
        count = len(result.not_built)
        click.echo(f"{result.stopped}; {count} more agreement{'s' if count != 1 else ''} not built", err=True)
    if style == "json":
        click.echo(manifest_line(result))
        report_build(result, style="text", quiet=True, verbose=verbose)  # errors on stderr, as before
    else:
        report_build(result, style=style, quiet=quiet, verbose=verbose)
    for problem in (result.manifest_error, result.record_error):
        if problem:
            click.echo(problem, err=True)
    if click.get_current_context().meta.get("reports.debug"):
        for record in result.internal:
            for text in record.tracebacks:
                click.echo(text, err=True)
    sys.exit(result.exit_code)


@main.command(short_help="Rebuild documents whenever their data, templates or theme are saved.")
@click.argument("data", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("-d", "--out-dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              metavar="FOLDER", help="Folder for the documents.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Watch only this kind (repeatable; default: briefing and memo): " + _KIND_HELP)
@click.option("--format", "formats", type=click.Choice(DOC_FORMATS), multiple=True, metavar="FORMAT",
              help="pdf or docx: only these formats (repeatable; default both).")
@_render_options
@_reference_option
@_debug_option
def watch(data: tuple[Path, ...], out_dir: Path, kinds: tuple[str, ...], formats: tuple[str, ...],
          template_dir: Path | None, theme_file: Path | None, strict: bool, timeout: float,
          reference_docx: Path | None) -> None:
    """Build the documents of DATA (files or folders; default: the shipped agreement), then build
    again whenever a data file, a template or partial, the theme, its logo or the reference document is
    saved: only the documents that change are made again.

    Prints one line per rebuild with what changed and how long it took. Errors are printed as located
    messages and the watch goes on; the last good documents stay in place. Stop it with Ctrl-C.
    """
    from reports.console import print_problems
    from reports.paths import default_data_file
    from reports.watch import Watcher, WatchSetup, file_changes, run

    _check_kinds(kinds, template_dir)
    meta = dict(click.get_current_context().meta)

    def options() -> Any:  # read again for every rebuild: the theme file may have been saved
        from reports.load import load_theme
        from reports.pipeline import Options
        from reports.theme import DEFAULT_THEME

        theme = load_theme(theme_file) if theme_file else DEFAULT_THEME
        return Options(theme=theme, template_dir=template_dir, reference_docx=reference_docx, strict=strict,
                       timeout=timeout, watermark=meta.get("reports.watermark"), lang=meta.get("reports.lang"))

    setup = WatchSetup(data=list(data) or [default_data_file()], out_dir=out_dir, kinds=kinds or KINDS,
                       formats=formats or DOC_FORMATS, options=options, template_dir=template_dir,
                       theme_file=theme_file, reference_docx=reference_docx)
    watcher = Watcher(setup, say=lambda line: click.echo(line),
                      problems=lambda problems, warning: print_problems(problems, "text", warning=warning))
    folders = watcher.folders_to_watch()
    run(watcher, file_changes(folders, watcher.relevant),
        ready=lambda: click.echo(f"watching {len(folders)} folders for changes; Ctrl-C to stop", err=True))


@main.command(short_help="List the kinds and templates, or copy the built-ins to edit them.")
@click.option("--template-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="FOLDER",
              help="Also list your templates in FOLDER, and which built-ins they override.")
@click.option("--copy", "copy_to", type=click.Path(path_type=Path), metavar="FOLDER",
              help="Copy the built-in templates and partials into FOLDER (created if needed) to edit them; "
                   "then pass --template-dir FOLDER.")
@click.option("--with-reference", is_flag=True,
              help="With --copy, also copy the built-in Word reference document, reference.docx (use it "
                   "with --reference-docx, not --template-dir).")
@click.option("--force", is_flag=True, help="With --copy, overwrite files that exist.")
def templates(template_dir: Path | None, copy_to: Path | None, with_reference: bool, force: bool) -> None:
    """List the document kinds and partials, with the file each build uses, or copy the built-ins.

    A kind is a template NAME.md.j2 at the top of the template folder (NAME: lowercase letters, digits
    and hyphens); build it with --kind NAME. Partials are the other templates, which kinds include or
    import. A file in --template-dir replaces the built-in of the same name.
    """
    from reports.paths import builtin_templates_dir
    from reports.template_files import REFERENCE_DOCX, copy_builtins, list_templates

    if copy_to is not None:
        if template_dir is not None:
            raise click.UsageError("--copy writes the built-ins; it does not take --template-dir")
        try:
            written = copy_builtins(copy_to, force=force, with_reference=with_reference)
        except FileExistsError as exc:
            raise click.UsageError(f"{exc}; nothing was copied (use --force to overwrite)") from None
        for target in written:
            click.echo(f"wrote {display_path(target)}")
        click.echo(f"edit them, then use: reports pdf --template-dir {display_path(copy_to)}")
        return
    if with_reference or force:
        raise click.UsageError("--with-reference and --force go with --copy FOLDER")
    kinds, partials = list_templates(template_dir)
    width = max(len(t.kind or t.name) for t in [*kinds, *partials]) if kinds or partials else 0
    width = max(width, len(REFERENCE_DOCX))
    click.echo("Kinds (build one with --kind NAME):")
    for t in kinds:
        click.echo(f"  {t.kind:<{width}}  {_template_line(t)}")
    click.echo("Partials (included or imported by the kinds):")
    for t in partials:
        click.echo(f"  {t.name:<{width}}  {_template_line(t)}")
    click.echo("Word reference document (styles of DOCX output; yours with --reference-docx):")
    click.echo(f"  {REFERENCE_DOCX:<{width}}  built-in  {builtin_templates_dir() / REFERENCE_DOCX}")
    if template_dir is None:
        click.echo("Copy the built-ins to edit them: reports templates --copy FOLDER")


def _template_line(t: Any) -> str:
    if not t.user:
        return f"built-in  {t.path}"
    line = f"yours     {display_path(t.path)}"
    if t.overrides is not None:
        line += f"  (overrides the built-in {t.overrides})"
    if t.not_a_kind:
        line += "  (not a kind: a kind's name has only lowercase letters, digits and hyphens)"
    return line
