"""Worker processes the build supervises: each renders one agreement at a time under a memory cap.

The build's own process never renders: it loads, schedules, writes files and the manifest, so that a
template or a document that takes all the memory it may (or a bug that kills its process) costs only
the agreement it was rendering. Every worker is a child of the build with ``RLIMIT_DATA`` set (see
``reports.limits.cap_memory``): an allocation past the cap fails inside the worker, which reports
"used more than N MB" for that agreement and is replaced. A worker that dies (the kernel's OOM killer,
``kill -9``, a crash in a C library) loses only the agreement it held, which is named; the others go on
in the workers left and in a new one. Ctrl-C and SIGTERM stop every worker at once, whatever it is
doing: finished documents are kept by the build, and nothing waits for a document in flight.

Results come back in the order of the tasks, at most a few tasks ahead of the oldest unfinished one, so
that finished documents do not pile up in memory behind a slow one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from reports.errors import Problem
from reports.limits import cap_memory, die_with_parent, ignore_interrupts

_STOP_WAIT = 1.0  # seconds a worker is given to go after SIGKILL before the build stops waiting


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process (of whichever start method)
    conn: Connection
    task: int | None = None  # the index of the task it holds


def _context() -> Any:
    # Forked workers start in milliseconds and inherit what the build has imported; elsewhere (no fork),
    # the platform's default start method.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _serve(conn: Connection, build_pid: int | None, limit_mb: int | None,
           work: Callable[[Any, int | None], tuple[Any, bool]]) -> None:
    """A worker's life: tasks in, results out, until the build closes the pipe or the work says the
    worker must go (after it ran out of memory, its heap is not worth keeping)."""
    ignore_interrupts()
    die_with_parent(build_pid)
    cap_memory(limit_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        result, retiring = work(task, limit_mb)
        try:
            conn.send((result, retiring))
        except (OSError, MemoryError):
            return
        if retiring:
            return


def supervised(tasks: Sequence[Any], workers: int, limit_mb: int | None,
               work: Callable[[Any, int | None], tuple[Any, bool]],
               died: Callable[[Any], Any]) -> Generator[Any, None, None]:
    """``work(task, limit_mb)`` for every task in ``workers`` supervised processes; yields the results
    in task order. ``work`` returns (result, retire the worker); a task whose worker died gives
    ``died(task)`` instead. Closing the generator, or an interrupt while it waits, stops every worker."""
    context = _context()
    build_pid = os.getpid() if context.get_start_method() == "fork" else None
    queue: deque[int] = deque(range(len(tasks)))
    results: dict[int, Any] = {}
    pool: list[_Worker] = []
    window = 2 * workers + 2  # how far ahead of the oldest unfinished task work may be handed out
    following = 0  # the next task whose result is yielded

    def start() -> _Worker:
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs, build_pid, limit_mb, work), daemon=True,
                                  name="reports-worker")
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def retire(worker: _Worker) -> None:
        pool.remove(worker)
        worker.conn.close()
        _stop(worker.process)

    try:
        while following < len(tasks):
            if following in results:
                yield results.pop(following)
                following += 1
                continue
            while len(pool) < min(workers, len(tasks) - following):
                pool.append(start())
            for worker in list(pool):
                if worker.task is None and queue and queue[0] < following + window:
                    index = queue.popleft()
                    try:
                        worker.conn.send(tasks[index])
                    except OSError:  # it went while idle: the task waits for the worker that replaces it
                        queue.appendleft(index)
                        retire(worker)
                        continue
                    worker.task = index
            busy = [w for w in pool if w.task is not None]
            if not busy:  # a worker went while idle and its task waits: start its successor first
                continue
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                held = worker.task
                if held is None or (worker.conn not in ready and worker.process.sentinel not in ready):
                    continue
                try:
                    results[held], retiring = worker.conn.recv()
                except (EOFError, OSError):  # it died before it answered: this task alone is lost
                    results[held] = died(tasks[held])
                    retire(worker)
                    continue
                worker.task = None
                if retiring:
                    retire(worker)  # it ran out of memory: a new worker takes its place
            for worker in [w for w in pool if w.task is None and not w.process.is_alive()]:
                retire(worker)
    finally:
        for worker in list(pool):
            retire(worker)


def _stop(process: Any) -> None:
    if process.is_alive():
        process.kill()  # rendering holds no file of ours: nothing to clean up, no reason to wait
    process.join(_STOP_WAIT)


def worker_died(source: str) -> Problem:
    """The problem of an agreement whose worker died while rendering it."""
    return Problem(file=source, message="not built: the worker process rendering it died (killed, or out of "
                                        "memory); the other agreements were built")
