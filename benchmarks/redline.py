"""What a redline costs, as ``reports build NEW --against OLD`` makes it (both formats of one kind in one
``render_formats``) against building NEW alone, timed in turns (target: within 1.5 x), for two old
versions of the shipped agreement:

- ``one change``: the memo's last next step given another date, the everyday redline;
- ``draft``: data/zhejiang-alibaba-2023.draft.yaml, the earlier draft with 17 changes.

A redline composes both versions (about 2-4 ms), compares their trees (about 4 ms) and writes the
marked tree. The draft's redline is a much bigger document than NEW: its "What changed" section takes
the memo from one page to two and the briefing past the pages that bring its contents (drawn to that
page without them, then again with them), and its deleted words are printed too, so it costs about
twice NEW alone, and most of that is the document it is (marked paragraphs take the writer's fast path
as plain ones do, not reportlab's markup parser).
"""

from __future__ import annotations

from typing import Any

from benchmarks.timing import ROOT, SHIPPED, interleaved_median_ms

DRAFT = ROOT / "data" / "zhejiang-alibaba-2023.draft.yaml"
TARGET = 1.5  # a redline over building NEW alone


def _one_change(new: Any) -> Any:
    from reports.model import Agreement

    data = new.model_dump(by_alias=True)
    data["memo"]["next_steps"][-1] = "Review the agreement's progress at its first anniversary in July 2025."
    return Agreement.model_validate(data)


def measure(runs: int) -> dict[str, float]:
    from reports.load import load_agreement
    from reports.pipeline import Against, render_formats

    new = load_agreement(SHIPPED)
    olds = {"one change": _one_change(new), "draft": load_agreement(DRAFT)}
    out: dict[str, float] = {}
    for name, old in olds.items():
        against = Against(old, name)
        for kind in ("briefing", "memo"):
            times = interleaved_median_ms({
                "redline": lambda kind=kind, a=against: render_formats(new, kind, ("pdf", "docx"),  # type: ignore[misc]
                                                                       against=a),
                "alone": lambda kind=kind: render_formats(new, kind, ("pdf", "docx")),  # type: ignore[misc]
            }, runs)
            key = f"{name.replace(' ', '_')}_{kind}"
            out[f"{key}_redline_ms"], out[f"{key}_alone_ms"] = times["redline"], times["alone"]
            out[f"{key}_ratio"] = times["redline"] / times["alone"]
    return out


def report_lines(result: dict[str, Any]) -> list[str]:
    lines = ["A redline (both formats) over building the new version alone (median ms)"]
    for name in ("one change", "draft"):
        for kind in ("briefing", "memo"):
            key = f"{name.replace(' ', '_')}_{kind}"
            ratio = result[f"{key}_ratio"]
            lines.append(f"  {name:<10} {kind:<8} redline {result[f'{key}_redline_ms']:7.1f}  alone "
                         f"{result[f'{key}_alone_ms']:7.1f}  {ratio:.2f} x (<= {TARGET})  "
                         f"{'PASS' if ratio <= TARGET else 'MISS'}")
    return lines
