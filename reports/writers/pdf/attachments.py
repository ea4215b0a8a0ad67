"""Files carried inside the PDF: embedded files, each associated with the whole document (PDF/A-3).

Part of write (PDF). Added to reportlab's document objects before it saves, as ``archive`` adds the XMP
(ISO 32000-1 §7.11.3-7.11.4; ISO 19005-3 §6.8; PDF/UA-1 §7.11). For each ``Attachment``:

- an ``/EmbeddedFile`` stream of its exact bytes (Flate-compressed when that makes it smaller), ``/Subtype``
  its media type, ``/Params`` with ``/Size``, ``/ModDate`` (its own date, or the document's fixed one, so
  rebuilds are byte-identical) and ``/CheckSum`` (MD5 of the bytes);
- a ``/Filespec`` with ``/F`` and ``/UF`` (its name), ``/EF``, ``/Desc`` and ``/AFRelationship``.

The catalogue lists every file specification in its ``/AF`` array, in the order the attachments were
given, and in its ``/Names /EmbeddedFiles`` name tree: one leaf whose keys are the names in one encoding
(ISO 32000-2 §7.9.6: "self-consistent", compared byte by byte), ASCII when every name is printable ASCII,
else UTF-16BE for all, sorted by those bytes. Mixed encodings would put "0" + no-break space (UTF-16) after
"1" (ASCII) by their bytes but before it by their text, the order qpdf reads a tree in. In one encoding the
two orders agree, except where one name has a character beyond U+FFFF and another one of U+E000..U+FFFF at
the same place (UTF-16's order is not the code points' there): the bytes' order, the standard's, is kept.

A document without attachments gets none of these objects: its bytes are what they were before.
"""

from __future__ import annotations

import codecs
import hashlib
import time
import zlib
from collections.abc import Sequence
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString, PDFText

from reports.writers.options import Attachment


def attach(doc: Any, attachments: Sequence[Attachment], epoch: int) -> None:
    """Embed ``attachments`` in reportlab document ``doc`` and list them in its catalogue (``/Names`` and
    ``/AF``); ``epoch`` dates those without a date of their own. Nothing is added for none."""
    if not attachments:
        return
    keys = tree_keys([attachment.name for attachment in attachments])
    specs: list[tuple[bytes, Any]] = []  # (name-tree key, reference to the file specification)
    for key, attachment in zip(keys, attachments, strict=True):
        stream = doc.Reference(_embedded_file(attachment, epoch))
        name = text(attachment.name)
        spec = PDFDictionary({
            "Type": PDFName("Filespec"), "F": name, "UF": name,
            "EF": PDFDictionary({"F": stream, "UF": stream}),
            "Desc": text(attachment.description), "AFRelationship": PDFName(attachment.relationship),
        })
        specs.append((key, doc.Reference(spec)))
    leaf: list[Any] = []
    for key, reference in sorted(specs, key=lambda pair: pair[0]):  # names are unique (WriterOptions)
        leaf += [PDFString(key, enc="raw"), reference]
    catalog = doc.Catalog
    catalog.Names = PDFDictionary({"EmbeddedFiles": doc.Reference(PDFDictionary({"Names": PDFArray(leaf)}))})
    catalog.AF = PDFArray([reference for _, reference in specs])


def _embedded_file(attachment: Attachment, epoch: int) -> PDFStream:
    data = attachment.data
    modified = epoch if attachment.modified is None else attachment.modified
    entries: dict[str, Any] = {
        "Type": PDFName("EmbeddedFile"), "Subtype": media_name(attachment.media_type),
        "Params": PDFDictionary({
            "Size": len(data), "ModDate": PDFString(pdf_date(modified)),
            "CheckSum": PDFText(hashlib.md5(data, usedforsecurity=False).digest()),
        }),
    }
    packed = zlib.compress(data)
    if len(packed) < len(data):
        # The Filter key set here tells reportlab the content is encoded already (it encodes none again).
        entries["Filter"] = PDFName("FlateDecode")
        data = packed
    # filters=None: the document's default filters, and ours have none (see archive.make_archival).
    return PDFStream(PDFDictionary(entries), data, filters=None)


def text_bytes(value: str) -> bytes:
    """``value`` as the bytes of a PDF text string: printable ASCII as it is, anything else UTF-16BE after
    its byte order mark (ISO 32000-1 §7.9.2.2). Not PDFDocEncoding: every reader decodes these two alike."""
    if value.isascii() and value.isprintable():
        return value.encode("ascii")
    return codecs.BOM_UTF16_BE + value.encode("utf-16-be")


def tree_keys(names: Sequence[str]) -> list[bytes]:
    """The name-tree keys of ``names``, in one encoding: printable ASCII when every name is, else UTF-16BE
    after its byte order mark (see the module's docstring)."""
    if all(name.isascii() and name.isprintable() for name in names):
        return [name.encode("ascii") for name in names]
    return [codecs.BOM_UTF16_BE + name.encode("utf-16-be") for name in names]


def text(value: str) -> PDFString:
    """A PDF text string of ``value`` (see ``text_bytes``)."""
    return PDFString(text_bytes(value), enc="raw")


def media_name(media_type: str) -> str:
    """The PDF name of a media type ("/application#2Fjson"): a byte outside ``!``..``~``, a delimiter or
    ``#`` written as ``#`` and two hex digits (ISO 32000-1 §7.3.5; reportlab's ``PDFName`` writes '/' as it
    is, which would end the name)."""
    out = []
    for byte in media_type.encode("utf-8"):
        out.append(f"#{byte:02X}" if byte < 0x21 or byte > 0x7E or chr(byte) in "#%()<>[]{}/" else chr(byte))
    return "/" + "".join(out)


def pdf_date(epoch: int) -> str:
    """``epoch`` as a PDF date in UTC, written as reportlab writes the Info dictionary's dates."""
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch))


__all__ = ["attach", "media_name", "pdf_date", "text", "text_bytes", "tree_keys"]
