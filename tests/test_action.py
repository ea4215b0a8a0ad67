"""The composite GitHub Action: action.yml's wiring, and its script run as the runner would run it."""

from __future__ import annotations

import json
import os
import re
import secrets
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
    assert args == ["build", "--out-dir=docs/out", "--format=github", "--shard=2/3", "--kind=memo", "--format=pdf",
                    "--format=docx", "--lang=zh-Hans", "--jobs=4", "--check", "--manifest=m.json",
                    "--", "data/", "my deals/a.yaml", "more.yaml"]
    assert manifest == Path("m.json")
    default, temporary = github_action.arguments({"RUNNER_TEMP": "/runner/tmp"})
    assert default[:3] == ["build", "--out-dir=out", "--format=github"] and default[-1] == "--"
    assert default[3].startswith("--manifest=/runner/tmp/reports-manifest-")
    assert str(temporary).startswith("/runner/tmp/reports-manifest-")


def test_a_redline_input_is_joined_to_its_option_so_a_revision_cannot_become_an_option() -> None:
    args, _ = github_action.arguments({"INPUT_AGAINST": "--output=/etc/x", "INPUT_AUTHOR": "Policy desk",
                                       "INPUT_DATA": "data/a.yaml"})
    assert "--against=--output=/etc/x" in args and "--author=Policy desk" in args
    assert args[-2:] == ["--", "data/a.yaml"]


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
    values = github_outputs(output.read_text("utf-8"))
    assert values["ok"] == "false" and values["documents"] == "1" and values["failed"] == "1"
    manifest = json.loads(Path(values["manifest"]).read_text("utf-8"))
    assert manifest["inputs"][1]["outputs"][0]["status"] == "written"
    assert "### reports: built 1 document for 1 agreement" in step_summary.read_text("utf-8")
    assert "| data/broken\\.yaml\\:3 |" in step_summary.read_text("utf-8")
    (data / "broken.yaml").unlink()
    output.write_text("", "utf-8")
    checked = _run({**env, "INPUT_CHECK": "true", "INPUT_MANIFEST": "check.json"}, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert github_outputs(output.read_text("utf-8"))["ok"] == "true"
    assert github_outputs(output.read_text("utf-8"))["out-of-date"] == "0"
    (data / "deal.yaml").write_text(SHIPPED.read_text("utf-8").replace("Strategy Team", "Strategy Office"), "utf-8")
    output.write_text("", "utf-8")
    stale = _run({**env, "INPUT_CHECK": "true", "INPUT_MANIFEST": "check.json"}, tmp_path)
    assert stale.returncode == 1
    assert "::error file=site/zhejiang-alibaba-2023-memo.pdf::differs" in stale.stderr
    assert github_outputs(output.read_text("utf-8"))["out-of-date"] == "1"
    assert "| site/zhejiang\\-alibaba\\-2023\\-memo\\.pdf | differs |" in step_summary.read_text("utf-8")


# --------------------------------------------------------------------------- escaped for where it goes


def github_outputs(text: str) -> dict[str, str]:
    """``$GITHUB_OUTPUT`` read as the runner reads it: ``name=value`` lines and ``name<<DELIMITER`` blocks;
    a name given twice is an error here (the runner would keep the last, silently)."""
    values: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if heredoc != -1 and (equals == -1 or heredoc < equals):
            name, delimiter = line[:heredoc], line[heredoc + 2:]
            body: list[str] = []
            for item in lines:
                if item == delimiter:
                    break
                body.append(item)
            else:
                raise AssertionError(f"output {name!r}: no closing delimiter")
            value = "\n".join(body)
        else:
            name, value = line[:equals], line[equals + 1:]
        assert name not in values, f"output {name!r} given twice"
        values[name] = value
    return values


def _fake_build(monkeypatch: pytest.MonkeyPatch, manifest: dict[str, object]) -> list[list[str]]:
    """Run ``main`` without a real build: the command is recorded and ``manifest`` written where asked."""
    calls: list[list[str]] = []

    def run(command: list[str], check: bool = False) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        target = next(a.split("=", 1)[1] for a in command if a.startswith("--manifest="))
        Path(target).write_text(json.dumps(manifest), "utf-8")
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(subprocess, "run", run)
    return calls


@pytest.mark.parametrize(("name", "value"), [
    ("DATA", "data/\n::add-mask::x"),  # the case: a new line that is a workflow command
    ("WATERMARK", "DRAFT\n::error::forged annotation"),
    ("LANG", "en\r::stop-commands::tok"),  # a variant: a carriage return, another command
    ("TEMPLATE_DIR", "t\u2028::warning::x\x1b]0;title\x07"),  # a variant: a Unicode line separator, a terminal title
])
def test_no_input_starts_a_line_of_the_log(name: str, value: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    calls = _fake_build(monkeypatch, {"ok": True, "inputs": []})
    code = github_action.main({f"INPUT_{name}": value, "INPUT_MANIFEST": str(tmp_path / "m.json")})
    assert code == 0 and calls
    out = capsys.readouterr().out
    lines = out.split("\n")
    assert len(lines) == 2 and lines[1] == "", out  # one line, whatever the input held
    assert lines[0].startswith("reports build ") and "::" in lines[0]
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", lines[0]), lines[0]
    # The input still reaches the build whole: only the log line is escaped.
    expected = value.split()[-1] if name == "DATA" else value  # data is split into words at line breaks
    assert any(arg == expected or arg.endswith("=" + expected) for arg in calls[0]), calls[0]


@pytest.mark.parametrize(("name", "value", "shown"), [
    ("CHECK", "100%\n::error::x", "found '100%25\\n::error::x'"),
    ("JOBS", "2\r\n::add-mask::y", "found '2\\r\\n::add-mask::y'"),  # a variant: CR LF
])
def test_an_input_error_is_one_escaped_command(name: str, value: str, shown: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert github_action.main({f"INPUT_{name}": value}) == 2
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("::error title=reports action::input ")
    assert shown in out, out
    assert github_action.command_data("a%b\r\nc") == "a%25b%0D%0Ac"


@pytest.mark.parametrize("manifest", [
    "m.json\nok=true\ninjected=yes",  # the case
    "m.json\nEOF\nok<<EOF\ntrue\nEOF",  # a variant: a value that closes a guessed delimiter and opens another
])
def test_an_output_value_cannot_add_outputs(manifest: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _fake_build(monkeypatch, {"ok": False, "inputs": []})
    output = tmp_path / "github_output"
    github_action.main({"INPUT_MANIFEST": manifest, "GITHUB_OUTPUT": str(output)})
    values = github_outputs(output.read_text("utf-8"))
    assert set(values) == {"ok", "documents", "failed", "out-of-date", "manifest"}
    assert values["ok"] == "false" and values["manifest"] == manifest


def test_the_delimiter_is_drawn_again_when_the_value_holds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = iter(["aaaa", "aaaa", "bbbb"])
    monkeypatch.setattr(secrets, "token_hex", lambda _n: next(tokens))
    value = "x\nghadelimiter_aaaa\nok=true"
    text = github_action.output_lines({"manifest": value})
    assert text == f"manifest<<ghadelimiter_bbbb\n{value}\nghadelimiter_bbbb\n"
    assert github_outputs(text) == {"manifest": value}


def test_a_build_command_line_takes_a_data_file_that_starts_with_a_dash(tmp_path: Path) -> None:
    (tmp_path / "-odd.yaml").write_bytes(SHIPPED.read_bytes())
    args, _ = github_action.arguments({"INPUT_DATA": "-odd.yaml --version", "INPUT_KINDS": "memo",
                                       "INPUT_FORMATS": "pdf", "INPUT_OUT_DIR": "--help",
                                       "INPUT_MANIFEST": "m.json"})
    assert args[-3:] == ["--", "-odd.yaml", "--version"] and "--out-dir=--help" in args
    # The CLI reads what follows -- as data, and an option's value joined by = as that value.
    from click.testing import CliRunner

    from reports.cli import main

    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["build", "--out-dir=--out", "--kind=memo", "--format=pdf",
                                           "--", "-odd.yaml"])
    finally:
        os.chdir(ROOT)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "--out" / "zhejiang-alibaba-2023-memo.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("field", "value"), [
    ("message", '<img src=x onerror="alert(1)"> <details open>'),  # the case: raw HTML
    ("message", "[click](javascript:alert(1)) **bold** `code` | cell ![i](http://x/i.png)"),  # Markdown
    ("file", "a<b>|`c`.yaml"),  # a variant: the file cell
])
def test_the_summary_shows_every_value_as_text(field: str, value: str) -> None:
    error = {"file": "data/a.yaml", "line": 3, "message": "bad", field: value}
    _values, text = github_action.summary({"ok": False, "inputs": [{"errors": [error], "outputs": []}]})
    row = text.splitlines()[-1]
    assert "<" not in row and ">" not in row and "](" not in row and "**" not in row
    assert row.count("|") - row.count("\\|") == 3  # still two cells
    import markdown_it

    html = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and "<a " not in html and "<strong>" not in html and "<code>" not in html
    assert html.count("<td>") == 2 * (len(text.splitlines()) - 4)
    expected = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert expected.replace("'", "&#39;") in html or expected in html


def test_a_template_name_written_to_the_summary_is_escaped_too() -> None:
    _values, text = github_action.summary({"ok": False, "check": True, "inputs": [
        {"outputs": [{"path": "out/<script>x</script>.pdf", "status": "differs\n| injected | row |"}]}]})
    assert "<script>" not in text and "\n| injected" not in text
