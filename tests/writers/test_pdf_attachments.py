"""Files attached to the PDF (reports/writers/pdf/attachments.py): PDF/A-3a, proved (issue 23).

The provenance issue will embed the agreement's data file (``/Source``) and a JSON build record
(``/Data``). Here the writer's side of it: the briefing and the memo, English and the Chinese edition,
each with those two attachments, must claim PDF/A-3a and draw no finding from page-validation (3a and
PDF/UA-1) nor from outloud; pikepdf must read back the exact bytes; qpdf's check (libqpdf through pikepdf's
``Job``: the ``qpdf --check`` of the library pikepdf is built on) must be clean; two builds must be
byte-identical. Without attachments the claim stays 2a (the corpus hashes in tests/test_corpus.py hold
those bytes). A hypothesis test attaches arbitrary bytes under arbitrary names.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import tree as t
from reports.limits import MAX_SOURCE_DATE_EPOCH
from reports.load import load_agreement
from reports.pipeline import Options, render_formats
from reports.theme import DEFAULT_THEME
from reports.version import __version__
from reports.writers import WriterOptions, get_writer
from reports.writers.options import RELATIONSHIPS, Attachment
from reports.writers.pdf.attachments import media_name, pdf_date
from tests.conftest import ROOT
from tests.validators import check_pdf, claimed_pdfa_profile, page_validation_findings

EDITIONS = {"en": "zhejiang-alibaba-2023.yaml", "zh": "zhejiang-alibaba-2023.zh-Hans.yaml"}
KINDS = ("briefing", "memo")


def provenance(kind: str, data_file: Path) -> tuple[Attachment, ...]:
    """What the provenance issue will attach: the data file as it is, and a small JSON build record."""
    data = data_file.read_bytes()
    record = json.dumps({"tool": f"reports {__version__}", "kind": kind, "source": data_file.name,
                         "sha256": hashlib.sha256(data).hexdigest()}, sort_keys=True, ensure_ascii=False)
    return (
        Attachment(data_file.name, data, "application/yaml", "Source",
                   "The agreement data this document was built from, byte for byte"),
        Attachment("build-record.json", record.encode("utf-8"), "application/json", "Data",
                   "How this document was built: tool, kind and the data file's SHA-256"),
    )


Built = dict[tuple[str, str], tuple[bytes, bytes, tuple[Attachment, ...]]]


@pytest.fixture(scope="module")
def built() -> Built:
    """(kind, edition) -> (PDF, the same PDF built again, its attachments)."""
    out: Built = {}
    for edition, name in EDITIONS.items():
        path = ROOT / "data" / name
        agreement = load_agreement(path)
        for kind in KINDS:
            files = provenance(kind, path)
            first, again = (render_formats(agreement, kind, ("pdf",), Options(timeout=None), source=name,
                                           attachments=files)[0].data for _ in range(2))
            out[kind, edition] = (first, again, files)
    return out


CELLS = [(kind, edition) for kind in KINDS for edition in EDITIONS]


def qpdf_check(pdf: bytes, folder: Path) -> list[str]:
    """qpdf's ``--check`` (run by libqpdf through pikepdf's Job) and its problems as pikepdf lists them;
    empty when both are clean."""
    path = folder / "checked.pdf"
    path.write_bytes(pdf)
    job = pikepdf.Job(["qpdf", "--check", str(path)])
    job.run()
    problems = [] if job.exit_code == 0 and not job.has_warnings else [f"qpdf --check exit {job.exit_code}"]
    with pikepdf.open(path) as document:
        return problems + document.check_pdf_syntax()


def read_back(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


@pytest.mark.parametrize(("kind", "edition"), CELLS)
def test_attached_pdf_claims_and_passes_pdfa3a(built: Built, kind: str, edition: str) -> None:
    pdf, _, _ = built[kind, edition]
    assert claimed_pdfa_profile(pdf) == "3a"
    assert check_pdf(pdf) == ""  # page-validation 3a and ua1, and outloud: nothing, not even pending


@pytest.mark.parametrize(("kind", "edition"), CELLS)
def test_attached_bytes_read_back_exactly(built: Built, kind: str, edition: str) -> None:
    pdf, _, files = built[kind, edition]
    with read_back(pdf) as document:
        assert sorted(document.attachments) == sorted(file.name for file in files)
        for file in files:
            spec = document.attachments[file.name]
            stored = spec.get_file()
            assert stored.read_bytes() == file.data
            assert stored.mime_type == file.media_type
            assert stored.size == len(file.data)
            assert stored.md5 == hashlib.md5(file.data, usedforsecurity=False).digest()
            assert spec.description == file.description
            assert spec.obj.AFRelationship == pikepdf.Name("/" + file.relationship)
            assert str(spec.obj.F) == str(spec.obj.UF) == file.name
        # The whole document's associated files, in the order given, and the same objects as the name tree's.
        associated = [spec.objgen for spec in document.Root.AF]
        assert associated == [document.attachments[file.name].obj.objgen for file in files]


@pytest.mark.parametrize(("kind", "edition"), CELLS)
def test_attached_pdf_passes_qpdf_check(built: Built, kind: str, edition: str, tmp_path: Path) -> None:
    pdf, _, _ = built[kind, edition]
    assert qpdf_check(pdf, tmp_path) == []


@pytest.mark.parametrize(("kind", "edition"), CELLS)
def test_attached_pdf_rebuilds_byte_identical(built: Built, kind: str, edition: str) -> None:
    pdf, again, _ = built[kind, edition]
    assert pdf == again


_REBUILD = """
import hashlib, sys
from reports.load import load_agreement
from reports.pipeline import Options, render
from tests.conftest import ROOT
from tests.writers.test_pdf_attachments import EDITIONS, provenance
path = ROOT / "data" / EDITIONS[sys.argv[2]]
pdf = render(load_agreement(path), sys.argv[1], "pdf", Options(timeout=None), source=path.name,
             attachments=provenance(sys.argv[1], path)).data
print(hashlib.sha256(pdf).hexdigest())
"""


def test_attached_pdf_rebuilds_byte_identical_in_another_process(built: Built) -> None:
    # Nothing remembered in this process (a layout, a font subset, a hash seed) may decide the bytes.
    pdf, _, _ = built["briefing", "zh"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", _REBUILD, "briefing", "zh"], capture_output=True, text=True,
                            env=env, cwd=ROOT, check=True, timeout=120)
    assert result.stdout.strip() == hashlib.sha256(pdf).hexdigest()


def _tiny(title: str = "Attached files") -> t.Document:
    return t.Document(t.Meta(title=title, iso_date="2023-07-07", language="en"),
                      (t.Paragraph((t.Text("The files ride along with this page."),)),))


def test_without_attachments_the_claim_stays_2a_and_nothing_is_added() -> None:
    write = get_writer("pdf")
    plain = write(_tiny(), DEFAULT_THEME, None)
    assert write(_tiny(), DEFAULT_THEME, WriterOptions(attachments=())) == plain
    assert claimed_pdfa_profile(plain) == "2a"
    with read_back(plain) as document:
        assert "/AF" not in document.Root and "/Names" not in document.Root
        assert not document.attachments
    one = (Attachment("a.txt", b"a", "text/plain", "Supplement", "A letter"),)
    assert claimed_pdfa_profile(write(_tiny(), DEFAULT_THEME, WriterOptions(attachments=one))) == "3a"


def test_docx_carries_attachments_in_custom_xml_only() -> None:
    # The DOCX keeps attachments in a Custom XML Data part (reports.writers.docx.attachments): every other
    # part is as it is without them.
    import zipfile

    from reports.provenance import docx_attachments

    agreement = load_agreement(ROOT / "data" / EDITIONS["en"])
    files = provenance("memo", ROOT / "data" / EDITIONS["en"])
    with_files = render_formats(agreement, "memo", ("docx",), Options(timeout=None), attachments=files)[0].data
    without = render_formats(agreement, "memo", ("docx",), Options(timeout=None))[0].data
    assert docx_attachments(with_files) == list(files) and docx_attachments(without) == []
    with zipfile.ZipFile(io.BytesIO(with_files)) as carrying, zipfile.ZipFile(io.BytesIO(without)) as bare:
        added = sorted(set(carrying.namelist()) - set(bare.namelist()))
        assert added == ["customXml/_rels/item1.xml.rels", "customXml/item1.xml", "customXml/itemProps1.xml"]
        changed = sorted(n for n in bare.namelist() if carrying.read(n) != bare.read(n))
    assert changed == ["[Content_Types].xml", "word/_rels/document.xml.rels"]


def test_modification_date_is_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    files = (Attachment("dated.txt", b"x", "text/plain", "Data", "Has a date of its own", modified=0),
             Attachment("undated.txt", b"y", "text/plain", "Data", "Takes the document's date"))
    write = get_writer("pdf")
    with read_back(write(_tiny(), DEFAULT_THEME, WriterOptions(attachments=files))) as document:
        dates = {name: str(spec.get_file().obj.Params.ModDate) for name, spec in document.attachments.items()}
    assert dates == {"dated.txt": "D:19700101000000+00'00'", "undated.txt": "D:20230707000000+00'00'"}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with read_back(write(_tiny(), DEFAULT_THEME, WriterOptions(attachments=files))) as document:
        assert str(document.attachments["undated.txt"].get_file().obj.Params.ModDate) == "D:20231114221320+00'00'"
    assert pdf_date(MAX_SOURCE_DATE_EPOCH) == "D:99991231235959+00'00'"


def test_media_type_is_one_name() -> None:
    # reportlab's PDFName writes '/' as it is, which would end the name after "application".
    assert media_name("application/json") == "/application#2Fjson"
    assert media_name("application/vnd.ms-excel") == "/application#2Fvnd.ms-excel"
    assert media_name("a#b/c+d") == "/a#23b#2Fc+d"  # what the writer would do; Attachment refuses '#'


@pytest.mark.parametrize(("field", "value", "says"), [
    ("name", "", "a file name is required"),
    ("name", "..", "a file name is required"),
    ("name", "data/agreement.yaml", "not a path"),
    ("name", "a\\b", "not a path"),
    ("name", "line\nbreak", "control character"),
    ("name", "x" * 256, "longer than 255"),
    ("name", "\ud800", "lone surrogate"),
    ("media_type", "json", "type/subtype"),
    ("media_type", "text/plain; charset=utf-8", "type/subtype"),
    ("media_type", "text/x&y", "type/subtype"),  # RFC 6838 allows '&'; page-validation's PDF/A-3 rule does not
    ("relationship", "Schema", "not one of"),
    ("description", " ", "description"),
    ("modified", -1, "modified"),
])
def test_attachment_rules(field: str, value: object, says: str) -> None:
    fields: dict[str, object] = {"name": "ok.txt", "data": b"", "media_type": "text/plain",
                                 "relationship": "Data", "description": "Fine", field: value}
    with pytest.raises(ValueError, match=says):
        Attachment(**fields)  # type: ignore[arg-type]


def test_names_are_unique() -> None:
    same = Attachment("a.txt", b"1", "text/plain", "Data", "One")
    with pytest.raises(ValueError, match="unique"):
        WriterOptions(attachments=(same, Attachment("a.txt", b"2", "text/plain", "Data", "Two")))


_NAMES = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(
    lambda name: "/" not in name and "\\" not in name and name not in {".", ".."})
_DATA = st.one_of(st.just(b""), st.binary(max_size=3000), st.binary(min_size=1, max_size=40).map(lambda b: b * 200))
_MEDIA = st.one_of(st.sampled_from(["application/yaml", "text/yaml", "application/json", "application/octet-stream"]),
                   st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,15}/[A-Za-z0-9][A-Za-z0-9_.+-]{0,15}", fullmatch=True))
_DESCRIPTIONS = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80).filter(str.strip)


@st.composite
def attachment_sets(draw: st.DrawFn) -> tuple[Attachment, ...]:
    names = draw(st.lists(_NAMES, min_size=1, max_size=4, unique=True))
    return tuple(Attachment(name, draw(_DATA), draw(_MEDIA), draw(st.sampled_from(RELATIONSHIPS)),
                            draw(_DESCRIPTIONS), draw(st.none() | st.integers(0, MAX_SOURCE_DATE_EPOCH)))
                 for name in names)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=attachment_sets())
def test_any_attachments_read_back_and_pass_pdfa3a(files: tuple[Attachment, ...]) -> None:
    write = get_writer("pdf")
    pdf = write(_tiny(), DEFAULT_THEME, WriterOptions(attachments=files))
    assert write(_tiny(), DEFAULT_THEME, WriterOptions(attachments=files)) == pdf
    assert claimed_pdfa_profile(pdf) == "3a"
    assert page_validation_findings(pdf) == []
    names = [file.name for file in files]
    with read_back(pdf) as fresh, read_back(pdf) as document:
        assert {name: spec.get_file().read_bytes() for name, spec in document.attachments.items()} == \
            {file.name: file.data for file in files}
        for file in files:
            spec = document.attachments[file.name]
            assert spec.get_file().mime_type == file.media_type
            assert spec.description == file.description
            assert spec.obj.AFRelationship == pikepdf.Name("/" + file.relationship)
        # Read before pikepdf's attachments helper (qpdf) re-sorts a tree it finds out of its order.
        keys = [bytes(key) for key in fresh.Root.Names.EmbeddedFiles.Names[::2]]
        assert keys == sorted(keys)  # by their bytes, all in one encoding (the names' or UTF-16BE)
        assert len({key.startswith(codecs.BOM_UTF16_BE) for key in keys}) == 1
        assert sorted(str(key) for key in fresh.Root.Names.EmbeddedFiles.Names[::2]) == sorted(names)
        assert len(document.Root.AF) == len(files)
