"""Validators this project did not write, run on the bytes our writers make (issue 23, "make it proved").

``pdf_findings`` runs page-validation (veraPDF-style machine rules) for PDF/UA-1 and for the PDF/A profile
the file itself claims in its XMP (``pdfaid:part`` + ``pdfaid:conformance``, e.g. ``2a``), then outloud
(PDF/UA-1 by Matterhorn checkpoint, plus WCAG 2.2). ``docx_findings`` runs openxml-audit. Each returns
readable strings, one a finding, so an assertion message names the rule; an empty list is a pass.

A validator that is not installed skips the calling test with the pip command that installs it, rather
than passing silently: a suite that never ran a validator must not read as one that proved anything.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

_CLAIM = re.compile(rb"<pdfaid:part>(\d)</pdfaid:part>\s*<pdfaid:conformance>([ABUabu])</pdfaid:conformance>")


def claimed_pdfa_profile(pdf: bytes) -> str | None:
    """The PDF/A profile the XMP claims, as page-validation names it ("2a", "3b"), or None if none.

    Read from the raw bytes: our XMP stream is unfiltered (PDF/A wants metadata readable without a
    decoder), and reading the claim rather than assuming it keeps the check honest if the claim changes
    (the provenance issue moves attached files to PDF/A-3a)."""
    match = _CLAIM.search(pdf)
    if match is None:
        return None
    return f"{match.group(1).decode()}{match.group(2).decode().lower()}"


def _module(name: str, package: str) -> Any:
    return pytest.importorskip(name, reason=f"{package} is not installed (pip install {package})")


def page_validation_findings(pdf: bytes) -> list[str]:
    """page-validation's failures for PDF/UA-1 and for the claimed PDF/A profile (a claim is required)."""
    page = _module("page", "page-validation")
    profile = claimed_pdfa_profile(pdf)
    if profile is None:
        return ["no PDF/A claim (pdfaid:part/conformance) in the XMP"]
    findings: list[str] = []
    for name in ("ua1", profile):
        report = page.validate_pdf_bytes(pdf, profile=name)
        findings.extend(f"page {name} {failure.rule_id}: {failure.message}" for failure in report.failures)
    return findings


def outloud_findings(pdf: bytes) -> list[str]:
    """Every outloud finding (errors, warnings and infos alike: today it finds nothing in our PDFs, and
    the issue asks to keep it so), or why it could not read the file."""
    outloud = _module("outloud", "outloud")
    with tempfile.TemporaryDirectory() as folder:  # outloud reads a path, not bytes
        path = Path(folder) / "checked.pdf"
        path.write_bytes(pdf)
        result = outloud.check(str(path))
    if result.error:
        return [f"outloud could not read the file: {result.error}"]
    return [f"outloud {f.severity} {f.rule} (page {f.page}, x{f.count}): {f.message}" for f in result.findings]


def pdf_findings(pdf: bytes) -> list[str]:
    """All the PDF validators' findings on ``pdf``; empty means every one of them passes."""
    return page_validation_findings(pdf) + outloud_findings(pdf)


# Findings on what reports/writers/pdf/ and reports/fonts/ draw, whose fixes are pending elsewhere (issue 23's
# structure text is another branch; the rest is reported there). A test that meets only these is an expected
# failure (xfail) or an event naming the rules, never a silent pass; any other finding still fails. Remove an entry
# when its fix lands.
PENDING = {
    # A URL-looking string in a data field (not a Markdown link) is printed without a link annotation.
    "LNK-010": "URL printed as text without a link annotation (reports/writers/pdf/)",
}
# A character no embedded face can draw (the build warns and prints a box) is shown as glyph 0 (.notdef)
# with no Unicode mapping; PDF/A and PDF/UA forbid both. Excused only where the build warned about it.
UNDRAWABLE = {
    "PDFUA1-FONT-GLYPH-PRESENCE-001", "PDFUA1-FONT-UNICODE-MAPPING-001", "PDFA2A-NOTDEF-GLYPH-001",
    "PDFA2A-TRUETYPE-GLYPH-PRESENCE-001", "PDFA2A-UNICODE-MAPPING-001", "TXT-003", "TXT-005",
}


def _rule(finding: str) -> str:
    """The rule id of a finding string as this module writes them ("page ua1 RULE: ..." and
    "outloud error RULE (...)")."""
    return finding.split(":", 1)[0].split()[2]


def check_pdf(pdf: bytes, *, undrawable: bool = False, outloud_fails: bool = True) -> str:
    """Fail on any finding not pending; return why, naming the rules, if pending ones remain ("" if none).

    The caller marks its test an expected failure with that (``pytest.xfail``), or, inside a hypothesis
    test (where an xfail would be shrunk as a failure), records it as an event.

    ``undrawable``: the build warned that a character has no glyph in any face, so the .notdef rules
    (``UNDRAWABLE``) are pending too. ``outloud_fails=False`` (generated agreements at the schema's
    extremes) returns outloud's findings as pending instead of failing: its heuristics judge the data
    there too (DOC-040, a title over 200 characters; TAG-002, a 300-character title in the running
    header read as prose), so only page-validation's machine rules of the claimed profiles fail."""
    findings = pdf_findings(pdf)
    excused = set(PENDING) | (UNDRAWABLE if undrawable else set())
    unexpected = [finding for finding in findings if _rule(finding) not in excused
                  and (outloud_fails or not finding.startswith("outloud "))]
    assert not unexpected, "\n".join(unexpected)
    pending = sorted({_rule(finding) for finding in findings})
    reasons = {rule: PENDING.get(rule, "a character no font draws, printed as .notdef" if rule in UNDRAWABLE
                                 else "outloud, on generated data") for rule in pending}
    return "; ".join(f"{rule}: {why}" for rule, why in reasons.items())


def docx_findings(docx: bytes) -> list[str]:
    """openxml-audit's errors on ``docx`` (the Open XML SDK's schema and semantic rules)."""
    openxml_audit = _module("openxml_audit", "openxml-audit")
    with tempfile.TemporaryDirectory() as folder:  # it reads a path, not bytes
        path = Path(folder) / "checked.docx"
        path.write_bytes(docx)
        return [str(error) for error in openxml_audit.OpenXmlValidator().validate(path).errors]
