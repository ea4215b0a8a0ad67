"""The bytes of our PDFs as PDF/A-2 and ISO 32000-1 want them, read back with pikepdf (issue 23, 1-5).

For the shipped briefing, its Chinese edition and a themed build (logo, watermark): an EOL before every
``endstream`` with ``/Length`` the data's length, an XMP stream without ``/Filter`` and without the
undeclared ``pdf:Trapped``, ToUnicode CMaps that map only codes standing for a character (none to
U+0000) and every code the pages show, distinct and deterministic subset tags. page-validation, a
validator this project did not write, then runs on the same files when it is installed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pikepdf
import pytest

from reports.load import load_agreement, load_theme
from reports.pipeline import Options, render
from reports.writers.pdf.conformance import to_unicode_cmap
from tests.conftest import ROOT

_FIXED_RULES = {  # page-validation's rules behind defects 1-5, in both profiles our PDFs claim
    "PDFA2A-STREAM-EOL-001", "PDFA2A-STREAM-LENGTH-001", "PDFA2A-METADATA-FILTER-001", "PDFA2A-XMP-001",
    "PDFA2A-ID-SCHEMA-001", "PDFA2A-UNICODE-VALUE-001", "PDFUA1-FONT-UNICODE-VALUE-001",
    "PDFUA1-ID-PART-001", "PDFUA1-ID-SCHEMA-001", "PDFUA1-METADATA-TITLE-001",
}


def _build(name: str) -> bytes:
    if name == "chinese":
        return render(load_agreement(ROOT / "data" / "zhejiang-alibaba-2023.zh-Hans.yaml"), "briefing", "pdf",
                      Options(timeout=None)).data
    options = Options(timeout=None)
    if name == "themed":
        options = Options(theme=load_theme(ROOT / "docs" / "example-theme" / "theme.yaml"), watermark="DRAFT",
                          timeout=None)
    return render(load_agreement(ROOT / "data" / "zhejiang-alibaba-2023.yaml"), "briefing", "pdf", options).data


_BUILT: dict[str, bytes] = {}


@pytest.fixture(params=["shipped", "chinese", "themed"])
def pdf(request: pytest.FixtureRequest) -> bytes:
    name: str = request.param
    if name not in _BUILT:
        _BUILT[name] = _build(name)
    return _BUILT[name]


def _streams(document: pikepdf.Pdf) -> Iterator[pikepdf.Stream]:
    for obj in document.objects:
        if isinstance(obj, pikepdf.Stream):
            yield obj


def _fonts(document: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    for obj in document.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
            yield obj


def test_every_stream_ends_with_an_eol_before_endstream_and_length_is_the_data(pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        streams = list(_streams(document))
        assert streams
        for stream in streams:
            number, generation = stream.objgen
            start = pdf.index(b"\n%d %d obj\n" % (number, generation))
            data = re.compile(rb">>\s*stream(\r\n|\n)").search(pdf, start)
            assert data is not None
            length = int(stream.Length)
            assert len(stream.read_raw_bytes()) == length
            tail = pdf[data.end() + length: data.end() + length + 11]
            assert tail.startswith((b"\nendstream", b"\r\nendstream")), (stream.objgen, tail)
            if pdf[data.end() + length - 1: data.end() + length] == b"\r":
                assert tail.startswith(b"\r\n"), "data ending in CR needs a CRLF, or it reads a byte short"


def test_the_xmp_stream_has_no_filter_and_no_undeclared_trapped(pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        metadata = document.Root.Metadata
        assert "/Filter" not in metadata
        assert "/DecodeParms" not in metadata
        packet = metadata.read_raw_bytes().decode("utf-8")
    assert "pdfaid:part>2<" in packet and "pdfuaid:part>1<" in packet
    # pdf:Trapped would need a PDF/A extension schema; we write none for it, so it must not be there.
    assert "Trapped" not in packet


def _cmap(font: pikepdf.Dictionary) -> dict[int, str]:
    text = font.ToUnicode.read_bytes().decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(code, 16)] = target.upper()
    assert "beginbfrange" not in text  # ours writes single codes only
    return mapping


def _shown_codes(document: pikepdf.Pdf) -> dict[str, set[int]]:
    """The codes each font's subset (by BaseFont) shows on the pages."""
    shown: dict[str, set[int]] = {}
    for page in document.pages:
        fonts = page.Resources.get("/Font", {})
        current: set[int] = set()
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "Tf":
                current = shown.setdefault(str(fonts[operands[0]].BaseFont), set())
            elif str(operator) in ("Tj", "'", '"'):
                current.update(bytes(operands[-1]))
            elif str(operator) == "TJ":
                for item in operands[0]:
                    if isinstance(item, pikepdf.String):
                        current.update(bytes(item))
    return shown


def test_to_unicode_maps_only_the_codes_that_stand_for_a_character(pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        shown = _shown_codes(document)
        maps = {str(font.BaseFont): _cmap(font) for font in _fonts(document) if "/ToUnicode" in font}
    assert maps
    for name, mapping in maps.items():
        assert mapping, name
        assert not {code for code, target in mapping.items() if target in ("0000", "FEFF", "FFFE", "")}, name
        assert shown.get(name, set()) <= set(mapping), (name, shown[name] - set(mapping))


def test_to_unicode_cmap_leaves_out_unused_codes_and_splits_blocks_of_100() -> None:
    subset = [0, 0, 0x41] + [0x4E00 + i for i in range(150)]
    cmap = to_unicode_cmap("ABCDEF+Face", subset)
    assert "<00> <0000>" not in cmap and "<01> <0000>" not in cmap and "<02> <0041>" in cmap
    assert cmap.count("beginbfchar") == 2 and "100 beginbfchar" in cmap and "51 beginbfchar" in cmap
    assert "<00> <98>" in cmap  # the code space still covers the whole subset


def test_every_subset_has_its_own_tag_and_the_tags_are_the_same_on_a_rebuild(pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        names = [str(font.BaseFont)[1:] for font in _fonts(document)]
        described = [str(obj.FontName)[1:] for obj in document.objects
                     if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"]
    tags = [name.split("+", 1)[0] for name in names]
    assert all(re.fullmatch(r"[A-Z]{6}\+.+", name) for name in names), names
    assert len(set(tags)) == len(tags) > 1, names
    assert sorted(described) == sorted(names)  # the descriptor names the subset as its font does
    assert "AAAAAA" not in tags  # reportlab's tag for every font's first subset


def test_the_same_input_gives_the_same_bytes() -> None:
    assert _build("shipped") == _build("shipped")


def test_page_validation_finds_none_of_the_fixed_failures(pdf: bytes) -> None:
    page = pytest.importorskip("page", reason="page-validation is not installed (pip install page-validation)")
    for profile in ("ua1", "2a"):
        report = page.validate_pdf_bytes(pdf, profile=profile)
        failed = {failure.rule_id for failure in report.failures}
        assert not failed & _FIXED_RULES, (profile, sorted(failed))


def test_metadata_longer_than_a_pdfa_string_is_cut_alike_in_info_and_xmp() -> None:
    # PDF/A caps a string at 32,767 bytes: a generated agreement's keywords (every party and focus area)
    # reached 40,250 in UTF-16. The page prints the title whole; the metadata holds what fits, the same in
    # the Info dictionary and the XMP.
    from reports.writers.pdf.archive import metadata_keywords, metadata_text
    from tests.validators import page_validation_findings

    title = "合作协议 " * 3_300 + "END"  # 33,000 bytes in UTF-16
    assert metadata_text("short") == "short" and metadata_text(title).endswith("…")
    assert len(metadata_text(title).encode("utf-16-be")) + 2 <= 32_767
    keywords = [f"领域{i} " * 20 for i in range(400)]
    kept = metadata_keywords(keywords).split(", ")
    assert 0 < len(kept) < 400 and kept == keywords[:len(kept)]  # whole keywords, in order
    agreement = load_agreement(ROOT / "data" / "zhejiang-alibaba-2023.yaml")
    areas = [area.model_copy(update={"name": f"{area.name} {i} " + "数字 " * 1_000})
             for i, area in enumerate(agreement.focus_areas)]
    pdf = render(agreement.model_copy(update={"title": title, "focus_areas": areas}), "briefing", "pdf",
                 Options()).data
    assert page_validation_findings(pdf) == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        info = doc.trailer.Info
        with doc.open_metadata() as xmp:
            assert str(info.Title) == xmp["dc:title"] == metadata_text(title)
            assert str(info.Keywords) == xmp["pdf:Keywords"]
        assert len(bytes(info.Keywords)) <= 32_767
