"""Shared fixtures: the shipped agreements, a valid agreement as a dict, and readers for outputs."""

from __future__ import annotations

import copy
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from reports.model import Agreement
from tests.office import SOFFICE, Office

# In CI (CI=true) the property tests draw the same examples on every run, so that a build lands or not on
# its own merits, not on what the random draw found that day; at a developer's desk they explore afresh
# each run, which is where new failing inputs are found (and then fixed as a class).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The tool remembers the Chinese face it found in the user's cache folder: the tests (and the commands
# they run) use a folder of their own, so they neither depend on nor change the developer's.
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="reports-tests-cache-"))

ROOT = Path(__file__).resolve().parent.parent


def _import_every_local_module() -> None:
    """Import every module of the project's packages (the tests aside), once, before any test runs.

    Hypothesis (6.170 here) now and then draws a constant written in the source of a "local" module (one
    outside site-packages and the standard library, and not a test file), from the modules in
    ``sys.modules`` at the time it draws; it looks again whenever more are imported
    (``hypothesis.internal.conjecture.providers._get_local_constants``). Which of ours are imported
    depends on which tests ran before, so a ``derandomize=True`` test drew other examples in the full
    suite than alone, and a failure seen in CI could not be had again by running its file. With every
    module imported up front the pool is the same in every run, whatever the selection or order: it
    changes only with the source. Hypothesis has no setting that fixes or turns off the pool; what is
    imported is ours to decide."""
    import importlib
    import pkgutil

    for init in sorted(ROOT.glob("*/__init__.py")):
        name = init.parent.name
        if name == "tests":  # Hypothesis takes no constants from test files
            continue
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if module.name.rpartition(".")[2] == "__main__":  # runs the command line when imported
                continue
            try:
                importlib.import_module(module.name)
            except ImportError:  # an optional dependency missing: in no run does it add constants
                continue


_import_every_local_module()

SHIPPED = ROOT / "data" / "zhejiang-alibaba-2023.yaml"
MINIMAL = ROOT / "data" / "minimal.yaml"
_SHIPPED_DICT: dict[str, Any] = yaml.load(SHIPPED.read_text("utf-8"), Loader=yaml.BaseLoader)


@pytest.fixture(scope="session")
def shipped() -> Agreement:
    from reports.load import load_agreement

    return load_agreement(SHIPPED)


@pytest.fixture(scope="session")
def minimal() -> Agreement:
    from reports.load import load_agreement

    return load_agreement(MINIMAL)


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """LibreOffice, started once per test process on first use (tests/office.py); skips the test where it
    is not installed."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    running = Office(tmp_path_factory.mktemp("office"))
    try:
        yield running
    finally:
        running.close()


def shipped_dict() -> dict[str, Any]:
    """The shipped agreement as plain data (all scalars as strings), a fresh copy each call."""
    data = copy.deepcopy(_SHIPPED_DICT)
    data["schema_version"] = 1
    data["participating_units"][0]["count"] = 7
    return data


def pdf_text(data: bytes) -> str:
    """All text of a PDF, pages joined by form feeds."""
    from pypdf import PdfReader

    return "\f".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    """All text of a .docx body, tables included, one paragraph a line."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def document_text(data: bytes, fmt: str) -> str:
    """A document's text: the PDF's pages (``pdf_text``), or the DOCX's body and tables and, since
    python-docx's paragraphs are the body's only, every ``w:t`` of its headers and footers too."""
    import re
    import zipfile

    if fmt == "pdf":
        return pdf_text(data)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [n for n in package.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        xml = "\n".join(package.read(n).decode() for n in parts)
    return docx_text(data) + "\n" + "\n".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def squash(text: str) -> str:
    """Collapse all whitespace (line wrapping differs between outputs) to single spaces."""
    return " ".join(text.split())


# Every quotation mark, apostrophe and prime as one character: documents set quotation marks for their
# language (reports/parse/quotes.py, tested in tests/test_quotes.py), so a test that looks for the data's
# words compares them with the marks folded.
_QUOTES_FOLDED = str.maketrans(dict.fromkeys("\"'“”‘’„‚«»‹›「」『』′″", '"'))


def fold_quotes(text: str) -> str:
    """``text`` with every quotation mark, apostrophe and prime made ``"``."""
    return text.translate(_QUOTES_FOLDED)


def printed(fact: str, text: str) -> bool:
    """Whether the data's ``fact`` is in the document's ``text`` (both squashed): quotation marks folded,
    and a final ``. , ; :`` of the fact allowed to have merged with the template's punctuation after it
    (reports/punctuation.py: "the records." + ":" prints "the records:")."""
    fact, text = fold_quotes(squash(fact)), fold_quotes(squash(text))
    return fact in text or (fact[-1:] in ".,;:。，；：" and fact[:-1] in text)


def documents_in(folder: Path) -> list[str]:
    """The names in an output folder, sorted, without the incremental build's record (reports/build_record.py)."""
    from reports.build_record import RECORD_NAME

    return sorted(p.name for p in folder.iterdir() if p.name != RECORD_NAME)
