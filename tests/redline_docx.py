"""A redline DOCX read as Word's Accept All and Reject All would leave it, for tests.

``accepted(docx)`` / ``rejected(docx)``: the text of every paragraph of the document after accepting /
rejecting every tracked change: the body's paragraphs in document order (a table's cell paragraphs in
row and cell order, where the table stands), then the text of every footnote still referenced, in the
order of its references. ``accepted_paragraphs`` / ``rejected_paragraphs`` give the same paragraphs with
their paragraph style and their runs' character styles, for the changes that are formatting only.

What accepting does (ECMA-376 Part 1, 17.13.5), and rejecting mirrors:

- a run in ``w:del`` is dropped, a run in ``w:ins`` kept (``w:delText`` is a deleted run's text);
- a row whose ``w:trPr`` holds ``w:del`` is dropped, with everything in it;
- a paragraph whose mark is deleted (``w:pPr/w:rPr/w:del``) is joined to the next paragraph of its story:
  what is left of its text comes first in that paragraph (a wholly deleted paragraph disappears); at the
  end of a story (body, cell, footnote) what is left, if any, stays a paragraph of its own;
- ``w:rPrChange`` / ``w:pPrChange`` are dropped (accept) or their old properties put back (reject);
- a footnote whose reference run is deleted is gone.

``marked_words(docx)`` gives the text of each change once: one piece per ``w:ins`` / ``w:del`` holding
runs, in document order (the body, then footnotes.xml), split where a footnote reference stands (the
note's own text is a piece of its own). Paragraph marks and rows carry no text and give no piece.

Text is the runs' ``w:t`` / ``w:delText``, a tab as "\\t", a line break as "\\n" (a page break as
nothing); a footnote reference and the note's own number in the note give no text.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


_P, _R, _TBL, _TR, _TC, _INS, _DEL = (_w(n) for n in ("p", "r", "tbl", "tr", "tc", "ins", "del"))
_PPR, _RPR, _TRPR, _PSTYLE, _RSTYLE = (_w(n) for n in ("pPr", "rPr", "trPr", "pStyle", "rStyle"))
_RPRCHANGE, _PPRCHANGE, _REF = _w("rPrChange"), _w("pPrChange"), _w("footnoteReference")
_VAL, _ID = _w("val"), _w("id")


@dataclass(frozen=True)
class Para:
    """A paragraph as a version has it: its style id ("" for none) and runs (text, character style id),
    adjacent runs of one style joined and empty ones left out."""

    style: str
    runs: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


def accepted(docx: bytes) -> list[str]:
    """The text of every paragraph after Accept All (see the module's docstring)."""
    return [p.text for p in accepted_paragraphs(docx)]


def rejected(docx: bytes) -> list[str]:
    """The text of every paragraph after Reject All."""
    return [p.text for p in rejected_paragraphs(docx)]


def accepted_paragraphs(docx: bytes) -> list[Para]:
    return _Version(docx, accept=True).paragraphs()


def rejected_paragraphs(docx: bytes) -> list[Para]:
    return _Version(docx, accept=False).paragraphs()


def marked_words(docx: bytes) -> tuple[list[str], list[str]]:
    """(inserted, deleted): the text of each change holding runs, once (see the module's docstring)."""
    inserted: list[str] = []
    deleted: list[str] = []
    for root in _roots(docx):
        for change in root.iter(_INS, _DEL):
            pieces = [""]
            for run in change.iterchildren(_R):
                if run.find(_REF) is not None:
                    pieces.append("")
                pieces[-1] += _run_text(run)
            (inserted if change.tag == _INS else deleted).extend(piece for piece in pieces if piece)
    return inserted, deleted


def change_elements(docx: bytes) -> list[Any]:
    """Every tracked-change element (w:ins, w:del, w:rPrChange, w:pPrChange) of the body and footnotes."""
    return [e for root in _roots(docx) for e in root.iter(_INS, _DEL, _RPRCHANGE, _PPRCHANGE)]


# ------------------------------------------------------------------------------------------ reading


def _roots(docx: bytes) -> list[Any]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        names = set(archive.namelist())
        return [etree.fromstring(archive.read(name)) for name in ("word/document.xml", "word/footnotes.xml")
                if name in names]


def _run_text(run: Any) -> str:
    out = []
    for child in run:
        if child.tag in (_w("t"), _w("delText")):
            out.append(child.text or "")
        elif child.tag == _w("tab"):
            out.append("\t")
        elif child.tag == _w("br") and child.get(_w("type"), "textWrapping") == "textWrapping":
            out.append("\n")
    return "".join(out)


class _Version:
    """One version of a redline: the old (``accept`` False) or the new."""

    def __init__(self, docx: bytes, accept: bool) -> None:
        roots = _roots(docx)
        self.body = roots[0].find(_w("body"))
        self.notes = {n.get(_ID): n for n in roots[1].iterchildren(_w("footnote"))} if len(roots) > 1 else {}
        self.accept = accept
        self.gone = _DEL if accept else _INS  # what this version does not have
        self.referenced: list[str] = []  # the footnotes this version's text refers to, in order

    def paragraphs(self) -> list[Para]:
        out = self._story(self.body)
        done: set[str] = set()
        while len(done) < len(self.referenced):  # notes referenced in notes come after
            for note_id in [n for n in self.referenced if n not in done]:
                done.add(note_id)
                if note_id in self.notes:
                    out.extend(self._story(self.notes[note_id]))
        return out

    def _story(self, container: Any) -> list[Para]:
        """The paragraphs of a story (body, cell, footnote), deleted paragraph marks joined onward."""
        out: list[Para] = []
        pending: list[tuple[str, str]] = []  # what is left of paragraphs whose mark this version lacks
        for child in container:
            if child.tag == _P:
                style, runs = self._paragraph(child)
                if self._mark_gone(child):
                    pending.extend(runs)
                    continue
                out.append(_para(style, pending + runs))
                pending = []
            elif child.tag == _TBL:
                for tr in child.iterchildren(_TR):
                    if self._row_gone(tr):
                        continue
                    for tc in tr.iterchildren(_TC):
                        out.extend(self._story(tc))
            elif child.tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    out.extend(self._story(content))
        if any(text for text, _ in pending):
            out.append(_para("", pending))
        return out

    def _mark_gone(self, p: Any) -> bool:
        r_pr = p.find(f"{_PPR}/{_RPR}")
        return r_pr is not None and r_pr.find(self.gone) is not None

    def _row_gone(self, tr: Any) -> bool:
        tr_pr = tr.find(_TRPR)
        return tr_pr is not None and tr_pr.find(self.gone) is not None

    def _paragraph(self, p: Any) -> tuple[str, list[tuple[str, str]]]:
        p_pr = p.find(_PPR)
        style = _val(p_pr, _PSTYLE) if p_pr is not None else ""
        change = p_pr.find(_PPRCHANGE) if p_pr is not None else None
        if change is not None and not self.accept:
            style = _val(change.find(_PPR), _PSTYLE)
        return style, self._runs(p)

    def _runs(self, element: Any) -> list[tuple[str, str]]:
        runs: list[tuple[str, str]] = []
        for child in element:
            if child.tag == self.gone:
                continue
            if child.tag == _R:
                for reference in child.iter(_REF):
                    self.referenced.append(reference.get(_ID))
                runs.append((_run_text(child), self._char_style(child)))
            elif child.tag in (_INS, _DEL, _w("hyperlink"), _w("smartTag"), _w("fldSimple")):
                runs.extend(self._runs(child))
        return runs

    def _char_style(self, run: Any) -> str:
        r_pr = run.find(_RPR)
        if r_pr is None:
            return ""
        change = r_pr.find(_RPRCHANGE)
        if change is not None and not self.accept:
            return _val(change.find(_RPR), _RSTYLE)
        return _val(r_pr, _RSTYLE)


def _val(parent: Any, tag: str) -> str:
    if parent is None:
        return ""
    element = parent.find(tag)
    return element.get(_VAL, "") if element is not None else ""


def _para(style: str, runs: list[tuple[str, str]]) -> Para:
    joined: list[tuple[str, str]] = []
    for text, char_style in runs:
        if not text:
            continue
        if joined and joined[-1][1] == char_style:
            joined[-1] = (joined[-1][0] + text, char_style)
        else:
            joined.append((text, char_style))
    return Para(style, tuple(joined))


__all__ = ["Para", "accepted", "accepted_paragraphs", "change_elements", "marked_words", "rejected",
           "rejected_paragraphs"]


def without_summary(paragraphs: list[Para], heading: str = "What changed") -> list[str]:
    """The text of ``paragraphs`` without what a redline adds to a document: the "What changed" section
    (its heading, ``heading`` in the document's language, and its list) and the contents, which a
    redline may have where the document had none (the section makes it longer)."""
    out: list[str] = []
    skipping = False
    for paragraph in paragraphs:
        if paragraph.style.startswith("TOC"):
            continue
        if paragraph.style.startswith("Heading") and paragraph.text == heading:
            skipping = True
            continue
        if skipping and paragraph.style.startswith("List"):
            continue
        skipping = False
        out.append(paragraph.text)
    return out
