"""How a running build shows its progress: a bar a person can read, or JSON lines a script can.

The bar is drawn on standard error, only on a terminal, and only once the build has run for a second
(a build that is over sooner has nothing to wait for): agreements done of all, documents per second and
the time left, redrawn at most ten times a second and erased at the end. ``json_lines`` gives one JSON
object per finished document (and one per agreement that failed) for ``--format json``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TextIO

from reports.batch import BuildResult, InputRecord
from reports.errors import display_path

SHOW_AFTER_SECONDS = 1.0
REDRAW_EVERY_SECONDS = 0.1
BAR_WIDTH = 24


class ProgressBar:
    """A one-line progress bar for a build, on ``stream`` when it is a terminal."""

    def __init__(self, stream: TextIO, *, enabled: bool = True, clock: Callable[[], float] = time.monotonic,
                 show_after: float = SHOW_AFTER_SECONDS) -> None:
        self.stream = stream
        self.enabled = enabled and bool(getattr(stream, "isatty", lambda: False)())
        self.clock = clock
        self.show_after = show_after
        self.started = clock()
        self.total = 0
        self.done = 0
        self.documents = 0
        self.drawn_at: float | None = None
        self.width = 0  # of the line last drawn, to erase it

    def start(self, total: int) -> None:
        """The build knows its agreements: ``total`` of them."""
        self.total = total
        self.started = self.clock()

    def advance(self, record: InputRecord) -> None:
        """One agreement is finished (built, found current, or failed)."""
        self.done += 1
        self.documents += len(record.outputs)
        now = self.clock()
        if not self.enabled or now - self.started < self.show_after:
            return
        if self.drawn_at is not None and now - self.drawn_at < REDRAW_EVERY_SECONDS and self.done < self.total:
            return
        self._draw(self.line(now))
        self.drawn_at = now

    def line(self, now: float) -> str:
        """The bar as text, e.g. ``building [######      ] 312/1000 agreements, 41 documents/s, about 17 s left``."""
        elapsed = max(now - self.started, 1e-9)
        total = max(self.total, self.done, 1)
        filled = round(BAR_WIDTH * self.done / total)
        rate = self.documents / elapsed
        text = (f"building [{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {self.done}/{total} "
                f"agreement{'s' if total != 1 else ''}, {rate:.0f} documents/s")
        if 0 < self.done < total:
            text += f", about {_duration(elapsed / self.done * (total - self.done))} left"
        return text

    def _draw(self, text: str) -> None:
        padding = " " * max(0, self.width - len(text))
        self.stream.write(f"\r{text}{padding}")
        self.stream.flush()
        self.width = len(text)

    def close(self) -> None:
        """Erase the bar, so what the build prints next starts on a clean line."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def json_lines(record: InputRecord) -> list[str]:
    """One JSON line per document of a finished agreement, or one saying why it failed (then also one
    per document it did make)."""
    lines = [_dump({"type": "document", "file": display_path(record.file), "id": record.id, **output.as_dict()})
             for output in record.outputs]
    if record.errors:
        lines.append(_dump({"type": "failed", "file": display_path(record.file), "id": record.id,
                            "errors": [e.as_dict() for e in record.errors], "internal_error": record.internal}))
    return lines


def manifest_line(result: BuildResult) -> str:
    """The last line of ``--format json``: the whole manifest, on one line."""
    return _dump({"type": "manifest", "manifest": result.manifest()})


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
