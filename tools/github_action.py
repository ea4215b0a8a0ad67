"""The script behind ``action.yml``: the action's inputs -> one ``reports build`` -> the step's outputs.

GitHub hands a composite action's inputs over as environment variables (``action.yml`` maps each
``inputs.NAME`` to ``INPUT_NAME``). This script checks them (a bad one is one ``::error::`` line naming
the input, exit 2), runs ``reports build`` with ``--format github`` so problems become annotations on
the files, writes ``ok``, ``documents``, ``failed`` and ``manifest`` to ``$GITHUB_OUTPUT`` and a short
table to ``$GITHUB_STEP_SUMMARY``, and exits with the build's own exit code.

Run it by hand as ``INPUT_DATA=data/ python -m tools.github_action``.
"""

from __future__ import annotations

import json
import os
import re
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
    one when the ``manifest`` input is empty: the step's outputs are read from it)."""
    args = ["build", *_words(env, "data"), "--out-dir", _text(env, "out-dir") or "out", "--format", "github"]
    shard = _text(env, "shard")
    if shard:
        if not re.fullmatch(r"\d+/\d+", shard) or not 1 <= int(shard.split("/")[0]) <= int(shard.split("/")[1]):
            raise InputError(f"shard: expected I/N with 1 <= I <= N (e.g. 2/3), found {shard!r}")
        args += ["--shard", shard]
    for name in ("kind", "format"):
        for value in _words(env, name + "s"):
            args += [f"--{name}", value]
    jobs = _text(env, "jobs")
    if jobs and not (jobs.isdigit() and int(jobs) >= 1):
        raise InputError(f"jobs: expected a number of worker processes, found {jobs!r}")
    for name in ("template-dir", "theme", "reference-docx", "watermark", "lang", "jobs"):
        value = _text(env, name)
        if value:
            args += [f"--{name}", value]
    for name in ("check", "strict", "force"):
        if _flag(env, name):
            args.append(f"--{name}")
    manifest = _text(env, "manifest")
    if manifest:
        path = Path(manifest)
    else:
        path = Path(env.get("RUNNER_TEMP") or tempfile.gettempdir()) / f"reports-manifest-{os.getpid()}.json"
    args += ["--manifest", str(path)]
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
        lines.append(f"| `{_cell(where)}` | {_cell(first.get('message', ''))} |")
    for output in stale[:20]:
        lines.append(f"| `{_cell(output.get('path', ''))}` | {output.get('status')} |")
    return values, "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").replace("`", "'")


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    try:
        args, manifest_path = arguments(env)
    except InputError as exc:
        print(f"::error title=reports action::input {exc}", flush=True)
        return 2
    command = [sys.executable, "-m", "reports", *args]
    print("reports " + " ".join(shlex.quote(a) for a in args), flush=True)
    code = subprocess.run(command, check=False).returncode
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError):
        manifest = None
    if manifest is not None:
        values, text = summary(manifest)
        values["manifest"] = str(manifest_path)
        _append(env.get("GITHUB_OUTPUT"), "".join(f"{key}={value}\n" for key, value in values.items()))
        _append(env.get("GITHUB_STEP_SUMMARY"), text)
    else:
        _append(env.get("GITHUB_OUTPUT"), "ok=false\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
