"""The build's scheduling: each agreement is one task, rendered in supervised worker processes (one,
or ``--jobs``; see ``reports.supervisor``) under a memory cap, or on any ``concurrent.futures.Executor``
the caller gives, and handed back in input order.

A task carries the file, not the loaded agreement, and comes back as a ``Done``: the documents' bytes,
or the errors that stopped it. Whatever goes wrong inside a task (bad data, a template error, the time
limit, the memory cap, a bug of ours) is caught there and returned; a worker that dies loses only the
task it held. Writing files is not done here: results come back to the build, which writes them.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Generator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

from reports.errors import Problem, RenderError, ReportsError
from reports.limits import internal_problem, near_memory_cap, traceback_text
from reports.model import Agreement
from reports.pipeline import Against, Options, Rendered, render, render_formats
from reports.results import problems_of
from reports.sign_outputs import signed
from reports.supervisor import supervised, worker_died
from reports.writers.options import Attachment


@dataclass(frozen=True)
class Task:
    """One agreement to render: which kinds (those not already current) in which formats."""

    # The file, not the loaded agreement: the build holds one agreement at a time, so memory stays
    # flat however large the portfolio (loading again costs about 1 ms against ~15 ms per document).
    source: str
    kinds: tuple[str, ...]
    formats: tuple[str, ...]
    options: Options
    agreement: Agreement | None = None  # only for standard input, which cannot be read twice
    raw: bytes | None = None  # standard input's bytes, the agreement's (carried by the documents)
    digest: str | None = None  # sha256 of the file as the build saw it (None: no record is kept)


@dataclass
class Done:
    """What a task gave back: the documents made, in order, or the errors that stopped it."""

    source: str
    documents: list[tuple[str, str, bytes]] = field(default_factory=list)  # kind, format, bytes
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    kind_warnings: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    digest: str | None = None  # sha256 of the file the worker rendered (None: unknown, or it changed meanwhile)


def _render_task(task: Task, limit_mb: int | None = None) -> Done:
    return _work(task, limit_mb)[0]


def _work(task: Task, limit_mb: int | None) -> tuple[Done, bool]:
    """The task's result, and whether its worker should go (it ran out of memory: its heap is spent)."""
    from reports.provenance import attachments, read_data, source_name

    done = Done(task.source)
    kind = ""
    try:
        # The file is read once: the agreement is loaded from those bytes, the documents carry them
        # (reports.provenance) and the record keys the documents by their digest, so a file saved during
        # the build is never recorded under the key of its earlier content (batch compares the digests).
        if task.agreement is not None:  # standard input, read by the build already
            raw, agreement = task.raw, task.agreement
        else:
            raw, agreement = read_data(Path(task.source))
            if task.digest is not None:
                done.digest = hashlib.sha256(raw).hexdigest()
        against, found = _against(task)
        done.warnings.extend(found)
        for kind in task.kinds:
            carried = attachments(raw, source_name(task.source), kind, task.formats, task.options) \
                if raw is not None else {}
            results = render_formats(agreement, kind, task.formats, task.options, source=task.source,
                                     against=against, attachments=carried)
            for fmt, result in zip(task.formats, results, strict=True):
                done.documents.append((kind, fmt, signed(task.options.sign, fmt, result).data))
                done.warnings.extend(w for w in result.warnings if w not in done.warnings)
            done.kind_warnings[kind] = (*found, *results[0].warnings) if results else found
    except ReportsError as exc:
        done.errors.extend(problems_of(exc, task.source))
    except MemoryError:
        # The cap (or the machine) refused an allocation: this agreement stops, its worker is replaced.
        done.documents.clear()
        done.errors.append(memory_problem(task.source, kind, limit_mb))
        return done, True
    except Exception as exc:  # a bug of ours: this agreement fails, the others still build
        if limit_mb and near_memory_cap():  # a library that failed to allocate in its own way
            done.documents.clear()
            done.errors.append(memory_problem(task.source, kind, limit_mb))
            return done, True
        done.errors.append(internal_problem(task.source, exc))
        done.tracebacks.append(traceback_text(exc))
    return done, False


def _against(task: Task) -> tuple[Against | None, tuple[Problem, ...]]:
    """The old version the task's documents are redlined against (``--against``), or None: no redline
    asked for, or the file is new since the revision (then built as it is, with a warning)."""
    spec = task.options.against
    if spec is None:
        return None, ()
    from reports.against import old_agreement

    found = old_agreement(spec, task.source)
    if found is None:
        return None, (Problem(file=task.source, message=f"not in {spec.given}: a new file, built without a redline"),)
    from reports.against import old_options

    options, template_changed = old_options(spec, task.options)
    return Against(found[0], found[1], options=options, author=spec.author, template_changed=template_changed), ()


def _render_chunk(tasks: Sequence[Task]) -> list[Done]:
    return [_render_task(task) for task in tasks]


def _died(task: Task) -> Done:
    return Done(task.source, errors=[worker_died(task.source)])


def run_tasks(tasks: Sequence[Task], workers: int, executor: Executor | None) -> Generator[Done, None, None]:
    """Each task's result, in the order of ``tasks``; a task with no kind to render (all its documents
    are current) gives an empty result without going to a worker."""
    work = [task for task in tasks if task.kinds]
    results = _render_all(work, workers, executor)
    try:
        for task in tasks:
            yield next(results) if task.kinds else Done(task.source, digest=task.digest)
    finally:
        results.close()


def _render_all(tasks: Sequence[Task], workers: int, executor: Executor | None) -> Generator[Done, None, None]:
    if executor is not None:
        yield from _submitted(executor, tasks, 4 if len(tasks) >= 16 else 1)
        return
    if not tasks:
        return
    # Even one worker is a process of its own: the build's process never carries a document's memory.
    limit = tasks[0].options.memory_limit
    yield from supervised(tasks, max(1, workers), limit, _work, _died)


def _submitted(executor: Executor, tasks: Sequence[Task], size: int) -> Generator[Done, None, None]:
    """Send ``tasks`` to ``executor`` in chunks of ``size`` and give back their results in order. Any
    ``concurrent.futures.Executor`` will do: our process pool, a Dask cluster's, loky's, Ray's."""
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    # Futures leave this queue as their results are used, so finished documents are not kept.
    pending: deque[tuple[Future[list[Done]], Sequence[Task]]] = deque()
    try:
        pending.extend((executor.submit(_render_chunk, chunk), chunk) for chunk in chunks)
        # Results come back in input order, so output and manifest do not depend on --jobs.
        while pending:
            yield from _chunk_results(*pending.popleft())
    finally:
        # On Ctrl-C, SIGTERM, --fail-fast or a full disk: drop the work not started (the pool's own
        # cancel_futures may come too late, once the pool is collected), so leaving the `with` waits
        # only for the few chunks in flight. A caller's executor is left running, for its owner to close.
        for future, _chunk in pending:
            future.cancel()


def _chunk_results(future: Future[list[Done]], chunk: Sequence[Task]) -> list[Done]:
    try:
        return future.result()
    except BrokenExecutor:
        # Only chunks that had not come back are lost: finished futures keep their results.
        message = "not built: a worker process died (killed, or out of memory) before this agreement was done"
        return [Done(task.source, errors=[Problem(file=task.source, message=message)]) for task in chunk]
    except Exception as exc:  # the task could not be sent to a worker or its result not returned: a bug
        return [Done(task.source, errors=[internal_problem(task.source, exc)], tracebacks=[traceback_text(exc)])
                for task in chunk]


# --------------------------------------------------------------------------- one document


class WorkerBug(Exception):
    """A bug of ours met in a worker: its one-line problem and its traceback, carried back as text."""

    def __init__(self, problem: Problem, traceback: str) -> None:
        super().__init__(problem.message)
        self.problem, self.traceback = problem, traceback

    def __reduce__(self) -> tuple[type[WorkerBug], tuple[Problem, str]]:  # it travels back from a worker
        return WorkerBug, (self.problem, self.traceback)


@dataclass(frozen=True)
class _One:
    agreement: Agreement
    kind: str
    fmt: str
    options: Options
    source: str
    attachments: tuple[Attachment, ...] = ()


def render_isolated(agreement: Agreement, kind: str, fmt: str, options: Options, *, source: str,
                    attachments: Sequence[Attachment] = ()) -> Rendered:
    """``pipeline.render`` in one supervised worker under ``options.memory_limit``, as a build renders:
    the calling process never carries the document's memory. Raises what ``render`` raises (a
    ``ReportsError``), ``RenderError`` for the memory cap or a worker that died, and ``WorkerBug`` for
    a bug of ours. ``attachments``: the files the document carries (``reports.provenance``)."""
    task = _One(agreement, kind, fmt, options, source, tuple(attachments))
    (outcome,) = supervised([task], 1, options.memory_limit, _work_one, _one_died)
    if isinstance(outcome, Rendered):
        return outcome
    raise outcome


def _work_one(task: _One, limit_mb: int | None) -> tuple[Rendered | Exception, bool]:
    try:
        made = render(task.agreement, task.kind, task.fmt, task.options, source=task.source,
                      attachments=task.attachments)
        return signed(task.options.sign, task.fmt, made), False
    except ReportsError as exc:
        return exc, False
    except MemoryError:
        return RenderError("", [memory_problem(task.source, task.kind, limit_mb)]), True
    except Exception as exc:  # a bug of ours, unless the cap is what the library met
        if limit_mb and near_memory_cap():
            return RenderError("", [memory_problem(task.source, task.kind, limit_mb)]), True
        return WorkerBug(internal_problem(task.source, exc), traceback_text(exc)), False


def _one_died(task: _One) -> RenderError:
    return RenderError("", [worker_died(task.source)])


def memory_problem(source: str, kind: str | None, limit_mb: int | None) -> Problem:
    """``SOURCE: KIND: used more than N MB; stopped``: the memory cap stopped a document."""
    cap = f"more than {limit_mb} MB" if limit_mb else "all the memory it could have"
    fix = " (raise it with --memory-limit)" if limit_mb else ""
    return Problem(file=source, field=kind or None, message=f"used {cap}; stopped{fix}")
