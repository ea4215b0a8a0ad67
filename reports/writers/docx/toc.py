"""The DOCX table of contents, written with its result: right when the file is opened.

Part of write (DOCX). Word's TOC field (``TOC \\o "1-3" \\h \\z \\u``) is written as Word itself leaves it
after "Update field": the field's result is one paragraph per heading, each a hyperlink to a ``_Toc…``
bookmark around its heading, holding the heading's text, a dot-leader tab and a ``PAGEREF`` field whose
result is the page number. So Word, LibreOffice and previewers show the contents at once, Word asks no
question on opening (no ``updateFields``), and "Update field" still works.

The page numbers come from the one layout of the same document (``reports.writers.pagination``: the PDF
writer's, same page size, margins, fonts and spacing), which says where each heading fell and whether
the document is long enough for contents at all. The DOCX
follows the same page breaks as long as Word or LibreOffice paginate it as the PDF is paginated; the
tests measure how often they agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reports import tree as t
from reports.writers.measure import contents_title, heading_text

INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
BOOKMARK_PREFIX = "_Toc"
_INDENT_TWIPS = 567  # 1 cm a level, as the PDF's contents
_FIRST_BOOKMARK_ID = 1_000  # bookmark ids of the headings (w:id, unique among the document's bookmarks)


@dataclass(frozen=True)
class Entry:
    """One line of the contents: the heading's text, its outline level (0 = top) and its bookmark."""

    text: str
    level: int
    bookmark: str


def headings(blocks: Sequence[t.Block]) -> Iterator[t.Heading]:
    """Every heading of ``blocks`` in the order the writers meet them (inside lists, quotes and
    key-facts values too)."""
    for block in blocks:
        if isinstance(block, t.Heading):
            yield block
        elif isinstance(block, t.BulletList | t.OrderedList):
            for item in block.items:
                yield from headings(item.blocks)
        elif isinstance(block, t.BlockQuote | t.Revised):  # a redline's deleted heading is still written
            yield from headings(block.blocks)
        elif isinstance(block, t.FieldTable):
            for row in block.rows:
                yield from headings(row.value)


def entries(blocks: Sequence[t.Block]) -> list[Entry]:
    """The contents of a document: one entry per heading, levels nested as the PDF's outline nests them
    (a heading sits one level under the nearest earlier heading of a higher level)."""
    out: list[Entry] = []
    open_levels: list[int] = []
    for i, heading in enumerate(headings(blocks)):
        while open_levels and open_levels[-1] >= heading.level:
            open_levels.pop()
        out.append(Entry(contents_title(heading_text(heading.content)), len(open_levels), bookmark_name(i)))
        open_levels.append(heading.level)
    return out


def bookmark_name(index: int) -> str:
    """The bookmark of the ``index``-th heading: ``_Toc`` and nine digits, as Word names them."""
    return f"{BOOKMARK_PREFIX}{index + 1:09d}"



class TableOfContents:
    """The contents of one document being written: a paragraph is kept where the field goes (after the
    title block) and filled by ``finish`` once every heading has its bookmark."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.anchor = writer.new_para(writer.doc, "Normal")._p  # replaced by the field's paragraphs
        self.count = 0

    def bookmark(self, paragraph: Any) -> None:
        """Put the next heading's bookmark around the whole of ``paragraph`` (a heading just written)."""
        p = paragraph._p
        ident = str(_FIRST_BOOKMARK_ID + self.count)
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), ident)
        start.set(qn("w:name"), bookmark_name(self.count))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), ident)
        p_pr = p.find(qn("w:pPr"))
        if p_pr is not None:
            p_pr.addnext(start)
        else:
            p.insert(0, start)
        p.append(end)
        self.count += 1

    def drop(self) -> None:
        """No contents after all (the document is too short): the kept paragraph and the headings'
        bookmarks are removed."""
        body = self.anchor.getparent()
        body.remove(self.anchor)
        ours = {str(_FIRST_BOOKMARK_ID + i) for i in range(self.count)}
        marks = [m for tag in ("w:bookmarkStart", "w:bookmarkEnd") for m in body.iter(qn(tag))
                 if m.get(qn("w:id")) in ours]
        for mark in marks:
            mark.getparent().remove(mark)

    def finish(self, blocks: Sequence[t.Block], pages: Sequence[int]) -> None:
        """Write the field: its instruction, one result paragraph per heading with ``pages[i]`` as the
        i-th heading's page number, and a page break after it (the PDF starts the text on a new page)."""
        found = entries(blocks)
        if len(found) != self.count:  # every heading the writer wrote has its bookmark, in this order
            raise AssertionError(f"contents: {len(found)} headings in the tree, {self.count} written")
        writer = self.writer
        paragraphs = []
        tab = int(writer.text_width() // 635)  # EMU -> twips
        styles = contents_styles(writer, max((entry.level for entry in found), default=0) + 1, tab)
        for i, entry in enumerate(found):
            paragraph = writer.new_para(writer.doc, styles[entry.level])
            _tabs_and_indent(paragraph._p, tab, entry.level)
            if i == 0:
                _field_start(paragraph._p, INSTRUCTION)
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), entry.bookmark)
            link.set(qn("w:history"), "1")
            paragraph._p.append(link)
            writer.add_text(paragraph, entry.text, None, link)
            link.append(_run(OxmlElement("w:tab")))
            _field(link, f"PAGEREF {entry.bookmark} \\h", str(pages[i]) if i < len(pages) else "")
            paragraphs.append(paragraph._p)
        if not paragraphs:  # no headings: the field alone, with an empty result
            paragraph = writer.new_para(writer.doc, "Normal")
            _field_start(paragraph._p, INSTRUCTION)
            paragraphs.append(paragraph._p)
        last = paragraphs[-1]
        last.append(_fld_char("end"))
        page_break = OxmlElement("w:br")
        page_break.set(qn("w:type"), "page")
        last.append(_run(page_break))
        for p in paragraphs:  # written at the end of the body: moved to where the contents go
            self.anchor.addprevious(p)
        self.anchor.getparent().remove(self.anchor)


def contents_styles(writer: Any, levels: int, twips: int) -> list[str]:
    """The names of the styles of the contents' levels 1 to ``levels`` (at least the three the field's
    ``\\o "1-3"`` asks for), made where the document lacks them: Word's "toc 1", "toc 2" ... (LibreOffice's
    "Contents 1" ...), each based on Normal, indented 1 cm a level, with a right tab at ``twips`` led by
    dots. When Word or LibreOffice updates the field, they set the entries in these styles: the leaders
    are at every level, as in the PDF's contents, however the contents were made. A reference's own TOC
    style keeps its look, and gets the dotted right tab if it has no tab stops."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from reports.writers.docx.ooxml import P_PR_ORDER, place

    root = writer.doc.styles.element
    by_name = {(s.find(qn("w:name")).get(qn("w:val")) or "").lower(): s for s in root.iterchildren(qn("w:style"))
               if s.find(qn("w:name")) is not None}
    ids = {s.get(qn("w:styleId")) for s in root.iterchildren(qn("w:style"))}
    names = []
    for level in range(1, max(levels, 3) + 1):
        name = f"toc {level}"
        style = by_name.get(name)
        if style is None:
            style_id = f"TOC{level}"
            while style_id in ids:  # a reference's own style of that id under another name
                style_id += "x"
            ids.add(style_id)
            style = parse_xml(
                f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="{style_id}">'
                f'<w:name w:val="{name}"/><w:basedOn w:val="{writer.style_id("Normal") or "Normal"}"/>'
                '<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:pPr/></w:style>')
            root.append(style)
            writer.ids[f"TOC {level}"] = style_id
            p_pr = style.find(qn("w:pPr"))
            _tabs_and_indent(p_pr, twips, level - 1)
        else:
            writer.ids[f"TOC {level}"] = style.get(qn("w:styleId"))
            p_pr = style.find(qn("w:pPr"))
            if p_pr is None:
                p_pr = OxmlElement("w:pPr")
                place(style, p_pr, _STYLE_ORDER)
            if p_pr.find(qn("w:tabs")) is None:
                place(p_pr, _dotted_tab(twips), P_PR_ORDER)
        names.append(f"TOC {level}")
    return names


# CT_Style's children in the schema's order (what a style's pPr goes between).
_STYLE_ORDER = ("name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
                "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
                "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr")


def _dotted_tab(twips: int) -> Any:
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:leader"), "dot")
    tab.set(qn("w:pos"), str(twips))
    tabs.append(tab)
    return tabs


def _tabs_and_indent(p: Any, twips: int, level: int) -> None:
    """A right tab at ``twips`` led by dots, and the indent of ``level``: in the paragraph properties
    ``p`` (a style's) or those of the paragraph ``p``, as Word writes them in each entry of its result."""
    from reports.writers.docx.ooxml import P_PR_ORDER, place

    p_pr = p if p.tag == qn("w:pPr") else p.find(qn("w:pPr"))
    if p_pr is None:
        p_pr = OxmlElement("w:pPr")
        p.insert(0, p_pr)
    place(p_pr, _dotted_tab(twips), P_PR_ORDER)
    indent = OxmlElement("w:ind")
    indent.set(qn("w:left"), str(level * _INDENT_TWIPS))
    place(p_pr, indent, P_PR_ORDER)


def _run(child: Any) -> Any:
    run = OxmlElement("w:r")
    run.append(child)
    return run


def _fld_char(kind: str) -> Any:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return _run(char)


def _instruction(text: str) -> Any:
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {text} "
    return _run(instr)


def _field_start(p: Any, instruction: str) -> None:
    for element in (_fld_char("begin"), _instruction(instruction), _fld_char("separate")):
        p.append(element)


def _field(parent: Any, instruction: str, result: str) -> None:
    """A complete field (begin, instruction, separate, result, end) appended to ``parent``."""
    _field_start(parent, instruction)
    text = OxmlElement("w:t")
    text.text = result
    parent.append(_run(text))
    parent.append(_fld_char("end"))


__all__ = ["BOOKMARK_PREFIX", "INSTRUCTION", "Entry", "TableOfContents", "bookmark_name", "entries", "headings"]
