"""What a build did: one record per document and per input file, and ``BuildResult``, which gives the
summary line its figures, the build its exit code and the manifest its content.

Filled in by the build as each agreement is loaded, rendered and written; read by the console report,
the progress display, ``reports watch`` and the manifest. Imports only ``reports.errors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reports.errors import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    Problem,
    ReportsError,
    display_path,
)


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
    record_error: str | None = None  # a warning about the build record: ignored as untrustworthy, or not written
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


def problems_of(exc: ReportsError, file: str) -> list[Problem]:
    """The problems to record for ``exc`` against ``file``: its located ones, or its message."""
    return list(exc.problems) or [Problem(file=file, message=exc.message)]
