"""Reading a reference document's zip package, bounded, before anything else looks at it.

Part of write (DOCX), the first step of preparing a reference document (docx_reference): the file is
read only if it is a regular file of at most ``MAX_FILE_BYTES``; every zip entry's unpacked size
(``MAX_PART_BYTES`` each, ``MAX_XML_BYTES`` for an XML part, ``MAX_TOTAL_BYTES`` in all), its compression
ratio and the number of entries are checked before anything is inflated; parts are read in chunks
through a reader that stops at the limit whatever the archive claims; XML parts are parsed without a DTD,
entities or network. Every failure is one ``RenderError`` naming the file and the part.
"""

from __future__ import annotations

import io
import os
import posixpath
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree  # no stubs installed (ignored in pyproject): used as Any

from reports.errors import Problem, RenderError

MiB = 1024 * 1024
MAX_FILE_BYTES = 50 * MiB  # the .docx itself
MAX_PART_BYTES = 50 * MiB  # one part, unpacked
MAX_XML_BYTES = 10 * MiB  # one XML part: its parsed tree takes several times its size in memory
MAX_TOTAL_BYTES = 100 * MiB  # all parts, unpacked
MAX_RATIO = 100  # unpacked : packed, for parts over RATIO_FROM_BYTES (real XML stays far below)
RATIO_FROM_BYTES = 1 * MiB
MAX_PARTS = 10_000

# The OOXML namespaces the preparation of a reference reads and writes.
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/"

_FOLDER = "is a folder, not a Word document (.docx)"
_DOCTYPE = "has a DOCTYPE or entity declaration, which Word documents never contain; refused"


def w(name: str) -> str:
    """The qualified name of WordprocessingML element or attribute ``name``."""
    return f"{{{W}}}{name}"


def fail(name: str, message: str, part: str | None = None) -> RenderError:
    """The one message for a reference document that cannot be used: the file, the part, what is wrong."""
    return RenderError("", [Problem(file=name, field=part, message=message)])


def _unreadable(name: str, exc: OSError) -> RenderError:
    return fail(name, f"cannot read the reference document: {exc.strerror or exc}")


def read_file(path: Path, name: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; a FIFO or device is never opened blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise fail(name, "reference document not found") from None
    except IsADirectoryError:
        raise fail(name, _FOLDER) from None
    except OSError as exc:
        raise _unreadable(name, exc) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise fail(name, _FOLDER)
        raise fail(name, "is not a regular file (a device, pipe or socket); give a Word document (.docx)")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise _unreadable(name, exc) from None
    if len(data) > MAX_FILE_BYTES:
        raise fail(name, f"is larger than the limit of {MAX_FILE_BYTES:,} bytes for a reference document")
    return data


class Archive:
    """A zip package whose entries were checked against the limits before any was inflated."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise fail(name, "not a Word document (.docx): an old binary .doc or a password-protected file; "
                             "save it from Word as a Word Document (.docx) without a password")
        if data.count(b"PK\x01\x02") > MAX_PARTS:  # central directory entries, counted before parsing them
            raise fail(name, f"holds more than {MAX_PARTS:,} parts; not a plausible reference document")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            raise fail(name, "not a Word document (.docx): not a zip package") from None
        self.parts: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in self.zip.infolist():
            if info.is_dir():
                continue
            part = info.filename.lstrip("/")
            if info.file_size > MAX_PART_BYTES:
                raise fail(name, f"unpacks to {info.file_size:,} bytes, over the limit of {MAX_PART_BYTES:,} "
                                 "bytes for one part", part)
            if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise fail(name, f"compressed more than {MAX_RATIO}:1 ({info.compress_size:,} bytes unpack "
                                 f"to {info.file_size:,}), as only a zip bomb is; refused", part)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise fail(name, f"unpacks to more than {MAX_TOTAL_BYTES:,} bytes in all; refused")
            self.parts.setdefault(part.lower(), info)  # part names are case-insensitive in a package

    def has(self, part: str) -> bool:
        return part.lower() in self.parts

    def names(self) -> list[str]:
        return [info.filename for info in self.parts.values()]

    def read(self, part: str, limit: int | None = None) -> bytes:
        """The unpacked bytes of ``part``, read in chunks and never past ``limit`` (default: the part
        limit), whatever size the archive states."""
        limit = MAX_PART_BYTES if limit is None else limit
        info = self.parts[part.lower()]
        if info.file_size > limit:
            raise self.too_large(part, info.file_size, limit)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(MiB):
                    size += len(chunk)
                    if size > limit:  # the archive understated the size
                        raise self.too_large(part, size, limit)
                    chunks.append(chunk)
        except RenderError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
            raise fail(self.name, f"damaged in the zip package ({exc})", part) from None
        except NotImplementedError as exc:
            raise fail(self.name, f"packed in a way that cannot be read ({exc})", part) from None
        except RuntimeError as exc:  # zipfile's "password required" for an encrypted entry
            raise fail(self.name, f"cannot be read: {exc}", part) from None
        return b"".join(chunks)

    def too_large(self, part: str, size: int, limit: int) -> RenderError:
        what = "XML part" if limit == MAX_XML_BYTES else "part"
        return fail(self.name, f"unpacks to more than {limit:,} bytes, the limit for one {what}; use a "
                               "shorter document or an empty template as the reference", part)

    def xml(self, part: str, root_tag: str | None = None) -> Any:
        """``part`` parsed as XML: no DTD, no entities, no network; its root checked when given."""
        return parse_part(self.read(part, MAX_XML_BYTES), self.name, part, root_tag)


def parse_part(data: bytes, name: str, part: str, root_tag: str | None = None) -> Any:
    """Parse one XML part of a package safely; any problem is one message naming ``name`` and ``part``."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise fail(name, _DOCTYPE, part)
    try:
        # A parser per call: lxml's parsers must not be shared between threads.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                                 huge_tree=False)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        reason = str(exc.msg or "").split(", line ")[0]
        if "Excessive depth" in reason:  # libxml2's wording names its own option
            reason = "nested more than 256 levels deep"
        raise fail(name, f"not well-formed XML (line {exc.lineno}: {reason})", part) from None
    if root.getroottree().docinfo.doctype:  # a declaration in another encoding than the check above saw
        raise fail(name, _DOCTYPE, part)
    if root_tag is not None and root.tag != root_tag:
        raise fail(name, f"expected a <{_short(root_tag)}> element at the top, found <{_short(root.tag)}>", part)
    return root


def _short(tag: object) -> str:
    text = str(tag)
    for prefix, uri in (("w", W), ("a", A)):
        text = text.replace(f"{{{uri}}}", f"{prefix}:")
    return text


# --------------------------------------------------------------------------- relationships


@dataclass
class Rel:
    """One relationship of a part, its target resolved to a part name unless it is external."""

    id: str
    kind: str  # the short type: "styles", "image", "hyperlink", "attachedTemplate" ...
    target: str  # the part name inside the package, or the external address
    external: bool


def rels_name(part: str) -> str:
    """The name of the relationships part of ``part`` ("" is the package itself)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def rels(archive: Archive, part: str) -> list[Rel]:
    """The relationships of ``part`` ("": the package's), none when it has no relationships part."""
    name = rels_name(part)
    if not archive.has(name):
        return []
    root = archive.xml(name, f"{{{PR}}}Relationships")
    out = []
    for element in root.iter(f"{{{PR}}}Relationship"):
        rel_type, target = element.get("Type", ""), element.get("Target", "")
        if rel_type.startswith(_STRICT):
            raise fail(archive.name, "saved as Strict Open XML, which cannot be read here; save it from Word "
                                     "as an ordinary Word Document (.docx)", name)
        external = element.get("TargetMode", "") == "External"
        if not external:
            base = "" if target.startswith("/") else posixpath.dirname(part)
            target = posixpath.normpath(posixpath.join(base, unquote(target).lstrip("/")))
        out.append(Rel(element.get("Id", ""), rel_type.rsplit("/", 1)[-1], target, external))
    return out
