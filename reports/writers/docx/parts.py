"""A new package built part by part: the clean reference document the DOCX writer opens.

Part of write (DOCX), the last step of preparing a reference (docx_reference): the parts that were kept,
cleaned and completed are written with content types and relationships made here from what was added,
never copied from the reference, into a stored (uncompressed) zip with fixed timestamps.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from lxml import etree  # no stubs installed (ignored in pyproject): used as Any

from reports.writers.docx.archive import CT, PR, R, rels_name

_RT = R + "/"  # relationship types are this plus a short name


@dataclass
class Package:
    """The parts, content types and relationships of a package being assembled."""

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
        from reports.writers.docx.package import stored_zip

        entries = [("[Content_Types].xml", self._content_types())]
        for source in sorted(self.rels, key=lambda s: (s != "", s)):
            entries.append((rels_name(source) if source else "_rels/.rels", self._rels_xml(source)))
        entries.extend(self.parts.items())
        return stored_zip(entries)

    def _content_types(self) -> bytes:
        root = etree.Element(f"{{{CT}}}Types", nsmap={None: CT})
        defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml",
                    **self.defaults}
        for extension, content_type in sorted(defaults.items()):
            etree.SubElement(root, f"{{{CT}}}Default", Extension=extension, ContentType=content_type)
        for name, content_type in self.types.items():
            etree.SubElement(root, f"{{{CT}}}Override", PartName="/" + name, ContentType=content_type)
        return serialise(root)

    def _rels_xml(self, source: str) -> bytes:
        root = etree.Element(f"{{{PR}}}Relationships", nsmap={None: PR})
        folder = posixpath.dirname(source)
        for rel_id, kind, target, external in self.rels[source]:
            attrs = {"Id": rel_id, "Type": kind if "/" in kind else _RT + kind,
                     "Target": target if external else posixpath.relpath(target, folder or ".")}
            if external:
                attrs["TargetMode"] = "External"
            etree.SubElement(root, f"{{{PR}}}Relationship", attrs)
        return serialise(root)


def serialise(root: Any) -> bytes:
    """An XML part's bytes, with the declaration Word writes."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
