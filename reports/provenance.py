"""Documents that prove where they came from: the agreement's data file and a build record, carried inside.

Every document ``reports build``, ``diff``, ``pdf`` and ``docx`` make (unless ``--no-embed-source``)
carries two attachments (``reports.writers.options.Attachment``): the data file, its exact bytes, as the
``Source`` of the document, and ``reports-build.json`` as its ``Data``, the build record: what besides the
data decides the document's bytes. The PDF embeds them as PDF/A-3 associated files, the DOCX in a Custom
XML Data part (``reports.writers.docx.attachments``). ``reports extract`` gives the data back and
``reports verify`` (``reports.verify``) rebuilds the document from them.

The record is deterministic JSON (keys sorted, no clock, no path of this machine), version 1::

    {"record": 1,
     "tool": {"name": "reports", "version": "0.1.0", "libraries": {"reportlab": "4.2.5", ...}},
     "document": {"kind": "briefing", "format": "pdf"},
     "source": {"name": "deal.yaml", "media_type": "application/yaml", "size": 1234, "sha256": "..."},
     "options": {"lang": null, "watermark": null, "overrides": {"classification": "OFFICIAL"}},
     "theme": null | {"name": "theme.yaml", "sha256": "<its settings>", "logo": null | {"name", "sha256"}},
     "templates": {"template_dir": false, "files": {"briefing.md.j2": "built-in:<sha256>", ...},
                   "assets": "<sha256 of the folders' other files>"},
     "reference_docx": null | {"name": "letterhead.docx", "sha256": "..."},   (DOCX only)
     "source_date_epoch": null | 1700000000,
     "redline": null | {"old": "old.yaml" | "<commit>", "identity": "...", "author": "..."}}

Options that never change a document's bytes (``strict``, ``timeout``, ``memory_limit``) are left out.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports.digests import assets_digest, content_state, library_versions, templates_used
from reports.limits import source_date_epoch
from reports.load import DEFAULT_MAX_BYTES, agreement_from_bytes, read_file
from reports.model import Agreement
from reports.pipeline import Options
from reports.theme import DEFAULT_THEME, Theme
from reports.version import __version__
from reports.writers.options import Attachment

RECORD_VERSION = 1
RECORD_NAME = "reports-build.json"
STDIN_NAME = "stdin.yaml"  # the name data read from standard input is carried under
SOURCE_DESCRIPTION = "The agreement data this document was built from, byte for byte"
RECORD_DESCRIPTION = "How this document was built (reports build record): tool, kind, format, options, templates"
MAX_ATTACHMENT = DEFAULT_MAX_BYTES + 1024 * 1024  # bytes of one carried file read back (data is at most 5 MB)
_XML_UNSAFE = re.compile("[\ufffe\uffff]")


# --------------------------------------------------------------------------- making


def read_data(path: str | Path) -> tuple[bytes, Agreement]:
    """The bytes of the data file ``path`` (``"-"``: standard input, read once) and the agreement loaded
    from exactly those bytes. Raises ``DataError`` as ``load.load_agreement`` does."""
    from reports.errors import DataError, Problem

    name = str(path)
    if name == "-":
        raw = sys.stdin.buffer.read(DEFAULT_MAX_BYTES + 1)  # bounded, as the loader reads it
        if len(raw) > DEFAULT_MAX_BYTES:
            raise DataError("", [Problem("<stdin>", f"input is over the limit of {DEFAULT_MAX_BYTES:,} bytes")])
        return raw, agreement_from_bytes(raw, "<stdin>", "-")
    raw = read_file(name, DataError, DEFAULT_MAX_BYTES)
    return raw, agreement_from_bytes(raw, name, Path(name).suffix)


def source_name(path: str | Path) -> str:
    """The name the data file is carried under: its own file name (``stdin.yaml`` for standard input)."""
    return STDIN_NAME if str(path) == "-" else Path(path).name


def media_type(name: str) -> str:
    """``application/json`` for a ``.json`` file, else ``application/yaml``."""
    return "application/json" if name.lower().endswith(".json") else "application/yaml"


def build_record(data: bytes, name: str, kind: str, fmt: str, options: Options) -> dict[str, Any]:
    """The build record of the ``fmt`` document of ``kind`` made from ``data`` (the file ``name``) with
    ``options``, as this installation makes it now (see the module's docstring)."""
    against = options.against
    return {
        "record": RECORD_VERSION,
        "tool": {"name": "reports", "version": __version__, "libraries": library_versions()},
        "document": {"kind": kind, "format": fmt},
        "source": {"name": name, "media_type": media_type(name), "size": len(data),
                   "sha256": hashlib.sha256(data).hexdigest()},
        "options": {"lang": options.lang, "watermark": options.watermark,
                    "overrides": dict(sorted(options.overrides.items()))},
        "theme": theme_record(options.theme),
        "templates": {"template_dir": options.template_dir is not None,
                      "files": templates_used(kind, options.template_dir),
                      "assets": assets_digest(options.template_dir)},
        "reference_docx": (_file_record(options.reference_docx)
                           if fmt == "docx" and options.reference_docx is not None else None),
        "source_date_epoch": source_date_epoch(),
        "redline": None if against is None else {
            "old": against.path.name if against.path is not None else against.revision,
            "identity": against.identity, "author": against.author},
    }


def theme_record(theme: Theme) -> dict[str, Any] | None:
    """The theme as the record names it: None for the built-in one, else its file's name, the sha256
    of its settings and its logo's name and sha256."""
    if theme.source is None and theme == DEFAULT_THEME:
        return None
    settings = json.dumps(theme.model_dump(mode="json", exclude={"logo"}), sort_keys=True, ensure_ascii=True)
    return {"name": theme.source.name if theme.source is not None else None,
            "sha256": hashlib.sha256(settings.encode("ascii")).hexdigest(),
            "logo": _file_record(theme.logo) if theme.logo is not None else None}


def _file_record(path: Path) -> dict[str, Any]:
    return {"name": path.name, "sha256": content_state(path)}


def record_bytes(record: dict[str, Any]) -> bytes:
    """The record as the document carries it: JSON, keys sorted, one line, UTF-8, a final newline."""
    return (json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def provenance(data: bytes, name: str, kind: str, fmt: str, options: Options) -> tuple[Attachment, Attachment]:
    """The two attachments of the ``fmt`` document of ``kind``: the data file and its build record."""
    carried = name if _fits(name) else f"data{'.json' if media_type(name) == 'application/json' else '.yaml'}"
    record_name = RECORD_NAME if carried != RECORD_NAME else "reports-build-record.json"
    record = build_record(data, carried, kind, fmt, options)
    return (Attachment(carried, data, media_type(carried), "Source", SOURCE_DESCRIPTION),
            Attachment(record_name, record_bytes(record), "application/json", "Data", RECORD_DESCRIPTION))


def attachments(data: bytes, name: str, kind: str, formats: Sequence[str],
                options: Options) -> dict[str, tuple[Attachment, ...]]:
    """Each format's attachments for ``pipeline.render_formats``: none under ``--no-embed-source``."""
    if not options.embed_source:
        return {fmt: () for fmt in formats}
    return {fmt: provenance(data, name, kind, fmt, options) for fmt in formats}


def _fits(name: str) -> bool:
    # A name every format can carry: a plain file name (Attachment's rules) that XML 1.0 can hold.
    if _XML_UNSAFE.search(name):
        return False
    try:
        Attachment(name, b"", "application/yaml", "Source", "x")
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- reading back


@dataclass(frozen=True)
class Embedded:
    """What a document carries: its data file and its build record (parsed)."""

    source: Attachment
    record: dict[str, Any]


def read_embedded(document: bytes) -> Embedded | None:
    """The data file and build record ``document`` (PDF or DOCX bytes) carries, or None when it carries
    none (not made by reports, made with ``--no-embed-source``, or its record is not one of ours)."""
    if document.startswith(b"%PDF-"):
        files = pdf_attachments(document)
    elif document.startswith(b"PK"):
        files = docx_attachments(document)
    else:
        return None
    sources = [f for f in files if f.relationship == "Source"]
    for candidate in (f for f in files if f.relationship == "Data" and f.media_type == "application/json"):
        record = _parse_record(candidate.data)
        if record is None:
            continue
        named = [s for s in sources if s.name == record["source"]["name"]]
        if len(named) == 1:
            return Embedded(named[0], record)
    return None


def _parse_record(data: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("record") != RECORD_VERSION:
        return None
    shapes = {"tool": dict, "document": dict, "source": dict, "options": dict, "templates": dict}
    if any(not isinstance(record.get(key), kind) for key, kind in shapes.items()):
        return None
    document, source = record["document"], record["source"]
    if not (isinstance(document.get("kind"), str) and document.get("format") in ("pdf", "docx")
            and isinstance(source.get("name"), str)):
        return None
    return record


def pdf_attachments(pdf: bytes) -> list[Attachment]:
    """The files a PDF associates with itself (its catalogue's ``/AF``); none when it cannot be read."""
    import pikepdf

    found: list[Attachment] = []
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            for spec in document.Root.get("/AF", pikepdf.Array()):
                attachment = _pdf_file(spec)
                if attachment is not None:
                    found.append(attachment)
    except (pikepdf.PdfError, ValueError, TypeError, AttributeError, KeyError):
        return []
    return found


def _pdf_file(spec: Any) -> Attachment | None:
    import pikepdf

    if not isinstance(spec, pikepdf.Dictionary) or "/EF" not in spec:
        return None
    stream = spec.EF.get("/UF") or spec.EF.get("/F")
    params = stream.get("/Params") if stream is not None else None
    size = params.get("/Size") if params is not None else None
    if stream is None or not isinstance(size, int) or not 0 <= size <= MAX_ATTACHMENT:
        return None
    data = _bounded_stream(stream, size)
    if data is None:
        return None
    name = str(spec.get("/UF") or spec.get("/F") or "")
    relationship = str(spec.get("/AFRelationship", "/Unspecified")).lstrip("/")
    media = str(stream.get("/Subtype", "/application/octet-stream")).lstrip("/")
    try:
        return Attachment(name, data, media, relationship,
                          str(spec.get("/Desc") or "(no description)"))
    except ValueError:
        return None


def _bounded_stream(stream: Any, size: int) -> bytes | None:
    """The decoded bytes of an embedded file's stream when they are exactly ``size`` long. Decoded by
    hand, never past ``size`` + 1 bytes: a hostile PDF's /Size says nothing, and a few kilobytes of
    Flate data can expand to gigabytes. Only what our writer makes is read: raw or Flate, no predictor."""
    import pikepdf

    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else "several"
    if stream.get("/DecodeParms") is not None or filters not in (None, pikepdf.Name.FlateDecode):
        return None
    raw = stream.read_raw_bytes()
    if filters is None:
        return raw if len(raw) == size else None
    inflate = zlib.decompressobj()
    try:
        data = inflate.decompress(raw, size + 1)
    except zlib.error:
        return None
    return data if len(data) == size and not inflate.unconsumed_tail else None


def docx_attachments(docx: bytes) -> list[Attachment]:
    """The files a DOCX carries in our Custom XML Data part; none when it cannot be read."""
    from lxml import etree

    from reports.writers.docx.attachments import NAMESPACE

    found: list[Attachment] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            for info in package.infolist():
                if not re.fullmatch(r"customXml/item\d+\.xml", info.filename, re.IGNORECASE):
                    continue
                if info.file_size > 2 * MAX_ATTACHMENT:  # base64 takes 4 bytes for 3
                    continue
                root = etree.fromstring(package.read(info), parser)
                if root.tag != f"{{{NAMESPACE}}}attachments":
                    continue
                found.extend(a for a in map(_docx_file, root.iterfind(f"{{{NAMESPACE}}}file")) if a is not None)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError, EOFError):
        return []
    return found


def _docx_file(element: Any) -> Attachment | None:
    import base64
    import binascii

    try:
        data = base64.b64decode(element.text or "", validate=True)
        return Attachment(element.get("name", ""), data, element.get("mediaType", ""),
                          element.get("relationship", ""), element.get("description", ""))
    except (binascii.Error, ValueError):
        return None


__all__ = ["RECORD_NAME", "Embedded", "attachments", "build_record", "media_type", "provenance",
           "read_data", "read_embedded", "record_bytes", "source_name", "theme_record"]
