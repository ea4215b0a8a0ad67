"""The incremental-build record: for each output, a key of everything that decides its bytes.

A build skips a document when the key it would have is the key recorded for the file on disk, and the
file is still the one recorded (same inode, size and times; or, failing that, the same sha256). The key
covers the data file's content, every template and partial the kind can load (user and built-in, by
content; a template that names another by a computed expression makes every template count), every
other file of the template folders (images, catalogues, the reference document), the theme and its
logo, the ``--reference-docx`` file, every option that can change a document (``Options``' fields,
walked generically so a new option counts without a change here), ``SOURCE_DATE_EPOCH``, the
``reports`` package's own source and version, and the versions (and font files) of the libraries that
write the bytes. Anything this module cannot read for certain makes the key unique, so that document is
rebuilt: a doubt costs time, never a wrong document.

The record is one JSON file in the output folder (``RECORD_NAME``), written atomically. A record that
is missing, unreadable, corrupt, from another version of the record or from another build of the tool
is ignored whole: everything is rebuilt and a fresh record written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reports.errors import Problem
from reports.load import read_at_most

RECORD_NAME = ".reports-build.json"
RECORD_FORMAT = "reports build record"
RECORD_VERSION = 1
MAX_RECORD_BYTES = 256 * 1024 * 1024  # far above 1,000,000 documents; a larger file is not ours
MAX_HASHED_BYTES = 64 * 1024 * 1024  # a larger file in a template folder is fingerprinted by its stat
_TEMPLATE_MAX_BYTES = 2 * 1024 * 1024  # the loader's limit (compose.MAX_TEMPLATE_BYTES)
_OPTIONS_NOT_IN_KEY = frozenset({"timeout"})  # how long a document may take never changes its bytes
_ENVIRONMENT = ("SOURCE_DATE_EPOCH",)  # variables the writers read
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".pfb", ".afm", ".woff", ".woff2")
# The runtime libraries when the package's metadata cannot be read (a source tree on sys.path).
_FALLBACK_REQUIREMENTS = ("click", "jinja2", "reportlab", "rl-accel", "python-docx", "pydantic", "pyyaml",
                          "markdown-it-py", "mdit-py-plugins", "font-source-serif-pro", "font-source-sans-pro",
                          "fonttools", "pikepdf", "babel")


def _sha(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# --------------------------------------------------------------------------- reading files for keys


def read_regular(path: str | os.PathLike[str], limit: int, *, follow: bool = True) -> bytes | None:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes; None otherwise.

    Never opens a FIFO or a device (it could block or never end) and never reads more than ``limit``
    plus one byte, whatever size the file reports. ``follow=False`` refuses a symbolic link.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        info = os.stat(path, follow_symlinks=follow)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = read_at_most(fd, limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= limit else None


def hash_regular(path: str | os.PathLike[str], limit: int) -> str | None:
    """sha256 of ``path`` read in pieces (an image of 50 MB is never held whole), with the same rules as
    ``read_regular``; None when it is not a regular file of at most ``limit`` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        fd = os.open(path, flags)
    except OSError:
        return None
    digest = hashlib.sha256()
    seen = 0
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        while seen <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            seen += len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return digest.hexdigest() if seen <= limit else None


def data_digest(path: str | os.PathLike[str], limit: int = 5 * 1024 * 1024) -> str | None:
    """sha256 of a data file's bytes, or None when it is not a readable regular file within ``limit``
    (then the build loads it as usual, and reports what is wrong with it)."""
    data = read_regular(path, limit)
    return hashlib.sha256(data).hexdigest() if data is not None else None


# A file's content hash, kept for as long as the file is the same (device, inode, size, times): a
# long-lived process (``reports watch``) hashes a template again only when it was saved.
_STATES: dict[tuple[str, int, int, int, int, int], str] = {}
_MAX_STATES = 4096


def _file_state(path: str) -> object:
    """What a file in a template folder contributes to a key: its content's hash, or a stat fingerprint
    for a large file, or what it is when it is not a regular file (a link's target decides)."""
    try:
        info = os.stat(path)
    except OSError:
        return "absent" if not os.path.lexists(path) else "unreadable"
    if not stat.S_ISREG(info.st_mode):
        return f"mode {stat.S_IFMT(info.st_mode)}"
    if info.st_size > MAX_HASHED_BYTES:
        return ["stat", info.st_size, info.st_mtime_ns, info.st_ino]
    identity = (path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    known = _STATES.get(identity)
    if known is not None:
        return known
    digest = hash_regular(path, MAX_HASHED_BYTES)
    if digest is None:
        return ["unreadable", info.st_mtime_ns]
    if len(_STATES) >= _MAX_STATES:
        _STATES.clear()
    _STATES[identity] = digest
    return digest


def _walk(folder: Path) -> Iterator[str]:
    """Every file below ``folder`` (links to files included, links to folders not followed), sorted."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            yield os.path.join(root, name)
        for name in dirs:  # a link to a folder is listed as a folder and not walked: note it as a file
            full = os.path.join(root, name)
            if os.path.islink(full):
                yield full


# --------------------------------------------------------------------------- the tool's own identity


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """Everything about this installation that decides output bytes, hashed once per process.

    The version, the package's own Python source (every ``.py`` file under ``reports/``: a change to
    the code must never leave a stale document, so any edit rebuilds everything), Python and zlib, and
    the versions and font files of the libraries ``reports`` depends on.
    """
    import reports

    package = Path(reports.__file__).resolve().parent
    source = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        source.update(path.relative_to(package).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        source.update(path.read_bytes() + b"\0")
    return _sha("tool", reports.__version__, source.hexdigest(), sys.version, sys.implementation.name,
                zlib.ZLIB_RUNTIME_VERSION, _libraries())


def _libraries() -> list[list[object]]:
    """Each library ``reports`` needs (and what those need), with its version and its font files."""
    from importlib import metadata

    try:
        wanted = [r for r in metadata.requires("reports") or [] if "extra ==" not in r]
    except metadata.PackageNotFoundError:
        wanted = list(_FALLBACK_REQUIREMENTS)
    seen: dict[str, object] = {}
    queue = [_requirement_name(r) for r in wanted]
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            seen[name] = None
            continue
        fonts = []
        for file in dist.files or []:
            if str(file).lower().endswith(_FONT_SUFFIXES):
                try:
                    info = os.stat(file.locate())
                    fonts.append([str(file), info.st_size, info.st_mtime_ns])
                except OSError:
                    fonts.append([str(file), None])
        seen[name] = [dist.version, fonts]
        queue.extend(_requirement_name(r) for r in dist.requires or [] if "extra ==" not in r)
    return sorted([name, value] for name, value in seen.items())


def _requirement_name(requirement: str) -> str:
    name = requirement.split(";")[0]
    for stop in "<>=!~[( ":
        name = name.split(stop)[0]
    return name.strip().lower().replace("_", "-")


# --------------------------------------------------------------------------- templates


def _template_folders(template_dir: Path | None) -> list[Path]:
    from reports.paths import builtin_templates_dir

    return ([template_dir] if template_dir is not None else []) + [builtin_templates_dir()]


@lru_cache(maxsize=256)
def _references(source: bytes) -> tuple[str, ...] | None:
    """The templates ``source`` names (include, import, from, extends); None when one is computed."""
    import jinja2
    from jinja2 import meta

    try:
        ast = jinja2.Environment().parse(source.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, jinja2.TemplateSyntaxError, RecursionError):
        return ()  # the render fails on this file, and a failure is never recorded
    names: list[str] = []
    for name in meta.find_referenced_templates(ast):
        if name is None:
            return None
        names.append(name)
    return tuple(names)


def template_digest(kind: str, template_dir: Path | None) -> str:
    """The key part for ``kind``'s templates: each template it can load, in every folder that could
    serve it (so adding or removing an override changes it), by content; every file of the folders when
    a template computes the name of another."""
    folders = _template_folders(template_dir)
    states: dict[str, list[object]] = {}
    pending = [f"{kind}.md.j2"]
    while pending:
        name = pending.pop()
        if name in states:
            continue
        pieces = name.split("/")
        if any(p in ("", ".", "..") for p in pieces) or "\\" in name or "\0" in name:
            return _all_templates(folders)  # the loader refuses it; be safe rather than clever
        states[name] = []
        for folder in folders:
            path = os.path.join(folder, *pieces)
            states[name].append(_file_state(path))
            source = read_regular(path, _TEMPLATE_MAX_BYTES)
            if source is None:
                continue
            referenced = _references(source)
            if referenced is None:
                return _all_templates(folders)
            pending.extend(referenced)
    return _sha("templates", [str(f) for f in folders], sorted(states.items()))


def _all_templates(folders: Sequence[Path]) -> str:
    return _sha("all templates", [[str(folder), [[os.path.relpath(p, folder), _file_state(p)] for p in _walk(folder)]]
                                  for folder in folders])


def folder_assets(template_dir: Path | None) -> str:
    """Every file of the template folders that is not a template: images a template shows, message
    catalogues, the built-in reference document."""
    return _sha("assets", [[str(folder), [[os.path.relpath(p, folder), _file_state(p)] for p in _walk(folder)
                                          if not p.endswith(".j2")]]
                           for folder in _template_folders(template_dir)])


# --------------------------------------------------------------------------- options


def _value_state(value: Any) -> object:
    """A JSON-ready account of one option's value; files count by content."""
    from reports.theme import Theme

    if isinstance(value, Theme):
        return {"theme": value.model_dump(mode="json"),
                "file": _file_state(str(value.source)) if value.source is not None else None,
                "logo": _file_state(str(value.logo)) if value.logo is not None else None,
                "cjk face": _cjk_face(value)}
    if isinstance(value, Path):
        return {"path": str(value.resolve()), "state": _file_state(str(value))}
    if isinstance(value, Mapping):
        return sorted([str(k), _value_state(v)] for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return [_value_state(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)  # an unknown type: its repr, which at worst differs every build (a rebuild)


def _cjk_face(theme: Any) -> object:
    """The Chinese face the writers would embed for ``theme``: the file the theme names, or the one
    found on this machine (installing or updating a font changes documents with Chinese text)."""
    try:
        from reports.fonts.cjk import find_cjk_face
    except ImportError:
        return None
    from reports.errors import ReportsError

    try:
        face = find_cjk_face(theme.fonts.cjk, base=theme.base_dir)
    except ReportsError as exc:  # the render reports it; the key only needs to differ from a usable face
        return ["unusable", exc.format_message()]
    if face is None:
        return None
    try:
        info = os.stat(face.path)
        state: object = [info.st_size, info.st_mtime_ns, info.st_ino]
    except OSError:
        state = "unreadable"
    return [str(face.path), face.index, face.family, face.needs_conversion, state]


def options_digest(options: Any) -> str:
    """The key part for the ``Options`` of a build: every field but the time limit, the template
    folders' other files and the environment variables the writers read."""
    fields = {f.name: _value_state(getattr(options, f.name)) for f in dataclasses.fields(options)
              if f.name not in _OPTIONS_NOT_IN_KEY}
    env = {name: os.environ.get(name) for name in _ENVIRONMENT}
    return _sha("options", fields, env, folder_assets(getattr(options, "template_dir", None)))


class Keys:
    """Computes the key of each output of one build; the costly parts are worked out once."""

    def __init__(self, options: Any, kinds: Sequence[str], formats: Sequence[str]) -> None:
        self.tool = tool_digest()
        self.formats = tuple(formats)
        context = options_digest(options)
        template_dir = getattr(options, "template_dir", None)
        self.kinds = {kind: _sha(self.tool, context, self.formats, kind, template_digest(kind, template_dir))
                      for kind in kinds}

    def key(self, source: str, digest: str, kind: str, fmt: str) -> str:
        """The key of output ``fmt`` of ``kind`` made from ``source`` whose bytes hash to ``digest``. The
        source's name counts too: warnings name it."""
        return _sha(self.kinds[kind], fmt, source, digest)


# --------------------------------------------------------------------------- the record


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
