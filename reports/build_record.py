"""The incremental-build record: for each output, the key it was made from (see ``reports.digests``),
what it holds and the identity of the file as written.

The record is one JSON file in the output folder (``RECORD_NAME``), written atomically. A record that
is missing, unreadable, corrupt, from another version of the record or from another build of the tool
is ignored whole: everything is rebuilt and a fresh record written.

This module owns the record's file: reading it, checking every field of what was parsed before any of
it is trusted, answering whether an output on disk is still the one recorded, and writing it back.

The record sits in the output folder, which may be committed or restored from a cache: anyone who can
change a document can change the record too. So a record is a hint that may only make a build faster:
its size is bounded before it is read and its shape before it is parsed; every id, name and path in it
must be what this tool would have written (an agreement id, an output file name ``ID-KIND.FORMAT``
inside the folder); an id it gives for a data file is used only when the file itself declares that id.
A record that fails any check is ignored whole, with one warning. ``--check`` never consults it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reports.digests import hash_regular, read_regular
from reports.errors import Problem
from reports.kinds import MAX_KIND_LENGTH
from reports.writers.registry import FORMATS

RECORD_NAME = ".reports-build.json"
RECORD_FORMAT = "reports build record"
RECORD_VERSION = 1
# What one output can take in the record: its name, key, hash, numbers and its warnings (an entry
# whose warnings would take more is not recorded; that document is made again next time), and the
# input line of its data file. A record holds at most one entry per file of the output folder, so it
# never needs more than this per file there (plus a little for the header); a larger one is not ours.
MAX_ENTRY_BYTES = 8 * 1024
MAX_SOURCE_LENGTH = 4096  # a data file's path as given on the command line
MAX_BYTES_PER_FILE = MAX_ENTRY_BYTES + MAX_SOURCE_LENGTH + 256
MAX_HEADER_BYTES = 4096
MAX_FILES_COUNTED = 2_000_000  # beyond this the folder is not counted further (the bound stays finite)
MAX_WARNINGS = 32  # warnings recorded per output; a document with more is not recorded
MAX_TEXT = 2048  # characters of a recorded warning's file, message or field
MAX_NUMBER = 2**63 - 1  # sizes, pages, inodes, times
# The record's deepest value is a warning: {record: {outputs: {name: {warnings: [{...}]}}}}, and its
# longest array an entry's warnings.
MAX_DEPTH = 5
MAX_ARRAY = max(MAX_WARNINGS, 4)
# The same rule as an agreement's id (model.Slug); tests/test_cache.py checks that they agree.
MAX_ID_LENGTH = 80
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_OUTPUT_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.([a-z0-9]+)")


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
    warning: str | None = None  # the one warning a build prints when the record was not safe to use
    changed: bool = False

    @property
    def path(self) -> Path:
        return self.out_dir / RECORD_NAME

    @classmethod
    def read(cls, out_dir: Path, tool: str) -> Record:
        """The record in ``out_dir``, or an empty one (``discarded`` says why) when there is none that
        this build of the tool can trust."""
        record = cls(out_dir, tool)
        if not os.path.lexists(record.path):
            return record
        limit = max_record_bytes(out_dir)
        raw = read_regular(record.path, limit, follow=False)
        if raw is None:
            record.discard(f"not a regular file, or larger than the {limit:,} bytes a record of this "
                           "folder can need")
            return record
        try:
            _check_shape(raw)
            parsed = json.loads(raw.decode("ascii"), parse_constant=_no_constant)
            outputs, inputs = _validated(parsed, tool)
        except _Foreign as exc:
            record.discarded = str(exc)  # an upgrade of the tool: expected, so no warning
            return record
        except _Unsafe as exc:
            record.discard(str(exc))
            return record
        except (ValueError, TypeError, KeyError, RecursionError):
            record.discard("it is corrupt")
            return record
        record.outputs, record.inputs = outputs, inputs
        return record

    def discard(self, why: str) -> None:
        """Forget everything the record said, and say so once: every document is made again."""
        self.outputs, self.inputs = {}, {}
        self.discarded = why
        self.warning = (f"warning: the build record {RECORD_NAME} was ignored ({why}); every document is "
                        "made again and a new record written")

    def known_id(self, source: str, digest: str | None, data: bytes | None = None) -> str | None:
        """The id of ``source`` when its bytes are those recorded (so it need not be loaded to learn it).

        The recorded id is a claim of the record's: it is used only when ``data`` (the file's bytes)
        declares exactly that id, once, as its top-level ``id``; otherwise the file is loaded."""
        known = self.inputs.get(source)
        if known is None or digest is None or known[0] != digest or data is None:
            return None
        return known[1] if declares_id(data, known[1]) else None

    def claims_other_id(self, source: str, digest: str | None, agreement_id: str | None) -> bool:
        """True when the record gives ``source``, whose bytes hash to ``digest``, another id than the
        one it declares when loaded: then the record cannot be believed at all."""
        known = self.inputs.get(source)
        return known is not None and digest is not None and known[0] == digest and known[1] != agreement_id

    def current(self, name: str, key: str) -> Entry | None:
        """The entry of output ``name`` when it was made from ``key`` and the file on disk is still it.

        The file is compared by identity (inode, size, times), and only when that differs (a restored
        cache, a copied folder) by its sha256. Only builds ask: ``--check`` compares every document's
        bytes, and never reads the record.
        """
        entry = self.outputs.get(name)
        if entry is None or entry.key != key:
            return None
        path = self.out_dir / name
        identity = file_identity(path)
        if identity is None or identity[1] != entry.size:
            return None
        if identity == entry.stat:
            return entry
        if _file_sha256(path, entry.size) != entry.sha256:
            return None
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
        if not _recordable(entry):  # it would not pass the bounds when read back: make it again next time
            self.outputs.pop(name, None)
            self.changed = True
            return
        if self.outputs.get(name) != entry:
            self.outputs[name] = entry
            self.changed = True

    def put_input(self, source: str, digest: str, agreement_id: str) -> None:
        if len(source) > MAX_SOURCE_LENGTH or "\0" in source or not is_agreement_id(agreement_id):
            return  # reading would refuse the record; unrecorded, the file is simply loaded next time
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


class _Unsafe(ValueError):
    """A record whose content is not what this tool writes: an id, a name or a size it would never
    record. It is ignored with a warning."""


def max_record_bytes(out_dir: Path) -> int:
    """The largest record ``out_dir`` can need: a header and one entry per file in the folder."""
    count = 0
    try:
        with os.scandir(out_dir) as entries:
            for _ in entries:
                count += 1
                if count >= MAX_FILES_COUNTED:
                    break
    except OSError:
        pass
    return MAX_HEADER_BYTES + count * MAX_BYTES_PER_FILE


# A JSON string (escapes included; the unrolled form never backtracks), a quote that opens no string
# that ends (the scan stops there: searching again from each quote after it would be quadratic), or one
# structural character.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|"|[][{},]')


def _check_shape(raw: bytes) -> None:
    """Refuse, before parsing, nesting deeper and arrays longer than a record can hold: a parser
    would build the whole of ``[[],[],...]`` before the fields could be checked."""
    commas: list[int] = []  # for each open array, the commas seen so far in it; -1 for an open object
    for match in _TOKEN.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            if len(commas) >= MAX_DEPTH:
                raise _Unsafe(f"values nested deeper than the {MAX_DEPTH} levels a record has")
            commas.append(0 if token == b"[" else -1)
        elif token == b'"':
            raise ValueError("a string that does not end")
        elif token in (b"]", b"}"):
            if not commas:
                raise ValueError("unbalanced brackets")
            commas.pop()
        elif token == b"," and commas and commas[-1] >= 0:
            commas[-1] += 1
            if commas[-1] >= MAX_ARRAY:
                raise _Unsafe(f"a list longer than the {MAX_ARRAY} items a record has")


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def is_agreement_id(value: object) -> bool:
    """True when ``value`` is what an agreement's id must be (model.Slug)."""
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and _ID.fullmatch(value) is not None


def is_output_name(value: object) -> bool:
    """True when ``value`` is a file name a build writes in its folder: ID-KIND.FORMAT."""
    if not isinstance(value, str) or len(value) > MAX_ID_LENGTH + 1 + MAX_KIND_LENGTH + 1 + 16:
        return False
    match = _OUTPUT_NAME.fullmatch(value)
    return match is not None and match.group(1) in FORMATS and "-" in value


def declares_id(data: bytes, agreement_id: str) -> bool:
    """True when the data file's bytes give ``agreement_id`` as the top-level ``id``, and give no other.

    YAML in block style (the only ``id`` key the model has is at the top, at the start of a line), or
    JSON/flow style (``"id": "…"`` after ``{`` or ``,``). A file written otherwise is simply loaded."""
    if not is_agreement_id(agreement_id):
        return False
    found = [_id_value(m.group(1) if m.group(1) is not None else m.group(2)) for m in _ID_KEY.finditer(data)]
    return found == [agreement_id.encode("ascii")]


# Every top-level ``id`` key, whatever its value: a second one (a file that would not load) must not
# let the first pass.
_ID_KEY = re.compile(rb"""(?m)^["']?id["']?[ \t]*:([^\r\n]*)|[{,][ \t\r\n]*"id"[ \t\r\n]*:[ \t\r\n]*("[^"\r\n]*")""")


def _id_value(text: bytes) -> bytes:
    value = text.split(b" #")[0].strip() if not text.lstrip().startswith((b'"', b"'")) else text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[:1] in (b'"', b"'"):
        value = value[1:-1]
    return value


def _recordable(entry: Entry) -> bool:
    """Whether ``entry`` stays within what reading a record accepts."""
    if len(entry.warnings) > MAX_WARNINGS:
        return False
    try:
        size = len(json.dumps(entry.as_json(), ensure_ascii=True))
        _check_problems([dataclasses.asdict(w) for w in entry.warnings])
    except (TypeError, ValueError):
        return False
    return size <= MAX_ENTRY_BYTES - MAX_ID_LENGTH - MAX_KIND_LENGTH - 32


def _check_problems(values: list[dict[str, object]]) -> None:
    for value in values:
        _problem(value)


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
    inputs: dict[str, tuple[str, str]] = {}
    owners: dict[str, str] = {}
    for source, value in raw_inputs.items():
        if not (isinstance(value, list) and len(value) == 2 and _is_hex(value[0])):
            raise TypeError(source)
        if len(source) > MAX_SOURCE_LENGTH or "\0" in source:
            raise _Unsafe(f"{_shown(source)} is not the path of a data file")
        if not is_agreement_id(value[1]):
            raise _Unsafe(f"{_shown(value[1])} is not an agreement id")
        if value[1] in owners:  # two data files cannot have one id: a build refuses that
            raise _Unsafe(f"two data files with the id {value[1]!r}")
        owners[value[1]] = source
        inputs[source] = (value[0], value[1])
    outputs: dict[str, Entry] = {}
    for name, item in raw_outputs.items():
        if not is_output_name(name):
            raise _Unsafe(f"{_shown(name)} is not the name of a document this tool writes")
        if not isinstance(item, dict):
            raise TypeError(name)
        key, sha, size, pages, ident, warnings = (item["key"], item["sha256"], item["size"], item["pages"],
                                                  item["stat"], item["warnings"])
        if not (_is_hex(key) and _is_hex(sha) and _is_int(size) and (pages is None or _is_int(pages))
                and isinstance(ident, list) and len(ident) == 4 and all(_is_int(v) for v in ident)
                and isinstance(warnings, list) and len(warnings) <= MAX_WARNINGS):
            raise TypeError(name)
        outputs[name] = Entry(key, sha, size, pages, (ident[0], ident[1], ident[2], ident[3]),
                              tuple(_problem(w) for w in warnings))
    return outputs, inputs


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_hex(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_NUMBER


def _is_text(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT


def _problem(value: object) -> Problem:
    if not isinstance(value, dict) or set(value) != {"file", "message", "line", "column", "field"}:
        raise TypeError("warning")
    file, message, line, column, name = (value["file"], value["message"], value["line"], value["column"],
                                         value["field"])
    if not (_is_text(file) and _is_text(message) and (line is None or _is_int(line))
            and (column is None or _is_int(column)) and (name is None or _is_text(name))):
        raise TypeError("warning")
    return Problem(file=file, message=message, line=line, column=column, field=name)
