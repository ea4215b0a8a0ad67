"""YAML text -> plain Python values plus the line and column of every value (a position map).

Built on PyYAML's safe composer, not its constructor, because the loader needs what the constructor
hides: where each value sits in the file, duplicate keys (YAML keeps the last one silently), dates kept
as text for the model to judge, and a bound on alias expansion ("billion laughs") and nesting depth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path_ = tuple[str | int, ...]
Positions = dict[Path_, tuple[int, int]]

MAX_NODES = 100_000  # values after expanding aliases; a real agreement has a few hundred
MAX_DEPTH = 50


class NodeError(Exception):
    """A structural problem found while turning nodes into values, with its 1-based position."""

    def __init__(self, message: str, line: int, column: int, path: Path_ = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.path = path


class _Resolver(yaml.resolver.Resolver):
    """The YAML 1.1 resolver without timestamps: dates stay strings, so the model decides validity
    ('2023-02-30' then gets the model's message instead of a constructor crash)."""


_Resolver.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


class _PyLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    _Resolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)


@dataclass
class _Walker:
    loader: Any
    positions: Positions
    count: int = 0

    def value(self, node: Node, path: Path_, depth: int, ancestors: frozenset[int]) -> object:
        self.count += 1
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if self.count > MAX_NODES:
            raise NodeError(
                f"the file expands to more than {MAX_NODES:,} values; YAML aliases (*name) that repeat "
                "large anchors are refused", line, column, path)
        if depth > MAX_DEPTH:
            raise NodeError(f"values are nested more than {MAX_DEPTH} levels deep", line, column, path)
        self.positions.setdefault(path, (line, column))
        if id(node) in ancestors:
            raise NodeError("an alias refers to a value that contains it", line, column, path)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        inner = ancestors | {id(node)}
        if isinstance(node, SequenceNode):
            return [self.value(item, (*path, i), depth + 1, inner) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            result: dict[object, object] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise NodeError("a key must be plain text", key_node.start_mark.line + 1,
                                    key_node.start_mark.column + 1, path)
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise NodeError("merge keys (<<) are not supported; write the fields out",
                                    key_node.start_mark.line + 1, key_node.start_mark.column + 1, path)
                key = self.scalar(key_node, path)
                key_text = str(key)
                if not isinstance(key, str):
                    raise NodeError(_not_text_key(key_node.value, key), key_node.start_mark.line + 1,
                                    key_node.start_mark.column + 1, (*path, key_node.value))
                if key in result:
                    first = self.positions.get((*path, key_text), (None, None))[0]
                    raise NodeError(
                        f"duplicate key {key_text!r} (first given on line {first}); a reader would "
                        "silently keep only the last one", key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1, (*path, key_text))
                self.positions[(*path, key_text)] = (key_node.start_mark.line + 1,
                                                     key_node.start_mark.column + 1)
                # Recorded before the value: for "unknown field" the key's own position is the useful one.
                result[key] = self.value(value_node, (*path, key_text), depth + 1, inner)
            return result
        raise NodeError("unsupported YAML node", line, column, path)  # pragma: no cover

    def scalar(self, node: ScalarNode, path: Path_) -> object:
        try:
            return self.loader.construct_object(node)
        except ValueError as exc:
            # int() refuses more than sys.get_int_max_str_digits() digits (a guard against quadratic
            # conversion); no field takes such a number, so say what it is, where it is.
            digits = sum(char.isdigit() for char in node.value)
            message = (f"number too long ({digits:,} digits)" if node.tag == "tag:yaml.org,2002:int"
                       else f"cannot read this value: {exc}")
            raise NodeError(message, node.start_mark.line + 1, node.start_mark.column + 1, path) from None


def _not_text_key(written: str, key: object) -> str:
    # YAML 1.1 reads unquoted true/yes/on/no/off, numbers and ~/null as values of their own type; every key
    # of the data format is a name, so show the key as written and how to keep it as text.
    if isinstance(key, bool):
        read_as = f"the boolean {str(key).lower()}"
    elif key is None:
        read_as = "null (no value)"
    else:
        read_as = f"the number {key!r}"
    return f"key {written!r} is read as {read_as}, not as a name; quote the key (\"{written}\":)"


if yaml.__with_libyaml__:  # libyaml's C parser composes several times faster; the walk stays ours

    class _CLoader(yaml.cyaml.CParser, yaml.constructor.SafeConstructor, _Resolver):  # type: ignore[misc,name-defined]
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)  # type: ignore[attr-defined]
            yaml.constructor.SafeConstructor.__init__(self)
            _Resolver.__init__(self)

    _Loader: type = _CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PyLoader


def compose(text: str) -> tuple[object, Positions] | None:
    """Return ``(value, positions)`` for one YAML document, or None when the text holds no document.

    Raises ``yaml.YAMLError`` for syntax errors and ``NodeError`` for structural ones.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        positions: Positions = {}
        value = _Walker(loader, positions).value(node, (), 0, frozenset())
        return value, positions
    finally:
        loader.dispose()


# --------------------------------------------------------------------------- hints for text read as a mapping

MAPPING_VALUES_HINT = (" (a ': ' inside text that is not in quotes; put the whole text in quotes, "
                       "e.g. \"Aim: growth\")")


def colon_hint(given: object) -> str:
    """What to add to "expected text, found a mapping" when the mapping is one key and a plain value:
    a list item such as ``- Terms: 1.25% over 20 years``, which YAML reads as ``{Terms: 1.25% ...}``
    because of the ": ". Says so, and shows the text in quotes. Empty for any other value."""
    if not isinstance(given, dict) or len(given) != 1:
        return ""
    [(key, value)] = given.items()
    if isinstance(value, dict | list) or not isinstance(key, str | int | float):
        return ""
    shown = str(value).lower() if isinstance(value, bool) else value
    text = f"{key}:" if value is None else f"{key}: {shown}"
    quoted = json.dumps(text, ensure_ascii=False)
    if len(quoted) > 80:
        quoted = quoted[:76] + '..."'
    name = str(key) if len(str(key)) <= 40 else str(key)[:37] + "..."
    return (f"; the ': ' after {name!r} made YAML read this text as a mapping: put the whole text in "
            f"quotes, e.g. {quoted}")
