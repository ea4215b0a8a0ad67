"""What every writer takes besides the document and the theme: one object, the same for every format."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reports.limits import MAX_SOURCE_DATE_EPOCH
from reports.writers.pagination import Paginate

# How an attached file relates to the document (ISO 32000-2 Table 43; the values PDF/A-3 allows).
Relationship = Literal["Source", "Data", "Alternative", "Supplement", "Unspecified"]
RELATIONSHIPS: tuple[str, ...] = ("Source", "Data", "Alternative", "Supplement", "Unspecified")

# A media type without parameters (RFC 6838 §4.2): "type/subtype", each a restricted name without the rare
# "!#$&^" (RFC 6838 allows them; page-validation's PDF/A-3 rule does not, and no registered type uses them).
_MEDIA_NAME = r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,126}"
_MEDIA_TYPE = re.compile(rf"{_MEDIA_NAME}/{_MEDIA_NAME}")
MAX_NAME = 255  # characters of an attachment's file name (what most file systems hold)


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the document (PDF: an embedded, associated file; PDF/A-3).

    ``name`` is a plain file name (no folder, no control character); ``data`` its exact bytes;
    ``media_type`` a MIME type without parameters ("application/json"); ``relationship`` what it is to the
    document (``Source``: the document was made from it; ``Data``: data the document presents);
    ``description`` says what it is, for a person; ``modified`` is its modification date in seconds since
    1970-01-01 UTC, or None for the document's own fixed date (``SOURCE_DATE_EPOCH`` or the data's date),
    so that a rebuild writes the same bytes. Raises ``ValueError`` when a field breaks these rules.
    """

    name: str
    data: bytes
    media_type: str
    relationship: Relationship
    description: str
    modified: int | None = None

    def __post_init__(self) -> None:
        problem = _name_problem(self.name)
        if problem:
            raise ValueError(f"attachment name {self.name!r}: {problem}")
        if not isinstance(self.data, bytes):
            raise ValueError(f"attachment {self.name!r}: data must be bytes, not {type(self.data).__name__}")
        if not _MEDIA_TYPE.fullmatch(self.media_type):
            raise ValueError(f"attachment {self.name!r}: media type {self.media_type!r} is not type/subtype "
                             "(letters, digits and _.+- only; no parameters)")
        if self.relationship not in RELATIONSHIPS:
            raise ValueError(f"attachment {self.name!r}: relationship {self.relationship!r} is not one of "
                             f"{', '.join(RELATIONSHIPS)}")
        if not self.description.strip() or not _encodable(self.description):
            raise ValueError(f"attachment {self.name!r}: a description (text) is required")
        if self.modified is not None and not 0 <= self.modified <= MAX_SOURCE_DATE_EPOCH:
            raise ValueError(f"attachment {self.name!r}: modified must be seconds from 0 to "
                             f"{MAX_SOURCE_DATE_EPOCH} (9999-12-31)")


def _encodable(text: str) -> bool:
    # A lone surrogate is a str but no text: no PDF string or file name can hold it.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _name_problem(name: str) -> str:
    """Why ``name`` is not a plain file name ("" when it is one)."""
    if not name or name in {".", ".."}:
        return "a file name is required"
    if len(name) > MAX_NAME:
        return f"longer than {MAX_NAME} characters"
    if not _encodable(name):
        return "not text (a lone surrogate)"
    if "/" in name or "\\" in name:
        return "a file name, not a path (no / or \\)"
    if any(unicodedata.category(char) in {"Cc", "Cs"} for char in name):
        return "a control character"
    return ""


@dataclass(frozen=True)
class WriterOptions:
    """Options of one document's writing. A writer ignores what its format has no use for."""

    reference_docx: Path | None = None  # a Word document whose styles, page set-up and letterhead to take
    # How the document falls into pages (the DOCX writer's contents need it). The registry fills it in
    # with the PDF layout, so that no writer imports another.
    paginate: Paginate | None = None
    # Files carried inside the document (the PDF embeds them and claims PDF/A-3); names are unique.
    attachments: tuple[Attachment, ...] = ()
    # A redline's tracked changes (DOCX w:ins, w:del, w:rPrChange, w:pPrChange) are signed by ``author``
    # and dated ``revision_date`` (ISO 8601, "2024-01-31T00:00:00Z": the data's date or SOURCE_DATE_EPOCH,
    # never the clock, so that a rebuild writes the same bytes).
    author: str = "reports"
    revision_date: str = "1970-01-01T00:00:00Z"

    def __post_init__(self) -> None:
        counts = Counter(attachment.name for attachment in self.attachments)
        twice = sorted(name for name, count in counts.items() if count > 1)
        if twice:
            raise ValueError(f"attachment names must be unique: {', '.join(map(repr, twice))} given twice")
