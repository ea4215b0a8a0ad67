"""The keys of the incremental build: for each output, a digest of everything that decides its bytes.

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

This module owns the digests (the data file's, the tool's, the templates', the options'), ``Keys``,
which puts them together into the key of each output, and the careful reading and hashing of files
they rest on. The record that keeps the keys beside the documents is ``reports.build_record``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from reports.safe_open import read_at_most

MAX_HASHED_BYTES = 64 * 1024 * 1024  # a larger file in a template folder is fingerprinted by its stat
_TEMPLATE_MAX_BYTES = 2 * 1024 * 1024  # the loader's limit (compose.MAX_TEMPLATE_BYTES)
# How long a document may take, and how much memory, never change its bytes.
_OPTIONS_NOT_IN_KEY = frozenset({"timeout", "memory_limit"})
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


DATA_DIGEST_LIMIT = 5 * 1024 * 1024  # the loader's default limit (load.DEFAULT_MAX_BYTES)


def data_digest(path: str | os.PathLike[str], limit: int = DATA_DIGEST_LIMIT) -> str | None:
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
    from reports.version import __version__

    package = Path(__file__).resolve().parent
    source = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        source.update(path.relative_to(package).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        source.update(path.read_bytes() + b"\0")
    return _sha("tool", __version__, source.hexdigest(), sys.version, sys.implementation.name,
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
    reached = _reached(kind, folders, every_copy=True)
    if reached is None:
        return _all_templates(folders)  # be safe rather than clever
    states = {name: [state for state, _found in copies] for name, copies in reached.items()}
    return _sha("templates", [str(f) for f in folders], sorted(states.items()))


def templates_used(kind: str, template_dir: Path | None) -> dict[str, str]:
    """Each template ``kind`` can load and the one the loader takes (the first folder that has it), as
    ``"template-dir:SHA256"`` or ``"built-in:SHA256"`` (``"absent"`` when no folder has it): no path, so
    the same templates give the same answer on every machine. When a template computes the name of
    another, every ``.j2`` file of the folders is listed."""
    folders = _template_folders(template_dir)
    labels = (["template-dir"] if template_dir is not None else []) + ["built-in"]
    reached = _reached(kind, folders, every_copy=False)
    if reached is None:
        return _every_template(folders, labels)
    return dict(sorted((name, next((f"{label}:{state}" for (state, found), label in zip(copies, labels, strict=False)
                                    if found), "absent"))
                       for name, copies in reached.items()))


def _reached(kind: str, folders: Sequence[Path], *, every_copy: bool) -> dict[str, list[tuple[object, bool]]] | None:
    """Each template ``kind`` reaches, with its state in each folder in turn (``_template_state``) and
    whether that folder has it, following the templates each copy names: every folder's copy
    (``every_copy``: what a build could load if an override came or went; the cache key) or only the
    copy the loader takes, the first folder that has it (what this build used; the provenance record).
    None when a template computes the name of another or names one the loader refuses: the caller then
    takes every template of the folders."""
    reached: dict[str, list[tuple[object, bool]]] = {}
    pending = [f"{kind}.md.j2"]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        pieces = name.split("/")
        if any(p in ("", ".", "..") for p in pieces) or "\\" in name or "\0" in name:
            return None
        reached[name] = []
        for folder in folders:
            state, source = _template_state(folder, pieces)
            reached[name].append((state, source is not None))
            if source is None:
                continue
            referenced = _references(source)
            if referenced is None:
                return None
            pending.extend(referenced)
            if not every_copy:
                break
    return reached


def _every_template(folders: Sequence[Path], labels: Sequence[str]) -> dict[str, str]:
    used: dict[str, str] = {}
    for folder, label in zip(folders, labels, strict=True):
        for path in _walk(folder):
            name = Path(os.path.relpath(path, folder)).as_posix()
            if name.endswith(".j2") and name not in used:
                used[name] = f"{label}:{_file_state(path)}"
    return dict(sorted(used.items()))


def assets_digest(template_dir: Path | None) -> str:
    """sha256 of every file of the template folders that is not a template (catalogues, images, the
    built-in reference document), by name inside its folder and content: no path."""
    return _sha("assets", [[Path(os.path.relpath(p, folder)).as_posix(), _file_state(p)]
                           for folder in _template_folders(template_dir) for p in _walk(folder)
                           if not p.endswith(".j2")])


def content_state(path: str | os.PathLike[str]) -> object:
    """What a file contributes to a key: its sha256 (kept while the file is unchanged), or why not."""
    return _file_state(os.fspath(path))


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str | None]:
    """The version of each library ``reports`` needs (and what those need); None when not installed."""
    return {str(name): value[0] if isinstance(value, list) else None for name, value in _libraries()}


def _template_state(folder: Path, pieces: list[str]) -> tuple[object, bytes | None]:
    """What the template ``pieces`` in ``folder`` contributes to a key, and its source: read as the
    loader reads it (``reports.safe_open``: links only while they stay inside, no hard-linked file
    outside the built-ins), so that the key never reads a file the loader would refuse."""
    from reports import safe_open
    from reports.paths import builtin_templates_dir

    try:
        fd, _real = safe_open.open_inside(folder, pieces, trusted=[builtin_templates_dir()])
    except safe_open.Refused as exc:
        return ("absent" if exc.kind == "missing" else f"refused {exc.kind}"), None
    source = safe_open.read_fd(fd, _TEMPLATE_MAX_BYTES)
    if len(source) > _TEMPLATE_MAX_BYTES:
        return ["too large", len(source)], None
    return hashlib.sha256(source).hexdigest(), source


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
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # --against's old version
        state = {f.name: _value_state(getattr(value, f.name)) for f in dataclasses.fields(value)
                 if f.metadata.get("in_key", True)}  # a password file's content is in no key
        folder = getattr(value, "template_dir", None)  # the old version's templates: every file counts
        return {**state, "templates": _all_templates([folder]) if folder is not None else None}
    if isinstance(value, Mapping):
        return sorted([str(k), _value_state(v)] for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return [_value_state(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)  # an unknown type: its repr, which at worst differs every build (a rebuild)


def _cjk_face(theme: Any) -> object:
    """The Chinese and Japanese faces the writers would embed for ``theme``: the file the theme names, or
    the ones found on this machine (installing or updating a font changes documents with CJK text)."""
    try:
        from reports.fonts.cjk import find_cjk_face
    except ImportError:
        return None
    from reports.errors import ReportsError

    try:
        face = find_cjk_face(theme.fonts.cjk, base=theme.base_dir)
    except ReportsError as exc:  # the render reports it; the key only needs to differ from a usable face
        return ["unusable", exc.format_message()]
    from reports.fonts.faces import japanese_face

    # The Japanese face too: installing one changes the documents with Japanese text.
    return [_face_state(face), _face_state(japanese_face(theme.fonts.cjk)[0])]


def _face_state(face: Any) -> object:
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
