"""One row of the bad-input catalogue and the runner that checks it.

A case is a folder of files (made fresh for each run, links and FIFOs included), one command, the text
the tool must print and the exit code it must give. Every run also checks that the tool printed no
traceback, that nothing outside the case folder changed, that the secret beside the folder never reached
an output, and, for cases run as a real process, that no process was left behind and (where memory is
the point) that the peak resident memory stayed under a bound.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SECRET = "SECRET-7f3a9c-outside-the-allowed-folders"


@dataclass(frozen=True)
class Case:
    """One bad input: its files, the command, what the message must contain and the exit code.

    ``args`` may use ``{file}`` (the main file), ``{dir}`` (the case folder) and ``{secret}`` (a file
    outside the case folder that must never be read into an output).
    """

    name: str
    input: str  # how the catalogue page describes the input
    file: str  # the main file, relative to the case folder
    content: bytes | None  # None: the main file is not written (missing, or made by ``setup``)
    message: str
    exit_code: int = 1
    args: tuple[str, ...] = ("validate", "{file}")
    files: tuple[tuple[str, bytes], ...] = ()  # more files, relative to the case folder
    setup: Callable[[Path], None] | None = None  # links, FIFOs, devices: made at run time in the folder
    process: bool = False  # run `python -m reports` as a real process, not through click's runner
    max_rss_mb: int | None = None  # a bound on the process's peak resident memory (implies process)
    stdin: bytes | None = None
    extra: Callable[[Path, str], None] | None = None  # further checks: (case folder, output)
    tags: tuple[str, ...] = field(default=())
    env: tuple[tuple[str, str], ...] = ()  # variables set for the command (SOURCE_DATE_EPOCH ...)

    @property
    def command(self) -> str:
        """The command as the catalogue page shows it."""
        return "".join(f"{k}={v} " for k, v in self.env) + "reports " + " ".join(self.args)


@dataclass
class Outcome:
    exit_code: int
    output: str
    max_rss_mb: float | None = None
    seconds: float = 0.0


def prepare(case: Case, root: Path) -> tuple[Path, Path]:
    """Make the case folder (``root/case``) and the secret beside it; return (folder, secret)."""
    folder = root / "case"
    folder.mkdir()
    secret = root / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"root:x:0:0:{SECRET}\n", encoding="utf-8")
    if case.content is not None:
        (folder / case.file).parent.mkdir(parents=True, exist_ok=True)
        (folder / case.file).write_bytes(case.content)
    for name, data in case.files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    if case.setup is not None:
        case.setup(folder)
    return folder, secret


def arguments(case: Case, folder: Path, secret: Path) -> list[str]:
    values = {"file": str(folder / case.file), "dir": str(folder), "secret": str(secret)}
    return [arg.format(**values) for arg in case.args]


def run(case: Case, folder: Path, secret: Path) -> Outcome:
    """Run the case's command in ``folder`` and return what happened."""
    args = arguments(case, folder, secret)
    if case.process or case.max_rss_mb is not None:
        return _run_process(args, folder, case.stdin, measure=case.max_rss_mb is not None, env=dict(case.env))
    from click.testing import CliRunner

    from reports.cli import main

    old = Path.cwd()
    os.chdir(folder)
    try:
        started = time.perf_counter()
        result = CliRunner().invoke(main, args, input=case.stdin, env=dict(case.env))
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        detail = "".join(traceback.format_exception(result.exception))
        return Outcome(exit_code=-1, output=result.output + "\nTraceback (from the runner)\n" + detail)
    return Outcome(result.exit_code, result.output, seconds=time.perf_counter() - started)


# Linux counts the memory a child had when it was forked in its peak (ru_maxrss survives exec): a child of
# the test process, which holds hundreds of MB by the end of the suite, would report that much. The
# command runs under a small Python that forks it and reports the command's own peak in a file.
_MEASURE = ("import os, resource, subprocess, sys\n"
            "code = subprocess.run(sys.argv[1:]).returncode\n"
            "with open(os.environ['REPORTS_TEST_RSS_FILE'], 'w') as f:\n"
            "    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
            "sys.exit(code if code >= 0 else 128 - code)\n")


def _run_process(args: list[str], folder: Path, stdin: bytes | None, *, measure: bool = False,
                 env: dict[str, str] | None = None) -> Outcome:
    import tempfile

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "NO_COLOR": "1", **(env or {})}
    command = [sys.executable, "-m", "reports", *args]
    rss_file = None
    if measure:
        rss_file = Path(tempfile.mkdtemp(prefix="reports-rss-")) / "peak"
        env["REPORTS_TEST_RSS_FILE"] = str(rss_file)
        command = [sys.executable, "-c", _MEASURE, *command]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(command, cwd=folder, env=env,
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT)
        if proc.stdin is not None:
            try:
                proc.stdin.write(stdin or b"")
                proc.stdin.close()
            except BrokenPipeError:
                pass
        # os.wait4 gives this child's own peak resident memory (ru_maxrss, in KiB on Linux).
        deadline = time.monotonic() + 120
        status, usage = 0, None
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.02)
        else:
            proc.kill()
            _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    code = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
    peak_kib = usage.ru_maxrss if usage else None
    if rss_file is not None:
        peak_kib = int(rss_file.read_text()) if rss_file.exists() else None
        shutil.rmtree(rss_file.parent, ignore_errors=True)
    return Outcome(code, text, max_rss_mb=peak_kib / 1024 if peak_kib is not None else None,
                   seconds=time.perf_counter() - started)


def leftover_processes(folder: Path) -> list[str]:
    """Processes still running whose command line mentions ``folder`` (workers that outlived the build)."""
    marker = str(folder).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker in cmdline:
            found.append(entry.name + ": " + cmdline.replace(b"\0", b" ").decode("utf-8", "replace"))
    return found
