"""Generated agreements, proved by the validators this project did not write (issue 23).

tests/test_generative.py already runs page-validation on every PDF it makes (it is fast); outloud reads a
file for about a second, so it runs here on a sample: agreements drawn from the model at its extremes,
in both shipped languages and both kinds, each PDF checked by page-validation (PDF/UA-1 and the PDF/A
profile it claims) and outloud (PDF/UA-1 by Matterhorn checkpoint, WCAG 2.2), and each DOCX by
openxml-audit. Any finding fails, except outloud's heuristics that judge the data's own words
(``tests.validators.JUDGES_THE_DATA``: a 300-character title, a heading that is a party called "gĄ8"),
which are recorded as events. Shrinking is off, so a failure is reported at once with its example.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from reports.errors import ReportsError
from reports.kinds import DEFAULT_KINDS as KINDS
from reports.model import Agreement
from reports.pipeline import Options, render_formats
from tests import strategies
from tests.validators import check_pdf, docx_findings

EXAMPLES = int(os.environ.get("REPORTS_VALIDATED_EXAMPLES", "12"))


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(agreement=strategies.agreements(), kind=st.sampled_from(KINDS), lang=st.sampled_from(["en", "zh-Hans"]))
def test_generated_agreements_pass_every_validator(agreement: Agreement, kind: str, lang: str) -> None:
    try:
        pdf, docx = render_formats(agreement, kind, ("pdf", "docx"), Options(lang=lang, timeout=None))
    except ReportsError:
        return  # refused with located problems: tests/test_generative.py's concern
    excused = check_pdf(pdf.data, generated=True)
    if excused:
        event(f"excused: {excused}")
    findings = docx_findings(docx.data)
    assert not findings, "\n".join(findings)
