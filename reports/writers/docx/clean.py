"""Cleaning the parts kept from a reference document, and the one warning that says what went.

Part of write (DOCX), between reading a reference (docx_archive) and assembling its clean package
(docx_reference): from every kept part (styles, settings, headers, footers, notes ...) anything active or
pointing outside is removed: OLE objects, ActiveX controls, sub-documents, every field not on the
allow-list (``SAFE_FIELDS``: page numbers, style and bookmark references, the contents, internal links;
not INCLUDETEXT, RD, a HYPERLINK to a file or share, nor DATE and TIME, which show the reader's clock),
unterminated fields, VML addresses, data bindings, settings that name other files or act on opening
(document variables, updating every field), the reference's own footnotes, and every reference to a
relationship that was not kept. What a reader should hear about is gathered in a ``Report`` and told as
one warning; body content and parts that are merely not needed go without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree  # no stubs installed (ignored in pyproject): used as Any

from reports.errors import Problem
from reports.writers.docx.archive import A, R, Rel, w

_VML = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
        "urn:schemas-microsoft-com:office:word")
# Field instructions that make Word load another file or talk to another program when it updates fields.
_LOADING_FIELD = re.compile(r"^\s*(INCLUDETEXT|INCLUDEPICTURE|INCLUDE|LINK|DDE|DDEAUTO|IMPORT|DATABASE)\b",
                            re.IGNORECASE)
# The fields a kept part may hold: they read only the document itself. Everything else goes (with the
# warning): fields that load files or talk to programs, RD, HYPERLINK to anything but a bookmark (\l),
# DATE and TIME (the reader's clock, so the document would read differently on every day it is opened).
SAFE_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTION", "SECTIONPAGES", "STYLEREF", "TOC", "PAGEREF", "REF",
                         "NOTEREF", "SEQ", "HYPERLINK"})
_FIELD_TOKENS = re.compile(r'"[^"]*"|\S+')
_HYPERLINK_ARGUMENTS = {"\\l", "\\o", "\\t"}  # switches followed by a value; \n (new window) has none
# Elements that run or embed something from outside: removed from every kept part.
_ACTIVE = {w(name) for name in ("object", "control", "altChunk", "subDoc")}
# Settings that point outside the document or pull styles from elsewhere.
_OUTWARD_SETTINGS = {w(name): label for name, label in (
    ("attachedTemplate", "the attached template"), ("mailMerge", "a mail-merge data source"),
    ("linkStyles", ""), ("saveThroughXslt", ""), ("attachedSchema", ""), ("docVars", "document variables"),
    ("updateFields", "the setting that updates every field on opening"))}
# Containers removed with an element that points at a dropped relationship (a picture goes whole).
_CONTAINERS = {w("drawing"), w("pict"), w("object"), w("control")}
_SUSPECT_TAGS = {*_ACTIVE, w("dataBinding"), w("fldSimple"), w("fldData")}
_VML_PREFIXES = tuple(f"{{{uri}}}" for uri in _VML)
_URL_ATTRS = {"src", "href", "althref"}

# The kinds of removal a warning names.
MACROS = "macros"
EMBEDDED = "embedded objects (OLE, ActiveX)"
CUSTOM_XML = "custom XML data"
EXTERNAL_LINKS = "external links"
_LOADING = "fields that load other files"
_UNSAFE = "fields not known to be safe"
_UNTERMINATED = "unterminated fields"
# Footnotes and endnotes of these types are the note area's furniture (the separator line); any other
# note is the reference's own content and is left out.
_NOTE_FURNITURE = {"separator", "continuationSeparator", "continuationNotice"}


@dataclass
class Report:
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
                what += f" ({', '.join(quote(d) for d in shown[:2])}{more})"
            parts.append(what)
        return (Problem(file=name, message="removed from the reference document, so that nothing in it reaches "
                                           "the output: " + "; ".join(parts)),)


def quote(text: str) -> str:
    """``text`` shortened to fit a message."""
    return text if len(text) <= 60 else text[:57] + "..."


def classify_dropped(rel: Rel, report: Report) -> None:
    """Report a dropped relationship a reader should hear about; body content goes without a word."""
    if rel.kind == "attachedTemplate":
        report.add("the attached template", rel.target)
    elif rel.kind in ("vbaProject", "wordVbaData", "keyMapCustomizations"):
        report.add(MACROS)
    elif rel.kind in ("oleObject", "package", "control", "activeXControlBinary"):
        report.add(EMBEDDED)
    elif rel.kind == "customXml" and not rel.target.lower().startswith("customxml/item"):
        report.add(CUSTOM_XML)  # items themselves are judged by their content (see docx_reference)
    elif rel.kind in ("mailMergeSource", "mailMergeHeaderSource", "recipientData"):
        report.add("a mail-merge data source", rel.target if rel.external else "")
    elif rel.external and rel.kind != "hyperlink":
        report.add(EXTERNAL_LINKS, rel.target)


def clean_settings(root: Any, report: Report) -> None:
    """Remove the settings that point outside the document or pull styles from elsewhere."""
    for element in list(root):
        label = _OUTWARD_SETTINGS.get(element.tag)
        if label is not None:
            if label:
                report.add(label)
            root.remove(element)


def clean_story(root: Any, kept: set[str], report: Report) -> None:
    """Remove from a kept part everything active or pointing outside: OLE objects, ActiveX controls,
    sub-documents, fields that load files, VML addresses, data bindings, and every reference to a
    relationship that was not kept (a picture goes whole; a link keeps its text)."""
    for element in _suspects(root):
        if _detached(element, root):
            continue  # went with a removed ancestor
        if element.tag in _ACTIVE:
            report.add(EMBEDDED)
            remove(element)
            continue
        if element.tag in (w("dataBinding"), w("fldData")):  # bound to custom XML; a field's binary data
            remove(element)
            continue
        if element.tag == w("fldSimple"):
            if not _safe_field(element.get(w("instr"), ""), report):
                _unwrap(element)  # the field goes, the text it last showed stays
            continue
        namespace = etree.QName(element).namespace
        for attr in list(element.attrib):
            local = etree.QName(attr).localname
            if namespace in _VML and local.lower() in _URL_ATTRS:
                del element.attrib[attr]  # VML can name a picture by address, outside any relationship
            elif attr.startswith(f"{{{R}}}") and element.get(attr) not in kept:
                if element.tag == w("hyperlink") or local == "link":
                    del element.attrib[attr]  # the link's text stays; a linked picture keeps its copy
                elif etree.QName(element).localname.startswith("hlink"):
                    remove(element)  # a picture's click-through link goes, the picture stays
                    break
                else:
                    remove(_container(element, root))
                    break
    _clean_fields(root, report)
    _drop_own_notes(root)


def _safe_field(instruction: str, report: Report) -> bool:
    """Whether a field with ``instruction`` is on the allow-list; one that is not is reported (an empty
    instruction, which does nothing, goes without a word)."""
    tokens = _FIELD_TOKENS.findall(instruction)
    if not tokens:
        return False
    name = tokens[0].upper()
    if _LOADING_FIELD.match(instruction):
        report.add(_LOADING, name)
        return False
    arguments = [t.strip('"') for t in tokens[1:]]
    # A share (\\host\share, written \\\\host in a field) or an address anywhere names another file.
    outward = any(a.startswith("\\\\") or "://" in a for a in arguments)
    if name not in SAFE_FIELDS or outward or (name == "HYPERLINK" and not _to_bookmark(tokens[1:])):
        report.add(_UNSAFE, name if name != "HYPERLINK" else "HYPERLINK to another file")
        return False
    return True


def _to_bookmark(arguments: list[str]) -> bool:
    """A HYPERLINK's arguments are only switches, with ``\\l`` (a bookmark in this document) among them."""
    index, bookmark = 0, False
    while index < len(arguments):
        switch = arguments[index].lower()
        if switch in _HYPERLINK_ARGUMENTS and index + 1 < len(arguments):
            bookmark = bookmark or switch == "\\l"
            index += 2
        elif switch == "\\n":
            index += 1
        else:
            return False  # an address: a web page, a file or a share
    return bookmark


def _drop_own_notes(root: Any) -> None:
    # The notes part is kept for its separators; the reference's own notes are content and never reach
    # the output (the writer numbers its notes after what is left).
    if root.tag not in (w("footnotes"), w("endnotes")):
        return
    for note in list(root):
        if note.tag in (w("footnote"), w("endnote")) and note.get(w("type")) not in _NOTE_FURNITURE:
            root.remove(note)


def _suspects(root: Any) -> list[Any]:
    """The elements of ``root`` that may need cleaning, in document order, in one pass."""
    r_prefix = f"{{{R}}}"
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


@dataclass
class _Field:
    """A complex field met in a part: its begin/separate/end marks and its instruction pieces."""

    marks: list[Any]
    pieces: list[Any] = field(default_factory=list)
    separated: bool = False


def _clean_fields(root: Any, report: Report) -> None:
    # A complex field's instruction may be split over several runs: gather it between begin and separate
    # (or end), nested fields on a stack. A field not on the allow-list, or one never ended, loses its
    # marks and instruction (the text it last showed stays); a stray mark or instruction goes too.
    fields: list[_Field] = []
    for element in list(root.iter(w("fldChar"), w("instrText"), w("delInstrText"))):
        if element.tag != w("fldChar"):
            if fields and not fields[-1].separated:
                fields[-1].pieces.append(element)
            else:
                _remove_run_part(element)
            continue
        kind = element.get(w("fldCharType"))
        if kind == "begin":
            fields.append(_Field([element]))
        elif not fields:
            _remove_run_part(element)
        elif kind == "separate":
            fields[-1].marks.append(element)
            fields[-1].separated = True
        elif kind == "end":
            done = fields.pop()
            done.marks.append(element)
            if not _safe_field("".join(p.text or "" for p in done.pieces), report):
                _drop_field(done)
    for unended in fields:
        instruction = "".join(p.text or "" for p in unended.pieces).split()
        report.add(_UNTERMINATED, instruction[0].upper() if instruction else "")
        _drop_field(unended)


def _drop_field(found: _Field) -> None:
    for element in (*found.marks, *found.pieces):
        _remove_run_part(element)


def _remove_run_part(element: Any) -> None:
    # The mark or instruction goes, and its run with it when nothing but formatting is left.
    run = element.getparent()
    remove(element)
    if run is not None and run.tag == w("r") and all(child.tag == w("rPr") for child in run):
        remove(run)


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
        if ancestor.tag == f"{{{A}}}ext":  # an extension (an SVG beside its PNG): only the extension goes
            return ancestor
        ancestor = ancestor.getparent()
    return element


def remove(element: Any) -> None:
    """Take ``element`` out of its tree (nothing when it has no parent)."""
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
