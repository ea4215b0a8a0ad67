"""Footnotes for the PDF writer: each note printed at the foot of the page where its reference is drawn.

Part of write (PDF). reportlab has no footnotes, so:

- the reference is a superscript number followed by an ``<onDraw>`` mark in the paragraph's markup;
  reportlab calls back when it draws that line, so the page is the one the reader sees the number on,
  whether the paragraph is whole, split across pages, in a list, a quote or a table cell;
- at that moment the note's height is taken off the bottom of the page's frame, so whatever is laid
  out after it on the page stops above the notes;
- when the page ends, its notes are drawn at the foot of the frame under a short rule.

The lines of the *same* paragraph below a reference were placed before its note was known. When they
leave no room for the note, the note goes to the foot of the next page and ``write_pdf`` builds once
more (reportlab's ``multiBuild``; ``_LastNotes`` says when the notes have settled) with the note's room
kept from the top of its page, so the paragraph's lines make way. A note that still does not fit (longer
than the space the page has left) stays at the foot of the next page: never over text, never lost;
notes left at the end of the document follow its last block. Nothing of this runs for a document
without notes, and a document whose notes fit at once is built in one pass.

Each note is tagged as PDF/UA asks: a ``Note`` (under the paragraph that refers to it) holding an ``Lbl``,
its number, and a ``P`` for each of its paragraphs. The number is drawn apart from the text, as its own
marked content, where it always was: superscript in the hanging indent, the first line's text after it.

A long note is cut into pieces of bounded size (``cuts.paragraph_pieces``, as long paragraphs of the
text are) set as one paragraph, and each note's height is measured once: reportlab lays a paragraph out
again from its start at every page it is split over, and the notes' height is asked for on every page
and every reference, so a note of 300 KB took 26 s to lay out.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from reports import tree as t
from reports.writers.measure import plain_text
from reports.writers.pdf.cuts import paragraph_pieces
from reports.writers.pdf.tags import TParagraph, artifact

CALLBACK = "reportsFootnote"  # the name reportlab looks the callback up by, on the canvas
_RULE_GAP = 8.0  # points: the rule above the notes and the space around it


class PageNotes:
    """The notes of one document: numbered as the writer meets their references, drawn per page."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        normal: ParagraphStyle = writer.sheet.styles["Normal"]
        size = max(6.0, normal.fontSize - 2)
        self.style = ParagraphStyle("Footnote", parent=normal, fontSize=size, leading=size * 1.25,
                                    spaceBefore=0, spaceAfter=size * 0.3, leftIndent=size, firstLineIndent=-size)
        # The pieces of a long note's paragraph: no space between them, and no hanging first line but
        # the paragraph's own.
        self.first_piece = ParagraphStyle("Footnote-first", parent=self.style, spaceAfter=0)
        self.middle_piece = ParagraphStyle("Footnote-joined", parent=self.style, spaceAfter=0, firstLineIndent=0)
        self.last_piece = ParagraphStyle("Footnote-last", parent=self.style, firstLineIndent=0)
        # The number alone, set where the note's first line starts (the hanging indent).
        self.label_style = ParagraphStyle("Footnote-label", parent=self.style, spaceAfter=0)
        self.heights: dict[int, float] = {}  # note -> its height at the frame's width, measured once
        self.notes: list[list[Paragraph]] = []  # note n is notes[n - 1]
        self.page: list[int] = []  # numbers of the notes whose references were drawn on this page
        self.carried: list[int] = []  # notes that found no room on their page, for the next one
        self.width = writer.sheet.frame_width
        self.max_room = writer.sheet.frame_height / 2
        self.page_number = 0
        self.reserved = 0.0  # the room taken off the current page's frame for notes
        self.ref_page: dict[int, int] = {}  # note -> the page its reference was drawn on (this pass)
        self.overflow: set[int] = set()  # notes that found no room on their reference's page (this pass)
        # From earlier passes: page -> notes to make room for from the top of that page. A note that did
        # not fit under its paragraph gets its room from the start of the page in the next pass, so the
        # paragraph's lines make way for it (a pass more, only when a note was pushed to the next page).
        self.plan: dict[int, list[int]] = {}
        self.settled = True

    def reference(self, note: t.Note) -> str:
        """The markup of a reference; the note's paragraphs are made now, in the writer's markup."""
        number = len(self.notes) + 1
        paragraphs: list[Paragraph] = []
        element = self.writer.note_element()  # the Note goes under the paragraph that refers to it
        # The number and the no-break space after it, as they began the note's first line: the space in
        # the text's size keeps the superscript raised and the line's baseline where the text has it.
        label = TParagraph(f"<super>{number}</super>&#160;", self.label_style)
        label._struct = element.add("Lbl")
        for i, block in enumerate(note.blocks or (t.Paragraph(()),)):
            struct = element.add("P")  # one P, however many pieces the paragraph is set in
            pieces = paragraph_pieces(block.content)
            for j, piece in enumerate(pieces):
                style = (self.style if len(pieces) == 1 else self.first_piece if j == 0
                         else self.last_piece if j == len(pieces) - 1 else self.middle_piece)
                markup = self.writer.inlines(piece) or "&#160;"
                if i == 0 and j == 0:
                    paragraph = _Numbered(markup, self._after(label, style))
                    paragraph._label = label
                else:
                    paragraph = TParagraph(markup, style)
                paragraph._struct = struct
                # A piece cut after a space goes on in the next: its last line keeps that space, so the
                # P reads words apart (pdf_spaces), as the pieces of a long paragraph of the text do.
                paragraph._continued = j < len(pieces) - 1 and plain_text(piece)[-1:].isspace()
                paragraphs.append(paragraph)
        self.notes.append(paragraphs)
        return f'<super>{number}</super><onDraw name="{CALLBACK}" label="{number}"/>'

    @staticmethod
    def _after(label: Paragraph, style: ParagraphStyle) -> ParagraphStyle:
        """``style`` with its first line starting where the number ends: the text's place when the number
        was set in the same line (reportlab measures a word by its pieces, so the sum is its width)."""
        width = sum(stringWidth(frag.text, frag.fontName, frag.fontSize) for frag in label.frags)
        return ParagraphStyle(f"{style.name}-numbered", parent=style,
                              firstLineIndent=style.firstLineIndent + width)

    def height(self, numbers: list[int]) -> float:
        if not numbers:
            return 0.0
        total = _RULE_GAP
        for number in numbers:
            known = self.heights.get(number)
            if known is None:
                known = sum(p.wrap(self.width, 1e6)[1] + p.getSpaceAfter() for p in self.notes[number - 1])
                self.heights[number] = known
            total += known
        return total

    # ------------------------------------------------------------------ during the build

    def begin_page(self, doc: Any) -> None:
        doc.canv.setNamedCB(CALLBACK, self.on_reference)
        self.page_number = doc.page
        # reportlab resets a frame's position but not its bottom: take back last page's notes' room, and
        # keep the room of notes carried over or known from an earlier pass to land here.
        frame = doc.pageTemplate.frames[0]
        frame._y1p = frame._y1 + frame._bottomPadding
        # Never more than half the page for notes known in advance: the text must still get a start.
        self.reserved = min(self.height(self.expected()), self.max_room)
        frame._y1p += self.reserved

    def expected(self) -> list[int]:
        planned = [n for n in self.plan.get(self.page_number, []) if n not in self.page]
        return self.carried + self.page + planned

    def on_reference(self, canvas: Any, kind: str, label: str) -> None:
        number = int(label)
        if number in self.page or number in self.carried:  # drawn twice (a table row repeated)
            return
        self.page.append(number)
        self.ref_page.setdefault(number, self.page_number)
        needed = self.height(self.expected())
        if needed > self.reserved:  # later blocks on this page stop above the notes
            canvas._doctemplate.frame._y1p += needed - self.reserved
            self.reserved = needed

    def end_page(self, canvas: Any, doc: Any) -> None:
        numbers = self.carried + self.page
        self.carried, self.page = [], []
        if not numbers:
            return
        frame = doc.frame
        # From the last line drawn (the blank space after it does not count) down to the foot of the frame.
        room = frame._y + getattr(frame, "_prevASpace", 0) - frame._y1 + 0.01
        placed: list[int] = []
        for i in range(len(numbers), 0, -1):  # as many as fit, in order; the rest go to the next page
            if self.height(numbers[:i]) <= room:
                placed = numbers[:i]
                break
        self.carried = numbers[len(placed):]
        self.overflow.update(self.carried)
        self.draw(canvas, placed, frame._x1 + frame._leftPadding, frame._y1 + self.height(placed))

    def draw(self, canvas: Any, numbers: list[int], x: float, top: float) -> None:
        if not numbers:
            return
        with artifact(canvas):
            canvas.saveState()
            canvas.setStrokeColor(self.writer.sheet.rule)
            canvas.setLineWidth(0.5)
            canvas.line(x, top - _RULE_GAP / 2, x + min(self.width, 50 * 2.835), top - _RULE_GAP / 2)
            canvas.restoreState()
        y = top - _RULE_GAP
        for number in numbers:
            for paragraph in self.notes[number - 1]:
                _, h = paragraph.wrap(self.width, 1e6)
                paragraph.drawOn(canvas, x, y - h)
                y -= h + paragraph.getSpaceAfter()

    def reset(self) -> None:
        """A new pass of a multi-pass build starts with no notes placed."""
        self.page, self.carried, self.ref_page, self.overflow = [], [], {}, set()

    def after_pass(self) -> None:
        plan = {page: list(numbers) for page, numbers in self.plan.items()}
        for number in sorted(self.overflow):
            page = self.ref_page.get(number)
            if self.height([number]) > self.max_room:  # too long to keep room for: it stays carried over
                continue
            if page is not None and number not in plan.setdefault(page, []):
                plan[page].append(number)
        # Settled when nothing was pushed on, or when another pass could change nothing.
        self.settled = not self.overflow or plan == self.plan
        self.plan = plan


class _Numbered(TParagraph):
    """A note's first paragraph (its P), whose first line leaves room for the number: the number is drawn
    there first, as its own paragraph and marked content (the note's Lbl), on the first line's baseline."""

    _label: TParagraph | None = None  # the number, drawn before the first line (the note's Lbl)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)  # new paragraphs of this class, or [self]
        if parts:  # the number goes with the first line, on the page where the note starts
            parts[0]._label = self._label
        return parts

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        label = self._label
        if label is not None:
            label.wrap(self.width, 1e6)
            top = y + self.height - _first_baseline(self)  # where this paragraph's first baseline is
            label.drawOn(canvas, x, top - label.height + _first_baseline(label))
        super().drawOn(canvas, x, y, _sW)


def _first_baseline(paragraph: Paragraph) -> float:
    """How far below its top a wrapped paragraph draws its first baseline (as ``Paragraph.drawPara`` does:
    the first line's largest font size, or its ascent)."""
    lines = paragraph.blPara
    first = lines if lines.kind == 0 else lines.lines[0]
    drop: float = first.fontSize if rl_config.paraFontSizeHeightOffset else getattr(first, "ascent", first.fontSize)
    return drop


class _LastNotes(Flowable):  # type: ignore[misc]
    """After the last block: notes that found no room at the foot of their page are printed here."""

    def __init__(self, notes: PageNotes) -> None:
        super().__init__()
        self.notes = notes
        self.numbers: list[int] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.numbers = list(self.notes.carried)
        return availWidth, self.notes.height(self.numbers)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # Longer than the page has left (a very long note): its paragraphs, which split across pages.
        paragraphs = [paragraph for number in self.notes.carried for paragraph in self.notes.notes[number - 1]]
        if not paragraphs:
            return []
        first = paragraphs[0]
        if first.wrap(availWidth, availHeight)[1] > availHeight:  # platypus wants a first piece that fits
            pieces = first.split(availWidth, availHeight)
            if not pieces:
                return []  # not even a line fits here: the next page
            paragraphs[:1] = pieces
        self.notes.carried = []
        return paragraphs

    def draw(self) -> None:
        self.notes.carried = [n for n in self.notes.carried if n not in self.numbers]
        self.notes.draw(self.canv, self.numbers, 0, self.notes.height(self.numbers))

    # A multi-pass build (reportlab's multiBuild) asks this flowable whether the notes have settled.
    def isIndexing(self) -> int:
        return 1

    def beforeBuild(self) -> None:
        self.notes.reset()

    def afterBuild(self) -> None:
        self.notes.after_pass()

    def isSatisfied(self) -> bool:
        return self.notes.settled

    def notify(self, kind: str, stuff: object) -> None:  # table-of-contents entries: not ours
        return None


def notes_of(writer: Any) -> PageNotes:
    """The writer's notes, made when the first reference is met."""
    notes: PageNotes | None = getattr(writer, "_notes", None)
    if notes is None:
        notes = PageNotes(writer)
        writer._notes = notes
    return notes


def attach(template: Any, writer: Any) -> list[Flowable]:
    """Hook the writer's notes (if it met any) into ``template``; return what goes after the story.

    With notes, build with ``multiBuild``: a note pushed off its page gets room there in a second pass.
    """
    notes: PageNotes | None = getattr(writer, "_notes", None)
    if notes is None:
        return []
    # A new layout of the story (the same notes on other pages: the contents shown or not): nothing
    # learnt from the passes of another layout holds.
    notes.plan, notes.settled = {}, True
    begin_document = template.beforeDocument

    def before_document() -> None:
        notes.reset()
        begin_document()

    template.beforeDocument = before_document
    template.beforePage = lambda: notes.begin_page(template)
    for page_template in template.pageTemplates:
        page_template.onPageEnd = notes.end_page
    return [_LastNotes(notes)]


__all__ = ["CALLBACK", "PageNotes", "attach", "notes_of"]
