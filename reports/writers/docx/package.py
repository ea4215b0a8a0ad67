"""Reproducible .docx packages: the same parts always give the same bytes.

Part of write (DOCX). python-docx stamps zip entries with the wall-clock time; writing the package
ourselves, with a fixed timestamp and a fixed entry order, makes rebuilds byte-identical (which --check
and CI caches rely on) and compresses each part once.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as target:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            target.writestr(info, blob, compresslevel=_level(name) if method == zipfile.ZIP_DEFLATED else None)
    return out.getvalue()


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
