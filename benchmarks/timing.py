"""The measuring kit every benchmark module shares: where the repository, the shipped agreement and the
installed ``reports`` command are, how a call is timed (alone, or in turns with the calls it is
compared with), and the generated portfolio that batch and incremental builds are timed on.

Imports no other benchmark module, so each of them can use it and ``benchmarks.run`` stays only the
entry point that puts them together.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "zhejiang-alibaba-2023.yaml"
BIN = Path(sys.executable).parent


def median_ms(func: Callable[[], object], runs: int) -> float:
    """Median wall time of ``func`` in milliseconds, after one warm-up call."""
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def interleaved_median_ms(funcs: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median wall time (ms) of each function, run in turns so that all of them see the same machine.

    Timing the tool's runs, then the floor's, lets a burst of other work on the machine land on one
    side only; taking turns (in rotating order) keeps the ratios steady from run to run.
    """
    for func in funcs.values():
        func()  # warm-up: fonts registered, templates compiled, packages loaded
    names = list(funcs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        for name in names[i % len(names):] + names[:i % len(names)]:
            start = time.perf_counter()
            funcs[name]()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def make_portfolio(folder: Path, count: int) -> None:
    """Write ``count`` distinct agreements (ids, titles and summaries vary) generated from the shipped one."""
    text = SHIPPED.read_text("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        variant = (text.replace("id: zhejiang-alibaba-2023", f"id: agreement-{i:05d}")
                   .replace("title: Zhejiang–Alibaba", f"title: Agreement {i} Zhejiang–Alibaba")
                   .replace("summary: >-\n", f"summary: >-\n  Portfolio entry {i}.\n", 1))
        (folder / f"agreement-{i:05d}.yaml").write_text(variant, "utf-8")
