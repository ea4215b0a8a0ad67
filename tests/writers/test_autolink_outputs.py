"""Addresses printed as text are links in both files, read back: PDF link annotations (pikepdf: /Annots,
/URI, each owned by a Link structure element through its OBJR) and DOCX hyperlinks (w:hyperlink, its
external relationship, its text); and outloud finds no address without a link (LNK-010) in generated
agreements whose text fields hold addresses.

The agreement is data, printed through the built-in templates: every route by which a data field reaches
the page is covered (the title block, key facts, paragraphs, lists, tables, quotes, the memo header, the
sources, the timeline figure), not only the Markdown links the templates write themselves.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from typing import Any

import pikepdf
import pytest
from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink
from pydantic import ValidationError

from reports import autolink
from reports.errors import ReportsError
from reports.kinds import DEFAULT_KINDS as KINDS
from reports.model import Agreement
from reports.pipeline import Options, render_formats
from tests import strategies
from tests.validators import outloud_findings

URL = "https://example.org/a_(b)?q=1&r=2"
MAIL = "press@example.org"
WWW = "www.example.com/path"
CASED = "https://example.org/CaseSensitive"
SIGNED = "https://example.org/signing"


def _agreement() -> Agreement:
    """An agreement whose fields hold each form of address, followed by sentence punctuation."""
    return Agreement.model_validate({
        "schema_version": 1, "id": "addresses", "title": f"Agreement, see {URL}.",
        "subtitle": f"Write to {MAIL}.", "summary": f"Summary: {WWW}, and more.",
        "agreement": {"type": "cooperation agreement", "signed": "2024-01-15", "purpose": f"Purpose ({URL})."},
        "parties": [{"name": "City", "kind": "government", "description": f"Council, mailto:{MAIL}."},
                    {"name": "Firm", "kind": "company", "description": "A company."}],
        "focus_areas": [{"name": "Data", "summary": f"Open data at {URL};"}],
        "statements": [{"speaker": "Ann", "role": "Chair", "text": f"Read {URL}!", "kind": "quote"}],
        "timeline": [{"date": "2024-01-15", "event": f"Signed, see {SIGNED}"}],
        "sources": [{"title": "Release", "publisher": "City", "url": "https://example.org/release",
                     "note": f"Also {WWW}."}],
        "memo": {"organisation": f"Ministry {CASED}", "to": f"Desk {MAIL}", "next_steps": [f"Check {URL}."]},
    })


def pdf_links(data: bytes) -> list[str]:
    """The /URI of every link annotation, each checked to be owned by a Link structure element."""
    uris: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        parents = pdf.Root.StructTreeRoot.ParentTree.Nums
        owners = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link" or "/URI" not in annotation.get("/A", {}):
                    continue
                owner = owners[int(annotation.StructParent)]
                assert owner.S == "/Link" and owner.K[0].Obj.objgen == annotation.objgen
                assert str(annotation.Contents) == str(annotation.A.URI)  # its description (PDF/UA)
                uris.append(str(annotation.A.URI))
    return uris


_HYPERLINK = re.compile(r'<w:hyperlink [^>]*r:id="(rId\d+)"[^>]*>(.*?)</w:hyperlink>', re.S)


def docx_links(data: bytes) -> list[tuple[str, str]]:
    """(target, text) of every external hyperlink in the body (text boxes of the timeline included)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml").decode("utf-8")
        rels = package.read("word/_rels/document.xml.rels").decode("utf-8")
    targets = {m.group(1): _unescape(m.group(2)) for m in re.finditer(
        r'<Relationship Id="(rId\d+)" Type="[^"]+/hyperlink" Target="([^"]*)" TargetMode="External"/>', rels)}
    found = []
    for match in _HYPERLINK.finditer(body):
        text = "".join(_unescape(t) for t in re.findall(r"<w:t[^>]*>([^<]*)</w:t>", match.group(2)))
        found.append((targets[match.group(1)], text))
    return found


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[bytes, bytes]]:
    agreement = _agreement()
    out = {}
    for kind in KINDS:
        pdf, docx = render_formats(agreement, kind, ("pdf", "docx"), Options(timeout=None))
        out[kind] = (pdf.data, docx.data)
    return out


EXPECTED = {  # the organisation is the briefing's kicker too; only the briefing draws the timeline
    "briefing": {URL, f"mailto:{MAIL}", f"http://{WWW}", CASED, SIGNED, "https://example.org/release"},
    "memo": {URL, f"mailto:{MAIL}", f"http://{WWW}", CASED, "https://example.org/release"},
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_address_in_the_data_is_a_link_in_the_pdf_and_the_docx(built: dict[str, tuple[bytes, bytes]],
                                                                      kind: str) -> None:
    pdf, docx = built[kind]
    uris = pdf_links(pdf)
    hyperlinks = docx_links(docx)
    assert set(uris) == EXPECTED[kind]
    assert {target for target, _ in hyperlinks} == EXPECTED[kind]
    # Sentence punctuation stays out of the link; the text of each link is the address as printed.
    for target, text in hyperlinks:
        assert target in (text, "http://" + text, "mailto:" + text)
        assert text[-1] not in ".,;!" and text.count("(") == text.count(")")
    # One look, two formats: the same links (the timeline's label included). Not as many: the PDF has an
    # annotation for each line a link's text is drawn on.
    assert set(uris) == {target for target, _ in hyperlinks}
    assert outloud_lnk_010(pdf) == []


def test_the_kicker_keeps_an_address_as_written_in_capitals_around_it(built: dict[str, tuple[bytes, bytes]]) -> None:
    from tests.writers.test_pdf import pdf_text

    pdf, docx = built["memo"]
    assert f"MINISTRY {CASED}" in pdf_text(pdf)
    assert (CASED, CASED) in docx_links(docx)


def test_the_timeline_label_links_its_address_inside_the_figure(built: dict[str, tuple[bytes, bytes]]) -> None:
    pdf, docx = built["briefing"]
    with pikepdf.open(io.BytesIO(pdf)) as document:
        figures = [obj for obj in document.objects if isinstance(obj, pikepdf.Dictionary)
                   and obj.get("/Type") == "/StructElem" and obj.get("/S") == "/Figure"]
        kids = [kid for figure in figures for kid in figure.K if isinstance(kid, pikepdf.Dictionary)]
        assert any(kid.get("/S") == "/Link" and str(kid.Alt) == SIGNED for kid in kids)
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = package.read("word/document.xml").decode("utf-8")
    boxes = "".join(re.findall(r"<w:txbxContent>.*?</w:txbxContent>", body, re.S))
    assert "<w:hyperlink" in boxes and "signing" in boxes


def outloud_lnk_010(pdf: bytes) -> list[str]:
    return [finding for finding in outloud_findings(pdf) if " LNK-010 " in finding]


# --------------------------------------------------------------------------- generated agreements

_HOST = st.from_regex(r"[a-z0-9]{1,12}\.(org|com|cn)", fullmatch=True)
ADDRESSES = st.one_of(
    strategies.urls(max_length=400).map(lambda url: url + "/"),
    _HOST.map(lambda host: f"www.{host}/a"),
    _HOST.map(lambda host: f"someone.else@{host}"),
    _HOST.map(lambda host: f"mailto:desk@{host}"),
)


@st.composite
def agreements_with_addresses(draw: st.DrawFn) -> Agreement:
    """A generated agreement (tests/strategies.py) with addresses put into up to five of its text fields,
    each after a space and before sentence punctuation or a space, as a person writes one. Names that
    other fields refer to (a party's names, a unit's party) are left as drawn."""
    data: dict[str, Any] = draw(strategies.agreement_dicts())
    parties = data["parties"]
    slots = [(container, key) for container, key in strategies.text_slots(Agreement, data)
             if key != "party" and not (key in ("name", "short_name", "local_name")
                                        and any(container is party for party in parties))]
    for container, key in draw(st.lists(st.sampled_from(slots), min_size=1, max_size=5)):
        address = draw(ADDRESSES)
        after = draw(st.sampled_from([".", ",", ";", ")", " and more", ""]))
        container[key] = f"{str(container[key]).strip()} {address}{after}"
    try:
        return Agreement.model_validate(data)
    except ValidationError:  # two focus areas' names made equal: not what this test is about
        assume(False)
        raise


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=int(os.environ.get("AUTOLINK_EXAMPLES", "8")), deadline=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported, not shrunk for minutes
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(agreement=agreements_with_addresses(), lang=st.sampled_from(["en", "zh-Hans"]))
def test_outloud_finds_no_address_without_a_link_in_generated_agreements(kind: str, agreement: Agreement,
                                                                          lang: str) -> None:
    try:
        pdf, docx = render_formats(agreement, kind, ("pdf", "docx"), Options(lang=lang, timeout=None))
    except ReportsError as error:  # refused with a located message (tested in test_generative.py)
        event(f"refused: {type(error).__name__}")
        return
    assert outloud_lnk_010(pdf.data) == []
    uris = pdf_links(pdf.data)
    targets = [target for target, _ in docx_links(docx.data)]
    assert set(uris) == set(targets)  # both formats link the same addresses
    # Every link is a source's URL (the template's Markdown link) or an address the data holds.
    sources = {normalizeLink(source.url) for source in agreement.sources if source.url}
    assert set(uris) - sources <= {a.target for text in _strings(agreement.model_dump(mode="json"))
                                   for a in autolink.addresses(text)}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_a_source_reads_its_url_then_its_note_each_address_a_link_of_its_own() -> None:
    # The sources entry prints the source's URL (the template's Markdown link) and then its note: the note's
    # own address is a link of its own, the URL's link stops where the URL does, the words read as written.
    from reports import tree as t
    from reports.compose import compose_document
    from reports.writers.measure import plain_text

    document, _ = compose_document(_agreement(), "briefing")
    sources = [b for b in document.blocks if isinstance(b, t.OrderedList)][-1]
    (entry,) = sources.items[0].blocks
    assert isinstance(entry, t.Paragraph)
    assert plain_text(entry.content) == f"Release. City. https://example.org/release Also {WWW}."
    links = [(plain_text(node.children), node.url) for node in entry.content if isinstance(node, t.Link)]
    assert links == [("https://example.org/release", "https://example.org/release"), (WWW, f"http://{WWW}")]
