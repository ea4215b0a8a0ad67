"""Reproducible .docx packages: the same parts always give the same bytes.

Part of write (DOCX). python-docx stamps zip entries with the wall-clock time; writing the package
ourselves, with a fixed timestamp and a fixed entry order, makes rebuilds byte-identical (which --check
and CI caches rely on) and compresses each part once. The headers are written here, as zipfile writes
them (tests/writers/test_docx_package.py compares the two byte for byte).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem
from lxml import etree

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
_DOS_TIME, _DOS_DATE = 0, (1980 - 1980) << 9 | 1 << 5 | 1  # _FIXED_TIME as a zip header spells it
_SYSTEM = zipfile.ZipInfo().create_system  # "made on": 3 (Unix) or 0 (Windows), as zipfile says
_VERSION = 20  # zipfile's version made by and needed to extract (deflate, no zip64)
_LOCAL, _CENTRAL, _END = "<4s2B4HL2L2H", "<4s4B4HL2L5H2L", "<4s4H2LH"  # zipfile's header layouts
_SMALL = (1 << 31) - 1  # past this (zipfile's ZIP64_LIMIT) a package is left to zipfile itself


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED,
         prepared: Mapping[str, bytes] | None = None) -> bytes:
    """The package of ``entries``, byte for byte what zipfile writes for them (each entry's ZipInfo with
    ``_FIXED_TIME``, mode 0644, deflated at ``_level``), but written directly: zipfile's per-entry
    machinery (a deflater made and thrown away, the header written and then rewritten in place) cost as
    much as the deflating. ``prepared`` are the parts of the prepared package a document is opened from:
    an entry that is still that part's bytes (the theme, most often the styles) is deflated once per
    process, as a shared font is."""
    if len(entries) >= 0xFFFF or sum(len(blob) for _, blob in entries) * 1.05 > _SMALL:
        return _zipfile(entries, method)
    pieces: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, blob in entries:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800  # as zipfile marks a UTF-8 name
        if method == zipfile.ZIP_DEFLATED:
            level = _level(name)
            kept = _shared(name, blob) or (prepared is not None and prepared.get(name) == blob)
            data = _deflated(blob, level) if kept else _deflate(blob, level)
        else:
            data = blob
        crc = zlib.crc32(blob)
        local = struct.pack(_LOCAL, b"PK\x03\x04", _VERSION, 0, flags, method, _DOS_TIME, _DOS_DATE, crc,
                            len(data), len(blob), len(encoded), 0)
        pieces += (local, encoded, data)
        central.append(struct.pack(_CENTRAL, b"PK\x01\x02", _VERSION, _SYSTEM, _VERSION, 0, flags, method,
                                   _DOS_TIME, _DOS_DATE, crc, len(data), len(blob), len(encoded), 0, 0, 0, 0,
                                   0o644 << 16, offset) + encoded)
        offset += len(local) + len(encoded) + len(data)
    directory = b"".join(central)
    end = struct.pack(_END, b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join(pieces) + directory + end


def _zipfile(entries: list[tuple[str, bytes]], method: int) -> bytes:
    """What ``_zip`` writes, by zipfile itself: for a package too big for the plain headers (zip64)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as target:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            target.writestr(info, blob, compresslevel=_level(name) if method == zipfile.ZIP_DEFLATED else None)
    return out.getvalue()


def _deflate(blob: bytes, level: int) -> bytes:
    """``blob`` deflated as zipfile deflates an entry at ``level`` (raw deflate, no header)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(blob) + packer.flush()


# An embedded font shared by documents (the subset of every Latin text, ``fonts.COMMON``) is the same part
# in each: deflated once. A font subset to one document's own characters (a Chinese edition's, hundreds of
# kilobytes) is met once: it is deflated as it is written, and not kept.
_SHARED_FONT = 128 * 1024


def _shared(name: str, blob: bytes) -> bool:
    return name.endswith(".odttf") and len(blob) <= _SHARED_FONT


@lru_cache(maxsize=32)
def _deflated(blob: bytes, level: int) -> bytes:
    """``_deflate``, kept: for the parts many documents share (fonts, the prepared package's parts)."""
    return _deflate(blob, level)


def _level(name: str) -> int:
    # Embedded fonts are most of a package's bytes and shrink little more at level 6 than at level 1,
    # which takes a third of the time (the XML parts, small and very repetitive, keep level 6).
    return 1 if name.endswith(".odttf") else 6


def stored_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A package of ``entries`` in this order, not compressed (for packages read again at once, like a
    prepared reference document that every output is opened from)."""
    return _zip(entries, zipfile.ZIP_STORED)


def package_bytes(document: Any, prepared: Mapping[str, bytes] | None = None) -> bytes:
    """Serialise a python-docx document: content types and package relationships first (as Word
    writes them), then every part in python-docx's stable traversal order. ``prepared``: the parts (by
    member name) of the package the document was opened from (see ``_zip``)."""
    package = document.part.package
    parts = list(package.iter_parts())
    entries = [(CONTENT_TYPES_URI.membername, _content_types(parts)), (PACKAGE_URI.rels_uri.membername,
                                                                       _rels_xml(package.rels))]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, _rels_xml(part.rels)))
    return _zip(entries, prepared=prepared)


# [Content_Types].xml and the .rels parts as python-docx writes them (_ContentTypesItem.blob and
# Relationships.xml, the same bytes), each element made here: python-docx parses a little XML text for
# every element of them.
_TYPES, _RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/content-types", \
    "http://schemas.openxmlformats.org/package/2006/relationships"


def _content_types(parts: list[Any]) -> bytes:
    item = _ContentTypesItem.from_parts(parts)  # type: ignore[no-untyped-call]  # which parts get a Default
    root = etree.Element(f"{{{_TYPES}}}Types", nsmap={None: _TYPES})
    for ext in sorted(item._defaults.keys()):
        etree.SubElement(root, f"{{{_TYPES}}}Default", {"Extension": ext, "ContentType": item._defaults[ext]})
    for partname in sorted(item._overrides.keys()):
        etree.SubElement(root, f"{{{_TYPES}}}Override",
                         {"PartName": partname, "ContentType": item._overrides[partname]})
    return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))


def _rels_xml(rels: Any) -> bytes:
    root = etree.Element(f"{{{_RELATIONSHIPS}}}Relationships", nsmap={None: _RELATIONSHIPS})
    for rel in rels.values():
        attributes = {"Id": rel.rId, "Type": rel.reltype, "Target": rel.target_ref}
        if rel.is_external:
            attributes["TargetMode"] = "External"
        etree.SubElement(root, f"{{{_RELATIONSHIPS}}}Relationship", attributes)
    return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))


def repack(data: bytes) -> bytes:
    """Return ``data`` (any .docx) with fixed entry timestamps and a sorted entry order."""
    first = (CONTENT_TYPES_URI.membername, PACKAGE_URI.rels_uri.membername)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        ordered = [n for n in first if n in names] + sorted(n for n in names if n not in first)
        return _zip([(name, source.read(name)) for name in ordered])
