"""A quick run of the benchmark so it does not rot. No timed assertions: speed is measured by
`python -m benchmarks.run`, never by the test suite."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from benchmarks import floor_docx, floor_pdf
from benchmarks.run import batch, report, run, stages
from reports.model import Agreement
from tests.conftest import docx_text, pdf_text, squash


def test_floors_carry_the_same_facts(shipped: Agreement) -> None:
    pdf = squash(pdf_text(floor_pdf.briefing_pdf(shipped)))
    docx = squash(docx_text(floor_docx.briefing_docx(shipped)))
    for fact in ("浙江省人民政府", "Digital cultural tourism", shipped.summary[:40]):
        assert fact in pdf
        assert fact in docx
    assert "MEMORANDUM" in docx_text(floor_docx.memo_docx(shipped))


def test_stages_and_batch_report_positive_figures() -> None:
    assert all(value > 0 for value in stages(1).values())
    (row,) = batch([2])
    assert row["documents"] == 8 and row["jobs1_docs_per_second"] > 0 and row["jobs2_peak_rss_mb"] > 0


@pytest.mark.skipif(importlib.util.find_spec("docxtpl") is None,
                    reason="docxtpl is a benchmark-only dependency: pip install -e '.[bench]'")
def test_quick_benchmark_run_writes_every_figure(tmp_path: Path) -> None:
    result = run(quick=True, sizes=[2])
    assert set(result["ratios"]) == {"pdf_tool_over_floor", "memo_docx_tool_over_docxtpl",
                                     "briefing_docx_tool_over_docxtpl", "memo_docx_tool_over_floor",
                                     "briefing_docx_tool_over_floor", "help_over_python"}
    assert all(value > 0 for value in result["per_document_ms"].values())
    text = report(result)
    assert "briefing PDF tool/floor" in text and "N=2 " in text
