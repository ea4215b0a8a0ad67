"""The shipped agreement and its documents end to end: every fact, in every output, read back."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from reports.filters import longdate
from reports.fonts.faces import missing_glyphs
from reports.glyphs import text_fields
from reports.model import Agreement
from reports.pipeline import Options, render
from tests.conftest import docx_text, fold_quotes, pdf_text, printed, shipped_dict, squash

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOT_PRINTED = {"schema_version", "id", "language", "memo.from", "memo.to", "memo.cc"}  # memo header: memo only


def facts(agreement: Agreement, *, kind: str = "briefing") -> list[str]:
    """Every text value of the data, as a reader would see it (dates as long dates, enums as words)."""
    out: list[str] = []
    dumped = agreement.model_dump(mode="json", by_alias=True, exclude_none=True)
    for path, value in text_fields(dumped):
        if path in _NOT_PRINTED or (path.startswith("memo.") and kind == "briefing"):
            continue
        if path.endswith(".kind") or path.endswith(".status") or path.endswith(".type"):
            continue  # printed capitalised or as a label ("paraphrase"), checked separately
        out.append(longdate(dt.date.fromisoformat(value)) if _DATE.match(value) else value)
    return out


@pytest.fixture(scope="module")
def briefing_pdf(shipped: Agreement) -> str:
    return squash(pdf_text(render(shipped, "briefing", "pdf").data))


@pytest.fixture(scope="module")
def briefing_docx(shipped: Agreement) -> str:
    return squash(docx_text(render(shipped, "briefing", "docx").data))


def test_every_fact_is_in_the_briefing_pdf(shipped: Agreement, briefing_pdf: str) -> None:
    missing = [f for f in facts(shipped) if not printed(f, briefing_pdf)]
    assert not missing


def test_every_fact_is_in_the_briefing_docx(shipped: Agreement, briefing_docx: str) -> None:
    missing = [f for f in facts(shipped) if not printed(f, briefing_docx)]
    assert not missing


def test_key_reference_facts_in_both_formats(briefing_pdf: str, briefing_docx: str) -> None:
    for text in (briefing_pdf, briefing_docx):
        for fact in ("7 July 2023", "浙江省人民政府", "阿里巴巴集团", "张勇", "Alibaba Holding Group",
                     "Seven business groups and business companies of Alibaba", "Comprehensive strategic cooperation",
                     "digital cultural tourism", "paraphrase, not a direct quotation", "“1+6+N”",
                     "CEO responsibility system"):
            assert fact in text, fact


def test_briefing_pdf_is_two_to_four_pages_with_outline(shipped: Agreement) -> None:
    reader = PdfReader(io.BytesIO(render(shipped, "briefing", "pdf").data))
    assert 2 <= len(reader.pages) <= 4
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Executive summary", "The parties", "Focus areas", "Statements", "Background",
                      "Expected outcomes", "Significance", "Timeline", "Sources"]
    assert reader.metadata is not None and reader.metadata.title == shipped.title


def test_memo_is_one_page_with_its_header(shipped: Agreement) -> None:
    data = render(shipped, "memo", "pdf").data
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = squash(pdf_text(data))
    for fact in ("MEMORANDUM", "TO Head of Government Relations", "FROM China Policy Desk", "CC Strategy Team",
                 "DATE 7 July 2023", "Track announcements by the seven participating Alibaba units"):
        assert fact in text.replace("M E M O R A N D U M", "MEMORANDUM"), fact


def test_memo_docx_header_fields_and_overrides(shipped: Agreement) -> None:
    options = Options(overrides={"to": "The Minister", "classification": "RESTRICTED"})
    text = docx_text(render(shipped, "memo", "docx", options).data)
    assert "TO\nThe Minister" in text
    assert "FROM\nChina Policy Desk" in text
    assert "SUBJECT\nZhejiang and Alibaba sign comprehensive strategic cooperation agreement" in text


def test_minimal_briefing_has_no_empty_sections(minimal: Agreement) -> None:
    data = render(minimal, "briefing", "pdf").data
    reader = PdfReader(io.BytesIO(data))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Executive summary", "The parties", "Sources"]
    assert len(reader.pages) == 1
    text = squash(pdf_text(data))
    assert "Focus areas" not in text and "Statements" not in text and "Timeline" not in text


MARKUP = ("# x **x** [x](javascript:alert(1)) <font color=\"red\">r</font> <img src=\"/etc/passwd\"/> "
          "<a href=\"http://x\">a</a> <b>html</b> {{ 7*7 }} {% include 'x' %} 1. & &amp; | ` _u_ ::: ~")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_markup_in_data_prints_literally(fmt: str) -> None:
    data = shipped_dict()
    data["summary"] = MARKUP
    data["focus_areas"][0]["summary"] = MARKUP  # inside a table cell too
    agreement = Agreement.model_validate(data)
    out = render(agreement, "briefing", fmt).data
    text = squash(pdf_text(out) if fmt == "pdf" else docx_text(out))
    assert fold_quotes(text).count(fold_quotes(squash(MARKUP))) == 2
    assert "49" not in text.replace("2023", "")


# Draw only characters the theme's fonts can show, so no example is thrown away (a
# missing glyph is a warning, tested elsewhere, and its text could not be read back).
_ALPHABET = [c for c in map(chr, range(0x20, 0x300))
             if unicodedata.category(c) not in ("Cc", "Cf", "Cs") and not missing_glyphs(c, Options().theme.fonts)]
_text = st.text(st.sampled_from(_ALPHABET), min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool)


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    data = shipped_dict()
    data["title"] = draw(_text)
    data["summary"] = draw(_text)
    data["parties"][0]["name"] = draw(_text)
    data["participating_units"] = []
    data["focus_areas"] = [{"name": n, "summary": draw(_text)}
                           for n in draw(st.lists(_text, max_size=3, unique_by=str.casefold))]
    data["statements"][0]["text"] = draw(_text)
    data["significance"] = draw(st.lists(_text, max_size=2))
    return Agreement.model_validate(data)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agreement=agreements())
def test_any_valid_agreement_builds_all_documents_with_all_its_text(agreement: Agreement) -> None:
    for kind in ("briefing",):
        for fmt in ("pdf", "docx"):
            out = render(agreement, kind, fmt).data
            text = "".join((pdf_text(out) if fmt == "pdf" else docx_text(out)).split())
            for fact in facts(agreement):
                assert printed("".join(fact.split()), text), (fmt, fact)
    for fmt in ("pdf", "docx"):
        assert render(agreement, "memo", fmt).data
