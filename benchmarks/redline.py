"""What a redline costs: the shipped agreement's documents redlined against its earlier draft
(data/zhejiang-alibaba-2023.draft.yaml), as ``reports build NEW --against OLD`` makes them, against
building NEW alone, per kind and format, timed in turns (target: within 1.5 x).

A redline composes both versions, compares their trees and writes the marked tree: the old version's
compose and the comparison are what it adds, and the "What changed" section and the marks make the
document itself a little longer.
"""

from __future__ import annotations

from typing import Any

from benchmarks.timing import ROOT, SHIPPED, interleaved_median_ms

DRAFT = ROOT / "data" / "zhejiang-alibaba-2023.draft.yaml"
TARGET = 1.5  # a redline over building NEW alone


def measure(runs: int) -> dict[str, float]:
    from reports.load import load_agreement
    from reports.pipeline import Against, render

    new, old = load_agreement(SHIPPED), load_agreement(DRAFT)
    against = Against(old, str(DRAFT))
    out: dict[str, float] = {}
    for kind in ("briefing", "memo"):
        for fmt in ("pdf", "docx"):
            times = interleaved_median_ms({
                "redline": lambda kind=kind, fmt=fmt: render(new, kind, fmt, against=against),  # type: ignore[misc]
                "alone": lambda kind=kind, fmt=fmt: render(new, kind, fmt),  # type: ignore[misc]
            }, runs)
            out[f"{kind}_{fmt}_redline_ms"] = times["redline"]
            out[f"{kind}_{fmt}_alone_ms"] = times["alone"]
            out[f"{kind}_{fmt}_ratio"] = times["redline"] / times["alone"]
    return out


def report_lines(result: dict[str, Any]) -> list[str]:
    lines = ["A redline against the earlier draft over building the new version alone (median ms)"]
    for kind in ("briefing", "memo"):
        for fmt in ("pdf", "docx"):
            ratio = result[f"{kind}_{fmt}_ratio"]
            lines.append(f"  {kind:<8} {fmt.upper():<4} redline {result[f'{kind}_{fmt}_redline_ms']:7.1f}  alone "
                         f"{result[f'{kind}_{fmt}_alone_ms']:7.1f}  {ratio:.2f} x (<= {TARGET})  "
                         f"{'PASS' if ratio <= TARGET else 'MISS'}")
    return lines
