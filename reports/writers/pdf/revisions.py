"""A redline in the PDF: inserted text underlined in the accent colour, deleted text struck through in
the muted colour, restyled text in its new formatting; a change bar beside every changed line; and each
marked passage a structure element of its own, so a screen reader hears what changed, not colour alone.

Part of write (PDF). ``resolve`` first turns every mark on a container (a ``Revised`` block, a list
item, a field row, a table row) into marked passages on all the text inside it, so one mechanism draws,
bars and tags every change. A passage's markup is framed by two ``onDraw`` marks (as footnote
references are); reportlab calls back as it draws each, on whatever line and page it fell, and there:

- the paragraph's marked-content sequence is closed and the passage's ``Span`` opened (closed and the
  paragraph's reopened at the end mark), so the passage's text is its element's and no MCID is nested;
- the line of the start mark and the line of the end mark bound the passage's lines: every line between
  is a line with marked text, and gets a bar (``changebars``). A paragraph split across pages draws its
  passage to the end of the first piece and from the start of the second.

Why ``/Alt`` on the ``Span``: PDF/UA-1 has no element type for an insertion or a deletion (PDF 1.7's
standard types have none; a role-mapped type would be mapped to ``Span`` and read as one), and ``/T``
is a title screen readers do not announce. ``/Alt`` is what they read in place of the content, so it
holds the label and the passage's words: "Deleted: three years". Nothing runs here for a document
without marks: ``resolve`` hands back the blocks it was given.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from reports import tree as t
from reports.writers.measure import plain_text
from reports.writers.pdf.changebars import Barred, record
from reports.writers.pdf.tags import Element, tagger_of
from reports.writers.xmltext import xml_safe

CALLBACK = "reportsRevision"  # the name reportlab looks the callback up by, on the canvas
LINE_WIDTH = "0.7"  # points: an insertion's underline, a deletion's line through
UNDERLINE_OFFSET = "-0.16*F"  # below the baseline, a little lower than reportlab's own underline
_TM = re.compile(r"(-?[\d.]+) Tm$")  # the text object's first origin, as reportlab writes it


class Passage(Element):
    """The ``Span`` of one marked passage: placed among its paragraph's content in drawing order
    (``structure``), its parent the element whose sequence was open when the passage was drawn."""

    __slots__ = ("parent", "rest")
    inline = True

    def __init__(self, role: str, **options: Any) -> None:
        super().__init__(role, **options)
        self.rest: Passage | None = None
        self.parent: Element | None = None  # the element it is drawn in, known when it is drawn

    def after(self) -> Passage:
        """The plain ``Span`` of the paragraph's text after this passage (up to the next one or the end).

        The paragraph's own marked content is only what comes before its first passage: the text after
        one is a ``Span`` of its own, so the elements in tree order are the content in the order it is
        painted (outloud's ORD-001 reads an element's own content before its children's)."""
        if self.rest is None:
            self.rest = Passage("Span")
        return self.rest


# ------------------------------------------------------------------ the tree: marks on containers


def resolve(blocks: tuple[t.Block, ...]) -> tuple[t.Block, ...]:
    """``blocks`` with every container's mark carried to the text inside it; the same tuple if unmarked."""
    out = tuple(_resolve(block) for block in blocks)
    return blocks if all(a is b for a, b in zip(out, blocks, strict=True)) else out


def _resolve(block: t.Block) -> t.Block:
    if isinstance(block, t.Revised):
        return t.Revised(block.change, marked(resolve(block.blocks), block.change, block.was), block.was)
    if isinstance(block, t.BulletList | t.OrderedList):
        items = tuple(t.ListItem(marked(resolve(i.blocks), i.change) if i.change else resolve(i.blocks))
                      for i in block.items)
        changed = any(a != b for a, b in zip(items, block.items, strict=True))
        return dataclasses.replace(block, items=items) if changed else block
    if isinstance(block, t.Table) and any(block.row_changes):
        rows = tuple(tuple(_wrap(c, change) for c in row) if change else row
                     for row, change in zip(block.rows, block.row_changes, strict=False))
        return t.Table(block.header, rows + block.rows[len(rows):], block.align)
    if isinstance(block, t.FieldTable):  # a field marked whole, or a value with marked blocks inside
        fields = tuple(t.Field(_wrap(f.label, f.change), marked(resolve(f.value), f.change)) if f.change
                       else f if (value := resolve(f.value)) is f.value else t.Field(f.label, value)
                       for f in block.rows)
        return block if all(a is b for a, b in zip(fields, block.rows, strict=True)) else t.FieldTable(fields,
                                                                                                      block.style)
    if isinstance(block, t.BlockQuote):
        inner = resolve(block.blocks)
        return block if inner is block.blocks else t.BlockQuote(inner, block.attribution)
    return block


def marked(blocks: tuple[t.Block, ...], change: str, was: str = "") -> tuple[t.Block, ...]:
    """``blocks`` wholly ``change``d: all their text in passages of that change; a picture, a timeline or a chart
    (no text to mark) its label before its description, and a bar beside it (``revised``)."""
    return tuple(_marked(block, change, was) for block in blocks)


def _marked(block: t.Block, change: str, was: str) -> t.Block:
    if isinstance(block, t.Paragraph):
        return t.Paragraph(_wrap(block.content, change, was))
    if isinstance(block, t.Heading):
        return t.Heading(block.level, _wrap(block.content, change, was))
    if isinstance(block, t.BulletList | t.OrderedList):
        items = tuple(t.ListItem(marked(item.blocks, change, was)) for item in block.items)
        return dataclasses.replace(block, items=items)
    if isinstance(block, t.Table):
        return t.Table(tuple(_wrap(c, change, was) for c in block.header),
                       tuple(tuple(_wrap(c, change, was) for c in row) for row in block.rows), block.align)
    if isinstance(block, t.BlockQuote):
        return t.BlockQuote(marked(block.blocks, change, was), _wrap(block.attribution, change, was))
    if isinstance(block, t.FieldTable):
        return t.FieldTable(tuple(t.Field(_wrap(f.label, change, was), marked(f.value, change, was))
                                  for f in block.rows), block.style)
    if isinstance(block, t.Revised):  # already resolved: its own change is the one that counts
        return block
    if isinstance(block, t.Image | t.Timeline | t.Chart) and change != "restyled":
        return t.Revised(change, (block,))  # type: ignore[arg-type]
    return block  # a rule, a page break: nothing to read


def _wrap(content: t.Inlines, change: str, was: str = "") -> t.Inlines:
    if not content:
        return content
    if change == "restyled":
        return (t.Restyled(content, was),)
    return (t.Inserted(content),) if change == "inserted" else (t.Deleted(content),)


# ------------------------------------------------------------------ blocks and inlines -> the story


def revised(writer: Any, node: t.Revised) -> list[Flowable]:
    """A ``Revised`` block (its text already in passages, ``resolve``): its flowables, each picture or
    timeline or chart in it barred beside its whole height and its description starting with the label."""
    label = _label(writer, node.change)
    blocks = tuple(dataclasses.replace(b, alt=f"{label}: {b.alt}" if b.alt.strip() else label)
                   if isinstance(b, t.Image | t.Timeline | t.Chart) else b for b in node.blocks)
    flowables = writer.blocks(blocks)
    if not any(isinstance(b, t.Image | t.Timeline | t.Chart) for b in node.blocks):
        return list(flowables)
    out: list[Flowable] = []
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):  # a figure and its caption: the picture barred inside
            flowable._content = [_barred(f) for f in flowable._content]
            out.append(flowable)
        else:
            out.append(_barred(flowable))
    return out


def _barred(flowable: Flowable) -> Flowable:
    from reportlab.platypus import Paragraph, Spacer, Table

    return flowable if isinstance(flowable, Paragraph | Spacer | Table) else Barred(flowable)


@dataclasses.dataclass(frozen=True, slots=True)
class Mark:
    """Where one of a passage's callbacks stands among its inlines: an inline of this writer's own, never
    in the document tree (``opened`` puts it there; the markup and the fast path both read it)."""

    label: str

    def markup(self) -> str:
        return f'<onDraw name="{CALLBACK}" label="{self.label}"/>'


# Inlines with a ``Mark`` among them, maybe inside the first node's formatting (a Strong's children).
MarkedInlines = tuple["t.Inline | Mark", ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Opened:
    """A marked passage, registered: its change, the whitespace around it (not marked), and its body with
    the mark of its first word's line in it (``Mark("t<number>")``)."""

    change: str
    number: int
    lead: t.Inlines
    body: MarkedInlines
    trail: t.Inlines


def opened(writer: Any, node: t.Inserted | t.Deleted | t.Restyled) -> Opened | None:
    """``node`` as a passage of the writer's, its ``Passage`` registered (numbered in the order met);
    None when it holds nothing but whitespace (it is then drawn as its children, unmarked)."""
    change = "inserted" if isinstance(node, t.Inserted) else "deleted" if isinstance(node, t.Deleted) else "restyled"
    lead, inner, trail = _trimmed(node.children, change)
    if not inner:
        return None
    text = " ".join(plain_text(inner).split())
    registry = revisions_of(writer)
    number = len(registry.passages)
    registry.passages.append(Passage("Span", alt=f"{_label(writer, change)}: {text}"))
    return Opened(change, number, lead, _first_word_marked(inner, Mark(f"t{number}")), trail)


def passage(writer: Any, node: t.Inserted | t.Deleted | t.Restyled) -> str:
    """The markup of a marked passage: its text styled for its change, between the two marks."""
    found = opened(writer, node)
    if found is None:
        return str(writer.inlines(node.children))
    sheet = writer.sheet
    body = _markup(writer, found.body)
    if found.change == "inserted":
        body = f'<u color="{_hex(sheet.accent)}" width="{LINE_WIDTH}" offset="{UNDERLINE_OFFSET}">{body}</u>'
    elif found.change == "deleted":
        muted = _hex(sheet.muted)
        body = f'<font color="{muted}"><strike color="{muted}" width="{LINE_WIDTH}">{body}</strike></font>'
    # reportlab never breaks a line at a mark: one right after a word is on that word's line, one after
    # a space may end the line before. The element starts before the passage ("s"); its bar starts on the
    # line of its first word ("t", right after it) and ends on the line of its last ("e", right after).
    number = found.number
    return (f"{writer.inlines(found.lead)}{Mark(f's{number}').markup()}{body}"
            f"{Mark(f'e{number}').markup()}{writer.inlines(found.trail)}")


def _markup(writer: Any, content: MarkedInlines) -> str:
    """The markup of ``content``, a ``Mark`` in it (maybe inside its first node's formatting)."""
    out: list[str] = []
    for node in content:
        if isinstance(node, Mark):
            out.append(node.markup())
        elif isinstance(node, t.Strong | t.Emphasis | t.Link) and _holds_mark(node):
            # The node's own tags, from its markup without children: "<b>" and "</b>", or the link's.
            opening, close, tail = writer.inlines((dataclasses.replace(node, children=()),)).rpartition("</")
            out.append(f"{opening}{_markup(writer, node.children)}{close}{tail}")
        else:
            out.append(writer.inlines((node,)))
    return "".join(out)


def _holds_mark(node: t.Strong | t.Emphasis | t.Link) -> bool:
    return any(isinstance(child, Mark) or (isinstance(child, t.Strong | t.Emphasis | t.Link) and _holds_mark(child))
               for child in node.children)


def _first_word_marked(inner: t.Inlines, mark: Mark) -> MarkedInlines:
    """``inner`` with ``mark`` right after its first word (after its first node when that is not plain
    text: its first line is then where the node ends, near enough)."""
    first = inner[0]
    if isinstance(first, t.Text):
        word = re.match(r"\S+", first.text)
        cut = word.end() if word else len(first.text)
        rest = ((t.Text(first.text[cut:]),) if first.text[cut:] else ()) + inner[1:]
        return (t.Text(first.text[:cut]), mark, *rest)
    if isinstance(first, t.Strong | t.Emphasis | t.Link) and first.children and _styled_text(first) \
            and not _blank(first.children):
        # The first word is inside the formatting (a bold subject line that runs over three lines): the
        # mark goes after it there, inside the same tags, so that the bar starts on its line. (The node
        # holding a Mark is the writer's own, read by ``_markup`` and the fast path: never a tree's.)
        children = _first_word_marked(first.children, mark)
        return (dataclasses.replace(first, children=children), *inner[1:])  # type: ignore[arg-type]
    return (first, mark, *inner[1:])


def _blank(content: t.Inlines) -> bool:
    # Text that makes no markup at all (nothing but characters XML cannot hold): no word to mark in it.
    return all(isinstance(node, t.Text) and not xml_safe(node.text) for node in content)


def _styled_text(node: t.Inline) -> bool:
    if isinstance(node, t.Strong | t.Emphasis | t.Link):
        return all(_styled_text(child) for child in node.children)
    return isinstance(node, t.Text | t.Code | t.LineBreak)


def _trimmed(children: t.Inlines, change: str) -> tuple[t.Inlines, t.Inlines, t.Inlines]:
    """``children`` as (leading whitespace, the passage, trailing whitespace): a space around a passage
    is not what changed, and a mark on it could fall on a line the passage is not on. A footnote met in
    an inserted or deleted passage was inserted or deleted whole: its paragraphs are marked too."""
    inner = tuple(t.Note(tuple(t.Paragraph(_wrap(p.content, change)) for p in n.blocks))
                  if isinstance(n, t.Note) and change != "restyled" else n for n in children)
    lead: t.Inlines = ()
    trail: t.Inlines = ()
    if inner and isinstance(inner[0], t.Text):
        body = inner[0].text.lstrip()
        if body != inner[0].text:
            lead = (t.Text(inner[0].text[: len(inner[0].text) - len(body)]),)
            inner = ((t.Text(body),) if body else ()) + inner[1:]
    if inner and isinstance(inner[-1], t.Text):
        body = inner[-1].text.rstrip()
        if body != inner[-1].text:
            trail = (t.Text(inner[-1].text[len(body):]),)
            inner = inner[:-1] + ((t.Text(body),) if body else ())
    return lead, inner, trail


def _label(writer: Any, change: str) -> str:
    labels = writer.meta.labels
    return str({"inserted": labels.inserted, "deleted": labels.deleted}.get(change, labels.restyled))


def _hex(colour: Any) -> str:
    return str(colour.hexval()).replace("0x", "#")


# ------------------------------------------------------------------ drawing: structure and bars


class Revisions:
    """The passages of one document, and the callback reportlab makes at each passage's marks."""

    def __init__(self) -> None:
        self.passages: list[Passage] = []

    def on_mark(self, canvas: Any, kind: str, label: str) -> None:
        info = canvas._curr_tx_info
        tx, y = info["tx"], info["cur_y"]
        size = info["xs"].style.fontSize
        passage = self.passages[int(label[1:])]
        state: dict[str, Any] = tx.__dict__.setdefault("_revision", {})
        tagger = tagger_of(canvas)
        if "getCode" not in tx.__dict__:  # the text may end inside the passage: a page ends there
            tx.getCode = lambda: _finish(canvas, tx, size)
        if label[0] == "s":  # the passage's element starts here
            if tagger is not None and tagger.current is not None:
                parent = getattr(tagger.current, "parent", None) or tagger.current
                _switch(canvas, tx, passage, parent)
            state["span"] = passage
        elif label[0] == "t":  # the line of the passage's first word: its bar's top
            state["top"], state["open"] = y, passage
        else:  # its end, on the line of its last word
            top = state["top"] if state.get("open") is passage else _first_baseline(tx, y)
            if state.get("span") is not passage:  # it began on an earlier page: this piece starts inside it
                _continue(canvas, tx, passage)
            if tagger is not None and tagger.current is passage:
                _switch(canvas, tx, passage.after(), passage.parent)
            state["open"] = state["span"] = None
            record(canvas, y - (info["leading"] - size), top + size)


def _switch(canvas: Any, tx: Any, to: Passage, parent: Element | None) -> None:
    """Close the sequence open in ``tx`` and open ``to``'s, ``to`` a kid of ``parent``. A /Lang span
    open in the text is closed around the switch and reopened."""
    tagger = tagger_of(canvas)
    if tagger is None or tagger.current is None or parent is None:  # untagged, or drawn as an artifact
        return
    if to not in parent.kids:  # elements made while drawing: the same ones on every layout pass
        parent.kids.append(to)
    to.parent = parent
    lang = tx._in_span
    code: list[str] = ["EMC"] if lang else []
    code.append("EMC")
    tagger.current = None
    tagger.begin(code, to)
    if lang:
        code.append(f"/Span <</Lang ({lang})>> BDC")
    tx._code.extend(code)


def _continue(canvas: Any, tx: Any, passage: Passage) -> None:
    """Put what this text object drew before ``passage``'s end mark in the passage: its sequence opened
    at the text's start (the paragraph's own, opened before, holds nothing of it)."""
    tagger = tagger_of(canvas)
    if tagger is None or tagger.current is None:
        return
    code: list[str] = ["EMC"]
    tagger.current = None
    tagger.begin(code, passage)
    tx._code[1:1] = code


def _finish(canvas: Any, tx: Any, size: float) -> str:
    """The text's code; a passage still open at its end is barred down to its last line, and left open:
    the paragraph's closing ends its sequence."""
    state = tx.__dict__.get("_revision", {})
    if state.get("open") is not None:
        last = tx.XtraState.cur_y  # the baseline of the last line reportlab drew
        leading = tx.XtraState.style.leading
        record(canvas, last - (leading - size), state["top"] + size)
        state["open"] = None
    del tx.getCode
    return str(tx.getCode())


def _first_baseline(tx: Any, fallback: float) -> float:
    for op in tx._code[:4]:
        found = _TM.search(op) if isinstance(op, str) else None
        if found:
            return float(found.group(1))
    return fallback


def revisions_of(writer: Any) -> Revisions:
    """The writer's passages, made when the first is met."""
    registry: Revisions | None = getattr(writer, "_revisions", None)
    if registry is None:
        registry = Revisions()
        writer._revisions = registry
    return registry


def attach(template: Any, writer: Any) -> None:
    """Hook the writer's passages (if it met any) into ``template``: the callback on every page's canvas."""
    registry: Revisions | None = getattr(writer, "_revisions", None)
    if registry is None:
        return
    begin_page = template.beforePage

    def before_page() -> None:
        template.canv.setNamedCB(CALLBACK, registry.on_mark)
        begin_page()

    template.beforePage = before_page


__all__ = ["CALLBACK", "LINE_WIDTH", "UNDERLINE_OFFSET", "Mark", "Opened", "Passage", "Revisions", "attach", "marked",
           "opened", "passage", "resolve", "revised", "revisions_of"]
