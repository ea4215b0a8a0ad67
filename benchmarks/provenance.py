"""What carrying the source and signing cost (issue 27), timed in turns against the same document without:

- ``embed``: the shipped briefing and memo with their data file and build record inside (a PDF/A-3
  associated file; a Custom XML part in the DOCX), as ``reports build`` makes them, against
  ``--no-embed-source``, per format;
- ``sign``: the same PDFs signed PAdES B-B with an RSA-2048 key (a throw-away test key, made here),
  against unsigned. A B-T signature adds the time-stamp authority's round trip, which is the network's.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from benchmarks.timing import SHIPPED, interleaved_median_ms


def measure(runs: int) -> dict[str, float]:
    import dataclasses

    from reports import provenance
    from reports.load import load_agreement
    from reports.pipeline import Options, SignSpec, render_formats
    from reports.sign_outputs import signed

    raw = SHIPPED.read_bytes()
    agreement = load_agreement(SHIPPED)
    plain = Options()
    out: dict[str, float] = {}
    for kind in ("briefing", "memo"):
        for fmt in ("pdf", "docx"):
            times = interleaved_median_ms({  # the record made each time, as a build makes it
                "with": lambda kind=kind, fmt=fmt: render_formats(  # type: ignore[misc]
                    agreement, kind, (fmt,), attachments=provenance.attachments(raw, SHIPPED.name, kind, (fmt,),
                                                                                plain)),
                "without": lambda kind=kind, fmt=fmt: render_formats(agreement, kind, (fmt,)),  # type: ignore[misc]
            }, runs)
            out[f"embed_{kind}_{fmt}_ratio"] = times["with"] / times["without"]
            out[f"embed_{kind}_{fmt}_ms"] = times["with"] - times["without"]
    from tests.pki import PASSWORD, make_pki

    with tempfile.TemporaryDirectory() as folder:
        pki = make_pki(Path(folder))
        password = Path(folder) / "password"
        password.write_text(PASSWORD, "utf-8")
        spec = SignSpec(key=pki.signer_p12, password_file=password)
        options = dataclasses.replace(plain, sign=spec)
        for kind in ("briefing", "memo"):
            signed(spec, "pdf", render_formats(agreement, kind, ("pdf",))[0])  # the signer loaded once, first
            times = interleaved_median_ms({
                "signed": lambda kind=kind: signed(spec, "pdf",  # type: ignore[misc]
                                                   render_formats(agreement, kind, ("pdf",), options)[0]),
                "unsigned": lambda kind=kind: render_formats(agreement, kind, ("pdf",)),  # type: ignore[misc]
            }, runs)
            out[f"sign_{kind}_ratio"] = times["signed"] / times["unsigned"]
            out[f"sign_{kind}_ms"] = times["signed"] - times["unsigned"]
    return out


def report_lines(result: dict[str, Any]) -> list[str]:
    lines = ["Carrying the data file and build record, and signing (median, over the same document without)"]
    for kind in ("briefing", "memo"):
        for fmt in ("pdf", "docx"):
            lines.append(f"  embed {kind:<8} {fmt.upper():<4} +{result[f'embed_{kind}_{fmt}_ms']:5.1f} ms  "
                         f"{result[f'embed_{kind}_{fmt}_ratio']:.2f} x")
    for kind in ("briefing", "memo"):
        lines.append(f"  sign  {kind:<8} PDF  +{result[f'sign_{kind}_ms']:5.1f} ms  "
                     f"{result[f'sign_{kind}_ratio']:.2f} x (PAdES B-B, RSA-2048)")
    return lines
