"""A paragraph's inlines as runs of text for the fast path (``text.fast_paragraph``), where they are that.

Part of write (PDF). Plain, bold, italic and CJK text, and a redline's marked passages: an insertion
underlined, a deletion struck through in the muted colour, each passage between the callbacks that tag
and bar it (``revisions``). Each run carries what the tags around it would set on reportlab's fragment,
in the order its markup parser sets it, so that the fast path builds the fragments the parser would
build from ``revisions.passage``'s markup (``tests/writers/test_pdf_fast_marks.py`` checks it). A link,
code, a line break or a footnote sends the paragraph to the parser.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.lib.colors import Color, toColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paraparser import ABag

from reports import tree as t
from reports.writers.pdf import revisions
from reports.writers.pdf.revisions import CALLBACK, LINE_WIDTH, UNDERLINE_OFFSET, Mark
from reports.writers.pdf.text import Marks, Span

_PASSAGES = (t.Inserted, t.Deleted, t.Restyled)


class Runs:
    """The runs of one paragraph's inlines, in ``style``; made once per paragraph."""

    def __init__(self, writer: Any, style: ParagraphStyle) -> None:  # writer: the ``story.StoryWriter``
        self.writer = writer
        self.style = style
        self.out: list[Span] = []
        self.lines = 0  # underlines and lines through opened so far: reportlab numbers them per paragraph
        self.first_passage: int | None = None  # the number of the first passage registered here

    def collect(self, content: t.Inlines) -> list[Span] | None:
        """The runs of ``content``; None (and no passage left registered) if it holds more than them."""
        if self.add(content, False, False, "para", ()):
            return self.out
        self.forget()
        return None

    def forget(self) -> None:
        """Unregister the passages met here: the markup path that draws the paragraph instead meets them
        again, and numbers them as it does."""
        if self.first_passage is not None:
            del revisions.revisions_of(self.writer).passages[self.first_passage:]
            self.first_passage = None

    def add(self, content: tuple[Any, ...], bold: bool, italic: bool, tag: str, marks: Marks) -> bool:
        """Add the runs of ``content`` in that look; False if it holds more than styled text."""
        out = self.out
        for node in content:
            kind = type(node)
            if kind is t.Text:
                out.extend((piece, bold, italic, cjk, "font", marks) if cjk else (piece, bold, italic, "", tag, marks)
                           for piece, cjk in self.writer.cjk_runs(node.text))
            elif kind is t.Strong or kind is t.Emphasis:
                strong = kind is t.Strong
                inner_bold, inner_italic, inner_tag = (True, italic, "b") if strong else (bold, True, "i")
                out.append(("", inner_bold, inner_italic, "", inner_tag, marks))  # the tag itself, even if empty
                if not self.add(node.children, inner_bold, inner_italic, inner_tag, marks):
                    return False
            elif kind in _PASSAGES:
                if not self._passage(node, bold, italic, tag, marks):
                    return False
            elif kind is Mark:
                out.append(("", bold, italic, "", "ondraw", _callback(marks, node)))
            else:
                return False
        return True

    def _passage(self, node: t.Inserted | t.Deleted | t.Restyled, bold: bool, italic: bool, tag: str,
                 marks: Marks) -> bool:
        # The runs of ``revisions.passage``'s markup: the lead, the start callback, the passage in its
        # tags (<u> for an insertion; <font color> and <strike> for a deletion; none for a restyling),
        # the end callback and the trail.
        registry = revisions.revisions_of(self.writer)
        if self.first_passage is None:
            self.first_passage = len(registry.passages)
        found = revisions.opened(self.writer, node)
        if found is None:
            return self.add(node.children, bold, italic, tag, marks)
        if not self.add(found.lead, bold, italic, tag, marks):
            return False
        number = found.number
        self.out.append(("", bold, italic, "", "ondraw", _callback(marks, Mark(f"s{number}"))))
        inner, inner_tag = marks, tag
        sheet = self.writer.sheet
        if found.change == "inserted":
            inner, inner_tag = self._line(marks, "underline", _colour(sheet.accent), UNDERLINE_OFFSET), "u"
            self.out.append(("", bold, italic, "", inner_tag, inner))
        elif found.change == "deleted":
            muted = _colour(sheet.muted)
            inner = (*marks, ("textColor", muted))
            self.out.append(("", bold, italic, "", "font", inner))
            inner, inner_tag = self._line(inner, "strike", muted, None), "strike"
            self.out.append(("", bold, italic, "", inner_tag, inner))
        if not self.add(found.body, bold, italic, inner_tag, inner):
            return False
        self.out.append(("", bold, italic, "", "ondraw", _callback(marks, Mark(f"e{number}"))))
        return self.add(found.trail, bold, italic, tag, marks)

    def _line(self, marks: Marks, kind: str, colour: Color, offset: str | None) -> Marks:
        """``marks`` with an underline or a line through opened, as ``ParaParser.start_u`` / ``start_strike``
        and ``_new_line`` set them: the tag's attributes, then the paragraph's lines with this one added."""
        set_here: list[tuple[str, Any]] = [("strike", 1)] if kind == "strike" else []
        set_here += [(f"{kind}Color", colour), (f"{kind}Width", LINE_WIDTH)]
        if offset is not None:
            set_here.append((f"{kind}Offset", offset))
        known = dict(marks)
        lines: list[tuple[Any, ...]] = known.get("us_lines", [])
        line = (self.lines, kind, colour, LINE_WIDTH,
                offset if offset is not None else known.get(f"{kind}Offset", getattr(self.style, f"{kind}Offset", "")),
                0, 1, known.get(f"{kind}Gap", getattr(self.style, f"{kind}Gap", "")))
        self.lines += 1
        return (*marks, *set_here, ("us_lines", [*lines, line]))


def _callback(marks: Marks, mark: Mark) -> Marks:
    # What ``ParaParser.start_ondraw`` sets: the callback's definition, on a fragment of its own.
    return (*marks, ("cbDefn", ABag(name=CALLBACK, label=mark.label, kind="onDraw")))


# Read once per colour, not once per passage: toColor tries ast.literal_eval on the text first, which
# cost the parser more than the rest of a passage's tag. (No fragment changes its colour in place.)
@lru_cache(maxsize=16)
def _parsed_colour(hexval: str) -> Color:
    return toColor(hexval)


def _colour(colour: Color) -> Color:
    """``colour`` as the parser reads it back from the markup's "#rrggbb" (``revisions._hex``)."""
    return _parsed_colour(str(colour.hexval()).replace("0x", "#"))


__all__ = ["Runs"]
