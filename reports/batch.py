"""The build step: many agreements x kinds x formats -> files on disk, a manifest, or a check.

load (in this process, so duplicate ids are caught before anything is written) -> render (in worker
processes when --jobs > 1) -> write atomically (only here, in this process, one writer per folder).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from reports.errors import DataError, Problem, ReportsError
from reports.model import Agreement
from reports.output import is_unchanged, prepare_out_dir, write_atomic
from reports.pipeline import FORMATS, KINDS, Options, render_formats

DATA_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class OutputRecord:
    """One document of a build: where it goes and what it is."""

    path: str
    kind: str
    format: str
    size: int
    sha256: str
    pages: int | None
    status: str  # "written", "unchanged" (build) or "ok", "missing", "differs" (check)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class InputRecord:
    """One input file of a build, the documents made from it and what went wrong."""

    file: str
    id: str | None = None
    outputs: list[OutputRecord] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "id": self.id,
            "outputs": [o.as_dict() for o in self.outputs],
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


@dataclass
class BuildResult:
    """What a build did, for the summary line, the exit code and the manifest."""

    out_dir: Path
    check: bool
    inputs: list[InputRecord] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def failed(self) -> list[InputRecord]:
        return [i for i in self.inputs if i.errors]

    @property
    def outputs(self) -> list[OutputRecord]:
        return [o for i in self.inputs for o in i.outputs]

    @property
    def stale(self) -> list[OutputRecord]:
        """Outputs that --check found missing or different from what was just built."""
        return [o for o in self.outputs if o.status in ("missing", "differs")]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stale and not self.interrupted

    def manifest(self) -> dict[str, object]:
        """The JSON-ready manifest; free of timings so that it is itself reproducible."""
        return {
            "manifest_version": 1,
            "out_dir": self.out_dir.as_posix(),
            "check": self.check,
            "ok": self.ok,
            "inputs": [i.as_dict() for i in self.inputs],
        }


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


@dataclass
class _Done:
    source: str
    documents: list[tuple[str, str, bytes]] = field(default_factory=list)  # kind, format, bytes
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


def _render_task(task: _Task) -> _Done:
    from reports.load import load_agreement

    done = _Done(task.source)
    try:
        agreement = task.agreement or load_agreement(Path(task.source))
    except ReportsError as exc:  # the file changed since it was checked
        done.errors.extend(exc.problems or [Problem(file=task.source, message=exc.message)])
        return done
    for kind in task.kinds:
        try:
            results = render_formats(agreement, kind, task.formats, task.options, source=task.source)
        except ReportsError as exc:
            done.errors.extend(exc.problems or [Problem(file=task.source, message=exc.message)])
            return done
        for fmt, result in zip(task.formats, results, strict=True):
            done.documents.append((kind, fmt, result.data))
            done.warnings.extend(w for w in result.warnings if w not in done.warnings)
    return done


def _ignore_sigint() -> None:
    # Workers leave Ctrl-C to the parent, which stops the pool and cleans up in one place.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(tasks: Sequence[_Task], jobs: int) -> Generator[_Done, None, None]:
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_render_task, tasks)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_ignore_sigint) as pool:
        try:
            # Results come back in input order, so output and manifest do not depend on --jobs.
            # A fixed, small chunk: larger ones save little (a task is ~50 ms of work) and hold more
            # finished documents in memory at once, so memory would grow with the portfolio.
            chunk = 4 if len(tasks) >= 8 * jobs else 1
            yield from pool.map(_render_task, tasks, chunksize=chunk)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


# --------------------------------------------------------------------------- the build


_PDF_PAGES = re.compile(rb"/Count (\d+) /Kids")


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
    on_progress: Callable[[InputRecord], None] | None = None,
) -> BuildResult:
    """Build every agreement in ``paths`` into ``out_dir`` (or, with ``check``, compare without writing).

    Each bad input is recorded in the result and the others still build, unless ``fail_fast``. Raises
    ``DataError`` before writing anything if two agreements share an id, and ``OutputError`` when the
    output folder cannot be used.
    """
    from reports.load import load_agreement

    started = time.perf_counter()
    opts = options or Options()
    result = BuildResult(out_dir=out_dir, check=check)
    files = collect_inputs(paths)
    if shard is not None:
        files = [f for f in files if in_shard(f, shard)]

    tasks: list[_Task] = []
    records: dict[str, InputRecord] = {}
    owners: dict[str, str] = {}
    for file in files:
        record = InputRecord(file=str(file))
        result.inputs.append(record)
        records[record.file] = record
        try:
            agreement = load_agreement(file)
        except ReportsError as exc:
            record.errors.extend(exc.problems or [Problem(file=str(file), message=exc.message)])
            if fail_fast:
                break
            continue
        record.id = agreement.id
        if agreement.id in owners:
            message = (f"id {agreement.id!r} is already used by {owners[agreement.id]}; two agreements "
                       "would write the same files, so nothing was built")
            raise DataError(message, problems=[Problem(file=str(file), field="id", message=message)])
        owners[agreement.id] = str(file)
        tasks.append(_Task(str(file), tuple(kinds), tuple(formats), opts,
                           agreement if str(file) == "-" else None))

    if not check and tasks:
        prepare_out_dir(out_dir)
    if fail_fast and result.failed:
        tasks = []
    finished = _run(tasks, jobs)
    try:
        for done in finished:
            record = records[done.source]
            record.warnings.extend(done.warnings)
            record.errors.extend(done.errors)
            for kind, fmt, data in done.documents:
                record.outputs.append(_emit(out_dir, record.id or "", kind, fmt, data, check))
            if on_progress:
                on_progress(record)
            if fail_fast and record.errors:
                break
    except BrokenProcessPool:
        for record in result.inputs:
            if not record.errors and not record.outputs:
                record.errors.append(Problem(file=record.file, message="a worker process died; not built"))
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        finished.close()  # stops the worker pool at once on --fail-fast or Ctrl-C
    result.seconds = time.perf_counter() - started
    return result


def _emit(out_dir: Path, agreement_id: str, kind: str, fmt: str, data: bytes, check: bool) -> OutputRecord:
    target = out_dir / f"{agreement_id}-{kind}.{fmt}"
    # The id is a validated slug, so this cannot leave out_dir; the assertion guards future changes.
    assert target.parent == out_dir, target
    if check:
        status = "ok" if is_unchanged(target, data) else ("differs" if target.exists() else "missing")
    else:
        status = "written" if write_atomic(target, data) else "unchanged"
    return OutputRecord(
        path=target.as_posix(), kind=kind, format=fmt, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), pages=_page_count(fmt, data), status=status,
    )
