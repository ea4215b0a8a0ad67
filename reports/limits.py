"""Bounds on a process's work: the per-document time limit, termination, and what a worker does when
its parent dies.

Imports only the standard library (and ``reports.errors``) so that ``reports --help`` stays quick.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from reports.errors import EXIT_INTERNAL, EXIT_TERMINATED, EXIT_USAGE, Problem, RenderError, ReportsError, shorten

__all__ = ["EXIT_INTERNAL", "EXIT_TERMINATED"]  # re-exported: callers import the exit codes from here too

DEFAULT_TIMEOUT = 60.0  # seconds per document; 0 or None means no limit


class TimeLimitExceeded(BaseException):
    """Raised by SIGALRM inside a document that runs too long.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` in a library (Jinja2,
    reportlab, pydantic) can swallow it and carry on; ``time_limit`` turns it into a located error.
    """


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be, so that every clean-up written for Ctrl-C (the pool
    stopped, temporary files removed, the manifest still written) also runs for ``kill``."""


class TimeLimitError(RenderError):
    """A document took longer than ``--timeout``."""

    kind = "timeout"


# --------------------------------------------------------------------------- internal errors


def internal_problem(file: str, exc: BaseException) -> Problem:
    """One line for a bug of ours: ``FILE: internal error: Type: message (run with --debug ...)``."""
    text = " ".join(str(exc).split())  # one line, whatever the exception's text holds
    if len(text) > 300:
        text = text[:300] + " …"
    summary = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return Problem(file=file, message=f"internal error: {summary} (run with --debug for the traceback)")


def traceback_text(exc: BaseException) -> str:
    """The traceback of ``exc`` as text (it can travel back from a worker process; objects cannot)."""
    import traceback

    try:
        return "".join(traceback.format_exception(exc)).rstrip("\n")
    except Exception:  # out of memory again, or a broken __str__: the type is still worth showing
        return f"{type(exc).__name__} (no traceback available)"


def _can_alarm() -> bool:
    # Signal handlers can only be set in the main thread; a library caller in a thread gets no limit
    # rather than an error. Workers of a process pool run their tasks in their main thread.
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise TimeLimitExceeded


@contextmanager
def time_limit(seconds: float | None, *, source: str, what: str) -> Iterator[None]:
    """Stop the block with a ``TimeLimitError`` (``SOURCE: WHAT: took longer ...``) after ``seconds``.

    No limit when ``seconds`` is 0 or None, outside the main thread, on systems without
    ``setitimer``, or when the caller already runs an interval timer of its own (which is left alone).
    Costs two system calls on entry and two on exit; the previous handler is restored.
    """
    if not seconds or seconds <= 0 or not _can_alarm():
        yield
        return
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:  # someone else's alarm is ticking: do not steal it
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            # An alarm that fires just before this line still lands in the handler below: the timer
            # is one-shot, so there is never a second one.
            signal.setitimer(signal.ITIMER_REAL, 0)
    except TimeLimitExceeded as exc:
        # compose marks where in the template the render was when the alarm came: (file, line)
        where: tuple[str, int | None] | None = getattr(exc, "template_line", None)
        if where is None:
            problem = Problem(file=source, field=what,
                              message=f"took longer than the limit of {seconds:g} s; stopped (raise it with --timeout)")
        else:
            problem = Problem(file=where[0], line=where[1],
                              message=f"took longer than the limit of {seconds:g} s building the {what} of "
                                      f"{source}; stopped (raise it with --timeout)")
        raise TimeLimitError("", [problem]) from None
    finally:
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------- termination


def _on_terminate(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated


@contextmanager
def terminate_like_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises ``Terminated`` (a KeyboardInterrupt) in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then act on them as usual.

    For writing one file: an interrupt that lands between creating a temporary file and the clean-up
    that guards it would leave the temporary behind; a write takes milliseconds, so it simply finishes
    first. Only in the main thread (elsewhere signals do not reach Python code anyway).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        held.append(signum)

    previous_term = signal.signal(signal.SIGTERM, hold)
    try:
        previous_int = signal.signal(signal.SIGINT, hold)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous_int)
    finally:
        # Nested, so that a Ctrl-C acted on right after its own handler is back still restores SIGTERM's.
        signal.signal(signal.SIGTERM, previous_term)
        if held:  # acted on even when the block failed: stopping matters more than its error
            number = held[0]
            handler = previous_int if number == signal.SIGINT else previous_term
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)


# --------------------------------------------------------------------------- worker processes


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(expected: int | None = None) -> None:
    """Make this worker process exit when its parent (the build) dies, however it dies.

    On Linux the kernel sends SIGKILL when the parent goes (``PR_SET_PDEATHSIG``); elsewhere a daemon
    thread watches the parent id. A parent that died before the watch began (the race between fork and
    this call) is caught by looking once right after: the parent must still be ``expected`` (the build's
    process id, when workers are forked from it) and the same as before the watch was set.
    """
    before = os.getppid()
    if not _set_parent_death_signal():
        watcher = threading.Thread(target=_watch_parent, args=(before,), name="reports-parent-watch",
                                   daemon=True)
        watcher.start()
    after = os.getppid()
    if after != before or (expected is not None and after != expected):
        os._exit(1)


def _set_parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C to the build, which stops its workers and cleans up in one place; a
    forked worker must not inherit the build's SIGTERM handler either (SIGTERM simply ends a worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


DEFAULT_MEMORY_MB = 1024  # what one agreement's documents may take beyond what the worker holds at start


def cap_memory(limit_mb: int | None) -> bool:
    """Let this process allocate at most ``limit_mb`` MB more than it holds now; past it, an allocation
    fails (Python raises ``MemoryError``) instead of taking the machine's memory. True when set.

    ``RLIMIT_DATA`` counts the heap and every private anonymous mapping (Linux 4.7 on): what Python,
    Jinja2, reportlab and lxml allocate, not the shared libraries and fonts the process maps. No cap for
    ``None`` or 0, and none on other systems (where no limit counts the same thing): there the cheap
    checks of the template sandbox and the file readers are the only bounds.
    """
    if not limit_mb or limit_mb <= 0 or not sys.platform.startswith("linux"):
        return False
    import resource

    limit = _held_bytes("VmData:") + limit_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ValueError, OSError):
        return False
    global _cap_mb
    _cap_mb = limit_mb
    return True


_cap_mb: int | None = None  # the cap this process set itself, for messages


def memory_cap_mb() -> int | None:
    """The ``--memory-limit`` this process renders under (set by ``cap_memory``), or None."""
    return _cap_mb


def near_memory_cap(margin_mb: int = 16) -> bool:
    """True when this process holds within ``margin_mb`` of its ``RLIMIT_DATA``: an error it meets then
    is the cap's doing, whatever a C library made of the failed allocation (some raise ``SystemError``
    or their own error instead of ``MemoryError``)."""
    if not sys.platform.startswith("linux"):
        return False
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_DATA)
    return soft != resource.RLIM_INFINITY and _held_bytes("VmData:") + margin_mb * 1024 * 1024 >= soft


def _held_bytes(field: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask, which containers and ``taskset`` narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


WORKERS_PER_CPU = 2


def max_workers() -> int:
    """The most worker processes a build starts: more than two per CPU only adds memory, not speed."""
    return WORKERS_PER_CPU * cpu_count()


# --------------------------------------------------------------------------- SOURCE_DATE_EPOCH

# 9999-12-31T23:59:59Z: the last second that a PDF date (four-digit year) and a Word document's
# xsd:dateTime both hold, and that Python's datetime can represent.
MAX_SOURCE_DATE_EPOCH = 253_402_300_799


class EnvironmentSettingError(ReportsError):
    """A variable of the environment the tool reads holds a value it cannot use: a usage error, exit 2."""

    exit_code = EXIT_USAGE
    kind = "usage"


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as whole seconds since 1970-01-01 UTC, or None when it is unset or empty.

    The one reading of the variable, for both writers and the command line (reproducible-builds.org:
    a value that is not a plain non-negative integer is an error, not ignored). Raises
    ``EnvironmentSettingError`` (exit 2) for anything else, and for a time after the year 9999.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    # isdigit() alone admits other scripts' digits ("١٢"); the length check comes before int(), which
    # refuses (slowly) strings of thousands of digits.
    if raw.isascii() and raw.isdigit() and len(raw) <= 12 and int(raw) <= MAX_SOURCE_DATE_EPOCH:
        return int(raw)
    raise EnvironmentSettingError(
        f"SOURCE_DATE_EPOCH={shorten(raw, 60)!r}: expected whole seconds since 1970-01-01 UTC, from 0 to "
        f"{MAX_SOURCE_DATE_EPOCH} (9999-12-31); set it to the output of `date +%s` for a fixed date, or "
        "unset it to date the documents from their data")
