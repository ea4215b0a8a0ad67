"""The bytes of our PDFs as PDF/A-2 and ISO 32000-1 want them, read back with pikepdf (issue 23, 1-5).

For the shipped briefing, its Chinese edition and a themed build (logo, watermark): an EOL before every
``endstream`` with ``/Length`` the data's length, an XMP stream without ``/Filter`` and without the
undeclared ``pdf:Trapped``, ToUnicode CMaps that map only codes standing for a character (none to
U+0000) and every code the pages show, distinct and deterministic subset tags. page-validation, a
validator this project did not write, then runs on the same files when it is installed.
"""

from __future__ import annotations

import io

import pikepdf
import pytest

from reports.load import load_agreement, load_theme
from reports.pipeline import Options, render
from tests.conftest import ROOT


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


def test_the_xmp_stream_has_no_filter_and_no_undeclared_trapped(pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        metadata = document.Root.Metadata
        assert "/Filter" not in metadata
        assert "/DecodeParms" not in metadata
        packet = metadata.read_raw_bytes().decode("utf-8")
    assert "pdfaid:part>2<" in packet and "pdfuaid:part>1<" in packet
    # pdf:Trapped would need a PDF/A extension schema; we write none for it, so it must not be there.
    assert "Trapped" not in packet
