"""The build step: many agreements x kinds x formats -> files on disk, a manifest, or a check.

load (in this process, so duplicate ids are caught before anything is written) -> render (in worker
processes when --jobs > 1) -> write atomically (only here, in this process, one writer per folder).

One agreement never stops the others: whatever goes wrong inside it (bad data, a template error, the
time limit, or a bug of ours, MemoryError and RecursionError included) is recorded against it, in the
result and the manifest, and the rest are built. A worker that dies marks only the agreements it had not
finished. The manifest is written whatever happened, also when writing stops for a full disk.

This module is the build's entry point (``build``) and its order of steps; the steps live below it:
``reports.inputs`` (which files), ``reports.workers`` (rendering, in workers or an executor),
``reports.emit`` (each document written, compared or reused), ``reports.results`` (what the build did),
``reports.manifest`` (the manifest and where it may go), ``reports.digests`` and
``reports.build_record`` (the incremental build's keys and record).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from pathlib import Path

from reports.build_record import RECORD_NAME, Entry, Record
from reports.digests import DATA_DIGEST_LIMIT, Keys, read_regular
from reports.emit import reuse, write_one
from reports.errors import DataError, OutputError, Problem, ReportsError, display_path
from reports.inputs import DATA_SUFFIXES, collect_inputs, in_shard, parse_shard
from reports.kinds import DEFAULT_KINDS as KINDS
from reports.limits import Terminated, internal_problem, max_workers, traceback_text
from reports.manifest import refuse_manifest_target, write_manifest
from reports.model import Agreement
from reports.output import prepare_out_dir, remove_stale_temporaries
from reports.pipeline import Options
from reports.results import BuildResult, InputRecord, OutputRecord, problems_of
from reports.workers import Done, Task, run_tasks
from reports.writers.registry import FORMATS

# The build's names, importable from here as before the steps had modules of their own.
__all__ = ["DATA_SUFFIXES", "BuildResult", "InputRecord", "OutputRecord", "build", "collect_inputs", "in_shard",
           "parse_shard", "refuse_manifest_target", "write_manifest"]


# --------------------------------------------------------------------------- the build


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
    reads nor writes the record. ``check`` never reads the record: every document is made in memory and
    compared byte for byte with the file on disk (a record travels with the documents, so whoever can
    change a document can change the record to match it).

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
    plan = _Plan(out_dir, opts, kinds, formats, force=force) if incremental and files and not check else None
    try:
        tasks, stop = _load_all(files, kinds, formats, opts, result, records, fail_fast, plan)
        if isinstance(stop, _RecordLied) and plan is not None:
            # The record gave an id that another data file has: it is not followed, and the files are
            # loaded again, every one of them, as with no record.
            plan.record.discard(str(stop))
            plan.current.clear()
            result.inputs.clear()
            records.clear()
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
    if plan is not None:
        result.record_error = plan.record.warning
    try:
        _render_and_write(result, records, tasks, check, fail_fast, on_progress, executor, plan, kinds)
    finally:
        if plan is not None and not check:
            try:
                plan.record.write()
            except ReportsError as exc:
                result.record_error = "\n".join(filter(None, [
                    result.record_error, "warning: the build record could not be written, so the next build "
                    f"makes every document again: {exc.format_message()}"]))
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
                 force: bool) -> None:
        self.keys = Keys(options, kinds, formats)
        self.record = Record.read(out_dir, self.keys.tool)
        self.force = force
        self.formats = tuple(formats)
        # source -> {kind: the recorded entry of each format}, for the documents found current
        self.current: dict[str, dict[str, list[Entry]]] = {}

    def known_id(self, source: str, digest: str | None, data: bytes | None) -> str | None:
        return None if self.force else self.record.known_id(source, digest, data)

    def current_kinds(self, source: str, digest: str, agreement_id: str, kinds: Sequence[str]) -> tuple[str, ...]:
        """Find the kinds of ``source`` whose every format is current; return the kinds still to make."""
        found: dict[str, list[Entry]] = {}
        if not self.force:
            for kind in kinds:
                entries = [self.record.current(f"{agreement_id}-{kind}.{fmt}",
                                               self.keys.key(source, digest, kind, fmt))
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


class _RecordLied(DataError):
    """An id the record gave for one data file is the id of another: the record is not followed."""


def _load_all(files: Sequence[Path], kinds: Sequence[str], formats: Sequence[str], opts: Options,
              result: BuildResult, records: dict[str, InputRecord], fail_fast: bool,
              plan: _Plan | None) -> tuple[list[Task], ReportsError | None]:
    """Load every file here, to learn ids (and find duplicates) before anything is written. A file whose
    bytes the record knows is not loaded: its id is the one recorded."""
    from reports.load import load_agreement
    from reports.provenance import read_data

    tasks: list[Task] = []
    stdin_raw: bytes | None = None
    owners: dict[str, str] = {}
    from_record: set[str] = set()  # the ids taken from the record rather than from a loaded file
    for file in files:
        record = InputRecord(file=str(file))
        result.inputs.append(record)
        records[record.file] = record
        data = read_regular(file, DATA_DIGEST_LIMIT) if plan is not None and str(file) != "-" else None
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        agreement: Agreement | None = None
        known = plan.known_id(str(file), digest, data) if plan is not None else None
        if known is None:
            try:
                if str(file) == "-":  # read once: the agreement and the bytes its documents carry
                    stdin_raw, agreement = read_data(file)
                else:
                    agreement = load_agreement(file)
            except ReportsError as exc:
                record.errors.extend(problems_of(exc, str(file)))
            except Exception as exc:  # a bug of ours in loading: this file fails, the others still build
                record.errors.append(internal_problem(str(file), exc))
                record.tracebacks.append(traceback_text(exc))
        found = known if known is not None else agreement.id if agreement is not None else None
        if plan is not None and agreement is not None and plan.record.claims_other_id(str(file), digest, found):
            # The file's bytes are those recorded, yet it declares another id: the record lied.
            return tasks, _RecordLied(f"it gives {display_path(file)} an id the file does not have")
        if found is not None:
            record.id = found
            if found in owners and (found in from_record or known is not None):
                return tasks, _RecordLied(f"it gives the id {found!r} to more than one data file")
            if known is not None:
                from_record.add(found)
            if record.id in owners:
                message = (f"id {record.id!r} is already used by {display_path(owners[record.id])}; two "
                           "agreements would write the same files, so nothing was built")
                return tasks, DataError(message, problems=[Problem(file=str(file), field="id", message=message)])
            owners[record.id] = str(file)
            to_make = tuple(kinds)
            if plan is not None and digest is not None:
                to_make = plan.current_kinds(str(file), digest, record.id, kinds)
            tasks.append(Task(str(file), to_make, tuple(formats), opts,
                              agreement if str(file) == "-" else None, digest=digest,
                              raw=stdin_raw if str(file) == "-" else None))
        if fail_fast and record.errors:
            break
    return tasks, None


def _render_and_write(result: BuildResult, records: dict[str, InputRecord], tasks: Sequence[Task],
                      check: bool, fail_fast: bool, on_progress: Callable[[InputRecord], None] | None,
                      executor: Executor | None, plan: _Plan | None, kinds: Sequence[str]) -> None:
    by_source = {task.source: task for task in tasks}
    finished = run_tasks(tasks, result.workers, executor)
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


def _merge(result: BuildResult, record: InputRecord, task: Task, done: Done, check: bool, plan: _Plan | None,
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
                reuse(result, record, kind, fmt, entry, check)
            continue
        if kind not in made:
            break  # this kind failed (its error is recorded); later kinds were not made
        kind_warnings = done.kind_warnings.get(kind, ())
        warnings.extend(w for w in kind_warnings if w not in warnings)
        for fmt, data in made[kind]:
            result.rendered += 1
            output = write_one(result, record, kind, fmt, data, check)
            if output is not None and recordable and plan is not None and record.id and task.digest:
                plan.put(task.source, task.digest, record.id, kind, fmt, output, kind_warnings)
    record.warnings.extend(warnings)


def _mark_not_built(result: BuildResult, reason: str) -> None:
    for record in result.inputs:
        if not (record.outputs or record.unwritten or record.errors):
            record.not_built = reason


def _write_manifest(result: BuildResult, path: Path) -> None:
    try:
        write_manifest(result, path)
    except OutputError as exc:
        result.manifest_error = exc.format_message()
