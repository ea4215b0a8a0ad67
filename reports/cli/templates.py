"""The ``templates`` command: list the kinds, the partials and the Word reference document with the file
each build uses, or copy the built-ins into a folder to edit them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reports.errors import display_path


@click.command(short_help="List the kinds and templates, or copy the built-ins to edit them.")
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
    # Every name and path is printed through display_path, the path column's one escape: a file name is
    # the user's (or an attacker's) bytes, and an escape sequence or a bidi control in it must show as
    # text, never act on the terminal. Widths are measured on what is printed.
    rows = [(display_path(t.kind or t.name), t) for t in kinds] + [(display_path(t.name), t) for t in partials]
    width = max([len(REFERENCE_DOCX), *(len(name) for name, _ in rows)])
    click.echo("Kinds (build one with --kind NAME):")
    for name, t in rows[:len(kinds)]:
        click.echo(f"  {name:<{width}}  {_template_line(t)}")
    click.echo("Partials (included or imported by the kinds):")
    for name, t in rows[len(kinds):]:
        click.echo(f"  {name:<{width}}  {_template_line(t)}")
    click.echo("Word reference document (styles of DOCX output; yours with --reference-docx):")
    click.echo(f"  {REFERENCE_DOCX:<{width}}  built-in  {display_path(builtin_templates_dir() / REFERENCE_DOCX)}")
    if template_dir is None:
        click.echo("Copy the built-ins to edit them: reports templates --copy FOLDER")


def _template_line(t: Any) -> str:
    if not t.user:
        return f"built-in  {display_path(t.path)}"
    line = f"yours     {display_path(t.path)}"
    if t.overrides is not None:
        line += f"  (overrides the built-in {display_path(t.overrides)})"
    if t.not_a_kind:
        line += "  (not a kind: a kind's name has only lowercase letters, digits and hyphens)"
    return line
