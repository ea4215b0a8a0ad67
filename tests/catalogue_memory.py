"""Bad-input catalogue rows for the memory cap: documents that need more memory than ``--memory-limit``
lets the process that renders them take. The build's own process never renders, so it reports the
agreement and goes on; one document (``reports pdf``) renders in a worker of its own the same way.
Where the allocation fails decides where the message points: the template's line (a template that
ran out) or the data file and kind (the writers). Worker deaths and signals are real-process tests
(tests/test_supervisor.py). The rows run as real processes: a worker forked from the test process
would start from its memory, not a command's."""

from __future__ import annotations

from tests.catalogue_case import Case
from tests.conftest import SHIPPED

SHIPPED_BYTES = SHIPPED.read_bytes()

CASES: list[Case] = [
    Case("memory-limit-build", "documents that need more memory than --memory-limit (a build)", "a.yaml",
         SHIPPED_BYTES, "used more than 1 MB; stopped (raise it with --memory-limit)",
         args=("build", "{file}", "-d", "{dir}/out", "--kind", "memo", "--memory-limit", "1"), process=True),
    Case("memory-limit-jobs", "documents that need more memory than --memory-limit (two workers)", "a.yaml",
         SHIPPED_BYTES, "used more than 2 MB; stopped (raise it with --memory-limit)",
         args=("build", "{file}", "-d", "{dir}/out", "-j", "2", "--memory-limit", "2"), process=True),
    Case("memory-limit-one", "a document that needs more memory than --memory-limit (reports pdf)", "a.yaml",
         SHIPPED_BYTES, "used more than 1 MB; stopped (raise it with --memory-limit)",
         args=("pdf", "{file}", "--kind", "memo", "-o", "{dir}/out.pdf", "--memory-limit", "1"), process=True),
    Case("memory-limit-negative", "a negative --memory-limit", "a.yaml", SHIPPED_BYTES,
         "Invalid value for '--memory-limit'", exit_code=2,
         args=("build", "{file}", "-d", "{dir}/out", "--memory-limit", "-5")),
]
