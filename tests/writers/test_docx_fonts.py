"""Embedded fonts in the DOCX, read back from the package: the font table names each face's part and key,
each part un-obfuscates to a TrueType font holding a glyph for every character the document shows,
rebuilds are byte-identical, and fonts the tool does not ship are never embedded."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from reports import tree as t
from reports.model import Agreement
from reports.pipeline import Options, render
from reports.theme import DEFAULT_THEME, Fonts, Theme
from reports.writers.docx import fonts as docx_fonts
from tests.catalogue_references import blank
from tests.writers.sample import sample_document
from tests.writing import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
FULL_FONTS = {family: {face.element: TTFont(str(docx_fonts._font_file(face))) for face in faces}
              for family, (faces, _) in docx_fonts.FAMILIES.items()}


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def embedded(data: bytes) -> dict[tuple[str, str], TTFont]:
    """(family, embedXxx) -> the font that part holds, un-obfuscated with the key the font table gives,
    after checking the part's content type."""
    parts = _parts(data)
    if "word/_rels/fontTable.xml.rels" not in parts:
        return {}
    rels = {rel.get("Id"): rel for rel in etree.fromstring(parts["word/_rels/fontTable.xml.rels"])}
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types if o.get("PartName")}
    fonts = {}
    for font in etree.fromstring(parts["word/fontTable.xml"]).iter(f"{W}font"):
        for embed in font:
            if not embed.tag.startswith(f"{W}embed"):
                continue
            rel = rels[embed.get(f"{R}id")]
            assert rel.get("Type").endswith("/relationships/font")
            name = "word/" + rel.get("Target")
            assert overrides["/" + name] == docx_fonts.OBFUSCATED_FONT
            key = embed.get(f"{W}fontKey")
            assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
            raw = parts[name]
            assert raw[:4] not in (b"\x00\x01\x00\x00", b"true", b"OTTO")  # obfuscated, not a plain font
            fonts[(font.get(f"{W}name"), embed.tag[len(W):])] = TTFont(io.BytesIO(docx_fonts.obfuscate(raw, key)))
    return fonts


def shown_text(data: bytes) -> str:
    """Every character of the body, headers and footers."""
    parts = _parts(data)
    text = []
    for name, blob in parts.items():
        if re.fullmatch(r"word/(document|header\d+|footer\d+)\.xml", name):
            text += [e.text or "" for e in etree.fromstring(blob).iter(f"{W}t")]
    return "".join(text)


def test_the_memo_embeds_both_families_subset_to_its_text(shipped: Agreement) -> None:
    data = render(shipped, "memo", "docx").data
    fonts = embedded(data)
    assert sorted(fonts) == [
        ("Source Sans Pro", "embedBold"), ("Source Sans Pro", "embedRegular"),
        ("Source Serif Pro", "embedBold"), ("Source Serif Pro", "embedBoldItalic"),
        ("Source Serif Pro", "embedItalic"), ("Source Serif Pro", "embedRegular")]
    text = shown_text(data)
    assert "MEMORANDUM" in text and "Zhejiang" in text
    for (family, face), font in fonts.items():
        full = FULL_FONTS[family][face]
        assert font["name"].getDebugName(1) == family
        cmap = font.getBestCmap()
        drawable = {c for c in text + "0123456789" if ord(c) in full.getBestCmap()}
        assert {c for c in drawable if ord(c) not in cmap} == set(), (family, face)
        # A subset: only what the document shows (with its capitals and list labels), or, for a document
        # within Latin-1 and the Windows typographic marks, the one subset of those that all such share.
        labels = "".join(re.findall(r'w:lvlText w:val="([^"]*)"', _parts(data)["word/numbering.xml"].decode()))
        allowed = {ord(c) for c in text + text.upper() + labels} | {ord(c) for c in docx_fonts.COMMON}
        assert set(cmap) <= allowed, (family, face)
        assert len(font.getGlyphOrder()) < len(full.getGlyphOrder()) // 2
        assert "Ő" not in text and ord("Ő") not in cmap and ord("Ő") in full.getBestCmap()
        # The same outline as the packaged face, not merely a glyph of that name.
        glyph = cmap[ord("M")]
        assert font["glyf"][glyph].getCoordinates(font["glyf"])[0] == \
            full["glyf"][full.getBestCmap()[ord("M")]].getCoordinates(full["glyf"])[0]


def test_settings_ask_word_to_keep_the_fonts_embedded(shipped: Agreement) -> None:
    settings = etree.fromstring(_parts(render(shipped, "briefing", "docx").data)["word/settings.xml"])
    names = [etree.QName(child).localname for child in settings]
    assert "embedTrueTypeFonts" in names and "saveSubsetFonts" in names
    assert names.index("embedTrueTypeFonts") < names.index("saveSubsetFonts")


def test_characters_beyond_latin_1_get_their_glyphs() -> None:
    document = sample_document(title="Łódź – Škoda € “quoted” ‰", kind="memo")
    document = t.Document(document.meta, (*document.blocks, t.Paragraph((t.Emphasis((t.Text("Ősz ğ"),)),))))
    fonts = embedded(write_docx(document, DEFAULT_THEME))
    for face in ("embedRegular", "embedItalic"):
        cmap = fonts[("Source Serif Pro", face)].getBestCmap()
        assert all(ord(c) in cmap for c in "ŁódźŠkoda€“”‰Őszğ"), face


def test_rebuilds_are_byte_identical_even_in_a_fresh_process_state(shipped: Agreement) -> None:
    first = render(shipped, "memo", "docx").data
    docx_fonts.subset.cache_clear()
    docx_fonts._parsed.cache_clear()
    docx_fonts.font_part.cache_clear()
    assert render(shipped, "memo", "docx").data == first


def test_obfuscation_is_the_standards_xor_and_its_own_inverse() -> None:
    data = bytes(range(64))
    key = "{01234567-89AB-CDEF-0123-456789ABCDEF}"
    hidden = docx_fonts.obfuscate(data, key)
    # ECMA-376 Part 1 §17.8.1: byte i of the first 32 is XORed with key byte 15 - (i mod 16).
    digits = bytes.fromhex("0123456789ABCDEF0123456789ABCDEF")
    assert hidden[0] == 0 ^ digits[15] and hidden[17] == 17 ^ digits[14] and hidden[32:] == data[32:]
    assert docx_fonts.obfuscate(hidden, key) == data
    assert docx_fonts.font_key(data) == docx_fonts.font_key(bytes(data))
    assert docx_fonts.font_key(data) != docx_fonts.font_key(data[::-1])


def test_a_reference_in_its_own_fonts_gets_none_of_ours_but_the_marking_lines(tmp_path: Path,
                                                                               shipped: Agreement) -> None:
    # The reference's styles keep their faces; only our running header and footer line, which carries the
    # marking and is measured in the theme's heading family so that it never wraps, is set (and embedded) in it.
    reference = tmp_path / "corporate.docx"
    reference.write_bytes(blank())
    data = render(shipped, "memo", "docx", Options(reference_docx=reference)).data
    assert set(embedded(data)) <= {("Source Sans Pro", "embedRegular"), ("Source Sans Pro", "embedBold")}
    styles = _parts(data)["word/styles.xml"]
    assert b"Source Serif Pro" not in styles
    body = _parts(data)["word/document.xml"]
    assert b"Source Sans Pro" not in body and b"Source Serif Pro" not in body


def test_only_the_families_the_styles_use_are_embedded(shipped: Agreement) -> None:
    # Standard PDF families are not ours to embed: a theme in Times and Helvetica embeds nothing;
    # one with our heading face only embeds that.
    for fonts, expected in ((Fonts(body="Times-Roman", heading="Helvetica"), set()),
                            (Fonts(body="Times-Roman", heading="Source Sans Pro"), {"Source Sans Pro"})):
        data = render(shipped, "memo", "docx", Options(theme=Theme(fonts=fonts))).data
        assert {family for family, _ in embedded(data)} == expected, fonts


@pytest.mark.parametrize("kind", ["memo", "briefing"])
def test_the_cost_stays_small(shipped: Agreement, kind: str) -> None:
    with_fonts = render(shipped, kind, "docx").data
    added = sum(info.compress_size for info in zipfile.ZipFile(io.BytesIO(with_fonts)).infolist()
                if info.filename.endswith(".odttf"))
    assert 0 < added < 120_000


def test_a_references_own_copy_of_our_font_is_replaced_not_kept_beside(tmp_path: Path, shipped: Agreement) -> None:
    from tests.catalogue_references import content_type, new_rels, rewrite

    table = f'<w:font w:name="Source Serif Pro" xmlns:r="{R[1:-1]}"><w:embedRegular r:id="rIdOld" ' \
            'w:fontKey="{00000000-0000-0000-0000-000000000000}"/></w:font>'
    reference = tmp_path / "ours-with-a-font.docx"
    reference.write_bytes(rewrite((Path(__file__).parents[2] / "templates" / "reference.docx").read_bytes(), {
        "word/fontTable.xml": lambda xml: xml.replace(b"</w:fonts>", table.encode() + b"</w:fonts>"),
        "word/_rels/fontTable.xml.rels": new_rels(("rIdOld", "font", "fonts/old.odttf", False)),
        "word/fonts/old.odttf": b"\x00" * 64,
        "[Content_Types].xml": content_type("word/fonts/old.odttf", docx_fonts.OBFUSCATED_FONT),
    }))
    from reports.writers.docx.reference import reference_package

    prepared = zipfile.ZipFile(io.BytesIO(reference_package(reference))).namelist()
    assert any(name.endswith(".odttf") for name in prepared)  # the reference's font did come along
    data = render(shipped, "memo", "docx", Options(reference_docx=reference)).data
    fonts = embedded(data)  # every embed names a real part holding a font
    assert len([f for f in fonts if f[0] == "Source Serif Pro"]) == 4
    odttf = [name for name in _parts(data) if name.endswith(".odttf")]
    assert len(odttf) == len(fonts) == 6
    assert b"0000-0000-0000-000000000000" not in _parts(data)["word/fontTable.xml"]
