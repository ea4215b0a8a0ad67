"""`reports watch`: the loop with a stream of changes made by the test, and one real process that sees a
real file saved, keeps going after an error and stops with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reports.pipeline import Options
from reports.watch import Watcher, WatchSetup, run
from tests.conftest import ROOT, pdf_text

MINIMAL = ROOT / "data" / "minimal.yaml"
LETTER = "# Letter for {{ data.title }}\n\n{% include 'partials/sign.md.j2' %}\n"


class Recorder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.problems: list[tuple[str, bool]] = []

    def say(self, line: str) -> None:
        self.lines.append(line)

    def report(self, problems: Any, warning: bool) -> None:
        self.problems.extend((p.format(), warning) for p in problems)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "deal.yaml").write_text(
        MINIMAL.read_text("utf-8").replace("id: minimal-example", "id: deal"), "utf-8")
    (tmp_path / "tpl" / "partials").mkdir(parents=True)
    (tmp_path / "tpl" / "letter.md.j2").write_text(LETTER, "utf-8")
    (tmp_path / "tpl" / "partials" / "sign.md.j2").write_text("Signed: first version\n", "utf-8")
    (tmp_path / "theme.yaml").write_text("page_size: A4\n", "utf-8")
    return tmp_path


def _watcher(site: Path, recorder: Recorder) -> Watcher:
    from reports.load import load_theme

    def options() -> Options:
        return Options(theme=load_theme(site / "theme.yaml"), template_dir=site / "tpl")

    setup = WatchSetup(data=[site / "data"], out_dir=site / "out", kinds=("letter",), formats=("pdf",),
                       options=options, template_dir=site / "tpl", theme_file=site / "theme.yaml")
    return Watcher(setup, recorder.say, recorder.report)


def test_the_loop_rebuilds_what_changed_reports_errors_and_keeps_the_last_good_document(site: Path) -> None:
    recorder = Recorder()
    watcher = _watcher(site, recorder)
    letter = site / "out" / "deal-letter.pdf"
    data, partial, theme = site / "data" / "deal.yaml", site / "tpl" / "partials" / "sign.md.j2", site / "theme.yaml"
    seen: list[str] = []

    def changes() -> Iterator[set[tuple[int, str]]]:
        seen.append(pdf_text(letter.read_bytes()))
        data.write_text(data.read_text("utf-8").replace("Example Cooperation", "Renamed Cooperation"), "utf-8")
        yield {(2, str(data))}
        seen.append(pdf_text(letter.read_bytes()))
        partial.write_text("Signed: second version\n", "utf-8")  # a template the process has compiled
        yield {(2, str(partial))}
        seen.append(pdf_text(letter.read_bytes()))
        good = letter.read_bytes()
        data.write_text("schema_version: 1\nid: deal\ntitle: [unclosed\n", "utf-8")
        yield {(2, str(data))}
        assert letter.read_bytes() == good  # the error left the last good document
        theme.write_text("page_size: Folio\n", "utf-8")
        yield {(2, str(theme))}
        yield {(2, str(site / "out" / "deal-letter.pdf")), (1, str(site / "data" / ".deal.yaml.123.tmp")),
               (1, str(site / "data" / "notes.txt"))}  # none of these can change a document

    run(watcher, changes())
    assert "Example Cooperation" in seen[0] and "first version" in seen[0]
    assert "Renamed Cooperation" in seen[1] and "first version" in seen[1]
    assert "second version" in seen[2]
    assert len(recorder.lines) == 5, recorder.lines  # the first build and four rebuilds, no more
    first, renamed, signed, broken, themed = recorder.lines
    assert "made 1 document in " in first and "(deal-letter.pdf)" in first
    assert renamed.split(" ", 1)[1].startswith("deal.yaml changed: made 1 document in ")
    assert "sign.md.j2 changed: made 1 document" in signed
    assert "1 agreement failed, the last good documents are kept" in broken
    assert "theme.yaml changed: not built" in themed and "the last good documents are kept" in themed
    messages = [text for text, _warning in recorder.problems]
    assert any(m.startswith(f"{data}:4:") and "invalid YAML" in m for m in messages), messages
    assert any(m.startswith(f"{theme}:1:") and "page_size" in m for m in messages), messages


def test_what_the_watch_looks_at(site: Path) -> None:
    watcher = _watcher(site, Recorder())
    folders = watcher.folders_to_watch()
    assert str(site / "data") in folders and str(site / "tpl" / "partials") in folders and str(site) in folders
    assert watcher.relevant(str(site / "data" / "other.json"))
    assert watcher.relevant(str(site / "tpl" / "partials" / "new.md.j2"))
    assert watcher.relevant(str(site / "theme.yaml"))
    assert not watcher.relevant(str(site / "notes.txt"))  # beside the theme, but not the theme
    assert not watcher.relevant(str(site / "data" / ".hidden.yaml"))
    assert not watcher.relevant(str(site / "out" / "deal-letter.pdf"))


def test_ctrl_c_in_the_loop_goes_on_up(site: Path) -> None:
    def interrupted() -> Iterator[set[tuple[int, str]]]:
        raise KeyboardInterrupt
        yield set()  # pragma: no cover - makes this a generator

    with pytest.raises(KeyboardInterrupt):
        run(_watcher(site, Recorder()), interrupted())
    assert (site / "out" / "deal-letter.pdf").exists()  # the first build finished before


def _wait_for(lines: list[str], text: str, process: subprocess.Popen[str], seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in lines:
            if text in line:
                lines.remove(line)
                return line
        if process.poll() is not None:
            break
        time.sleep(0.02)
    raise AssertionError(f"no {text!r} in {lines} (exit {process.poll()})")


def _reader(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_real_watch_sees_a_saved_file_survives_an_error_and_stops_on_a_signal(
        site: Path, stop: int, code: int) -> None:
    import threading

    data = site / "data" / "deal.yaml"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "reports", "watch", str(data), "-d", str(site / "out"),
                                "--kind", "memo", "--format", "pdf"], cwd=site, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: list[str] = []
    threading.Thread(target=_reader, args=(process, lines), daemon=True).start()
    try:
        _wait_for(lines, "made 1 document", process)
        _wait_for(lines, "Ctrl-C to stop", process)
        time.sleep(0.2)  # the watch starts right after the first build
        memo = site / "out" / "deal-memo.pdf"
        data.write_text(data.read_text("utf-8").replace("Example Cooperation", "Saved Cooperation"), "utf-8")
        _wait_for(lines, "deal.yaml changed: made 1 document", process)
        assert "Saved Cooperation" in pdf_text(memo.read_bytes())
        good = memo.read_bytes()
        data.write_text("schema_version: 1\nid: deal\nparties: {\n", "utf-8")
        _wait_for(lines, f"{data}:", process)  # the located message
        _wait_for(lines, "the last good documents are kept", process)
        assert process.poll() is None and memo.read_bytes() == good
        process.send_signal(stop)
        assert process.wait(timeout=15) == code
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not [line for line in lines if "Traceback" in line], lines


def test_watch_is_a_command_with_the_render_options() -> None:
    from click.testing import CliRunner

    from reports.cli import main
    from tests.conftest import squash

    text = squash(CliRunner().invoke(main, ["watch", "--help"]).output)
    for option in ("--template-dir FOLDER", "--theme FILE", "--reference-docx FILE", "--watermark TEXT",
                   "--lang LANG", "--kind KIND"):
        assert option in text
    assert CliRunner().invoke(main, ["watch", "-"]).exit_code == 2  # standard input cannot be watched



_FORKED_STATE = """
import multiprocessing, sys
if sys.argv[1] == "warm":
    from reports.pipeline import warm
    warm()

def state(_):
    from reportlab.pdfbase import pdfmetrics
    return ("reports.writers.pdf.layout" in sys.modules,
            any(name.startswith("SourceSerif") for name in pdfmetrics.getRegisteredFontNames()))

with multiprocessing.get_context("fork").Pool(1) as pool:
    print(pool.map(state, [None])[0])
"""


@pytest.mark.parametrize("warmed", [True, False])
def test_warm_hands_forked_workers_imported_writers_and_registered_faces(warmed: bool) -> None:
    # reports watch forks a worker for every rebuild: warmed first, the worker does not load the writers
    # and faces again (a rebuild took about 1 s where its work takes 0.1 s; benchmarks/incremental.py).
    # A new process each way: this one has imported everything already.
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _FORKED_STATE, "warm" if warmed else "cold"], capture_output=True,
                         text=True, check=True, timeout=120).stdout.strip()
    assert out == str((warmed, warmed))
