"""Images: bounded opening, one message per broken file, scaling to the page, in both writers."""

from __future__ import annotations

import io
import math
import os
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from reports import images
from reports import tree as t
from reports.errors import RenderError, ThemeError
from reports.load import load_theme
from reports.parse import parse_markdown
from reports.theme import DEFAULT_THEME
from tests.catalogue_images import GARBAGE_PNG, GIF, TRUNCATED_JPEG, jpeg, png
from tests.writing import write_docx, write_pdf

A4_TEXT = (166 / 25.4 * 72, 257 / 25.4 * 72)  # the default text area in points


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _pdf_image_sizes(data: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(data))
    return [image.image.size for page in reader.pages for image in page.images]  # type: ignore[union-attr]


def _docx_image_sizes(data: bytes) -> list[tuple[int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [Image.open(io.BytesIO(package.read(n))).size for n in package.namelist()
                if n.startswith("word/media/")]


def test_a_small_image_is_embedded_at_its_size_encoded_again(tmp_path: Path) -> None:
    data = png(40, 20)
    pic = images.picture(_file(tmp_path, "a.png", data), box=A4_TEXT)
    assert (pic.format, pic.pixel_width, pic.pixel_height, pic.scaled) == ("PNG", 40, 20, False)
    assert Image.open(io.BytesIO(pic.data)).tobytes() == Image.open(io.BytesIO(data)).tobytes()  # same pixels
    assert (pic.width_pt, pic.height_pt) == (40, 20)  # one pixel per point when the file states no resolution


def test_the_printed_size_stays_inside_the_box(tmp_path: Path) -> None:
    tall = _file(tmp_path, "tall.png", png(10, 4000, colour=False))
    pic = images.picture(tall, box=(400, 700), width_pt=300)
    assert pic.height_pt == pytest.approx(700) and pic.width_pt == pytest.approx(700 * 10 / 4000)


def test_a_large_image_is_scaled_down_to_what_the_page_shows(tmp_path: Path) -> None:
    big = _file(tmp_path, "big.png", png(6000, 3000))
    pic = images.picture(big, box=A4_TEXT, width_pt=100 / 25.4 * 72)  # printed 100 mm wide
    assert pic.scaled and pic.format == "PNG"
    assert pic.pixel_width == math.ceil(100 / 25.4 * images.MAX_DPI) and pic.pixel_height == pic.pixel_width // 2
    assert Image.open(io.BytesIO(pic.data)).size == (pic.pixel_width, pic.pixel_height)


def test_scaled_copies_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    photo = _file(tmp_path, "photo.jpg", jpeg(3000, 2000))
    first = images.picture(photo, box=A4_TEXT, width_pt=72)
    images._cache.clear()
    second = images.picture(photo, box=A4_TEXT, width_pt=72)
    assert first is not second and first.data == second.data
    assert first.format == "JPEG" and first.scaled and Image.open(io.BytesIO(first.data)).format == "JPEG"


def test_results_are_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = _file(tmp_path, "a.png", png(30, 30))
    first = images.picture(path, box=A4_TEXT)
    assert images.picture(path, box=A4_TEXT) is first
    path.write_bytes(png(60, 30))
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock's resolution
    assert images.picture(path, box=A4_TEXT).pixel_width == 60


@pytest.mark.parametrize(("data", "reason"), [
    (png(20000, 20000, pixels=False), "image is larger than 40 megapixels"),
    (png(9000, 9000, pixels=False), "image is 9000x9000 pixels (81 megapixels), over the limit of 40 megapixels"),
    (GARBAGE_PNG, "PNG image is damaged"),
    (png(300, 300)[:-200], "PNG image is damaged"),
    (TRUNCATED_JPEG, "JPEG image is damaged (image file is truncated"),
    (GIF, "not a PNG or JPEG image (it looks like a GIF file; save it as PNG or JPEG)"),
    (b"", "not a PNG or JPEG image (the file is empty)"),
])
def test_a_bad_image_is_one_message_naming_the_file(tmp_path: Path, data: bytes, reason: str) -> None:
    path = _file(tmp_path, "pic.png", data)
    with pytest.raises(images.ImageError) as caught:
        images.picture(path, box=A4_TEXT)
    message = str(caught.value)
    assert message.startswith(str(path)) and reason in message, message
    assert "\n" not in message and "BytesIO" not in message and " at 0x" not in message
    error = caught.value  # no chained Pillow traceback behind it
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_a_folder_is_not_an_image(tmp_path: Path) -> None:
    with pytest.raises(images.ImageError, match="not a regular file"):
        images.picture(tmp_path, box=A4_TEXT)


def test_a_template_image_error_names_the_template_line_and_the_file(tmp_path: Path) -> None:
    _file(tmp_path, "chart.png", GARBAGE_PNG)
    document, _ = parse_markdown("# T\n\nText.\n\n![chart](chart.png)\n", template="mine.md.j2",
                                 image_base=tmp_path)
    for write in (lambda d: write_pdf(d, DEFAULT_THEME), lambda d: write_docx(d, DEFAULT_THEME)):
        with pytest.raises(RenderError) as caught:
            write(document)
        [problem] = caught.value.problems
        assert (problem.file, problem.line) == ("mine.md.j2", 5)
        assert problem.message.startswith(f"image {tmp_path / 'chart.png'}: PNG image is damaged")


def test_both_writers_embed_the_same_scaled_pixels(tmp_path: Path) -> None:
    path = _file(tmp_path, "wide.png", png(5000, 1000))
    document = t.Document(t.Meta(title="T"), (t.Image(str(path), "wide", 80),))
    width = math.ceil(80 / 25.4 * images.MAX_DPI)
    expected = (width, round(width / 5))
    assert _pdf_image_sizes(write_pdf(document, DEFAULT_THEME)) == [expected]
    assert _docx_image_sizes(write_docx(document, DEFAULT_THEME)) == [expected]


def test_an_image_without_a_width_is_never_wider_than_the_text(tmp_path: Path) -> None:
    path = _file(tmp_path, "wide.png", png(3000, 100))  # 3000 pt at its natural size
    data = write_docx(t.Document(t.Meta(title="T"), (t.Image(str(path), "wide"),)), DEFAULT_THEME)
    from docx import Document

    [shape] = Document(io.BytesIO(data)).inline_shapes
    assert shape.width <= 166 * 36000 + 12700  # EMU: 166 mm text width (+1 pt rounding)
    assert max(w for w, _ in _docx_image_sizes(data)) <= 166 / 25.4 * images.MAX_DPI + 1


def test_a_very_tall_image_fits_on_a_page_instead_of_failing_layout(tmp_path: Path) -> None:
    path = _file(tmp_path, "tall.png", png(20, 5000, colour=False))
    data = write_pdf(t.Document(t.Meta(title="T"), (t.Image(str(path), "tall", 150),)), DEFAULT_THEME)
    assert len(PdfReader(io.BytesIO(data)).pages) <= 2


# --------------------------------------------------------------------------- the theme's logo


def _theme(folder: Path, logo: bytes) -> Path:
    _file(folder, "logo.png", logo)
    return _file(folder, "theme.yaml", b"logo: logo.png\n")


@pytest.mark.parametrize(("logo", "message"), [
    (png(20000, 20000, pixels=False), "theme.yaml: logo: logo.png: image is larger than 40 megapixels"),
    (GARBAGE_PNG, "theme.yaml: logo: logo.png: PNG image is damaged"),
    (TRUNCATED_JPEG, "theme.yaml: logo: logo.png: JPEG image is damaged"),
    (GIF, "theme.yaml: logo: logo.png is not a PNG or JPEG image"),
])
def test_a_bad_logo_is_blamed_on_the_theme(tmp_path: Path, logo: bytes, message: str) -> None:
    with pytest.raises(ThemeError) as caught:
        load_theme(_theme(tmp_path, logo))
    assert message in caught.value.format_message()
    assert caught.value.format_message().count("\n") == 0


def test_a_large_logo_is_drawn_scaled_down(tmp_path: Path) -> None:
    theme = load_theme(_theme(tmp_path, png(4000, 1000)))
    data = write_pdf(t.Document(t.Meta(title="T"), (t.Paragraph((t.Text("x"),)),)), theme)
    [(width, height)] = _pdf_image_sizes(data)
    assert width == math.ceil(theme.logo_width_mm / 25.4 * images.MAX_DPI) and height == round(width / 4)


def test_a_logo_broken_after_loading_is_still_one_message(tmp_path: Path) -> None:
    theme = load_theme(_theme(tmp_path, png(40, 20)))
    (tmp_path / "logo.png").write_bytes(GARBAGE_PNG)
    os.utime(tmp_path / "logo.png", ns=(2, 2))
    with pytest.raises(RenderError) as caught:
        write_pdf(t.Document(t.Meta(title="T"), ()), theme.model_copy(update={"source": tmp_path / "theme.yaml"}))
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (str(tmp_path / "theme.yaml"), "logo")
    assert "PNG image is damaged" in problem.message


def test_a_photo_stored_on_its_side_is_turned_upright_and_loses_its_exif(tmp_path: Path) -> None:
    # The EXIF is not carried into the document, so its orientation is applied to the pixels instead.
    image = Image.linear_gradient("L").resize((80, 40)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    pic = images.picture(_file(tmp_path, "side.jpg", out.getvalue()), box=A4_TEXT)
    again = Image.open(io.BytesIO(pic.data))
    assert (pic.pixel_width, pic.pixel_height) == again.size == (40, 80)
    assert (pic.width_pt, pic.height_pt) == (40, 80) and not again.getexif()
    images._cache.clear()
    assert images.picture(_file(tmp_path, "side.jpg", out.getvalue()), box=A4_TEXT).data == pic.data


def test_a_picture_too_thin_to_print_is_refused_and_a_thin_one_keeps_a_size(tmp_path: Path) -> None:
    with pytest.raises(images.ImageError, match="one side is more than 1,000 times the other"):
        images.picture(_file(tmp_path, "strip.png", png(2001, 2)), box=A4_TEXT)
    pic = images.picture(_file(tmp_path, "thin.png", png(1, 1000)), box=(400, 0.5))
    assert pic.width_pt >= images.MIN_SIDE_PT and pic.height_pt > 0
