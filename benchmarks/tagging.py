"""What the tagged, archival PDF costs: the briefing against the raw, untagged reportlab floor.

Three blocks, each timing the tool and the floor in turns (``interleaved_median_ms``) so each ratio
is against a floor measured at the same moment:

- ``tagged``: the tool as it ships: structure tree, marked content, XMP, OutputIntent, Chinese
  embedded (when the machine has a Chinese TrueType face);
- ``untagged``: the same with tagging switched off for the measurement (no marked content, no
  structure tree or archival metadata), so ``tagged - untagged`` is the cost of tagging;
- ``cid``: tagged, with Chinese in reportlab's CID font instead of an embedded face, so
  ``tagged - cid`` is the cost of embedding the Chinese face.

The switches exist only here (patching the writer's own hooks for the duration of a block); the
tool has no untagged mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from benchmarks.timing import SHIPPED, interleaved_median_ms


@contextmanager
def _untagged() -> Iterator[None]:
    from reports.writers.pdf import page as pdf_page
    from reports.writers.pdf import tags as pdf_tags

    saved = (pdf_page.write_structure, pdf_page.make_archival, pdf_tags.Tagger.begin)
    pdf_page.write_structure = lambda *args, **kwargs: None  # type: ignore[assignment]
    pdf_page.make_archival = lambda *args, **kwargs: None  # type: ignore[assignment]
    pdf_tags.Tagger.begin = lambda self, code, element: False  # type: ignore[method-assign]
    try:
        yield
    finally:
        pdf_page.write_structure, pdf_page.make_archival, pdf_tags.Tagger.begin = saved  # type: ignore[method-assign]


@contextmanager
def _cid_chinese() -> Iterator[None]:
    from reports.fonts import cjk as cjk_fonts

    saved = cjk_fonts.find_cjk_face
    cjk_fonts.find_cjk_face = lambda preferred=None, base=None: None  # type: ignore[assignment]
    cjk_fonts.clear_cache()
    try:
        yield
    finally:
        cjk_fonts.find_cjk_face = saved
        cjk_fonts.clear_cache()


def tagging(runs: int) -> dict[str, Any]:
    """Median milliseconds of each variant and its floor, and the ratios the README reports."""
    from benchmarks import floor_pdf
    from reports.fonts.cjk import find_cjk_face
    from reports.load import load_agreement
    from reports.pipeline import render

    agreement = load_agreement(SHIPPED)
    blocks: dict[str, Callable[[], Any]] = {"tagged": nullcontext, "untagged": _untagged, "cid": _cid_chinese}
    out: dict[str, Any] = {"chinese_face": str(getattr(find_cjk_face(None), "family", "none"))}
    for name, switch in blocks.items():
        with switch():
            render(agreement, "briefing", "pdf")  # fonts and caches of this variant, before timing
            times = interleaved_median_ms({
                "tool": lambda: render(agreement, "briefing", "pdf"),
                "floor": lambda: floor_pdf.briefing_pdf(agreement),
            }, runs)
        out[f"{name}_ms"] = times["tool"]
        out[f"{name}_floor_ms"] = times["floor"]
        out[f"{name}_over_floor"] = times["tool"] / times["floor"]
    out["tagging_cost_ms"] = out["tagged_ms"] - out["untagged_ms"]
    out["chinese_embedding_cost_ms"] = out["tagged_ms"] - out["cid_ms"]
    return out


def report(result: dict[str, Any]) -> str:
    ok = result["tagged_over_floor"] <= 1.3
    return "\n".join([
        "tagged, archival briefing PDF (Chinese face: {})".format(result["chinese_face"]),
        f"  tagged tool/untagged floor       {result['tagged_over_floor']:.2f}  (<= 1.3)  {'ok' if ok else 'MISS'}",
        f"  untagged tool/floor              {result['untagged_over_floor']:.2f}",
        f"  cost of tagging                  {result['tagging_cost_ms']:.1f} ms",
        f"  cost of embedding Chinese        {result['chinese_embedding_cost_ms']:.1f} ms",
    ])


if __name__ == "__main__":
    print(report(tagging(15)))
