"""Incremental builds and the watch loop, timed as a user meets them: whole processes on real files.

- a no-op rebuild of a portfolio (target: 1,000 agreements in under 2 s);
- one data file changed (only its four documents are made again);
- a partial that only the memo includes changed (exactly the memos are made again);
- ``reports watch``: from saving the shipped data file to its new briefing PDF on disk (target: median
  under 0.3 s over 20 saves).

Run it alone with ``python -m benchmarks.incremental [--size N]`` or as part of ``python -m benchmarks.run``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.timing import BIN, SHIPPED, make_portfolio

NOOP_TARGET_S = 2.0  # for 1,000 agreements
WATCH_TARGET_S = 0.3  # median, save -> new briefing PDF
MEMO_PARTIAL = "partials/memo-extra.md.j2"


def _reports(*args: str, cwd: Path) -> tuple[float, dict[str, Any]]:
    """Seconds a `reports build` process takes, and its manifest."""
    manifest = cwd / "manifest.json"
    started = time.perf_counter()
    subprocess.run([str(BIN / "reports"), "build", *args, "-q", "--manifest", str(manifest)], cwd=cwd, check=True)
    return time.perf_counter() - started, json.loads(manifest.read_text("utf-8"))


def _written(manifest: dict[str, Any]) -> int:
    return sum(1 for i in manifest["inputs"] for o in i["outputs"] if o["status"] == "written")


def _templates(folder: Path) -> Path:
    """The built-in templates, with a partial that only the memo includes."""
    subprocess.run([str(BIN / "reports"), "templates", "--copy", str(folder)], check=True, capture_output=True)
    memo = folder / "memo.md.j2"
    memo.write_text(memo.read_text("utf-8").rstrip("\n") + f'\n\n{{% include "{MEMO_PARTIAL}" %}}\n', "utf-8")
    (folder / MEMO_PARTIAL).write_text("Prepared for the portfolio review.\n", "utf-8")
    return folder


def rebuilds(size: int, runs: int) -> dict[str, Any]:
    """Build ``size`` agreements once, then time the no-op rebuild, one changed file and a touched partial."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "data"
        make_portfolio(data, size)
        templates = _templates(root / "tpl")
        args = [str(data), "-d", str(root / "out"), "--template-dir", str(templates)]
        first, _ = _reports(*args, cwd=root)
        noop = [_reports(*args, cwd=root) for _ in range(runs)]
        edited = data / f"agreement-{size // 2:05d}.yaml"
        # The title and the signing date: every document of the agreement shows one or the other.
        edited.write_text(edited.read_text("utf-8").replace("title: Agreement", "title: Revised Agreement")
                          .replace("signed: 2023-07-07", "signed: 2023-07-06"), "utf-8")
        one_s, one = _reports(*args, cwd=root)
        (templates / MEMO_PARTIAL).write_text("Prepared for the annual portfolio review.\n", "utf-8")
        partial_s, partial = _reports(*args, cwd=root)
        return {
            "agreements": size, "documents": size * 4, "first_build_s": first,
            "noop_s": statistics.median(s for s, _ in noop), "noop_written": max(_written(m) for _, m in noop),
            "one_file_s": one_s, "one_file_written": _written(one),
            "partial_s": partial_s, "partial_written": _written(partial),
            "partial_written_kinds": sorted({o["kind"] for i in partial["inputs"] for o in i["outputs"]
                                             if o["status"] == "written"}),
        }


def watch_latency(saves: int) -> dict[str, Any]:
    """Median seconds from saving the shipped data file to its new briefing PDF, with a real `reports watch`."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "deal.yaml"
        shutil.copy(SHIPPED, data)
        pdf = root / "out" / "zhejiang-alibaba-2023-briefing.pdf"
        env = {**os.environ, "NO_COLOR": "1"}
        process = subprocess.Popen([str(BIN / "reports"), "watch", str(data), "-d", str(root / "out")], cwd=root,
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stderr is not None
            process.stderr.readline()  # "watching N folders": the first build is done, the watch begins
            time.sleep(0.5)
            text = data.read_text("utf-8")
            times = []
            for i in range(saves):
                before = pdf.stat().st_mtime_ns
                started = time.perf_counter()
                data.write_text(text.replace("title: Zhejiang–Alibaba", f"title: Save {i} Zhejiang–Alibaba"), "utf-8")
                while pdf.stat().st_mtime_ns == before:
                    if time.perf_counter() - started > 10:
                        raise RuntimeError("reports watch did not rebuild the briefing within 10 s")
                    time.sleep(0.002)
                times.append(time.perf_counter() - started)
                time.sleep(0.15)  # let the memo and the DOCX files finish before the next save
        finally:
            process.terminate()
            process.wait(timeout=30)
        return {"saves": saves, "median_s": statistics.median(times), "max_s": max(times)}


def measure(quick: bool = False, size: int | None = None) -> dict[str, Any]:
    """Every figure of this module, JSON-ready (``quick``: a tiny portfolio and three saves)."""
    return {"rebuilds": rebuilds(size or (6 if quick else 1000), 1 if quick else 3),
            "watch": watch_latency(3 if quick else 20)}


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report_lines(result: dict[str, Any]) -> list[str]:
    r, w = result["rebuilds"], result["watch"]
    n = r["agreements"]
    lines = ["Incremental builds (whole processes)",
             f"  N={n}: first build {r['first_build_s']:.1f} s, no-op rebuild {r['noop_s']:.2f} s "
             f"({r['noop_written']} written)" + (f"  (< {NOOP_TARGET_S:.0f} s)  {_verdict(r['noop_s'] < NOOP_TARGET_S)}"
                                                 if n >= 1000 else ""),
             f"  one data file changed: {r['one_file_s']:.2f} s, {r['one_file_written']} documents written (4)  "
             f"{_verdict(r['one_file_written'] == 4)}",
             f"  a partial only the memo includes: {r['partial_s']:.1f} s, {r['partial_written']} documents written "
             f"({2 * n}, kinds {', '.join(r['partial_written_kinds'])})  "
             f"{_verdict(r['partial_written'] == 2 * n and r['partial_written_kinds'] == ['memo'])}",
             f"  reports watch, save -> new briefing PDF: median {w['median_s'] * 1000:.0f} ms over {w['saves']} saves "
             f"(max {w['max_s'] * 1000:.0f} ms)  (< {WATCH_TARGET_S * 1000:.0f} ms)  "
             f"{_verdict(w['median_s'] < WATCH_TARGET_S)}"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--size", type=int, help="agreements in the portfolio (default 1000)")
    args = parser.parse_args(argv)
    result = measure(args.quick, args.size)
    print("\n".join(report_lines(result)))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
