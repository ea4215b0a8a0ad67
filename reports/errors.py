"""User-facing errors: the one place where messages get their shape and exit codes.

Every mistake a user can make (bad data, a broken template, an unwritable folder) is raised as a
``ReportsError``; click prints it as one message and exits with its code. Bugs stay ordinary exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import click

EXIT_OK = 0
EXIT_ERROR = 1  # data, template, document or output errors
EXIT_USAGE = 2  # click's own usage errors
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One located problem: ``file:line:column: field: message``."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def format(self, severity: str = "") -> str:
        """Return the problem as ``file:line:column: [severity: ]field: message``."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{self.field}: " if self.field else ""
        label = f"{severity}: " if severity else ""
        return f"{where}: {label}{field}{self.message}"

    def format_github(self) -> str:
        """Return the problem as a GitHub Actions ``::error`` annotation."""
        props = [f"file={_gh_property(self.file)}"]
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.column is not None:
            props.append(f"col={self.column}")
        if self.field:
            props.append(f"title={_gh_property(self.field)}")
        return f"::error {','.join(props)}::{_gh_data(self.message)}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready mapping."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


def _gh_data(text: str) -> str:
    # GitHub's workflow-command escaping: % first, then line breaks.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


class ReportsError(click.ClickException):
    """Base of every error a user can act on; ``exit_code`` is 1 unless a kind says otherwise."""

    exit_code = EXIT_ERROR
    kind = "error"

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        # Loaders raise with located problems only; the message then is their text.
        super().__init__(message or "\n".join(p.format() for p in problems))
        self.problems: tuple[Problem, ...] = tuple(problems)

    def format_message(self) -> str:
        if self.problems:
            return "\n".join(p.format() for p in self.problems)
        return self.message

    def show(self, file: object = None) -> None:
        # click prefixes "Error: "; located problems already start with the file name, which reads
        # better in editors and CI logs that link "file:line:col".
        click.echo(self.format_message(), err=True)


class DataError(ReportsError):
    """The agreement data file is missing, unreadable, malformed or invalid."""

    kind = "data"


class ThemeError(ReportsError):
    """The theme file or something it points at is invalid."""

    kind = "theme"


class TemplateError(ReportsError):
    """A template has a syntax error, uses an undefined variable or breaks the sandbox."""

    kind = "template"


class RenderError(ReportsError):
    """A document could not be produced from a valid tree (e.g. an unusable image)."""

    kind = "render"


class OutputError(ReportsError):
    """An output file or folder could not be written."""

    kind = "output"
