"""Images for both writers and the theme's logo check: opened safely, checked, and sized for the page.

Part of write. An image comes from a template folder or a theme, so it may be hostile or simply broken:
it is read with a size limit, its pixel count is checked from the header before any pixel is decoded (a
small PNG can claim 20000x20000 pixels and inflate to gigabytes) and so is its shape (``MAX_ASPECT``), it
is decoded once to prove it whole, turned upright as its EXIF says, a large one is scaled down to what
the page can show (``MAX_DPI`` at its printed size), and every one is encoded again with fixed settings:
the file's bytes are never copied into a document (its text chunks, EXIF, comments or a trailer after its
end would travel with them), and the same file gives the same bytes. Every failure is one ``ImageError``
naming the file; the caller says who named it (a template line, the theme's ``logo``).
"""

from __future__ import annotations

import io
import math
import os
import re
import stat
import threading
import warnings
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports import safe_open
from reports.errors import Problem, RenderError, ReportsError

MAX_PIXELS = 40_000_000  # 40 megapixels: a 36 MP camera picture passes, a decompression bomb does not
MAX_BYTES = 64 * 1024 * 1024  # the file itself
MAX_DPI = 300  # the most detail a printed page can use; larger images are scaled down to it
JPEG_QUALITY = 90
# A picture whose sides differ more than this many times is refused: fitted to the page, its short side
# would print thinner than a hair (a 1 x 40,000,000 strip would be 0.00002 pt, rounded to nothing).
MAX_ASPECT = 1000
MIN_SIDE_PT = 0.01  # no drawn side is ever smaller (a whole number of EMU in Word, never zero)
FORMATS = ("PNG", "JPEG")
_POINTS_PER_INCH = 72.0
# (?<!\s): start only where a run of spaces starts, or a long run of spaces is searched from each of its
# characters (quadratic).
_OBJECT_REPR = re.compile(r"(?<!\s)\s*<[^<>]* object at 0x[0-9a-fA-F]+>")


class ImageError(Exception):
    """An image that cannot be used; ``str()`` is ``PATH: reason``, one line."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(describe(str(path), reason))
        self.path = str(path)
        self.reason = reason


def describe(name: str, reason: str) -> str:
    """``NAME is not ...`` or ``NAME: reason``: the image's name joined to what is wrong with it."""
    return f"{name} is {reason}" if reason.startswith("not ") else f"{name}: {reason}"


@dataclass(frozen=True)
class Picture:
    """An image ready to embed: its bytes (always encoded again, see ``_encode``) and its printed size."""

    data: bytes
    format: str  # "PNG" or "JPEG"
    pixel_width: int
    pixel_height: int
    width_pt: float  # the size to draw it at, in points
    height_pt: float
    scaled: bool  # True when ``data`` holds fewer pixels than the file (scaled down to what the page shows)


def picture(path: str | Path, *, box: tuple[float, float], width_pt: float | None = None) -> Picture:
    """Return ``path`` prepared to be drawn ``width_pt`` wide (default: its natural size), within ``box``.

    ``box`` is (width, height) in points: the largest size the page can hold; the image is shrunk to fit
    it, keeping its proportions. Results are kept per file state and size for the life of the process.
    Raises ``ImageError`` for a file that is missing, too large, not a PNG or JPEG, or damaged.
    """
    key = (*_identity(path), width_pt, box)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    result = _prepare(path, box, width_pt)
    with _lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def verify(path: str | Path) -> tuple[int, int]:
    """Open and fully decode ``path`` within the limits; return its size in pixels.

    Raises ``ImageError`` as ``picture`` does. Used where an image is named long before it is drawn (the
    theme's logo), so that a broken file is reported where it was named.
    """
    key = _identity(path)
    with _lock:
        if key in _verified:
            return _verified[key]
    image = _open(path, _read(path))
    _decode(path, image)
    size: tuple[int, int] = image.size
    with _lock:
        _verified[key] = size
    return size


def reencode(data: bytes, name: str) -> tuple[bytes, str]:
    """A PNG or JPEG held in memory (a picture of a reference document's header), checked and decoded as
    ``picture`` does and encoded again: returns (bytes, ``"PNG"`` or ``"JPEG"``). Raises ``ImageError``
    (naming ``name``) for anything else, a damaged image or one over the limits."""
    if len(data) > MAX_BYTES:
        raise ImageError(name, f"image is over the limit of {MAX_BYTES // (1024 * 1024)} MB")
    image = _open(name, data)
    fmt = "JPEG" if image.format == "MPO" else image.format
    info = dict(image.info)
    _decode(name, image)
    upright = _upright(name, image)
    keep = fmt == "JPEG" and upright is image and image.format == "JPEG"
    return _encode(name, upright, fmt, info, keep=keep), fmt


def named_by_template(exc: ImageError, template: str, line: int | None) -> RenderError:
    """The error for an image a template named: located at the template's line, naming the image file."""
    if not template:  # a tree built by hand: the file is all there is to name
        return RenderError("", [Problem(exc.path, exc.reason)])  # "FILE: reason"
    return RenderError("", [Problem(template, "image " + describe(exc.path, exc.reason), line=line)])


def named_by_theme(exc: ImageError, theme_file: str, kind: type[ReportsError] = RenderError,
                   name: str | None = None) -> ReportsError:
    """The error for the theme's logo: located at the theme file's ``logo`` field, naming the image
    (as ``name``, the theme's own words, when given)."""
    return kind("", [Problem(theme_file, describe(name or exc.path, exc.reason), field="logo")])


# --------------------------------------------------------------------------- internals

_CACHE_SIZE = 32
_lock = threading.Lock()
_cache: OrderedDict[tuple[Any, ...], Picture] = OrderedDict()
_verified: dict[tuple[Any, ...], tuple[int, int]] = {}


def _identity(path: str | Path) -> tuple[str, int, int]:
    # The file's state, so that an image changed on disk during a long-lived process is read again.
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImageError(path, "image file not found") from None
    except OSError as exc:
        raise ImageError(path, f"cannot read the image: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ImageError(path, "not a regular file; an image must be a PNG or JPEG file")
    return os.path.realpath(path), info.st_mtime_ns, info.st_size


def _read(path: str | Path) -> bytes:
    # Opened one component at a time without following any link (``path`` is the real path its folder
    # check found), so a folder swapped for a link after that check is refused, not followed; a file
    # with other hard links is refused too (one of them may lie outside the folder).
    try:
        data = safe_open.read_fd(safe_open.open_real(path), MAX_BYTES)
    except safe_open.Refused as exc:
        raise ImageError(path, _REFUSALS.get(exc.kind) or f"cannot read the image: {exc}") from None
    except OSError as exc:
        raise ImageError(path, f"cannot read the image: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ImageError(path, f"image file is over the limit of {MAX_BYTES // (1024 * 1024)} MB")
    return data


_REFUSALS = {
    "missing": "image file not found",
    "outside": "image path passes through a link (changed after it was checked); not read",
    "folder": "not a regular file; an image must be a PNG or JPEG file",
    "special": "not a regular file; an image must be a PNG or JPEG file",
    "hardlink": "image file " + safe_open.MESSAGES["hardlink"],
}


def _open(path: str | Path, data: bytes) -> Any:
    """The image opened from its header only (no pixels decoded yet), its pixel count checked."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit (which is higher than ours) and raises above twice it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise ImageError(path, f"image is larger than {MAX_PIXELS // 1_000_000} megapixels (the limit); "
                               "make it smaller") from None
    except UnidentifiedImageError:
        if _kind(data) != "image":  # the signature is right, what follows it is not
            raise ImageError(path, f"{_kind(data)} is damaged (its header cannot be read)") from None
        raise ImageError(path, f"not a PNG or JPEG image{_what_it_starts_like(data)}") from None
    except Exception as exc:  # Pillow raises many kinds (OSError, SyntaxError, ValueError...) for one cause
        raise ImageError(path, f"{_kind(data)} is damaged ({_reason(exc)})") from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageError(path, f"image has no pixels ({width}x{height})")
    if width * height > MAX_PIXELS:
        raise ImageError(path, f"image is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels), "
                               f"over the limit of {MAX_PIXELS // 1_000_000} megapixels; make it smaller")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageError(path, f"image is {width}x{height} pixels: one side is more than {MAX_ASPECT:,} times "
                               "the other, too thin to print; crop or pad it")
    return image


def _decode(path: str | Path, image: Any) -> None:
    try:
        image.load()
    except Exception as exc:  # truncated data, bad chunks, zlib errors: all mean a damaged file
        raise ImageError(path, f"{_kind_of(image)} is damaged ({_reason(exc)})") from None


def _prepare(path: str | Path, box: tuple[float, float], width_pt: float | None) -> Picture:
    data = _read(path)
    image = _open(path, data)
    fmt = "JPEG" if image.format == "MPO" else image.format  # MPO: a camera's JPEG with extra frames
    info = dict(image.info)
    px_w, px_h = image.size
    turned = _orientation(image) in (5, 6, 7, 8)  # a camera's portrait photo: stored lying on its side
    if turned:
        px_w, px_h = px_h, px_w
    natural_w = px_w * _POINTS_PER_INCH / _dpi(image)
    draw_w = width_pt if width_pt else natural_w
    draw_h = draw_w * px_h / px_w
    factor = min(1.0, box[0] / draw_w, box[1] / draw_h)
    # Never a zero size (Word rounds to whole EMU, 1/12700 pt): the aspect limit keeps this a rounding
    # guard, not a change of proportions a reader could see.
    draw_w, draw_h = max(draw_w * factor, MIN_SIDE_PT), max(draw_h * factor, MIN_SIDE_PT)
    # The most pixels the printed size can show; an image with more is scaled down to that.
    want_w = max(1, math.ceil(draw_w / _POINTS_PER_INCH * MAX_DPI))
    scaled = px_w > want_w
    want_h = max(1, round(px_h * want_w / px_w)) if scaled else px_h
    if scaled and fmt == "JPEG":
        size = (want_h, want_w) if turned else (want_w, want_h)
        image.draft(image.mode, size)  # decode at a reduced scale: less memory and time
    _decode(path, image)
    upright = _upright(path, image)
    if scaled:
        upright = _resize(path, upright, (want_w, want_h))
    # Always encoded again, never copied: text chunks, EXIF, comments and whatever trails the image's
    # end (all of it the file's to say, none of it ours to pass on) stay behind. A JPEG that is neither
    # scaled nor turned keeps its own quantisation tables ("keep"), so it loses nothing to this.
    keep = fmt == "JPEG" and not scaled and upright is image and image.format == "JPEG"
    out = _encode(path, upright, fmt, info, keep=keep)
    width, height = upright.size
    return Picture(out, fmt, width, height, draw_w, draw_h, scaled=scaled)


def _orientation(image: Any) -> int:
    try:
        value = image.getexif().get(0x0112, 1)  # EXIF Orientation
    except Exception:  # a damaged EXIF block says nothing about orientation
        return 1
    return value if isinstance(value, int) else 1


def _upright(path: str | Path, image: Any) -> Any:
    """``image`` turned as its EXIF orientation says (the EXIF itself is not kept, so the turn is made
    in the pixels); the same object when there is nothing to turn."""
    if _orientation(image) == 1:
        return image
    from PIL import ImageOps

    try:
        return ImageOps.exif_transpose(image)
    except Exception as exc:
        raise ImageError(path, f"{_kind_of(image)} cannot be turned upright ({_reason(exc)})") from None


def _dpi(image: Any) -> float:
    # The resolution the file states, if sensible; otherwise one pixel per point (as reportlab does).
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 36 <= value <= 2400 else _POINTS_PER_INCH


def _resize(path: str | Path, image: Any, size: tuple[int, int]) -> Any:
    from PIL import Image

    try:
        if image.mode in ("P", "PA", "1", "I", "I;16", "F", "LAB", "HSV", "YCbCr"):
            # Palette and exotic modes cannot be resampled smoothly: widen them first.
            has_alpha = image.mode in ("P", "PA") and ("transparency" in image.info or image.mode == "PA")
            image = image.convert("RGBA" if has_alpha else ("L" if image.mode in ("1", "I", "I;16", "F")
                                                              else "RGB"))
        return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    except Exception as exc:  # a mode Pillow cannot resample: still one message about this file
        raise ImageError(path, f"{_kind_of(image)} cannot be scaled down ({_reason(exc)})") from None


def _encode(path: str | Path, image: Any, fmt: str, info: dict[str, Any], *, keep: bool = False) -> bytes:
    # Fixed settings and no metadata but the colour profile: the same file gives the same bytes, and
    # nothing the file carried beside its pixels (text chunks, EXIF, comments, a trailer) is passed on.
    out = io.BytesIO()
    options: dict[str, Any] = {}
    image.info = {}  # Pillow writes some of what it read (a JPEG's comment) unless told otherwise
    if info.get("icc_profile"):
        options["icc_profile"] = info["icc_profile"]
    try:
        if fmt == "JPEG":
            if image.mode not in ("L", "RGB", "CMYK"):
                image = image.convert("RGB")
                keep = False
            quality: Any = "keep" if keep else JPEG_QUALITY
            image.save(out, "JPEG", quality=quality, optimize=False, progressive=False, **options)
        else:
            if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                image = image.convert("RGBA" if "A" in image.mode else "RGB")
            if image.mode == "P" and "transparency" in info:
                options["transparency"] = info["transparency"]
            image.save(out, "PNG", compress_level=6, optimize=False, **options)
    except (OSError, ValueError, TypeError, zlib.error) as exc:
        raise ImageError(path, f"cannot encode the image again ({_reason(exc)})") from None
    return out.getvalue()


def _kind(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG image"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG image"
    return "image"


def _kind_of(image: Any) -> str:
    return f"{image.format} image" if image.format in FORMATS else "image"


def _what_it_starts_like(data: bytes) -> str:
    if not data:
        return " (the file is empty)"
    for magic, name in ((b"GIF8", "a GIF"), (b"BM", "a BMP"), (b"II*\x00", "a TIFF"), (b"MM\x00*", "a TIFF"),
                        (b"RIFF", "a WebP"), (b"<svg", "an SVG"), (b"<?xml", "an XML or SVG"),
                        (b"%PDF", "a PDF")):
        if data.startswith(magic):
            return f" (it looks like {name} file; save it as PNG or JPEG)"
    return ""


def _reason(exc: BaseException) -> str:
    # Pillow's messages sometimes carry the repr of the stream it read ("<_io.BytesIO object at 0x...>"),
    # which means nothing to a reader; the caller names the file instead.
    text = _OBJECT_REPR.sub("", str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__
