"""The theme in the DOCX styles part, the logo in the first-page header, and a reference's own headers
and footers kept (docx_theme and the writer's page furniture)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from reports import tree as t
from reports.errors import RenderError
from reports.theme import DEFAULT_THEME, Colours, Fonts, Theme
from reports.writers.docx import theme as docx_theme
from reports.writers.docx.reference import reference_package
from tests.writers.sample import sample_document
from tests.writing import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


def _styles(data: bytes) -> etree._Element:
    return etree.fromstring(_part(data, "word/styles.xml").encode())


def _style(root: etree._Element, name: str) -> etree._Element:
    return next(s for s in root.iter(f"{W}style") if s.find(f"{W}name").get(f"{W}val").lower() == name.lower())


def _size(style: etree._Element) -> int:
    return int(style.find(f"{W}rPr/{W}sz").get(f"{W}val"))


def _png(path: Path, size: tuple[int, int] = (300, 100)) -> Path:
    from PIL import Image

    Image.new("RGB", size, "#7A1F2B").save(path)
    return path


THEMED = Theme(page_size="Letter",
               colours=Colours(accent="#7A1F2B", text="#202020", muted="#606060", rule="#B0B0B0",
                               zebra="#F7F0F0", header_text="#FFFFEE"),
               fonts=Fonts(body="Times-Roman", heading="Helvetica", cjk="MSung-Light", size=12),
               classification="Restricted", organisation="Northwind Policy Unit")


def test_the_default_theme_leaves_the_reference_as_it_is() -> None:
    assert docx_theme.themed_package(None, DEFAULT_THEME) is reference_package(None)


def test_every_default_colour_face_and_size_becomes_the_themes() -> None:
    data = write_docx(sample_document(), THEMED)
    xml = _part(data, "word/styles.xml")
    for old in ("1F3A5F", "1A1A1A", "5B6470", "C9CED6", "F3F5F8", "Source Serif Pro", "Source Sans Pro", "SimSun"):
        assert old not in xml, old
    for new in ("7A1F2B", "202020", "606060", "B0B0B0", "F7F0F0", "FFFFEE", "Times New Roman", "Arial", "PMingLiU"):
        assert new in xml, new
    root = _styles(data)
    # Table style shading and borders: header row in the accent, zebra rows, light rules, text on the accent.
    report = _style(root, "Report Table")
    first_row = report.find(f"{W}tblStylePr[@{W}type='firstRow']")
    assert first_row.find(f"{W}tcPr/{W}shd").get(f"{W}fill") == "7A1F2B"
    assert first_row.find(f"{W}rPr/{W}color").get(f"{W}val") == "FFFFEE"
    assert report.find(f"{W}tblStylePr[@{W}type='band2Horz']/{W}tcPr/{W}shd").get(f"{W}fill") == "F7F0F0"
    assert report.find(f"{W}tblPr/{W}tblBorders/{W}insideH").get(f"{W}color") == "B0B0B0"
    # White rules between key-fact rows stay white: paper, not text on the accent.
    assert _style(root, "Key Facts").find(f"{W}tblPr/{W}tblBorders/{W}insideH").get(f"{W}color") == "FFFFFF"
    assert _style(root, "Rule").find(f"{W}pPr/{W}pBdr/{W}bottom").get(f"{W}color") == "7A1F2B"
    # Sizes move with the body size as the PDF's do (pdf_styles): body 12, Heading 1 = body + 4, table
    # text = body - 1; the title block and page furniture keep their fixed sizes.
    assert _size(_style(root, "Normal")) == 24
    assert _size(_style(root, "heading 1")) == 32
    assert _size(_style(root, "heading 3")) == 24
    assert _size(_style(root, "Table Text")) == 22
    assert _size(_style(root, "Title")) == _size(_style(_styles(write_docx(sample_document(), DEFAULT_THEME)),
                                                        "Title"))
    assert _size(_style(root, "footer")) == 16


def test_a_smaller_body_size_shrinks_relative_sizes_only() -> None:
    theme = Theme(fonts=Fonts(size=9))
    root = _styles(write_docx(sample_document(), theme))
    assert _size(_style(root, "Normal")) == 18
    assert _size(_style(root, "heading 1")) == 26
    assert _size(_style(root, "Memo Title")) == 48


def test_the_themed_package_is_made_once_and_output_is_reproducible() -> None:
    theme = THEMED.model_copy(update={"fonts": Fonts(size=11)})
    first = docx_theme.themed_package(None, theme)
    assert docx_theme.themed_package(None, theme) is first
    assert write_docx(sample_document(), theme) == write_docx(sample_document(), theme)


def test_the_logo_is_an_image_in_the_first_page_header_sized_as_in_the_pdf(tmp_path: Path) -> None:
    theme = THEMED.model_copy(update={"logo": _png(tmp_path / "logo.png"), "logo_width_mm": 30})
    data = write_docx(sample_document(), theme)
    document = docx.Document(io.BytesIO(data))
    section = document.sections[-1]
    assert section.different_first_page_header_footer
    header = section.first_page_header._element
    extent = next(header.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"))
    assert int(extent.get("cx")) == pytest.approx(30 * 36000, rel=0.01)  # 30 mm wide
    assert int(extent.get("cy")) == pytest.approx(10 * 36000, rel=0.01)  # 3:1, so 10 mm high
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in names)
    assert data == write_docx(sample_document(), theme)  # the image part is named the same every time


def test_a_tall_logo_is_fitted_into_the_pdfs_box(tmp_path: Path) -> None:
    theme = THEMED.model_copy(update={"logo": _png(tmp_path / "tall.png", (100, 400))})
    header = docx.Document(io.BytesIO(write_docx(sample_document(), theme))).sections[-1].first_page_header
    extent = next(header._element.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"))
    assert int(extent.get("cy")) <= docx_theme.LOGO_BOX_HEIGHT_MM * 36000 + 1


def test_a_broken_logo_is_one_message_at_the_themes_logo_field(tmp_path: Path) -> None:
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"not a picture")
    theme = THEMED.model_copy(update={"logo": bad, "source": tmp_path / "theme.yaml"})
    with pytest.raises(RenderError) as caught:
        write_docx(sample_document(), theme)
    assert "theme.yaml" in str(caught.value) and "logo" in str(caught.value)


def _header_footer_texts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: re.sub(r"<[^>]+>", "", archive.read(n).decode()) for n in archive.namelist()
                if re.fullmatch(r"word/(header|footer)\d*\.xml", n)}


def test_labels_reach_the_running_header_and_footer() -> None:
    doc = t.Document(t.Meta(title="Labels", date="1 May 2024", classification="Restricted",
                            organisation="Northwind Policy Unit"), (t.Paragraph((t.Text("Body."),)),))
    section = docx.Document(io.BytesIO(write_docx(doc, THEMED))).sections[-1]
    assert "RESTRICTED" in section.header._element.xml
    for footer in (section.footer, section.first_page_footer):
        assert "RESTRICTED" in footer._element.xml and "Northwind Policy Unit" in footer._element.xml


def _reference(tmp_path: Path, *, first_page: bool = False, footer: bool = True) -> Path:
    document = docx.Document()
    section = document.sections[0]
    if first_page:
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = "LETTERHEAD FIRST PAGE"
    else:
        section.header.paragraphs[0].text = "NORTHWIND LETTERHEAD"
    if footer:
        section.footer.paragraphs[0].text = "Registered office: 1 Example Street"
    path = tmp_path / "letterhead.docx"
    document.save(str(path))
    return path


def test_a_references_header_and_footer_are_kept_with_our_marking_and_page_number_added(tmp_path: Path) -> None:
    reference = _reference(tmp_path)
    data = write_docx(sample_document(), THEMED, reference)
    section = docx.Document(io.BytesIO(data)).sections[-1]
    header = [p.text for p in section.header.paragraphs]
    footer = [p.text for p in section.footer.paragraphs]
    assert header[0] == "NORTHWIND LETTERHEAD" and header[-1].endswith("\tINTERNAL")  # theirs first, ours after
    assert footer[0] == "Registered office: 1 Example Street"
    assert "INTERNAL" in footer[-1] and "PAGE" in section.footer._element.xml
    assert not section.different_first_page_header_footer  # the reference's set-up stands


def test_ours_is_written_only_where_the_reference_has_none_of_that_kind(tmp_path: Path) -> None:
    reference = _reference(tmp_path, first_page=True, footer=False)
    doc = t.Document(t.Meta(title="Kinds", classification="Restricted"), (t.Paragraph((t.Text("Body."),)),))
    section = docx.Document(io.BytesIO(write_docx(doc, THEMED, reference))).sections[-1]
    assert "LETTERHEAD FIRST PAGE" in section.first_page_header._element.xml
    assert "RESTRICTED" in section.header._element.xml  # the running header: the reference has none
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.first_page_footer._element.xml


def test_styles_added_to_a_reference_take_its_faces_and_the_themes_colours(tmp_path: Path) -> None:
    reference = _reference(tmp_path)
    xml = _part(write_docx(sample_document(), THEMED, reference), "word/styles.xml")
    assert "Source Serif Pro" not in xml and "Source Sans Pro" not in xml  # the reference's faces
    assert "1F3A5F" not in xml and "7A1F2B" in xml  # Kicker, Rule, the table styles were ours


def test_the_word_faces_cover_every_family_a_theme_accepts() -> None:
    from reports.fonts.names import CJK_FAMILIES, LATIN_FAMILIES

    assert set(LATIN_FAMILIES) <= set(docx_theme.WORD_FAMILIES)
    assert set(CJK_FAMILIES) <= set(docx_theme.WORD_CJK)


def test_without_a_theme_colour_added_styles_take_the_references_accent(tmp_path: Path) -> None:
    # python-docx's own template draws Heading 1 in 365F91: the Kicker and Rule the tool adds follow it.
    root = _styles(write_docx(sample_document(), DEFAULT_THEME, _reference(tmp_path)))
    assert _style(root, "Kicker").find(f"{W}rPr/{W}color").get(f"{W}val") == "365F91"
    assert _style(root, "Rule").find(f"{W}pPr/{W}pBdr/{W}bottom").get(f"{W}color") == "365F91"
    assert "1F3A5F" not in etree.tostring(root).decode()
