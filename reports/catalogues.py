"""Message catalogues as files: read safely, compiled in memory, and checked before they are used.

A catalogue is a ``.po`` file (compiled on first use, no build step) or a ``.mo`` file, inside a
template folder's ``locales/`` or the built-ins'. Nothing a catalogue says about itself is trusted: a
``.mo``'s tables are checked against the file and their expanded size bounded before any string is
read, and a translation that pads or cuts a placeholder is refused, naming the file and the msgid.
``reports.i18n`` chooses which catalogues a document reads.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import threading
from pathlib import Path

from reports import safe_open
from reports.errors import Problem, TemplateError
from reports.printf import printf_specs

MAX_CATALOGUE_BYTES = 2 * 1024 * 1024  # one .po or .mo file; ours are a few kilobytes


def open_catalogue(path: Path) -> tuple[int, str]:
    """Open a catalogue (``FOLDER/locales/NAME/LC_MESSAGES/messages.po``) inside its template folder,
    one component at a time (links followed only inside, no hard-linked file outside the built-ins)."""
    folder = path.parents[3]
    from reports.paths import builtin_templates_dir

    return safe_open.open_inside(folder, path.relative_to(folder).parts, trusted=[builtin_templates_dir()])


# --------------------------------------------------------------------------- compiling catalogues

_lock = threading.Lock()
_COMPILED: dict[tuple[str, int, int, int], bytes] = {}


def compiled(path: Path) -> bytes:
    """The ``.mo`` bytes of a catalogue, compiled from its ``.po`` once per version of the file (known by
    its inode, size and modification time, so an edit is seen without reading an unchanged file again).

    Raises ``TemplateError`` (``FILE:LINE: ...``) for a file that is not a usable catalogue."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise catalogue_error(path, f"cannot be read ({exc.strerror or exc})") from None
    key = (os.path.realpath(path), info.st_ino, info.st_mtime_ns, info.st_size)
    with _lock:
        cached = _COMPILED.get(key) if stat.S_ISREG(info.st_mode) else None
    if cached is not None:
        return cached
    data, key = read_catalogue(path)
    mo = data if path.suffix == ".mo" else _compile_po(path, data)
    check_contents(path, mo)
    with _lock:
        _COMPILED[key] = mo
    return mo


def read_catalogue(path: Path) -> tuple[bytes, tuple[str, int, int, int]]:
    # Not blocking on a FIFO, never past the limit, never through a link out of the folder, and the
    # very file that was looked at (the descriptor the walk opened).
    try:
        fd, real = open_catalogue(path)
    except safe_open.Refused as exc:
        if exc.kind == "outside":
            raise catalogue_error(path, "is outside the template folder") from None
        if exc.kind in ("folder", "special"):
            raise catalogue_error(path, "is not a regular file") from None
        if exc.kind == "hardlink":
            raise catalogue_error(path, str(exc)) from None
        raise catalogue_error(path, f"cannot be read ({exc.detail or exc})") from None
    info = os.fstat(fd)
    data = safe_open.read_fd(fd, MAX_CATALOGUE_BYTES)
    if len(data) > MAX_CATALOGUE_BYTES:
        raise catalogue_error(path, f"is over the limit of {MAX_CATALOGUE_BYTES:,} bytes")
    return data, (real, info.st_ino, info.st_mtime_ns, len(data))


def _compile_po(path: Path, data: bytes) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        # Babel counts lines from 0 and ends its message with "on LINE"; the message names the line once.
        message = re.sub(r" on \d+$", "", str(exc))
        raise catalogue_error(path, f"is not a valid .po file: {message}", exc.lineno + 1) from None
    except (UnicodeDecodeError, ValueError, LookupError) as exc:
        raise catalogue_error(path, f"is not a valid .po file ({exc})") from None
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)  # a fuzzy entry is a guess: the English label stands
    return out.getvalue()


# --------------------------------------------------------------------------- what a catalogue may hold

_MO_MAGIC = {b"\xde\x12\x04\x95": "<", b"\x95\x04\x12\xde": ">"}
# All the strings of a catalogue together, once read out of the file: no more than a catalogue file may
# hold. In a .mo each string is a (length, offset) pair in the file's own tables, and nothing stops
# thousands of pairs from naming the same megabyte: read naively, 2 MB become gigabytes.
MAX_CATALOGUE_TEXT = MAX_CATALOGUE_BYTES


def check_contents(path: Path, mo: bytes) -> None:
    """Refuse a compiled catalogue whose tables point outside it or expand beyond ``MAX_CATALOGUE_TEXT``,
    or whose translations pad a placeholder (``%(name)900000000s``: the width would run unbounded).

    Raises ``TemplateError`` naming the catalogue file and the msgid; checked before Python's gettext
    reads the strings."""
    pairs = _mo_strings(path, mo)
    for original, translation in pairs:
        msgid = original.split(b"\0")[0].split(b"\x04")[-1].decode("utf-8", "replace")
        if not original:
            continue  # the header: metadata, never formatted
        for text in translation.split(b"\0"):  # the plural forms
            _refuse_padding(path, msgid, text.decode("utf-8", "replace"))


def _mo_strings(path: Path, mo: bytes) -> list[tuple[bytes, bytes]]:
    """The (original, translation) pairs of a .mo, each table entry checked against the file first."""
    order = _MO_MAGIC.get(mo[:4])
    if order is None or len(mo) < 20:
        return []  # not a .mo at all: gettext says so, in the message it has always given
    count, originals, translations = struct.unpack(order + "3I", mo[8:20])
    if count * 16 > len(mo) or max(originals, translations) + count * 8 > len(mo):
        raise catalogue_error(path, f"is not a compiled gettext .mo file (its tables name {count:,} "
                               f"strings, more than its {len(mo):,} bytes can hold)")
    table = []
    total = 0
    for start in (originals, translations):
        lengths = struct.unpack(f"{order}{2 * count}I", mo[start:start + 8 * count])
        for length, offset in zip(lengths[0::2], lengths[1::2], strict=True):
            if offset + length > len(mo):
                raise catalogue_error(path, f"is not a compiled gettext .mo file (a string at byte "
                                       f"{offset:,} runs past its end, {len(mo):,} bytes)")
            total += length
            table.append((offset, length))
    if total > MAX_CATALOGUE_TEXT:
        raise catalogue_error(path, f"is over the limit: its strings come to {total:,} bytes once read "
                               f"(at most {MAX_CATALOGUE_TEXT:,}); its tables name the same bytes again "
                               "and again")
    texts = [mo[offset:offset + length] for offset, length in table]
    return list(zip(texts[:count], texts[count:], strict=True))


def _refuse_padding(path: Path, msgid: str, translation: str) -> None:
    # A width or precision in a label's placeholder pads or cuts the value, which no translation needs,
    # and a width of 900000000 asks '%' for gigabytes. (A literal "%%" is not a conversion.)
    for spec in printf_specs(translation):
        if spec.conversion != "%" and (spec.width or spec.precision):
            shown = f"%({spec.key})" if spec.key else "%"
            size = f"{spec.width}{'.' if spec.precision else ''}{spec.precision}"
            raise catalogue_error(
                path, f"translation of {msgid[:60]!r} gives its placeholder {shown} a width or precision "
                f"({size}); write {shown}s without one")


def catalogue_error(path: Path, message: str, line: int | None = None) -> TemplateError:
    text = f"message catalogue {message}"
    return TemplateError(text, [Problem(file=str(path), line=line, message=text)])


def clear_cache() -> None:
    """Forget every compiled catalogue (tests; a long-running watcher sees edits anyway, by mtime)."""
    with _lock:
        _COMPILED.clear()
