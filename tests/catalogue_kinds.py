"""Bad-input catalogue: kinds (the --kind a user asks for) and theme files with mistakes in them."""

from __future__ import annotations

from pathlib import Path

from tests.catalogue_case import Case
from tests.conftest import SHIPPED

SHIPPED_BYTES = SHIPPED.read_bytes()
LETTER = b"# Letter\n\nDear {{ data.parties[0].name }},\n"


def _no_document(folder: Path, _output: str) -> None:
    assert not (folder / "out").exists(), "a refused kind or theme still wrote a document"


CASES: list[Case] = [
    Case("kind-unknown", "a kind with no template, no --template-dir", "data.yaml", SHIPPED_BYTES,
         "--kind letter: no template letter.md.j2 in the built-ins (available: briefing, memo); "
         "add yours with --template-dir FOLDER", 2, ("pdf", "{file}", "--kind", "letter"), extra=_no_document),
    Case("kind-unknown-in-folder", "a kind missing from the template folder too", "data.yaml", SHIPPED_BYTES,
         "--kind invoice: no template invoice.md.j2 in the template folder or the built-ins "
         "(available: briefing, letter, memo)", 2,
         ("build", "{file}", "--kind", "invoice", "--template-dir", "{dir}/T"),
         files=(("T/letter.md.j2", LETTER),), extra=_no_document),
    Case("kind-partial-as-kind", "a partial's path given as a kind (it would name a file in a sub-folder)",
         "data.yaml", SHIPPED_BYTES, "--kind partials/macros: not a kind name", 2,
         ("build", "{file}", "--kind", "partials/macros"), extra=_no_document),
    Case("kind-path-escape", "a kind that climbs out of the template folder", "data.yaml", SHIPPED_BYTES,
         "--kind ../outside/secret: not a kind name", 2, ("docx", "{file}", "--kind", "../outside/secret"),
         extra=_no_document),
    Case("kind-theme-colour-name", "a theme colour given as a name", "theme.yaml", b"colours:\n  accent: red\n",
         "theme.yaml:2:3: colours.accent: expected a colour as #RRGGBB (six hex digits, e.g. #1F3A5F), "
         "found 'red'", 1, ("pdf", "{dir}/data.yaml", "--theme", "{file}"),
         files=(("data.yaml", SHIPPED_BYTES),), extra=_no_document),
    Case("kind-theme-margin-inches", "a theme margin in inches (1) instead of millimetres", "theme.yaml",
         b"margins:\n  left: 1\n", "theme.yaml:2:3: margins.left: expected a margin between 5 and 80 "
         "(millimetres), found 1", 1, ("pdf", "{dir}/data.yaml", "--theme", "{file}"),
         files=(("data.yaml", SHIPPED_BYTES),), extra=_no_document),
]
