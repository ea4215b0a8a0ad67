"""Reference documents made safe, bounded and complete before the DOCX writer builds on them.

Part of write (DOCX). A reference .docx (``--reference-docx``, or the built-in templates/reference.docx)
gives the output its styles, theme, fonts, numbering, settings, page set-up and headers and footers,
never its content. A reference is a file from somewhere else, so before python-docx sees it:

- **Bounded.** The file is read only if it is a regular file of at most ``MAX_FILE_BYTES``; every zip
  entry's unpacked size (``MAX_PART_BYTES`` each, ``MAX_XML_BYTES`` for an XML part, ``MAX_TOTAL_BYTES``
  in all) and compression ratio are checked before anything is inflated, and parts are read through a
  reader that stops at the limit whatever the archive claims.
- **Harmless.** A new package is assembled from the parts the writer needs and nothing else; XML parts
  with a DOCTYPE or entity declaration are refused; every relationship is dropped except internal
  images (and fonts in the fonts table) and web links in headers and footers; macros, the attached
  template, mail-merge sources, custom XML, OLE objects, ActiveX controls, sub-documents, linked
  pictures and fields that load other files (INCLUDETEXT ...) are removed. What was removed of that
  kind is reported as one warning. Parts that are merely not needed (web settings, thumbnails, the
  glossary of a template, document properties) are left out without a word.
- **Complete.** A template (.dotx) or macro-enabled file (.docm/.dotm) becomes an ordinary document;
  a numbering part is added when missing; every style the writer names (``WRITER_STYLES``) that the
  reference lacks is copied from the built-in reference, in the reference's own fonts, with its list
  numbering, so nothing falls back to plain borders.

Every failure is one ``RenderError`` naming the file and the part (``corporate.docx: word/styles.xml:
not well-formed XML (line 3: ...)``). Each reference is prepared once per process (``check_reference``
and ``reference_package`` share the result), so a build of many documents pays for it once.
"""

from __future__ import annotations

import copy
import io
import os
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed; used as Any

from reports.errors import Problem, RenderError
from reports.paths import builtin_templates_dir

MiB = 1024 * 1024
MAX_FILE_BYTES = 50 * MiB  # the .docx itself
MAX_PART_BYTES = 50 * MiB  # one part, unpacked
MAX_XML_BYTES = 10 * MiB  # one XML part: its parsed tree takes several times its size in memory
MAX_TOTAL_BYTES = 100 * MiB  # all parts, unpacked
MAX_RATIO = 100  # unpacked : packed, for parts over RATIO_FROM_BYTES (real XML stays far below)
RATIO_FROM_BYTES = 1 * MiB
MAX_PARTS = 10_000

# The styles the DOCX writer names. A reference that lacks one gets it from the built-in reference;
# a new style in the writer belongs here too (a test checks every style an output uses is listed).
WRITER_STYLES: tuple[str, ...] = (
    "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Bullet 2",
    "List Number", "List Number 2", "Quote", "Attribution", "Caption", "Header", "Footer", "Strong",
    "Emphasis", "Code", "Hyperlink", "Kicker", "Byline", "Memo Title", "Rule", "Title Rule", "Table Text",
    "Field Value", "Report Table", "Key Facts", "Memo Header", "Table Grid",
)
# The built-in reference's fonts: a copied style that names one of them takes the reference's instead.
OUR_BODY_FONT, OUR_HEADING_FONT = "Source Serif Pro", "Source Sans Pro"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_VML = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
        "urn:schemas-microsoft-com:office:word")
_BIBLIOGRAPHY = "{http://schemas.openxmlformats.org/officeDocument/2006/bibliography}Sources"
_STRICT = "http://purl.oclc.org/ooxml/"
_RT = _R + "/"  # relationship types are this plus a short name
_PKG_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
DOCUMENT_MAIN = _WML + "document.main+xml"
WORD_MAIN_TYPES = {
    DOCUMENT_MAIN: "",
    _WML + "template.main+xml": "template",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "macro-enabled",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "macro-enabled template",
}
# What the new package keeps from the main document: relationship type -> (canonical part, content type,
# root element). Headers and footers are numbered; the rest are single.
_KEPT: dict[str, tuple[str, str, str]] = {
    "styles": ("word/styles.xml", _WML + "styles+xml", f"{{{_W}}}styles"),
    "numbering": ("word/numbering.xml", _WML + "numbering+xml", f"{{{_W}}}numbering"),
    "settings": ("word/settings.xml", _WML + "settings+xml", f"{{{_W}}}settings"),
    "fontTable": ("word/fontTable.xml", _WML + "fontTable+xml", f"{{{_W}}}fonts"),
    "theme": ("word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml",
              f"{{{_A}}}theme"),
    "footnotes": ("word/footnotes.xml", _WML + "footnotes+xml", f"{{{_W}}}footnotes"),
    "endnotes": ("word/endnotes.xml", _WML + "endnotes+xml", f"{{{_W}}}endnotes"),
    "header": ("word/header{n}.xml", _WML + "header+xml", f"{{{_W}}}hdr"),
    "footer": ("word/footer{n}.xml", _WML + "footer+xml", f"{{{_W}}}ftr"),
}
# Relationships a kept part may have of its own (all internal, except web links where allowed).
_STORY_RELS = {"image", "hyperlink"}
_PART_RELS: dict[str, set[str]] = {"header": _STORY_RELS, "footer": _STORY_RELS, "footnotes": _STORY_RELS,
                                   "endnotes": _STORY_RELS, "numbering": {"image"}, "theme": {"image"},
                                   "fontTable": {"font"}}
_WEB_SCHEMES = ("http://", "https://", "mailto:")
_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
                "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "emf": "image/x-emf",
                "wmf": "image/x-wmf"}
_FONT_TYPES = {"odttf": "application/vnd.openxmlformats-officedocument.obfuscatedFont"}
# Field instructions that make Word load another file or talk to another program when it updates fields.
_LOADING_FIELD = re.compile(r"^\s*(INCLUDETEXT|INCLUDEPICTURE|INCLUDE|LINK|DDE|DDEAUTO|IMPORT|DATABASE)\b",
                            re.IGNORECASE)
# Elements that run or embed something from outside: removed from every kept part.
_ACTIVE = {f"{{{_W}}}{name}" for name in ("object", "control", "altChunk", "subDoc")}
# Settings that point outside the document or pull styles from elsewhere.
_OUTWARD_SETTINGS = {f"{{{_W}}}{name}": label for name, label in (
    ("attachedTemplate", "the attached template"), ("mailMerge", "a mail-merge data source"),
    ("linkStyles", ""), ("saveThroughXslt", ""), ("attachedSchema", ""))}
# Containers removed with an element that points at a dropped relationship (a picture goes whole).
_CONTAINERS = {f"{{{_W}}}drawing", f"{{{_W}}}pict", f"{{{_W}}}object", f"{{{_W}}}control"}


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


# --------------------------------------------------------------------------- results and the cache


@dataclass(frozen=True)
class Reference:
    """A prepared reference: a clean package (entries stored, not compressed, for fast opening) and
    what was removed from it on the way, as warnings."""

    data: bytes
    warnings: tuple[Problem, ...] = ()


_CACHE: dict[tuple[object, ...], Reference | RenderError] = {}
_CACHE_SIZE = 8


def load_reference(path: Path | None) -> Reference:
    """The prepared reference for ``path`` (None: the built-in one), made once per process per file.

    Raises ``RenderError`` (one message naming the file and the part) when the file cannot be used.
    """
    source = builtin_templates_dir() / "reference.docx" if path is None else Path(path)
    name = str(source)
    try:
        info = os.stat(source)
        key: tuple[object, ...] = (name, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        key = (name,)  # not cached below: the error is re-read each time, as the file may appear
    cached = _CACHE.get(key)
    if cached is None:
        try:
            cached = _prepare(_read_file(source, name), name)
        except RenderError as exc:
            cached = exc
        if len(key) > 1:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = cached
    if isinstance(cached, RenderError):
        raise RenderError(cached.message, cached.problems)
    return cached


def check_reference(path: Path | None) -> list[Problem]:
    """The warnings for reference ``path`` (what was removed from it); raises ``RenderError`` when it
    cannot be used. Cheap after the first call: the pipeline calls it once per document."""
    return list(load_reference(path).warnings)


def reference_package(path: Path | None) -> bytes:
    """The clean package the DOCX writer opens for reference ``path`` (None: the built-in one)."""
    return load_reference(path).data


# --------------------------------------------------------------------------- reading, bounded


def _fail(name: str, message: str, part: str | None = None) -> RenderError:
    return RenderError("", [Problem(file=name, field=part, message=message)])


def _read_file(path: Path, name: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; a FIFO or device is never opened blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise _fail(name, "reference document not found") from None
    except IsADirectoryError:
        raise _fail(name, "is a folder, not a Word document (.docx)") from None
    except OSError as exc:
        raise _fail(name, f"cannot read the reference document: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise _fail(name, "is a folder, not a Word document (.docx)")
        raise _fail(name, "is not a regular file (a device, pipe or socket); give a Word document (.docx)")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise _fail(name, f"cannot read the reference document: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _fail(name, f"is larger than the limit of {MAX_FILE_BYTES:,} bytes for a reference document")
    return data


class _Archive:
    """A zip package whose entries were checked against the limits before any was inflated."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise _fail(name, "not a Word document (.docx): an old binary .doc or a password-protected file; "
                              "save it from Word as a Word Document (.docx) without a password")
        if data.count(b"PK\x01\x02") > MAX_PARTS:  # central directory entries, counted before parsing them
            raise _fail(name, f"holds more than {MAX_PARTS:,} parts; not a plausible reference document")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            raise _fail(name, "not a Word document (.docx): not a zip package") from None
        self.parts: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in self.zip.infolist():
            if info.is_dir():
                continue
            part = info.filename.lstrip("/")
            if info.file_size > MAX_PART_BYTES:
                raise _fail(name, f"unpacks to {info.file_size:,} bytes, over the limit of {MAX_PART_BYTES:,} "
                                  "bytes for one part", part)
            if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _fail(name, f"compressed more than {MAX_RATIO}:1 ({info.compress_size:,} bytes unpack "
                                  f"to {info.file_size:,}), as only a zip bomb is; refused", part)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise _fail(name, f"unpacks to more than {MAX_TOTAL_BYTES:,} bytes in all; refused")
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
            raise _fail(self.name, f"damaged in the zip package ({exc})", part) from None
        except NotImplementedError as exc:
            raise _fail(self.name, f"packed in a way that cannot be read ({exc})", part) from None
        except RuntimeError as exc:  # zipfile's "password required" for an encrypted entry
            raise _fail(self.name, f"cannot be read: {exc}", part) from None
        return b"".join(chunks)

    def too_large(self, part: str, size: int, limit: int) -> RenderError:
        what = "XML part" if limit == MAX_XML_BYTES else "part"
        return _fail(self.name, f"unpacks to more than {limit:,} bytes, the limit for one {what}; use a "
                                "shorter document or an empty template as the reference", part)

    def xml(self, part: str, root_tag: str | None = None) -> Any:
        """``part`` parsed as XML: no DTD, no entities, no network; its root checked when given."""
        return parse_part(self.read(part, MAX_XML_BYTES), self.name, part, root_tag)


def parse_part(data: bytes, name: str, part: str, root_tag: str | None = None) -> Any:
    """Parse one XML part of a package safely; any problem is one message naming ``name`` and ``part``."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _fail(name, "has a DOCTYPE or entity declaration, which Word documents never contain; refused",
                    part)
    try:
        # A parser per call: lxml's parsers must not be shared between threads.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                                 huge_tree=False)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        reason = str(exc.msg or "").split(", line ")[0]
        if "Excessive depth" in reason:  # libxml2's wording names its own option
            reason = "nested more than 256 levels deep"
        raise _fail(name, f"not well-formed XML (line {exc.lineno}: {reason})", part) from None
    if root.getroottree().docinfo.doctype:  # a declaration in another encoding than the check above saw
        raise _fail(name, "has a DOCTYPE or entity declaration, which Word documents never contain; refused",
                    part)
    if root_tag is not None and root.tag != root_tag:
        raise _fail(name, f"expected a <{_short(root_tag)}> element at the top, found <{_short(root.tag)}>", part)
    return root


def _short(tag: object) -> str:
    text = str(tag)
    for prefix, uri in (("w", _W), ("a", _A)):
        text = text.replace(f"{{{uri}}}", f"{prefix}:")
    return text


# --------------------------------------------------------------------------- relationships


@dataclass
class _Rel:
    id: str
    kind: str  # the short type: "styles", "image", "hyperlink", "attachedTemplate" ...
    target: str  # the part name inside the package, or the external address
    external: bool


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _rels(archive: _Archive, part: str) -> list[_Rel]:
    name = _rels_name(part)
    if not archive.has(name):
        return []
    root = archive.xml(name, f"{{{_PR}}}Relationships")
    out = []
    for element in root.iter(f"{{{_PR}}}Relationship"):
        rel_type, target = element.get("Type", ""), element.get("Target", "")
        if rel_type.startswith(_STRICT):
            raise _fail(archive.name, "saved as Strict Open XML, which cannot be read here; save it from Word "
                                      "as an ordinary Word Document (.docx)", name)
        external = element.get("TargetMode", "") == "External"
        if not external:
            base = "" if target.startswith("/") else posixpath.dirname(part)
            target = posixpath.normpath(posixpath.join(base, unquote(target).lstrip("/")))
        out.append(_Rel(element.get("Id", ""), rel_type.rsplit("/", 1)[-1], target, external))
    return out


@dataclass
class _Report:
    """What was removed that a reader should know about, counted by kind."""

    items: dict[str, list[str]] = field(default_factory=dict)

    def add(self, what: str, detail: str = "") -> None:
        self.items.setdefault(what, [])
        if detail:
            self.items[what].append(detail)

    def warnings(self, name: str) -> tuple[Problem, ...]:
        if not self.items:
            return ()
        parts = []
        for what, details in self.items.items():
            shown = sorted(set(details))
            if shown:
                more = f" and {len(shown) - 2} more" if len(shown) > 2 else ""
                what += f" ({', '.join(_quote(d) for d in shown[:2])}{more})"
            parts.append(what)
        return (Problem(file=name, message="removed from the reference document, so that nothing in it reaches "
                                           "the output: " + "; ".join(parts)),)


def _quote(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _classify_dropped(rel: _Rel, report: _Report) -> None:
    """Report a dropped relationship a reader should hear about; body content goes without a word."""
    if rel.kind == "attachedTemplate":
        report.add("the attached template", rel.target)
    elif rel.kind in ("vbaProject", "wordVbaData", "keyMapCustomizations"):
        report.add("macros")
    elif rel.kind in ("oleObject", "package", "control", "activeXControlBinary"):
        report.add("embedded objects (OLE, ActiveX)")
    elif rel.kind == "customXml" and not rel.target.lower().startswith("customxml/item"):
        report.add("custom XML data")  # items themselves are judged by their content (see _prepare)
    elif rel.kind in ("mailMergeSource", "mailMergeHeaderSource", "recipientData"):
        report.add("a mail-merge data source", rel.target if rel.external else "")
    elif rel.external and rel.kind != "hyperlink":
        report.add("external links", rel.target)


# --------------------------------------------------------------------------- cleaning XML parts


def _clean_story(root: Any, kept: set[str], report: _Report) -> None:
    """Remove from a kept part everything active or pointing outside: OLE objects, ActiveX controls,
    sub-documents, fields that load files, VML addresses, data bindings, and every reference to a
    relationship that was not kept (a picture goes whole; a link keeps its text)."""
    for element in _suspects(root):
        if _detached(element, root):
            continue  # went with a removed ancestor
        if element.tag in _ACTIVE:
            report.add("embedded objects (OLE, ActiveX)")
            _remove(element)
            continue
        if element.tag == _w("dataBinding"):  # bound to custom XML, which is not kept
            _remove(element)
            continue
        if element.tag == _w("fldSimple"):
            instruction = element.get(_w("instr"), "")
            if _LOADING_FIELD.match(instruction):
                report.add("fields that load other files", instruction.split()[0].upper())
                _unwrap(element)
            continue
        namespace = etree.QName(element).namespace
        for attr in list(element.attrib):
            local = etree.QName(attr).localname
            if namespace in _VML and local.lower() in ("src", "href", "althref"):
                del element.attrib[attr]  # VML can name a picture by address, outside any relationship
            elif attr.startswith(f"{{{_R}}}") and element.get(attr) not in kept:
                if element.tag == _w("hyperlink") or local == "link":
                    del element.attrib[attr]  # the link's text stays; a linked picture keeps its copy
                elif etree.QName(element).localname.startswith("hlink"):
                    _remove(element)  # a picture's click-through link goes, the picture stays
                    break
                else:
                    _remove(_container(element, root))
                    break
    _clean_fields(root, report)


_SUSPECT_TAGS = {*_ACTIVE, _w("dataBinding"), _w("fldSimple")}
_VML_PREFIXES = tuple(f"{{{uri}}}" for uri in _VML)
_URL_ATTRS = {"src", "href", "althref"}


def _suspects(root: Any) -> list[Any]:
    """The elements of ``root`` that may need cleaning, in document order, in one pass."""
    r_prefix = f"{{{_R}}}"
    found = []
    for element in root.iter(etree.Element):  # elements only: no comments or processing instructions
        tag = element.tag
        if tag in _SUSPECT_TAGS:
            found.append(element)
            continue
        keys = element.keys()
        if keys and any(k.startswith(r_prefix) or (tag.startswith(_VML_PREFIXES)
                                                    and k.rsplit("}", 1)[-1].lower() in _URL_ATTRS) for k in keys):
            found.append(element)
    return found


def _clean_fields(root: Any, report: _Report) -> None:
    # A complex field's instruction may be split over several runs: gather it between begin and
    # separate (or end), nested fields on a stack, and blank the instruction of a field that loads files.
    stack: list[list[Any]] = []
    for element in root.iter(_w("fldChar"), _w("instrText")):
        if element.tag == _w("instrText"):
            if stack:
                stack[-1].append(element)
            continue
        kind = element.get(_w("fldCharType"))
        if kind == "begin":
            stack.append([])
        elif kind == "end" and stack:
            pieces = stack.pop()
            instruction = "".join(p.text or "" for p in pieces)
            if _LOADING_FIELD.match(instruction):
                report.add("fields that load other files", instruction.split()[0].upper())
                for piece in pieces:
                    piece.text = ""


def _detached(element: Any, root: Any) -> bool:
    while element is not root:
        element = element.getparent()
        if element is None:
            return True
    return False


def _container(element: Any, root: Any) -> Any:
    ancestor = element
    while ancestor is not root:
        if ancestor.tag in _CONTAINERS:
            return ancestor
        if ancestor.tag == f"{{{_A}}}ext":  # an extension (an SVG beside its PNG): only the extension goes
            return ancestor
        ancestor = ancestor.getparent()
    return element


def _remove(element: Any) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _unwrap(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


# --------------------------------------------------------------------------- the new package


@dataclass
class _Package:
    parts: dict[str, bytes] = field(default_factory=dict)  # name -> bytes, in order of addition
    types: dict[str, str] = field(default_factory=dict)  # part name -> content type (overrides)
    defaults: dict[str, str] = field(default_factory=dict)  # extension -> content type
    rels: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)  # part -> (id, type, target, ext)

    def add(self, name: str, data: bytes, content_type: str | None = None) -> None:
        self.parts[name] = data
        if content_type is not None:
            self.types[name] = content_type

    def relate(self, source: str, rel_id: str, kind: str, target: str, external: bool = False) -> None:
        self.rels.setdefault(source, []).append((rel_id, kind, target, external))

    def zip_bytes(self) -> bytes:
        from reports.writers.docx_package import stored_zip

        entries = [("[Content_Types].xml", self._content_types())]
        for source in sorted(self.rels, key=lambda s: (s != "", s)):
            entries.append((_rels_name(source) if source else "_rels/.rels", self._rels_xml(source)))
        entries.extend(self.parts.items())
        return stored_zip(entries)

    def _content_types(self) -> bytes:
        root = etree.Element(f"{{{_CT}}}Types", nsmap={None: _CT})
        defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml",
                    **self.defaults}
        for extension, content_type in sorted(defaults.items()):
            etree.SubElement(root, f"{{{_CT}}}Default", Extension=extension, ContentType=content_type)
        for name, content_type in self.types.items():
            etree.SubElement(root, f"{{{_CT}}}Override", PartName="/" + name, ContentType=content_type)
        return _serialise(root)

    def _rels_xml(self, source: str) -> bytes:
        root = etree.Element(f"{{{_PR}}}Relationships", nsmap={None: _PR})
        folder = posixpath.dirname(source)
        for rel_id, kind, target, external in self.rels[source]:
            attrs = {"Id": rel_id, "Type": kind if "/" in kind else _RT + kind,
                     "Target": target if external else posixpath.relpath(target, folder or ".")}
            if external:
                attrs["TargetMode"] = "External"
            etree.SubElement(root, f"{{{_PR}}}Relationship", attrs)
        return _serialise(root)


def _serialise(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _prepare(data: bytes, name: str) -> Reference:
    """Check, clean and complete one reference document."""
    archive = _Archive(data, name)
    report = _Report()
    main = _main_part(archive)
    if not archive.has("[Content_Types].xml"):
        raise _fail(name, "missing, so this is not a complete Word package; open and save it again in Word",
                    "[Content_Types].xml")
    _check_main_type(archive, main)
    for part in archive.names():
        lower = part.lower()
        if "vbaproject" in lower or "vbadata" in lower:
            report.add("macros")
        elif re.fullmatch(r"customxml/item\d*\.xml", lower) and not _empty_bibliography(archive, part):
            report.add("custom XML data")
        elif "/embeddings/" in lower or "/activex/" in lower:
            report.add("embedded objects (OLE, ActiveX)")
    for rel in _rels(archive, ""):
        if rel.kind != "officeDocument":
            _classify_dropped(rel, report)
    package = _Package()
    document = archive.xml(main, _w("document"))
    body = document.find(_w("body"))
    if body is None:
        raise _fail(name, "has no <w:body>", main)
    section = body[-1] if len(body) and body[-1].tag == _w("sectPr") else None
    referenced = set() if section is None else {
        e.get(f"{{{_R}}}id") for e in section.iter(_w("headerReference"), _w("footerReference"))}
    kept_ids: set[str] = set()
    roots: dict[str, Any] = {}
    counters = {"header": 0, "footer": 0}
    for rel in _rels(archive, main):
        spec = _KEPT.get(rel.kind)
        if spec is None or rel.external or not archive.has(rel.target):
            _classify_dropped(rel, report)
            continue
        if rel.kind in counters:
            if rel.id not in referenced:
                continue  # a header of an earlier section of the reference's content
            counters[rel.kind] += 1
            target = spec[0].format(n=counters[rel.kind])
        elif rel.kind in roots:
            continue  # a second styles part (or settings ...): the first one counts
        else:
            target = spec[0]
        root = archive.xml(rel.target, spec[2])
        roots[rel.kind if rel.kind not in counters else target] = root
        own = _PART_RELS.get(rel.kind, set())
        kept = _copy_part_rels(archive, rel.target, target, own, rel.kind in ("header", "footer", "footnotes",
                                                                               "endnotes"), package, report)
        if rel.kind == "settings":
            for element in list(root):
                label = _OUTWARD_SETTINGS.get(element.tag)
                if label is not None:
                    if label:
                        report.add(label)
                    root.remove(element)
        _clean_story(root, kept, report)
        package.add(target, b"", spec[1])  # bytes filled in below, after styles are completed
        package.relate("word/document.xml", rel.id, rel.kind, target)
        kept_ids.add(rel.id)
    new_document = _new_document(document, section, kept_ids, report)
    _complete(roots, package, name)
    for target, root in _parts_in_order(roots):
        package.parts[target] = _serialise(root)
    package.parts["word/document.xml"] = _serialise(new_document)
    package.types["word/document.xml"] = DOCUMENT_MAIN
    _add_properties(package)
    data = package.zip_bytes()
    _check_opens(data, name)
    return Reference(data=data, warnings=report.warnings(name))


def _empty_bibliography(archive: _Archive, part: str) -> bool:
    # Word puts an empty list of bibliography sources into many documents as custom XML; leaving that
    # out is not worth a warning. Anything else there is data someone put in.
    try:
        root = archive.xml(part)
    except RenderError:
        return False
    return bool(root.tag == _BIBLIOGRAPHY and not len(root))


def _parts_in_order(roots: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, root in roots.items():
        yield (_KEPT[key][0] if key in _KEPT else key), root


def _main_part(archive: _Archive) -> str:
    if archive.has("_rels/.rels"):
        for rel in _rels(archive, ""):
            if rel.kind == "officeDocument" and not rel.external and archive.has(rel.target):
                return rel.target
    if archive.has("word/document.xml"):
        return "word/document.xml"
    raise _fail(archive.name, "not a Word document (.docx): no word/document.xml inside")


def _check_main_type(archive: _Archive, main: str) -> None:
    root = archive.xml("[Content_Types].xml", f"{{{_CT}}}Types")
    for override in root.iter(f"{{{_CT}}}Override"):
        if override.get("PartName", "").lstrip("/").lower() == main.lower():
            content_type = override.get("ContentType", "")
            if content_type not in WORD_MAIN_TYPES:
                raise _fail(archive.name, f"not a Word document: its main part is {_quote(content_type)}",
                            "[Content_Types].xml")


def _copy_part_rels(archive: _Archive, source: str, target: str, allowed: set[str], web_links: bool,
                    package: _Package, report: _Report) -> set[str]:
    """Carry over the relationships a kept part may have (its own pictures and fonts, web links in
    headers and footers); report the rest. Returns the ids kept."""
    kept: set[str] = set()
    for rel in _rels(archive, source):
        if rel.kind not in allowed:
            _classify_dropped(rel, report)
            continue
        if rel.external:
            if rel.kind == "hyperlink" and web_links and rel.target.lower().startswith(_WEB_SCHEMES):
                package.relate(target, rel.id, rel.kind, rel.target, external=True)
                kept.add(rel.id)
            else:
                report.add("external links", rel.target)
            continue
        extension = rel.target.rsplit(".", 1)[-1].lower() if "." in rel.target else ""
        types = _IMAGE_TYPES if rel.kind == "image" else _FONT_TYPES if rel.kind == "font" else {}
        if extension not in types or not archive.has(rel.target):
            continue  # an SVG, a broken link, an odd font: the picture is removed with its reference
        folder = "word/media" if rel.kind == "image" else "word/fonts"
        name = f"{folder}/{rel.kind}{sum(p.startswith(folder) for p in package.parts) + 1}.{extension}"
        package.add(name, archive.read(rel.target))
        package.defaults[extension] = types[extension]
        package.relate(target, rel.id, rel.kind, name)
        kept.add(rel.id)
    return kept


def _new_document(document: Any, section: Any, kept_ids: set[str], report: _Report) -> Any:
    """The reference's document element with nothing in its body but its last section's settings."""
    for child in list(document):
        if child.tag != _w("body"):
            document.remove(child)
    body = document.find(_w("body"))
    for child in list(body):
        body.remove(child)
    ours = _builtin().xml("word/document.xml", _w("document")).find(f"{_w('body')}/{_w('sectPr')}")
    if section is None:
        section = ours
    else:
        _clean_story(section, kept_ids, report)
        _complete_page(section, ours)
    body.append(section)
    return document


# Children of w:sectPr that come before the page size, in the schema's order.
_BEFORE_PAGE = [_w(n) for n in ("headerReference", "footerReference", "footnotePr", "endnotePr", "type")]


def _complete_page(section: Any, ours: Any) -> None:
    """Give a section without a page size or margins (Word then assumes its own) ours, so that the
    writer can always work out the text width."""
    size, margins = section.find(_w("pgSz")), section.find(_w("pgMar"))
    if size is None or size.get(_w("w")) is None or size.get(_w("h")) is None:
        if size is not None:
            section.remove(size)
        size = copy.deepcopy(ours.find(_w("pgSz")))
        before = [child for child in section if child.tag in _BEFORE_PAGE]
        section.insert(section.index(before[-1]) + 1 if before else 0, size)
    if margins is None:
        margins = copy.deepcopy(ours.find(_w("pgMar")))
        size.addnext(margins)
    for side in ("top", "right", "bottom", "left", "header", "footer", "gutter"):
        if margins.get(_w(side)) is None:
            margins.set(_w(side), ours.find(_w("pgMar")).get(_w(side)))


def _add_properties(package: _Package) -> None:
    # Neutral document properties from the built-in reference; the writer sets its own values. The
    # reference's own (company, template path, hyperlink base, custom properties) are not passed on.
    builtin = _builtin()
    package.add("docProps/core.xml", builtin.read("docProps/core.xml"),
                "application/vnd.openxmlformats-package.core-properties+xml")
    package.add("docProps/app.xml", builtin.read("docProps/app.xml"),
                "application/vnd.openxmlformats-officedocument.extended-properties+xml")
    package.relate("", "rId1", "officeDocument", "word/document.xml")
    package.relate("", "rId2", _PKG_CORE, "docProps/core.xml")
    package.relate("", "rId3", "extended-properties", "docProps/app.xml")


def _check_open(data: bytes) -> None:
    from docx import Document as open_docx

    # What the writer reads from every reference, read once here, so that a value python-docx cannot
    # parse fails with the file's name rather than in the middle of a document.
    document = open_docx(io.BytesIO(data))
    section = document.sections[-1]
    for value in (section.page_width, section.page_height, section.left_margin, section.right_margin,
                  section.top_margin, section.bottom_margin, section.header, section.footer):
        if value is None:
            raise ValueError("the page set-up is incomplete")
    document.styles.element  # noqa: B018
    document.part.numbering_part  # noqa: B018


def _check_opens(data: bytes, name: str) -> None:
    try:
        _check_open(data)
    except Exception as exc:  # python-docx raises many kinds for what it cannot read
        raise _fail(name, f"cannot be used as a reference document ({type(exc).__name__}: {exc})") from None


# --------------------------------------------------------------------------- completing styles and lists


_BUILTIN: list[_Archive] = []


def _builtin() -> _Archive:
    """The built-in reference, opened once per process (it is ours, but goes through the same checks)."""
    if not _BUILTIN:
        path = builtin_templates_dir() / "reference.docx"
        _BUILTIN.append(_Archive(_read_file(path, str(path)), str(path)))
    return _BUILTIN[0]


def _complete(roots: dict[str, Any], package: _Package, name: str) -> None:
    """Add what the writer needs and the reference lacks: styles, a numbering part, list numbering."""
    builtin = _builtin()
    ours_styles = builtin.xml("word/styles.xml", _w("styles"))
    ours_numbering = builtin.xml("word/numbering.xml", _w("numbering"))
    if "styles" not in roots:
        _adopt(roots, package, "styles", copy.deepcopy(ours_styles))
    added_numbering = "numbering" not in roots
    if added_numbering:
        _adopt(roots, package, "numbering", copy.deepcopy(ours_numbering))
    _StyleCompleter(roots["styles"], ours_styles, roots["numbering"], ours_numbering,
                    same_numbering=added_numbering).run()


def _adopt(roots: dict[str, Any], package: _Package, kind: str, root: Any) -> None:
    target, content_type, _root = _KEPT[kind]
    roots[kind] = root
    package.add(target, b"", content_type)
    used = {rel[0] for rel in package.rels.get("word/document.xml", [])}
    rel_id = next(f"rIdReports{n}" for n in range(1, 1000) if f"rIdReports{n}" not in used)
    package.relate("word/document.xml", rel_id, kind, target)


def _name_of(style: Any) -> str:
    name = style.find(_w("name"))
    return (name.get(_w("val"), "") if name is not None else "").lower()


class _StyleCompleter:
    """Copies the writer's styles the reference lacks, with what they are based on and their lists."""

    def __init__(self, theirs: Any, ours: Any, their_numbering: Any, our_numbering: Any,
                 same_numbering: bool) -> None:
        self.theirs, self.ours = theirs, ours
        self.their_numbering, self.our_numbering = their_numbering, our_numbering
        self.same_numbering = same_numbering
        self.their_by_name = {_name_of(s): s for s in theirs.iter(_w("style"))}
        self.their_ids = {s.get(_w("styleId")) for s in theirs.iter(_w("style"))}
        self.our_by_id = {s.get(_w("styleId")): s for s in ours.iter(_w("style"))}
        self.our_by_name = {_name_of(s): s for s in ours.iter(_w("style"))}
        self.imported: dict[str, str] = {}  # our numId -> theirs
        self.heading_fonts = self._fonts_of("heading 1")

    def run(self) -> None:
        for name in WRITER_STYLES:
            self.ensure(name.lower())
        for name in ("list bullet", "list bullet 2", "list number", "list number 2"):
            style = self.their_by_name.get(name)
            if style is not None:
                self._repair_list(style)

    def ensure(self, name: str) -> str | None:
        """The reference's style id for ``name``, copying our style (and its base) when it is missing."""
        style = self.their_by_name.get(name)
        if style is not None:
            return str(style.get(_w("styleId")))
        ours = self.our_by_name.get(name)
        if ours is None:
            return None
        style = copy.deepcopy(ours)
        style_id = str(style.get(_w("styleId")))
        while style_id in self.their_ids:  # the id is taken by a style of another name
            style_id += "R"
        style.set(_w("styleId"), style_id)
        self.their_by_name[name] = style
        self.their_ids.add(style_id)
        for link in ("basedOn", "next", "link"):
            element = style.find(_w(link))
            if element is None:
                continue
            linked = self.our_by_id.get(element.get(_w("val")))
            new_id = None
            if linked is not None and link == "basedOn":
                new_id = self.ensure(_name_of(linked))  # what a style is based on comes along
            elif linked is not None and _name_of(linked) in self.their_by_name:
                new_id = str(self.their_by_name[_name_of(linked)].get(_w("styleId")))
            if new_id is None:
                style.remove(element)
            else:
                element.set(_w("val"), new_id)
        self._adapt_fonts(style)
        num_id = style.find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}")
        if num_id is not None:
            num_id.set(_w("val"), self._import_list(str(num_id.get(_w("val")))))
        self.theirs.append(style)
        return style_id

    def _fonts_of(self, name: str) -> dict[str, str]:
        style = self.their_by_name.get(name)
        fonts = style.find(f"{_w('rPr')}/{_w('rFonts')}") if style is not None else None
        if fonts is None:
            return {}
        return {k: v for k, v in fonts.attrib.items() if etree.QName(k).localname != "hint"
                and etree.QName(k).localname not in ("eastAsia", "eastAsiaTheme")}

    def _adapt_fonts(self, style: Any) -> None:
        # Our faces become the reference's: its heading face where we use ours for headings, and its
        # body face (inherited from its defaults) elsewhere. East Asian fonts stay as they are.
        for fonts in style.iter(_w("rFonts")):
            ours = fonts.get(_w("ascii"))
            if ours not in (OUR_BODY_FONT, OUR_HEADING_FONT):
                continue
            for attr in ("ascii", "hAnsi", "cs", "asciiTheme", "hAnsiTheme", "cstheme"):
                fonts.attrib.pop(_w(attr), None)
            if ours == OUR_HEADING_FONT:
                for key, value in self.heading_fonts.items():
                    fonts.set(key, value)

    def _repair_list(self, style: Any) -> None:
        # A list style of the reference that points at numbering the reference does not have would
        # print no numbers: give it ours.
        num_id = style.find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}")
        if num_id is None:
            return
        defined = {n.get(_w("numId")) for n in self.their_numbering.iter(_w("num"))}
        if num_id.get(_w("val")) in defined or num_id.get(_w("val")) == "0":
            return
        ours = self.our_by_name.get(_name_of(style))
        our_num = ours.find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}") if ours is not None else None
        if our_num is not None:
            num_id.set(_w("val"), self._import_list(str(our_num.get(_w("val")))))

    def _import_list(self, our_num_id: str) -> str:
        """Copy our numbering instance ``our_num_id`` (and its abstract definition) into the reference's
        numbering under fresh ids; return its id there."""
        if self.same_numbering:
            return our_num_id
        if our_num_id in self.imported:
            return self.imported[our_num_id]
        num = next((n for n in self.our_numbering.iter(_w("num")) if n.get(_w("numId")) == our_num_id), None)
        if num is None:
            return our_num_id
        abstract_id = num.find(_w("abstractNumId")).get(_w("val"))
        abstract = next(a for a in self.our_numbering.iter(_w("abstractNum"))
                        if a.get(_w("abstractNumId")) == abstract_id)
        theirs = self.their_numbering
        new_abstract = copy.deepcopy(abstract)
        new_abstract.set(_w("abstractNumId"), str(_next_id(theirs, "abstractNum", "abstractNumId")))
        for p_style in new_abstract.iter(_w("pStyle")):
            linked = self.our_by_id.get(p_style.get(_w("val")))
            their = self.their_by_name.get(_name_of(linked)) if linked is not None else None
            if their is None:
                _remove(p_style)
            else:
                p_style.set(_w("val"), their.get(_w("styleId")))
        new_num = copy.deepcopy(num)
        new_num.set(_w("numId"), str(_next_id(theirs, "num", "numId")))
        new_num.find(_w("abstractNumId")).set(_w("val"), new_abstract.get(_w("abstractNumId")))
        abstracts = theirs.findall(_w("abstractNum"))
        if abstracts:
            abstracts[-1].addnext(new_abstract)
        else:
            pictures = theirs.findall(_w("numPicBullet"))
            theirs.insert(theirs.index(pictures[-1]) + 1 if pictures else 0, new_abstract)
        nums = theirs.findall(_w("num"))
        if nums:
            nums[-1].addnext(new_num)
        else:
            new_abstract.addnext(new_num)
        self.imported[our_num_id] = str(new_num.get(_w("numId")))
        return self.imported[our_num_id]


def _next_id(root: Any, tag: str, attr: str) -> int:
    values = [int(v) for e in root.iter(_w(tag)) if (v := e.get(_w(attr), "")).lstrip("-").isdigit()]
    return max(values, default=0) + 1


__all__ = ["MAX_FILE_BYTES", "MAX_PART_BYTES", "MAX_TOTAL_BYTES", "MAX_XML_BYTES", "WRITER_STYLES", "Reference",
           "check_reference", "load_reference", "parse_part", "reference_package"]
