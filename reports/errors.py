"""User-facing errors: the one place where messages get their shape and exit codes.

Every mistake a user can make (bad data, a broken template, an unwritable folder) is raised as a
``ReportsError``; click prints it as one message and exits with its code. Bugs stay ordinary exceptions.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import click

EXIT_OK = 0
EXIT_ERROR = 1  # data, template, document or output errors
EXIT_USAGE = 2  # click's own usage errors
EXIT_INTERNAL = 3  # a bug of ours: one line, the traceback under --debug
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process that SIGTERM ended

# What must never reach a terminal raw: C0 controls (ESC starts colour, title and clipboard sequences),
# DEL, C1 controls (U+009B is a one-character CSI), the bidi overrides and isolates that make text read
# differently from what it is ("Trojan Source"), and lone surrogates (an undecodable byte of a file name
# read with surrogateescape, or a JSON escape), which cannot even be encoded for printing.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: show the original byte, as Python's repr of bytes does
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_for_terminal(text: str) -> str:
    """Return ``text`` with every character that could act on a terminal shown as an escape.

    Control characters become ``\\x1b``, ``\\x07``, ``\\n`` ..., DEL and C1 controls ``\\x7f``/``\\x9b``,
    bidi overrides and isolates ``\\u202e``, undecodable bytes of a file name ``\\xff``. Everything else
    (accents, CJK, emoji, backslashes) is kept as it is. The result can always be encoded as UTF-8.
    """
    if _UNSAFE.search(text) is None:  # the usual case: nothing to do, no copy
        return text
    return _UNSAFE.sub(_escape_char, text)


def display_path(path: str | os.PathLike[str] | os.PathLike[bytes] | bytes) -> str:
    """Return a path as the tool prints it or writes it into JSON: escaped, always valid UTF-8.

    A file name that is not valid UTF-8 (Python keeps its bytes as lone surrogates) shows its bytes as
    ``\\xff``; control characters and bidi overrides are escaped as by ``escape_for_terminal``.
    """
    raw = os.fspath(path)
    text = os.fsdecode(raw) if isinstance(raw, bytes) else raw
    return escape_for_terminal(text)


def shorten(text: str, limit: int = 300) -> str:
    """Return ``text`` cut in the middle to about ``limit`` characters, saying how much was left out.

    Messages quote what the user wrote; a value of a megabyte must not become a megabyte of error.
    """
    if len(text) <= limit:
        return text
    keep = limit // 2
    omitted = len(text) - 2 * keep
    return f"{text[:keep]}… ({omitted:,} more characters) …{text[-keep:]}"


def join_capped(items: Iterable[str], limit: int = 10) -> str:
    """Join ``items`` with commas, listing at most ``limit``: ``a, b, c … and 997 more``."""
    listed: list[str] = []
    more = 0
    for item in items:
        if len(listed) < limit:
            listed.append(item)
        else:
            more += 1
    text = ", ".join(listed)
    return f"{text} … and {more:,} more" if more else text


@dataclass(frozen=True)
class Problem:
    """One located problem: ``file:line:column: field: message``."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def format(self, severity: str = "") -> str:
        """Return the problem as ``file:line:column: [severity: ]field: message``, safe for a terminal."""
        where = display_path(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{escape_for_terminal(self.field)}: " if self.field else ""
        label = f"{severity}: " if severity else ""
        return f"{where}: {label}{field}{escape_for_terminal(self.message)}"

    def format_github(self) -> str:
        """Return the problem as a GitHub Actions ``::error`` annotation, safe for a terminal."""
        props = [f"file={_gh_property(display_path(self.file))}"]
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.column is not None:
            props.append(f"col={self.column}")
        if self.field:
            props.append(f"title={_gh_property(escape_for_terminal(self.field))}")
        # Escaped before GitHub's own encoding: a line break in a message is shown as \\n, and nothing
        # in a message can start a workflow command of its own.
        return f"::error {','.join(props)}::{_gh_data(escape_for_terminal(self.message))}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready mapping (texts escaped as printed, so always valid UTF-8)."""
        return {
            "file": display_path(self.file),
            "line": self.line,
            "column": self.column,
            "field": escape_for_terminal(self.field) if self.field is not None else None,
            "message": escape_for_terminal(self.message),
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
        # Plain messages name paths and values too; their own line breaks stay line breaks.
        return "\n".join(escape_for_terminal(line) for line in self.message.split("\n"))

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
