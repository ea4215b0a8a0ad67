"""What every writer takes besides the document and the theme: one object, the same for every format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports.writers.pagination import Paginate


@dataclass(frozen=True)
class WriterOptions:
    """Options of one document's writing. A writer ignores what its format has no use for."""

    reference_docx: Path | None = None  # a Word document whose styles, page set-up and letterhead to take
    # How the document falls into pages (the DOCX writer's contents need it). The registry fills it in
    # with the PDF layout, so that no writer imports another.
    paginate: Paginate | None = None
