"""Generated redlines, end to end: an agreement and a mutation of it (fields added, removed, edited and
reordered; parties and timeline rows added and removed; long and CJK text) made into both documents as
the pipeline makes them, and read back.

DOCX: Accept All gives exactly the new version's text and Reject All the old one's (the "What changed"
section and the contents aside), every inserted or deleted character is inside exactly one change,
openxml-audit finds nothing, and LibreOffice lists the changes. PDF: the validators pass, and on the
same generated tree with its words replaced by words that say whether they are marked, a change bar
stands beside exactly the lines that hold a marked word.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from reports import tree as t
from reports import worddiff
from reports.autolink import joined, linked, upper
from reports.model import Agreement
from reports.pipeline import Against, Options, _compose, render_formats
from reports.redline import redline
from reports.theme import DEFAULT_THEME
from reports.writers.measure import SEPARATOR
from tests.mutations import mutations
from tests.office import Office
from tests.redline_docx import accepted_paragraphs, marked_words, rejected_paragraphs, without_summary
from tests.validators import check_pdf, docx_findings
from tests.writers.test_pdf_redline import _check_bars
from tests.writing import write_pdf

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def _docx(agreement: Agreement, kind: str) -> bytes:
    return render_formats(agreement, kind, ("docx",))[0].data


# The suite's longest test (about 3 s an example: both formats, openxml-audit, the PDF validators and a
# LibreOffice conversion) runs as one test per kind, six examples each (twelve in all, as before), so that
# two workers can share it rather than one holding the end of the run.
@pytest.mark.parametrize("kind", ["briefing", "memo"])
@settings(SETTINGS, max_examples=SETTINGS.max_examples // 2)
@given(pair=mutations(edits=3))
def test_accept_all_is_new_reject_all_is_old_and_every_change_is_marked_once(
        pair: tuple[Agreement, Agreement, str], kind: str, office: Office, tmp_path_factory: object) -> None:
    old, new, _ = pair
    docx, pdf = (r.data for r in render_formats(new, kind, ("docx", "pdf"), against=Against(old, "old.yaml")))
    assert without_summary(accepted_paragraphs(docx)) == without_summary(accepted_paragraphs(_docx(new, kind)))
    assert without_summary(rejected_paragraphs(docx)) == without_summary(accepted_paragraphs(_docx(old, kind)))
    inserted, deleted = marked_words(docx)
    want_inserted, want_deleted = _marked_text(old, new, kind)
    assert _chars(inserted) == _chars(want_inserted)
    assert _chars(deleted) == _chars(want_deleted)
    assert docx_findings(docx) == []
    event(check_pdf(pdf, generated=True) or "no finding")  # fails on any finding not excused
    if inserted or deleted:  # LibreOffice opens the file and lists its changes
        folder = Path(str(tmp_path_factory.mktemp("lo")))  # type: ignore[attr-defined]
        (folder / "redline.docx").write_bytes(docx)
        odt = office.convert([folder / "redline.docx"], export="odt")[0].read_bytes()
        content = zipfile.ZipFile(io.BytesIO(odt)).read("content.xml").decode()
        assert "<text:tracked-changes" in content and "<text:changed-region" in content


def _chars(pieces: list[str]) -> Counter[str]:
    return Counter("".join(pieces).replace("\t", "").replace("\n", "").replace(" ", "").replace("\u00a0", ""))


def _marked_text(old: Agreement, new: Agreement, kind: str) -> tuple[list[str], list[str]]:
    """The inserted and deleted text a redline of ``old`` and ``new`` should mark: the body's marks in
    the redlined tree, and the title block's lines as the DOCX writer compares them."""
    a = _compose(old, kind, ("docx",), Options(), "old.yaml")[0]
    b = _compose(new, kind, ("docx",), Options(), "new.yaml")[0]
    marked = redline(a, b, ["summary"])
    inserted: list[str] = []
    deleted: list[str] = []
    _collect(marked.blocks, "", inserted, deleted, marked.meta.labels)
    for was, now in zip(_title_lines(a.meta), _title_lines(b.meta), strict=True):
        _inline(worddiff.line(was, now) if was != now else now, "", inserted, deleted)
    return inserted, deleted


def _title_lines(meta: t.Meta) -> list[t.Inlines]:
    if meta.kind == "memo":
        return [upper(linked(meta.organisation)) if meta.organisation else ()]
    return [joined([upper(linked(x)) for x in (meta.organisation, meta.classification) if x], SEPARATOR),
            linked(meta.title), linked(meta.subtitle) if meta.subtitle else (),
            linked(SEPARATOR.join(x for x in (meta.category, meta.date) if x)), linked(SEPARATOR.join(meta.parties))]


def _collect(node: object, change: str, inserted: list[str], deleted: list[str],
             labels: t.Labels) -> None:
    if isinstance(node, tuple):
        for child in node:
            _collect(child, change, inserted, deleted, labels)
    elif isinstance(node, t.Revised):
        _collect(node.blocks, "" if node.change == "restyled" else node.change, inserted, deleted, labels)
    elif isinstance(node, t.Field):
        _inline(node.label, node.change or change, inserted, deleted)
        _collect(node.value, node.change or change, inserted, deleted, labels)
    elif isinstance(node, t.ListItem):
        _collect(node.blocks, node.change or change, inserted, deleted, labels)
    elif isinstance(node, t.Table):
        _inline(node.header, change, inserted, deleted)
        for row, row_change in zip(node.rows, node.row_changes or ("",) * len(node.rows), strict=True):
            for cell in row:
                _inline(cell, row_change or change, inserted, deleted)
    elif isinstance(node, t.Paragraph | t.Heading):
        _inline(node.content, change, inserted, deleted)
    elif isinstance(node, t.BulletList | t.OrderedList):
        _collect(node.items, change, inserted, deleted, labels)
    elif isinstance(node, t.BlockQuote):
        _collect(node.blocks, change, inserted, deleted, labels)
        # The writer puts a dash before the speaker: its own word, marked with a quote marked whole.
        _inline((t.Text("—"), *node.attribution) if change and node.attribution else node.attribution, change,
                inserted, deleted)
    elif isinstance(node, t.FieldTable):
        _collect(node.rows, change, inserted, deleted, labels)
    elif isinstance(node, t.Timeline | t.Image | t.Chart) and change and node.number is not None:
        # A figure's caption is a paragraph the writer adds under it ("Figure 1: Key dates"); the words
        # inside the drawing are in its text boxes, not the change's own runs (``marked_words``).
        (inserted if change == "inserted" else deleted).append(labels.figure_caption(node.number, node.caption))


def _inline(content: object, change: str, inserted: list[str], deleted: list[str]) -> None:
    if isinstance(content, tuple):
        for node in content:
            _inline(node, change, inserted, deleted)
    elif isinstance(content, t.Inserted | t.Deleted):
        _inline(content.children, "inserted" if isinstance(content, t.Inserted) else "deleted", inserted, deleted)
    elif isinstance(content, t.Text | t.Code):
        if change:
            (inserted if change == "inserted" else deleted).append(content.text)
    elif isinstance(content, t.Note):
        _collect(content.blocks, change, inserted, deleted, t.Labels())  # a note holds paragraphs only
    elif isinstance(content, t.Strong | t.Emphasis | t.Link | t.Restyled):
        _inline(content.children, change, inserted, deleted)


# --------------------------------------------------------------------------- change bars in the PDF


@SETTINGS
@given(pair=mutations(edits=3), kind=st.sampled_from(["briefing", "memo"]))
def test_change_bars_stand_beside_exactly_the_changed_lines(pair: tuple[Agreement, Agreement, str],
                                                             kind: str) -> None:
    old, new, _ = pair
    a = _compose(old, kind, ("pdf",), Options(), "old.yaml")[0]
    b = _compose(new, kind, ("pdf",), Options(), "new.yaml")[0]
    marked = redline(a, b, ["summary"])
    counter = [0]
    blocks = tuple(_words(block, "", counter) for block in marked.blocks
                   if not isinstance(block, t.Timeline | t.Image | t.Chart) and not _holds_figure(block))
    meta = dataclasses.replace(marked.meta, previous=None, toc=False)
    data = write_pdf(t.Document(meta, blocks), DEFAULT_THEME)
    _check_bars(data, ("zzmark",))


def _holds_figure(block: t.Block) -> bool:
    # A figure inside a marked block is barred whole, labels and axis included: its words are the
    # writer's, not the tree's, so it is left out here (tests/writers/test_pdf_redline.py bars it).
    return isinstance(block, t.Revised) and any(isinstance(b, t.Timeline | t.Image | t.Chart) or _holds_figure(b)
                                                for b in block.blocks)


_WORD = re.compile(r"\S+")


def _words(node: object, change: str, counter: list[int]) -> object:
    """``node`` with every word replaced by ``zzmarkN`` where it is marked and ``plainN`` elsewhere, its
    shape (paragraphs, marks, rows, items, notes) kept."""
    if isinstance(node, tuple):
        return tuple(_words(child, change, counter) for child in node)
    if isinstance(node, t.Text | t.Code):
        def word(_: re.Match[str]) -> str:
            counter[0] += 1
            return f"{'zzmark' if change else 'plain'}{counter[0]}"
        return type(node)(_WORD.sub(word, node.text))
    if isinstance(node, t.Inserted | t.Deleted | t.Restyled):
        return type(node)(_words(node.children, "marked", counter)) if not isinstance(node, t.Restyled) \
            else t.Restyled(_words(node.children, "marked", counter), node.was)  # type: ignore[arg-type]
    if isinstance(node, t.Revised):
        return t.Revised(node.change, _words(node.blocks, "marked", counter), node.was)  # type: ignore[arg-type]
    if isinstance(node, t.ListItem | t.Field):
        inner = node.change or change
        return dataclasses.replace(node, **{f.name: _words(getattr(node, f.name), inner, counter)
                                            for f in dataclasses.fields(node) if f.name != "change"})
    if isinstance(node, t.Table):
        rows = tuple(_words(row, row_change or change, counter)
                     for row, row_change in zip(node.rows, node.row_changes or ("",) * len(node.rows), strict=True))
        return dataclasses.replace(node, header=_words(node.header, change, counter), rows=rows)
    if isinstance(node, t.Timeline | t.Image | t.Chart | t.HorizontalRule | t.PageBreak | t.LineBreak
                  | t.TimelineEvent):
        return node
    if dataclasses.is_dataclass(node):
        return dataclasses.replace(node, **{f.name: _words(getattr(node, f.name), change, counter)  # type: ignore[arg-type]
                                            for f in dataclasses.fields(node)
                                            if isinstance(getattr(node, f.name), tuple)})
    return node
