"""Bad-input catalogue: templates and themes that reportlab's limits used to turn into tracebacks.

Heading levels a template may use in any order, tables far wider than a page, thousands of page
breaks, a word longer than a page, fonts a theme cannot have: each either builds (and the case reads
the PDF back to prove nothing was lost) or stops with one message naming the file that is at fault.
"""

from __future__ import annotations

from pathlib import Path

from tests.catalogue_case import Case

_BUILD = ("build", "-d", "{dir}/out", "--template-dir", "{dir}/tpl", "--kind", "briefing", "--format", "pdf",
          "-j", "1")
_FRONT = "---\ntitle: Odd template\n---\n\n"


def _template_case(name: str, description: str, markdown: str, message: str = "", code: int = 0,
                   **kw: object) -> Case:
    return Case(f"pdf-{name}", description, "tpl/briefing.md.j2", (_FRONT + markdown).encode(), message, code,
                args=_BUILD, **kw)  # type: ignore[arg-type]


def _pdf(folder: Path) -> bytes:
    [pdf] = list((folder / "out").glob("*-briefing.pdf"))
    return pdf.read_bytes()


def _outline(folder: Path) -> list[object]:
    import io

    from pypdf import PdfReader

    def walk(items: list[object]) -> list[object]:
        return [walk(i) if isinstance(i, list) else i.title for i in items]  # type: ignore[attr-defined]

    return walk(PdfReader(io.BytesIO(_pdf(folder))).outline)


def _text(folder: Path) -> str:
    from tests.conftest import pdf_text

    return pdf_text(_pdf(folder))


def _pages(folder: Path) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(_pdf(folder))).pages)


def _check_outline(expected: list[object]) -> object:
    def check(folder: Path, output: str) -> None:
        assert _outline(folder) == expected, _outline(folder)
    return check


def _wide_table(columns: int, rows: int) -> str:
    lines = ["| " + " | ".join(f"H{c}" for c in range(columns)) + " |",
             "|" + "---|" * columns]
    lines += ["| " + " | ".join(f"r{r}c{c}" for c in range(columns)) + " |" for r in range(rows)]
    return "\n".join(lines) + "\n"


def _all_cells(columns: int, rows: int) -> object:
    def check(folder: Path, output: str) -> None:
        words = set(_text(folder).split())
        missing = ({f"H{c}" for c in range(columns)} | {f"r{r}c{c}" for r in range(rows) for c in range(columns)}
                   ) - words
        assert not missing, sorted(missing)[:10]
    return check


def _page_count(expected: int) -> object:
    def check(folder: Path, output: str) -> None:
        assert _pages(folder) == expected, _pages(folder)
    return check


def _long_word(folder: Path, output: str) -> None:
    assert _text(folder).replace("\n", "").count("w") == 100_000


def _not_the_data_file(folder: Path, output: str) -> None:
    assert "zhejiang" not in output.lower(), output  # the theme is at fault, not the shipped data
    assert output.strip().count("\n") == 0, output


CASES: list[Case] = [
    _template_case("first-heading-h2", "a template whose headings start at ## (no #)",
                   "## Second\n\ntext\n\n### Third\n\n## Second again\n",
                   extra=_check_outline(["Second", ["Third"], "Second again"])),
    _template_case("heading-skip", "a template jumping from # to ###",
                   "# One\n\n### Three\n\n### Three again\n\n# One again\n",
                   extra=_check_outline(["One", ["Three", "Three again"], "One again"])),
    _template_case("first-heading-h3", "a template whose first heading is ### followed by #",
                   "### Deep first\n\n# Top\n\n## Middle\n",
                   extra=_check_outline(["Deep first", "Top", ["Middle"]])),
    _template_case("wide-table", "a table of 300 columns", "# Wide\n\n" + _wide_table(300, 2),
                   extra=_all_cells(300, 2)),
    _template_case("page-breaks", "3,000 consecutive page breaks",
                   "# Breaks\n\nbefore\n\n" + "\\newpage\n\n" * 3000 + "after\n",
                   "2999 page breaks dropped: a page break right after another one", extra=_page_count(2)),
    _template_case("page-break-in-quote", "a page break inside a quote (drawn as one box)",
                   "# Quote\n\n> before\n>\n> \\newpage\n>\n> after\n",
                   "\\newpage inside a quote or key-facts block is ignored", extra=_page_count(1)),
    _template_case("long-word", "a 100,000-character word", "# Word\n\n" + "w" * 100_000 + "\n",
                   extra=_long_word),
    Case("pdf-unknown-font", "a theme naming a font family the tool does not have", "theme.yaml",
         b"fonts:\n  body: Comic Sans\n", "theme.yaml:2:3: fonts.body: unknown font family 'Comic Sans'", 1,
         args=("build", "-d", "{dir}/out", "--theme", "{file}"), extra=_not_the_data_file),
    Case("pdf-unknown-cjk-font", "a theme naming a CJK font the tool does not have", "theme.yaml",
         b"fonts: {cjk: No Such Song}\n", "fonts.cjk: CJK font 'No Such Song': no usable face of that family", 1,
         args=("build", "-d", "{dir}/out", "--theme", "{file}"), extra=_not_the_data_file),
]
