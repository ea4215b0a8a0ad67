"""The embeddable Chinese face: found on the machine or named in a theme, a CFF face converted to TrueType
outlines, each read back from the font bytes and from a PDF reportlab drew with it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont
from reportlab.pdfgen import canvas

from reports.errors import ThemeError
from reports.fonts import cjk as cjk_fonts
from reports.fonts import memory
from reports.fonts.cjk import CjkFace, find_cjk_face
from reports.fonts.subset import register_pdf_face, subset_for_pdf
from tests.conftest import pdf_text

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
needs_wqy = pytest.mark.skipif(not WQY.is_file(), reason="fonts-wqy-zenhei is not installed (.ci/run installs it)")
# Each test glyph is a box of its own size, so that a converted outline can be told apart and measured.
BOXES = {"中": (100, 50, 900, 800), "文": (150, 0, 850, 700), "一": (50, 350, 950, 450), "A": (60, 0, 500, 700)}


def cff_font(path: Path, family: str = "Test Song CFF", fs_type: int = 0, chars: str = "中文一A") -> Path:
    """A small OpenType font with CFF outlines (one box per character) written to ``path``."""
    order = [".notdef", *(f"uni{ord(c):04X}" for c in chars)]
    charstrings = {}
    for name, char in zip(order, [None, *chars], strict=True):
        pen = T2CharStringPen(1000, None)
        x0, y0, x1, y1 = BOXES.get(char, (120, 40, 880, 760)) if char else (100, 0, 400, 700)
        # Counter-clockwise, as CFF contours run; a cubic edge so that conversion has a curve to do.
        pen.moveTo((x0, y0))
        pen.lineTo((x1, y0))
        pen.curveTo((x1, y0 + (y1 - y0) / 3), (x1, y1 - (y1 - y0) / 3), (x1, y1))
        pen.lineTo((x0, y1))
        pen.closePath()
        charstrings[name] = pen.getCharString()
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    ps_name = family.replace(" ", "") + "-Regular"
    builder.setupCFF(ps_name, {"FullName": family}, charstrings, {})
    builder.setupHorizontalMetrics({name: (1000, 50) for name in order})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": family, "styleName": "Regular", "psName": ps_name})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120, fsType=fs_type)
    builder.setupPost()
    builder.save(str(path))
    return path


@pytest.fixture(autouse=True)
def fresh_lookups() -> Iterator[None]:
    cjk_fonts.clear_cache()
    yield
    cjk_fonts.clear_cache()


@pytest.fixture
def only(monkeypatch: pytest.MonkeyPatch) -> object:
    """Make the search see only the files given (no fontconfig, no Windows folders)."""
    def search_only(*files: Path) -> None:
        monkeypatch.setattr(cjk_fonts, "KNOWN_FILES", tuple(str(f) for f in files))
        monkeypatch.setattr(cjk_fonts, "FC_LIST", "no-such-fc-list")
        monkeypatch.setattr(cjk_fonts, "_windows_files", lambda: iter(()))
        cjk_fonts.clear_cache()
    return search_only


def drawn_pdf(font_name: str, text: str) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.setFont(font_name, 12)
    page.drawString(72, 700, text)
    page.save()
    return out.getvalue()


def embedded_fonts(pdf: bytes) -> list[tuple[str, bytes]]:
    """(BaseFont, font program) of every font the PDF's pages use; a font without a file fails."""
    found = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for font in page.Resources.Font.values():
                if font.BaseFont == "/Helvetica":  # the canvas's initial font, declared, never drawn here
                    continue
                descriptor = font.get("/FontDescriptor")
                assert descriptor is not None, f"{font.BaseFont} has no font descriptor (not embedded)"
                program = descriptor.get("/FontFile2")
                assert program is not None, f"{font.BaseFont} is not embedded as TrueType"
                assert "/ToUnicode" in font
                found.append((str(font.BaseFont), program.read_bytes()))
    return found


# ------------------------------------------------------------------------------------------- search


@needs_wqy
def test_finds_wqy_zenhei_regular_face(only: object) -> None:
    only(WQY)  # type: ignore[operator]
    face = find_cjk_face()
    assert face == CjkFace(WQY, 0, "WenQuanYi Zen Hei", needs_conversion=False)  # not Mono (1) or Sharp (2)


@needs_wqy
def test_the_machine_search_finds_a_truetype_face() -> None:
    face = find_cjk_face()
    assert face is not None and not face.needs_conversion
    font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    assert "glyf" in font and {0x4E2D, 0x6587} <= set(font.getBestCmap())
    assert find_cjk_face("STSong-Light") == face  # a CID font name is no preference


@needs_wqy
def test_collection_face_found_by_family_name_in_any_language(only: object) -> None:
    only(WQY)  # type: ignore[operator]
    assert find_cjk_face("WenQuanYi Zen Hei Mono") == CjkFace(WQY, 1, "WenQuanYi Zen Hei Mono", False)
    assert find_cjk_face("文泉驿正黑") == CjkFace(WQY, 0, "WenQuanYi Zen Hei", False)
    assert find_cjk_face("wenquanyi zen hei sharp") == CjkFace(WQY, 2, "WenQuanYi Zen Hei Sharp", False)


def test_theme_named_file_wins_over_the_machine(tmp_path: Path) -> None:
    path = cff_font(tmp_path / "mine.otf")
    assert find_cjk_face(str(path)) == CjkFace(path, 0, "Test Song CFF", needs_conversion=True, confined=True)


def test_theme_named_family_wins_over_a_truetype_face(tmp_path: Path, only: object) -> None:
    other = cff_font(tmp_path / "first.otf", family="Other Song")
    mine = cff_font(tmp_path / "mine.otf", family="My Song")
    only(other, mine)  # type: ignore[operator]
    assert find_cjk_face() == CjkFace(other, 0, "Other Song", True)  # sorted by path when unranked
    assert find_cjk_face("My Song") == CjkFace(mine, 0, "My Song", True)


@needs_wqy
def test_truetype_face_is_chosen_before_a_cff_face(tmp_path: Path, only: object) -> None:
    cff = cff_font(tmp_path / "noto-like.otf", family="Noto Serif CJK SC")  # the best-ranked family name
    only(cff, WQY)  # type: ignore[operator]
    assert find_cjk_face() == CjkFace(WQY, 0, "WenQuanYi Zen Hei", False)


def test_cff_face_is_found_when_there_is_no_truetype_face(tmp_path: Path, only: object) -> None:
    cff = cff_font(tmp_path / "cjk.otf")
    only(tmp_path / "missing.ttc", tmp_path / "cjk.otf")  # type: ignore[operator]
    assert find_cjk_face() == CjkFace(cff, 0, "Test Song CFF", True)


def test_none_found(tmp_path: Path, only: object) -> None:
    latin = tmp_path / "latin.otf"
    cff_font(latin, chars="A")  # no Chinese in it
    restricted = cff_font(tmp_path / "restricted.otf", fs_type=0x0002)  # licence forbids embedding
    junk = tmp_path / "junk.ttc"
    junk.write_bytes(b"ttcf\x00\x01\x00\x00\xff\xff\xff\xff" + b"\x00" * 64)  # a collection that lies
    only(latin, restricted, junk, tmp_path / "absent.ttf")  # type: ignore[operator]
    assert find_cjk_face() is None


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "absent.ttf", "no such file"),
    (lambda d: d, "not a regular file"),
    (lambda d: (d / "notes.ttf").write_text("not a font") and d / "notes.ttf", "not a TrueType or OpenType font"),
    (lambda d: cff_font(d / "latin.otf", chars="A"), "no face in it draws Chinese"),
    (lambda d: cff_font(d / "locked.otf", fs_type=0x0002), "no face in it draws Chinese"),
])
def test_unusable_theme_file_is_one_theme_error(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ThemeError, match=message) as caught:
        find_cjk_face(str(path))
    assert str(path) in str(caught.value.message)


def test_a_relative_file_is_taken_in_the_theme_folder(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    path = cff_font(tmp_path / "fonts" / "mine.otf")
    named = CjkFace(path, 0, "Test Song CFF", True, confined=True)  # a file a theme names: read confined
    assert find_cjk_face("fonts/mine.otf", base=tmp_path) == named
    assert find_cjk_face(str(path), base=tmp_path / "elsewhere") == named
    with pytest.raises(ThemeError, match="no such file"):
        find_cjk_face("fonts/mine.otf", base=tmp_path / "elsewhere")


def test_unknown_theme_family_is_one_theme_error(only: object) -> None:
    only()  # type: ignore[operator]
    with pytest.raises(ThemeError, match="'No Such Song': no usable face of that family"):
        find_cjk_face("No Such Song")


# ------------------------------------------------------------------------------------------- embedding


def test_cff_face_converted_to_truetype_outlines(tmp_path: Path) -> None:
    face = find_cjk_face(str(cff_font(tmp_path / "cjk.otf")))
    assert face is not None
    font = TTFont(io.BytesIO(subset_for_pdf(face, "中文 中")))
    assert font.sfntVersion == "\x00\x01\x00\x00"
    assert "CFF " not in font and "glyf" in font and "loca" in font
    assert {"cmap", "hmtx", "hhea", "post", "OS/2", "name", "head", "maxp"} <= set(font.keys())
    cmap = font.getBestCmap()
    assert set(cmap) == {0x4E2D, 0x6587}  # only the characters used (the space is not in the face)
    glyf = font["glyf"]
    for char in "中文":
        glyph = glyf[cmap[ord(char)]]
        assert glyph.numberOfContours == 1
        assert (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax) == BOXES[char]
        assert font["hmtx"][cmap[ord(char)]][0] == 1000
    assert font["maxp"].numGlyphs == 3  # .notdef and two characters
    assert font["OS/2"].fsType == 0
    assert font["name"].getDebugName(1) == "Test Song CFF"


def test_reportlab_embeds_a_converted_face_and_draws_chinese(tmp_path: Path) -> None:
    face = find_cjk_face(str(cff_font(tmp_path / "cjk.otf")))
    assert face is not None
    name = register_pdf_face(face, "中文一")
    pdf = drawn_pdf(name, "一中文")
    fonts = embedded_fonts(pdf)
    assert [base.split("+", 1)[1].startswith("TestSongCFF-Regular-") for base, _ in fonts] == [True]
    assert "一中文" in pdf_text(pdf)
    program = TTFont(io.BytesIO(fonts[0][1]))
    assert "glyf" in program and len(program.getGlyphOrder()) >= 4


def test_two_character_sets_of_one_face_stay_apart(tmp_path: Path) -> None:
    # reportlab keys faces by PostScript name: without a name per subset, the second document would be
    # drawn with the first one's subset, and its characters would be missing.
    face = find_cjk_face(str(cff_font(tmp_path / "cjk.otf")))
    assert face is not None
    first, second = register_pdf_face(face, "中"), register_pdf_face(face, "文一")
    assert first != second
    assert register_pdf_face(face, "中中") == first
    pdf = drawn_pdf(second, "文一")
    glyphs = TTFont(io.BytesIO(embedded_fonts(pdf)[0][1]))["glyf"]
    boxes = sorted((g.xMin, g.yMin, g.xMax, g.yMax) for n in glyphs if (g := glyphs[n]).numberOfContours > 0)
    assert set(boxes) >= {BOXES["文"], BOXES["一"]}
    assert "文一" in pdf_text(pdf)


def test_subset_bytes_are_deterministic(tmp_path: Path) -> None:
    face = find_cjk_face(str(cff_font(tmp_path / "cjk.otf")))
    assert face is not None
    once = subset_for_pdf(face, "文中")
    cjk_fonts.clear_cache()
    assert subset_for_pdf(face, "中文中") == once  # order and repeats do not matter either
    assert subset_for_pdf(face, "中") != once


@needs_wqy
def test_truetype_face_subset_and_whole_file_embedding(only: object) -> None:
    only(WQY)  # type: ignore[operator]
    face = find_cjk_face()
    assert face is not None
    text = "浙江省人民政府与阿里巴巴集团"
    data = subset_for_pdf(face, text)
    cjk_fonts.clear_cache()
    assert subset_for_pdf(face, text) == data
    font = TTFont(io.BytesIO(data))
    assert set(font.getBestCmap()) == {ord(c) for c in text}
    assert not {"EBDT", "BDF ", "vmtx", "GSUB"} & set(font.keys())
    assert font["name"].getDebugName(6).startswith("WenQuanYiZenHei-")
    pdf = drawn_pdf(register_pdf_face(face), text)
    [(base, program)] = embedded_fonts(pdf)
    assert "WenQuanYiZenHei" in base and len(program) < 100_000  # reportlab's own subset, not 17 MB
    assert text in pdf_text(pdf)
    assert drawn_pdf(register_pdf_face(face), text) == pdf  # same bytes when drawn again


# ------------------------------------------------------------------------------------------- the DOCX


def _docx_fonts(data: bytes) -> dict[str, tuple[Any, TTFont | None]]:
    """family -> (its w:font element, the regular face embedded for it, un-obfuscated, or None)."""
    from lxml import etree

    from reports.writers.docx.fonts import obfuscate

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = {}
    if "word/_rels/fontTable.xml.rels" in parts:
        rels = {rel.get("Id"): rel.get("Target") for rel in etree.fromstring(parts["word/_rels/fontTable.xml.rels"])}
    found: dict[str, tuple[Any, TTFont | None]] = {}
    for font in etree.fromstring(parts["word/fontTable.xml"]).iter(f"{w}font"):
        embed = font.find(f"{w}embedRegular")
        face = None
        if embed is not None:
            raw = parts["word/" + rels[embed.get(f"{r}id")]]
            face = TTFont(io.BytesIO(obfuscate(raw, embed.get(f"{w}fontKey"))))
        found[font.get(f"{w}name")] = (font, face)
    return found


@needs_wqy
def test_a_chinese_docx_embeds_the_face_it_names() -> None:
    from reports.fonts.scripts import is_cjk
    from reports.load import load_agreement
    from reports.pipeline import render
    from tests.conftest import docx_text

    chinese = load_agreement(Path(__file__).resolve().parents[2] / "data" / "zhejiang-alibaba-2023.zh-Hans.yaml")
    face = find_cjk_face()
    assert face is not None
    for kind in ("briefing", "memo"):
        data = render(chinese, kind, "docx").data
        element, embedded = _docx_fonts(data)[face.family]
        assert embedded is not None and "glyf" in embedded
        assert element.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}charset").get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "86"
        cjk = {ord(c) for c in docx_text(data) if is_cjk(c)}
        assert len(cjk) > 50 and cjk <= set(embedded.getBestCmap())
        assert len(embedded.getGlyphOrder()) < 2000  # a subset, not the face's 30,000 glyphs
        cjk_fonts.clear_cache()
        assert render(chinese, kind, "docx").data == data  # the same bytes when made again


def test_an_english_docx_naming_simsun_embeds_no_cjk_face(shipped: object) -> None:
    from reports.pipeline import render

    data = render(shipped, "briefing", "docx").data  # type: ignore[arg-type]
    fonts = _docx_fonts(data)
    face = find_cjk_face()
    assert face is None or face.family not in fonts or fonts[face.family][1] is None
    assert all(embedded is None or "CFF " not in embedded for _, embedded in fonts.values())


def test_the_machine_search_is_remembered_until_the_fonts_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = cjk_fonts.find_cjk_face(None)
    if first is None:
        pytest.skip("no Chinese face on this machine")
    record = tmp_path / "cache" / "reports" / "cjk-face.json"
    assert record.is_file()
    cjk_fonts.clear_cache()

    def no_search(*args: object) -> object:
        raise AssertionError("searched again")

    monkeypatch.setattr(cjk_fonts, "_draws_chinese", no_search)
    assert cjk_fonts.find_cjk_face(None) == first
    # A record that names a file which is not a candidate, or is not JSON, is not trusted.
    for text in ('{"key": "x", "face": {"path": "/etc/passwd"}}', "not json", ""):
        record.write_text(text.replace('"x"', '"' + memory.files_key(cjk_fonts._search_files()) + '"'))
        cjk_fonts.clear_cache()
        monkeypatch.undo()
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        assert cjk_fonts.find_cjk_face(None) == first
