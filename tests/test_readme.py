"""The README's promises: its set-up commands are CI's, and its workflow is a file that works."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reports.cli import main
from tests.conftest import ROOT, SHIPPED

README = (ROOT / "README.md").read_text("utf-8")
WORKFLOW = ROOT / ".github" / "workflows" / "documents.yml"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]
    assert README.index(first_block.group(0)) < README.index("\n## ")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    # The system packages the tests use first (fonts, poppler, LibreOffice), then the README's command.
    assert [line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))] == [
        "bash .ci/install-system-packages", "make test"]


def test_the_workflow_in_the_readme_is_the_projects_file() -> None:
    block = re.search(r"\(`\.github/workflows/documents\.yml`\):\n\n```yaml\n(.*?)```", README, re.S)
    assert block is not None
    assert block.group(1) == WORKFLOW.read_text("utf-8")


def _workflow_commands() -> list[list[str]]:
    steps = yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"]["build"]["steps"]
    runs = [" ".join(str(s["run"]).split()) for s in steps if str(s.get("run", "")).startswith("reports ")]
    return [shlex.split(r.replace("${{ matrix.shard }}", "1"))[1:] for r in runs]


def test_the_workflows_commands_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build, check = _workflow_commands()
    assert build[0] == "build" and "--check" in check
    (tmp_path / "data").mkdir()
    shutil.copy(SHIPPED, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    # One shard of three may hold no agreement; all three together build it once.
    built = []
    for shard in ("1/3", "2/3", "3/3"):
        args = [a.replace("1/3", shard) for a in build]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        built += [p for p in (tmp_path / "out").glob("*.pdf")]
    assert len(set(built)) == 2
    # The check step passes on committed documents that are up to date, and fails on stale ones.
    shutil.copytree(tmp_path / "out", tmp_path / "documents")
    results = [runner.invoke(main, [a.replace("1/3", s) for a in check]) for s in ("1/3", "2/3", "3/3")]
    assert [r.exit_code for r in results] == [0, 0, 0], [r.output for r in results]
    stale = next((tmp_path / "documents").glob("*-memo.docx"))
    stale.write_bytes(b"stale")
    results = [runner.invoke(main, [a.replace("1/3", s) for a in check]) for s in ("1/3", "2/3", "3/3")]
    assert sorted(r.exit_code for r in results) == [0, 0, 1]
    assert any(stale.name in r.output for r in results)
