"""Every bad input ends in one clear message and an exit code; never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.cli import main
from reports.errors import DataError
from reports.load import load_agreement
from tests.catalogue import CASES, SHIPPED_TEXT
from tests.catalogue_case import SECRET, Case, leftover_processes, prepare, run
from tests.conftest import ROOT

DOC = ROOT / "docs" / "bad-input.md"


def _snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for path in root.rglob("*"):
        if path.is_relative_to(skip) or path.is_symlink() or not path.is_file():
            continue
        stat = path.stat()
        out[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_one_clear_message(case: Case, tmp_path: Path) -> None:
    folder, secret = prepare(case, tmp_path)
    before = _snapshot(tmp_path, folder)
    outcome = run(case, folder, secret)
    assert outcome.exit_code == case.exit_code, outcome.output
    assert case.message in outcome.output, outcome.output
    assert "Traceback" not in outcome.output
    # Nothing outside the case folder changed, and the secret beside it reached no output.
    assert _snapshot(tmp_path, folder) == before
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 50_000_000:
            data = path.read_bytes()
            assert SECRET.encode() not in data or SECRET.encode() in (case.content or b""), path
    assert SECRET not in outcome.output
    if case.process or case.max_rss_mb is not None:
        assert not leftover_processes(folder), leftover_processes(folder)
    if case.max_rss_mb is not None:
        assert outcome.max_rss_mb is not None and outcome.max_rss_mb < case.max_rss_mb, outcome.max_rss_mb
    if case.extra is not None:
        case.extra(folder, outcome.output)
    # A hang or an exploding alias would show as a very long run; this is a sanity bound, not a benchmark.
    assert outcome.seconds < 60


def test_folder_given_as_a_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data.yaml"
    folder.mkdir()
    with pytest.raises(DataError) as info:
        load_agreement(folder)
    assert info.value.problems[0].message == "is a folder, not a data file"


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("- a\n")
    result = CliRunner().invoke(main, ["--debug", "validate", str(path)])
    assert result.exit_code == 1


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_randomly_mutated_yaml_loads_or_fails_cleanly(data: st.DataObject,
                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    text = SHIPPED_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        snippet = data.draw(st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#\t\n ab1%@`,?")), max_size=3))
        if action == "delete":
            text = text[:pos] + text[pos + len(snippet) + 1:]
        elif action == "insert":
            text = text[:pos] + snippet + text[pos:]
        else:
            text = text[:pos] + snippet + text[pos + len(snippet):]
    path = tmp_path_factory.mktemp("mutated") / "a.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_agreement(path)
    except DataError as exc:
        assert exc.problems and all(p.file == str(path) for p in exc.problems)


def render_catalogue() -> str:
    """The Markdown page of the catalogue."""
    lines = [
        "# Bad input catalogue",
        "",
        "What the tool says for each kind of bad input: data files, templates, themes, reference documents,",
        "images, odd files and outputs, batches. Every row is also checked for no traceback, nothing changed",
        "outside the case's folder, no secret from outside it in any output and, where it matters, no",
        "process left behind and a bound on peak memory.",
        "Generated from `tests/catalogue.py`, whose every row is a test: regenerate with",
        "`REGENERATE_GOLDENS=1 pytest tests/test_bad_inputs.py`.",
        "",
        "| Input | Command | What the tool says (contains) | Exit code |",
        "|---|---|---|---|",
    ]
    for case in CASES:
        message = case.message.replace("|", "\\|")
        command = case.command.replace("|", "\\|")
        lines.append(f"| {case.input} | `{command}` | `{message}` | {case.exit_code} |")
    lines.append("")
    return "\n".join(lines)


def test_catalogue_page_is_up_to_date() -> None:
    if os.environ.get("REGENERATE_GOLDENS"):
        DOC.write_text(render_catalogue(), encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == render_catalogue(), "regenerate docs/bad-input.md"
