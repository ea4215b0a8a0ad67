"""Bad-input catalogue rows for batch builds: where the manifest may go, how many workers start, the
per-document time limit, and standard input as a data argument."""

from __future__ import annotations

from pathlib import Path

from tests.catalogue_case import Case
from tests.conftest import SHIPPED, documents_in

SHIPPED_BYTES = SHIPPED.read_bytes()
ID = "zhejiang-alibaba-2023"
# Two nested loops of 50,000 x 50,000 iterations over a string: no range() cap applies, and no output is
# produced, so only the time limit can stop it.
ENDLESS = (b"---\ntitle: Endless\n---\n"
           b'{% set s = "x" * 50000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}\n# Never\n')
BUILD_MEMO_PDF = ("build", "{file}", "-d", "{dir}/out", "--kind", "memo", "--format", "pdf")


def _nothing_written(folder: Path, _output: str) -> None:
    assert (folder / "a.yaml").read_bytes() == SHIPPED_BYTES, "the data file was changed"
    assert not (folder / "out").exists(), documents_in(folder / "out")


def _nothing_in_data(folder: Path, _output: str) -> None:
    assert sorted(p.name for p in (folder / "data").iterdir()) == ["a.yaml"]
    assert not (folder / "out").exists()


def _document_kept(folder: Path, _output: str) -> None:
    document = folder / "out" / f"{ID}-memo.pdf"
    assert document.read_bytes() == b"%PDF-1.4 an earlier build\n", "the document was replaced"


def _earlier_document(folder: Path) -> None:
    (folder / "out").mkdir()
    (folder / "out" / f"{ID}-memo.pdf").write_bytes(b"%PDF-1.4 an earlier build\n")


def _built_from_stdin(folder: Path, _output: str) -> None:
    names = documents_in(folder / "out")
    assert names == [f"{ID}-memo.pdf"], names
    assert (folder / "out" / names[0]).read_bytes().rstrip().endswith(b"%%EOF")


def _no_document(folder: Path, _output: str) -> None:
    out = folder / "out"
    assert not out.exists() or not documents_in(out), documents_in(out)


def _all_built(folder: Path, _output: str) -> None:
    assert documents_in(folder / "out") == [f"{ID}-memo.pdf"]


CASES: list[Case] = [
    Case("batch-manifest-onto-input", "--manifest naming the data file being built", "a.yaml", SHIPPED_BYTES,
         "a.yaml: the manifest would overwrite the data file", 1,
         args=(*BUILD_MEMO_PDF, "--manifest", "{file}"), extra=_nothing_written),
    Case("batch-manifest-onto-output", "--manifest naming a document of the same build", "a.yaml", SHIPPED_BYTES,
         f"out/{ID}-memo.pdf: the manifest would overwrite the document", 1,
         args=(*BUILD_MEMO_PDF, "--manifest", f"{{dir}}/out/{ID}-memo.pdf"), setup=_earlier_document,
         extra=_document_kept),
    Case("batch-manifest-onto-theme", "--manifest naming the theme file", "a.yaml", SHIPPED_BYTES,
         "theme.yaml: the manifest would overwrite the theme file", 1,
         args=(*BUILD_MEMO_PDF, "--theme", "{dir}/theme.yaml", "--manifest", "{dir}/theme.yaml"),
         files=(("theme.yaml", b"page_size: Letter\n"),), extra=_nothing_written),
    Case("batch-manifest-onto-output-folder", "--manifest naming the output folder (not made yet)", "a.yaml",
         SHIPPED_BYTES, "the manifest would overwrite the output folder", 1,
         args=(*BUILD_MEMO_PDF, "--manifest", "{dir}/out"), extra=_nothing_written),
    Case("batch-manifest-into-data-folder", "--manifest as a .json file inside the data folder being built",
         "data/a.yaml", SHIPPED_BYTES, "(the next build would read it as an agreement)", 1,
         args=("build", "{dir}/data", "-d", "{dir}/out", "--manifest", "{dir}/data/manifest.json"),
         extra=_nothing_in_data),
    Case("batch-jobs-capped", "--jobs 1000, far more than the machine's CPUs", "a.yaml", SHIPPED_BYTES,
         "--jobs: warning: 1000 is more than 2 per CPU", 0, args=(*BUILD_MEMO_PDF, "--jobs", "1000"),
         extra=_all_built),
    Case("batch-timeout", "a template that loops 2.5 billion times, with --timeout 2", "a.yaml", SHIPPED_BYTES,
         "templates/memo.md.j2:4: took longer than the limit of 2 s building the memo of", 1,
         args=(*BUILD_MEMO_PDF, "--template-dir", "{dir}/templates", "--timeout", "2"),
         files=(("templates/memo.md.j2", ENDLESS),), process=True, extra=_no_document),
    Case("batch-stdin", "build - with the agreement on standard input", "unused.txt", None,
         "built 1 document for 1 agreement", 0, args=("build", "-", "-d", "{dir}/out", "--kind", "memo",
                                                       "--format", "pdf"),
         stdin=SHIPPED_BYTES, extra=_built_from_stdin),
]
