"""Writing files safely: the one place where outputs touch the disk.

Every file goes to a uniquely named temporary file beside its target and is renamed into place, so an
interrupted or failed build leaves earlier outputs as they were and no half-written file behind. Only
regular files (or links to them) are ever replaced: a device, a FIFO, a socket or a folder standing where
an output should go is refused, never overwritten.

A temporary file is named ``.NAME.PID.RANDOM.tmp``: the writer's process id lets a later build tell a
temporary left by a killed build (``kill -9`` gives no chance to clean up) from one still being written.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from reports.errors import OutputError, display_path
from reports.limits import interrupts_deferred

_TMP_ATTEMPTS = 100
# A temporary whose writer is gone is removed at once; one whose name carries no process id that is
# running here (written by another machine sharing the folder, or the pid was reused) only once it is
# this old: writing one document takes milliseconds, so a temporary this old is not being written.
STALE_AFTER_SECONDS = 600.0
_PID_NAME = re.compile(r"(\d+)\.[0-9a-f]+")


def file_kind(mode: int) -> str | None:
    """Name what ``mode`` (from ``os.stat``) is when it is not a regular file: ``a FIFO`` ...; else None."""
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))
    for test, name in kinds:
        if test(mode):
            return name
    return "not a regular file"  # pragma: no cover - door files and the like


def check_target(target: Path) -> None:
    """Raise ``OutputError`` when ``target`` exists and is not a regular file (or a link to one).

    ``write_atomic`` checks this itself; a command may call it early, before any work is done.
    """
    # stat follows links: a link to a regular file may be replaced (the link itself is), a link to
    # /dev/null may not. A missing target (or a dangling link) is simply created.
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return
    kind = file_kind(mode)
    if kind is not None:
        raise OutputError(f"{display_path(target)}: is {kind}, not a file; refusing to replace it")


def prepare_out_dir(out_dir: Path) -> None:
    """Create ``out_dir`` if needed; raise ``OutputError`` if it is not a folder or cannot be written."""
    try:
        mode: int | None = os.stat(out_dir).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISDIR(mode):
        if stat.S_ISREG(mode):
            raise OutputError(f"{display_path(out_dir)}: the output folder is a file; choose another --out-dir")
        raise OutputError(f"{display_path(out_dir)}: is {file_kind(mode)}, not a folder; choose another --out-dir")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display_path(out_dir)}: cannot create the output folder: "
                          f"{exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(f"{display_path(out_dir)}: the output folder is not writable")


def is_unchanged(target: Path, data: bytes) -> bool:
    """True when ``target`` is a regular file already holding exactly ``data`` (so a rebuild need not touch it)."""
    try:
        info = os.stat(target)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False  # never read a device or a FIFO: /dev/zero has no end, a FIFO may never answer
        return target.read_bytes() == data
    except OSError:
        return False


def write_atomic(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` through a temporary file and an atomic rename.

    Returns False when the file already held these bytes and was left untouched (no churn for CI),
    True when it was written. Raises ``OutputError``, also when ``target`` is a device, a FIFO, a socket
    or a folder (refused before anything is written). On any failure, including KeyboardInterrupt, the
    temporary file is removed and the previous ``target`` is intact.
    """
    check_target(target)
    if is_unchanged(target, data):
        return False
    # Ctrl-C or SIGTERM between creating the temporary and the ``try`` that removes it would leave it
    # behind: they are held for the write (milliseconds) and acted on as soon as the file is in place.
    with interrupts_deferred():
        return _write_new(target, data)


def _write_new(target: Path, data: bytes) -> bool:
    fd, tmp = _create_temporary(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"{display_path(target)}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return True


def _create_temporary(target: Path) -> tuple[int, Path]:
    # O_EXCL makes the name ours alone, as mkstemp does; the mode (before the umask) is the usual one for
    # a new file, so outputs need no chmod. O_NOFOLLOW: a link planted under our name is not followed.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    for _ in range(_TMP_ATTEMPTS):
        tmp = target.parent / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"{display_path(target)}: cannot write: {exc.strerror or exc}") from None
    raise OutputError(f"{display_path(target)}: cannot write: no free temporary file name")  # pragma: no cover


def remove_stale_temporaries(out_dir: Path, names: Iterable[str]) -> list[Path]:
    """Remove temporaries that an interrupted build left for the files ``names`` in ``out_dir``.

    Looks only at ``.NAME.*.tmp`` for the given target names (so nothing else in the folder is touched)
    and removes one only when it is a regular file and its writer is gone: the process id in its name is
    not running on this machine, or it is older than ``STALE_AFTER_SECONDS`` (a name without a process
    id, as older versions wrote, or a process id since reused). A temporary that another build is writing
    right now is left alone. Returns the paths removed; a file that cannot be removed is skipped.
    """
    wanted = set(names)
    if not wanted:
        return []
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return []
    now = time.time()
    removed: list[Path] = []
    for entry in entries:
        middle = _temporary_of(entry.name, wanted)
        if middle is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        match = _PID_NAME.fullmatch(middle)
        writer_gone = match is not None and not _pid_alive(int(match.group(1)))
        if writer_gone or now - info.st_mtime > STALE_AFTER_SECONDS:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return sorted(removed)


def _temporary_of(file_name: str, names: set[str]) -> str | None:
    """The part between ``.NAME.`` and ``.tmp`` when ``file_name`` is a temporary of one of ``names``."""
    if not (file_name.startswith(".") and file_name.endswith(".tmp")):
        return None
    inner = file_name[1:-4]
    for name in names:
        if inner.startswith(name + ".") and len(inner) > len(name) + 1:
            return inner[len(name) + 1:]
    return None


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    except OSError:  # pragma: no cover - e.g. a platform without signals
        return True
    # A killed process its parent has not reaped yet is a zombie: it writes nothing any more.
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[-1].split()
    except OSError:
        return True
    return not (fields and fields[0] in (b"Z", b"X"))
