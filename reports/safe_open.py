"""Files opened inside a confined folder, component by component, so nothing can be swapped meanwhile.

Every file a template folder, a theme folder or a catalogue folder gives us is opened here. A path is
never handed to the system whole: each folder on the way is opened with ``O_NOFOLLOW | O_DIRECTORY``
relative to the descriptor of the one before it (``dir_fd``), and the file itself with ``O_NOFOLLOW``.
A link met on the way is read (``readlink``), never followed by the system, and its target is walked
the same way; a target that leaves the allowed folders is refused without ever being looked at, so the
message is the same whether or not the outside file exists. A folder swapped for a link between two
steps is therefore seen as a link, and the check and the read are one and the same walk.

A regular file with more than one hard link is refused too (unless it lies in a *trusted* folder: the
built-in templates, which an installer may hard-link). A hard link has no direction: nothing tells
whether its other name lies inside the folder or is ``/etc/shadow``, so a folder that someone else may
have filled cannot be allowed to hold one.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

MAX_LINKS = 40  # links followed in one walk (the system's own limit); a loop ends here


class Refused(Exception):
    """A path that may not be read. ``kind`` says why, for the caller's message:

    ``outside`` (leaves the folders, absolute, ``..``, ``~``), ``missing``, ``folder`` (a folder, not a
    file), ``special`` (a FIFO, device or socket), ``hardlink`` (more than one hard link),
    ``unreadable`` (the system refused; ``detail`` says why).
    """

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(MESSAGES.get(kind, kind) + (f" ({detail})" if detail else ""))
        self.kind = kind
        self.detail = detail


MESSAGES = {
    "outside": "is outside the folder",
    "missing": "not found",
    "folder": "is a folder, not a file",
    "special": "is not a regular file",
    "hardlink": "is a hard link (it has other names, maybe outside the folder; copy the file instead)",
    "unreadable": "cannot be read",
}

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def split_relative(relative: str | os.PathLike[str] | Sequence[str]) -> list[str]:
    """The names of a relative path; ``Refused("outside")`` for an absolute path, ``~`` or ``..``."""
    if isinstance(relative, str | os.PathLike):
        text = os.fspath(relative)
        if os.path.isabs(text) or text.startswith("~") or Path(text).drive:
            raise Refused("outside")
        names = text.replace(os.sep, "/").split("/")
    else:
        names = list(relative)
    names = [n for n in names if n not in ("", ".")]
    if not names or ".." in names:
        raise Refused("outside")
    return names


def open_inside(root: str | os.PathLike[str], relative: str | os.PathLike[str] | Sequence[str], *,
                also: Sequence[str | os.PathLike[str]] = (),
                trusted: Sequence[str | os.PathLike[str]] = ()) -> tuple[int, str]:
    """Open ``relative`` inside ``root`` for reading; return (descriptor, the file's real path).

    Links are followed only while they stay inside ``root`` or one of the ``also`` folders; ``trusted``
    lists folders (among those) whose files may have several hard links. The caller closes the
    descriptor. Raises ``Refused``.
    """
    names = split_relative(relative)
    roots = [_root(r) for r in (root, *also)]
    trusted_roots = [_root(r)[0] for r in trusted]
    if not _BY_DESCRIPTOR:
        return _by_real_path(roots, names, trusted_roots)
    return _walk(roots, 0, names, trusted_roots)


def open_real(path: str | os.PathLike[str]) -> int:
    """Open an absolute path that names no link anywhere (a real path, checked to lie in its folder
    before), refusing a link at any step and a hard-linked file. Raises ``Refused``."""
    text = os.path.abspath(os.fspath(path))
    if not _BY_DESCRIPTOR:
        if os.path.realpath(text) != text:
            raise Refused("outside")
        fd, _ = _by_real_path([(os.path.dirname(text), os.path.dirname(text))], [os.path.basename(text)], [])
        return fd
    names = [n for n in text.split(os.sep) if n]
    fd, _ = _walk([(os.sep, os.sep)], 0, names, [], follow=False)
    return fd


def read_fd(fd: int, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes from ``fd`` and close it (one more than allowed tells "too big")."""
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit + 1)


# --------------------------------------------------------------------------- the walk

# Windows has no ``dir_fd``: there the path is checked whole (real path inside a root) and then opened,
# which leaves the window this module closes elsewhere; the checks themselves are the same.
_BY_DESCRIPTOR = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd and bool(_NOFOLLOW)


def _by_real_path(roots: list[tuple[str, str]], names: list[str], trusted: list[str]) -> tuple[int, str]:
    real = os.path.realpath(os.path.join(roots[0][0], *names))
    if _home(roots, real) is None:
        raise Refused("outside")
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise Refused("missing") from None
    except OSError as exc:
        raise Refused("unreadable", exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise Refused("folder")
    if not stat.S_ISREG(info.st_mode):
        raise Refused("special")
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_BINARY", 0) | _NONBLOCK)
    except OSError as exc:
        raise Refused("unreadable", exc.strerror or str(exc)) from None
    return _checked(fd, real, trusted)



def _root(folder: str | os.PathLike[str]) -> tuple[str, str]:
    # (real path, absolute path as given): a link's absolute target may name either.
    text = os.path.abspath(os.fspath(folder))
    return os.path.realpath(text), text


def _home(roots: list[tuple[str, str]], absolute: str) -> tuple[int, list[str]] | None:
    """Which root an absolute (normalised) path lies in, and its names below that root."""
    for index, forms in enumerate(roots):
        for form in forms:
            if absolute == form:
                return index, []
            prefix = form.rstrip(os.sep) + os.sep
            if absolute.startswith(prefix):
                return index, [n for n in absolute[len(prefix):].split(os.sep) if n]
    return None


def _walk(roots: list[tuple[str, str]], index: int, names: list[str], trusted: list[str], *,
          follow: bool = True) -> tuple[int, str]:
    dirs: list[int] = []
    inside: list[str] = []  # the real names walked below the current root
    pending = list(names)
    hops = 0
    try:
        dirs.append(_open_root(roots[index][0]))
        while pending:
            name = pending.pop(0)
            if name in ("", "."):
                continue
            if name == "..":  # only from a link's target: lexically, as the system would
                if inside:
                    os.close(dirs.pop())
                    inside.pop()
                    continue
                index, pending = _rehome(roots, os.path.join(roots[index][0], "..", *pending), follow)
                _reset(dirs, roots[index][0])
                inside = []
                continue
            last = not pending
            if last:
                _not_special(name, dirs[-1])
            flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | (_NONBLOCK if last else _DIRECTORY)
            try:
                fd = os.open(name, flags, dir_fd=dirs[-1])
            except OSError as exc:
                target = _link_target(name, dirs[-1], exc, last)
                if not follow:
                    raise Refused("outside") from None
                hops += 1
                if hops > MAX_LINKS:
                    raise Refused("unreadable", "too many links") from None
                parts = target.split("/")
                if os.path.isabs(target):
                    index, pending = _rehome(roots, os.path.join(target, *pending), follow)
                    _reset(dirs, roots[index][0])
                    inside = []
                else:
                    pending = parts + pending
                continue
            if last:
                return _checked(fd, os.path.join(roots[index][0], *inside, name), trusted)
            dirs.append(fd)
            inside.append(name)
        raise Refused("folder")
    finally:
        for fd in dirs:
            os.close(fd)


def _open_root(real: str) -> int:
    try:
        return os.open(real, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except FileNotFoundError:
        raise Refused("missing") from None
    except OSError as exc:
        raise Refused("unreadable", exc.strerror or str(exc)) from None


def _reset(dirs: list[int], real: str) -> None:
    while dirs:
        os.close(dirs.pop())
    dirs.append(_open_root(real))


def _rehome(roots: list[tuple[str, str]], absolute: str, follow: bool) -> tuple[int, list[str]]:
    home = _home(roots, os.path.normpath(absolute)) if follow else None
    if home is None:
        raise Refused("outside")
    return home


def _link_target(name: str, folder: int, exc: OSError, last: bool) -> str:
    """Why ``name`` did not open: a link (its target is returned) or a refusal."""
    if exc.errno == errno.ENOENT:
        raise Refused("missing") from None
    if exc.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
        raise Refused("unreadable", exc.strerror or str(exc)) from None
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            return os.readlink(name, dir_fd=folder)
    except FileNotFoundError:
        raise Refused("missing") from None
    except OSError as err:  # swapped back meanwhile (readlink of a non-link): refused, not retried
        raise Refused("unreadable", err.strerror or str(err)) from None
    # Not a link: a file where a folder was expected is "not found" for the path asked for.
    raise Refused("missing" if not last else "unreadable") from None


def _not_special(name: str, folder: int) -> None:
    # A FIFO or device is refused before it is opened (opening one may block or act on the device);
    # the descriptor opened next is checked again, so a swap in between gains nothing.
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return  # the open that follows reports it
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        raise Refused("special")


def _checked(fd: int, real: str, trusted: list[str]) -> tuple[int, str]:
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Refused("folder")
        if not stat.S_ISREG(info.st_mode):
            raise Refused("special")
        if info.st_nlink > 1 and not any(real.startswith(t.rstrip(os.sep) + os.sep) for t in trusted):
            raise Refused("hardlink")
    except BaseException:
        os.close(fd)
        raise
    return fd, real


__all__ = ["MAX_LINKS", "MESSAGES", "Refused", "open_inside", "open_real", "read_fd", "split_relative"]


def read_at_most(fd: int, limit: int) -> bytes:
    """At most ``limit`` bytes from open file ``fd``, read in 1 MB pieces until it ends."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
