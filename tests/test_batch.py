"""`reports build` end to end: files, exit codes, parallel and sharded runs, check mode, manifests,
interrupted builds, and the other document commands."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reports.batch import build, collect_inputs, in_shard, parse_shard
from reports.build_record import RECORD_NAME
from reports.cli import main
from reports.paths import builtin_templates_dir
from tests.conftest import SHIPPED

FOUR = ["zhejiang-alibaba-2023-briefing.docx", "zhejiang-alibaba-2023-briefing.pdf",
        "zhejiang-alibaba-2023-memo.docx", "zhejiang-alibaba-2023-memo.pdf"]


def _portfolio(folder: Path, count: int, broken: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = SHIPPED.read_text("utf-8")
    for i in range(count):
        (folder / f"deal-{i:02d}.yaml").write_text(
            text.replace("id: zhejiang-alibaba-2023", f"id: deal-{i:02d}"), "utf-8")
    if broken:
        (folder / "broken.yaml").write_text("schema_version: 1\n\tid: tab-indented\n", "utf-8")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    """The documents in ``folder`` (the build record beside them is not a document)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != RECORD_NAME}


def _documents(folder: Path | str) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name != RECORD_NAME)


def test_default_build_writes_exactly_the_four_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert _documents("out") == FOUR
    assert result.output.startswith("built 4 documents for 1 agreement in ")
    assert result.output.rstrip().endswith("s -> out/")


def test_folder_with_a_broken_file_builds_the_rest_and_exits_1(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 2, broken=True)
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{data / 'broken.yaml'}:2:" in result.output
    assert len(_documents(tmp_path / "out")) == 8
    assert "; 1 failed" in result.output


def test_fail_fast_stops_at_the_first_failure(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 2, broken=True)
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out"), "--fail-fast", "-j", "1"])
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists() or len(_documents(tmp_path / "out")) == 0  # broken.yaml sorts first


def test_duplicate_ids_are_an_error_before_anything_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SHIPPED, data / "a.yaml")
    shutil.copy(SHIPPED, data / "b.yaml")
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "id 'zhejiang-alibaba-2023' is already used by" in result.output
    assert not (tmp_path / "out").exists()


def test_jobs_1_and_jobs_2_give_identical_bytes(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 3)
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(data), "-d", str(tmp_path / "one"), "-j", "1"]).exit_code == 0
    assert runner.invoke(main, ["build", str(data), "-d", str(tmp_path / "two"), "-j", "2"]).exit_code == 0
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert len(_files(tmp_path / "one")) == 12


def test_shards_cover_every_input_exactly_once(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 9)
    inputs = collect_inputs([data])
    seen = [f for i in (1, 2, 3) for f in inputs if in_shard(f, (i, 3))]
    assert sorted(seen) == sorted(inputs)
    outputs: list[str] = []
    for i in (1, 2, 3):
        out = tmp_path / f"shard{i}"
        result = CliRunner().invoke(main, ["build", str(data), "-d", str(out), "--shard", f"{i}/3", "-j", "1"])
        assert result.exit_code == 0
        outputs += _documents(out) if out.exists() else []
    assert len(outputs) == len(set(outputs)) == 36


@pytest.mark.parametrize("text", ["0/3", "4/3", "x", "1/0"])
def test_bad_shard_is_a_usage_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_shard(text)
    result = CliRunner().invoke(main, ["build", "--shard", text])
    assert result.exit_code == 2


def test_check_is_clean_after_a_build_and_fails_after_an_edit(tmp_path: Path) -> None:
    data = tmp_path / "deal.yaml"
    shutil.copy(SHIPPED, data)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(data), "-d", str(out)]).exit_code == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    check = runner.invoke(main, ["build", str(data), "-d", str(out), "--check"])
    assert check.exit_code == 0 and "all up to date" in check.output
    data.write_text(data.read_text("utf-8").replace("Strategy Team", "Strategy Office"), "utf-8")
    check = runner.invoke(main, ["build", str(data), "-d", str(out), "--check"])
    assert check.exit_code == 1
    assert f"{out}/zhejiang-alibaba-2023-memo.pdf: differs" in check.output
    # Every document carries its data file (reports.provenance): the briefing's bytes change too ...
    assert f"{out}/zhejiang-alibaba-2023-briefing.pdf: differs" in check.output
    bare = tmp_path / "bare"  # ... and without it, only the memo's (CC is memo-only)
    shutil.copy(SHIPPED, tmp_path / "deal2.yaml")
    bare_build = runner.invoke(main, ["build", str(tmp_path / "deal2.yaml"), "-d", str(bare), "--no-embed-source"])
    assert bare_build.exit_code == 0
    (tmp_path / "deal2.yaml").write_text(data.read_text("utf-8"), "utf-8")
    bare_check = runner.invoke(main, ["build", str(tmp_path / "deal2.yaml"), "-d", str(bare), "--check",
                                      "--no-embed-source"])
    assert bare_check.exit_code == 1 and f"{bare}/zhejiang-alibaba-2023-memo.pdf: differs" in bare_check.output
    assert f"{bare}/zhejiang-alibaba-2023-briefing.pdf: differs" not in bare_check.output
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before  # nothing written
    empty = tmp_path / "empty"
    check = runner.invoke(main, ["build", str(data), "-d", str(empty), "--check"])
    assert check.exit_code == 1 and "missing" in check.output and not empty.exists()


def test_manifest_hashes_match_the_files(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 1, broken=True)
    manifest = tmp_path / "manifest.json"
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out"), "--manifest", str(manifest)])
    assert result.exit_code == 1
    report = json.loads(manifest.read_text("utf-8"))
    broken, good = report["inputs"]
    assert broken["errors"][0]["line"] == 2 and broken["errors"][0]["file"].endswith("broken.yaml")
    for output in good["outputs"]:
        content = Path(output["path"]).read_bytes()
        assert output["sha256"] == hashlib.sha256(content).hexdigest()
        assert output["size"] == len(content)
        if output["format"] == "pdf":
            assert output["pages"] >= 1


def test_github_format_prints_annotations(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 0, broken=True)
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out"), "--format", "github"])
    assert result.exit_code == 1
    assert f"::error file={data / 'broken.yaml'},line=2," in result.output


def test_format_narrows_kinds_and_formats(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SHIPPED), "-d", str(tmp_path), "--kind", "memo",
                                       "--format", "docx", "-q"])
    assert result.exit_code == 0 and result.output == ""
    assert _documents(tmp_path) == ["zhejiang-alibaba-2023-memo.docx"]


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["build", str(SHIPPED), "-d", str(tmp_path)])
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    time.sleep(0.01)
    runner.invoke(main, ["build", str(SHIPPED), "-d", str(tmp_path)])
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("x")
    result = CliRunner().invoke(main, ["build", str(SHIPPED), "-d", str(target)])
    assert result.exit_code == 1
    assert "the output folder is a file" in result.output


def test_pdf_and_docx_commands_write_single_documents(tmp_path: Path) -> None:
    runner = CliRunner()
    pdf = tmp_path / "b.pdf"
    assert runner.invoke(main, ["pdf", "-o", str(pdf)]).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    memo = tmp_path / "m.docx"
    result = runner.invoke(main, ["docx", str(SHIPPED), "-o", str(memo), "--to", "The Minister"])
    assert result.exit_code == 0
    from tests.conftest import docx_text

    assert "The Minister" in docx_text(memo.read_bytes())
    stdout = runner.invoke(main, ["pdf", "--kind", "memo", "-o", "-"])
    assert stdout.stdout_bytes.startswith(b"%PDF")


def test_bad_reference_docx_is_reported_per_agreement(tmp_path: Path) -> None:
    fake = tmp_path / "corporate.docx"
    fake.write_text("not a docx")
    result = CliRunner().invoke(main, ["build", str(SHIPPED), "-d", str(tmp_path / "out"),
                                       "--reference-docx", str(fake)])
    assert result.exit_code == 1
    assert "corporate.docx: not a Word document (.docx): not a zip package" in result.output


def test_templates_lists_built_in_and_user_templates(tmp_path: Path) -> None:
    (tmp_path / "memo.md.j2").write_text("x")
    result = CliRunner().invoke(main, ["templates", "--template-dir", str(tmp_path)])
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    builtin = builtin_templates_dir()
    assert f"briefing built-in {builtin / 'briefing.md.j2'}" in lines
    assert f"memo yours {tmp_path / 'memo.md.j2'} (overrides the built-in {builtin / 'memo.md.j2'})" in lines


def test_help_documents_exit_codes_and_imports_no_writer() -> None:
    code = ("import sys; from reports.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('reportlab', 'docx', 'jinja2', 'markdown_it', 'pydantic') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "130  interrupted" in result.stdout
    assert "3    internal error" in result.stdout and "143  terminated (SIGTERM)" in result.stdout
    assert "HEAVY []" in result.stdout


def test_real_process_build_and_sigint_keeps_earlier_outputs(tmp_path: Path) -> None:
    # Big enough that the build is still running when the first outputs appear (order
    # of work is not the order of names, so watch for any finished document).
    data = _portfolio(tmp_path / "data", 300)
    out = tmp_path / "out"
    out.mkdir()
    (out / "deal-29-memo.pdf").write_bytes(b"earlier output")
    reports = [sys.executable, "-m", "reports"]
    process = subprocess.Popen([*reports, "build", str(data), "-d", str(out), "-j", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("deal-*"))) < 5:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    names = _documents(out)
    assert not [n for n in names if n.endswith(".tmp") or n.startswith(".")]
    assert (out / "deal-29-memo.pdf").read_bytes() == b"earlier output"
    for path in out.glob("deal-*.pdf"):
        if path.name != "deal-29-memo.pdf":
            assert path.read_bytes().rstrip().endswith(b"%%EOF")  # finished files are whole


def test_two_builds_into_one_folder_at_once(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 4)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "reports", "build", str(data), "-d", str(out), "-j", "2", "-q"]
    first, second = subprocess.Popen(command), subprocess.Popen(command)
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    names = _documents(out)
    assert len(names) == 16 and not [n for n in names if n.endswith(".tmp")]
    alone = tmp_path / "alone"
    subprocess.run([*command[:-5], "-d", str(alone), "-j", "1", "-q"], check=True)
    assert _files(out) == _files(alone)


def test_python_api_matches_the_command_line(tmp_path: Path) -> None:
    import reports

    agreement = reports.load_agreement(SHIPPED)
    assert reports.render(agreement, "memo", "docx") == reports.render(agreement, "memo", "docx")
    result = reports.build([SHIPPED], tmp_path / "api")
    CliRunner().invoke(main, ["build", str(SHIPPED), "-d", str(tmp_path / "cli")])
    assert result.ok and len(result.outputs) == 4
    assert _files(tmp_path / "api") == _files(tmp_path / "cli")
    # A build's documents carry their data file and build record (reports.provenance); render's none.
    assert reports.build([SHIPPED], tmp_path / "bare", embed_source=False).ok
    assert (tmp_path / "bare" / "zhejiang-alibaba-2023-briefing.pdf").read_bytes() == \
        reports.render(agreement, "briefing", "pdf")


def test_build_reads_standard_input_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Workers load each file again; standard input cannot be read twice, so its agreement travels along.
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SHIPPED.read_bytes())))
    result = build([Path("-")], tmp_path, kinds=["memo"], formats=["pdf"])
    assert result.ok and [p.name for p in tmp_path.iterdir()] == ["zhejiang-alibaba-2023-memo.pdf"]


def test_manifest_goes_into_a_new_folder_even_when_nothing_is_built(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 1)
    manifest = tmp_path / "reports" / "manifest.json"
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out"), "--shard", "1/1",
                                       "--kind", "memo", "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output
    assert json.loads(manifest.read_text("utf-8"))["ok"] is True
    blocked = tmp_path / "out" / "deal-00-memo.pdf" / "manifest.json"  # its folder is a file
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out"), "--manifest", str(blocked)])
    assert result.exit_code == 1, result.output
    assert "manifest.json: cannot create its folder" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- progress, JSON lines, --lang, --force


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _record(documents: int) -> Any:
    from reports.batch import InputRecord, OutputRecord

    record = InputRecord(file="a.yaml", id="a")
    record.outputs = [OutputRecord(path=f"out/a-{i}.pdf", kind="memo", format="pdf", size=1, sha256="0" * 64,
                                   pages=1, status="written") for i in range(documents)]
    return record


def test_progress_bar_shows_after_a_second_with_rate_and_time_left_and_is_erased() -> None:
    from reports.progress import ProgressBar

    now = [0.0]
    stream = _Terminal()
    bar = ProgressBar(stream, clock=lambda: now[0])
    bar.start(10)
    now[0] = 0.5
    bar.advance(_record(4))
    assert stream.getvalue() == ""  # a build over within a second shows no bar
    now[0] = 2.0
    bar.advance(_record(4))
    shown = stream.getvalue()
    assert "2/10 agreements" in shown and "4 documents/s" in shown and "about 8 s left" in shown
    now[0] = 2.05
    bar.advance(_record(4))
    assert stream.getvalue() == shown  # not redrawn more than ten times a second
    bar.close()
    assert stream.getvalue().endswith("\r" + " " * len(shown.lstrip("\r")) + "\r")
    piped = io.StringIO()  # not a terminal: nothing, ever
    quiet = ProgressBar(piped, clock=lambda: now[0])
    quiet.start(1)
    now[0] = 10.0
    quiet.advance(_record(4))
    quiet.close()
    assert piped.getvalue() == ""


def test_format_json_streams_one_line_per_document_then_the_manifest(tmp_path: Path) -> None:
    data = _portfolio(tmp_path / "data", 2, broken=True)
    manifest = tmp_path / "manifest.json"
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out"), "--format", "json",
                                       "--format", "pdf", "--manifest", str(manifest), "-j", "1"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["type"] for line in lines] == ["failed", "document", "document", "document", "document", "manifest"]
    assert lines[0]["file"].endswith("broken.yaml") and lines[0]["errors"][0]["line"] == 2
    documents = lines[1:5]
    assert {d["path"].rsplit("/", 1)[1] for d in documents} == {
        "deal-00-briefing.pdf", "deal-00-memo.pdf", "deal-01-briefing.pdf", "deal-01-memo.pdf"}
    for document in documents:
        assert hashlib.sha256(Path(document["path"]).read_bytes()).hexdigest() == document["sha256"]
        assert document["status"] == "written" and document["id"] in ("deal-00", "deal-01")
    assert lines[-1]["manifest"] == json.loads(manifest.read_text("utf-8"))


def test_lang_reaches_the_options_and_a_bad_tag_is_a_usage_error(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.batch

    seen: list[Any] = []
    real = reports.batch.build
    monkeypatch.setattr(reports.batch, "build", lambda *a, **k: seen.append(k["options"]) or real(*a, **k))
    result = CliRunner().invoke(main, ["build", str(SHIPPED), "-d", str(tmp_path), "--kind", "memo",
                                       "--format", "pdf", "--lang", "zh-Hans"])
    assert result.exit_code == 0, result.output
    assert seen[0].lang == "zh-Hans"
    for command in (["build"], ["pdf"], ["docx"], ["watch"]):
        bad = CliRunner().invoke(main, [*command, "--lang", "not a tag!"])
        assert bad.exit_code == 2 and "is not a language tag" in bad.output, command


def test_force_makes_every_document_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.workers

    log = tmp_path / "made.txt"  # the workers are forked from this process, spy and all: they write here
    real = reports.workers.render_formats

    def spy(agreement: Any, kind: str, *args: Any, **kwargs: Any) -> Any:
        with log.open("a", encoding="utf-8") as out:
            out.write(kind + "\n")
        return real(agreement, kind, *args, **kwargs)

    def made() -> list[str]:
        return log.read_text("utf-8").split() if log.exists() else []

    monkeypatch.setattr(reports.workers, "render_formats", spy)
    command = ["build", str(SHIPPED), "-d", str(tmp_path / "out"), "--format", "pdf", "-j", "1"]
    assert CliRunner().invoke(main, command).exit_code == 0 and made() == ["briefing", "memo"]
    assert CliRunner().invoke(main, command).exit_code == 0 and made() == ["briefing", "memo"]  # all current
    assert CliRunner().invoke(main, [*command, "--force"]).exit_code == 0 and made() == ["briefing", "memo"] * 2
