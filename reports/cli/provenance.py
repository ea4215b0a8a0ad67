"""The provenance commands: ``extract`` (the data file a document carries, written back byte for byte, and
its build record beside it) and ``verify`` (each document rebuilt from what it carries and compared).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reports.cli.options import debug_option, reference_option
from reports.errors import EXIT_ERROR, ReportsError, display_path

MAX_DOCUMENT = 512 * 1024 * 1024  # bytes of a document read (a built one is far smaller)
NOT_CARRIED = "carries no data file: not made by reports, or made with --no-embed-source"


class ProvenanceError(ReportsError):
    """A document without what ``extract`` needs, or a file it will not write."""

    kind = "provenance"


def _read_document(path: Path) -> bytes:
    from reports.load import read_file

    return read_file(str(path), ProvenanceError, MAX_DOCUMENT)


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and ".." not in name.split(".") and not any(
        c in name for c in "/\\\0") and not name.startswith(".")


@click.command(short_help="Write out the data file a document was built from.")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-d", "--out-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, metavar="FOLDER", help="Folder to write the data file and its build record to.")
@click.option("--force", is_flag=True, help="Replace files of the same names that hold other bytes.")
@debug_option
def extract(document: Path, out_dir: Path, force: bool) -> None:
    """Write the agreement data file DOCUMENT (a PDF or Word document made by reports) carries, byte for
    byte, under its own name into FOLDER, and its build record beside it as DOCUMENT.reports-build.json.

    A file already there with the same bytes is left as it is; one with other bytes is refused unless
    --force. Exits 1 for a document that carries no data file (not made by reports, or made with
    --no-embed-source).
    """
    from reports.output import prepare_out_dir, write_atomic
    from reports.provenance import read_embedded, record_bytes

    click.get_current_context().meta["reports.file"] = str(document)
    embedded = read_embedded(_read_document(document))
    if embedded is None:
        raise ProvenanceError(f"{display_path(document)}: {NOT_CARRIED}")
    name = embedded.source.name
    if not _plain_name(name):
        raise ProvenanceError(f"{display_path(document)}: its data file's name {name!r} is not a plain file "
                              "name; refusing to write it")
    targets = [(out_dir / name, embedded.source.data),
               (out_dir / f"{document.name}.reports-build.json", record_bytes(embedded.record))]
    prepare_out_dir(out_dir)
    for target, data in targets:
        if not force and target.exists() and target.read_bytes() != data:
            raise ProvenanceError(f"{display_path(target)}: exists and holds other bytes; refusing to replace "
                                  "it (remove it, choose another --out-dir, or give --force)")
    for target, data in targets:
        written = write_atomic(target, data)
        click.echo(f"{'wrote' if written else 'unchanged'} {display_path(target)}", err=True)


@click.command(short_help="Rebuild documents from the data they carry and compare the bytes.")
@click.argument("documents", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--template-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="FOLDER",
              help="The templates the documents were built with (default: the built-in ones).")
@click.option("--theme", "theme_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="The theme the documents were built with (their records name it).")
@reference_option
@click.option("--trust", "trust_roots", multiple=True, metavar="CERT",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A root certificate (PEM or DER) a signature's chain must lead to (repeatable; without "
                   "it, signatures are checked for integrity and time, not trust).")
@click.option("--format", "style", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text: one line per document; json: one JSON object per document.")
@debug_option
def verify(documents: tuple[Path, ...], template_dir: Path | None, theme_file: Path | None,
           reference_docx: Path | None, trust_roots: tuple[Path, ...], style: str) -> None:
    """Rebuild each of DOCUMENTS (PDF or Word documents; a folder: every .pdf and .docx inside) from the
    data file and build record it carries, and compare the bytes. One line per document:

    \b
      reproduced           the same bytes (a signed PDF: its first revision)
      differs: WHERE       what differs from when it was made: tool version, libraries,
                           template, theme, reference document, options, or its content
      not made by reports  it carries no data file and build record
      cannot check         a redline (its old version is not carried)

    A signed PDF's line also says who signed it and when, and whether the signature holds: a broken
    signature, an invalid time-stamp, a chain that does not lead to a --trust root, or changes made
    after signing make it "differs".

    Exits 0 when every document is reproduced, 1 otherwise.
    """
    from reports.load import load_theme
    from reports.pipeline import Options
    from reports.theme import DEFAULT_THEME
    from reports.verify import NOT_OURS, REPRODUCED, Verdict, documents_in, signature_check, verify_document

    theme = load_theme(theme_file) if theme_file else DEFAULT_THEME
    options = Options(theme=theme, template_dir=template_dir, reference_docx=reference_docx)
    signatures = signature_check(trust_roots)
    files = documents_in(list(documents))
    if not files:
        raise click.UsageError("no .pdf or .docx documents in " + ", ".join(display_path(d) for d in documents))
    every = True
    for path in files:
        click.get_current_context().meta["reports.file"] = str(path)
        try:
            data = _read_document(path)
        except ReportsError as exc:
            verdict = Verdict(str(path), NOT_OURS, exc.format_message())
        else:
            verdict = verify_document(data, str(path), options=options, signature=signatures)
        every = every and verdict.verdict == REPRODUCED
        click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False) if style == "json" else verdict.line())
    sys.exit(0 if every else EXIT_ERROR)
