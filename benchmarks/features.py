"""What the Chinese edition, the briefing's contents and timeline figure, and the second format cost.

Every row is a user's build: ``render`` / ``render_formats``, what ``reports build`` runs for each document,
the built-in templates' contents decision included.

- ``languages``: the Chinese briefing (data/zhejiang-alibaba-2023.zh-Hans.yaml) against the English one,
  in each format, timed in turns (target: within 1.3 x);
- ``contents_and_figure``: the shipped briefing with its contents forced on (a copy of the built-in
  templates with ``toc_min_pages`` 0; it has the timeline figure already) against the raw reportlab
  floor for the PDF and docxtpl for the DOCX, timed in turns (targets: 1.3 x and 1.0 x);
- ``contents``: that briefing with its contents against the same briefing without them (the built-in
  templates, whose rule leaves them out of a three-page briefing), in each format (target: 1.25 x);
- ``both_formats``: the shipped briefing in both formats in one build, as ``reports build`` makes it,
  against its PDF alone (target: 1.35 x): the DOCX reads the PDF's layout instead of laying out again.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.timing import ROOT, SHIPPED, interleaved_median_ms

CHINESE = ROOT / "data" / "zhejiang-alibaba-2023.zh-Hans.yaml"


def languages(runs: int) -> dict[str, float]:
    from reports.load import load_agreement
    from reports.pipeline import render

    english, chinese = load_agreement(SHIPPED), load_agreement(CHINESE)
    out: dict[str, float] = {}
    for fmt in ("pdf", "docx"):
        render(chinese, "briefing", fmt)  # the Chinese face is read once per process, before timing
        times = interleaved_median_ms({
            "en": lambda fmt=fmt: render(english, "briefing", fmt),  # type: ignore[misc]
            "zh": lambda fmt=fmt: render(chinese, "briefing", fmt),  # type: ignore[misc]
        }, runs)
        out[f"en_briefing_{fmt}_ms"] = times["en"]
        out[f"zh_briefing_{fmt}_ms"] = times["zh"]
        out[f"zh_over_en_{fmt}"] = times["zh"] / times["en"]
    return out


def _templates_with_contents(folder: Path) -> Path:
    from reports.paths import builtin_templates_dir

    target = folder / "templates"
    shutil.copytree(builtin_templates_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.docx"))
    briefing = target / "briefing.md.j2"
    text = briefing.read_text("utf-8")
    assert "{% set toc_min_pages = 4 %}" in text, "the built-in briefing no longer sets toc_min_pages"
    briefing.write_text(text.replace("{% set toc_min_pages = 4 %}", "{% set toc_min_pages = 0 %}"), "utf-8")
    return target


def contents_and_figure(runs: int) -> dict[str, float]:
    from benchmarks import docxtpl_peer, floor_pdf
    from reports.load import load_agreement
    from reports.pipeline import Options, render

    agreement = load_agreement(SHIPPED)
    with tempfile.TemporaryDirectory() as folder:
        options = Options(template_dir=_templates_with_contents(Path(folder)))
        pdf = interleaved_median_ms({
            "tool": lambda: render(agreement, "briefing", "pdf", options),
            "floor": lambda: floor_pdf.briefing_pdf(agreement),
        }, runs)
        docx = interleaved_median_ms({
            "tool": lambda: render(agreement, "briefing", "docx", options),
            "docxtpl": lambda: docxtpl_peer.briefing_docx(agreement),
        }, runs)
    return {"tool_pdf_ms": pdf["tool"], "floor_pdf_ms": pdf["floor"], "pdf_over_floor": pdf["tool"] / pdf["floor"],
            "tool_docx_ms": docx["tool"], "docxtpl_docx_ms": docx["docxtpl"],
            "docx_over_docxtpl": docx["tool"] / docx["docxtpl"]}


CONTENTS_TARGET = 1.25  # the briefing with contents over the same without them
BOTH_FORMATS_TARGET = 1.35  # both formats of one document over its PDF alone


def contents(runs: int) -> dict[str, float]:
    """The shipped briefing with its contents (forced on) against the same briefing without them (the
    built-in rule: three pages, under ``toc_min_pages``), in each format, timed in turns."""
    from reports.load import load_agreement
    from reports.pipeline import Options, render

    agreement = load_agreement(SHIPPED)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        forced = Options(template_dir=_templates_with_contents(Path(folder)))
        built_in = Options()
        for fmt in ("pdf", "docx"):
            times = interleaved_median_ms({
                "with": lambda fmt=fmt: render(agreement, "briefing", fmt, forced),  # type: ignore[misc]
                "without": lambda fmt=fmt: render(agreement, "briefing", fmt, built_in),  # type: ignore[misc]
            }, runs)
            out[f"with_{fmt}_ms"], out[f"without_{fmt}_ms"] = times["with"], times["without"]
            out[f"with_over_without_{fmt}"] = times["with"] / times["without"]
    return out


def both_formats(runs: int) -> dict[str, float]:
    """The shipped briefing in both formats (one ``render_formats``, as ``reports build`` makes them)
    against its PDF alone, timed in turns."""
    from reports.load import load_agreement
    from reports.pipeline import render, render_formats

    agreement = load_agreement(SHIPPED)
    times = interleaved_median_ms({
        "both": lambda: render_formats(agreement, "briefing", ("pdf", "docx")),
        "pdf": lambda: render(agreement, "briefing", "pdf"),
    }, runs)
    return {"both_ms": times["both"], "pdf_ms": times["pdf"], "both_over_pdf": times["both"] / times["pdf"]}


CHARTS = ROOT / "data" / "example-three-party.yaml"


def charts(runs: int) -> dict[str, float]:
    """The fictional three-party briefing with its three commitment charts against the same briefing
    without them (a copy of the built-in templates with the chart block taken out), in each format."""
    from reports.load import load_agreement
    from reports.pipeline import Options, render

    agreement = load_agreement(CHARTS)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        from reports.paths import builtin_templates_dir

        target = Path(folder) / "templates"
        shutil.copytree(builtin_templates_dir(), target, ignore=shutil.ignore_patterns("__pycache__"))
        briefing = target / "briefing.md.j2"
        text = briefing.read_text("utf-8")
        start = text.index("{% for total in data.commitments | money_totals %}")
        end = text.index("{% endfor %}", text.index("```\n", text.index("```chart", start))) + len("{% endfor %}")
        briefing.write_text(text[:start] + text[end:], "utf-8")
        without = Options(template_dir=target)
        for fmt in ("pdf", "docx"):
            times = interleaved_median_ms({
                "with": lambda fmt=fmt: render(agreement, "briefing", fmt),  # type: ignore[misc]
                "without": lambda fmt=fmt: render(agreement, "briefing", fmt, without),  # type: ignore[misc]
            }, runs)
            out[f"charts_{fmt}_ms"], out[f"no_charts_{fmt}_ms"] = times["with"], times["without"]
            out[f"charts_over_none_{fmt}"] = times["with"] / times["without"]
    return out


def report_lines(result: dict[str, Any]) -> list[str]:
    lang, extra = result["languages"], result["contents_and_figure"]
    toc, both = result["contents"], result["both_formats"]

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    return [
        "Chinese edition (briefing, median ms)",
        f"  PDF  English {lang['en_briefing_pdf_ms']:7.1f}  Chinese {lang['zh_briefing_pdf_ms']:7.1f}  "
        f"{lang['zh_over_en_pdf']:.2f} x (<= 1.3)  {verdict(lang['zh_over_en_pdf'] <= 1.3)}",
        f"  DOCX English {lang['en_briefing_docx_ms']:7.1f}  Chinese {lang['zh_briefing_docx_ms']:7.1f}  "
        f"{lang['zh_over_en_docx']:.2f} x (<= 1.3)  {verdict(lang['zh_over_en_docx'] <= 1.3)}",
        "Briefing with contents and timeline figure",
        f"  PDF  tool/floor   {extra['pdf_over_floor']:.2f}  (<= 1.3)  {verdict(extra['pdf_over_floor'] <= 1.3)}",
        f"  DOCX tool/docxtpl {extra['docx_over_docxtpl']:.2f}  (<= 1.0)  "
        f"{verdict(extra['docx_over_docxtpl'] <= 1.0)}",
        "Briefing with contents over the same without them (median ms)",
        *(f"  {fmt.upper():<4} with {toc[f'with_{fmt}_ms']:7.1f}  without {toc[f'without_{fmt}_ms']:7.1f}  "
          f"{toc[f'with_over_without_{fmt}']:.2f} x (<= {CONTENTS_TARGET})  "
          f"{verdict(toc[f'with_over_without_{fmt}'] <= CONTENTS_TARGET)}" for fmt in ("pdf", "docx")),
        "Both formats of the briefing in one build over its PDF alone (median ms)",
        f"  both {both['both_ms']:7.1f}  PDF {both['pdf_ms']:7.1f}  {both['both_over_pdf']:.2f} x "
        f"(<= {BOTH_FORMATS_TARGET})  {verdict(both['both_over_pdf'] <= BOTH_FORMATS_TARGET)}",
        "The three-party briefing with its three commitment charts over the same without them (median ms)",
        *(f"  {fmt.upper():<4} with {result['charts'][f'charts_{fmt}_ms']:7.1f}  without "
          f"{result['charts'][f'no_charts_{fmt}_ms']:7.1f}  {result['charts'][f'charts_over_none_{fmt}']:.2f} x"
          for fmt in ("pdf", "docx")),
    ]


def measure(runs: int) -> dict[str, Any]:
    return {"languages": languages(runs), "contents_and_figure": contents_and_figure(runs),
            "contents": contents(runs), "both_formats": both_formats(runs), "charts": charts(runs)}
