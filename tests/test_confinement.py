"""Property test (issue 11, "Done means"): whatever a template folder holds (links to files and folders
inside and outside, dangling links, FIFOs, binary and Latin-1 files) and however its templates include,
import and extend each other, a build reads nothing outside the allowed places, and it ends in a
document or in one located error.

Every way of opening a file (``open``, ``io.open``, ``os.open``, ``Path.open/read_bytes/read_text``) is
patched to record the real path it opens. Allowed: the template folder, the built-in templates, the
Python installation (the libraries' own files: fonts, python-docx's parts). The agreement is loaded
before the build, so no data file is opened during it.
"""

from __future__ import annotations

import builtins
import io
import os
import pathlib
import site
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reports.compose import environment
from reports.errors import ReportsError
from reports.model import Agreement
from reports.paths import builtin_templates_dir
from reports.pipeline import Options, render_formats
from tests.catalogue_case import SECRET

EXAMPLES = int(os.environ.get("REPORTS_HYPOTHESIS_EXAMPLES", "50"))

# Names a template folder may hold, and what templates refer to.
NAMES = ("memo.md.j2", "a.md.j2", "b.md.j2", "partials/c.md.j2", "d.txt", "e", "sub", "logo.png")
OUTSIDE = ("outside/secret.txt", "outside", "outside/missing.md.j2", "/etc/passwd", "/dev/zero",
           "/proc/self/environ")
BUILTIN = ("memo.md.j2", "partials/macros.md.j2", "reference.docx", ".")

_names = st.sampled_from(NAMES)
_statement = st.one_of(
    st.sampled_from(["# Heading\n", "Some text with {{ data.id }}.\n", "{{ data.title }}\n", "\n"]),
    _names.map(lambda n: f'{{% include "{n}" %}}\n'),
    _names.map(lambda n: f'{{% include "{n}" ignore missing %}}\n'),
    _names.map(lambda n: f'{{% include ["{n}", "partials/macros.md.j2"] %}}\n'),
    _names.map(lambda n: f'{{% import "{n}" as lib %}}\n'),
    _names.map(lambda n: f'{{% from "{n}" import party_names %}}\n'),
    _names.map(lambda n: f'{{% extends "{n}" %}}\n'),
    _names.map(lambda n: f"![picture]({n})\n"),
)
_text = st.lists(_statement, min_size=1, max_size=4).map(lambda parts: ("text", "".join(parts)))
_entry = st.one_of(
    _text,
    st.tuples(st.just("binary"), st.just("")),
    st.tuples(st.just("latin-1"), st.just("")),
    st.tuples(st.just("link-inside"), _names),
    st.tuples(st.just("link-outside"), st.sampled_from(OUTSIDE)),
    st.tuples(st.just("link-builtin"), st.sampled_from(BUILTIN)),
    st.tuples(st.just("fifo"), st.just("")),
    st.tuples(st.just("folder"), st.just("")),
)
# The memo template is most often a template that refers to others; sometimes it is odd itself.
_folders = st.builds(lambda memo, others: {**others, "memo.md.j2": memo}, st.one_of(_text, _text, _text, _entry),
                     st.dictionaries(_names, _entry, max_size=6))


def _make(root: Path, entries: dict[str, tuple[str, str]]) -> Path:
    folder = root / "T"
    folder.mkdir()
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    for name, (kind, value) in entries.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "text":
            path.write_text(value, encoding="utf-8")
        elif kind == "binary":
            path.write_bytes(b"PK\x03\x04\x00\x00" + SECRET.encode())
        elif kind == "latin-1":
            path.write_bytes("R\u00e9sum\u00e9\n".encode("latin-1"))
        elif kind == "link-inside":
            path.symlink_to(folder / value)
        elif kind == "link-outside":
            path.symlink_to(value if value.startswith("/") else root / value)
        elif kind == "link-builtin":
            path.symlink_to(builtin_templates_dir() / value)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            path.mkdir(exist_ok=True)
    return folder


def _allowed(folder: Path) -> tuple[str, ...]:
    places = {folder, builtin_templates_dir(), Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix),
              *map(Path, site.getsitepackages())}
    return tuple(os.path.realpath(p) + os.sep for p in places)


@contextmanager
def _recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Record the real path of every file opened, in this process and in the workers forked from it
    (each appends to one log file, read back by iterating what is yielded); a FIFO is never opened (it
    would block the test)."""
    log = Path(tempfile.mkdtemp(prefix="reports-opened-")) / "opened.txt"
    log.write_text("", "utf-8")
    real_open = builtins.open

    class Opened:
        def __iter__(self) -> Iterator[str]:
            with real_open(log, encoding="utf-8") as lines:
                return iter(lines.read().splitlines())

    opened = Opened()

    def note(target: object, dir_fd: int | None = None, flags: object = 0) -> None:
        if isinstance(flags, int) and flags & getattr(os, "O_DIRECTORY", 0):
            return  # a folder opened to walk through it (reports.safe_open from "/"): no file's bytes are read
        if isinstance(target, str | bytes | os.PathLike):
            name = os.fsdecode(target)
            if dir_fd is not None:  # opened relative to a folder's descriptor (reports.safe_open)
                name = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), name)
            real = os.path.realpath(name)
            if isinstance(flags, int) and flags & getattr(os, "O_NOFOLLOW", 0):
                # A last link is not followed (the open fails): what is opened is the link itself.
                real = os.path.join(os.path.realpath(os.path.dirname(name)), os.path.basename(name))
            with real_open(log, "a", encoding="utf-8") as out:  # the original open: not recorded itself
                out.write(real + "\n")
            if os.path.exists(real) and stat.S_ISFIFO(os.stat(real).st_mode):
                raise AssertionError(f"a FIFO was opened: {real}")

    def wrap(original: Callable[..., Any], method: bool = False) -> Callable[..., Any]:
        if method:
            def opener_method(self: Any, *args: Any, **kwargs: Any) -> Any:
                note(self)
                return original(self, *args, **kwargs)
            return opener_method

        def opener(target: Any, *args: Any, **kwargs: Any) -> Any:
            note(target, kwargs.get("dir_fd"), args[0] if args else kwargs.get("flags", 0))
            return original(target, *args, **kwargs)
        return opener

    with monkeypatch.context() as patch:
        patch.setattr(builtins, "open", wrap(builtins.open))
        patch.setattr(io, "open", wrap(io.open))
        patch.setattr(os, "open", wrap(os.open))
        for name in ("open", "read_bytes", "read_text"):
            patch.setattr(pathlib.Path, name, wrap(getattr(pathlib.Path, name), method=True))
        yield opened


@pytest.fixture(scope="module", autouse=True)
def _warm(shipped: Agreement) -> None:
    # Libraries read their own settings (reportlab: ~/.reportlab_settings) and fonts once, when first
    # used; that is not the template's doing, so it happens before anything is recorded.
    render_formats(shipped, "memo", ("pdf", "docx"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=_folders)
def test_a_build_reads_nothing_outside_the_allowed_folders(entries: dict[str, tuple[str, str]], shipped: Agreement,
                                                           tmp_path_factory: pytest.TempPathFactory,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path_factory.mktemp("confine")
    folder = _make(root, entries)
    allowed = _allowed(folder)
    outcome: list[bytes] | ReportsError
    with _recording(monkeypatch) as opened:
        try:
            outcome = [r.data for r in render_formats(shipped, "memo", ("pdf", "docx"), Options(template_dir=folder))]
        except ReportsError as exc:
            outcome = exc
    environment.cache_clear()  # one environment per folder; do not keep fifty of them alive
    strays = sorted({p for p in opened if not (p + os.sep).startswith(allowed)})
    assert not strays, f"read outside the allowed folders: {strays}"
    event("a located error" if isinstance(outcome, ReportsError) else "a document")
    if isinstance(outcome, ReportsError):
        # One located message naming a file of the template folder or a built-in template.
        assert outcome.problems, outcome.format_message()
        for problem in outcome.problems:
            assert problem.file and problem.message, problem
            assert (os.path.abspath(problem.file) + os.sep).startswith(
                tuple(os.path.abspath(p) + os.sep for p in (folder, builtin_templates_dir()))), problem
        assert SECRET not in outcome.format_message()
    else:
        assert all(data[:4] in (b"%PDF", b"PK\x03\x04") for data in outcome)
        assert all(SECRET.encode() not in data for data in outcome)
