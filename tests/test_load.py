"""Loading: every error located by file, line, column and field; all errors at once; round trips."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.cli import main
from reports.errors import DataError
from reports.load import load_agreement
from reports.model import Agreement
from tests.conftest import SHIPPED, shipped_dict

THREE_MISTAKES = """\
schema_version: 1
id: three-mistakes
titel: Misspelt title
summary: A summary.
agreement:
  type: memorandum of understanding
  signed: 2023-02-30
  purpose: To cooperate.
parties:
  - name: A
    kind: kingdom
    description: First.
  - name: B
    kind: company
    description: Second.
sources:
  - title: T
    publisher: P
"""


def _write(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_three_mistakes_give_three_located_messages(tmp_path: Path) -> None:
    path = _write(tmp_path, THREE_MISTAKES)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"{path}:3:1: titel: unknown field; did you mean 'title'?",
        f"{path}:7:3: agreement.signed: '2023-02-30' is not a valid date (expected YYYY-MM-DD, e.g. 2023-07-07)",
        f"{path}:11:5: parties[0].kind: expected one of government, company, university, research-institute, "
        "non-profit, international-organisation, other",
    ]
    assert "Traceback" not in result.output


COLON_IN_TEXT = """\
schema_version: 1
id: colon-in-text
title: A loan
summary: A summary.
agreement:
  type: loan agreement
  signed: 2024-01-15
  purpose: To lend.
parties:
  - name: A Bank
    kind: company
    description: A bank.
  - name: B Council
    kind: government
    description: A council.
expected_outcomes:
  - Fine text
  - Terms: 1.25% over 20 years
  - "Quoted: fine"
sources:
  - title: T
    publisher: P
"""


def test_a_colon_in_unquoted_text_is_explained_with_its_fix(tmp_path: Path) -> None:
    # YAML reads "- Terms: 1.25% over 20 years" as a mapping; the message says why and how to quote it.
    path = _write(tmp_path, COLON_IN_TEXT)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        f"{path}:18:5: expected_outcomes[1]: expected text, found a mapping; the ': ' after 'Terms' made YAML "
        'read this text as a mapping: put the whole text in quotes, e.g. "Terms: 1.25% over 20 years"']
    # The quoted form it suggests validates.
    fixed = _write(tmp_path, COLON_IN_TEXT.replace("- Terms: 1.25% over 20 years",
                                                   '- "Terms: 1.25% over 20 years"'), "fixed.yaml")
    assert CliRunner().invoke(main, ["validate", str(fixed)]).exit_code == 0
    # A field's own value with ": " in it is a YAML error, with the same advice.
    broken = _write(tmp_path, COLON_IN_TEXT.replace("purpose: To lend.", "purpose: Aim: lend money"), "p.yaml")
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{broken}:8:15: invalid YAML: mapping values are not allowed")
    assert "put the whole text in quotes" in result.output
    # JSON cannot make that mistake: no such hint there.
    data = yaml.safe_load(COLON_IN_TEXT)
    data["agreement"]["signed"] = "2024-01-15"
    data["expected_outcomes"][1] = {"Terms": "x"}
    as_json = _write(tmp_path, json.dumps(data, indent=1), "x.json")
    result = CliRunner().invoke(main, ["validate", str(as_json)])
    assert "expected text, found a mapping" in result.output and "quotes" not in result.output


def test_missing_field_is_reported_at_its_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path, THREE_MISTAKES.replace("titel: Misspelt title\n", "title: T\n")
                  .replace("  purpose: To cooperate.\n", "").replace("2023-02-30", "2023-02-28")
                  .replace("kingdom", "government"))
    try:
        load_agreement(path)
    except DataError as exc:
        assert [p.format() for p in exc.problems] == [
            f"{path}:5:1: agreement.purpose: missing required field 'purpose'"]
    else:
        raise AssertionError("expected a DataError")


def test_json_errors_are_located_too(tmp_path: Path) -> None:
    data = shipped_dict()
    data["parties"][1]["kind"] = "kingdom"
    path = _write(tmp_path, json.dumps(data, indent=2, ensure_ascii=False), "x.json")
    try:
        load_agreement(path)
    except DataError as exc:
        (problem,) = exc.problems
        assert problem.field == "parties[1].kind"
        assert problem.line is not None and problem.line > 1
        assert path.read_text().splitlines()[problem.line - 1].strip().startswith('"kind"')
    else:
        raise AssertionError("expected a DataError")


def test_validate_github_format_prints_annotations(tmp_path: Path) -> None:
    path = _write(tmp_path, THREE_MISTAKES)
    result = CliRunner().invoke(main, ["validate", "--format", "github", str(path)])
    assert result.exit_code == 1
    assert f"::error file={path},line=3,col=1,title=titel::unknown field; did you mean 'title'?" in result.output


def test_validate_json_format_is_machine_readable(tmp_path: Path) -> None:
    path = _write(tmp_path, THREE_MISTAKES)
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path), str(SHIPPED)])
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert report["valid"] is False
    assert [f["valid"] for f in report["files"]] == [False, True]
    assert len(report["files"][0]["errors"]) == 3


def test_validate_shipped_files_in_a_real_process() -> None:
    data = Path(SHIPPED).parent
    result = subprocess.run([sys.executable, "-m", "reports", "validate", *sorted(map(str, data.glob("*.yaml")))],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "zhejiang-alibaba-2023.yaml: ok" in result.stdout


def test_new_writes_a_starter_file_that_validates(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "my-deal.yaml"
    assert runner.invoke(main, ["new", "my-deal", "-o", str(target)]).exit_code == 0
    assert load_agreement(target).id == "my-deal"
    again = runner.invoke(main, ["new", "my-deal", "-o", str(target)])
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(main, ["new", "Bad/Id"]).exit_code == 2


def test_stdin_is_read_with_dash() -> None:
    result = CliRunner().invoke(main, ["validate", "-"], input=SHIPPED.read_text("utf-8"))
    assert result.exit_code == 0
    assert "-: ok (zhejiang-alibaba-2023)" in result.output


# --------------------------------------------------------------------------- round trip

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"),
                min_size=1, max_size=40).map(str.strip).filter(bool)


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    data = shipped_dict()
    data["title"] = draw(_text)
    data["summary"] = draw(_text)
    data["parties"][0]["description"] = draw(_text)
    data["agreement"]["signed"] = draw(st.dates(dt.date(1950, 1, 1), dt.date(2100, 1, 1))).isoformat()
    names = draw(st.lists(_text, min_size=0, max_size=4, unique_by=str.casefold))
    data["focus_areas"] = [{"name": n, "summary": draw(_text)} for n in names]
    data["expected_outcomes"] = draw(st.lists(_text, max_size=3))
    return Agreement.model_validate(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agreement=agreements())
def test_model_to_yaml_and_back_is_the_same_model(agreement: Agreement, tmp_path: Path) -> None:
    dumped = agreement.model_dump(mode="json", by_alias=True, exclude_none=True)
    path = tmp_path / "round.yaml"
    path.write_text(yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_agreement(path) == agreement
    json_path = tmp_path / "round.json"
    json_path.write_text(json.dumps(dumped, ensure_ascii=False), encoding="utf-8")
    assert load_agreement(json_path) == agreement
