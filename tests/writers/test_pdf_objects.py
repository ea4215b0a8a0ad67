"""The writer's fast dictionaries and arrays write reportlab's bytes exactly (``writers.pdf.objects``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from reports.writers.pdf.objects import Array, Dictionary, value_bytes


def _document() -> Any:
    document = pdfdoc.PDFDocument(invariant=1)
    for n in range(1, 30):
        document.Reference(pdfdoc.PDFDictionary({"N": n}), f"obj{n}")
    return document


_leaf = st.one_of(
    st.integers(-10**6, 10**6),
    st.floats(-1e4, 1e4, allow_nan=False),
    st.text("ABCSabcs0123#", min_size=1, max_size=8).map(pdfdoc.PDFName),
    st.text(max_size=12).map(pdfdoc.PDFString),
    st.integers(1, 29).map(lambda n: pdfdoc.PDFObjectReference(f"obj{n}")),
)
_values = st.recursive(_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=25),
    st.dictionaries(st.text("ABCKPSabcs", min_size=1, max_size=6), inner, max_size=14),
), max_leaves=40)


def _theirs(value: Any) -> Any:
    if isinstance(value, list):
        return pdfdoc.PDFArray([_theirs(v) for v in value])
    if isinstance(value, dict):
        return pdfdoc.PDFDictionary({k: _theirs(v) for k, v in value.items()})
    return value


def _ours(value: Any) -> Any:
    if isinstance(value, list):
        return Array([_ours(v) for v in value])
    if isinstance(value, dict):
        return Dictionary({k: _ours(v) for k, v in value.items()})
    return value


@settings(max_examples=300, deadline=None)
@given(_values)
def test_the_bytes_are_reportlabs(value: Any) -> None:
    document = _document()
    theirs = pdfdoc.format(_theirs(value), document)
    assert value_bytes(_ours(value), document) == theirs
    assert value_bytes(_theirs(value), document) == theirs


@pytest.mark.parametrize("items", [0, 1, 6, 7, 10, 11, 12, 25, 130])
def test_line_breaks_at_reportlabs_places(items: int) -> None:
    document = _document()
    keys = [f"K{i:03d}" for i in range(items)]
    assert Dictionary({k: i for i, k in enumerate(keys)}).format(document) == \
        pdfdoc.PDFDictionary({k: i for i, k in enumerate(keys)}).format(document)
    assert Array(list(range(items))).format(document) == pdfdoc.PDFArray(list(range(items))).format(document)


def test_multiline_settings_are_reportlabs(monkeypatch: pytest.MonkeyPatch) -> None:
    document = _document()
    monkeypatch.setattr(rl_config, "pdfMultiLine", 1)
    value = {"A": [1, 2, pdfdoc.PDFName("X")], "B": {"C": 3}, **{f"K{i}": i for i in range(8)}}
    assert _ours(value).format(document) == _theirs(value).format(document)
    monkeypatch.setattr(rl_config, "pdfMultiLine", 0)
    ours, theirs = Array(list(range(12))), pdfdoc.PDFArray(list(range(12)))
    ours.multiline = theirs.multiline = "forced"
    assert ours.format(document) == theirs.format(document)
