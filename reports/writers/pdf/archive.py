"""What makes a PDF of ours archival (PDF/A-2, or PDF/A-3 with attachments) and say it is accessible
(PDF/UA-1): XMP, OutputIntent, attached files.

Part of write (PDF). Added to reportlab's document objects before it saves: the XMP metadata stream
(matching the Info dictionary, as PDF/A requires), an sRGB OutputIntent with an ICC profile made by
Pillow (no file, no network; its header date fixed so rebuilds stay byte-identical), PDF 1.7,
``DisplayDocTitle``, and the attached files (``attachments``). The PDF/A and PDF/UA identifiers are
claimed only when ``archival`` is true: every font embedded and every page tagged. The PDF/A part is 2
(conformance A), or 3 when files are attached: PDF/A-2 allows only PDF/A files inside, PDF/A-3 any file
associated with the document.
"""

from __future__ import annotations

import dataclasses
import time
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape as _escape

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCatalog,
    PDFDate,
    PDFDictionary,
    PDFInfo,
    PDFName,
    PDFStream,
    PDFString,
)

from reports import tree as t
from reports.writers.options import Attachment
from reports.writers.pdf.attachments import attach
from reports.writers.pdf.conformance import conform
from reports.writers.xmltext import xml_safe

# reportlab writes only the catalogue keys it knows; AF (associated files) is written only when set.
_CATALOG_KEYS = [*PDFCatalog.__NoDefault__, "OutputIntents", "AF"]

# PDF/A-2 knows only some XMP schemas; the PDF/UA identifier must be described in an extension schema.
_PDFUA_EXTENSION = """
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
     <pdfaProperty:name>part</pdfaProperty:name>
     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
     <pdfaProperty:category>internal</pdfaProperty:category>
     <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>"""


def escape(value: str) -> str:
    # XML reads a carriage return back as a line feed: written as a reference, it stays what the Info says.
    return _escape(value, {"\r": "&#13;"})


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """An sRGB ICC profile (lcms's, through Pillow) with a fixed creation date, version 4.2."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[8:12] = b"\x04\x20\x00\x00"  # the tags lcms writes for sRGB are all ICC.1:2004-10 (4.2) tags
    data[24:36] = bytes([0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # 2000-01-01 00:00:00, not "now"
    data[84:100] = bytes(16)  # profile ID: "not computed" (the date above is part of what it would hash)
    return bytes(data)


def xmp(meta: t.Meta, epoch: int, tool: str, keywords: str, archival: bool, part: int = 2) -> bytes:
    """The XMP packet for ``meta``; dates from ``epoch`` (the Info dictionary's, so the two agree). With
    ``archival``, it claims PDF/A part ``part`` (2, or 3 for a file with attachments), conformance A."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))
    # As in the Info dictionary (the PDF writer passes it xml_safe values): no characters XML cannot hold.
    meta = dataclasses.replace(meta, title=xml_safe(meta.title), author=xml_safe(meta.author),
                               subject=xml_safe(meta.subject), language=xml_safe(meta.language))
    keywords = xml_safe(keywords)
    language = escape(meta.language or "x-default")
    fields = [
        "<dc:format>application/pdf</dc:format>",
        f"<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>",
        f"<xmp:CreateDate>{stamp}</xmp:CreateDate>",
        f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate>",
        f"<xmp:CreatorTool>{escape(tool)}</xmp:CreatorTool>",
        f"<pdf:Producer>{escape(tool)}</pdf:Producer>",
        # No pdf:Trapped: PDF/A-2 knows it only from an extension schema, and the Info dictionary's
        # /Trapped needs no XMP twin (ISO 19005-2 §6.6.2.3.1 lists the entries that do).
    ]
    if keywords:
        fields.append(f"<pdf:Keywords>{escape(keywords)}</pdf:Keywords>")
    if meta.title:  # the Info dictionary leaves an empty one out too
        fields.append(f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt>'
                      "</dc:title>")
    if meta.author:
        fields.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>")
    if meta.subject:
        fields.append('<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
                      f"{escape(meta.subject)}</rdf:li></rdf:Alt></dc:description>")
    if archival:
        fields += [f"<pdfaid:part>{part}</pdfaid:part>", "<pdfaid:conformance>A</pdfaid:conformance>",
                   "<pdfuaid:part>1</pdfuaid:part>", _PDFUA_EXTENSION]
    body = "\n   ".join(fields)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   {body}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


# PDF/A caps a string at 32,767 bytes (ISO 19005-2, 6.1.13); the Info dictionary writes text beyond
# Latin-1 as UTF-16 with a byte-order mark, two or four bytes a character. Kept a little below the cap.
_STRING_BYTES = 32_000


def metadata_text(text: str) -> str:
    """``text`` for one Info entry (and its XMP twin), or any other text string (a structure element's
    /Alt or /ActualText): whole when it fits a PDF/A string, else cut at a word boundary with "…" (a
    20,000-character title is printed whole on the page, not in the metadata)."""
    if 2 + len(text.encode("utf-16-be")) <= _STRING_BYTES:
        return text
    cut = text.encode("utf-16-be")[:_STRING_BYTES - 8].decode("utf-16-be", errors="ignore")
    space = cut.rfind(" ")
    return (cut[:space] if space > len(cut) // 2 else cut).rstrip() + "…"


def metadata_keywords(keywords: tuple[str, ...] | list[str]) -> str:
    """The keywords as one Info entry: joined as reportlab joins them, whole keywords only, as many as fit
    a PDF/A string."""
    kept: list[str] = []
    size = 2  # the byte-order mark
    for keyword in keywords:
        size += len(((", " if kept else "") + keyword).encode("utf-16-be"))
        if size > _STRING_BYTES:
            break
        kept.append(keyword)
    return ", ".join(kept)


class _Info(PDFInfo):  # type: ignore[misc]
    """reportlab's Info dictionary without its empty entries: PDF/A wants each entry matched in the XMP,
    and the XMP has no empty author or subject."""

    def format(self, document: Any) -> bytes:
        date = PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter)
        entries: dict[str, Any] = {"Title": self.title, "Author": self.author, "Subject": self.subject,
                                   "Keywords": self.keywords, "Creator": self.creator, "Producer": self.producer}
        out: dict[str, Any] = {key: PDFString(value) for key, value in entries.items() if value}
        out.update({"CreationDate": date, "ModDate": date, "Trapped": PDFName(self.trapped)})
        formatted: bytes = PDFDictionary(out).format(document)
        return formatted


def make_archival(doc: Any, meta: t.Meta, epoch: int, archival: bool,
                  attachments: tuple[Attachment, ...] = ()) -> None:
    """Add XMP, the sRGB OutputIntent, PDF 1.7, DisplayDocTitle and the ``attachments`` (embedded,
    associated files; dated ``epoch`` unless they carry a date) to reportlab document ``doc``."""
    info = doc.info
    info.__class__ = _Info  # same fields, empty ones left out
    catalog = doc.Catalog
    catalog.__NoDefault__ = _CATALOG_KEYS  # reportlab writes only the catalog keys named there
    # filters=None: no /Filter key at all (PDF/A wants the metadata stream readable as it is; reportlab
    # writes an empty "/Filter []" for filters=[]). Our documents set no default stream filters.
    metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                         # The XMP says what the Info dictionary says (PDF/A): the same bounded text.
                         xmp(dataclasses.replace(meta, title=info.title, author=info.author, subject=info.subject),
                             epoch, info.creator, info.keywords, archival, 3 if attachments else 2),
                         filters=None)
    catalog.Metadata = doc.Reference(metadata)
    profile = PDFStream(PDFDictionary({"N": 3}), srgb_profile())
    catalog.OutputIntents = PDFArray([PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"), "Info": PDFString("sRGB IEC61966-2.1"),
        "RegistryName": PDFString("http://www.color.org"), "DestOutputProfile": doc.Reference(profile),
    })])
    preferences = getattr(catalog, "ViewerPreferences", None) or PDFDictionary({})
    preferences["DisplayDocTitle"] = "true"
    catalog.ViewerPreferences = preferences
    doc._pdfVersion = (1, 7)
    attach(doc, attachments, epoch)  # nothing without attachments
    conform(doc)  # stream EOLs, subset tags, ToUnicode CMaps: see conformance.py


__all__ = ["make_archival", "srgb_profile", "xmp"]
