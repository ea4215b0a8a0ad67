"""Writing files safely: the one place where outputs touch the disk.

Every file goes to a uniquely named temporary file beside its target and is renamed into place, so an
interrupted or failed build leaves earlier outputs as they were and no half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reports.errors import OutputError


def prepare_out_dir(out_dir: Path) -> None:
    """Create ``out_dir`` if needed; raise ``OutputError`` if it is a file or cannot be written."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: the output folder is a file; choose another --out-dir")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(f"{out_dir}: the output folder is not writable")


def is_unchanged(target: Path, data: bytes) -> bool:
    """True when ``target`` already holds exactly ``data`` (so a rebuild need not touch it)."""
    try:
        if target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def write_atomic(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` through a temporary file and an atomic rename.

    Returns False when the file already held these bytes and was left untouched (no churn for CI),
    True when it was written. Raises ``OutputError``; on any failure, including KeyboardInterrupt,
    the temporary file is removed and the previous ``target`` is intact.
    """
    if is_unchanged(target, data):
        return False
    # mkstemp gives a name no other process or worker can collide with.
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give outputs the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return True


def _read_umask() -> int:
    # os.umask can only be read by setting it; set it back at once (done once, at import).
    current = os.umask(0)
    os.umask(current)
    return current


_UMASK = _read_umask()
