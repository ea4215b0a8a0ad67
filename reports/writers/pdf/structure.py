"""The structure tree of a tagged PDF, written into reportlab's document objects at save.

Part of write (PDF). From the writer's ``Element`` tree (document order) and the ``Tagger``'s records of
one layout pass (which marked-content ids each element drew on which page, which link annotations it
holds) this makes: ``StructTreeRoot`` with one ``Document`` element, ``StructElem`` dictionaries with
``/K`` (marked-content references, child elements, ``OBJR`` for links), ``ParentTree`` (per page: the
element of each MCID; per link annotation: its ``Link`` element), ``/StructParents`` and ``/Tabs /S`` on
every page, ``/StructParent`` on every link annotation, and ``MarkInfo``.

Elements that drew nothing and hold nothing are left out (a table cell stays even when empty: the
table's grid needs it).
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfdoc import PDFName, PDFPage, PDFString

from reports.writers.pdf.archive import metadata_text
from reports.writers.pdf.objects import Array as PDFArray
from reports.writers.pdf.objects import Dictionary as PDFDictionary
from reports.writers.pdf.tags import Element, Tagger

_KEEP_EMPTY = frozenset({"TD", "TH", "TR"})
_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


def write_structure(doc: Any, root: Element, tagger: Tagger, annotations: dict[str, Any]) -> None:
    """Add the structure tree of ``root`` as drawn in ``tagger``'s pass to reportlab document ``doc``.

    ``annotations`` maps the name of each link annotation to its dictionary (made by the canvas).
    """
    pages = doc.Pages.pages
    page_refs = [doc.Reference(page) for page in pages]
    tree_root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_ref = doc.Reference(tree_root)
    written: dict[int, Any] = {}  # id(element) -> the reference of its dictionary

    def make(element: Element, parent_ref: Any) -> Any | None:
        kids: list[Any] = []
        dictionary = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(element.role), "P": parent_ref})
        ref = doc.Reference(dictionary)
        marks = tagger.marks.get(id(element), [])
        first_page = marks[0][0] if marks else None
        for page, mcid in marks:
            kids.append(mcid if page == first_page else
                        PDFDictionary({"Type": PDFName("MCR"), "Pg": page_refs[page], "MCID": mcid}))
        for page, name, text in tagger.links.get(id(element), []):
            link = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName("Link"), "P": ref,
                                  "Pg": page_refs[page], "Alt": PDFString(text)})
            link_ref = doc.Reference(link)
            link["K"] = PDFArray([PDFDictionary({"Type": PDFName("OBJR"), "Obj": doc.refAnnotation(name),
                                                 "Pg": page_refs[page]})])
            annotations[name]["StructParent"] = len(pages) + len(link_parents)
            link_parents.append(link_ref)
            kids.append(link_ref)
        inline: list[tuple[tuple[int, int], Any]] = []  # a redline's passages, placed among the marks
        for child in element.kids:
            child_ref = make(child, ref)
            if child_ref is not None and getattr(child, "inline", False):
                inline.append(((tagger.marks.get(id(child)) or [(len(pages), 0)])[0], child_ref))
            elif child_ref is not None:
                kids.append(child_ref)
        if inline:
            kids[:len(marks)] = _in_order(marks, first_page, page_refs, inline)
        if not kids and element.role not in _KEEP_EMPTY:
            return None
        if first_page is not None:
            dictionary["Pg"] = page_refs[first_page]
        dictionary["K"] = PDFArray(kids)
        # /Alt and /ActualText are PDF strings: PDF/A caps them as it caps the Info entries (a chart's alt
        # text states every value, and a category may be a 100,000-character name).
        if element.alt:
            dictionary["Alt"] = PDFString(metadata_text(element.alt))
        if element.role == "Note":  # PDF/UA: every note has an ID of its own
            dictionary["ID"] = PDFString(f"note-{len(written) + 1}")
        if element.actual_text:
            dictionary["ActualText"] = PDFString(metadata_text(element.actual_text))
        if element.lang:
            dictionary["Lang"] = PDFString(element.lang)
        if element.attributes:  # the owner first ("O": Table, List), then its names
            owner = element.attributes.get("O", "Table")
            attributes = {"O": PDFName(owner)}
            attributes.update({key: PDFName(value) for key, value in element.attributes.items() if key != "O"})
            dictionary["A"] = PDFDictionary(attributes)
        written[id(element)] = ref
        return ref

    link_parents: list[Any] = []
    document_ref = make(root, root_ref)
    tree_root["K"] = PDFArray([document_ref] if document_ref is not None else [])
    numbers: list[Any] = []
    for index, elements in enumerate(tagger.parents[: len(pages)]):
        numbers += [index, PDFArray([written[id(e)] for e in elements])]
    for offset, link_ref in enumerate(link_parents):
        numbers += [len(pages) + offset, link_ref]
    tree_root["ParentTree"] = PDFDictionary({"Nums": PDFArray(numbers)})
    tree_root["ParentTreeNextKey"] = len(pages) + len(link_parents)
    for index, page in enumerate(pages):
        page.__NoDefault__ = _PAGE_KEYS  # reportlab writes only the keys named there
        page.StructParents = index
        page.Tabs = PDFName("S")
    catalog = doc.Catalog
    catalog.StructTreeRoot = root_ref
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})  # the catalog's /Lang is reportlab's (lang=)


def _in_order(marks: list[tuple[int, int]], first_page: int | None, page_refs: list[Any],
              inline: list[tuple[tuple[int, int], Any]]) -> list[Any]:
    """An element's own marked content and its passages' elements in the order they were drawn (page,
    then MCID: a page's MCIDs are numbered as drawn), so the passage reads where it stands."""
    items: list[tuple[tuple[int, int], Any]] = [
        ((page, mcid), mcid if page == first_page else
         PDFDictionary({"Type": PDFName("MCR"), "Pg": page_refs[page], "MCID": mcid})) for page, mcid in marks]
    return [kid for _, kid in sorted(items + inline, key=lambda item: item[0])]


__all__ = ["write_structure"]
