"""The build step: many agreements x kinds x formats -> files on disk, a manifest, or a check.

load (in this process, so duplicate ids are caught before anything is written) -> render (in worker
processes when --jobs > 1) -> write atomically (only here, in this process, one writer per folder).

One agreement never stops the others: whatever goes wrong inside it (bad data, a template error, the
time limit, or a bug of ours, MemoryError and RecursionError included) is recorded against it, in the
result and the manifest, and the rest are built. A worker that dies marks only the agreements it had not
finished. The manifest is written whatever happened, also when writing stops for a full disk.
"""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from reports.build_record import RECORD_NAME, Entry, Record
from reports.digests import Keys, data_digest
from reports.errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    DataError,
    OutputError,
    Problem,
    ReportsError,
    display_path,
)
from reports.limits import (
    EXIT_INTERNAL,
    EXIT_TERMINATED,
    Terminated,
    die_with_parent,
    internal_problem,
    max_workers,
    traceback_text,
)
from reports.model import Agreement
from reports.output import is_unchanged, prepare_out_dir, remove_stale_temporaries, write_atomic
from reports.pipeline import FORMATS, KINDS, Options, render_formats

DATA_SUFFIXES = (".yaml", ".yml", ".json")
NOT_WRITTEN = "not written"


@dataclass
class OutputRecord:
    """One document of a build: where it goes and what it is."""

    path: str
    kind: str
    format: str
    size: int
    sha256: str
    pages: int | None
    # "written", "unchanged", "not written" (build) or "ok", "missing", "differs" (check)
    status: str

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__, "path": display_path(self.path)}


@dataclass
class InputRecord:
    """One input file of a build, the documents made from it and what went wrong."""

    file: str
    id: str | None = None
    outputs: list[OutputRecord] = field(default_factory=list)
    unwritten: list[OutputRecord] = field(default_factory=list)  # made, but the write failed or stopped
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)  # of internal errors, for --debug; not in the manifest
    not_built: str | None = None  # why an agreement that loaded was never built (the build stopped first)

    @property
    def internal(self) -> bool:
        """True when a bug of ours (not the user's data or template) stopped this agreement."""
        return bool(self.tracebacks)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": display_path(self.file),
            "id": self.id,
            "outputs": [o.as_dict() for o in self.outputs],
            "not_written": [o.as_dict() for o in self.unwritten],
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "internal_error": self.internal,
            "not_built": self.not_built,
        }


@dataclass
class BuildResult:
    """What a build did, for the summary line, the exit code and the manifest."""

    out_dir: Path
    check: bool
    inputs: list[InputRecord] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    terminated: bool = False  # interrupted by SIGTERM rather than Ctrl-C
    stopped: str | None = None  # why writing stopped before the end (a full disk, an unwritable folder)
    workers: int = 0  # worker processes started (0: built in this process or by the caller's executor)
    manifest_error: str | None = None  # the manifest could not be written
    record_error: str | None = None  # the incremental-build record could not be written (a warning)
    rendered: int = 0  # documents made this time
    reused: int = 0  # documents the record showed current, so not made again

    @property
    def failed(self) -> list[InputRecord]:
        return [i for i in self.inputs if i.errors]

    @property
    def internal(self) -> list[InputRecord]:
        """Inputs that a bug of ours stopped (exit code 3)."""
        return [i for i in self.inputs if i.internal]

    @property
    def not_built(self) -> list[InputRecord]:
        return [i for i in self.inputs if i.not_built]

    @property
    def outputs(self) -> list[OutputRecord]:
        return [o for i in self.inputs for o in i.outputs]

    @property
    def stale(self) -> list[OutputRecord]:
        """Outputs that --check found missing or different from what was just built."""
        return [o for o in self.outputs if o.status in ("missing", "differs")]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stale and not self.interrupted and not self.stopped

    @property
    def exit_code(self) -> int:
        """130/143 when interrupted, 3 when a bug of ours stopped an agreement (it matters most), 1 for any
        other failure, 0 for success."""
        if self.interrupted:
            return EXIT_TERMINATED if self.terminated else EXIT_INTERRUPTED
        if self.internal:
            return EXIT_INTERNAL
        if not self.ok or self.manifest_error:
            return EXIT_ERROR
        return EXIT_OK

    def manifest(self) -> dict[str, object]:
        """The JSON-ready manifest; free of timings so that it is itself reproducible. Every text in it is
        valid UTF-8 (file names that are not are shown with \\x escapes)."""
        return {
            "manifest_version": 1,
            "out_dir": display_path(self.out_dir.as_posix()),
            "check": self.check,
            "ok": self.ok,
            "interrupted": self.interrupted,
            "stopped": self.stopped,
            "inputs": [i.as_dict() for i in self.inputs],
        }


def write_manifest(result: BuildResult, path: Path) -> None:
    """Write ``result.manifest()`` as JSON to ``path`` (atomically, creating its folder); raise ``OutputError``."""
    text = json.dumps(result.manifest(), indent=2, ensure_ascii=False) + "\n"
    try:  # a shard with nothing to build still reports, into a folder that may not exist yet
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display_path(path)}: cannot create its folder: {exc.strerror or exc}") from None
    write_atomic(path, text.encode("utf-8", "backslashreplace"))


# --------------------------------------------------------------------------- inputs


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders (every *.yaml, *.yml, *.json inside, sorted) into a list of files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in DATA_SUFFIXES
                                and not p.name.startswith(".")))
        else:
            found.append(path)
    unique: dict[str, Path] = {}
    for path in found:  # the same file named twice is built once
        unique.setdefault(os.path.normpath(path), path)
    return list(unique.values())


def parse_shard(text: str) -> tuple[int, int]:
    """Parse ``I/N`` (1 <= I <= N) into a pair; raise ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise ValueError(f"expected I/N, e.g. 1/3, got {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: I must be between 1 and N")
    return index, count


def in_shard(path: Path, shard: tuple[int, int]) -> bool:
    """True when ``path`` belongs to shard I of N.

    Decided by a hash of the file name, not by position in the list, so adding one agreement does not
    move every other one to a different runner, and every runner agrees without talking to the others.
    """
    index, count = shard
    digest = hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1


# --------------------------------------------------------------------------- rendering (in workers)


@dataclass(frozen=True)
class _Task:
    # The file, not the loaded agreement: the build holds one agreement at a time, so memory stays
    # flat however large the portfolio (loading again costs about 1 ms against ~15 ms per document).
    source: str
    kinds: tuple[str, ...]
    formats: tuple[str, ...]
    options: Options
    agreement: Agreement | None = None  # only for standard input, which cannot be read twice
    digest: str | None = None  # sha256 of the file as the build saw it (None: no record is kept)


@dataclass
class _Done:
    source: str
    documents: list[tuple[str, str, bytes]] = field(default_factory=list)  # kind, format, bytes
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    kind_warnings: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    digest: str | None = None  # sha256 of the file the worker rendered (None: unknown, or it changed meanwhile)


def _problems(exc: ReportsError, file: str) -> list[Problem]:
    return list(exc.problems) or [Problem(file=file, message=exc.message)]


def _render_task(task: _Task) -> _Done:
    from reports.load import load_agreement

    done = _Done(task.source)
    try:
        # The record keys a document by the bytes of its data file: hashed before and after loading, so
        # a file saved during the build is never recorded under the key of its earlier content.
        before = data_digest(task.source) if task.digest is not None else None
        agreement = task.agreement or load_agreement(Path(task.source))  # raises if the file changed since
        if before is not None and data_digest(task.source) == before:
            done.digest = before
        for kind in task.kinds:
            results = render_formats(agreement, kind, task.formats, task.options, source=task.source)
            for fmt, result in zip(task.formats, results, strict=True):
                done.documents.append((kind, fmt, result.data))
                done.warnings.extend(w for w in result.warnings if w not in done.warnings)
            done.kind_warnings[kind] = results[0].warnings if results else ()
    except ReportsError as exc:
        done.errors.extend(_problems(exc, task.source))
    except Exception as exc:  # a bug of ours: this agreement fails, the others still build
        done.errors.append(internal_problem(task.source, exc))
        done.tracebacks.append(traceback_text(exc))
    return done


def _render_chunk(tasks: Sequence[_Task]) -> list[_Done]:
    return [_render_task(task) for task in tasks]


def _worker_init(build_pid: int | None) -> None:
    # Workers leave Ctrl-C to the parent, which stops the pool and cleans up in one place; a forked
    # worker must not inherit the parent's SIGTERM handler either (SIGTERM simply ends a worker).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(build_pid)


def _run(tasks: Sequence[_Task], workers: int, executor: Executor | None) -> Generator[_Done, None, None]:
    """Each task's result, in the order of ``tasks``; a task with no kind to render (all its documents
    are current) gives an empty result without going to a worker."""
    work = [task for task in tasks if task.kinds]
    results = _render_all(work, workers, executor)
    try:
        for task in tasks:
            yield next(results) if task.kinds else _Done(task.source, digest=task.digest)
    finally:
        results.close()


def _render_all(tasks: Sequence[_Task], workers: int, executor: Executor | None) -> Generator[_Done, None, None]:
    if executor is not None:
        yield from _submitted(executor, tasks, 4 if len(tasks) >= 16 else 1)
        return
    if workers <= 1:
        yield from map(_render_task, tasks)
        return
    context = multiprocessing.get_context()
    # Forked workers are the build's own children; other start methods give them another parent.
    build_pid = os.getpid() if context.get_start_method() == "fork" else None
    # A fixed, small chunk: larger ones save little (a task is ~50 ms of work) and hold more finished
    # documents in memory at once, so memory would grow with the portfolio.
    size = 4 if len(tasks) >= 8 * workers else 1
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                             initargs=(build_pid,)) as pool:
        yield from _submitted(pool, tasks, size)


def _submitted(executor: Executor, tasks: Sequence[_Task], size: int) -> Generator[_Done, None, None]:
    """Send ``tasks`` to ``executor`` in chunks of ``size`` and give back their results in order. Any
    ``concurrent.futures.Executor`` will do: our process pool, a Dask cluster's, loky's, Ray's."""
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    # Futures leave this queue as their results are used, so finished documents are not kept.
    pending: deque[tuple[Future[list[_Done]], Sequence[_Task]]] = deque()
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


def _chunk_results(future: Future[list[_Done]], chunk: Sequence[_Task]) -> list[_Done]:
    try:
        return future.result()
    except BrokenExecutor:
        # Only chunks that had not come back are lost: finished futures keep their results.
        message = "not built: a worker process died (killed, or out of memory) before this agreement was done"
        return [_Done(task.source, errors=[Problem(file=task.source, message=message)]) for task in chunk]
    except Exception as exc:  # the task could not be sent to a worker or its result not returned: a bug
        return [_Done(task.source, errors=[internal_problem(task.source, exc)], tracebacks=[traceback_text(exc)])
                for task in chunk]


# --------------------------------------------------------------------------- the build


_PDF_PAGES = re.compile(rb"/Count (\d+) /Kids")
# Errors that concern the whole output folder, not one file: writing the next document would fail alike.
_FOLDER_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def _page_count(fmt: str, data: bytes) -> int | None:
    # The PDF page tree root is the only object reportlab gives a /Count; Word lays out pages itself,
    # so a DOCX has no page count until it is opened.
    if fmt != "pdf":
        return None
    counts = [int(m) for m in _PDF_PAGES.findall(data)]
    return max(counts) if counts else None


def build(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    kinds: Sequence[str] = KINDS,
    formats: Sequence[str] = FORMATS,
    options: Options | None = None,
    jobs: int = 1,
    shard: tuple[int, int] | None = None,
    check: bool = False,
    fail_fast: bool = False,
    manifest: Path | None = None,
    on_progress: Callable[[InputRecord], None] | None = None,
    executor: Executor | None = None,
    force: bool = False,
    incremental: bool = True,
    on_start: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build every agreement in ``paths`` into ``out_dir`` (or, with ``check``, compare without writing).

    Each bad input is recorded in the result and the others still build, unless ``fail_fast``. Starts at
    most ``jobs`` worker processes, and never more than one per agreement or two per CPU; or, with
    ``executor`` (any ``concurrent.futures.Executor``: a Dask cluster's ``Client.get_executor()``, loky,
    a pool of your own), renders there instead and starts none; results, errors and manifest are the same.
    The caller's executor is left open. In an executor's threads there is no per-document time limit.

    Incremental: a document whose key (see ``reports.digests``) and file are those recorded in the output
    folder's record is not made again; ``force`` makes every document, ``incremental=False`` neither
    reads nor writes the record. ``check`` uses the record only where the file's sha256 proves it current.

    With ``manifest``, writes the manifest there whatever happens (``result.manifest_error`` says if it
    could not be written). ``on_start(n)`` is called once the n agreements to build are known, and
    ``on_progress(record)`` as each is finished. Raises, before writing anything, ``DataError`` if two
    agreements share an id and ``OutputError`` when the output folder cannot be used or ``manifest``
    would overwrite an input, the output folder, the build record or a document of this build.
    """
    started = time.perf_counter()
    opts = options or Options()
    from reports.kinds import require_kind

    for kind in kinds:  # before anything is loaded or written: a kind names output files
        require_kind(kind, opts.template_dir)
    result = BuildResult(out_dir=out_dir, check=check)
    named = collect_inputs(paths)
    files = [f for f in named if in_shard(f, shard)] if shard is not None else named
    records: dict[str, InputRecord] = {}
    plan = _Plan(out_dir, opts, kinds, formats, check=check, force=force) if incremental and files else None
    try:
        tasks, stop = _load_all(files, kinds, formats, opts, result, records, fail_fast, plan)
    except KeyboardInterrupt as exc:  # stopped while loading: nothing is built, the manifest still says so
        result.interrupted, result.terminated = True, isinstance(exc, Terminated)
        tasks, stop = [], None
    names = [f"{r.id}-{kind}.{fmt}" for r in result.inputs if r.id for kind in kinds for fmt in formats]
    if manifest is not None:
        refuse_manifest_target(manifest, paths=paths, inputs=named, out_dir=out_dir, documents=names,
                               options=opts)
    try:
        if stop is not None:
            raise stop
        if not check and any(task.kinds for task in tasks):
            prepare_out_dir(out_dir)
            # A build killed with SIGKILL had no chance to remove its temporaries; this one removes them.
            remove_stale_temporaries(out_dir, [*names, RECORD_NAME])
    except ReportsError as exc:  # nothing was built: the manifest says why, then the error is raised
        result.stopped = exc.format_message()
        _mark_not_built(result, "the build stopped before it began")
        if manifest is not None:
            _write_manifest(result, manifest)
        raise
    if fail_fast and result.failed:
        tasks = []
    rendering = sum(1 for task in tasks if task.kinds)
    workers = 0 if executor is not None else min(jobs, rendering, max_workers())
    result.workers = workers if workers > 1 else 0
    if on_start:
        on_start(len(result.inputs))
    if on_progress:
        for record in result.failed:  # failed to load: finished already
            on_progress(record)
    try:
        _render_and_write(result, records, tasks, check, fail_fast, on_progress, executor, plan, kinds)
    finally:
        if plan is not None and not check:
            try:
                plan.record.write()
            except ReportsError as exc:
                result.record_error = (f"warning: the build record could not be written, so the next build "
                                       f"makes every document again: {exc.format_message()}")
    if result.interrupted:
        reason = "interrupted"
    elif result.stopped:
        reason = "writing stopped"
    else:
        reason = "--fail-fast stopped the build" if fail_fast else "not built"
    _mark_not_built(result, reason)
    result.seconds = time.perf_counter() - started
    if manifest is not None:
        _write_manifest(result, manifest)
    return result


class _Plan:
    """What the record says about this build: which documents are current and need not be made."""

    def __init__(self, out_dir: Path, options: Options, kinds: Sequence[str], formats: Sequence[str], *,
                 check: bool, force: bool) -> None:
        self.keys = Keys(options, kinds, formats)
        self.record = Record.read(out_dir, self.keys.tool)
        self.check, self.force = check, force
        self.formats = tuple(formats)
        # source -> {kind: the recorded entry of each format}, for the documents found current
        self.current: dict[str, dict[str, list[Entry]]] = {}

    def known_id(self, source: str, digest: str | None) -> str | None:
        return None if self.force else self.record.known_id(source, digest)

    def current_kinds(self, source: str, digest: str, agreement_id: str, kinds: Sequence[str]) -> tuple[str, ...]:
        """Find the kinds of ``source`` whose every format is current; return the kinds still to make."""
        found: dict[str, list[Entry]] = {}
        if not self.force:
            for kind in kinds:
                entries = [self.record.current(f"{agreement_id}-{kind}.{fmt}",
                                               self.keys.key(source, digest, kind, fmt), exact=self.check)
                           for fmt in self.formats]
                if all(entries):
                    found[kind] = [e for e in entries if e is not None]
        if found:
            self.current[source] = found
        return tuple(kind for kind in kinds if kind not in found)

    def put(self, source: str, digest: str, agreement_id: str, kind: str, fmt: str, output: OutputRecord,
            warnings: Sequence[Problem]) -> None:
        self.record.put(f"{agreement_id}-{kind}.{fmt}", self.keys.key(source, digest, kind, fmt), output.sha256,
                        output.size, output.pages, warnings)
        self.record.put_input(source, digest, agreement_id)


def _load_all(files: Sequence[Path], kinds: Sequence[str], formats: Sequence[str], opts: Options,
              result: BuildResult, records: dict[str, InputRecord], fail_fast: bool,
              plan: _Plan | None) -> tuple[list[_Task], ReportsError | None]:
    """Load every file here, to learn ids (and find duplicates) before anything is written. A file whose
    bytes the record knows is not loaded: its id is the one recorded."""
    from reports.load import load_agreement

    tasks: list[_Task] = []
    owners: dict[str, str] = {}
    for file in files:
        record = InputRecord(file=str(file))
        result.inputs.append(record)
        records[record.file] = record
        digest = data_digest(file) if plan is not None and str(file) != "-" else None
        agreement: Agreement | None = None
        known = plan.known_id(str(file), digest) if plan is not None else None
        if known is None:
            try:
                agreement = load_agreement(file)
            except ReportsError as exc:
                record.errors.extend(_problems(exc, str(file)))
            except Exception as exc:  # a bug of ours in loading: this file fails, the others still build
                record.errors.append(internal_problem(str(file), exc))
                record.tracebacks.append(traceback_text(exc))
        if known is not None or agreement is not None:
            record.id = known if known is not None else agreement.id if agreement is not None else None
            assert record.id is not None
            if record.id in owners:
                message = (f"id {record.id!r} is already used by {display_path(owners[record.id])}; two "
                           "agreements would write the same files, so nothing was built")
                return tasks, DataError(message, problems=[Problem(file=str(file), field="id", message=message)])
            owners[record.id] = str(file)
            to_make = tuple(kinds)
            if plan is not None and digest is not None:
                to_make = plan.current_kinds(str(file), digest, record.id, kinds)
            tasks.append(_Task(str(file), to_make, tuple(formats), opts,
                               agreement if str(file) == "-" else None, digest=digest))
        if fail_fast and record.errors:
            break
    return tasks, None


def _render_and_write(result: BuildResult, records: dict[str, InputRecord], tasks: Sequence[_Task],
                      check: bool, fail_fast: bool, on_progress: Callable[[InputRecord], None] | None,
                      executor: Executor | None, plan: _Plan | None, kinds: Sequence[str]) -> None:
    by_source = {task.source: task for task in tasks}
    finished = _run(tasks, result.workers, executor)
    try:
        for done in finished:
            record = records[done.source]
            _merge(result, record, by_source[done.source], done, check, plan, kinds)
            if on_progress:
                on_progress(record)
            if result.stopped or (fail_fast and record.errors):
                break
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Terminated): finished files are kept
        result.interrupted = True
        result.terminated = isinstance(exc, Terminated)
    finally:
        finished.close()  # stops the worker pool at once on --fail-fast, Ctrl-C or a full disk


def _merge(result: BuildResult, record: InputRecord, task: _Task, done: _Done, check: bool, plan: _Plan | None,
           kinds: Sequence[str]) -> None:
    """Put one agreement's documents in place, in the order of ``kinds``: those just made are written,
    those the record shows current are reported as they were. The same outputs, warnings and errors as
    if every document had been made (a kind after one that failed is not reported, as then)."""
    current = plan.current.get(task.source, {}) if plan is not None else {}
    record.errors.extend(done.errors)
    record.tracebacks.extend(done.tracebacks)
    if current and task.kinds and done.digest != task.digest:
        message = "the file changed while it was being built; run the build again"
        record.errors.append(Problem(file=task.source, message=message))
        return
    made: dict[str, list[tuple[str, bytes]]] = {}
    for kind, fmt, data in done.documents:
        made.setdefault(kind, []).append((fmt, data))
    warnings: list[Problem] = []
    recordable = plan is not None and not check and done.digest is not None and done.digest == task.digest
    for kind in kinds:
        if kind in current:
            warnings.extend(w for w in current[kind][0].warnings if w not in warnings)
            for fmt, entry in zip(task.formats, current[kind], strict=True):
                _reuse(result, record, kind, fmt, entry, check)
            continue
        if kind not in made:
            break  # this kind failed (its error is recorded); later kinds were not made
        kind_warnings = done.kind_warnings.get(kind, ())
        warnings.extend(w for w in kind_warnings if w not in warnings)
        for fmt, data in made[kind]:
            result.rendered += 1
            output = _write_one(result, record, kind, fmt, data, check)
            if output is not None and recordable and plan is not None and record.id and task.digest:
                plan.put(task.source, task.digest, record.id, kind, fmt, output, kind_warnings)
    record.warnings.extend(warnings)


def _reuse(result: BuildResult, record: InputRecord, kind: str, fmt: str, entry: Entry, check: bool) -> None:
    target = result.out_dir / f"{record.id}-{kind}.{fmt}"
    status = NOT_WRITTEN if result.stopped else "ok" if check else "unchanged"
    result.reused += 0 if result.stopped else 1
    described = OutputRecord(path=target.as_posix(), kind=kind, format=fmt, size=entry.size, sha256=entry.sha256,
                             pages=entry.pages, status=status)
    (record.unwritten if result.stopped else record.outputs).append(described)


def _write_one(result: BuildResult, record: InputRecord, kind: str, fmt: str, data: bytes,
               check: bool) -> OutputRecord | None:
    """Write (or, with ``check``, compare) one document; return its record when that succeeded."""
    target = result.out_dir / f"{record.id}-{kind}.{fmt}"
    # The id is a validated slug, so this cannot leave out_dir; the assertion guards future changes.
    assert target.parent == result.out_dir, target
    if result.stopped:
        record.unwritten.append(_describe(target, kind, fmt, data, NOT_WRITTEN))
        return None
    try:
        output = _emit(target, kind, fmt, data, check)
    except OutputError as exc:
        record.errors.extend(_problems(exc, display_path(target)))
        record.unwritten.append(_describe(target, kind, fmt, data, NOT_WRITTEN))
        cause = exc.__context__
        if isinstance(cause, OSError) and cause.errno in _FOLDER_ERRNOS:
            # A full disk or a folder gone read-only: every further write would fail alike, so stop
            # rendering; the manifest lists what was not written.
            result.stopped = f"writing stopped: {exc.format_message()}"
        return None
    except Exception as exc:  # a bug of ours while writing one document: recorded against its agreement
        record.errors.append(internal_problem(record.file, exc))
        record.tracebacks.append(traceback_text(exc))
        record.unwritten.append(_describe(target, kind, fmt, data, NOT_WRITTEN))
        return None
    record.outputs.append(output)
    return output


def _mark_not_built(result: BuildResult, reason: str) -> None:
    for record in result.inputs:
        if not (record.outputs or record.unwritten or record.errors):
            record.not_built = reason


def _write_manifest(result: BuildResult, path: Path) -> None:
    try:
        write_manifest(result, path)
    except OutputError as exc:
        result.manifest_error = exc.format_message()


def _emit(target: Path, kind: str, fmt: str, data: bytes, check: bool) -> OutputRecord:
    if check:
        status = "ok" if is_unchanged(target, data) else ("differs" if target.exists() else "missing")
    else:
        status = "written" if write_atomic(target, data) else "unchanged"  # holds Ctrl-C while it writes
    return _describe(target, kind, fmt, data, status)


def _describe(target: Path, kind: str, fmt: str, data: bytes, status: str) -> OutputRecord:
    return OutputRecord(
        path=target.as_posix(), kind=kind, format=fmt, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), pages=_page_count(fmt, data), status=status,
    )


# --------------------------------------------------------------------------- the manifest's place


def _real(path: Path | str) -> Path:
    return Path(os.path.realpath(path))  # follows links, so a link onto an input is seen for what it is


def refuse_manifest_target(manifest: Path, *, paths: Sequence[Path], inputs: Sequence[Path], out_dir: Path,
                           documents: Iterable[str], options: Options) -> None:
    """Raise ``OutputError`` when writing the manifest to ``manifest`` would replace something the build
    reads or writes: a data file, a data folder (or a data file the next build would read there), the
    output folder, a document of this build, the reference document or a template."""
    target = _real(manifest)

    def refuse(what: str) -> None:
        raise OutputError(f"{display_path(manifest)}: the manifest would overwrite {what}; "
                          "choose another --manifest path")

    if target == _real(out_dir):
        refuse(f"the output folder {display_path(out_dir)}")
    for file in inputs:
        if str(file) != "-" and target == _real(file):
            refuse(f"the data file {display_path(file)}")
    for path in paths:
        if str(path) == "-" or not path.is_dir():
            continue
        if target == _real(path):
            refuse(f"the data folder {display_path(path)}")
        if target.parent == _real(path) and target.suffix.lower() in DATA_SUFFIXES:
            refuse(f"a data file in {display_path(path)} (the next build would read it as an agreement)")
    if target == _real(out_dir / RECORD_NAME):
        refuse(f"the build record {display_path(out_dir / RECORD_NAME)} (it lets the next build skip current "
               "documents)")
    for name in documents:
        if target == _real(out_dir / name):
            refuse(f"the document {display_path(out_dir / name)} of this build")
    if options.reference_docx is not None and target == _real(options.reference_docx):
        refuse(f"the reference document {display_path(options.reference_docx)}")
    if options.template_dir is not None and target.is_relative_to(_real(options.template_dir)):
        refuse(f"a file in the template folder {display_path(options.template_dir)}")
    theme = options.theme
    theme_files: tuple[tuple[str, Path | None], ...] = (("theme file", theme.source), ("logo", theme.logo))
    for what, named in theme_files:
        if named is not None and target == _real(named):
            refuse(f"the {what} {display_path(named)}")
