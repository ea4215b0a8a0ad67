"""Bad-input catalogue: images named by templates and themes (decompression bombs, damaged files).

The PNG files are written chunk by chunk with zlib, so that a file claiming 20000x20000 pixels is a few
hundred bytes in the test, and a real 6000x6000 picture is made at run time from compressed zero rows.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

from tests.catalogue_case import Case

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, *, colour: bool = True, pixels: bool = True) -> bytes:
    """A valid PNG of ``width`` x ``height`` (a soft gradient), or with ``pixels=False`` only its header
    and a token IDAT: what a decompression bomb looks like before anything is decoded."""
    channels = 3 if colour else 1
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if colour else 0, 0, 0, 0))
    if not pixels:
        return PNG_MAGIC + header + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b"")
    packer = zlib.compressobj(6)
    parts = []
    for y in range(height):
        # Filter 1 (Sub): each row is a constant step from the left, so big images compress to little.
        step = bytes([1 + (y * 7) % 5]) * channels
        parts.append(packer.compress(b"\x01" + step * width))
    parts.append(packer.flush())
    return PNG_MAGIC + header + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")


def jpeg(width: int = 120, height: int = 80) -> bytes:
    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


GARBAGE_PNG = PNG_MAGIC + b"this is not image data " * 8
TRUNCATED_JPEG = jpeg()[:-400]
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"

# A picture that carries more than its pixels: a text chunk before its data and a trailer after IEND.
MARKER = b"CARRIED-BESIDE-THE-PIXELS"


def png_with_passengers() -> bytes:
    plain = png(60, 30)
    head, rest = plain[:33], plain[33:]  # the magic and IHDR, then IDAT and IEND
    return head + _chunk(b"tEXt", b"Comment\x00" + MARKER) + rest + b"TRAILER " + MARKER


def jpeg_with_passengers() -> bytes:
    from PIL import Image

    image = Image.linear_gradient("L").resize((80, 40)).convert("RGB")
    exif = Image.Exif()
    exif[0x010E] = MARKER.decode()  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes(), comment=MARKER)
    return out.getvalue() + MARKER


def _media(folder: Path) -> list[bytes]:
    import zipfile

    [docx] = list((folder / "out").glob("*-briefing.docx"))
    with zipfile.ZipFile(docx) as package:
        return [package.read(n) for n in package.namelist() if n.startswith("word/media/")]


def _passengers_left_behind(folder: Path, output: str) -> None:
    media = _media(folder)
    assert media, "the picture is missing from the DOCX"
    assert all(MARKER not in data for data in media), "the file's own bytes travelled into the DOCX"
    [pdf] = list((folder / "out").glob("*-briefing.pdf"))
    assert MARKER not in pdf.read_bytes()


def _thin_but_seen(folder: Path, output: str) -> None:
    import re as pattern
    import zipfile

    [docx] = list((folder / "out").glob("*-briefing.docx"))
    with zipfile.ZipFile(docx) as package:
        body = package.read("word/document.xml").decode()
    extents = [(int(cx), int(cy)) for cx, cy in pattern.findall(r'<wp:extent cx="(\d+)" cy="(\d+)"', body)]
    assert extents and all(cx > 0 and cy > 0 for cx, cy in extents), extents


THEME = b"logo: logo.png\nlogo_width_mm: 40\n"
TEMPLATE = b"---\ntitle: Pictures\n---\n\n# Pictures\n\nA chart follows.\n\n![chart](chart.png)\n"
# Markdown line of the image in TEMPLATE (front matter included), which the message names.
IMAGE_LINE = TEMPLATE.decode().splitlines().index("![chart](chart.png)") + 1


def _logo_case(name: str, description: str, logo: bytes, message: str, **kw: object) -> Case:
    return Case(f"img-{name}", description, "theme.yaml", THEME, message,
                args=("build", "-d", "{dir}/out", "--theme", "{file}", "--kind", "briefing", "-j", "1"),
                files=(("logo.png", logo),), extra=_one_clear_line, **kw)  # type: ignore[arg-type]


def _template_case(name: str, description: str, image: bytes | None, message: str, *, code: int = 1,
                   **kw: object) -> Case:
    return Case(f"img-{name}", description, "tpl/briefing.md.j2", TEMPLATE, message, code,
                args=("build", "-d", "{dir}/out", "--template-dir", "{dir}/tpl", "--kind", "briefing", "-j", "1"),
                files=(("tpl/chart.png", image),) if image is not None else (),
                **kw)  # type: ignore[arg-type]


def _one_clear_line(folder: Path, output: str) -> None:
    # One message: no Pillow internals, no stream object standing in for the file name.
    assert "BytesIO" not in output and " object at 0x" not in output, output
    assert "PIL" not in output and "SyntaxError" not in output, output
    assert not (folder / "out").exists() or not any((folder / "out").glob("*.pdf")), output


def _write_big_picture(folder: Path) -> None:
    (folder / "tpl" / "chart.png").write_bytes(png(6000, 6000))


def _scaled_down(folder: Path, output: str) -> None:
    from pypdf import PdfReader

    from reports.images import MAX_DPI

    [pdf] = list((folder / "out").glob("*-briefing.pdf"))
    reader = PdfReader(pdf)
    sizes = [image.image.size for page in reader.pages for image in page.images]  # type: ignore[union-attr]
    assert sizes, "the picture is missing from the PDF"
    # The text width of A4 with the default margins is 166 mm: at MAX_DPI that is 1961 pixels.
    assert all(w <= 166 / 25.4 * MAX_DPI + 1 for w, _ in sizes), sizes
    assert all(w >= 1000 for w, _ in sizes), sizes  # scaled to the page, not to a thumbnail
    [docx] = list((folder / "out").glob("*-briefing.docx"))
    import zipfile

    from PIL import Image

    with zipfile.ZipFile(docx) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert media, "the picture is missing from the DOCX"
        for name in media:
            width, _ = Image.open(io.BytesIO(package.read(name))).size
            assert 1000 <= width <= 166 / 25.4 * MAX_DPI + 1, (name, width)


CASES: list[Case] = [
    _logo_case("logo-bomb", "a 20000x20000 PNG logo (a few hundred bytes: a decompression bomb)",
               png(20000, 20000, pixels=False),
               "theme.yaml: logo: logo.png: image is larger than 40 megapixels", process=True, max_rss_mb=300),
    _logo_case("logo-garbage", "a logo with PNG magic followed by garbage", GARBAGE_PNG,
               "theme.yaml: logo: logo.png: PNG image is damaged"),
    _logo_case("logo-gif", "a GIF logo", GIF,
               "theme.yaml: logo: logo.png is not a PNG or JPEG image (it looks like a GIF file"),
    _template_case("template-garbage", "a template image with PNG magic followed by garbage", GARBAGE_PNG,
                   f"briefing.md.j2:{IMAGE_LINE}: image ", extra=lambda folder, output: (
                       _one_clear_line(folder, output), _names_the_file(output, "chart.png: PNG image is damaged"))),
    _template_case("template-9000", "a 9000x9000 PNG (81 megapixels) in a template",
                   png(9000, 9000, pixels=False),
                   "image is 9000x9000 pixels (81 megapixels), over the limit of 40 megapixels",
                   process=True, max_rss_mb=300, extra=_one_clear_line),
    _template_case("template-truncated-jpeg", "a truncated JPEG in a template", TRUNCATED_JPEG,
                   "chart.png: JPEG image is damaged (image file is truncated", extra=_one_clear_line),
    _template_case("template-thin", "a 1x40,000,000 PNG in a template (40 megapixels, but a hair's width)",
                   png(1, 40_000_000, pixels=False),
                   "image is 1x40000000 pixels: one side is more than 1,000 times the other, too thin to print",
                   extra=_one_clear_line),
    _logo_case("logo-thin", "a 3000x2 PNG logo (a line, not a picture)", png(3000, 2),
               "theme.yaml: logo: logo.png: image is 3000x2 pixels: one side is more than 1,000 times the other"),
    _template_case("template-thin-accepted", "a 1x1000 PNG in a template (thin, but within the limit: printed "
                   "with a size above zero)", png(1, 1000), "", code=0, extra=_thin_but_seen),
    _template_case("template-png-passengers", "a PNG with a text chunk and a trailer after IEND in a template "
                   "(encoded again: neither reaches the documents)", png_with_passengers(), "", code=0,
                   extra=_passengers_left_behind),
    _template_case("template-jpeg-passengers", "a JPEG with EXIF, a comment and a trailer in a template (encoded "
                   "again: none of them reaches the documents)", jpeg_with_passengers(), "", code=0,
                   extra=_passengers_left_behind),
    Case("img-template-6000", "a 6000x6000 PNG (36 megapixels) in a template (accepted, scaled down)",
         "tpl/briefing.md.j2", TEMPLATE, "", 0,
         args=("build", "-d", "{dir}/out", "--template-dir", "{dir}/tpl", "--kind", "briefing", "-j", "1"),
         setup=_write_big_picture, process=True, max_rss_mb=300, extra=_scaled_down),
]


def _names_the_file(output: str, expected: str) -> None:
    assert expected in output, output
    assert re.search(r"briefing\.md\.j2:\d+: image /", output), output
