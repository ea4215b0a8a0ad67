"""The old version a redline is made against (``reports build NEW --against OLD``, ``reports diff``).

OLD is a data file, or ``git:REV``: each NEW file as it was at git revision REV of the repository it lies
in (a pull request's redline: ``--against git:origin/main``). The command line resolves OLD once, into
an ``AgainstSpec`` that is part of the build's options, so that the build record keys every redline by
both inputs: a file by the sha256 of its bytes, a revision by its commit id. Each worker then reads the
old bytes itself (``old_agreement``).

git is run with an argument list (never a shell), with ``--end-of-options`` before anything the user
gave, with hooks and the file-system monitor switched off, and reads objects only (``cat-file``); a
revision that starts with ``-`` or holds a control character is refused before git sees it.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reports.errors import EXIT_USAGE, DataError, Problem, ReportsError
from reports.load import DEFAULT_MAX_BYTES, agreement_from_bytes, load_agreement, read_file
from reports.model import Agreement
from reports.pipeline import AgainstSpec, Options

GIT_PREFIX = "git:"
GIT_TIMEOUT = 30.0  # seconds one git command may take (a repository on a slow network share)
# git reads no configuration that could run a program (fsmonitor, hooks) nor ask for a password.
_GIT = ("git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null")
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}


class UsageError(ReportsError):
    """``--against`` names nothing usable (no such revision, no git, several files against one): exit 2."""

    exit_code = EXIT_USAGE
    kind = "usage"


def resolve(given: str, inputs: list[Path], *, author: str, template_dir: Path | None = None) -> AgainstSpec:
    """``--against``'s value made into an ``AgainstSpec`` (``template_dir``: the old version's own
    templates, ``--against-template-dir``); raises ``UsageError`` when it cannot be used."""
    spec = _resolve(given, inputs, author=author)
    return dataclasses.replace(spec, template_dir=template_dir) if template_dir is not None else spec


def _resolve(given: str, inputs: list[Path], *, author: str) -> AgainstSpec:
    if any(str(path) == "-" for path in inputs):
        raise UsageError(f"--against {given}: standard input has no old version; give the new version as a file")
    if given.startswith(GIT_PREFIX):
        revision = given[len(GIT_PREFIX):]
        _check_revision(revision, given)
        folder = inputs[0].resolve().parent if inputs and not inputs[0].is_dir() else \
            inputs[0].resolve() if inputs else Path.cwd()
        commit = _git(folder, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}",
                      what=given).decode("ascii", "replace").strip()
        return AgainstSpec(given, commit, revision=commit, author=author)
    if len(inputs) != 1 or inputs[0].is_dir():
        raise UsageError(f"--against {given}: a data file is the old version of one agreement; give one data "
                         "file to redline (or --against git:REV, which takes each file at that revision)")
    path = Path(given)
    agreement_bytes = _read(path)
    return AgainstSpec(given, hashlib.sha256(agreement_bytes).hexdigest(), path=path, author=author)


def old_agreement(spec: AgainstSpec, source: str) -> tuple[Agreement, str] | None:
    """The old version of the agreement in ``source`` and its name for messages, or None when ``source``
    did not exist at the revision (a new agreement: built without a redline). Raises ``DataError`` when
    the old version cannot be read or is not a valid agreement (the message names it)."""
    if spec.path is not None:
        data = _read(spec.path)
        if hashlib.sha256(data).hexdigest() != spec.identity:
            raise DataError("", [Problem(str(spec.path), "the file changed while it was being built; "
                                                         "run the build again")])
        return load_agreement(spec.path), str(spec.path)
    assert spec.revision is not None
    file = Path(source).resolve()
    name = f"{source} at {spec.given}"
    blob = f"{spec.revision}:./{file.name}"
    if _git_ok(file.parent, "cat-file", "-e", "--end-of-options", blob) is False:
        return None
    size = int(_git(file.parent, "cat-file", "-s", "--end-of-options", blob, what=name).strip() or 0)
    if size > DEFAULT_MAX_BYTES:
        raise DataError("", [Problem(name, f"file is {size:,} bytes, over the limit of {DEFAULT_MAX_BYTES:,} bytes")])
    data = _git(file.parent, "cat-file", "blob", "--end-of-options", blob, what=name)
    return agreement_from_bytes(data, name, file.suffix), name


def _read(path: Path) -> bytes:
    # The same checks as any data file (regular file, size limit); load_agreement reads it again to
    # locate problems, and the digest makes sure both reads saw the same bytes.
    return read_file(str(path), DataError, DEFAULT_MAX_BYTES)


def _check_revision(revision: str, given: str) -> None:
    if not revision or revision.startswith("-") or any(ord(c) < 32 or ord(c) == 127 for c in revision) \
            or len(revision) > 256:
        raise UsageError(f"--against {given!r}: expected git:REV with a revision such as a branch, a tag or a "
                         "commit id (not starting with '-', no control characters)")


def _run(folder: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **_GIT_ENV}
    try:
        return subprocess.run([*_GIT, "-C", str(folder), *args], capture_output=True, timeout=GIT_TIMEOUT,
                              env=env, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise UsageError("--against git:REV needs git, which is not installed here") from None
    except subprocess.TimeoutExpired:
        raise ReportsError(f"git took longer than {GIT_TIMEOUT:.0f} s in {folder}") from None


def _git_ok(folder: Path, *args: str) -> bool:
    return _run(folder, args).returncode == 0


def _git(folder: Path, *args: str, what: str) -> bytes:
    done = _run(folder, args)
    if done.returncode != 0:
        said = [line.removeprefix("fatal: ").removeprefix("error: ")
                for line in done.stderr.decode("utf-8", "replace").strip().splitlines()]
        reason = said[-1] if said else "no commit of that name in the repository" if args[0] == "rev-parse" \
            else f"git exited with {done.returncode}"
        raise UsageError(f"{what}: {reason}") if args[0] == "rev-parse" else \
            DataError("", [Problem(what, f"git could not read it: {reason}")])
    return done.stdout


# --------------------------------------------------------------------------- the old version's templates


def old_options(spec: AgainstSpec, options: Options) -> tuple[Options, bool]:
    """The options the old version is composed with, and whether its templates differ from the new
    version's: ``--against-template-dir``'s folder; with a revision and a template folder inside the
    repository, that folder as it was at the revision (taken out of git into a private folder once per
    process); otherwise the new version's own."""
    folder = spec.template_dir
    if folder is None and spec.revision is not None and options.template_dir is not None:
        folder = _folder_at(spec.revision, options.template_dir.resolve())
    if folder is None:
        return options, False
    old = dataclasses.replace(options, template_dir=folder)
    return old, _contents(folder) != _contents(options.template_dir)


MAX_TEMPLATE_FILES = 2_000  # files of a template folder taken out of git
MAX_TEMPLATE_BYTES = 64 * 1024 * 1024  # and their bytes together
_FOLDERS: dict[tuple[str, Path], Path | None] = {}


def _folder_at(revision: str, folder: Path) -> Path | None:
    key = (revision, folder)
    if key not in _FOLDERS:
        _FOLDERS[key] = _extract(revision, folder)
    return _FOLDERS[key]


def _extract(revision: str, folder: Path) -> Path | None:
    """The files of ``folder`` at ``revision`` in a new private folder, or None when ``folder`` is not in
    a git repository or did not exist then. Regular files only (a link in the tree is left out, as the
    template loader would refuse one that leaves the folder); names are git's, checked again here."""
    # --full-tree: inside a subfolder, ls-tree would also filter the tree by that subfolder's path.
    listing = _run(folder, ("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", f"{revision}:./"))
    if listing.returncode != 0:
        return None
    entries = [line.split(b"\t", 1) for line in listing.stdout.split(b"\0") if line]
    files = [(meta.split()[2].decode("ascii"), name.decode("utf-8", "replace")) for meta, name in entries
             if meta.split()[0] in (b"100644", b"100755") and meta.split()[1] == b"blob"]
    if len(files) > MAX_TEMPLATE_FILES:
        raise DataError("", [Problem(str(folder), f"more than {MAX_TEMPLATE_FILES:,} files at {revision[:12]}")])
    target = Path(tempfile.mkdtemp(prefix="reports-templates-"))
    atexit.register(shutil.rmtree, target, True)
    total = 0
    for blob, name in files:
        parts = Path(name).parts
        if not parts or any(part in ("", ".", "..") for part in parts) or Path(name).is_absolute():
            continue
        data = _git(folder, "cat-file", "blob", blob, what=f"{folder / name} at {revision[:12]}")
        total += len(data)
        if total > MAX_TEMPLATE_BYTES:
            raise DataError("", [Problem(str(folder), f"over {MAX_TEMPLATE_BYTES:,} bytes at {revision[:12]}")])
        path = target.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


def _contents(folder: Path | None) -> list[tuple[str, str]]:
    if folder is None:
        return []
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        out.append((path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
    return out
