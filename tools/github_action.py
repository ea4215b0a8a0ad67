"""The script behind ``action.yml``: the action's inputs -> one ``reports build`` -> the step's outputs.

GitHub hands a composite action's inputs over as environment variables (``action.yml`` maps each
``inputs.NAME`` to ``INPUT_NAME``). This script checks them (a bad one is one ``::error::`` line naming
the input, exit 2), runs ``reports build`` with ``--format github`` so problems become annotations on
the files, writes ``ok``, ``documents``, ``failed`` and ``manifest`` to ``$GITHUB_OUTPUT`` and a short
table to ``$GITHUB_STEP_SUMMARY``, and exits with the build's own exit code.

Every input is somebody's text, so everything the script hands on is escaped for where it goes:

- the log: GitHub reads a line that starts with ``::`` as a workflow command, so no line the script
  prints carries a line break or control character of an input (``log_line``), and the data of its own
  commands uses GitHub's escaping of ``%``, CR and LF (``command_data``);
- ``$GITHUB_OUTPUT``: every output in the ``name<<DELIMITER`` form, with a random delimiter that is
  checked not to occur in the value (``output_lines``), so a value cannot add outputs;
- the command line: option values as ``--name=VALUE`` and the data after ``--``, so no input word
  becomes an option;
- ``$GITHUB_STEP_SUMMARY``: every value escaped for Markdown and HTML (``markdown_text``).

Run it by hand as ``INPUT_DATA=data/ python -m tools.github_action``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

TRUE = ("true", "yes", "1", "on")
FALSE = ("false", "no", "0", "off", "")


class InputError(ValueError):
    """An input of the action that cannot be used; the message names it."""


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise InputError(f"{name}: expected true or false, found {value!r}")


def _text(env: Mapping[str, str], name: str) -> str:
    return env.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip()


def _words(env: Mapping[str, str], name: str) -> list[str]:
    try:
        return shlex.split(_text(env, name))  # spaces or new lines between items, quotes for a space in one
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from None


def arguments(env: Mapping[str, str]) -> tuple[list[str], Path]:
    """The ``reports build`` arguments for the action's inputs, and the manifest's path (a temporary
    one when the ``manifest`` input is empty: the step's outputs are read from it).

    Option values are joined to their option (``--out-dir=VALUE``) and the data words come last, after
    ``--``: an input word that starts with ``-`` is a value or a file name, never an option."""
    args = ["build", f"--out-dir={_text(env, 'out-dir') or 'out'}", "--format=github"]
    data = _words(env, "data")
    shard = _text(env, "shard")
    if shard:
        if not re.fullmatch(r"\d+/\d+", shard) or not 1 <= int(shard.split("/")[0]) <= int(shard.split("/")[1]):
            raise InputError(f"shard: expected I/N with 1 <= I <= N (e.g. 2/3), found {shard!r}")
        args.append(f"--shard={shard}")
    for name in ("kind", "format"):
        for value in _words(env, name + "s"):
            args.append(f"--{name}={value}")
    jobs = _text(env, "jobs")
    if jobs and not (jobs.isdigit() and int(jobs) >= 1):
        raise InputError(f"jobs: expected a number of worker processes, found {jobs!r}")
    for name in ("template-dir", "theme", "reference-docx", "watermark", "lang", "jobs", "against", "author"):
        value = _text(env, name)
        if value:
            args.append(f"--{name}={value}")
    for name in ("check", "strict", "force"):
        if _flag(env, name):
            args.append(f"--{name}")
    manifest = _text(env, "manifest")
    if manifest:
        path = Path(manifest)
    else:
        path = Path(env.get("RUNNER_TEMP") or tempfile.gettempdir()) / f"reports-manifest-{os.getpid()}.json"
    args += [f"--manifest={path}", "--", *data]
    return args, path


def summary(manifest: Mapping[str, Any]) -> tuple[dict[str, str], str]:
    """The step's outputs and its Markdown summary, from the build's manifest."""
    inputs = manifest.get("inputs", [])
    outputs = [o for i in inputs for o in i.get("outputs", [])]
    failed = [i for i in inputs if i.get("errors")]
    check = bool(manifest.get("check"))
    stale = [o for o in outputs if o.get("status") in ("missing", "differs")]
    values = {"ok": "true" if manifest.get("ok") else "false", "documents": str(len(outputs)),
              "failed": str(len(failed)), "out-of-date": str(len(stale))}
    verb = "checked" if check else "built"
    built = len(inputs) - len(failed)
    lines = [f"### reports: {verb} {_count(len(outputs), 'document')} for {_count(built, 'agreement')}",
             "", "| | |", "|---|---|",
             f"| documents | {len(outputs)} |", f"| agreements failed | {len(failed)} |"]
    if check:
        lines.append(f"| out of date | {len(stale)} |")
    for record in failed[:20]:
        first = record["errors"][0]
        where = ":".join(str(p) for p in (first.get("file"), first.get("line")) if p is not None)
        lines.append(f"| {markdown_text(where)} | {markdown_text(first.get('message', ''))} |")
    for output in stale[:20]:
        lines.append(f"| {markdown_text(output.get('path', ''))} | {markdown_text(output.get('status', ''))} |")
    return values, "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


# ASCII punctuation that Markdown (CommonMark and GitHub's tables, links, emphasis, autolinks) may read as
# markup: shown literally with a backslash. HTML's five as entities, so no tag or attribute survives.
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|~:$@")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
# Characters that end a line for GitHub's log parser or act on a terminal: C0 and C1 controls, DEL, the
# Unicode line and paragraph separators, bidi overrides and isolates, lone surrogates.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return named.get(char) or (f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}")


def log_line(text: str) -> str:
    """``text`` as one line of the job's log: every line break and control character shown as an escape
    (``\\n``, ``\\x1b``), so nothing in it can start a line, and so a workflow command, of its own."""
    return _UNSAFE.sub(_visible, text)


def command_data(text: str) -> str:
    """``text`` as the data of a workflow command (``::error::DATA``): GitHub's own escaping of ``%``,
    CR and LF, which its parser turns back into the characters in the annotation."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def output_lines(values: Mapping[str, str]) -> str:
    """The step's outputs for ``$GITHUB_OUTPUT``, each as ``name<<DELIMITER``, the value, ``DELIMITER``.

    The delimiter is random and drawn again until it occurs in no line of the value, so no value can end
    its own entry early and add outputs of its own (a value ``m.json\\nok=true`` stays one value)."""
    parts: list[str] = []
    for name, value in values.items():
        if not re.fullmatch(r"[a-z][a-z-]*", name):  # our own names; a check, not a hope
            raise ValueError(f"not an output name: {name!r}")
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        while delimiter in value:
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        parts.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(parts)


def markdown_text(text: object) -> str:
    """``text`` as literal text in the job summary's Markdown, inside a table cell too: HTML's special
    characters as entities, Markdown's punctuation with a backslash, line breaks as spaces, control
    characters as visible escapes."""
    flat = log_line(str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    return "".join(_HTML.get(c) or (f"\\{c}" if c in _MARKDOWN_PUNCTUATION else c) for c in flat)


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    try:
        args, manifest_path = arguments(env)
    except InputError as exc:
        print(f"::error title=reports action::{log_line(command_data(f'input {exc}'))}", flush=True)
        return 2
    command = [sys.executable, "-m", "reports", *args]
    print(log_line("reports " + " ".join(shlex.quote(a) for a in args)), flush=True)
    code = subprocess.run(command, check=False).returncode
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError):
        manifest = None
    if isinstance(manifest, dict):
        values, text = summary(manifest)
        values["manifest"] = str(manifest_path)
        _append(env.get("GITHUB_OUTPUT"), output_lines(values))
        _append(env.get("GITHUB_STEP_SUMMARY"), text)
    else:
        _append(env.get("GITHUB_OUTPUT"), output_lines({"ok": "false"}))
    return code


if __name__ == "__main__":
    sys.exit(main())
