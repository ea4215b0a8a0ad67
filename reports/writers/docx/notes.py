"""Word footnotes (``word/footnotes.xml``) and figure captions for the DOCX writer.

Part of write (DOCX). python-docx has no footnote API: this module makes the footnotes part when the
document lacks it (with the separator and continuation-separator notes, ids -1 and 0, that Word
expects), adds the "Footnote Text" and "Footnote Reference" styles when the reference document has
none, and writes each note with the next free id, so ids follow the order of the references and a
rebuild gives the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from reports import tree as t
from reports.autolink import linked
from reports.writers.xmltext import xml_safe

_W_ID = qn("w:id")
_EMPTY_FOOTNOTES = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)
# Word's own definitions of the two styles (as in its Normal template), used only when missing.
_STYLES = {
    "Footnote Text": (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="FootnoteText">'
        '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
        '<w:unhideWhenUsed/><w:pPr><w:spacing w:before="0" w:after="40" w:line="240" w:lineRule="auto"/>'
        '</w:pPr><w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style>'),
    "Footnote Reference": (
        f'<w:style {nsdecls("w")} w:type="character" w:styleId="FootnoteReference">'
        '<w:name w:val="footnote reference"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'),
}


class _Story:
    """What python-docx's Paragraph needs of its parent: the part (for hyperlinks) and an element."""

    def __init__(self, element: Any, part: Any) -> None:
        self._element = element
        self.part = part


class Footnotes:
    """The footnotes part of one document being written, made on the first note."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        document = writer.doc
        self.part = _footnotes_part(document.part)
        self.root = self.part.element
        # A reference document's own notes belong to its emptied body: orphans, never ours to print.
        for old in list(self.root.iterchildren(qn("w:footnote"))):
            if old.get(qn("w:type"), "normal") == "normal":
                self.root.remove(old)
        self.next_id = max([0, *(int(n.get(_W_ID, "0")) for n in self.root.iterchildren(qn("w:footnote")))]) + 1
        for name, xml in _STYLES.items():
            if name not in writer.ids:
                element = parse_xml(xml)
                document.styles.element.append(element)
                writer.ids[name] = element.get(qn("w:styleId"))

    def add(self, paragraph: Any, note: t.Note, target: Any) -> None:
        """A reference to a new footnote holding ``note``, at the end of ``paragraph`` (or ``target``)."""
        note_id = str(self.next_id)
        self.next_id += 1
        run = self._reference_run(paragraph._p if target is None else target)
        run.append(run.makeelement(qn("w:footnoteReference"), {_W_ID: note_id}))
        footnote = self.root.makeelement(qn("w:footnote"), {_W_ID: note_id})
        self.root.append(footnote)
        story = _Story(footnote, self.part)
        for i, block in enumerate(note.blocks or (t.Paragraph(()),)):
            para = self.writer.new_para(story, "Footnote Text")
            if i == 0:  # the note's own number, then a space, as Word writes it
                mark = self._reference_run(para._p)
                mark.append(mark.makeelement(qn("w:footnoteRef"), {}))
                self.writer.add_text(para, " ", None, None)
            self.writer.runs(para, block.content)

    def _reference_run(self, parent: Any) -> Any:
        run = parent.makeelement(qn("w:r"), {})
        parent.append(run)
        r_pr = run.makeelement(qn("w:rPr"), {})
        run.append(r_pr)
        r_pr.append(r_pr.makeelement(qn("w:rStyle"), {qn("w:val"): self.writer.ids["Footnote Reference"]}))
        return run


def footnotes(writer: Any) -> Footnotes:
    """The writer's footnotes, made on first use (documents without notes never pay for them)."""
    notes: Footnotes | None = getattr(writer, "_footnotes", None)
    if notes is None:
        notes = Footnotes(writer)
        writer._footnotes = notes
    return notes


def _footnotes_part(document_part: Any) -> Any:
    for rel in document_part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            part = rel.target_part
            if isinstance(part, XmlPart):
                return part
            # Kept from a reference document as plain bytes: replaced by an XML part of the same content.
            replacement = XmlPart(part.partname, CT.WML_FOOTNOTES, parse_xml(part.blob), part.package)
            rel._target = replacement
            return replacement
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(_EMPTY_FOOTNOTES),
                   document_part.package)
    document_part.relate_to(part, RT.FOOTNOTES)
    return part


def picture(writer: Any, node: t.Image, container: Any) -> None:
    """The picture ``node`` in a paragraph of its own in ``container``, with its alt text and caption."""
    # Read, checked and sized by the module the PDF writer uses too: the same limits, the same
    # printed size (at most the text width and height), the same message naming the template.
    from docx.shared import Mm, Pt

    from reports import images
    from reports.writers.docx import ooxml

    box = (writer.text_width() / 12700, writer.page.body_height / 12700 - 8)  # EMU -> points
    width = box[0] * node.width_percent / 100 if node.width_percent else \
        Mm(node.width_mm).pt if node.width_mm else None
    try:
        pic = images.picture(node.path, box=box, width_pt=width)
    except images.ImageError as exc:
        raise images.named_by_template(exc, node.template, node.line) from None
    paragraph = container.add_paragraph()
    if node.number is not None:
        ooxml.keep_with_next(paragraph)  # the picture on the page of its caption
    try:
        shape = paragraph.add_run().add_picture(io.BytesIO(pic.data), width=Pt(pic.width_pt),
                                                height=Pt(pic.height_pt))
    except Exception as exc:  # python-docx's own header parser disagreeing with Pillow: still one message
        error = images.ImageError(node.path, f"not a usable {pic.format} image ({type(exc).__name__})")
        raise images.named_by_template(error, node.template, node.line) from None
    describe(shape, node)
    if node.number is not None:
        caption(writer, container, node)


def caption(writer: Any, container: Any, image: t.Image) -> None:
    """"Figure N: caption" under a figure, in the Caption style (the same words as the PDF)."""
    words = writer.meta.labels.figure_caption(image.number, image.caption)
    writer.runs(writer.new_para(container, "Caption"), linked(words))  # an address in it is a link


def describe(shape: Any, image: t.Image) -> None:
    """Alt text where Word keeps it (``wp:docPr descr``; the caption as its title)."""
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", xml_safe(image.alt))
    if image.caption:
        doc_pr.set("title", xml_safe(image.caption))


__all__ = ["Footnotes", "caption", "describe", "footnotes", "picture"]
