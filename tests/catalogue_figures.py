"""Bad-input catalogue rows for the timeline figure (issue 17): a ```timeline block whose lines cannot
be read, one with no events, more events than a figure holds, a label of 100,000 characters.

Each row builds the shipped agreement's memo as a Word file with a template folder ``T`` of its own: a
line that cannot be read is a warning naming the template's own line (an error under --strict, with
no document written); what can be drawn is drawn.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.catalogue_case import Case
from tests.conftest import SHIPPED

SHIPPED_BYTES = SHIPPED.read_bytes()
DOCX = ("docx", "{file}", "--kind", "memo", "--template-dir", "{dir}/T", "-o", "{dir}/out.docx")


def _drawn(*texts: str, count: int | None = 1):  # type: ignore[no-untyped-def]
    """Checks that out.docx holds ``count`` timeline drawings (None: one or more) showing ``texts``."""
    def extra(folder: Path, _output: str) -> None:
        xml = zipfile.ZipFile(io.BytesIO((folder / "out.docx").read_bytes())).read("word/document.xml").decode()
        drawings = xml.count("<wpg:wgp>")
        assert drawings == count if count is not None else drawings >= 1, drawings
        for text in texts:
            assert text in xml, text
    return extra


def _no_document(folder: Path, _output: str) -> None:
    written = [p.name for p in folder.iterdir() if p.name.startswith(("out.", ".out."))]
    assert not written, f"a failed build left {written}"


def _case(name: str, input: str, lines: str, message: str, exit_code: int = 0, *, strict: bool = False,
          info: str = "", extra=None) -> Case:  # type: ignore[no-untyped-def]
    template = f"# Memo\n\n```timeline{info}\n{lines}```\n\nAfter.\n".encode()
    args = (*DOCX, "--strict") if strict else DOCX
    return Case(f"fig-{name}", input, "data.yaml", SHIPPED_BYTES, message, exit_code, args,
                files=(("T/memo.md.j2", template),), extra=extra or (_no_document if exit_code else None))


_MANY = "".join(f"{2000 + i // 365:04d}-{i % 12 + 1:02d}-{i % 28 + 1:02d} | event {i}\n" for i in range(600))

CASES: list[Case] = [
    _case("timeline-bad-date", "a timeline line with a day that does not exist",
          "2023-07-07 | Signed | milestone\n2023-02-30 | no such day\n",
          "T/memo.md.j2:5: warning: timeline line left out: '2023-02-30' is not a date as YYYY-MM-DD",
          extra=_drawn("7 Jul 2023", "Signed")),
    _case("timeline-bad-date-strict", "the same under --strict",
          "2023-07-07 | Signed\n2023-02-30 | no such day\n",
          "T/memo.md.j2:5: timeline line left out: '2023-02-30' is not a date as YYYY-MM-DD", 1, strict=True),
    _case("timeline-no-bar", "a timeline line without the '|' between date and label",
          "2023-07-07 Signed\n2023-07-08 | Next day\n",
          "T/memo.md.j2:4: warning: timeline line left out: expected 'YYYY-MM-DD | label' or "
          "'YYYY-MM-DD | label | milestone', found '2023-07-07 Signed'", extra=_drawn("Next day")),
    _case("timeline-unknown-flag", "a timeline line whose third column is not 'milestone'",
          "2023-07-07 | Signed | important\n",
          "T/memo.md.j2:4: warning: timeline line left out: unknown flag 'important'", extra=_drawn(count=0)),
    _case("timeline-empty", "a timeline block with no events", "\n",
          "T/memo.md.j2:3: warning: timeline block has no events", extra=_drawn(count=0)),
    _case("timeline-bad-option", "a timeline option that does not exist and an as-of that is not a date",
          "2023-07-07 | Signed\n", "T/memo.md.j2:3: warning: timeline option 'colour' ignored; known: as-of, "
          "caption, alt", info=" colour=red as-of=yesterday", extra=_drawn("Signed")),
    _case("timeline-too-many", "a timeline of 600 events", _MANY,
          "T/memo.md.j2:4: warning: timeline of 600 events: only the first 500 in date order are drawn",
          extra=_drawn("event 0", count=None)),
    _case("timeline-giant-label", "a timeline label of 100,000 characters",
          "2023-07-07 | " + "Cooperation " * 8_333 + "\n", "wrote", extra=_drawn("7 Jul 2023", "Cooperation")),
]
