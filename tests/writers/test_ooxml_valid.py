"""Every Word file the tool can write passes the OOXML schema check (openxml-audit, the Open XML SDK's
rules in Python): each kind, with and without a reference document (.docx and .dotx), with the default
theme, every theme the docs show and a themed one of our own, the hand-built document with every node
type, and agreements drawn from the model.

A file that fails the check is one Word may offer to "repair", which a recipient reads as a broken
document. ``REPORTS_HYPOTHESIS_EXAMPLES=N`` validates N generated agreements (default 6, each kind; openxml-audit takes
0.1-0.2 s a document).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from reports.errors import ReportsError
from reports.kinds import DEFAULT_KINDS as KINDS
from reports.load import load_theme
from reports.model import Agreement
from reports.pipeline import Options, render
from reports.theme import DEFAULT_THEME, Colours, Fonts, Theme
from tests import strategies
from tests.catalogue_references import blank, dotx, hostile
from tests.writers.sample import sample_document
from tests.writing import write_docx

openxml_audit = pytest.importorskip("openxml_audit")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("REPORTS_HYPOTHESIS_EXAMPLES", "6"))
_VALIDATOR = openxml_audit.OpenXmlValidator()


def schema_errors(data: bytes, folder: Path, name: str = "out.docx") -> list[str]:
    """What openxml-audit finds wrong with the .docx ``data`` (it reads files, so one is written)."""
    path = folder / name
    path.write_bytes(data)
    return [str(error) for error in _VALIDATOR.validate(path).errors]


def _png(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 100), "#7A1F2B")
    ImageDraw.Draw(image).rectangle((10, 10, 90, 90), fill="white")
    image.save(path)
    return path


def _documented_themes(folder: Path) -> list[tuple[str, Theme]]:
    """Every theme the README and the theme guide show (their YAML examples that set a page size),
    loaded as a user would load them, with the logo they name beside them."""
    themes = []
    for doc in ("README.md", "docs/theme-guide.md"):
        blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / doc).read_text("utf-8"), re.S)
        for i, block in enumerate(b for b in blocks if re.search(r"^page_size:", b, re.M)):
            path = folder / f"{Path(doc).stem}-{i}.yaml"
            path.write_text(block, "utf-8")
            themes.append((f"{doc} example {i + 1}", load_theme(path)))
    return themes


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ooxml")
    _png(path / "logo.png")
    (path / "corporate.docx").write_bytes(blank())
    (path / "corporate.dotx").write_bytes(dotx())
    (path / "letterhead.docx").write_bytes(hostile(str(path / "secret.txt")))
    return path


def _themes(folder: Path) -> list[tuple[str, Theme]]:
    ours = Theme(page_size="Letter", colours=Colours(accent="#7A1F2B"), fonts=Fonts(size=12),
                 logo=folder / "logo.png", classification="Restricted", organisation="Northwind Policy Unit")
    documented = _documented_themes(folder)
    assert len(documented) >= 2, "the README's and the theme guide's examples were not found"
    return [("default", DEFAULT_THEME), ("Letter, accent, 12 pt, logo", ours), *documented]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_theme_and_reference_passes_the_schema_check(folder: Path, shipped: Agreement,
                                                                 kind: str) -> None:
    # Each theme without a reference, each reference with the default theme, and a theme on a reference:
    # what a theme or a reference changes in the file is independent of the other, so the cross product
    # would add time and no new XML.
    themes = _themes(folder)
    cases = [(name, theme, None) for name, theme in themes]
    cases += [("default", DEFAULT_THEME, ref) for ref in ("corporate.docx", "corporate.dotx", "letterhead.docx")]
    cases += [(themes[1][0], themes[1][1], "corporate.docx")]
    failures = []
    for theme_name, theme, reference in cases:
        options = Options(theme=theme, reference_docx=folder / reference if reference else None)
        data = render(shipped, kind, "docx", options).data
        errors = schema_errors(data, folder)
        if errors:
            failures.append(f"{kind}, theme {theme_name}, reference {reference}: {errors[:5]}")
    assert not failures, "\n".join(failures)


def test_the_document_with_every_node_type_passes(folder: Path) -> None:
    from reports import tree as t

    for kind in KINDS:
        document = sample_document(kind=kind, toc=True)
        figure = t.Image(str(folder / "logo.png"), "A red block", width_mm=40)
        document = t.Document(document.meta, (*document.blocks, figure))
        data = write_docx(document, DEFAULT_THEME)
        assert schema_errors(data, folder) == [], kind


def test_the_built_in_reference_itself_passes(folder: Path) -> None:
    assert schema_errors((ROOT / "templates" / "reference.docx").read_bytes(), folder) == []


def test_the_check_finds_what_it_is_meant_to_find(folder: Path, shipped: Agreement) -> None:
    # The two faults the issue reported, put back by hand, must be caught (so a pass means something).
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    data = render(shipped, "briefing", "docx").data
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    assert parts["word/document.xml"].count(b"<w:tblHeader/>")
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:tblHeader/>",
                                                                    b'<w:tblHeader w:val="true"/>')
    styles = etree.fromstring(parts["word/styles.xml"])
    borders = next(styles.iter(f"{w}pBdr"))
    borders.getparent().append(borders)  # after the spacing and indents, where python-docx used to leave it
    parts["word/styles.xml"] = etree.tostring(styles)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, blob in parts.items():
            target.writestr(name, blob)
    errors = " ".join(schema_errors(out.getvalue(), folder))
    assert "tblHeader" in errors
    assert "pBdr" in errors


GENERATED = settings(max_examples=max(1, EXAMPLES), deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.large_base_example, HealthCheck.function_scoped_fixture])


@GENERATED
@given(agreement=strategies.agreements())
def test_generated_agreements_pass_the_schema_check(tmp_path: Path, agreement: Agreement) -> None:
    for kind in KINDS:
        try:
            data = render(agreement, kind, "docx", Options(timeout=None)).data
        except ReportsError:
            continue  # a located data or template error is what test_generative checks; no file to check
        assert schema_errors(data, tmp_path) == [], kind
