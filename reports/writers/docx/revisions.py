"""A redline's marks as Word tracked changes: ``w:ins``, ``w:del``, ``w:rPrChange``, ``w:pPrChange``.

Part of write (DOCX). The story writes a marked node as it writes any other; this module then marks
what that wrote. A node's output is found as the elements it appended (``Span``: the children of its
container, the body or a cell, that it added), so every way the story makes a run (its fast lxml path,
python-docx's ``add_run`` for breaks and pictures, the timeline's drawing, a footnote's reference) is
marked alike, and a document without marks never meets this code.

What each mark becomes (ECMA-376 Part 1, 17.13.5):

- runs: wrapped, each unbroken sequence of them, in one ``w:ins`` / ``w:del`` (inside a ``w:hyperlink``
  when they are a link's: the schema allows a change inside a link, not a link inside a change); a
  deleted run's ``w:t`` becomes ``w:delText``, its tabs and breaks stay in it;
- a whole paragraph: its runs, and its paragraph mark (``w:pPr/w:rPr/w:ins|w:del``), so that Accept
  All removes a deleted paragraph and Reject All an inserted one instead of leaving it empty;
- a table row: ``w:trPr/w:ins|w:del`` and everything in its cells;
- a footnote: its reference run, and every run and paragraph mark of its text;
- a restyled run: ``w:rPrChange`` holding the old ``w:rPr``; a restyled paragraph: ``w:pPrChange``
  holding the old ``w:pPr`` (its style).

Every change has its own ``w:id`` (one count across the body and the footnotes), ``w:author`` and
``w:date`` (``WriterOptions``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any

from docx.oxml.ns import qn

from reports import tree as t
from reports.writers.docx import ooxml
from reports.writers.xmltext import xml_safe

_W = {name: qn(f"w:{name}") for name in (
    "p", "r", "t", "delText", "instrText", "delInstrText", "pPr", "rPr", "trPr", "tr", "ins", "del",
    "pStyle", "rStyle", "rPrChange", "pPrChange", "footnoteReference", "sectPr", "id", "author", "date",
    "val", "tbl", "tblPr", "tblGrid", "tcPr", "sdtPr", "footnote")}
_CHANGES = frozenset({_W["ins"], _W["del"]})
# Property elements: nothing in them is a run, a paragraph or a row to mark.
_PROPERTIES = frozenset({_W["pPr"], _W["rPr"], _W["trPr"], _W["tblPr"], _W["tblGrid"], _W["tcPr"], _W["sdtPr"]})
# The character style of a restyled run's old formatting (``Restyled.was``), as the story names them.
_CHAR_STYLES = {"strong": "Strong", "emphasis": "Emphasis", "code": "Code", "link": "Hyperlink"}


class Revisions:
    """The tracked changes of one document being written: who made them, when, and the next id."""

    def __init__(self, author: str = "reports", date: str = "1970-01-01T00:00:00Z") -> None:
        self.author = xml_safe(author) or "reports"
        self.date = date
        self.next_id = 1

    def stamp(self, parent: Any, tag: str) -> Any:
        """A new change element ``tag`` (made in ``parent``'s document, not attached) with its id,
        author and date."""
        element = parent.makeelement(tag, {_W["id"]: str(self.next_id), _W["author"]: self.author,
                                           _W["date"]: self.date})
        self.next_id += 1
        return element


class Span:
    """The block elements a node appends to ``container`` (the python-docx document or a cell).

    The body ends with its section settings, which new blocks go before: the span is counted from the
    end, so it holds whatever was added between ``__init__`` and ``elements``.
    """

    def __init__(self, writer: Any, container: Any) -> None:
        self.parent = writer.body_element if container is writer.doc else container._element
        self.before = len(self.parent)
        self.start = self.before - 1 if self.before and self.parent[-1].tag == _W["sectPr"] else self.before

    def elements(self) -> list[Any]:
        return list(self.parent[self.start:self.start + len(self.parent) - self.before])


# ------------------------------------------------------------------------------------------ handlers


def revised(writer: Any, node: t.Revised, container: Any) -> None:
    """A ``Revised`` block: its blocks written, then marked whole or restyled."""
    span = Span(writer, container)
    writer.blocks(node.blocks, container)
    if node.change == "restyled":
        restyle_paragraphs(writer, span.elements(), node.was)
    else:
        mark(writer, span.elements(), node.change)


def changed_inline(writer: Any, paragraph: Any, node: t.Inserted | t.Deleted, char_style: str | None,
                   target: Any) -> None:
    """An ``Inserted`` or ``Deleted`` inline: its runs written where any run goes, then wrapped."""
    parent = paragraph._p if target is None else target
    before = len(parent)
    writer.runs(paragraph, node.children, char_style, target)
    _wrap_runs(writer, parent[before:], "inserted" if isinstance(node, t.Inserted) else "deleted")


def restyled_inline(writer: Any, paragraph: Any, node: t.Restyled, char_style: str | None, target: Any) -> None:
    """A ``Restyled`` inline: its runs written in the new formatting, each given its old one."""
    parent = paragraph._p if target is None else target
    before = len(parent)
    writer.runs(paragraph, node.children, char_style, target)
    old_style = writer.ids.get(_CHAR_STYLES[node.was]) if node.was else None
    for run in _runs(parent[before:]):
        if run.find(_W["footnoteReference"]) is None:  # a note's number keeps its own style
            _restyle_run(writer, run, old_style)


def marked_rows(writer: Any, tables: Iterable[Any], changes: tuple[t.Change, ...], header: bool) -> None:
    """Mark the body rows of ``tables`` (the ``w:tbl`` elements a table was written as, one per part
    of a wide table, each with the same rows) with ``changes``, one per body row."""
    for tbl in tables:
        rows = [tr for tr in tbl.iterchildren(_W["tr"])][1 if header else 0:]
        for tr, change in zip(rows, changes, strict=False):
            if change:
                mark(writer, [tr], change)


def mark_spacers(writer: Any) -> None:
    """Mark the spacer paragraph after a table as being in the versions that have it.

    ``access.space_after_tables`` puts an empty paragraph of exact height after a table that another
    table or a cell's end follows. A version has it when it has the table before it and, in that
    version, another table or the cell's end comes next: after a wholly inserted (deleted) table it
    belongs to the new (old) version only; between a wholly deleted table and a wholly inserted one (a
    key-facts table replaced whole) it is in neither, and its paragraph mark is both inserted and
    deleted, so that Accept All and Reject All each remove it. Called once the spaces are in
    (``access.finish``)."""
    for tbl, _ in writer.gaps:
        spacer = tbl.getnext()
        if spacer is None or spacer.tag != _W["p"] or not _is_spacer(spacer):
            continue
        after = spacer.getnext()
        if not _row_change(tbl.find(_W["tr"])) and (after is None or after.tag != _W["tbl"]
                                                    or not _row_change(after.find(_W["tr"]))):
            continue  # the common case, tables without marks: a look at each one's first row
        has = {v for v in _versions(tbl) if _table_follows(spacer, v)}
        if has == {"new"}:
            _mark_paragraph(writer, spacer, "inserted")
        elif has == {"old"}:
            _mark_paragraph(writer, spacer, "deleted")
        elif not has:
            _mark_paragraph(writer, spacer, "inserted", both=True)


def _table_follows(spacer: Any, version: str) -> bool:
    """Whether, in ``version``, a table or the cell's end comes next after ``spacer``: what the version
    has not (a table every row of which the other one added, a paragraph whose mark it lacks, another
    spacer) is passed over."""
    gone = _W["ins"] if version == "old" else _W["del"]
    for element in spacer.itersiblings():
        if element.tag == _W["tbl"]:
            if version in _versions(element):
                return True
        elif element.tag != _W["p"] or not (_is_spacer(element) or _mark_is(element, gone)):
            return False
    return bool(spacer.getparent().tag == qn("w:tc"))


def _mark_is(p: Any, change_tag: str) -> bool:
    return p.find(f"{_W['pPr']}/{_W['rPr']}/{change_tag}") is not None


def _is_spacer(p: Any) -> bool:
    spacing = p.find(f"{_W['pPr']}/{qn('w:spacing')}")
    return (p.find(_W["r"]) is None and spacing is not None and spacing.get(qn("w:lineRule")) == "exact"
            and p.find(f"{_W['pPr']}/{_W['pStyle']}") is None)


def _versions(tbl: Any) -> set[str]:
    """The versions ("old", "new") a table is in: both, unless every row is inserted (deleted)."""
    kinds = {_row_change(tr) for tr in tbl.iterchildren(_W["tr"])}
    if kinds == {"inserted"}:
        return {"new"}
    if kinds == {"deleted"}:
        return {"old"}
    return {"old", "new"}


def _row_change(tr: Any) -> str:
    tr_pr = tr.find(_W["trPr"]) if tr is not None else None
    if tr_pr is not None and tr_pr.find(_W["ins"]) is not None:
        return "inserted"
    if tr_pr is not None and tr_pr.find(_W["del"]) is not None:
        return "deleted"
    return ""


# ------------------------------------------------------------------------------------------ marking


def mark(writer: Any, elements: Iterable[Any], change: str) -> None:
    """Mark ``elements`` (paragraphs, tables, rows) and all they hold as wholly ``change``d."""
    for element in elements:
        _mark(writer, element, change)


def _mark(writer: Any, element: Any, change: str) -> None:
    tag = element.tag
    if tag == _W["p"]:
        _mark_paragraph(writer, element, change)
    elif tag == _W["tr"]:
        tr_pr = element.find(_W["trPr"])
        if tr_pr is None:
            tr_pr = element.get_or_add_trPr()
        if tr_pr.find(_W["ins"]) is None and tr_pr.find(_W["del"]) is None:
            tr_pr.append(writer.revisions.stamp(tr_pr, _tag(change)))  # after CT_TrPrBase's elements
    _mark_children(writer, element, change)


def _mark_children(writer: Any, element: Any, change: str) -> None:
    """Wrap the runs directly in ``element`` and mark what else it holds (links, cells, nested tables)."""
    _wrap_runs(writer, element, change)
    for child in element:
        if child.tag not in _CHANGES and child.tag not in _PROPERTIES and child.tag != _W["r"]:
            _mark(writer, child, change)


def _properties(element: Any, tag: str) -> Any:
    """``element``'s properties (``w:pPr`` of a paragraph, ``w:rPr`` of a run), made first if missing:
    the schema puts them before everything else."""
    found = element.find(tag)
    if found is None:
        found = element.makeelement(tag, {})
        element.insert(0, found)
    return found


def _mark_paragraph(writer: Any, p: Any, change: str, both: bool = False) -> None:
    p_pr = _properties(p, _W["pPr"])
    r_pr = p_pr.find(_W["rPr"])
    if r_pr is None:
        r_pr = ooxml.place(p_pr, p_pr.makeelement(_W["rPr"], {}), ooxml.P_PR_ORDER)
    if r_pr.find(_W["ins"]) is None and r_pr.find(_W["del"]) is None:
        r_pr.insert(0, writer.revisions.stamp(r_pr, _tag(change)))  # CT_ParaRPr: ins, del first
        if both:  # inserted, then deleted: in neither version
            r_pr.insert(1, writer.revisions.stamp(r_pr, _W["del"]))


def _wrap_runs(writer: Any, children: Iterable[Any], change: str) -> None:
    """Wrap each unbroken sequence of runs among ``children`` (siblings, in order) in one change."""
    group: list[Any] = []
    for child in [*children, None]:
        if child is not None and child.tag == _W["r"]:
            group.append(child)
            continue
        if group:
            wrapper = writer.revisions.stamp(group[0], _tag(change))
            group[0].addprevious(wrapper)
            for run in group:
                wrapper.append(run)
                if change == "deleted":
                    _deleted_text(run)
                _mark_note(writer, run, change)
            group = []


def _deleted_text(run: Any) -> None:
    # Only the run's own children: a drawing's text boxes hold runs of their own, removed with it.
    for child in run:
        if child.tag == _W["t"]:
            child.tag = _W["delText"]
        elif child.tag == _W["instrText"]:
            child.tag = _W["delInstrText"]


def _mark_note(writer: Any, run: Any, change: str) -> None:
    """A changed footnote reference: the footnote's text is changed alike (its runs, its paragraph
    marks), so that it goes, or stays, with its reference."""
    reference = run.find(_W["footnoteReference"])
    notes = getattr(writer, "_footnotes", None)  # docx_notes.Footnotes, made by the first note
    if reference is None or notes is None:
        return
    note_id = reference.get(_W["id"])
    for footnote in notes.root.iterchildren(_W["footnote"]):
        if footnote.get(_W["id"]) == note_id:
            for p in footnote.iterchildren(_W["p"]):
                _mark(writer, p, change)
            return


def _runs(elements: Iterable[Any]) -> Iterator[Any]:
    """The runs among ``elements`` and inside the links among them (not a drawing's own runs)."""
    for element in elements:
        if element.tag == _W["r"]:
            yield element
        elif element.tag not in _PROPERTIES:
            yield from _runs(element)


def _tag(change: str) -> str:
    if change not in ("inserted", "deleted"):
        raise ValueError(f"not a change a run or paragraph can carry: {change!r}")
    return _W["ins"] if change == "inserted" else _W["del"]


# ------------------------------------------------------------------------------------------ formatting


def _restyle_run(writer: Any, run: Any, old_style: str | None) -> None:
    """Give ``run`` a ``w:rPrChange`` holding its old properties: these, with the old character style."""
    r_pr = _properties(run, _W["rPr"])
    old = r_pr.makeelement(_W["rPr"], {})
    if old_style:
        old.append(old.makeelement(_W["rStyle"], {_W["val"]: old_style}))
    # The rest of the formatting (an East Asian face and language) is the same in both versions.
    for child in r_pr:
        if child.tag not in (_W["rStyle"], _W["rPrChange"]):
            old.append(copy.deepcopy(child))
    change = writer.revisions.stamp(r_pr, _W["rPrChange"])
    change.append(old)
    r_pr.append(change)  # last in w:rPr


def restyle_paragraphs(writer: Any, elements: Iterable[Any], was: str) -> None:
    """Give every paragraph among ``elements`` (and in their tables) a ``w:pPrChange`` holding the
    old paragraph style ``was`` ("Normal": no style named, as the story writes a Normal paragraph)."""
    old_style = writer.style_id(was) if was and was != "Normal" else None
    for element in elements:
        paragraphs = [element] if element.tag == _W["p"] else list(_paragraphs(element))
        for p in paragraphs:
            p_pr = _properties(p, _W["pPr"])
            old = p_pr.makeelement(_W["pPr"], {})
            if old_style:
                old.append(old.makeelement(_W["pStyle"], {_W["val"]: old_style}))
            change = writer.revisions.stamp(p_pr, _W["pPrChange"])
            change.append(old)
            p_pr.append(change)  # last in w:pPr


def _paragraphs(element: Any) -> Iterator[Any]:
    for child in element:
        if child.tag == _W["p"]:
            yield child
        elif child.tag not in _PROPERTIES and child.tag != _W["r"]:
            yield from _paragraphs(child)


__all__ = ["Revisions", "Span", "changed_inline", "mark", "mark_spacers", "marked_rows", "restyle_paragraphs",
           "restyled_inline", "revised"]
