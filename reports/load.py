"""Data and theme files -> validated models; every problem located by file, line, column and field.

**load** -> compose -> parse -> write -> build. All problems of a file are reported at once (like
mkdocs' load_config), each as ``file:line:col: field.path: message``, then loading stops.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from reports.errors import DataError, Problem, ReportsError, ThemeError, shorten
from reports.model import Agreement
from reports.output import file_kind
from reports.safe_open import read_at_most
from reports.theme import Theme
from reports.yamlnodes import MAPPING_VALUES_HINT, NodeError, Positions, colon_hint, compose

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A message quotes what the file says; a list of 1,000 party names or a megabyte of text in the wrong
# place must not become a line of that size (cut in the middle, saying how much was left out).
MAX_MESSAGE = 300
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}

M = TypeVar("M", bound=BaseModel)
ErrorKind = type[ReportsError]


def load_agreement(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Agreement:
    """Load and validate an agreement from a YAML or JSON file (``"-"`` reads standard input as YAML).

    Raises ``DataError`` listing every problem with its file, line, column and field path.
    """
    return _load_model(path, Agreement, DataError, max_bytes)


def load_theme(path: str | Path, *, max_bytes: int = 1024 * 1024) -> Theme:
    """Load a YAML theme file; its ``logo`` is resolved inside the theme file's folder.

    Raises ``ThemeError`` for any problem, located like data errors.
    """
    theme = _load_model(path, Theme, ThemeError, max_bytes)
    base = Path(path).resolve().parent
    logo = theme.logo
    if logo is not None:
        logo = _resolve_inside(base, logo, str(path))
    return theme.model_copy(update={"base_dir": base, "logo": logo, "source": Path(path)})


def _resolve_inside(base: Path, relative: Path, source: str) -> Path:
    # The theme may name files only inside its own folder: a shared theme must not read /etc/passwd.
    # The walk (reports.safe_open) follows a link only while it stays inside and never looks at what an
    # outside path names, so the answer for an outside path is the same whether or not it exists.
    from reports import images, safe_open

    if relative.is_absolute() or relative.drive:
        raise ThemeError("", [Problem(source, "must be a path relative to the theme file", field="logo")])
    try:
        fd, real = safe_open.open_inside(base, str(relative))
        os.close(fd)
    except safe_open.Refused as exc:
        if exc.kind == "outside":
            message = "must stay inside the theme's folder (no '..', no link out of it)"
        elif exc.kind == "missing":
            message = f"logo file not found: {relative}"
        else:
            message = f"logo file {relative} {exc}"
        raise ThemeError("", [Problem(source, message, field="logo")]) from None
    # A real, bounded open and decode (pixel count checked before decoding): a damaged or oversized logo
    # is reported here, at the theme's ``logo`` field, not half-way through the first document.
    target = Path(real)
    try:
        images.verify(target)
    except images.ImageError as exc:
        raise images.named_by_theme(exc, source, ThemeError, name=str(relative)) from None
    return target


# --------------------------------------------------------------------------- reading


def _read_text(path: str | Path, kind: ErrorKind, max_bytes: int) -> tuple[str, str]:
    """Return (display name, text): a regular file or standard input, size-limited, UTF-8 checked, BOM removed."""
    name = str(path)
    if name == "-":
        raw = sys.stdin.buffer.read(max_bytes + 1)  # bounded: a pipe that never ends costs max_bytes
        name = "<stdin>"
    else:
        raw = read_file(name, kind, max_bytes)
    if len(raw) > max_bytes:
        raise kind("", [Problem(name, f"input is over the limit of {max_bytes:,} bytes")])
    return name, _decode(name, raw, kind)


def read_file(name: str, kind: ErrorKind, max_bytes: int) -> bytes:
    """The bytes of the regular file ``name``, at most ``max_bytes`` of them; ``kind`` of error otherwise."""
    # Only a regular file is read, and never more than max_bytes + 1 bytes of it: the size a file reports
    # is not trusted (/dev/zero reports 0 and never ends; /proc files report 0 and have content). stat
    # decides before opening, because opening a FIFO waits for a writer; O_NONBLOCK and fstat on the open
    # file close the gap of a file swapped for a FIFO or a device in between.
    try:
        info = os.stat(name)
        _refuse_non_regular(name, info.st_mode, kind)
        if info.st_size > max_bytes:
            raise kind("", [Problem(name, f"file is {info.st_size:,} bytes, over the limit of {max_bytes:,} bytes")])
        fd = os.open(name, os.O_RDONLY | _OPEN_FLAGS)
        try:
            _refuse_non_regular(name, os.fstat(fd).st_mode, kind)
            raw = read_at_most(fd, max_bytes + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise kind("", [Problem(name, "file not found")]) from None
    except PermissionError:
        raise kind("", [Problem(name, "permission denied: the file cannot be read")]) from None
    except OSError as exc:
        raise kind("", [Problem(name, f"cannot read the file: {exc.strerror or exc}")]) from None
    if len(raw) > max_bytes:
        raise kind("", [Problem(name, f"file is over the limit of {max_bytes:,} bytes")])
    return raw


# O_NONBLOCK: opening a FIFO that slipped past the stat check returns at once instead of waiting.
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(
    os, "O_BINARY", 0)


def _refuse_non_regular(name: str, mode: int, kind: ErrorKind) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        what = "a data file" if kind is not ThemeError else "a theme file"
        raise kind("", [Problem(name, f"is a folder, not {what}")])
    raise kind("", [Problem(name, f"not a regular file ({file_kind(mode)}); expected a YAML or JSON file")])


# Byte-order marks of encodings other than UTF-8; UTF-32's must be tested first (UTF-32 LE starts with
# UTF-16 LE's mark).
_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _decode(name: str, raw: bytes, kind: ErrorKind) -> str:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            raise kind("", [Problem(name, f"file is {encoding} text; save it as UTF-8", line=1, column=1)])
    try:
        text = raw.decode("utf-8-sig")  # a UTF-8 byte-order mark is harmless: accept it
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise kind("", [Problem(name, f"not UTF-8 text (byte 0x{raw[exc.start]:02X} at offset {exc.start}); "
                                      "save the file as UTF-8", line=line, column=column)]) from None
    if "\x00" in text:
        offset = text.index("\x00")
        raise kind("", [Problem(name, "binary data (a NUL byte) in the file; expected YAML or JSON text",
                                line=text.count("\n", 0, offset) + 1)])
    return text


def _parse(name: str, text: str, fmt: str, kind: ErrorKind) -> tuple[object, Positions]:
    if fmt == "json":
        return _parse_json(name, text, kind)
    try:
        composed = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "invalid YAML").strip()
        if "\t" in problem or "tab" in problem or ("found character '\\t'" in str(exc)):
            problem += " (YAML does not allow tabs for indentation; use spaces)"
        elif "mapping values are not allowed" in problem:
            problem += MAPPING_VALUES_HINT
        raise kind("", [Problem(name, f"invalid YAML: {problem}",
                                line=mark.line + 1 if mark else None,
                                column=mark.column + 1 if mark else None)]) from None
    except yaml.YAMLError as exc:
        raise kind("", [Problem(name, f"invalid YAML: {exc}")]) from None
    except NodeError as exc:
        raise kind("", [Problem(name, exc.message, line=exc.line, column=exc.column,
                                field=_field(exc.path) or None)]) from None
    if composed is None:
        raise kind("", [Problem(name, "file is empty (no data, only comments or blank lines)")])
    return composed


def _parse_json(name: str, text: str, kind: ErrorKind) -> tuple[object, Positions]:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ValueError(f"duplicate key {key!r}")
            result[key] = value
        return result

    if not text.strip():
        raise kind("", [Problem(name, "file is empty")])
    try:
        value = json.loads(text, object_pairs_hook=no_duplicates, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise kind("", [Problem(name, f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]) from None
    except RecursionError:
        raise kind("", [Problem(name, "invalid JSON: values are nested too deeply")]) from None
    except ValueError as exc:
        # json's hooks know no position; the YAML reading of the same text finds the same mistake (a
        # duplicate key, a number too long) with its line, column and field.
        try:
            compose(_yaml_readable(text))
        except NodeError as located:
            raise kind("", [Problem(name, f"invalid JSON: {located.message}", line=located.line,
                                    column=located.column, field=_field(located.path) or None)]) from None
        except yaml.YAMLError:
            pass
        raise kind("", [Problem(name, f"invalid JSON: {exc}")]) from None
    # JSON is (almost) YAML: composing it again gives positions; when it does not, errors say line 1.
    try:
        composed = compose(_yaml_readable(text))
        positions = composed[1] if composed else {}
    except (yaml.YAMLError, NodeError):
        positions = {}
    return value, positions


def _json_int(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:  # over sys.get_int_max_str_digits(): said the way the YAML reader says it
        raise ValueError(f"number too long ({len(digits.lstrip('-')):,} digits)") from None


# A \uD800-\uDFFF escape is valid JSON (it gives a lone surrogate, refused later with its position) but
# not valid YAML, so for the position map each is swapped for an escape of the same length. An escape is
# one whose backslash is not itself escaped: preceded by an even number of backslashes.
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _yaml_readable(json_text: str) -> str:
    if "\\u" not in json_text:
        return json_text
    return _SURROGATE_ESCAPE.sub(lambda m: m.group(1) + "\\u003f", json_text)


# --------------------------------------------------------------------------- validation


def agreement_from_bytes(raw: bytes, name: str, suffix: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Agreement:
    """Load and validate an agreement from ``raw``, the bytes of a file that is not on disk (an old
    version taken from git, ``reports.against``); ``suffix`` says YAML or JSON (".yaml"). Raises
    ``DataError`` as ``load_agreement`` does, naming ``name``."""
    if len(raw) > max_bytes:
        raise DataError("", [Problem(name, f"input is over the limit of {max_bytes:,} bytes")])
    return _model_from_text(name, _decode(name, raw, DataError), suffix.lower(), Agreement, DataError, None)


def _load_model(path: str | Path, model: type[M], kind: ErrorKind, max_bytes: int) -> M:
    name, text = _read_text(path, kind, max_bytes)
    # Validators that read files named in the file (a theme's font) take them inside its folder.
    base = None if str(path) == "-" else Path(path).resolve().parent
    return _model_from_text(name, text, "-" if str(path) == "-" else Path(str(path)).suffix.lower(), model, kind,
                            base)


def _model_from_text(name: str, text: str, suffix: str, model: type[M], kind: ErrorKind, base: Path | None) -> M:
    if suffix == "-":
        fmt = "yaml"  # YAML is a superset of JSON for every agreement worth reading
    elif suffix in SUFFIXES:
        fmt = SUFFIXES[suffix]
    else:
        raise kind("", [Problem(name, f"unknown file type {suffix or '(none)'!r}; expected .yaml, .yml or .json")])
    value, positions = _parse(name, text, fmt, kind)
    if not isinstance(value, dict):
        found = "a list" if isinstance(value, list) else f"a single value ({type(value).__name__})"
        raise kind("", [Problem(name, f"expected a mapping of fields at the top level, found {found}",
                                line=1, column=1)])
    problems = _text_problems(name, value, positions)
    if problems:
        raise kind("", problems)
    try:
        return model.model_validate(value, context={"base": base})
    except ValidationError as exc:
        raise kind("", _validation_problems(name, exc, positions, model, fmt)) from None


def _text_problems(name: str, value: object, positions: Positions) -> list[Problem]:
    """Characters no document can hold: control characters and lone surrogates (from JSON escapes)."""
    problems: list[Problem] = []

    def walk(item: object, path: tuple[str | int, ...]) -> None:
        if isinstance(item, str):
            for char in item:
                code = ord(char)
                if (code < 0x20 and char not in "\t\n\r") or 0xD800 <= code <= 0xDFFF or code in (
                        0xFFFE, 0xFFFF) or 0x7F <= code <= 0x9F:
                    line, column = _position(positions, path)
                    problems.append(Problem(name, f"contains the control or invalid character U+{code:04X}, "
                                                  "which no document can show; remove it",
                                            line=line, column=column, field=_field(path) or None))
                    return
        elif isinstance(item, dict):
            for key, child in item.items():
                walk(key, path)
                walk(child, (*path, str(key)))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                walk(child, (*path, index))

    walk(value, ())
    return problems


def _validation_problems(name: str, exc: ValidationError, positions: Positions,
                         model: type[BaseModel], fmt: str = "yaml") -> list[Problem]:
    errors = exc.errors(include_url=False)
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    # A misspelt key is one mistake, not two: "titel: did you mean 'title'?" covers "missing 'title'".
    covered: set[tuple[str | int, ...]] = set()
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden":
            guess = _closest(model, loc)
            if guess and (*loc[:-1], guess) in missing:
                covered.add((*loc[:-1], guess))
    problems: list[Problem] = []
    for error in errors:
        loc = tuple(error["loc"])
        if loc in covered and error["type"] == "missing":
            continue
        if error["type"] == "extra_forbidden":
            guess = _closest(model, loc)
            fields = _fields_at(model, loc[:-1])
            message = "unknown field" + (f"; did you mean {guess!r}?" if guess else
                                         f"; expected one of: {', '.join(fields)}" if fields else "")
        elif error["type"] == "missing":
            message = f"missing required field {loc[-1]!r}"
        else:
            message = _message(error)
            if fmt == "yaml" and error["type"] == "string_type":
                message += colon_hint(error.get("input"))
        line, column = _position(positions, loc)
        problems.append(Problem(name, shorten(message, MAX_MESSAGE), line=line, column=column,
                                field=_field(loc) or None))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    if kind == "enum":
        return f"expected one of {ctx.get('expected', '').replace(' or ', ', ').replace(chr(39), '')}"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        return f"{_quote(given)} is not a valid date (expected YYYY-MM-DD, e.g. 2023-07-07)"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch" and error["loc"] == ("id",):
        return (f"{_quote(given)} is not a valid id: use lowercase letters, digits and single hyphens "
                "(it becomes part of file names)")
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entries, found {ctx.get('actual_length')}"
    if kind in ("string_type", "int_type", "list_type", "model_type", "dict_type", "bool_type", "int_parsing"):
        expected = {"string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
                    "list_type": "a list", "model_type": "a mapping of fields", "dict_type": "a mapping of fields",
                    "bool_type": "true or false"}[kind]
        return f"expected {expected}, found {_describe(given)}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, found {_quote(given)}"
    text: str = error["msg"]
    return text.removeprefix("Value error, ")


def _quote(value: object) -> str:
    return shorten(repr(value), 80)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__.replace('str', 'text')} {_quote(value)}"


def _closest(model: type[BaseModel], loc: Sequence[str | int]) -> str | None:
    close = difflib.get_close_matches(str(loc[-1]), _fields_at(model, loc[:-1]), n=1, cutoff=0.6)
    return close[0] if close else None


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The field names (aliases where set) allowed at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = _model_fields(current).get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return list(_model_fields(current))


def _model_fields(model: Any) -> dict[str, Any]:
    return {info.alias or name: info for name, info in model.model_fields.items()}


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _position(positions: Positions, path: Sequence[str | int]) -> tuple[int | None, int | None]:
    # The closest recorded ancestor: a missing field is reported at the mapping that lacks it.
    for end in range(len(path), -1, -1):
        found = positions.get(tuple(path[:end]))
        if found:
            return found
    return None, None


def _field(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


