"""Every bad input ends in one clear message and an exit code; never a traceback or a hang."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.cli import main
from reports.errors import DataError
from reports.load import load_agreement
from tests.catalogue import CASES, SHIPPED_TEXT, Case
from tests.conftest import ROOT

DOC = ROOT / "docs" / "bad-input.md"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_one_clear_message(case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.file
    if case.content is not None:
        path.write_bytes(case.content)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(path)])
    elapsed = time.perf_counter() - started
    assert result.exit_code == case.exit_code, result.output
    assert case.message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    # A hang or an exploding alias would show as a very long run; this is a sanity bound, not a benchmark.
    assert elapsed < 20


def test_folder_given_as_a_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data.yaml"
    folder.mkdir()
    with pytest.raises(DataError) as info:
        load_agreement(folder)
    assert info.value.problems[0].message == "is a folder, not a data file"


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: the suite may run as root, who can read any file whatever its mode.
    path = tmp_path / "a.yaml"
    path.write_text(SHIPPED_TEXT)

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(DataError) as info:
        load_agreement(path)
    assert info.value.problems[0].message == "permission denied: the file cannot be read"


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
        "What `reports validate` (and every command that loads data) says for each kind of bad input.",
        "Generated from `tests/catalogue.py`, whose every row is a test: regenerate with",
        "`REGENERATE_GOLDENS=1 pytest tests/test_bad_inputs.py`.",
        "",
        "| Input | What the tool says (contains) | Exit code |",
        "|---|---|---|",
    ]
    for case in CASES:
        message = case.message.replace("|", "\\|")
        lines.append(f"| {case.input} | `{message}` | {case.exit_code} |")
    lines.append("")
    return "\n".join(lines)


def test_catalogue_page_is_up_to_date() -> None:
    if os.environ.get("REGENERATE_GOLDENS"):
        DOC.write_text(render_catalogue(), encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == render_catalogue(), "regenerate docs/bad-input.md"
