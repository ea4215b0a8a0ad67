"""How the cost of one document grows with its data: the scaling series of issue 12.

A briefing is built in both formats from agreements that grow along one axis at a time: a timeline of
100, 1,000 and 10,000 rows, 2, 100 and 1,000 parties, and a 100,000-character summary. The figure that
matters is the cost per added row (the time over the same agreement without them, divided by the rows):
it should stay flat, within 25 % from 100 to 10,000 rows; 10,000 rows should cost at most 12 times
1,000, and a 10,000-row briefing should take under 5 s in each format. Each build is a user's:
``render``, what ``reports build --format FMT`` runs, the built-in briefing's contents decision included
(from four pages on its contents are shown). Run it alone with ``python -m benchmarks.scaling`` or as
part of ``python -m benchmarks.run``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from typing import Any

from reports.model import Agreement

FORMATS = ("pdf", "docx")
TIMELINE_ROWS = (100, 1_000, 10_000)
PARTIES = (2, 100, 1_000)
SUMMARY_CHARS = 100_000
QUICK_ROWS = (10, 50)
QUICK_PARTIES = (2, 10)
QUICK_SUMMARY_CHARS = 5_000
PER_ROW_TARGET = 1.25  # per-row cost at the largest size over the smallest
LARGEST_TARGET_S = 5.0  # a 10,000-row briefing, per format
TENFOLD_TARGET = 12.0  # 10,000 rows over 1,000 (ten times the rows), per format
LONG_RUN_S = 10.0  # a run this long is not repeated: its one time is its figure

_SENTENCE = ("Cooperation on digital trade, cloud services and logistics was reviewed by both sides, "
             "with 5G & data-centre plans (100% funded) and 浙江 pilot projects. ")


def _base() -> dict[str, Any]:
    return {
        "schema_version": 1, "id": "scaling", "title": "Scaling Series Cooperation Agreement",
        "summary": "Two organisations agreed to work together on a growing list of projects.",
        "agreement": {"type": "memorandum of understanding", "signed": "2024-01-15",
                      "purpose": "To measure how the documents grow."},
        "parties": [_party(0), _party(1)],
        "sources": [{"title": "Joint press release", "publisher": "Example City Council"}],
    }


def _party(i: int) -> dict[str, Any]:
    return {"name": f"Example Organisation {i}", "kind": "company",
            "description": f"Partner number {i}, a company that takes part in the cooperation."}


def agreement(timeline: int = 0, parties: int = 2, summary_chars: int = 0) -> Agreement:
    """An agreement with ``timeline`` distinct dated rows, ``parties`` parties and, if given, a summary
    of ``summary_chars`` characters (words, CJK and markup-looking characters)."""
    data = _base()
    start = dt.date(2000, 1, 1)
    data["timeline"] = [{"date": (start + dt.timedelta(days=i)).isoformat(),
                         "event": f"Event {i}: working group {i % 97} met and agreed next steps."}
                        for i in range(timeline)]
    data["parties"] = [_party(i) for i in range(parties)]
    if summary_chars:
        data["summary"] = (_SENTENCE * (summary_chars // len(_SENTENCE) + 1))[:summary_chars].strip()
    return Agreement.model_validate(data)


def seconds(a: Agreement, fmt: str, runs: int) -> float:
    """Median wall time (s) of building ``a``'s briefing in ``fmt``, after a warm-up run (none for a
    run longer than LONG_RUN_S, which is then measured once)."""
    from reports.pipeline import render

    start = time.perf_counter()
    render(a, "briefing", fmt)
    first = time.perf_counter() - start
    if first > LONG_RUN_S:
        return first
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render(a, "briefing", fmt)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _series(sizes: tuple[int, ...], make: Any, runs: int, offset: int = 0) -> dict[str, Any]:
    # make(n) builds the agreement with n rows added to the base (make(0)); a row's "size" is what the
    # agreement holds (offset + n), e.g. 100 parties are the base's 2 and 98 added.
    base = {fmt: seconds(make(0), fmt, runs) for fmt in FORMATS}
    rows = []
    for size in sizes:
        row: dict[str, Any] = {"size": size + offset, "added": size}
        for fmt in FORMATS:
            total = seconds(make(size), fmt, runs if size <= 1_000 else 1)
            row[f"{fmt}_s"] = total
            # What each added row costs: the time over the same document without them.
            row[f"{fmt}_per_row_ms"] = max(total - base[fmt], 0.0) * 1000 / size
        rows.append(row)
    result: dict[str, Any] = {"base_s": base, "rows": rows}
    first, last = rows[0], rows[-1]
    result["per_row_ratio"] = {
        fmt: (last[f"{fmt}_per_row_ms"] / first[f"{fmt}_per_row_ms"]) if first[f"{fmt}_per_row_ms"] else 0.0
        for fmt in FORMATS}
    return result


def measure(quick: bool = False, runs: int | None = None) -> dict[str, Any]:
    """Run the series (``quick``: tiny sizes, for the smoke test) and return JSON-ready figures."""
    runs = runs or (1 if quick else 5)
    rows, parties = (QUICK_ROWS, QUICK_PARTIES) if quick else (TIMELINE_ROWS, PARTIES)
    chars = QUICK_SUMMARY_CHARS if quick else SUMMARY_CHARS
    timeline = _series(rows, lambda n: agreement(timeline=n), runs)
    # Two parties are the least the model allows: that is the base, and the series counts the rest.
    party_series = _series(tuple(p - 2 for p in parties if p > 2), lambda n: agreement(parties=2 + n), runs,
                           offset=2)
    summary = {fmt: seconds(agreement(summary_chars=chars), fmt, 1 if not quick else runs) for fmt in FORMATS}
    largest = {fmt: timeline["rows"][-1][f"{fmt}_s"] for fmt in FORMATS}
    # The largest timeline against the one before it (1,000 rows, a tenth; in a quick run, whatever is there).
    smaller = timeline["rows"][-2] if len(timeline["rows"]) > 1 else timeline["rows"][-1]
    growth = {fmt: largest[fmt] / smaller[f"{fmt}_s"] if smaller[f"{fmt}_s"] else 0.0 for fmt in FORMATS}
    return {"timeline": timeline, "parties": party_series, "summary_chars": chars, "summary_s": summary,
            "largest_rows": rows[-1], "largest_s": largest, "smaller_rows": smaller["size"], "growth": growth}


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report_lines(result: dict[str, Any]) -> list[str]:
    """The scaling section of the benchmark report, each target beside its figure."""
    lines = ["Scaling (briefing, median s; per row = time over the same briefing without them)"]
    for name, label in (("timeline", "timeline rows"), ("parties", "parties (per row: per party beyond two)")):
        series = result[name]
        lines.append(f"  {label}: base pdf {series['base_s']['pdf']:.3f} s, docx {series['base_s']['docx']:.3f} s")
        for row in series["rows"]:
            lines.append(f"    {row['size']:>6}  pdf {row['pdf_s']:8.3f} s ({row['pdf_per_row_ms']:6.3f} ms/row)"
                         f"  docx {row['docx_s']:8.3f} s ({row['docx_per_row_ms']:6.3f} ms/row)")
        first, last = series["rows"][0]["size"], series["rows"][-1]["size"]
        for fmt in FORMATS:
            ratio = series["per_row_ratio"][fmt]
            lines.append(f"    {fmt} per-row cost at {last} over {first}: {ratio:.2f} (<= {PER_ROW_TARGET})  "
                         f"{_verdict(ratio <= PER_ROW_TARGET)}")
    for fmt in FORMATS:
        lines.append(f"  {result['summary_chars']:,}-character summary, {fmt}: {result['summary_s'][fmt]:.3f} s")
    for fmt in FORMATS:
        growth = result["growth"][fmt]
        lines.append(f"  {result['largest_rows']:,} timeline rows over {result['smaller_rows']:,}, {fmt}: "
                     f"{growth:.2f} x (<= {TENFOLD_TARGET:.0f})  {_verdict(growth <= TENFOLD_TARGET)}")
    for fmt in FORMATS:
        took = result["largest_s"][fmt]
        lines.append(f"  {result['largest_rows']:,}-row briefing, {fmt}: {took:.2f} s (< {LARGEST_TARGET_S:.0f} s)  "
                     f"{_verdict(took < LARGEST_TARGET_S)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    result = measure(args.quick)
    print("\n".join(report_lines(result)))
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
