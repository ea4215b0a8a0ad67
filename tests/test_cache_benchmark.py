"""A quick run of the incremental-build benchmark so it does not rot. No timed assertions: the figures
are measured by `python -m benchmarks.incremental` (and `benchmarks.run`), never by the test suite."""

from __future__ import annotations

from benchmarks import incremental


def test_incremental_benchmark_counts_what_it_claims_and_reports_each_row() -> None:
    result = incremental.measure(quick=True, size=3)
    rows = result["rebuilds"]
    assert rows["agreements"] == 3 and rows["noop_written"] == 0
    assert rows["one_file_written"] == 4  # the changed agreement's four documents, no others
    assert rows["partial_written"] == 6 and rows["partial_written_kinds"] == ["memo"]  # the memos, only
    assert rows["noop_s"] > 0 and rows["first_build_s"] > 0
    assert result["watch"]["saves"] == 3 and 0 < result["watch"]["median_s"] <= result["watch"]["max_s"]
    text = "\n".join(incremental.report_lines(result))
    assert "no-op rebuild" in text and "one data file changed" in text and "save -> new briefing PDF" in text
