"""Reference documents: hostile, odd and broken ones, read back from the output the writer makes on them.

The references are built in tests/catalogue_references.py (shared with the bad-input catalogue).
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from reports.errors import RenderError
from reports.theme import DEFAULT_THEME
from reports.writers.docx import archive as docx_archive
from reports.writers.docx.reference import (
    MAX_PART_BYTES,
    WRITER_STYLES,
    check_reference,
    load_reference,
    reference_package,
)
from tests.catalogue_references import (
    DOCM,
    DOTX,
    EVIL_TEMPLATE,
    WEB_LINK,
    WML,
    R,
    add_rels,
    assert_clean,
    blank,
    content_type,
    docm,
    dotx,
    external_targets,
    hostile,
    insert,
    new_rels,
    png,
    rewrite,
    truncated_styles,
    with_doctype,
    without_content_types,
    without_numbering,
    zip_bomb,
)
from tests.conftest import docx_text
from tests.writers.sample import sample_document
from tests.writing import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WML_HEADER = WML + "header+xml"


def _save(tmp_path: Path, data: bytes, name: str = "corporate.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _style_names(data: bytes) -> set[str]:
    return {style.name for style in docx.Document(io.BytesIO(data)).styles}


def _error(path: Path) -> str:
    with pytest.raises(RenderError) as info:
        write_docx(sample_document(), DEFAULT_THEME, path)
    return info.value.format_message()


# --------------------------------------------------------------------------- hostile parts removed


def test_nothing_hostile_reaches_the_output(tmp_path: Path) -> None:
    path = _save(tmp_path, hostile(str(tmp_path / "secret.txt")))
    out = write_docx(sample_document(), DEFAULT_THEME, path)
    assert_clean(out)
    assert str(tmp_path / "secret.txt") not in out.decode("latin-1")
    assert "Sample Briefing" in docx_text(out)
    # The only external targets left: the web link of the reference's own header, and the document's own link.
    targets = sorted(target for _rels, _kind, target in external_targets(out))
    assert targets == sorted(["https://example.org/page", WEB_LINK])


def test_one_warning_names_everything_removed(tmp_path: Path) -> None:
    path = _save(tmp_path, hostile())
    warnings = check_reference(path)
    assert len(warnings) == 1
    message = warnings[0].format("warning")
    assert message.startswith(f"{path}: warning: removed from the reference document")
    for what in ("macros", "custom XML data", "embedded objects (OLE, ActiveX)",
                 f"the attached template ({EVIL_TEMPLATE})", "a mail-merge data source", "external links (",
                 "fields that load other files (INCLUDEPICTURE, INCLUDETEXT)"):
        assert what in message, what


def test_the_headers_own_logo_and_web_link_are_kept_the_rest_removed(tmp_path: Path) -> None:
    parts = _parts(reference_package(_save(tmp_path, hostile())))
    header_name = next(n for n in parts if re.fullmatch(r"word/header\d+\.xml", n))
    header = etree.fromstring(parts[header_name])
    rels = parts[header_name.replace("word/", "word/_rels/") + ".rels"].decode()
    logo = [n for n in parts if n.startswith("word/media/")]
    assert len(logo) == 1 and parts[logo[0]] == png()
    blip = header.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    assert blip is not None and blip.get(qn("r:embed")) in rels and blip.get(qn("r:link")) is None
    assert b"hlinkClick" not in parts[header_name]  # the logo's click-through to a local file goes, the logo stays
    assert WEB_LINK in rels and "file:" not in rels and "evil" not in rels
    links = header.findall(f".//{W}hyperlink")
    assert [link.get(qn("r:id")) is not None for link in links] == [True, False]  # the file link keeps its text only
    text = "".join(header.itertext())
    for kept in ("Ministry letterhead", "our site", "a local file", "kept text", "picture"):
        assert kept in text
    assert header.find(f".//{W}object") is None and header.find(f".//{W}fldSimple") is None
    assert "INCLUDE" not in text and b"vml.png" not in parts[header_name]


def test_settings_lose_the_attached_template_and_mail_merge(tmp_path: Path) -> None:
    settings = _parts(reference_package(_save(tmp_path, hostile())))["word/settings.xml"]
    assert b"attachedTemplate" not in settings and b"mailMerge" not in settings
    assert b"defaultTabStop" in settings  # the rest of the settings stay


def test_an_ordinary_word_file_gives_no_warning(tmp_path: Path) -> None:
    # python-docx's blank document carries Word's empty bibliography as custom XML: not worth a word.
    assert check_reference(_save(tmp_path, blank())) == []
    assert check_reference(None) == []


# --------------------------------------------------------------------------- what organisations have


@pytest.mark.parametrize(("builder", "main_type", "warned"), [(dotx, DOTX, ""), (docm, DOCM, "macros")])
def test_templates_and_macro_documents_become_documents(tmp_path: Path, builder: object, main_type: str,
                                                        warned: str) -> None:
    data = builder()  # type: ignore[operator]
    assert main_type.encode() in _parts(data)["[Content_Types].xml"]
    path = _save(tmp_path, data, "corporate.dotx")
    out = write_docx(sample_document(), DEFAULT_THEME, path)
    types = _parts(out)["[Content_Types].xml"].decode()
    assert "wordprocessingml.document.main+xml" in types and "template" not in types and "macro" not in types
    assert not [n for n in _parts(out) if "vba" in n.lower()]
    assert "Sample Briefing" in docx_text(out)
    message = " ".join(w.message for w in check_reference(path))
    assert (warned in message) if warned else message == ""


def test_a_reference_without_numbering_still_numbers_lists(tmp_path: Path) -> None:
    path = _save(tmp_path, without_numbering())
    assert "word/numbering.xml" not in _parts(path.read_bytes())
    document = docx.Document(io.BytesIO(write_docx(sample_document(), DEFAULT_THEME, path)))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert numbered
    num_id = numbered[0]._p.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    assert numbering.xpath(f"//w:num[@w:numId='{num_id}']//w:startOverride/@w:val") == ["3"]


def test_missing_styles_are_added_in_the_references_fonts(tmp_path: Path) -> None:
    path = _save(tmp_path, blank())
    assert not {"Kicker", "Report Table", "Key Facts", "Attribution"} & _style_names(blank())
    out = write_docx(sample_document(), DEFAULT_THEME, path)
    assert set(WRITER_STYLES) <= _style_names(out)
    document = docx.Document(io.BytesIO(out))
    assert [table.style.name for table in document.tables] == ["Key Facts", "Report Table", "Memo Header"]
    styles = _parts(out)["word/styles.xml"].decode()
    assert "Source Serif Pro" not in styles and "Source Sans Pro" not in styles
    attribution = [p for p in document.paragraphs if p.text.startswith("—")]
    assert attribution and attribution[0].style.name == "Attribution"
    # The reference's own styles are its own: its Normal is untouched.
    assert document.styles["Normal"].font.name == docx.Document(io.BytesIO(blank())).styles["Normal"].font.name


def test_missing_list_styles_bring_their_numbering_under_fresh_ids(tmp_path: Path) -> None:
    def drop_list_number(xml: bytes) -> bytes:
        return re.sub(rb'<w:style [^>]*w:styleId="ListNumber"[^>]*>.*?</w:style>', b"", xml, flags=re.S)

    path = _save(tmp_path, rewrite(blank(), {"word/styles.xml": drop_list_number}))
    document = docx.Document(io.BytesIO(write_docx(sample_document(), DEFAULT_THEME, path)))
    style = document.styles["List Number"].element
    num_id = style.find(f"{W}pPr/{W}numPr/{W}numId").get(qn("w:val"))
    numbering = document.part.numbering_part.element
    abstract = numbering.xpath(f"//w:num[@w:numId='{num_id}']/w:abstractNumId/@w:val")[0]
    assert numbering.xpath(f"//w:abstractNum[@w:abstractNumId='{abstract}']//w:numFmt/@w:val")[0] == "decimal"
    ids = numbering.xpath("//w:abstractNum/@w:abstractNumId")
    assert len(ids) == len(set(ids))


def test_styles_of_a_localised_word_are_found_by_name(tmp_path: Path) -> None:
    # German Word calls the Normal style's id "Standard": copied styles must be based on it.
    def localise(xml: bytes) -> bytes:
        return xml.replace(b'w:styleId="Normal"', b'w:styleId="Standard"').replace(
            b'<w:basedOn w:val="Normal"/>', b'<w:basedOn w:val="Standard"/>').replace(
            b'<w:next w:val="Normal"/>', b'<w:next w:val="Standard"/>')

    path = _save(tmp_path, rewrite(blank(), {"word/styles.xml": localise}))
    styles = docx.Document(io.BytesIO(write_docx(sample_document(), DEFAULT_THEME, path))).styles
    assert styles["Kicker"].base_style is not None and styles["Kicker"].base_style.name == "Normal"
    assert styles["Normal"].style_id == "Standard"


def test_every_style_the_writer_uses_is_listed() -> None:
    data = write_docx(sample_document(), DEFAULT_THEME)
    document = docx.Document(io.BytesIO(data))
    names = {s.style_id: s.name for s in document.styles}
    used = set()
    for tag in ("pStyle", "rStyle", "tblStyle"):
        section = document.sections[-1]
        for part in (document.part, section.header.part, section.footer.part, section.first_page_footer.part):
            used |= {names[v] for v in part.element.xpath(f"//w:{tag}/@w:val")}
    assert used and used <= set(WRITER_STYLES), used - set(WRITER_STYLES)


def test_the_built_in_reference_has_every_writer_style() -> None:
    assert set(WRITER_STYLES) <= _style_names(reference_package(None))


# --------------------------------------------------------------------------- broken and bounded


@pytest.mark.parametrize(("builder", "message"), [
    (with_doctype, "corporate.docx: word/styles.xml: has a DOCTYPE or entity declaration"),
    (truncated_styles, "corporate.docx: word/styles.xml: not well-formed XML (line 2"),
    (without_content_types, "corporate.docx: [Content_Types].xml: missing"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "an old binary .doc or a password-protected file"),
    (lambda: rewrite(blank(), {"word/styles.xml": b"<?xml version='1.0'?><styles/>"}),
     "corporate.docx: word/styles.xml: expected a <w:styles> element at the top, found <styles>"),
    (lambda: rewrite(blank(), {"[Content_Types].xml": content_type(
        "word/document.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")}),
     "corporate.docx: [Content_Types].xml: not a Word document: its main part is"),
    (lambda: rewrite(blank(), {"word/_rels/document.xml.rels": lambda xml: xml.replace(
        b"?>", b"?><!DOCTYPE r [<!ENTITY a 'b'>]>", 1)}),
     "corporate.docx: word/_rels/document.xml.rels: has a DOCTYPE or entity declaration"),
])
def test_a_broken_reference_is_one_message_naming_the_part(tmp_path: Path, builder: object, message: str) -> None:
    text = _error(_save(tmp_path, builder()))  # type: ignore[operator]
    assert message in text and "\n" not in text


def test_a_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = _save(tmp_path, zip_bomb())
    assert path.stat().st_size < 5_000_000
    started = time.perf_counter()
    assert "word/styles.xml: unpacks to 2,147,483,648 bytes, over the limit of" in _error(path)
    assert time.perf_counter() - started < 2  # nothing was inflated


def test_a_zip_bomb_that_understates_its_size_stops_at_what_it_claims(tmp_path: Path) -> None:
    path = _save(tmp_path, zip_bomb(declared=1000))
    started = time.perf_counter()
    assert "word/styles.xml: damaged in the zip package" in _error(path)
    assert time.perf_counter() - started < 2


def test_an_implausible_compression_ratio_is_refused(tmp_path: Path) -> None:
    data = rewrite(blank(), {"word/media/fill.png": b"\0" * (3 * 1024 * 1024)})
    assert "word/media/fill.png: compressed more than 100:1" in _error(_save(tmp_path, data))


def test_limits_on_the_unpacked_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_archive, "MAX_TOTAL_BYTES", 100_000)
    assert "unpacks to more than 100,000 bytes in all" in _error(_save(tmp_path, blank()))
    assert MAX_PART_BYTES == 50 * 1024 * 1024


def test_an_xml_part_has_a_tighter_limit_checked_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    # The archive's own limits pass (they were checked when it was opened); the XML limit still holds.
    archive = docx_archive.Archive(blank(), "corporate.docx")
    monkeypatch.setattr(docx_archive, "MAX_XML_BYTES", 1000)
    with pytest.raises(RenderError, match=r"word/styles\.xml: unpacks to more than 1,000 bytes, the limit for one "
                                          r"XML part; use a shorter document or an empty template"):
        archive.xml("word/styles.xml")
    assert archive.read("word/styles.xml").startswith(b"<?xml")  # other parts: the part limit


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_folder_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "ref.docx"
    os.mkfifo(fifo)
    assert "is not a regular file" in _error(fifo)
    assert "is a folder" in _error(tmp_path)


def test_a_reference_is_prepared_once_and_again_when_it_changes(tmp_path: Path) -> None:
    path = _save(tmp_path, blank())
    first = load_reference(path)
    assert load_reference(path) is first
    path.write_bytes(hostile())
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert load_reference(path) is not first and load_reference(path).warnings


def test_the_default_build_is_not_slowed(tmp_path: Path) -> None:
    write_docx(sample_document(), DEFAULT_THEME)
    started = time.perf_counter()
    for _ in range(5):
        reference_package(None)
    assert time.perf_counter() - started < 0.01  # cached: no zip or XML work per document


def test_a_section_without_page_size_or_margins_gets_ours(tmp_path: Path) -> None:
    def strip(xml: bytes) -> bytes:
        return re.sub(rb"<w:pgSz[^>]*/>|<w:pgMar[^>]*/>", b"", xml)

    path = _save(tmp_path, rewrite(blank(), {"word/document.xml": strip}))
    section = docx.Document(io.BytesIO(write_docx(sample_document(), DEFAULT_THEME, path))).sections[0]
    assert (section.page_width.twips, section.left_margin.twips) == (11906, 1247)  # the built-in A4 set-up


def test_odd_numbers_in_a_references_lists_do_not_stop_the_build(tmp_path: Path) -> None:
    def odd(xml: bytes) -> bytes:
        return re.sub(rb'(<w:style [^>]*w:styleId="ListNumber".*?<w:numId w:val=")\d+', rb"\1x", xml, count=1,
                      flags=re.S)

    path = _save(tmp_path, rewrite(blank(), {"word/styles.xml": odd}))
    assert b'w:val="x"' in _parts(path.read_bytes())["word/styles.xml"]
    document = docx.Document(io.BytesIO(write_docx(sample_document(), DEFAULT_THEME, path)))
    assert [p.text for p in document.paragraphs if p.style.name == "List Number"] == ["number one", "number two"]


def test_a_page_set_up_python_docx_cannot_read_is_one_message(tmp_path: Path) -> None:
    path = _save(tmp_path, rewrite(blank(), {"word/document.xml": lambda xml: re.sub(
        rb'w:left="\d+"', b'w:left="wide"', xml)}))
    text = _error(path)
    assert text.startswith(f"{path}: cannot be used as a reference document (") and "\n" not in text


# --------------------------------------------------------------------------- any mix of relationships

_SOURCES = ("word/document.xml", "word/header1.xml", "word/settings.xml", "word/numbering.xml",
            "word/fontTable.xml", "word/theme/theme1.xml", "word/styles.xml")
_KINDS = ("image", "hyperlink", "oleObject", "attachedTemplate", "subDocument", "font", "customXml", "header",
          "styles", "package", "control", "frame", "mailMergeSource", "http://example.org/unknown/type")
_TARGETS = ("http://tracker.example/a.png", "https://example.org/ok", "file:///etc/passwd", "\\\\server\\share\\x.dotm",
            "media/logo.png", "../../../etc/passwd", "embeddings/oleObject1.bin", "missing.xml", "mailto:a@b.example")


def test_every_kind_of_relationship_in_every_part_leaves_only_web_links(tmp_path: Path) -> None:
    # Every kind x target x mode, in every part that can carry relationships, all in one reference.
    rels = [(source, kind, target, external) for source in _SOURCES for kind in _KINDS for target in _TARGETS
            for external in (True, False)]
    by_source: dict[str, list[tuple[str, str, str, bool]]] = {}
    for i, (source, kind, target, external) in enumerate(rels):
        by_source.setdefault(source, []).append((f"rIdX{i}", kind, target, external))
    # The header uses each of its relationships as a link; settings point an attached template at one.
    links = "".join(f'<w:hyperlink r:id="{i}"><w:r><w:t>x</w:t></w:r></w:hyperlink>'
                    for i, *_ in by_source.get("word/header1.xml", []))
    changes: dict[str, object] = {
        "word/media/logo.png": png(), "word/embeddings/oleObject1.bin": b"OLE",
        "word/header1.xml": f'<w:hdr xmlns:w="{W[1:-1]}" xmlns:r="{R}"><w:p>{links}</w:p></w:hdr>'.encode(),
        "[Content_Types].xml": content_type("word/header1.xml", WML_HEADER),
        "word/document.xml": insert(b"<w:pgSz", '<w:headerReference w:type="default" r:id="rIdH"/>'),
        "word/_rels/document.xml.rels": add_rels(*by_source.pop("word/document.xml", []),
                                                 ("rIdH", "header", "header1.xml", False)),
    }
    if "word/settings.xml" in by_source:
        first = by_source["word/settings.xml"][0][0]
        changes["word/settings.xml"] = insert(b"<w:defaultTabStop", f'<w:attachedTemplate r:id="{first}"/>')
    existing = _parts(blank())
    for source, items in by_source.items():
        folder, name = source.rsplit("/", 1)
        rels_name = f"{folder}/_rels/{name}.rels"
        changes[rels_name] = add_rels(*items) if rels_name in existing else new_rels(*items)
    path = _save(tmp_path, rewrite(blank(), changes))  # type: ignore[arg-type]
    out = write_docx(sample_document(), DEFAULT_THEME, path)
    assert_clean(out)
    targets = {target for _rels, _kind, target in external_targets(out)}
    assert targets == {"https://example.org/ok", "mailto:a@b.example", "http://tracker.example/a.png",
                       "https://example.org/page"}  # web links of the header (and the document's own link)
    assert len(check_reference(path)) == 1
