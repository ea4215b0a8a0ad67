"""Supervised workers, as real processes: the memory cap, a worker killed mid-build, and Ctrl-C or SIGTERM
with --jobs 2 while every worker is busy with a slow template and no time limit."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, documents_in

MINIMAL = (ROOT / "data" / "minimal.yaml").read_text("utf-8")
REPORTS = [sys.executable, "-m", "reports"]
# About a minute of work within every bound of the sandbox (a million-character string upper-cased
# 100,000 times), so that a signal finds the worker busy inside the template.
SLOW = ('# Memo\n\n{% if data.id.startswith("slow") %}{% set s = "x" * 1000000 %}'
        '{% for i in range(100000) %}{% set t = s.upper() %}{% endfor %}{% endif %}Done for {{ data.id }}.\n')
# A writer that takes memory in 50 MB pieces (2 GB in all) for the agreement titled "Hog", or kills its
# own process for the one titled "Killed"; the workers, forked, carry the patch.
SCRIPT = """
import os, signal, sys
import reports.writers.pdf.writer as pdf_writer
from reports.cli import main

real = pdf_writer.write_pdf

def write_pdf(document, theme, options=None):
    if document.meta.title == "Hog":
        hog = [bytearray(50 * 2**20) for _ in range(40)]
    if document.meta.title == "Killed":
        os.kill(os.getpid(), signal.SIGKILL)
    return real(document, theme, options)

pdf_writer.write_pdf = write_pdf
main(sys.argv[1:], prog_name="reports")
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is Linux's RLIMIT_DATA")


def _portfolio(root: Path, titles: dict[str, str]) -> Path:
    data = root / "data"
    data.mkdir()
    for i in range(5):
        ident = f"deal-{i}"
        text = MINIMAL.replace("id: minimal-example", f"id: {ident}")
        (data / f"{ident}.yaml").write_text(text, "utf-8")
    for ident, title in titles.items():
        text = MINIMAL.replace("id: minimal-example", f"id: {ident}")
        text = "\n".join(f"title: {title}" if line.startswith("title:") else line for line in text.splitlines())
        (data / f"{ident}.yaml").write_text(text + "\n", "utf-8")
    return data


def _run_script(root: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    script = root / "script.py"
    script.write_text(SCRIPT, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, str(script), *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_minimal_data_has_the_id_the_tests_replace() -> None:
    assert "id: minimal-example" in MINIMAL and "\ntitle: " in MINIMAL


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_agreement_over_the_memory_cap_stops_alone(tmp_path: Path, jobs: str) -> None:
    data = _portfolio(tmp_path, {"hog": "Hog"})
    out = tmp_path / "out"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = _run_script(tmp_path, ["build", str(data), "-d", str(out), "--kind", "memo", "--format", "pdf",
                                 "-j", jobs, "--memory-limit", "300", "--manifest", str(tmp_path / "m.json")])
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    assert run.returncode == 1, run.stderr
    assert f"{data / 'hog.yaml'}: memo: used more than 300 MB; stopped (raise it with --memory-limit)" in run.stderr
    assert "Traceback" not in run.stderr
    assert sorted(documents_in(out)) == sorted(f"deal-{i}-memo.pdf" for i in range(5))
    assert peak_mb < 900, f"a process took {peak_mb:.0f} MB: the 2 GB writer was not stopped at the cap"
    manifest = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert [i["id"] for i in manifest["inputs"] if i["errors"]] == ["hog"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_killed_worker_loses_only_its_agreement(tmp_path: Path, jobs: str) -> None:
    data = _portfolio(tmp_path, {"killed": "Killed"})
    out = tmp_path / "out"
    run = _run_script(tmp_path, ["build", str(data), "-d", str(out), "--kind", "memo", "--format", "pdf",
                                 "-j", jobs])
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines()[0] == (f"{data / 'killed.yaml'}: not built: the worker process rendering it "
                                          "died (killed, or out of memory); the other agreements were built")
    assert sorted(documents_in(out)) == sorted(f"deal-{i}-memo.pdf" for i in range(5))


def _made(out: Path) -> list[str]:
    return documents_in(out) if out.is_dir() else []


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def test_a_worker_killed_from_outside_mid_build_loses_only_its_agreement(tmp_path: Path) -> None:
    data = _portfolio(tmp_path, {"slow": "Slow"})
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "memo.md.j2").write_text(SLOW, "utf-8")
    out = tmp_path / "out"
    build = subprocess.Popen([*REPORTS, "build", str(data), "-d", str(out), "--kind", "memo", "--format", "pdf",
                              "-j", "2", "--timeout", "0", "--template-dir", str(templates)],
                             cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        # The quick agreements done, only the slow one is in a worker: kill every worker there is.
        while len(_made(out)) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_made(out)) == 5
        victims = _children(build.pid)
        assert victims, "the build has no worker to kill"
        for child in victims:
            os.kill(child, signal.SIGKILL)
        _, stderr = build.communicate(timeout=60)
    finally:
        build.kill()
    assert build.returncode == 1, stderr
    assert f"{data / 'slow.yaml'}: not built: the worker process rendering it died" in stderr
    assert sorted(documents_in(out)) == sorted(f"deal-{i}-memo.pdf" for i in range(5))


@pytest.mark.parametrize(("sent", "code", "said"), [(signal.SIGINT, 130, "interrupted"),
                                                    (signal.SIGTERM, 143, "interrupted")])
def test_a_signal_stops_busy_workers_at_once_without_a_time_limit(
        tmp_path: Path, sent: signal.Signals, code: int, said: str) -> None:
    data = _portfolio(tmp_path, {f"slow-{i}": f"Slow {i}" for i in range(4)})
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "memo.md.j2").write_text(SLOW, "utf-8")
    out = tmp_path / "out"
    build = subprocess.Popen([*REPORTS, "build", str(data), "-d", str(out), "--kind", "memo", "--format", "pdf",
                              "-j", "2", "--timeout", "0", "--template-dir", str(templates),
                              "--manifest", str(tmp_path / "m.json")],
                             cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(_children(build.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # both workers inside the slow template
        workers = _children(build.pid)
        assert len(workers) == 2
        build.send_signal(sent)
        started = time.monotonic()
        _, stderr = build.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        build.kill()
    assert build.returncode == code, stderr
    assert took < 5, f"the build took {took:.1f} s to stop"
    assert said in stderr and "Traceback" not in stderr
    assert not [w for w in workers if Path(f"/proc/{w}").exists()], "a worker outlived the build"
    manifest = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert manifest["interrupted"] is True
    assert not [name for name in _made(out) if name.startswith("slow")]
