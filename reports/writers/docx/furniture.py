"""The furniture of a Word document: the title block (or the memo's heading), the running header and
footer with the protective marking and "Page N of M", and the logo on the first page.

Part of write (DOCX). The marking is at the top and the foot of every page, the first included, and it
is never cut: the running title beside it is cut at the word the PDF cuts at (``writers.measure``, the
PDF's faces and measure), and the marking sits after a right tab stop on one line. A reference
document's own headers and footers (letterhead) are kept, and our line is added after their content;
a reference where that cannot be done safely is refused with one message naming it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn

from reports import tree as t
from reports import worddiff
from reports.autolink import joined, linked, upper
from reports.errors import Problem, RenderError
from reports.fonts.measure import TextMeasure
from reports.writers.docx import access as docx_access
from reports.writers.docx import ooxml, revisions
from reports.writers.docx import theme as docx_theme
from reports.writers.docx.story import StoryWriter
from reports.writers.measure import (
    GAP,
    PAGE_ESTIMATE,
    SEPARATOR,
    MarkingTooWide,
    footer_note,
    marking_room,
    running_head,
)

_EMU_PER_PT = 12700
_HEADERS = ("header", "even_page_header", "first_page_header")  # the default first: a part two share gets its line
_FOOTERS = ("footer", "even_page_footer", "first_page_footer")
_OFF = {"0", "false", "off"}


def title_block(writer: StoryWriter) -> None:
    """The title block (or the memo's heading); an address in it is a link, as in the PDF. In a redline
    (``meta.previous``) each line's changes since the old version are tracked, as the body's are."""
    meta, doc = writer.meta, writer.doc
    old = meta.previous or meta
    if meta.kind == "memo":
        _line(writer, "Kicker", *(upper(linked(m.organisation)) if m.organisation else None for m in (meta, old)))
        writer.add_text(writer.new_para(doc, "Memo Title", "Title"), meta.labels.memorandum, None, None)
        return
    # In capitals, but for an address in it: its path's case is part of it.
    kickers = [joined([upper(linked(x)) for x in (m.organisation, m.classification) if x], SEPARATOR) or None
               for m in (meta, old)]
    _line(writer, "Kicker", *kickers)
    _line(writer, "Title", linked(meta.title), linked(old.title))
    _line(writer, "Subtitle", *(linked(m.subtitle) if m.subtitle else None for m in (meta, old)))
    for new_line, old_line in zip(_bylines(meta), _bylines(old), strict=True):
        _line(writer, "Byline", linked(new_line) if new_line else None, linked(old_line) if old_line else None)
    writer.new_para(doc, "Title Rule", "Rule")
    if meta.toc:  # filled in by write_docx once every heading is written (``toc``)
        from reports.writers.docx.toc import TableOfContents

        writer.toc = TableOfContents(writer)


def _bylines(meta: t.Meta) -> tuple[str, str]:
    return SEPARATOR.join(x for x in (meta.category, meta.date) if x), SEPARATOR.join(meta.parties)


def _line(writer: StoryWriter, style: str, new: t.Inlines | None, old: t.Inlines | None) -> None:
    """One line of the title block in ``style``: the new version's, its words' changes since the old one
    tracked; a line only one version has is a wholly inserted or deleted paragraph."""
    if new is None and old is None:
        return
    paragraph = writer.new_para(writer.doc, style)
    if new is not None and old is not None:
        writer.runs(paragraph, new if new == old else worddiff.diff(old, new))
        return
    writer.runs(paragraph, new if new is not None else old or ())
    revisions.mark(writer, [paragraph._p], "inserted" if new is not None else "deleted")


def page_furniture(writer: StoryWriter, reference: Path | None = None) -> None:
    """The running header and footer on every page, and the first page's marking and logo. Where the
    reference document has a header or footer of that kind (its letterhead), its content is kept and our
    line is added after it (without our page number where it numbers its pages itself); elsewhere the
    story is ours alone. Raises ``RenderError`` naming ``reference`` when the line cannot be added safely:
    its page leaves no room for the marking on one line, or its Header or Footer style hides text."""
    section = writer.page.section
    kept = docx_theme.reference_stories(section)
    if not kept:  # no letterhead: the first page has the title block instead of a running title, as in the PDF
        section.different_first_page_header_footer = True
    wanted = {"header", "footer"}
    if section.different_first_page_header_footer:
        wanted |= {"first_page_header", "first_page_footer"}
    if writer.doc.settings.odd_and_even_pages_header_footer:
        wanted |= {"even_page_header", "even_page_footer"}
    lines = _Lines(writer, reference)
    extended: set[str] = set()  # the reference's parts given a line: one part may serve several kinds
    for name in (*_HEADERS, *_FOOTERS):
        if name not in wanted:
            continue
        story = getattr(section, name)
        style = "Header" if name in _HEADERS else "Footer"
        if name in kept:
            part = str(story.part.partname)
            if part in extended:
                continue
            extended.add(part)
            paragraph = lines.paragraph(story, style, fresh=False)
        else:
            paragraph = lines.paragraph(story, style, fresh=True)
        if name == "first_page_header":
            lines.first_page(paragraph, logo=name not in kept)
        elif style == "Header":
            lines.running(paragraph)
        else:
            lines.footer(paragraph, page_number=name not in kept or not _numbers_pages(story._element))
        lines.in_measured_face(paragraph)


class _Lines:
    """Our line in each header and footer, measured once: the running title as the PDF cuts it, the
    footer's note, and where they go."""

    def __init__(self, writer: StoryWriter, reference: Path | None) -> None:
        from reports.fonts.faces import family
        from reports.fonts.languages import registered_faces

        self.writer, self.reference = writer, reference
        self._by_id: dict[str | None, Any] | None = None  # the styles by id (``_chain``)
        meta = writer.meta
        self.marking = meta.classification.upper()
        title = meta.short_title or meta.title
        # The PDF's faces (the theme's heading family, CJK runs in its CJK face) at the styles' own size.
        heading = family(writer.theme.fonts.heading)
        text = " ".join((title, self.marking, meta.date, meta.organisation))
        # Japanese runs measured in the Japanese face, as the PDF sets them (the page label's too).
        text += meta.labels.page(PAGE_ESTIMATE, PAGE_ESTIMATE)
        self.measure = TextMeasure(heading.regular, heading.bold, registered_faces(writer.theme.fonts.cjk, meta, text))
        self.width = writer.text_width() / _EMU_PER_PT
        self.tab = writer.text_width() // 635  # EMU -> twips
        try:
            self.head = running_head(title, self.marking, self.measure, self._size("Header"), self.width)
            self.note = footer_note((meta.date, self.marking, meta.organisation),
                                    meta.labels.page(PAGE_ESTIMATE, PAGE_ESTIMATE), self.measure,
                                    self._size("Footer"), self.width)
        except MarkingTooWide as exc:
            where = "its page set-up" if reference is not None else "the page"
            raise self._refuse(f"{exc}: the marking is printed whole on one line at the top and foot of every "
                               f"page, and {where} leaves too little room; shorten the marking"
                               + (" or use a reference with wider text" if reference is not None else "")) from None

    def paragraph(self, story: Any, style: str, fresh: bool) -> Any:
        """A new paragraph at the end of ``story`` (emptied first when ``fresh``), set flush left with one
        right tab stop at the text's edge: nothing of the style (a centre stop, an indent, centring) moves
        the marking off its line."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.check_visible(style)
        story.is_linked_to_previous = False
        story = _Story(story)
        if fresh:
            for child in list(story._element):
                story._element.remove(child)
        paragraph = self.writer.new_para(story, style)
        ooxml.tab_stop_right(paragraph, self.tab, clear=self._style_tabs(style))
        if self.reference is not None:  # the reference's Header and Footer styles are its own
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = 0
            paragraph.paragraph_format.first_line_indent = 0
        return paragraph

    def running(self, paragraph: Any) -> None:
        self.writer.add_text(paragraph, self.head, None, None)
        if self.marking:
            self.writer.add_text(paragraph, "\t", None, None)
            self.writer.add_text(paragraph, self.marking, "Strong", None)

    def first_page(self, paragraph: Any, logo: bool) -> None:
        # The title block is below: the marking alone, at the right as on every page; beside the theme's
        # logo (letterhead, top right) it moves to the left and the logo is drawn narrower if it must.
        theme = self.writer.theme
        if not (logo and theme.logo is not None):
            if self.marking:
                self.writer.add_text(paragraph, "\t", None, None)
                self.writer.add_text(paragraph, self.marking, "Strong", None)
            return
        if self.marking:
            self.writer.add_text(paragraph, self.marking, "Strong", None)
            self.writer.add_text(paragraph, "\t", None, None)
            room = self.width - marking_room(self.marking, self.measure, self._size("Header"), self.width) - GAP
            if room > 1:
                docx_theme.add_logo(paragraph, theme, max_width_pt=room)
        else:
            docx_theme.add_logo(paragraph, theme)
        docx_access.describe_logo(paragraph, self.writer.meta.organisation, self.writer.meta.labels)

    def footer(self, paragraph: Any, page_number: bool) -> None:
        if not page_number:  # the reference numbers its pages itself: our note alone
            self.writer.add_text(paragraph, self.note, None, None)
            return
        before, between, after = self.writer.meta.labels.page_parts()  # "Page N of M" in the labels' language
        self.writer.add_text(paragraph, self.note + "\t" + before, None, None)
        ooxml.add_field(paragraph, "PAGE")
        self.writer.add_text(paragraph, between, None, None)
        ooxml.add_field(paragraph, "NUMPAGES")
        if after:
            self.writer.add_text(paragraph, after, None, None)

    def in_measured_face(self, paragraph: Any) -> None:
        """Set the runs of our line in the theme's heading family where a reference's Header and Footer
        styles name faces of their own: the line was measured in it (and ``embed_fonts`` embeds it), so a
        wider face of theirs cannot push the marking or the page number onto a second line."""
        if self.reference is None:  # the built-in reference's styles are in that family already
            return
        face = docx_theme.word_font(self.writer.theme.fonts.heading)
        for run in paragraph._p.iterchildren(qn("w:r")):
            r_pr = run.find(qn("w:rPr"))
            if r_pr is None:
                r_pr = run.makeelement(qn("w:rPr"), {})
                run.insert(0, r_pr)
            fonts = r_pr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = ooxml.place(r_pr, r_pr.makeelement(qn("w:rFonts"), {}), ooxml.R_PR_ORDER)
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attr), face)

    def check_visible(self, style: str) -> None:
        """Refuse a reference whose ``style`` (or the Strong style of the marking) hides its text: our line
        would be there and not be seen."""
        for name in (style, "Strong"):
            for element in self._chain(name):
                vanish = element.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
                if vanish is not None and vanish.get(qn("w:val"), "true").lower() not in _OFF:
                    raise self._refuse(f"its {name} style hides its text (hidden), so the marking and page number "
                                       "added to its headers and footers would not show; make the style visible")

    def _refuse(self, message: str) -> RenderError:
        file = str(self.reference) if self.reference is not None else "the document"
        return RenderError("", [Problem(file=file, message=message)])

    def _chain(self, name: str) -> list[Any]:
        """The style ``name`` and the styles it is based on, nearest first."""
        by_id = self._by_id
        if by_id is None:  # read once: the furniture asks about a few styles a dozen times, and adds none
            styles = self.writer.doc.styles.element
            by_id = self._by_id = {s.get(qn("w:styleId")): s for s in styles.iterchildren(qn("w:style"))}
        chain: list[Any] = []
        style = by_id.get(self.writer.style_id(name, name))
        while style is not None and style not in chain:
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style = by_id.get(based.get(qn("w:val"))) if based is not None else None
        return chain

    def _size(self, name: str) -> float:
        """The size in points a paragraph of style ``name`` is set in (Word's default, 10 pt, if nothing says)."""
        for style in self._chain(name):
            size = style.find(f"{qn('w:rPr')}/{qn('w:sz')}")
            if size is not None and size.get(qn("w:val"), "").isdigit():
                return int(size.get(qn("w:val"))) / 2
        defaults = self.writer.doc.styles.element.find(
            f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
        if defaults is not None and defaults.get(qn("w:val"), "").isdigit():
            return int(defaults.get(qn("w:val"))) / 2
        return 10.0  # Word's size when neither a style nor the document's defaults set one

    def _style_tabs(self, name: str) -> tuple[int, ...]:
        return tuple(int(tab.get(qn("w:pos"))) for style in self._chain(name)
                     for tab in style.iterfind(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}")
                     if tab.get(qn("w:val")) != "clear" and (tab.get(qn("w:pos")) or "").lstrip("-").isdigit())


class _Story:
    """A header or footer of python-docx's with its part looked up once, to write our line in: python-docx
    looks the part up again at every use (two XPath searches, each compiled afresh), and a paragraph asks
    its story for the part at every run, field and picture added to it."""

    def __init__(self, story: Any) -> None:
        self.part = story.part
        self._element = self.part.element


def _numbers_pages(story: Any) -> bool:
    """Whether a header or footer holds a PAGE field of its own (simple or complex, in a text box too; a
    complex field's instruction may be split over runs). NUMPAGES, SECTIONPAGES and PAGEREF are not PAGE."""
    simple = " ".join(el.get(qn("w:instr"), "") for el in story.iter(qn("w:fldSimple")))
    complex_ = "".join(el.text or "" for el in story.iter(qn("w:instrText")))
    return re.search(r"\bPAGE\b", f"{simple} {complex_}".upper()) is not None
