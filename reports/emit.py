"""Each document of a build put in place: written atomically (or, for ``--check``, compared with the
file on disk), or reported as the record has it when it was current, and described for the manifest.

A write that fails is recorded against its agreement; one that fails for the whole folder (a full disk,
a folder gone read-only) stops the writing, and every later document is listed as not written.
"""

from __future__ import annotations

import errno
import hashlib
import re
from pathlib import Path

from reports.build_record import Entry, is_agreement_id, is_output_name
from reports.errors import OutputError, display_path
from reports.kinds import is_kind_name
from reports.limits import internal_problem, traceback_text
from reports.output import is_unchanged, write_atomic
from reports.results import BuildResult, InputRecord, OutputRecord, problems_of

NOT_WRITTEN = "not written"
_PDF_PAGES = re.compile(rb"/Count (\d+) /Kids")
# Errors that concern the whole output folder, not one file: writing the next document would fail alike.
_FOLDER_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def _page_count(fmt: str, data: bytes) -> int | None:
    # The PDF page tree root is the only object reportlab gives a /Count; Word lays out pages itself,
    # so a DOCX has no page count until it is opened.
    if fmt != "pdf":
        return None
    counts = [int(m) for m in _PDF_PAGES.findall(data)]
    return max(counts) if counts else None


def reuse(result: BuildResult, record: InputRecord, kind: str, fmt: str, entry: Entry, check: bool) -> None:
    """Report a document the record shows current as it is on disk: neither made nor written again."""
    try:
        target = _target(result, record, kind, fmt)
    except OutputError as exc:
        record.errors.extend(problems_of(exc, record.file))
        return
    status = NOT_WRITTEN if result.stopped else "ok" if check else "unchanged"
    result.reused += 0 if result.stopped else 1
    described = OutputRecord(path=target.as_posix(), kind=kind, format=fmt, size=entry.size, sha256=entry.sha256,
                             pages=entry.pages, status=status)
    (record.unwritten if result.stopped else record.outputs).append(described)


def write_one(result: BuildResult, record: InputRecord, kind: str, fmt: str, data: bytes,
              check: bool) -> OutputRecord | None:
    """Write (or, with ``check``, compare) one document; return its record when that succeeded."""
    try:
        target = _target(result, record, kind, fmt)
    except OutputError as exc:
        record.errors.extend(problems_of(exc, record.file))
        return None
    if result.stopped:
        record.unwritten.append(_describe(target, kind, fmt, data, NOT_WRITTEN))
        return None
    try:
        output = _emit(target, kind, fmt, data, check)
    except OutputError as exc:
        record.errors.extend(problems_of(exc, display_path(target)))
        record.unwritten.append(_describe(target, kind, fmt, data, NOT_WRITTEN))
        cause = exc.__context__
        if isinstance(cause, OSError) and cause.errno in _FOLDER_ERRNOS:
            # A full disk or a folder gone read-only: every further write would fail alike, so stop
            # rendering; the manifest lists what was not written.
            result.stopped = f"writing stopped: {exc.format_message()}"
        return None
    except Exception as exc:  # a bug of ours while writing one document: recorded against its agreement
        record.errors.append(internal_problem(record.file, exc))
        record.tracebacks.append(traceback_text(exc))
        record.unwritten.append(_describe(target, kind, fmt, data, NOT_WRITTEN))
        return None
    record.outputs.append(output)
    return output


def _target(result: BuildResult, record: InputRecord, kind: str, fmt: str) -> Path:
    """The file a document goes to; raises ``OutputError`` unless it is a document's name in the folder.

    Ids come from a loaded agreement (a validated slug) or from a build record that passed the same
    check, and kinds are checked before a build starts; this is the last line, checked on every write
    (never an ``assert``, which ``python -O`` removes)."""
    name = f"{record.id}-{kind}.{fmt}"
    if not (record.id and is_agreement_id(record.id) and is_kind_name(kind) and is_output_name(name)):
        raise OutputError(f"refusing to write {name!r}: not the name of a document inside "
                          f"{display_path(result.out_dir)}")
    return result.out_dir / name


def _emit(target: Path, kind: str, fmt: str, data: bytes, check: bool) -> OutputRecord:
    if check:
        status = "ok" if is_unchanged(target, data) else ("differs" if target.exists() else "missing")
    else:
        status = "written" if write_atomic(target, data) else "unchanged"  # holds Ctrl-C while it writes
    return _describe(target, kind, fmt, data, status)


def _describe(target: Path, kind: str, fmt: str, data: bytes, status: str) -> OutputRecord:
    return OutputRecord(
        path=target.as_posix(), kind=kind, format=fmt, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), pages=_page_count(fmt, data), status=status,
    )
