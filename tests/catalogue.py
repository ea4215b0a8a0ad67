"""The bad-input catalogue: one row per bad input, what the tool says, and its exit code.

tests/test_bad_inputs.py runs every row; docs/bad-input.md is generated from this table (and a test
fails when the page is out of date), so the documentation cannot drift from the behaviour. The data
files' rows are here; each other area (templates, reference documents, files and outputs, batches ...)
keeps its rows in a module of its own, ``tests/catalogue_<area>.py`` with a ``CASES`` list, gathered below.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.catalogue_case import Case
from tests.conftest import SHIPPED, shipped_dict

SHIPPED_TEXT = SHIPPED.read_text("utf-8")


def _line_of(text: str) -> int:
    """The line of the shipped file that starts with ``text`` (1-based)."""
    return next(i for i, line in enumerate(SHIPPED_TEXT.splitlines(), 1) if line.startswith(text))


def _yaml(mutate: Callable[[dict[str, object]], None]) -> bytes:
    data = shipped_dict()
    mutate(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def _set(path: str, value: object) -> Callable[[dict[str, object]], None]:
    def mutate(data: dict[str, object]) -> None:
        target: object = data
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]  # type: ignore[index]
        last = parts[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value  # type: ignore[index]
    return mutate


BOMB = b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n".encode() for i in range(8))
DEEP = ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 3)) + "x: " + "[" * 200 + "]" * 200 + "\n").encode()


DATA_CASES: list[Case] = [
    Case("empty", "empty file", "a.yaml", b"", "file is empty"),
    Case("comment-only", "only a comment", "a.yaml", b"# nothing here\n", "file is empty"),
    Case("list", "a YAML list instead of a mapping", "a.yaml", b"- a\n- b\n",
         "a.yaml:1:1: expected a mapping of fields at the top level, found a list"),
    Case("tabs", "tab indentation", "a.yaml", b"a:\n\tb: 1\n", "a.yaml:2:1: invalid YAML"),
    Case("unclosed-quote", "unclosed quote", "a.yaml", b'title: "abc\nid: x\n', "invalid YAML"),
    Case("json-trailing-comma", "JSON with a trailing comma", "a.json", b'{"a": 1,\n}\n',
         "a.json:2:1: invalid JSON"),
    Case("binary", "a binary file", "a.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not UTF-8 text"),
    Case("latin-1", "Latin-1 bytes", "a.yaml", "title: café\n".encode("latin-1"), "a.yaml:1:11: not UTF-8 text"),
    Case("utf-16", "UTF-16 text", "a.yaml", "title: x\n".encode("utf-16"), "file is UTF-16 text"),
    Case("bom", "a UTF-8 byte-order mark (accepted)", "a.yaml", b"\xef\xbb\xbf" + SHIPPED_TEXT.encode(), "ok", 0),
    Case("duplicate-yaml", "duplicate keys in YAML", "a.yaml", SHIPPED_TEXT.replace(
        "title: Zhejiang", "title: First\ntitle: Zhejiang", 1).encode(), "duplicate key 'title' (first given on line"),
    Case("duplicate-json", "duplicate keys in JSON", "a.json", b'{"id": "a", "id": "b"}', "duplicate key 'id'"),
    Case("alias-bomb", "a YAML alias bomb (billion laughs)", "a.yaml", BOMB, "YAML aliases (*name)"),
    Case("too-large", "a file over the size limit", "a.yaml", b"# " + b"x" * (5 * 1024 * 1024) + b"\n",
         "over the limit of 5,242,880 bytes"),
    Case("deep", "deeply nested values", "a.yaml", DEEP, "nested more than 50 levels"),
    Case("missing", "a missing file", "nope.yaml", None, "nope.yaml: file not found"),
    Case("wrong-type", "a list where text is expected", "a.yaml", _yaml(_set("title", ["a"])),
         "title: expected text, found a list"),
    Case("colon-in-text", "a list item with ': ' in unquoted text (YAML reads a mapping)", "a.yaml",
         SHIPPED_TEXT.replace("  - A stronger digital", "  - Terms: 1.25% over 20 years\n  - A stronger digital", 1)
         .encode(), f"a.yaml:{_line_of('  - A stronger digital')}:5: expected_outcomes[0]: expected text, found a "
         "mapping; the ': ' after 'Terms' made YAML read this text as a mapping: put the whole text in quotes, "
         'e.g. "Terms: 1.25% over 20 years"'),
    Case("colon-in-value", "a field's value with ': ' in unquoted text", "a.yaml",
         SHIPPED_TEXT.replace("  status: signed", "  status: signed: in force", 1).encode(),
         "invalid YAML: mapping values are not allowed in this context (a ': ' inside text that is not in quotes; "
         "put the whole text in quotes"),
    Case("wrong-number", "text where a number is expected", "a.yaml",
         _yaml(_set("participating_units.0.count", "seven")), "participating_units[0].count: expected a whole number"),
    Case("missing-field", "a missing required field", "a.yaml", _yaml(lambda d: d.pop("summary")),
         "summary: missing required field 'summary'"),
    Case("unknown-field", "an unknown field", "a.yaml", _yaml(_set("sumary", "x")),
         "sumary: unknown field; did you mean 'summary'?"),
    Case("bad-date", "an impossible date", "a.yaml", _yaml(_set("agreement.signed", "2023-02-30")),
         "agreement.signed: '2023-02-30' is not a valid date"),
    Case("free-text-date", "a date as free text", "a.yaml", _yaml(_set("agreement.signed", "early July")),
         "agreement.signed: 'early July' is not a valid date"),
    Case("id-slash", "an id with a slash", "a.yaml", _yaml(_set("id", "../../etc/x")),
         "id: '../../etc/x' is not a valid id"),
    Case("id-space", "an id with spaces", "a.yaml", _yaml(_set("id", "my deal")),
         "id: 'my deal' is not a valid id"),
    Case("id-drive", "an id with a drive letter", "a.yaml", _yaml(_set("id", "C:deal")),
         "id: 'C:deal' is not a valid id"),
    Case("control-char", "a control character (U+0007) in a value", "a.yaml", _yaml(_set("title", "bell\u0007")),
         "title: contains the control or invalid character U+0007"),
    Case("nul", "a NUL character written as an escape", "a.yaml", SHIPPED_TEXT.replace(
        "title: Zhejiang", 'title: "Zh\\0ejiang', 1).replace("Agreement\n", 'Agreement"\n', 1).encode(),
         "title: contains the control or invalid character U+0000"),
    Case("fffe", "the non-character U+FFFE", "a.json", json.dumps({**shipped_dict(), "title": "a\ufffe"}).encode(),
         "title: contains the control or invalid character U+FFFE"),
    Case("lone-surrogate", "a lone surrogate from a JSON escape", "a.json",
         json.dumps(shipped_dict()).replace('"title": "', '"title": "\\ud800', 1).encode(),
         "title: contains the control or invalid character U+D800"),
    Case("one-party", "a single party", "a.yaml",
         _yaml(lambda d: (d["parties"].pop(), d.update(participating_units=[]))),
         "parties: needs at least 2 entries, found 1"),
    Case("javascript-url", "a javascript: link as a source URL", "a.yaml",
         _yaml(_set("sources.0.url", "javascript:alert(1)")), "expected a web address"),
]


def _gather() -> list[Case]:
    cases = list(DATA_CASES)
    for module in sorted(Path(__file__).parent.glob("catalogue_*.py")):
        if module.stem != "catalogue_case":
            cases.extend(importlib.import_module(f"tests.{module.stem}").CASES)
    names = [c.name for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"catalogue names must be unique: {sorted(duplicates)}"
    return cases


CASES: list[Case] = _gather()
