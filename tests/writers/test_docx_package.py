"""The DOCX package's zip: what zipfile writes, byte for byte, when a font part's deflated bytes are made
once and reused (``writers.docx.package``); a document's bytes are the same whatever was built before in the
process (the shared fonts' parts and the prepared package read once, ``writers.docx.writer``)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from reports.load import load_agreement
from reports.model import Agreement
from reports.pipeline import Options, render
from reports.writers.docx import fonts as docx_fonts
from reports.writers.docx import package
from reports.writers.docx import writer as docx_writer

DATA = Path(__file__).resolve().parents[2] / "data"


def _zipfile_alone(entries: list[tuple[str, bytes]]) -> bytes:
    """What ``package._zip`` writes, written by zipfile alone (every entry deflated as it is written)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, blob, compresslevel=package._level(name))
    return out.getvalue()


def test_the_zip_is_zipfiles_whether_a_fonts_bytes_were_deflated_before_or_not() -> None:
    font = os.urandom(20_000) + bytes(30_000)  # half noise, half runs: deflate has work to do
    big = os.urandom(package._SHARED_FONT + 1)  # not kept: deflated as it is written
    entries = [("[Content_Types].xml", b"<Types/>" * 50), ("word/fonts/font1.odttf", font),
               ("word/document.xml", b"<w:p/>" * 2000), ("word/fonts/font2.odttf", big), ("word/empty.xml", b"")]
    package._deflated.cache_clear()
    expected = _zipfile_alone(entries)
    assert package._zip(entries) == expected  # deflated now, and kept
    assert package._deflated.cache_info().currsize == 1
    assert package._zip(entries) == expected  # the kept bytes
    assert package._deflated.cache_info().hits == 1
    with zipfile.ZipFile(io.BytesIO(expected)) as archive:
        assert archive.testzip() is None
        assert archive.read("word/fonts/font1.odttf") == font


def test_the_zip_is_zipfiles_for_parts_kept_from_the_prepared_package_and_for_any_name() -> None:
    # The package is written directly, not by zipfile: its bytes must still be zipfile's, whatever the
    # entry (a part the prepared package holds unchanged, a name beyond ASCII, an empty part, stored).
    styles, theme = b"<w:styles/>" * 400, os.urandom(5_000) + b"<a:theme/>" * 300
    entries = [("word/styles.xml", styles), ("word/theme/theme1.xml", theme), ("word/média/é.xml", b"<x/>"),
               ("word/empty.xml", b"")]
    prepared = {"word/styles.xml": styles, "word/theme/theme1.xml": b"an older theme"}
    expected = _zipfile_alone(entries)
    assert package._zip(entries, prepared=prepared) == expected
    assert package._zip(entries, prepared=prepared) == expected  # the styles' deflated bytes, kept
    assert package._zip(entries, zipfile.ZIP_STORED) == package._zipfile(entries, zipfile.ZIP_STORED)
    with zipfile.ZipFile(io.BytesIO(expected)) as archive:
        assert archive.testzip() is None
        assert archive.read("word/média/é.xml") == b"<x/>"


def test_content_types_and_relationships_are_python_docx_own_bytes() -> None:
    # Made here element by element; python-docx's serialisation is the reference (an external target
    # with characters XML escapes, and beyond ASCII, included).
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.pkgwriter import _ContentTypesItem

    document = docx.Document()
    document.part.relate_to('https://example.org/a?b=1&c="2"<é>\t', RT.HYPERLINK, is_external=True)
    parts = list(document.part.package.iter_parts())
    assert package._content_types(parts) == _ContentTypesItem.from_parts(parts).blob
    for rels in (document.part.package.rels, *(part.rels for part in parts if len(part.rels))):
        assert package._rels_xml(rels) == rels.xml


@pytest.mark.parametrize("kind", ["memo", "briefing"])
def test_a_docx_has_the_same_bytes_whatever_was_built_before(shipped: Agreement, kind: str) -> None:
    for cache in (package._deflated, docx_fonts.font_part, docx_fonts.subset, docx_writer._read):
        cache.cache_clear()
    cold = render(shipped, kind, "docx", Options()).data
    render(load_agreement(DATA / "zhejiang-alibaba-2023.zh-Hans.yaml"), "briefing", "docx", Options())
    render(shipped, "memo" if kind == "briefing" else "briefing", "docx", Options())
    assert render(shipped, kind, "docx", Options()).data == cold
    assert package._deflated.cache_info().hits > 0  # the shared fonts' bytes were reused
    assert docx_writer._read.cache_info().hits > 0  # and the prepared package's parts, read once
