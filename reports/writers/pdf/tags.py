"""Tagged PDF for the PDF writer: structure elements, marked content, and the flowables that draw them.

Part of write (PDF). reportlab's open-source edition draws untagged content, so:

- the writer gives each flowable that draws content an ``Element`` of a structure tree it builds from the
  document tree, in document order (``_struct``);
- the tagged flowable classes below open a marked-content sequence (``/P <</MCID 3>> BDC … EMC``) around
  their drawing; the canvas's ``Tagger`` numbers the sequences per page and records which element each
  belongs to, and marks decoration (table backgrounds and rules, horizontal rules, page furniture) as
  ``/Artifact``;
- a flowable split across pages hands its element to its pieces, so a paragraph over two pages stays one
  element with a marked-content reference on each page; a repeated table header is an artifact at every
  drawing after its first.

``pdf_structure`` turns the elements and the tagger's records into the PDF's structure tree at save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import ListFlowable, Paragraph, Table
from reportlab.platypus.flowables import BulletDrawer, HRFlowable
from reportlab.platypus.flowables import Image as RLImage

from reports.writers.pdf.shaping import PRIVATE_USE, shaped_operators
from reports.writers.pdf.spaces import LineEnd, frags_text, line_ends, line_texts, source_pieces
from reports.writers.pdf.text import clean, for_layout


class Element:
    """One structure element: a standard role (``P``, ``H2``, ``TD`` …), its children in reading order,
    and what PDF/UA asks of some roles (``alt`` for figures, ``attributes`` such as a header cell's scope)."""

    __slots__ = ("actual_text", "alt", "attributes", "kids", "lang", "repeats", "role", "text")

    def __init__(self, role: str, *, alt: str = "", lang: str = "", attributes: dict[str, str] | None = None,
                 repeats: bool = False) -> None:
        self.role = role
        self.kids: list[Element] = []
        self.alt = alt
        self.lang = lang
        self.attributes = attributes or {}
        self.repeats = repeats  # a repeated table header: every drawing after the first is an artifact
        self.actual_text = ""  # what the content says when its glyphs do not (letter-spaced words)
        self.text = ""  # plain text, where a link inside needs a description (table-of-contents entries)

    def add(self, role: str, **options: Any) -> Element:
        child = Element(role, **options)
        self.kids.append(child)
        return child

    # reportlab deep-copies the flowables of a table cell it splits inside a row: the pieces must still
    # point at the one element in the tree, not at copies no structure reaches.
    def __copy__(self) -> Element:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Element:
        return self

    def __repr__(self) -> str:  # for test failures
        return f"Element({self.role!r}, {len(self.kids)} kids)"


class Tagger:
    """What one layout pass drew: per page, the element of each marked-content id, and the links.

    One per canvas (a multi-pass build draws on a new canvas each pass, so nothing is counted twice).
    """

    def __init__(self) -> None:
        self.page = 0  # index of the page being drawn
        self.parents: list[list[Element]] = [[]]  # page -> the element of each MCID on it
        self.marks: dict[int, list[tuple[int, int]]] = {}  # id(element) -> [(page, mcid)]
        self.links: dict[int, list[tuple[int, str, str]]] = {}  # id(element) -> [(page, annotation, text)]
        self.current: Element | None = None  # the element whose sequence is open
        self.artifacts = 0  # open artifact sequences

    def next_page(self) -> None:
        self.page += 1
        self.parents.append([])

    def begin(self, code: list[str], element: Element) -> bool:
        """Open ``element``'s sequence; False if one is open already (what is drawn then belongs to it)."""
        if self.current is not None or self.artifacts:
            return False
        # A table's header row is drawn again wherever the table goes on: the first drawing is the element's
        # content, every later one an artifact, on a later page or (should a split ever leave the rest room
        # on the same page) on this one; else the header cell reads its text twice ("DateDate").
        if element.repeats and id(element) in self.marks:
            return self.open_artifact(code, "Pagination")
        mcid = len(self.parents[self.page])
        self.parents[self.page].append(element)
        self.marks.setdefault(id(element), []).append((self.page, mcid))
        code.append(f"/{element.role} <</MCID {mcid}>> BDC")
        self.current = element
        return True

    def end(self, code: list[str]) -> None:
        code.append("EMC")
        if self.artifacts:
            self.artifacts -= 1
        else:
            self.current = None

    def open_artifact(self, code: list[str], kind: str = "Layout", subtype: str = "") -> bool:
        """Open an artifact sequence; False inside an element's sequence (what is drawn belongs to it)."""
        if self.current is not None:
            return False
        extra = f" /Subtype /{subtype}" if subtype else ""
        code.append(f"/Artifact <</Type /{kind}{extra}>> BDC")
        self.artifacts += 1
        return True

    def close_artifact(self, code: list[str]) -> None:
        code.append("EMC")
        self.artifacts -= 1

    @contextmanager
    def artifact(self, code: list[str], kind: str = "Layout", subtype: str = "") -> Iterator[None]:
        """Mark what is drawn inside as an artifact (inside an open sequence it belongs to that instead)."""
        opened = self.open_artifact(code, kind, subtype)
        try:
            yield
        finally:
            if opened:
                self.close_artifact(code)

    def link(self, page: int, annotation: str, text: str) -> bool:
        """Record a link annotation drawn in the open sequence; False when none is open."""
        if self.current is None:
            return False
        self.links.setdefault(id(self.current), []).append((page, annotation, text))
        return True


class LangText(PDFTextObject):  # type: ignore[misc]
    """A text object that marks the runs set in some faces (``span_langs``: the Japanese face and the
    Chinese one, in a document in another language) as a ``/Span`` with their face's ``/Lang``, inside
    whatever element the text belongs to: a screen reader switches voice for a Chinese name in an
    English sentence, and reads a Japanese label as Japanese."""

    span_langs: Mapping[str, str] = MappingProxyType({})  # face -> /Lang; set on each text object
    _in_span = ""  # the /Lang of the open span, "" when none is open
    # What each line of the paragraph being drawn gets at its end (``spaces``): the space reportlab
    # dropped where it wrapped, drawn after the last glyph, so the marked content reads words; and where
    # the hyphen it drew for a soft hyphen is.
    line_ends: list[LineEnd] | None = None
    _drawn = 0  # characters of the line being drawn that are drawn already

    def _textOut(self, text: str, TStar: int = 0) -> None:  # reportlab draws each run of a line here
        ends = self.line_ends
        if not ends:
            super()._textOut(text, TStar)
            return
        end = ends[0]
        at = end.hyphen - self._drawn
        self._drawn += len(text)
        if 0 <= at < len(text) and text[at] == "-":
            # The "-" reportlab drew where it broke a word at a soft hyphen is no character of the data:
            # Tagged PDF reads such an incidental hyphen as U+00AD (ISO 32000-1, 14.8.2.2.3), which
            # readers skip, so the word reads whole ("Verwaltungs-" + "gericht" as "Verwaltungsgericht").
            if at:
                self._code.append(self._formatText(text[:at]))
            self._code.append(f"/Span <</ActualText <FEFF00AD>>> BDC {self._formatText('-')} EMC")
            text = text[at + 1:]
        if TStar:
            ends.pop(0)
            self._drawn = 0
            text += end.text
        elif not text:
            return
        super()._textOut(text, TStar)

    def _formatText(self, text: str) -> str:
        if text.isascii():
            return str(super()._formatText(text))
        # Words with combining marks are drawn as HarfBuzz shaped them (``pdf_shaping``).
        return shaped_operators(self, text, self._unshaped) or self._unshaped(text)

    def _unshaped(self, text: str) -> str:
        # PDF/A-2 (6.2.11.7.3) wants text mapped to the Private Use Area inside an /ActualText span: the
        # data's private characters are drawn as its face draws them, each run of them in such a span.
        if not PRIVATE_USE.search(text):
            return str(super()._formatText(text))
        parts: list[str] = []
        position = 0
        for run in PRIVATE_USE.finditer(text):
            if run.start() > position:
                parts.append(super()._formatText(text[position:run.start()]))
            actual = run.group().encode("utf-16-be").hex().upper()
            parts.append(f"/Span <</ActualText <FEFF{actual}>>> BDC {super()._formatText(run.group())} EMC")
            position = run.end()
        if position < len(text):
            parts.append(super()._formatText(text[position:]))
        return " ".join(parts)

    def _switch(self, font: str) -> None:
        wanted = self.span_langs.get(font, "")
        if wanted == self._in_span:
            return
        if self._in_span:
            self._code.append("EMC")
        if wanted:
            self._code.append(f"/Span <</Lang ({wanted})>> BDC")
        self._in_span = wanted

    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:
        self._switch(psfontname)
        super().setFont(psfontname, size, leading)

    def _setFont(self, psfontname: str, size: float) -> None:
        self._switch(psfontname)
        super()._setFont(psfontname, size)

    def getCode(self) -> str:
        if self._in_span:  # a span never outlives its text object
            self._code.append("EMC")
            self._in_span = ""
        code: str = super().getCode()
        return code


def tagger_of(canvas: Any) -> Tagger | None:
    return getattr(canvas, "tagger", None)


@contextmanager
def artifact(canvas: Any, kind: str = "Layout", subtype: str = "") -> Iterator[None]:
    """Draw page furniture as an artifact on a tagging canvas (a plain canvas draws it as it is)."""
    tagger = tagger_of(canvas)
    if tagger is None:
        yield
        return
    with tagger.artifact(canvas._code, kind, subtype):
        yield


def draw_tagged(canvas: Any, element: Element | None, draw: Callable[[], None]) -> None:
    """Run ``draw`` inside ``element``'s marked-content sequence on a tagging canvas; without an element
    what it draws is decoration, an artifact (never untagged content). A plain canvas just draws."""
    tagger = tagger_of(canvas)
    if tagger is None:
        draw()
        return
    if element is None:  # e.g. a picture without alt text
        with tagger.artifact(canvas._code):
            draw()
        return
    opened = tagger.begin(canvas._code, element)
    try:
        draw()
    finally:
        if opened:
            tagger.end(canvas._code)


class Tagged:
    """Mixin: draws the flowable inside its element's marked-content sequence; pieces keep the element."""

    _struct: Element | None = None

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        draw_tagged(canvas, self._struct, lambda: super(Tagged, self).drawOn(canvas, x, y, _sW))  # type: ignore[misc]

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts: list[Any] = super().split(availWidth, availHeight)  # type: ignore[misc]
        for part in parts:
            if isinstance(part, Tagged) and part._struct is None:
                part._struct = self._struct
        for part in parts[:-1]:  # a piece followed by another on the next page: its text goes on there
            part._continued = True
        if parts:
            parts[-1]._continued = getattr(self, "_continued", False)
        mark = getattr(self, "_bookmark", None)
        if mark is not None and parts:  # a heading split over pages: its outline entry goes with its start
            parts[0]._bookmark = mark
        return parts


class TParagraph(Tagged, Paragraph):  # type: ignore[misc]
    """A paragraph drawn as the content of its element (P, H1…H6, TD, LBody's P, Caption, Note's P).

    Its CJK line breaking keeps the kinsoku rules across runs (``pdf_cjk_lines``); each line ends with
    the space reportlab dropped there, if any, and a hyphen it drew for a soft hyphen reads as one
    (``spaces``, ``LangText``). Its whitespace is cleaned and its fragments cut as the fast path's are
    (``text.clean``, ``text.for_layout``).
    """

    _continued = False  # a piece of a split paragraph with more of it on the next page
    _source: str | None = None  # the text its lines are matched with (``spaces``), where known in advance
    _wrapped_at: float | None = None  # the width of the last wrap, whose lines and height are kept

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # reportlab wraps a paragraph again at the same width: a table's cell to measure its row and then
        # to draw it, a list's item to measure the list and then to place it, a block after a heading to
        # see whether it starts on the heading's page and then to place it. Its lines depend on the width
        # alone: the second wrap keeps the lines the first one broke.
        if availWidth == self._wrapped_at and hasattr(self, "blPara"):  # a failed split drops the lines
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth if size[1] != 0x7FFFFFFF else None  # "no room at all" is not a wrap
        return size

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        super()._setup(text, style, bulletText, frags, clean)  # reportlab's cleaning, zero width spaces kept
        if frags is None:  # parsed from markup here; given fragments (a split's, the fast path's) are done
            self.frags = for_layout(self.frags)  # type: ignore[has-type]
        # Read now, before layout turns the fragments into words without their soft hyphens (a split's
        # pieces get theirs from the paragraph they are cut from, in ``split``).
        self._source = frags_text(self.frags, hard_breaks=True)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and not self.style.endDots:  # was the break between the pages at a space?
            shown = len(parts[0].blPara.lines)
            source = self._text()
            ends = line_ends(source, line_texts(self.blPara), self._continued)
            parts[0]._continued = 0 < shown <= len(ends) and ends[shown - 1].text == " "
            pieces = source_pieces(source, ends, shown)
            if pieces is not None:
                parts[0]._source, parts[1]._source = pieces
        return parts

    def beginText(self, x: float, y: float) -> Any:
        text = self.canv.beginText(x, y)
        lines = self.blPara.lines
        if isinstance(text, LangText) and (len(lines) > 1 or self._continued) and not self.style.endDots:
            text.line_ends = line_ends(self._text(), line_texts(self.blPara), self._continued)
        return text

    def _text(self) -> str:
        # A paragraph reportlab made (a contents entry, given this class after) has its fragments only.
        return self._source if self._source is not None else frags_text(self.frags, hard_breaks=True)

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        frags = self.frags
        special = not frags or any(hasattr(f, "cbDefn") for f in frags) or self.style.endDots
        if special or (hasattr(self, "blPara") and getattr(self, "_splitpara", 0)):
            return super().breakLinesCJK(maxWidths)  # callbacks, dot leaders, or a piece already split
        from reportlab.platypus.paragraph import _handleBulletWidth

        from reports.writers.pdf.cjk_lines import cjk_lines

        widths = list(maxWidths) if isinstance(maxWidths, list | tuple) else [maxWidths]
        self.height = 0
        _handleBulletWidth(self.bulletText, self.style, widths)
        auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return cjk_lines(frags, widths, auto not in ("", "off"))


class TImage(Tagged, RLImage):  # type: ignore[misc]
    """A picture drawn as a Figure (its element carries the alt text)."""


class THRule(HRFlowable):  # type: ignore[misc]
    """A horizontal rule: decoration, so an artifact."""

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        with artifact(canvas):
            super().drawOn(canvas, x, y, _sW)


def table_events(table: Table, event: str, *args: Any) -> None:
    # reportlab's render callback: backgrounds and grid lines are decoration; cells are drawn by their
    # own (tagged) flowables between them.
    tagger = tagger_of(table.canv)
    if tagger is None:
        return
    if event in ("startBG", "startLines"):
        table._artifact_open = tagger.open_artifact(table.canv._code)
    elif event in ("endBG", "endLines") and getattr(table, "_artifact_open", False):
        tagger.close_artifact(table.canv._code)
        table._artifact_open = False


class TTable(Table):  # type: ignore[misc]
    """A table whose backgrounds and rules are artifacts (its pieces after a split keep the callback).

    ``font`` is the cells' base font: reportlab selects one for every cell even when the cells are
    paragraphs, and its default is Helvetica, which would be an unembedded font in the file.
    """

    _calculated: tuple[float, float] | None = None  # the space the last measurement was made for

    def __init__(self, *args: Any, font: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("renderCB", table_events)
        super().__init__(*args, **kwargs)
        if font is not None:
            self.setStyle([("FONTNAME", (0, 0), (-1, -1), font)])

    def _calc(self, availWidth: float, availHeight: float) -> None:
        # reportlab measures every row again in ``split`` after ``wrap`` measured them for the same space
        # (a long table's page, each cell's paragraph wrapped again): the same space, the same answer.
        if self._calculated == (availWidth, availHeight):
            return
        super()._calc(availWidth, availHeight)
        self._calculated = (availWidth, availHeight)

    def setStyle(self, tblstyle: Any) -> None:
        super().setStyle(tblstyle)
        self._calculated = None  # a new style can change a row's height


class _TBullet(BulletDrawer):  # type: ignore[misc]
    _struct: Element | None = None

    def drawOn(self, indenter: Any, canv: Any, x: float, y: float, _sW: float = 0) -> None:
        draw_tagged(canv, self._struct, lambda: super(_TBullet, self).drawOn(indenter, canv, x, y, _sW))


class TList(ListFlowable):  # type: ignore[misc]
    """A list whose bullets or numbers are drawn as the ``Lbl`` of their items, in order."""

    def __init__(self, flowables: list[Any], labels: list[Element], **kwargs: Any) -> None:
        self._labels = list(labels)
        super().__init__(flowables, **kwargs)

    def _makeBullet(self, value: Any, params: Any = None) -> BulletDrawer:
        drawer = super()._makeBullet(value, params)
        drawer.__class__ = _TBullet  # same state, tagged drawing
        if self._labels:
            drawer._struct = self._labels.pop(0)
        return drawer


__all__ = [
    "Element",
    "LangText",
    "THRule",
    "TImage",
    "TList",
    "TParagraph",
    "TTable",
    "Tagger",
    "artifact",
    "table_events",
    "tagger_of",
]
