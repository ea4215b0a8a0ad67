"""A quick run of the benchmark so it does not rot. No timed assertions: speed is measured by
`python -m benchmarks.run`, never by the test suite."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from typing import Any

import pytest

from benchmarks import docxtpl_peer, floor_docx, floor_pdf, scaling, typst_peer
from benchmarks.run import report, run, stages
from reports.model import Agreement
from reports.pipeline import Options, render
from tests.conftest import docx_text, pdf_text


@pytest.fixture(scope="module")
def without_figure(tmp_path_factory: pytest.TempPathFactory) -> Options:
    """The built-in templates less the briefing's timeline figure, which the floors and docxtpl do not
    draw: the tool's measured briefing draws it, so its ratios are upper bounds (it does more)."""
    from reports.paths import builtin_templates_dir

    folder = tmp_path_factory.mktemp("templates") / "t"
    shutil.copytree(builtin_templates_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    briefing = folder / "briefing.md.j2"
    text, removed = re.subn(r"```timeline.*?\n```\n", "", briefing.read_text("utf-8"), flags=re.S)
    assert removed == 1, "the briefing's timeline block was not found"
    briefing.write_text(text, "utf-8")
    return Options(template_dir=folder)


@pytest.mark.parametrize("kind", ["briefing", "memo"])
def test_floor_and_peer_carry_exactly_the_tools_words(shipped: Agreement, kind: str, without_figure: Options) -> None:
    # The ratios mean something only if every version makes the same document (the figure aside).
    tool = docx_text(render(shipped, kind, "docx", without_figure).data).split()
    assert docx_text(getattr(floor_docx, f"{kind}_docx")(shipped)).split() == tool
    assert docx_text(getattr(docxtpl_peer, f"{kind}_docx")(shipped)).split() == tool


def test_pdf_floor_carries_the_tools_words(shipped: Agreement, without_figure: Options) -> None:
    # The same words; only where the pages break may differ, so compare them as a multiset.
    tool = Counter(pdf_text(render(shipped, "briefing", "pdf", without_figure).data).split())
    assert Counter(pdf_text(floor_pdf.briefing_pdf(shipped)).split()) == tool
    # ... and the shipped briefing is that document and its figure.
    shipped_words = Counter(pdf_text(render(shipped, "briefing", "pdf").data).split())
    assert shipped_words - tool and not tool - shipped_words


def _words(pdf: bytes) -> Counter[str]:
    # A line may break between two Chinese characters, which no space parts: no word ends there.
    return Counter(re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", pdf_text(pdf)).split())


def test_typst_peer_carries_the_tools_words_and_figure(shipped: Agreement) -> None:
    # Typst draws the timeline figure too (the same events, dates, axis ticks, legend and caption), so its
    # briefing has exactly the words of the shipped one; only where the pages break may differ.
    tool = _words(render(shipped, "briefing", "pdf").data)
    assert _words(typst_peer.briefing_pdf(shipped)) == tool
    assert _words(typst_peer.briefing_pdf(shipped, memoized=True)) == tool


@pytest.fixture(scope="module")
def quick_run() -> dict[str, Any]:
    """One quick run of the whole benchmark (about 13 s), read by every test here that needs one of its
    parts: its batch row is ``batch([2])`` and its scaling series ``scaling.measure(quick=True)``, which the
    tests below ran a second time on their own."""
    return run(quick=True, sizes=[2])


def test_stages_and_batch_report_positive_figures(quick_run: dict[str, Any]) -> None:
    assert all(value > 0 for value in stages(1).values())
    assert all(value > 0 for value in quick_run["stages_ms"].values())
    (row,) = quick_run["batch"]  # batch([2]), as the quick run measured it
    assert row["documents"] == 8 and row["jobs1_docs_per_second"] > 0 and row["jobs2_peak_rss_mb"] > 0


def test_quick_benchmark_run_writes_every_figure(quick_run: dict[str, Any]) -> None:
    result = quick_run
    assert set(result["ratios"]) == {"pdf_tool_over_floor", "briefing_pdf_tool_over_typst",
                                     "memo_docx_tool_over_docxtpl", "briefing_docx_tool_over_docxtpl",
                                     "memo_docx_tool_over_floor", "briefing_docx_tool_over_floor", "help_over_python"}
    assert all(value > 0 for value in result["per_document_ms"].values())
    text = report(result)
    assert "briefing PDF tool/floor" in text and "N=2 " in text
    # The Typst peer: its row, its ratio and the note on where the rest of the tool's time goes.
    assert "typst_briefing_pdf" in text and "briefing PDF tool/Typst" in text and "remaining time goes" in text
    assert result["typst"]["typst_pages"] > 0 and result["typst"]["tool_pages"] > 0
    assert "50-row briefing, docx" in text
    # The tagged briefing's costs, the Chinese edition and the briefing with contents and figure.
    assert result["tagging"]["tagged_ms"] > 0 and "cost of tagging" in text
    assert result["features"]["languages"]["zh_briefing_pdf_ms"] > 0 and "Chinese edition" in text
    assert result["features"]["contents_and_figure"]["tool_docx_ms"] > 0 and "contents and timeline" in text
    # Contents against none, both formats against the PDF alone, ten times the timeline rows.
    assert result["features"]["contents"]["with_over_without_docx"] > 0 and "with contents over" in text
    assert result["features"]["both_formats"]["both_over_pdf"] > 0 and "Both formats" in text
    assert result["features"]["charts"]["charts_over_none_docx"] > 0 and "commitment charts" in text
    assert "50 timeline rows over 10, pdf" in text
    # A redline against the earlier draft over the new version alone.
    assert result["redline"]["draft_memo_ratio"] > 0 and result["redline"]["one_change_briefing_ratio"] > 0
    assert "A redline (both formats) over building the new version alone" in text
    # What carrying the source and signing add.
    assert result["provenance"]["sign_memo_ratio"] > 1 and "Carrying the data file" in text


def test_scaling_series_builds_what_it_says_and_reports_per_row_costs(quick_run: dict[str, Any]) -> None:
    # The series' agreements hold the rows they claim (each distinct), and the figures are positive.
    big = scaling.agreement(timeline=30, parties=7, summary_chars=3000)
    assert len(big.timeline) == 30 and len({e.event for e in big.timeline}) == 30
    assert len(big.parties) == 7 and len({p.name for p in big.parties}) == 7
    assert 2990 <= len(big.summary) <= 3000
    result = quick_run["scaling"]  # scaling.measure(quick=True), as the quick run measured it
    assert [r["size"] for r in result["timeline"]["rows"]] == list(scaling.QUICK_ROWS)
    assert [r["size"] for r in result["parties"]["rows"]] == [p for p in scaling.QUICK_PARTIES if p > 2]
    assert all(r[f"{fmt}_s"] > 0 for r in result["timeline"]["rows"] for fmt in scaling.FORMATS)
    lines = "\n".join(scaling.report_lines(result))
    assert "per-row cost at 50 over 10" in lines and "5,000-character summary, pdf" in lines
