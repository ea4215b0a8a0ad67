"""One bad agreement never stops the others; runaway documents, killed builds and full disks are bounded.

A portfolio here mixes a data error, a template error and a bug of ours (a writer that raises, patched in
for one agreement) with good agreements, sorted so that a bad one comes first. The same is checked with
worker processes through a real subprocess (forked workers inherit the patch), together with what
``kill -9`` and ``kill -TERM`` leave behind.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import reports
from reports import limits
from reports.batch import build
from reports.cli import main
from reports.errors import OutputError
from reports.limits import TimeLimitError, time_limit
from tests.catalogue_case import leftover_processes
from tests.conftest import ROOT, SHIPPED, documents_in, docx_text, pdf_text

SHIPPED_TEXT = SHIPPED.read_text("utf-8")
CRASH_TITLE = "Crash Test Accord"
# A memo template of its own, so that a template error can hit one agreement only (by its id).
MEMO = ('---\ntitle: {{ data.title | yaml }}\n---\n'
        '{% if data.id == "c-template" %}{{ no_such_variable }}{% endif %}\n'
        '# Memo on {{ data.title }}\n\nFor {{ data.id }}.\n')
# Run as a real process: patch the DOCX writer to fail (or its process to die) for one agreement, then
# run the command line. Workers are forked from this process, so they carry the patch too.
CRASH_SCRIPT = f"""
import os, sys
import reports.writers.docx.writer as docx_writer
from reports.cli import main

real = docx_writer.write_docx

def write_docx(document, theme, options=None):
    if {CRASH_TITLE!r} in (document.meta.title, document.meta.short_title):
        if os.environ["CRASH_MODE"] == "die":
            os._exit(9)
        raise RuntimeError("boom: the writer\\nfell over")
    return real(document, theme, options)

docx_writer.write_docx = write_docx
main(sys.argv[1:], prog_name="reports")
"""


def _agreement(agreement_id: str, title: str | None = None) -> str:
    text = SHIPPED_TEXT.replace("id: zhejiang-alibaba-2023", f"id: {agreement_id}")
    if title is not None:
        text = re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1)
    return text


def _mixed_portfolio(root: Path) -> tuple[Path, Path]:
    """a-crash (a bug of ours, sorts first), b-data (invalid), c-template (template error), d and e good."""
    data = root / "data"
    data.mkdir()
    (data / "a-crash.yaml").write_text(_agreement("a-crash", CRASH_TITLE), "utf-8")
    (data / "b-data.yaml").write_text(_agreement("b-data").replace("signed: 2023-07-07", "signed: 2023-02-30"),
                                      "utf-8")
    (data / "c-template.yaml").write_text(_agreement("c-template"), "utf-8")
    for name in ("d-good", "e-good"):
        (data / f"{name}.yaml").write_text(_agreement(name), "utf-8")
    templates = root / "templates"
    templates.mkdir()
    (templates / "memo.md.j2").write_text(MEMO, "utf-8")
    return data, templates


def _args(root: Path, data: Path, templates: Path, *more: str) -> list[str]:
    return ["build", str(data), "-d", str(root / "out"), "--kind", "memo", "--template-dir", str(templates),
            "--manifest", str(root / "manifest.json"), *more]


def _check_good_ones_built(root: Path) -> None:
    out = root / "out"
    names = documents_in(out)
    assert names == ["d-good-memo.docx", "d-good-memo.pdf", "e-good-memo.docx", "e-good-memo.pdf"], names
    for name in ("d-good", "e-good"):
        assert f"For {name}." in docx_text((out / f"{name}-memo.docx").read_bytes())
        assert f"For {name}." in pdf_text((out / f"{name}-memo.pdf").read_bytes())


def _check_manifest(root: Path, internal_message: str) -> dict[str, Any]:
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    by_id = {Path(i["file"]).stem: i for i in manifest["inputs"]}
    assert manifest["ok"] is False
    assert [e["message"] for e in by_id["a-crash"]["errors"]] == [internal_message]
    assert by_id["a-crash"]["internal_error"] is True
    # The PDF of the crashing agreement was made before its DOCX failed: it is not written alone.
    assert by_id["a-crash"]["outputs"] == []
    assert by_id["b-data"]["errors"][0]["field"] == "agreement.signed"
    assert by_id["b-data"]["internal_error"] is False
    assert "'no_such_variable' is undefined" in by_id["c-template"]["errors"][0]["message"]
    for name in ("d-good", "e-good"):
        assert by_id[name]["errors"] == [] and len(by_id[name]["outputs"]) == 2
    return manifest


INTERNAL = "internal error: RuntimeError: boom: the writer fell over (run with --debug for the traceback)"


@pytest.fixture
def crashing_docx_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.writers.docx.writer as docx_writer

    real = docx_writer.write_docx

    def write_docx(document: Any, theme: Any, options: Any = None) -> bytes:
        if CRASH_TITLE in (document.meta.title, document.meta.short_title):
            raise RuntimeError("boom: the writer\nfell over")
        return real(document, theme, options)

    monkeypatch.setattr(docx_writer, "write_docx", write_docx)


@pytest.mark.usefixtures("crashing_docx_writer")
def test_one_bad_agreement_of_each_kind_does_not_stop_the_others(tmp_path: Path) -> None:
    data, templates = _mixed_portfolio(tmp_path)
    result = CliRunner().invoke(main, _args(tmp_path, data, templates, "-j", "1"))
    assert result.exit_code == 3, result.output  # an internal error outranks the ordinary ones
    _check_good_ones_built(tmp_path)
    _check_manifest(tmp_path, INTERNAL)
    lines = result.output.splitlines()
    assert f"{data / 'a-crash.yaml'}: {INTERNAL}" in lines
    assert "Traceback" not in result.output
    assert lines[-1].endswith("; 3 failed")


@pytest.mark.usefixtures("crashing_docx_writer")
def test_debug_shows_the_internal_errors_traceback(tmp_path: Path) -> None:
    data, templates = _mixed_portfolio(tmp_path)
    result = CliRunner().invoke(main, ["--debug", *_args(tmp_path, data, templates, "-j", "1")])
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.output
    assert 'raise RuntimeError("boom: the writer\\nfell over")' in result.output


def _out_of_memory() -> bytes:
    return bytes(bytearray(2**62))  # refused by the allocator at once: a real MemoryError


def _endless(depth: int = 0) -> bytes:
    return _endless(depth + 1)  # a real RecursionError


# Running out of memory is the memory cap's message (the worker cannot tell a cap from a full machine),
# exit 1; a recursion error is a bug of ours, exit 3.
@pytest.mark.parametrize(("bug", "message", "code"), [
    (_out_of_memory, "memo: used more than 1024 MB; stopped (raise it with --memory-limit)", 1),
    (_endless, "internal error: RecursionError: maximum recursion depth exceeded", 3)])
def test_memory_and_recursion_errors_stay_with_their_agreement(
        bug: Any, message: str, code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.writers.pdf.writer as pdf_writer

    real = pdf_writer.write_pdf

    def write_pdf(document: Any, theme: Any, options: Any = None) -> bytes:
        crash = CRASH_TITLE in (document.meta.title, document.meta.short_title)
        return bug() if crash else real(document, theme, options)

    monkeypatch.setattr(pdf_writer, "write_pdf", write_pdf)
    data, templates = _mixed_portfolio(tmp_path)
    result = CliRunner().invoke(main, _args(tmp_path, data, templates, "-j", "1"))
    assert result.exit_code == code, result.output
    _check_good_ones_built(tmp_path)
    assert f"{data / 'a-crash.yaml'}: {message}" in result.output
    assert "Traceback" not in result.output


def test_ordinary_errors_alone_exit_1(tmp_path: Path) -> None:
    data, templates = _mixed_portfolio(tmp_path)
    (data / "a-crash.yaml").unlink()
    result = CliRunner().invoke(main, _args(tmp_path, data, templates, "-j", "1"))
    assert result.exit_code == 1, result.output
    _check_good_ones_built(tmp_path)


def _run_script(root: Path, mode: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    script = root / "crash.py"
    script.write_text(CRASH_SCRIPT, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "CRASH_MODE": mode}
    return subprocess.run([sys.executable, str(script), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers must inherit the patch")
def test_workers_isolate_a_bug_too_and_bring_back_its_traceback(tmp_path: Path) -> None:
    data, templates = _mixed_portfolio(tmp_path)
    run = _run_script(tmp_path, "raise", _args(tmp_path, data, templates, "-j", "2"))
    assert run.returncode == 3, run.stderr
    _check_good_ones_built(tmp_path)
    _check_manifest(tmp_path, INTERNAL)
    assert f"{data / 'a-crash.yaml'}: {INTERNAL}" in run.stderr.splitlines()
    assert "Traceback" not in run.stderr and "_RemoteTraceback" not in run.stderr
    debug = _run_script(tmp_path, "raise", ["--debug", *_args(tmp_path, data, templates, "-j", "2")])
    assert debug.returncode == 3
    # The traceback is the worker's own, carried back as text.
    assert "Traceback (most recent call last)" in debug.stderr and "in write_docx" in debug.stderr


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers must inherit the patch")
def test_a_worker_that_dies_loses_only_the_agreement_it_held(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for i in range(8):
        (data / f"deal-{i}.yaml").write_text(_agreement(f"deal-{i}"), "utf-8")
    (data / "deal-9.yaml").write_text(_agreement("deal-9", CRASH_TITLE), "utf-8")  # sorts last
    out = tmp_path / "out"
    run = _run_script(tmp_path, "die", ["build", str(data), "-d", str(out), "--kind", "memo", "-j", "2",
                                        "--manifest", str(tmp_path / "m.json")])
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    manifest = json.loads((tmp_path / "m.json").read_text("utf-8"))
    died = [i["id"] for i in manifest["inputs"] if i["errors"]]
    assert died == ["deal-9"], died  # only the agreement its worker held; the others are built
    for record in manifest["inputs"]:
        if record["errors"]:
            assert "the worker process rendering it died" in record["errors"][0]["message"]
            assert not list(out.glob(f"{record['id']}-*"))
        else:
            assert sorted(Path(o["path"]).name for o in record["outputs"]) == [
                f"{record['id']}-memo.docx", f"{record['id']}-memo.pdf"]
            assert f"{record['id']}-memo.pdf" in os.listdir(out)


def test_pdf_command_turns_a_bug_into_one_line_and_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.writers.pdf.writer as pdf_writer

    def broken(*_args: object) -> bytes:
        raise KeyError("page")

    monkeypatch.setattr(pdf_writer, "write_pdf", broken)
    runner = CliRunner()
    result = runner.invoke(main, ["pdf", str(SHIPPED), "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 3
    assert result.output == f"{SHIPPED}: internal error: KeyError: 'page' (run with --debug for the traceback)\n"
    assert not (tmp_path / "b.pdf").exists()
    result = runner.invoke(main, ["--debug", "pdf", str(SHIPPED), "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 3 and "Traceback (most recent call last)" in result.output


# --------------------------------------------------------------------------- writing stops, the manifest stays


def test_a_full_disk_stops_writing_and_the_manifest_says_what_was_not_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.emit as emit

    data = tmp_path / "data"
    data.mkdir()
    for name in ("a", "b", "c"):
        (data / f"{name}.yaml").write_text(_agreement(name), "utf-8")
    out = tmp_path / "out"
    real = emit.write_atomic
    written: list[str] = []

    def full_disk(target: Path, payload: bytes) -> bool:
        if target.parent == out and len(written) >= 3:
            try:  # as output.write_atomic reports it
                raise OSError(errno.ENOSPC, "No space left on device")
            except OSError as exc:
                raise OutputError(f"{target}: cannot write: {exc.strerror}") from None
        written.append(target.name)
        return real(target, payload)

    monkeypatch.setattr(emit, "write_atomic", full_disk)
    manifest_path = tmp_path / "reports" / "manifest.json"
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(out), "--format", "pdf", "-j", "1",
                                       "--manifest", str(manifest_path)])
    assert result.exit_code == 1, result.output
    assert documents_in(Path(out)) == ["a-briefing.pdf", "a-memo.pdf", "b-briefing.pdf"]
    assert f"{out}/b-memo.pdf: cannot write: No space left on device" in result.output
    assert "writing stopped: " in result.output and "; 1 more agreement not built" in result.output
    manifest = json.loads(manifest_path.read_text("utf-8"))
    a, b, c = manifest["inputs"]
    assert manifest["stopped"].startswith("writing stopped: ") and manifest["ok"] is False
    assert [o["status"] for o in a["outputs"]] == ["written", "written"] and a["not_written"] == []
    assert [o["status"] for o in b["outputs"]] == ["written"]
    assert [(Path(o["path"]).name, o["status"]) for o in b["not_written"]] == [("b-memo.pdf", "not written")]
    assert b["errors"][0]["message"].endswith("cannot write: No space left on device")
    assert c["not_built"] == "writing stopped" and c["outputs"] == [] and c["errors"] == []


def test_interrupted_while_loading_still_writes_the_manifest(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.load

    data = tmp_path / "data"
    data.mkdir()
    for name in ("a", "b", "c"):
        (data / f"{name}.yaml").write_text(_agreement(name), "utf-8")
    real = reports.load.load_agreement

    def load(path: Any, **kwargs: Any) -> Any:
        if Path(path).name == "b.yaml":
            raise KeyboardInterrupt
        return real(path, **kwargs)

    monkeypatch.setattr(reports.load, "load_agreement", load)
    result = build([data], tmp_path / "out", manifest=tmp_path / "m.json")
    assert result.interrupted and result.exit_code == 130 and not (tmp_path / "out").exists()
    manifest = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert manifest["interrupted"] is True
    assert [(i["id"], i["not_built"]) for i in manifest["inputs"]] == [("a", "interrupted"), (None, "interrupted")]


def test_an_unusable_output_folder_still_gets_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file, not a folder")
    result = CliRunner().invoke(main, ["build", str(SHIPPED), "-d", str(tmp_path / "out"),
                                       "--manifest", str(tmp_path / "m.json")])
    assert result.exit_code == 1 and "the output folder is a file" in result.output
    manifest = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert "the output folder is a file" in manifest["stopped"]
    assert [i["not_built"] for i in manifest["inputs"]] == ["the build stopped before it began"]


def test_one_unwritable_document_does_not_stop_the_others(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("a", "b"):
        (data / f"{name}.yaml").write_text(_agreement(name), "utf-8")
    out = tmp_path / "out"
    (out / "a-memo.pdf").mkdir(parents=True)  # a folder where a document should go
    result = CliRunner().invoke(main, ["build", str(data), "-d", str(out), "--kind", "memo", "--format", "pdf",
                                       "--manifest", str(tmp_path / "m.json")])
    assert result.exit_code == 1
    assert "a-memo.pdf: is a folder, not a file; refusing to replace it" in result.output
    assert (out / "b-memo.pdf").read_bytes().startswith(b"%PDF")
    manifest = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert manifest["stopped"] is None
    assert manifest["inputs"][0]["not_written"][0]["status"] == "not written"


# --------------------------------------------------------------------------- the time limit


def _spin() -> None:
    while True:
        pass


def test_time_limit_stops_a_runaway_block_and_restores_the_handler() -> None:
    def mine(_signum: int, _frame: object) -> None:
        raise AssertionError("the old handler must not run")

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        started = time.monotonic()
        with pytest.raises(TimeLimitError) as info, time_limit(0.2, source="deal.yaml", what="briefing"):
            _spin()
        assert 0.15 < time.monotonic() - started < 2
        assert info.value.format_message() == (
            "deal.yaml: briefing: took longer than the limit of 0.2 s; stopped (raise it with --timeout)")
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        with time_limit(5, source="x", what="memo"):  # a block that finishes in time is untouched
            total = sum(range(1000))
        assert total == 499500 and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_time_limit_leaves_a_callers_own_timer_alone() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, _frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(0.05, source="x", what="memo"):
            time.sleep(0.1)  # longer than our limit: no limit applies while the caller's timer runs
        assert signal.getsignal(signal.SIGALRM) is not limits._on_alarm
        time.sleep(0.4)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_interrupt_waits_for_the_file_being_written(tmp_path: Path) -> None:
    steps: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        with limits.interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            steps.append("finished the write")
        steps.append("went on after the interrupt")
    assert steps == ["finished the write"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(limits.Terminated), limits.terminate_like_interrupt(), limits.interrupts_deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
        steps.append("finished again")
    assert steps[-1] == "finished again"


def test_no_time_limit_outside_the_main_thread_and_library_builds_work_there(tmp_path: Path) -> None:
    outcome: dict[str, object] = {}

    def work() -> None:
        with time_limit(0.05, source="x", what="memo"):
            time.sleep(0.15)
        outcome["slept"] = True
        outcome["result"] = reports.build([SHIPPED], tmp_path, kinds=["memo"], formats=["pdf"], timeout=30)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert outcome["slept"] is True
    result = outcome["result"]
    assert isinstance(result, reports.batch.BuildResult) and result.ok
    assert documents_in(tmp_path) == ["zhejiang-alibaba-2023-memo.pdf"]


def test_a_runaway_template_is_stopped_in_this_process_and_in_workers(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "memo.md.j2").write_text(
        '---\ntitle: x\n---\n{% set s = "x" * 50000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}\n',
        "utf-8")
    data = tmp_path / "data"
    data.mkdir()
    for name in ("a", "b"):
        (data / f"{name}.yaml").write_text(_agreement(name), "utf-8")
    for jobs in ("1", "2"):
        started = time.monotonic()
        result = CliRunner().invoke(main, ["build", str(data), "-d", str(tmp_path / "out"), "--kind", "memo",
                                           "--template-dir", str(templates), "--timeout", "0.5", "-j", jobs])
        assert time.monotonic() - started < 10
        assert result.exit_code == 1, result.output
        for name in ("a", "b"):
            assert (f"memo.md.j2:4: took longer than the limit of 0.5 s building the memo of {data / name}.yaml; "
                    "stopped (raise it with --timeout)") in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


# --------------------------------------------------------------------------- workers: how many, and their end


def test_workers_are_capped_at_two_per_cpu_and_one_per_agreement(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "cpu_count", lambda: 1)
    data = tmp_path / "data"
    data.mkdir()
    for i in range(5):
        (data / f"d{i}.yaml").write_text(_agreement(f"d{i}"), "utf-8")
    children: list[int] = []
    result = build([data], tmp_path / "out", kinds=["memo"], formats=["pdf"], jobs=40,
                   on_progress=lambda _record: children.append(len(multiprocessing.active_children())))
    assert result.ok and result.workers == 2
    assert max(children) <= 2
    few = build([data / "d0.yaml", data / "d1.yaml"], tmp_path / "few", kinds=["memo"], formats=["pdf"], jobs=40)
    assert few.workers == 2
    warned = CliRunner().invoke(main, ["build", str(data / "d0.yaml"), "-d", str(tmp_path / "w"), "-j", "40",
                                       "--kind", "memo", "--format", "pdf"])
    assert warned.exit_code == 0
    assert warned.output.count("--jobs: warning: 40 is more than 2 per CPU (1 CPU here); "
                               "using at most 2 worker processes") == 1
    help_text = " ".join(CliRunner().invoke(main, ["build", "--help"]).output.split())
    assert "never more than one per agreement or two per CPU" in help_text


def test_a_worker_whose_parent_is_gone_exits_at_once() -> None:
    code = "from reports.limits import die_with_parent; die_with_parent({}); print('alive')"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    gone = subprocess.run([sys.executable, "-c", code.format(1)], env=env, capture_output=True, text=True,
                          check=False)
    assert gone.returncode == 1 and "alive" not in gone.stdout  # its parent is not pid 1: treated as gone
    here = subprocess.run([sys.executable, "-c", code.format(os.getpid())], env=env, capture_output=True,
                          text=True, check=False)
    assert here.returncode == 0 and here.stdout == "alive\n", here.stderr


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return True
    return state in (b"Z", b"X")  # a zombie runs no more code


@pytest.mark.parametrize("how", ["kernel", "watcher thread"])
def test_a_worker_ends_when_its_parent_is_killed(how: str) -> None:
    # The worker arms the watch, then its parent dies without any clean-up (os._exit, as after kill -9).
    patch = "limits._set_parent_death_signal = lambda: False\n" if how == "watcher thread" else ""
    worker = ("import os, time\nfrom reports import limits\n" + patch +
              "limits.die_with_parent(os.getppid())\nprint('armed', flush=True)\ntime.sleep(60)\n")
    parent = ("import os, subprocess, sys\n"
              f"child = subprocess.Popen([sys.executable, '-c', {worker!r}], stdout=subprocess.PIPE, text=True)\n"
              "assert child.stdout.readline() == 'armed\\n'\n"
              "print(child.pid, flush=True)\nos._exit(0)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", parent], env=env, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    pid = int(run.stdout)
    deadline = time.monotonic() + 3
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _gone(pid):
        os.kill(pid, signal.SIGKILL)
        pytest.fail(f"the worker outlived its parent ({how})")


def _big_portfolio(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"deal-{i:03d}.yaml").write_text(_agreement(f"deal-{i:03d}"), "utf-8")
    return folder


@pytest.fixture
def running_build(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    data = _big_portfolio(tmp_path / "data", 200)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "reports", "build", str(data), "-d", str(out), "-j", "2",
               "--manifest", str(tmp_path / "manifest.json")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("deal-*"))) < 4:
        time.sleep(0.02)
    assert process.poll() is None, "the build ended before it could be stopped"
    yield process, out
    if process.poll() is None:
        process.kill()
        process.wait()


def _no_worker_left(out: Path, within: float) -> list[str]:
    deadline = time.monotonic() + within
    while (left := leftover_processes(out)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_kill_9_leaves_no_worker_and_the_next_build_removes_its_temporaries(
        running_build: tuple[subprocess.Popen[str], Path], tmp_path: Path) -> None:
    process, out = running_build
    assert len(leftover_processes(out)) >= 2  # the build and its workers (forked: the same command line)
    process.kill()
    process.wait()
    assert _no_worker_left(out, 2.0) == []
    # What a killed build can leave: temporaries named with its (now gone) process id. Add one for sure.
    stale = out / f".deal-000-memo.pdf.{process.pid}.0badc0de.tmp"
    stale.write_bytes(b"half a PDF")
    left = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    ids = sorted({name[1:].split("-memo.")[0].split("-briefing.")[0] for name in left})
    again = subprocess.run([sys.executable, "-m", "reports", "build", "-q",
                            *[str(tmp_path / "data" / f"{i}.yaml") for i in ids], "-d", str(out)],
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert not stale.exists()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")], left


def test_sigterm_stops_like_ctrl_c_and_exits_143(running_build: tuple[subprocess.Popen[str], Path],
                                                 tmp_path: Path) -> None:
    process, out = running_build
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    _stdout, stderr = process.communicate(timeout=60)
    assert time.monotonic() - started < 10  # the pool drops the work it had not started
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr and "; interrupted" in stderr
    assert _no_worker_left(out, 2.0) == []
    assert not [name for name in documents_in(out) if name.startswith(".") or name.endswith(".tmp")]
    for pdf in out.glob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")  # finished files are whole
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["interrupted"] is True and manifest["ok"] is False
    built = [o for i in manifest["inputs"] for o in i["outputs"]]
    assert built and all(Path(o["path"]).stat().st_size == o["size"] for o in built)
    assert {i["not_built"] for i in manifest["inputs"] if not i["outputs"]} == {"interrupted"}


def test_validate_reports_a_bug_for_its_file_and_checks_the_others(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.load

    good, bad = tmp_path / "a.yaml", tmp_path / "b.yaml"
    good.write_text(_agreement("a"), "utf-8")
    bad.write_text(_agreement("b"), "utf-8")
    real = reports.load.load_agreement

    def load(path: object, **kwargs: object) -> object:
        if str(path).endswith("b.yaml"):
            raise RuntimeError("boom")
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reports.load, "load_agreement", load)
    result = CliRunner().invoke(main, ["validate", str(bad), str(good)])
    assert result.exit_code == 3, result.output
    assert f"{bad}: internal error: RuntimeError: boom (run with --debug for the traceback)" in result.output
    assert f"{good}: ok (a)" in result.output
    assert "Traceback" not in result.output
    debug = CliRunner().invoke(main, ["--debug", "validate", str(bad), str(good)])
    assert debug.exit_code == 3 and "Traceback" in debug.output and "boom" in debug.output
