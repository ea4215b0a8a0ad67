"""The incremental-build record: for each output, the key it was made from (see ``reports.digests``),
what it holds and the identity of the file as written.

The record is one JSON file in the output folder (``RECORD_NAME``), written atomically. A record that
is missing, unreadable, corrupt, from another version of the record or from another build of the tool
is ignored whole: everything is rebuilt and a fresh record written.

This module owns the record's file: reading it, checking every field of what was parsed before any of
it is trusted, answering whether an output on disk is still the one recorded, and writing it back.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reports.digests import hash_regular, read_regular
from reports.errors import Problem

RECORD_NAME = ".reports-build.json"
RECORD_FORMAT = "reports build record"
RECORD_VERSION = 1
MAX_RECORD_BYTES = 256 * 1024 * 1024  # far above 1,000,000 documents; a larger file is not ours


@dataclass(frozen=True)
class Entry:
    """One output as recorded: the key it was made from, what it holds, and the file's identity."""

    key: str
    sha256: str
    size: int
    pages: int | None
    stat: tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns of the file as written
    warnings: tuple[Problem, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "sha256": self.sha256, "size": self.size, "pages": self.pages,
                "stat": list(self.stat), "warnings": [dataclasses.asdict(w) for w in self.warnings]}


def file_identity(path: Path) -> tuple[int, int, int, int] | None:
    """(inode, size, mtime_ns, ctime_ns) of a regular file, or None. The change time cannot be set by a
    program, so a file rewritten in place with its old size and modification time still differs."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _file_sha256(path: Path, size: int) -> str | None:
    return hash_regular(path, size)


@dataclass
class Record:
    """The record of one output folder; see the module."""

    out_dir: Path
    tool: str
    outputs: dict[str, Entry] = field(default_factory=dict)
    inputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # source -> (data sha256, id)
    discarded: str | None = None  # why an existing record was not used
    changed: bool = False

    @property
    def path(self) -> Path:
        return self.out_dir / RECORD_NAME

    @classmethod
    def read(cls, out_dir: Path, tool: str) -> Record:
        """The record in ``out_dir``, or an empty one (``discarded`` says why) when there is none that
        this build of the tool can trust."""
        record = cls(out_dir, tool)
        raw = read_regular(record.path, MAX_RECORD_BYTES, follow=False)
        if raw is None:
            if os.path.lexists(record.path):
                record.discarded = "not a regular file, or too large"
            return record
        try:
            parsed = json.loads(raw.decode("ascii"))
            outputs, inputs = _validated(parsed, tool)
        except _Foreign as exc:
            record.discarded = str(exc)
            return record
        except (ValueError, TypeError, KeyError, RecursionError):
            record.discarded = "corrupt"
            return record
        record.outputs, record.inputs = outputs, inputs
        return record

    def known_id(self, source: str, digest: str | None) -> str | None:
        """The id of ``source`` when its bytes are those recorded (so it need not be loaded to learn it)."""
        known = self.inputs.get(source)
        return known[1] if known is not None and digest is not None and known[0] == digest else None

    def current(self, name: str, key: str, *, exact: bool) -> Entry | None:
        """The entry of output ``name`` when it was made from ``key`` and the file on disk is still it.

        The file is compared by identity (inode, size, times), and only when that differs (a restored
        cache, a copied folder) by its sha256; with ``exact`` (for ``--check``) always by sha256.
        """
        entry = self.outputs.get(name)
        if entry is None or entry.key != key:
            return None
        path = self.out_dir / name
        identity = file_identity(path)
        if identity is None or identity[1] != entry.size:
            return None
        if identity == entry.stat and not exact:
            return entry
        if _file_sha256(path, entry.size) != entry.sha256:
            return None
        if identity != entry.stat and not exact:
            self.outputs[name] = dataclasses.replace(entry, stat=identity)
            self.changed = True
        return entry

    def put(self, name: str, key: str, sha256: str, size: int, pages: int | None,
            warnings: Iterable[Problem]) -> None:
        """Record output ``name`` as just written (or found holding these bytes) from ``key``."""
        identity = file_identity(self.out_dir / name)
        if identity is None:
            return
        entry = Entry(key, sha256, size, pages, identity, tuple(warnings))
        if self.outputs.get(name) != entry:
            self.outputs[name] = entry
            self.changed = True

    def put_input(self, source: str, digest: str, agreement_id: str) -> None:
        if self.inputs.get(source) != (digest, agreement_id):
            self.inputs[source] = (digest, agreement_id)
            self.changed = True

    def write(self) -> None:
        """Write the record (atomically) when anything changed; raises ``OutputError``.

        Entries of outputs no longer on disk are dropped, so the record does not grow for ever."""
        from reports.output import write_atomic

        if not self.changed and self.discarded is None:
            return
        outputs = {name: entry.as_json() for name, entry in sorted(self.outputs.items())
                   if os.path.lexists(self.out_dir / name)}
        # An output is named ID-KIND.FORMAT and both may hold hyphens: every prefix before a hyphen
        # may be an id. An input whose outputs are all gone is dropped too.
        ids = {name[:i] for name in outputs for i, char in enumerate(name) if char == "-"}
        inputs = {source: list(value) for source, value in sorted(self.inputs.items()) if value[1] in ids}
        text = json.dumps({"format": RECORD_FORMAT, "version": RECORD_VERSION, "tool": self.tool,
                           "inputs": inputs, "outputs": outputs}, ensure_ascii=True, separators=(",", ":"))
        write_atomic(self.path, text.encode("ascii") + b"\n")
        self.changed = False
        self.discarded = None


class _Foreign(ValueError):
    """A well-formed record that is not for this build of the tool."""


def _validated(parsed: object, tool: str) -> tuple[dict[str, Entry], dict[str, tuple[str, str]]]:
    # Every field is checked for its type: a record edited by hand, truncated or written by something
    # else must be discarded, never half-trusted.
    if not isinstance(parsed, dict) or parsed.get("format") != RECORD_FORMAT:
        raise _Foreign("not a build record of reports")
    if parsed.get("version") != RECORD_VERSION:
        raise _Foreign(f"record version {parsed.get('version')!r}, this build reads {RECORD_VERSION}")
    if parsed.get("tool") != tool:
        raise _Foreign("made by another version or installation of reports")
    raw_outputs, raw_inputs = parsed["outputs"], parsed["inputs"]
    if not isinstance(raw_outputs, dict) or not isinstance(raw_inputs, dict):
        raise TypeError("outputs and inputs must be mappings")
    outputs: dict[str, Entry] = {}
    for name, item in raw_outputs.items():
        if not isinstance(item, dict) or "/" in name or name.startswith(".") or os.sep in name:
            raise TypeError(name)
        key, sha, size, pages, ident, warnings = (item["key"], item["sha256"], item["size"], item["pages"],
                                                  item["stat"], item["warnings"])
        if not (_is_hex(key) and _is_hex(sha) and _is_int(size) and (pages is None or _is_int(pages))
                and isinstance(ident, list) and len(ident) == 4 and all(_is_int(v) for v in ident)
                and isinstance(warnings, list)):
            raise TypeError(name)
        outputs[name] = Entry(key, sha, size, pages, (ident[0], ident[1], ident[2], ident[3]),
                              tuple(_problem(w) for w in warnings))
    inputs: dict[str, tuple[str, str]] = {}
    for source, value in raw_inputs.items():
        if not (isinstance(value, list) and len(value) == 2 and _is_hex(value[0]) and isinstance(value[1], str)):
            raise TypeError(source)
        inputs[source] = (value[0], value[1])
    return outputs, inputs


def _is_hex(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _problem(value: object) -> Problem:
    if not isinstance(value, dict) or set(value) != {"file", "message", "line", "column", "field"}:
        raise TypeError("warning")
    file, message, line, column, name = (value["file"], value["message"], value["line"], value["column"],
                                         value["field"])
    if not (isinstance(file, str) and isinstance(message, str) and (line is None or _is_int(line))
            and (column is None or _is_int(column)) and (name is None or isinstance(name, str))):
        raise TypeError("warning")
    return Problem(file=file, message=message, line=line, column=column, field=name)
