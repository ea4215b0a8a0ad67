"""``reports watch``: rebuild what changed whenever a data file, a template, the theme or the reference
document is saved, for template authors who want to see the PDF as they type.

Each rebuild is an ordinary incremental build (``reports.batch.build``), so exactly the documents whose
inputs changed are made again, and a failed document leaves the last good one in place. One line per
rebuild says what changed, what was made and how long it took; errors are printed as located messages
and the watch goes on. The loop takes its stream of changes as an argument: ``file_changes`` (watchfiles)
in use, a list in the tests.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from reports.batch import DATA_SUFFIXES, BuildResult, InputRecord, build
from reports.errors import Problem, ReportsError, display_path
from reports.limits import Terminated
from reports.paths import builtin_templates_dir
from reports.pipeline import Options

STEP_MS = 30  # after a first change, how long to wait for more before rebuilding (an editor's save is several)
DEBOUNCE_MS = 400  # at most this long to gather one burst of changes


@dataclass(frozen=True)
class WatchSetup:
    """What ``reports watch`` builds and from where; ``options`` is called for every rebuild, so a
    saved theme file is read again (and an error in it reported, not fatal)."""

    data: Sequence[Path]
    out_dir: Path
    kinds: Sequence[str]
    formats: Sequence[str]
    options: Callable[[], Options]
    template_dir: Path | None = None
    theme_file: Path | None = None
    reference_docx: Path | None = None


def _absolute(path: Path | str) -> str:
    return os.path.abspath(os.fspath(path))


class Watcher:
    """Decides which changes matter and rebuilds; prints through ``say`` (one line per rebuild) and
    ``problems`` (located messages)."""

    def __init__(self, setup: WatchSetup, say: Callable[[str], None],
                 problems: Callable[[Sequence[Problem], bool], None],
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.setup = setup
        self.say = say
        self.problems = problems
        self.clock = clock
        self.files = {_absolute(p) for p in setup.data if not Path(p).is_dir()}
        self.folders = {_absolute(p) for p in setup.data if Path(p).is_dir()}
        self.template_roots = [_absolute(p) for p in (setup.template_dir, builtin_templates_dir()) if p is not None]
        self.singles = {_absolute(p) for p in (setup.theme_file, setup.reference_docx) if p is not None}
        self.out_dir = _absolute(setup.out_dir)
        self.last: BuildResult | None = None
        self.logo = self._logo()

    # ------------------------------------------------------------------ what to watch

    def folders_to_watch(self) -> list[str]:
        """The folders to watch, each on its own (not recursively: a data file's folder may be a home
        folder): data folders, the folders of named files, every folder of the template folders."""
        wanted = set(self.folders) | {os.path.dirname(p) for p in self.files | self.singles}
        if self.logo is not None:
            wanted.add(os.path.dirname(self.logo))
        for root in self.template_roots:
            for folder, dirs, _files in os.walk(root):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                wanted.add(folder)
        return sorted(f for f in wanted if os.path.isdir(f))

    def _logo(self) -> str | None:
        try:
            logo = self.setup.options().theme.logo
        except ReportsError:
            return None
        return _absolute(logo) if logo is not None else None

    def relevant(self, path: str) -> bool:
        """True when a change to ``path`` can change a document."""
        path = _absolute(path)
        name = os.path.basename(path)
        if path == self.out_dir or path.startswith(self.out_dir + os.sep):
            return False  # our own writes
        if name.endswith(".tmp") and name.startswith("."):
            return False  # a temporary of an atomic write, ours or an editor's
        if path in self.files or path in self.singles or path == self.logo:
            return True
        if os.path.dirname(path) in self.folders:
            return name.lower().endswith(DATA_SUFFIXES) and not name.startswith(".")
        return any(path.startswith(root + os.sep) for root in self.template_roots)

    # ------------------------------------------------------------------ rebuilding

    def rebuild(self, changed: Sequence[str] = ()) -> BuildResult | None:
        """Build what is out of date and print one line; None when the build could not start (an error
        in the theme, two agreements with one id): the documents on disk are kept either way."""
        started = self.clock()
        if any(any(p.startswith(root + os.sep) for root in self.template_roots) for p in changed):
            from reports.compose import environment

            environment.cache_clear()  # compiled templates are kept per process; these changed
        cause = _cause(changed)
        results: list[BuildResult] = []
        try:
            options = self.setup.options()
            self.logo = _absolute(options.theme.logo) if options.theme.logo is not None else None
            # One kind at a time, in this process: the first kind's files (the briefing PDF) are on disk
            # without waiting for the others. A document's key does not depend on the other kinds built.
            for kind in self.setup.kinds:
                results.append(build(list(self.setup.data), self.setup.out_dir, kinds=(kind,),
                                     formats=self.setup.formats, options=options, jobs=1))
                if results[-1].interrupted:
                    raise Terminated if results[-1].terminated else KeyboardInterrupt
        except ReportsError as exc:
            problems = list(exc.problems) or [Problem(file=cause or "reports watch", message=exc.message)]
            self.problems(problems, False)
            self.say(f"{_now()} {cause}not built ({_seconds(self.clock() - started)}); "
                     "the last good documents are kept")
            return None
        result = _combined(results)
        for record in result.inputs:
            self.problems(record.errors, False)
            self.problems(record.warnings, True)
        self.say(f"{_now()} {cause}{_summary(result, _seconds(self.clock() - started))}")
        if result.record_error:
            self.say(result.record_error)
        self.last = result
        return result


def _combined(results: Sequence[BuildResult]) -> BuildResult:
    """The builds of each kind as one: every input once, with its outputs, errors and warnings once."""
    first = results[0]
    combined = BuildResult(out_dir=first.out_dir, check=False, record_error=first.record_error,
                           rendered=sum(r.rendered for r in results))
    merged: dict[str, InputRecord] = {}
    for result in results:  # by file: one may have been saved between two kinds' builds
        for record in result.inputs:
            into = merged.setdefault(record.file, InputRecord(file=record.file, id=record.id))
            into.outputs.extend(record.outputs)
            into.errors.extend(p for p in record.errors if p not in into.errors)
            into.warnings.extend(p for p in record.warnings if p not in into.warnings)
    combined.inputs.extend(merged.values())
    return combined


def _now() -> str:
    return time.strftime("%H:%M:%S")


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _cause(changed: Sequence[str]) -> str:
    if not changed:
        return ""
    names = sorted({display_path(os.path.basename(p)) for p in changed})
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{shown} changed: "


def _summary(result: BuildResult, took: str) -> str:
    made = [o for o in result.outputs if o.status == "written"]
    if made:
        text = f"made {len(made)} document{'s' if len(made) != 1 else ''} in {took}"
        if len(made) <= 4:
            text += " (" + ", ".join(display_path(os.path.basename(o.path)) for o in made) + ")"
    else:
        text = f"{'no document changed' if result.rendered else 'all documents up to date'} ({took})"
    if result.failed:
        count = len(result.failed)
        text += f"; {count} agreement{'s' if count != 1 else ''} failed, the last good documents are kept"
    return text


def run(watcher: Watcher, changes: Iterable[Iterable[tuple[Any, str]]],
        ready: Callable[[], None] | None = None) -> None:
    """Build once (then call ``ready``), then again after each batch of ``changes`` that holds a relevant
    file, until the stream ends (or Ctrl-C / SIGTERM, which go on up as ``KeyboardInterrupt`` /
    ``Terminated``)."""
    watcher.rebuild()
    if ready is not None:
        ready()
    for batch in changes:
        changed = sorted({path for _change, path in batch if watcher.relevant(path)})
        if changed:
            watcher.rebuild(changed)


def file_changes(folders: Sequence[str], relevant: Callable[[str], bool]) -> Iterator[set[tuple[Any, str]]]:
    """Batches of changes in ``folders`` (watchfiles), each folder watched on its own."""
    import watchfiles

    terminated = []
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: FrameType | None) -> None:
        # watchfiles turns any exception raised by a signal handler into a plain KeyboardInterrupt:
        # remember that it was SIGTERM, so the exit code says so (143, not 130).
        terminated.append(signum)
        if callable(previous):
            previous(signum, frame)
        raise Terminated

    signal.signal(signal.SIGTERM, on_term)
    try:
        yield from watchfiles.watch(*folders, watch_filter=lambda _change, path: relevant(path),
                                    debounce=DEBOUNCE_MS, step=STEP_MS, recursive=False, raise_interrupt=True)
    except KeyboardInterrupt:
        if terminated:
            raise Terminated from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
