"""Reproducible .docx packages: the same parts always give the same bytes.

Part of write (DOCX). python-docx stamps zip entries with the wall-clock time; writing the package
ourselves, with a fixed timestamp and a fixed entry order, makes rebuilds byte-identical (which --check
and CI caches rely on) and compresses each part once.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from functools import lru_cache
from typing import Any, Literal

from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with _Zip(out, "w", compression=method) as target:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            deflated = method == zipfile.ZIP_DEFLATED
            target.ready = _deflated(blob, _level(name)) if deflated and _shared(name, blob) else None
            target.writestr(info, blob, compresslevel=_level(name) if deflated else None)
    return out.getvalue()


# An embedded font shared by documents (the subset of every Latin text, ``fonts.COMMON``) is the same part
# in each: deflated once. A font subset to one document's own characters (a Chinese edition's, hundreds of
# kilobytes) is met once: it is deflated as it is written, and not kept.
_SHARED_FONT = 128 * 1024


def _shared(name: str, blob: bytes) -> bool:
    return name.endswith(".odttf") and len(blob) <= _SHARED_FONT


@lru_cache(maxsize=16)
def _deflated(blob: bytes, level: int) -> bytes:
    """``blob`` deflated as zipfile deflates an entry at ``level`` (raw deflate, no header)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(blob) + packer.flush()


class _Zip(zipfile.ZipFile):
    """A ZipFile that writes the entry being written with ``ready``, its deflated bytes made already,
    instead of deflating it again; everything else (headers, CRC, sizes) is zipfile's own."""

    ready: bytes | None = None

    def open(self, name: Any, mode: Literal["r", "w"] = "r", pwd: bytes | None = None, *,
             force_zip64: bool = False) -> Any:
        handle: Any = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode == "w" and self.ready is not None and getattr(handle, "_compressor", None) is not None:
            handle._compressor = _Ready(self.ready)  # where zipfile keeps its deflater (else: deflated as ever)
        return handle


class _Ready:
    """A deflater whose output is known: all of it for the first piece, nothing after."""

    def __init__(self, deflated: bytes) -> None:
        self.deflated = deflated

    def compress(self, data: bytes) -> bytes:
        out, self.deflated = self.deflated, b""
        return out

    def flush(self) -> bytes:
        return b""


def _level(name: str) -> int:
    # Embedded fonts are most of a package's bytes and shrink little more at level 6 than at level 1,
    # which takes a third of the time (the XML parts, small and very repetitive, keep level 6).
    return 1 if name.endswith(".odttf") else 6


def stored_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A package of ``entries`` in this order, not compressed (for packages read again at once, like a
    prepared reference document that every output is opened from)."""
    return _zip(entries, zipfile.ZIP_STORED)


def package_bytes(document: Any) -> bytes:
    """Serialise a python-docx document: content types and package relationships first (as Word
    writes them), then every part in python-docx's stable traversal order."""
    package = document.part.package
    parts = list(package.iter_parts())
    entries = [(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob),  # type: ignore[no-untyped-call]
               (PACKAGE_URI.rels_uri.membername, package.rels.xml)]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, part.rels.xml))
    return _zip(entries)


def repack(data: bytes) -> bytes:
    """Return ``data`` (any .docx) with fixed entry timestamps and a sorted entry order."""
    first = (CONTENT_TYPES_URI.membername, PACKAGE_URI.rels_uri.membername)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        ordered = [n for n in first if n in names] + sorted(n for n in names if n not in first)
        return _zip([(name, source.read(name)) for name in ordered])
