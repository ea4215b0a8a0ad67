"""Completing a reference document's styles and list numbering from the built-in reference.

Part of write (DOCX), while a reference is prepared (docx_reference): every style the writer names
(``WRITER_STYLES``) that the reference lacks is copied from templates/reference.docx with what it is
based on, in the reference's own fonts, with its list numbering under fresh ids; a list style of the
reference that points at numbering it does not have gets ours; a missing styles or numbering part is
ours whole. So nothing the writer asks for falls back to Word's plain defaults.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree  # no stubs installed (ignored in pyproject): used as Any

from reports.paths import builtin_templates_dir
from reports.writers.docx.archive import Archive, read_file, w
from reports.writers.docx.clean import remove

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
_LISTS = ("list bullet", "list bullet 2", "list number", "list number 2")

_BUILTIN: list[Archive] = []


def builtin_reference() -> Archive:
    """The built-in reference, opened once per process (it is ours, but goes through the same checks)."""
    if not _BUILTIN:
        path = builtin_templates_dir() / "reference.docx"
        _BUILTIN.append(Archive(read_file(path, str(path)), str(path)))
    return _BUILTIN[0]


def complete_styles(styles: Any | None, numbering: Any | None) -> tuple[Any, Any]:
    """The reference's styles and numbering roots with what the writer needs added (in place); a
    missing one (None) is a copy of ours."""
    builtin = builtin_reference()
    ours_styles = builtin.xml("word/styles.xml", w("styles"))
    ours_numbering = builtin.xml("word/numbering.xml", w("numbering"))
    if styles is None:
        styles = copy.deepcopy(ours_styles)
    same_numbering = numbering is None
    if numbering is None:
        numbering = copy.deepcopy(ours_numbering)
    _StyleCompleter(styles, ours_styles, numbering, ours_numbering, same_numbering=same_numbering).run()
    return styles, numbering


def _name_of(style: Any) -> str:
    name = style.find(w("name"))
    return (name.get(w("val"), "") if name is not None else "").lower()


def _num_id(style: Any) -> Any:
    """A style's list numbering reference (its w:numId element), or None."""
    return style.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")


class _StyleCompleter:
    """Copies the writer's styles the reference lacks, with what they are based on and their lists."""

    def __init__(self, theirs: Any, ours: Any, their_numbering: Any, our_numbering: Any,
                 same_numbering: bool) -> None:
        self.theirs, self.ours = theirs, ours
        self.their_numbering, self.our_numbering = their_numbering, our_numbering
        self.same_numbering = same_numbering
        self.their_by_name = {_name_of(s): s for s in theirs.iter(w("style"))}
        self.their_ids = {s.get(w("styleId")) for s in theirs.iter(w("style"))}
        self.our_by_id = {s.get(w("styleId")): s for s in ours.iter(w("style"))}
        self.our_by_name = {_name_of(s): s for s in ours.iter(w("style"))}
        self.imported: dict[str, str] = {}  # our numId -> theirs
        self.heading_fonts = self._fonts_of("heading 1")

    def run(self) -> None:
        for name in WRITER_STYLES:
            self.ensure(name.lower())
        for name in _LISTS:
            style = self.their_by_name.get(name)
            if style is not None:
                self._repair_list(style)

    def ensure(self, name: str) -> str | None:
        """The reference's style id for ``name``, copying our style (and its base) when it is missing."""
        style = self.their_by_name.get(name)
        if style is not None:
            return str(style.get(w("styleId")))
        ours = self.our_by_name.get(name)
        if ours is None:
            return None
        style = copy.deepcopy(ours)
        style_id = str(style.get(w("styleId")))
        while style_id in self.their_ids:  # the id is taken by a style of another name
            style_id += "R"
        style.set(w("styleId"), style_id)
        self.their_by_name[name] = style
        self.their_ids.add(style_id)
        for link in ("basedOn", "next", "link"):
            element = style.find(w(link))
            if element is None:
                continue
            linked = self.our_by_id.get(element.get(w("val")))
            new_id = None
            if linked is not None and link == "basedOn":
                new_id = self.ensure(_name_of(linked))  # what a style is based on comes along
            elif linked is not None and _name_of(linked) in self.their_by_name:
                new_id = str(self.their_by_name[_name_of(linked)].get(w("styleId")))
            if new_id is None:
                style.remove(element)
            else:
                element.set(w("val"), new_id)
        self._adapt_fonts(style)
        num_id = _num_id(style)
        if num_id is not None:
            num_id.set(w("val"), self._import_list(str(num_id.get(w("val")))))
        self.theirs.append(style)
        return style_id

    def _fonts_of(self, name: str) -> dict[str, str]:
        style = self.their_by_name.get(name)
        fonts = style.find(f"{w('rPr')}/{w('rFonts')}") if style is not None else None
        if fonts is None:
            return {}
        return {k: v for k, v in fonts.attrib.items() if etree.QName(k).localname != "hint"
                and etree.QName(k).localname not in ("eastAsia", "eastAsiaTheme")}

    def _adapt_fonts(self, style: Any) -> None:
        # Our faces become the reference's: its heading face where we use ours for headings, and its
        # body face (inherited from its defaults) elsewhere. East Asian fonts stay as they are.
        for fonts in style.iter(w("rFonts")):
            ours = fonts.get(w("ascii"))
            if ours not in (OUR_BODY_FONT, OUR_HEADING_FONT):
                continue
            for attr in ("ascii", "hAnsi", "cs", "asciiTheme", "hAnsiTheme", "cstheme"):
                fonts.attrib.pop(w(attr), None)
            if ours == OUR_HEADING_FONT:
                for key, value in self.heading_fonts.items():
                    fonts.set(key, value)

    def _repair_list(self, style: Any) -> None:
        # A list style of the reference that points at numbering the reference does not have would
        # print no numbers: give it ours.
        num_id = _num_id(style)
        if num_id is None:
            return
        defined = {n.get(w("numId")) for n in self.their_numbering.iter(w("num"))}
        if num_id.get(w("val")) in defined or num_id.get(w("val")) == "0":
            return
        ours = self.our_by_name.get(_name_of(style))
        our_num = _num_id(ours) if ours is not None else None
        if our_num is not None:
            num_id.set(w("val"), self._import_list(str(our_num.get(w("val")))))

    def _import_list(self, our_num_id: str) -> str:
        """Copy our numbering instance ``our_num_id`` (and its abstract definition) into the reference's
        numbering under fresh ids; return its id there."""
        if self.same_numbering:
            return our_num_id
        if our_num_id in self.imported:
            return self.imported[our_num_id]
        num = next((n for n in self.our_numbering.iter(w("num")) if n.get(w("numId")) == our_num_id), None)
        if num is None:
            return our_num_id
        abstract_id = num.find(w("abstractNumId")).get(w("val"))
        abstract = next(a for a in self.our_numbering.iter(w("abstractNum"))
                        if a.get(w("abstractNumId")) == abstract_id)
        theirs = self.their_numbering
        new_abstract = copy.deepcopy(abstract)
        new_abstract.set(w("abstractNumId"), str(_next_id(theirs, "abstractNum", "abstractNumId")))
        for p_style in new_abstract.iter(w("pStyle")):
            linked = self.our_by_id.get(p_style.get(w("val")))
            their = self.their_by_name.get(_name_of(linked)) if linked is not None else None
            if their is None:
                remove(p_style)
            else:
                p_style.set(w("val"), their.get(w("styleId")))
        new_num = copy.deepcopy(num)
        new_num.set(w("numId"), str(_next_id(theirs, "num", "numId")))
        new_num.find(w("abstractNumId")).set(w("val"), new_abstract.get(w("abstractNumId")))
        abstracts = theirs.findall(w("abstractNum"))
        if abstracts:
            abstracts[-1].addnext(new_abstract)
        else:
            pictures = theirs.findall(w("numPicBullet"))
            theirs.insert(theirs.index(pictures[-1]) + 1 if pictures else 0, new_abstract)
        nums = theirs.findall(w("num"))
        if nums:
            nums[-1].addnext(new_num)
        else:
            new_abstract.addnext(new_num)
        self.imported[our_num_id] = str(new_num.get(w("numId")))
        return self.imported[our_num_id]


def _next_id(root: Any, tag: str, attr: str) -> int:
    values = [int(v) for e in root.iter(w(tag)) if (v := e.get(w(attr), "")).lstrip("-").isdigit()]
    return max(values, default=0) + 1
