"""The many-document commands: ``build`` (every kind and format for many agreements, made for CI: workers,
shards, the build record, a manifest, progress and the report in text, GitHub annotations or JSON) and
``watch`` (build again whenever an input is saved).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from reports.cli.options import (
    DOC_FORMATS,
    KIND_HELP,
    KINDS,
    REPORT_STYLES,
    against_options,
    against_template_option,
    check_kinds,
    classification_option,
    debug_option,
    marking_overrides,
    pipeline_options,
    redline_options,
    reference_option,
    render_options,
    sign_options,
    signing,
)


def _shard(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    from reports.batch import parse_shard

    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command(short_help="Build every document for many agreements (made for CI).")
@click.argument("data", nargs=-1, type=click.Path(exists=True, path_type=Path, allow_dash=True))
@click.option("-d", "--out-dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              metavar="FOLDER", help="Folder for the documents (and the build record, .reports-build.json).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Build only this kind (repeatable; default: briefing and memo): " + KIND_HELP)
@click.option("--format", "formats", type=click.Choice(DOC_FORMATS + REPORT_STYLES), multiple=True,
              metavar="FORMAT",
              help="pdf or docx: build only these document formats (repeatable; default both). "
                   "text, github or json: how results are reported (github: Actions annotations; "
                   "json: one JSON line per finished document, the manifest as the last line).")
@render_options
@reference_option
@classification_option
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
              help="Write a JSON manifest: inputs, outputs with size, pages and sha256, errors "
                   "(- for standard output).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first agreement that fails.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file written.")
@against_options
@sign_options
@debug_option
def build(data: tuple[Path, ...], out_dir: Path, kinds: tuple[str, ...], formats: tuple[str, ...],
          template_dir: Path | None, theme_file: Path | None, strict: bool, timeout: float,
          reference_docx: Path | None, classification: str | None, force: bool, check: bool, jobs: int | None,
          shard: tuple[int, int] | None, manifest: Path | None, fail_fast: bool, quiet: bool, verbose: bool,
          against: str | None, author: str, against_template_dir: Path | None, sign_key: Path | None,
          sign_cert: Path | None, sign_chain: tuple[Path, ...], sign_password_file: Path | None,
          timestamp_url: str | None) -> None:
    """Build the briefing and the memo, as PDF and DOCX, for every agreement in DATA: files, folders
    (every *.yaml, *.yml and *.json inside) or - for one agreement on standard input. With no DATA,
    builds the shipped Zhejiang–Alibaba agreement.

    Writes OUT/ID-KIND.FORMAT for each agreement: ID is the agreement's id, KIND briefing or memo,
    FORMAT pdf or docx. An agreement that fails is reported and the others are still built; the exit
    code is 1 if any failed.

    Only what changed is made again: a record in the output folder keeps, for each document, a key of
    everything that decides its bytes (the data, the templates and partials it uses, the theme, the
    reference document, the options, the fonts, this version of reports). --force makes everything.

    With --against OLD, every document is a redline of DATA against OLD: what changed marked (Word's
    tracked changes; in the PDF underlined, struck through and barred in the margin) after a "What
    changed" section. OLD is a data file (with one DATA file), or git:REV for each DATA file as it was
    at revision REV of its git repository. Redlines go to OUT/redline unless --out-dir is given.
    """
    from reports.batch import build as run_build
    from reports.console import print_problems, report_build
    from reports.errors import Problem
    from reports.limits import WORKERS_PER_CPU, cpu_count, max_workers
    from reports.paths import default_data_file
    from reports.progress import ProgressBar, json_lines, manifest_line

    check_kinds(kinds, template_dir)
    styles = [f for f in formats if f in REPORT_STYLES]
    if len(styles) > 1:
        raise click.UsageError(f"choose one report format, not {' and '.join(styles)}")
    style = styles[0] if styles else "text"
    if manifest is not None and str(manifest) == "-" and style == "json":
        raise click.UsageError("--manifest - and --format json both write the manifest to standard output; "
                               "choose one")
    doc_formats = tuple(f for f in formats if f in DOC_FORMATS) or DOC_FORMATS
    options = pipeline_options(template_dir, theme_file, reference_docx, strict, timeout,
                               marking_overrides(classification))
    inputs = list(data) or [default_data_file()]
    if against is not None:
        options, out_dir = redline_options(options, against, author, inputs, out_dir, against_template_dir)
    elif against_template_dir is not None:
        raise click.UsageError("--against-template-dir is for a redline: give --against OLD too")
    options = signing(options, sign_key, sign_cert, sign_chain, sign_password_file, timestamp_url)
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


@click.command(short_help="Redline one agreement: its documents with what changed since OLD marked.")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-d", "--out-dir", type=click.Path(path_type=Path), default=Path("out") / "redline",
              show_default=True, metavar="FOLDER", help="Folder for the redlines.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Redline only this kind (repeatable; default: briefing and memo): " + KIND_HELP)
@click.option("--format", "formats", type=click.Choice(DOC_FORMATS + REPORT_STYLES), multiple=True,
              metavar="FORMAT", help="pdf or docx (repeatable; default both); text, github or json: how "
                                     "results are reported.")
@render_options
@reference_option
@classification_option
@click.option("--author", default="reports", show_default=True, metavar="NAME",
              help="Who the redline's tracked changes are by (Word shows it beside each change).")
@against_template_option
@sign_options
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file written.")
@debug_option
@click.pass_context
def diff(ctx: click.Context, /, old: str, new: Path, **options: Any) -> None:
    """Write NEW's documents as redlines against OLD: what changed since OLD marked (Word's tracked
    changes; in the PDF underlined, struck through and barred in the margin) after a "What changed"
    section. OLD is the old version's data file, or git:REV for NEW as it was at git revision REV.

    The same as `reports build NEW --against OLD --out-dir FOLDER`.
    """
    ctx.invoke(build, data=(new,), against=old, **options)


@click.command(short_help="Rebuild documents whenever their data, templates or theme are saved.")
@click.argument("data", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("-d", "--out-dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              metavar="FOLDER", help="Folder for the documents.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Watch only this kind (repeatable; default: briefing and memo): " + KIND_HELP)
@click.option("--format", "formats", type=click.Choice(DOC_FORMATS), multiple=True, metavar="FORMAT",
              help="pdf or docx: only these formats (repeatable; default both).")
@render_options
@reference_option
@classification_option
@debug_option
def watch(data: tuple[Path, ...], out_dir: Path, kinds: tuple[str, ...], formats: tuple[str, ...],
          template_dir: Path | None, theme_file: Path | None, strict: bool, timeout: float,
          reference_docx: Path | None, classification: str | None) -> None:
    """Build the documents of DATA (files or folders; default: the shipped agreement), then build
    again whenever a data file, a template or partial, the theme, its logo or the reference document is
    saved: only the documents that change are made again.

    Prints one line per rebuild with what changed and how long it took. Errors are printed as located
    messages and the watch goes on; the last good documents stay in place. Stop it with Ctrl-C.
    """
    from reports.console import print_problems
    from reports.paths import default_data_file
    from reports.watch import Watcher, WatchSetup, file_changes, run

    check_kinds(kinds, template_dir)
    meta = dict(click.get_current_context().meta)

    def options() -> Any:  # read again for every rebuild: the theme file may have been saved
        from reports.load import load_theme
        from reports.pipeline import Options
        from reports.theme import DEFAULT_THEME

        theme = load_theme(theme_file) if theme_file else DEFAULT_THEME
        return Options(theme=theme, template_dir=template_dir, reference_docx=reference_docx, strict=strict,
                       timeout=timeout, watermark=meta.get("reports.watermark"), lang=meta.get("reports.lang"),
                       overrides=marking_overrides(classification),
                       embed_source=not meta.get("reports.no_embed_source", False))

    setup = WatchSetup(data=list(data) or [default_data_file()], out_dir=out_dir, kinds=kinds or KINDS,
                       formats=formats or DOC_FORMATS, options=options, template_dir=template_dir,
                       theme_file=theme_file, reference_docx=reference_docx)
    watcher = Watcher(setup, say=lambda line: click.echo(line),
                      problems=lambda problems, warning: print_problems(problems, "text", warning=warning))
    folders = watcher.folders_to_watch()
    from reports.pipeline import warm

    warm()  # the workers each rebuild forks start warm
    run(watcher, file_changes(folders, watcher.relevant),
        ready=lambda: click.echo(f"watching {len(folders)} folders for changes; Ctrl-C to stop", err=True))

