"""The one-document commands: ``pdf`` and ``docx`` make one file (or standard output) from one agreement,
with the render options and the memo's header lines.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from reports.cli.options import (
    KIND_HELP,
    check_kinds,
    file_arg,
    memo_options,
    pipeline_options,
    reference_option,
    render_options,
    sign_options,
    signing,
)
from reports.errors import display_path


def _render_one(fmt: str, data: Path | None, kind: str, output: Path | None, options: Any) -> None:
    from reports.console import print_problems
    from reports.output import check_target, prepare_out_dir, write_atomic
    from reports.paths import default_data_file
    from reports.provenance import attachments, read_data, source_name
    from reports.workers import render_isolated

    check_kinds((kind,), options.template_dir)
    source = data or default_data_file()
    click.get_current_context().meta["reports.file"] = str(source)  # names it in an internal error
    if output is not None and str(output) != "-":
        check_target(output)  # a device, FIFO or folder is refused before any work is done
    raw, agreement = read_data(source)  # read once: the agreement and the bytes the document carries
    carried = attachments(raw, source_name(source), kind, (fmt,), options)[fmt]
    # In a supervised worker under the memory cap, as a build renders: this process never carries it.
    result = render_isolated(agreement, kind, fmt, options, source=str(source), attachments=carried)
    print_problems(result.warnings, "text", warning=True)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        return
    target = output or Path("out") / f"{agreement.id}-{kind}.{fmt}"
    prepare_out_dir(target.parent)
    write_atomic(target, result.data)  # Ctrl-C waits for the file, so no temporary is left behind
    click.echo(f"wrote {display_path(target)}", err=True)


@click.command(short_help="Make one PDF (default: the briefing).")
@click.argument("data", required=False, type=file_arg)
@click.option("--kind", default="briefing", show_default=True, metavar="KIND", help=KIND_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
              metavar="FILE", help="File to write, or - for standard output (default: out/ID-KIND.pdf).")
@render_options
@memo_options
@sign_options
def pdf(data: Path | None, kind: str, output: Path | None, template_dir: Path | None,
        theme_file: Path | None, strict: bool, timeout: float, sign_key: Path | None, sign_cert: Path | None,
        sign_chain: tuple[Path, ...], sign_password_file: Path | None, timestamp_url: str | None,
        **memo: str | None) -> None:
    """Make one PDF document from the agreement in DATA (a YAML or JSON file; default: the shipped
    example agreement). The default kind is the briefing; --kind memo makes the memo.

    Warnings (markup the writers do not support, characters no font can draw) are printed and the
    document is still written, unless --strict.
    """
    options = pipeline_options(template_dir, theme_file, None, strict, timeout, _overrides(memo))
    _render_one("pdf", data, kind, output,
                signing(options, sign_key, sign_cert, sign_chain, sign_password_file, timestamp_url))


@click.command(short_help="Make one Word document (default: the memo).")
@click.argument("data", required=False, type=file_arg)
@click.option("--kind", default="memo", show_default=True, metavar="KIND", help=KIND_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
              metavar="FILE", help="File to write, or - for standard output (default: out/ID-KIND.docx).")
@render_options
@reference_option
@memo_options
def docx(data: Path | None, kind: str, output: Path | None, template_dir: Path | None,
         theme_file: Path | None, strict: bool, timeout: float, reference_docx: Path | None,
         **memo: str | None) -> None:
    """Make one Word document (.docx) from the agreement in DATA (a YAML or JSON file; default: the
    shipped example agreement). The default kind is the memo; --kind briefing makes the briefing.

    Warnings (markup the writers do not support, characters no font can draw) are printed and the
    document is still written, unless --strict.
    """
    _render_one("docx", data, kind, output,
                pipeline_options(template_dir, theme_file, reference_docx, strict, timeout, _overrides(memo)))


def _overrides(memo: dict[str, str | None]) -> dict[str, str]:
    return {key.removeprefix("memo_"): value for key, value in memo.items() if value is not None}

