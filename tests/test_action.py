"""The composite GitHub Action: action.yml's wiring, and its script run as the runner would run it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SHIPPED
from tools import github_action

ACTION = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))


def test_every_input_reaches_the_script_and_every_output_comes_from_it() -> None:
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    build = next(step for step in steps if step.get("id") == "build")
    assert build["run"] == 'python3 "$GITHUB_ACTION_PATH/tools/github_action.py"'
    assert (ROOT / "tools" / "github_action.py").is_file()
    env = build["env"]
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and "default" in spec, name
        if name != "install":
            assert env[f"INPUT_{name.upper().replace('-', '_')}"] == f"${{{{ inputs.{name} }}}}", name
    assert set(env) == {f"INPUT_{n.upper().replace('-', '_')}" for n in ACTION["inputs"] if n != "install"}
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.build.outputs.{name} }}}}", name
    # Every output the action declares is one the script writes.
    values, _text = github_action.summary({"ok": True, "check": True, "inputs": []})
    assert set(ACTION["outputs"]) == {*values, "manifest"}
    install = next(step for step in steps if step["name"] == "Install reports")
    assert install["if"] == "inputs.install == 'true'" and '"$GITHUB_ACTION_PATH"' in install["run"]
    for step in steps:  # no ${{ }} inside a shell script: inputs travel as environment variables only
        assert "${{" not in step["run"], step["name"]


def test_inputs_become_the_build_command() -> None:
    env = {"INPUT_DATA": 'data/ "my deals/a.yaml"\nmore.yaml', "INPUT_OUT_DIR": "docs/out", "INPUT_SHARD": "2/3",
           "INPUT_CHECK": "true", "INPUT_KINDS": "memo", "INPUT_FORMATS": "pdf docx", "INPUT_LANG": "zh-Hans",
           "INPUT_JOBS": "4", "INPUT_MANIFEST": "m.json", "INPUT_FORCE": "false", "INPUT_STRICT": ""}
    args, manifest = github_action.arguments(env)
    assert args == ["build", "data/", "my deals/a.yaml", "more.yaml", "--out-dir", "docs/out", "--format", "github",
                    "--shard", "2/3", "--kind", "memo", "--format", "pdf", "--format", "docx", "--lang", "zh-Hans",
                    "--jobs", "4", "--check", "--manifest", "m.json"]
    assert manifest == Path("m.json")
    default, temporary = github_action.arguments({"RUNNER_TEMP": "/runner/tmp"})
    assert default[:6] == ["build", "--out-dir", "out", "--format", "github", "--manifest"]
    assert str(temporary).startswith("/runner/tmp/reports-manifest-")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SHARD", "4/3", "input shard: expected I/N with 1 <= I <= N"),
    ("SHARD", "1/3; rm -rf /", "input shard: expected I/N"),
    ("CHECK", "maybe", "input check: expected true or false, found 'maybe'"),
    ("JOBS", "0", "input jobs: expected a number of worker processes"),
    ("DATA", 'unclosed "quote', "input data: No closing quotation"),
])
def test_a_bad_input_is_one_annotation_and_exit_2(name: str, value: str, message: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert github_action.main({f"INPUT_{name}": value}) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error title=reports action::") and message in out and out.count("\n") == 1


def _run(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **env}
    return subprocess.run([sys.executable, str(ROOT / "tools" / "github_action.py")], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_script_builds_then_checks_and_reports_through_the_runners_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SHIPPED, data / "deal.yaml")
    (data / "broken.yaml").write_text("schema_version: 1\nid: [\n", "utf-8")
    output, step_summary = tmp_path / "github_output", tmp_path / "summary.md"
    env = {"INPUT_DATA": "data", "INPUT_OUT_DIR": "site", "INPUT_KINDS": "memo", "INPUT_FORMATS": "pdf",
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(step_summary), "RUNNER_TEMP": str(tmp_path)}
    built = _run(env, tmp_path)
    assert built.returncode == 1, built.stdout + built.stderr  # the broken file fails; the other is built
    assert re.search(r"::error file=data/broken\.yaml,line=3,col=1::invalid YAML", built.stderr), built.stderr
    assert (tmp_path / "site" / "zhejiang-alibaba-2023-memo.pdf").read_bytes().startswith(b"%PDF")
    values = dict(line.split("=", 1) for line in output.read_text("utf-8").splitlines())
    assert values["ok"] == "false" and values["documents"] == "1" and values["failed"] == "1"
    manifest = json.loads(Path(values["manifest"]).read_text("utf-8"))
    assert manifest["inputs"][1]["outputs"][0]["status"] == "written"
    assert "### reports: built 1 document for 1 agreement" in step_summary.read_text("utf-8")
    assert "| `data/broken.yaml:3` |" in step_summary.read_text("utf-8")
    (data / "broken.yaml").unlink()
    output.write_text("", "utf-8")
    checked = _run({**env, "INPUT_CHECK": "true", "INPUT_MANIFEST": "check.json"}, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok=true\n" in output.read_text("utf-8") and "out-of-date=0\n" in output.read_text("utf-8")
    (data / "deal.yaml").write_text(SHIPPED.read_text("utf-8").replace("Strategy Team", "Strategy Office"), "utf-8")
    output.write_text("", "utf-8")
    stale = _run({**env, "INPUT_CHECK": "true", "INPUT_MANIFEST": "check.json"}, tmp_path)
    assert stale.returncode == 1
    assert "::error file=site/zhejiang-alibaba-2023-memo.pdf::differs" in stale.stderr
    assert "out-of-date=1\n" in output.read_text("utf-8")
    assert "| `site/zhejiang-alibaba-2023-memo.pdf` | differs |" in step_summary.read_text("utf-8")
