"""Files carried inside the DOCX: one Custom XML Data part holding every attachment, base64-encoded.

Part of write (DOCX). A Word document has no place for attached files that Word keeps when it saves, but
it keeps Custom XML Data parts (ECMA-376 Part 1 §15.2.4, §22.5): ``customXml/itemN.xml`` related from the
main document part, with its properties part ``customXml/itemPropsN.xml`` (``ds:datastoreItem``, whose
``ds:itemID`` identifies it). The item holds, in namespace ``urn:reports:provenance:1``::

    <attachments xmlns="urn:reports:provenance:1">
      <file name="deal.yaml" mediaType="application/yaml" relationship="Source"
            description="...">BASE64 OF ITS BYTES</file>
    </attachments>

The item's id is a UUID made from the item's own bytes (uuid5), so rebuilds give the same package. A
document without attachments gets no part: its bytes are what they were before.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from reports.writers.options import Attachment

NAMESPACE = "urn:reports:provenance:1"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
ITEM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"


def item_xml(attachments: Sequence[Attachment]) -> bytes:
    """The custom XML item holding ``attachments`` (their order kept). Raises ``ValueError`` when a name
    or description holds a character XML 1.0 cannot (U+FFFE, U+FFFF)."""
    root = etree.Element(f"{{{NAMESPACE}}}attachments", nsmap={None: NAMESPACE})
    for attachment in attachments:
        item = etree.SubElement(root, f"{{{NAMESPACE}}}file")
        item.set("name", attachment.name)
        item.set("mediaType", attachment.media_type)
        item.set("relationship", attachment.relationship)
        item.set("description", attachment.description)
        if attachment.modified is not None:
            item.set("modified", str(attachment.modified))
        item.text = base64.b64encode(attachment.data).decode("ascii")
    body: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return body


def item_props_xml(item: bytes) -> bytes:
    """The properties part of custom XML ``item``: its id (from its bytes) and our schema's namespace."""
    item_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}#{hashlib.sha256(item).hexdigest()}")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            f'<ds:datastoreItem ds:itemID="{{{str(item_id).upper()}}}" xmlns:ds="{_DS}">'
            f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>').encode()


def attach(document: Any, attachments: Sequence[Attachment]) -> None:
    """Add ``attachments`` to python-docx ``document`` as one custom XML item related from its main
    document part (the first free ``itemN``/``itemPropsN`` pair). Nothing is added for none."""
    if not attachments:
        return
    package = document.part.package
    taken = {str(part.partname) for part in package.iter_parts()}
    number = next(n for n in range(1, len(taken) + 2)
                  if f"/customXml/item{n}.xml" not in taken and f"/customXml/itemProps{n}.xml" not in taken)
    item = item_xml(attachments)
    item_part = Part(PackURI(f"/customXml/item{number}.xml"), "application/xml", item, package)
    props_part = Part(PackURI(f"/customXml/itemProps{number}.xml"), ITEM_PROPS_TYPE, item_props_xml(item), package)
    item_part.relate_to(props_part, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item_part, RT.CUSTOM_XML)


__all__ = ["NAMESPACE", "attach", "item_props_xml", "item_xml"]
