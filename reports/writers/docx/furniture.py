"""The furniture of a Word document: the title block (or the memo's heading), the running header and
footer with "Page N of M", and the logo on the first page, wherever the reference document has none
of its own."""

from __future__ import annotations

from typing import Any

from reports.writers.docx import access as docx_access
from reports.writers.docx import ooxml
from reports.writers.docx import theme as docx_theme
from reports.writers.docx.story import StoryWriter


def title_block(writer: StoryWriter) -> None:
    meta, doc = writer.meta, writer.doc
    if meta.kind == "memo":
        if meta.organisation:
            writer.add_text(writer.new_para(doc, "Kicker"), meta.organisation.upper(), None, None)
        writer.add_text(writer.new_para(doc, "Memo Title", "Title"), meta.labels.memorandum, None, None)
        return
    kicker = "  ·  ".join(x for x in (meta.organisation.upper(), meta.classification.upper()) if x)
    if kicker:
        writer.add_text(writer.new_para(doc, "Kicker"), kicker, None, None)
    writer.add_text(writer.new_para(doc, "Title"), meta.title, None, None)
    if meta.subtitle:
        writer.add_text(writer.new_para(doc, "Subtitle"), meta.subtitle, None, None)
    for line in ("  ·  ".join(x for x in (meta.category, meta.date) if x), "  ·  ".join(meta.parties)):
        if line:
            writer.add_text(writer.new_para(doc, "Byline"), line, None, None)
    writer.new_para(doc, "Title Rule", "Rule")
    if meta.toc:  # filled in by write_docx once every heading is written (``toc``)
        from reports.writers.docx.toc import TableOfContents

        writer.toc = TableOfContents(writer)

def fresh_story(writer: StoryWriter, story: Any, style: str, tab: int) -> Any:
    """Unlink and empty a header or footer; return its one paragraph in ``style`` with a right tab."""
    story.is_linked_to_previous = False
    _clear(story)
    paragraph = writer.new_para(story, style)
    ooxml.tab_stop_right(paragraph, tab)
    return paragraph

def page_furniture(writer: StoryWriter) -> None:
    """The running header and footer, and the logo on the first page, wherever the reference
    document has no header or footer of that kind (its own, letterhead and all, are kept)."""
    meta = writer.meta
    section = writer.doc.sections[-1]
    kept = docx_theme.reference_stories(section)
    if not kept:  # no letterhead: no running header on the first page, as in the PDF
        section.different_first_page_header_footer = True
    wanted = {"header", "footer"}
    if section.different_first_page_header_footer:
        wanted |= {"first_page_header", "first_page_footer"}
    if writer.doc.settings.odd_and_even_pages_header_footer:
        wanted |= {"even_page_header", "even_page_footer"}
    tab = writer.text_width() // 635  # EMU -> twips
    for name in ("header", "even_page_header"):
        if name not in wanted - kept:
            continue
        paragraph = fresh_story(writer, getattr(section, name), "Header", tab)
        writer.add_text(paragraph, meta.short_title or meta.title, None, None)
        if meta.classification:
            paragraph.add_run("\t")
            writer.add_text(paragraph, meta.classification.upper(), "Strong", None)
    for name in ("footer", "first_page_footer", "even_page_footer"):
        if name not in wanted - kept:
            continue
        paragraph = fresh_story(writer, getattr(section, name), "Footer", tab)
        note = "  ·  ".join(x for x in (meta.date, meta.classification.upper(), meta.organisation) if x)
        before, between, after = meta.labels.page_parts()  # "Page N of M" in the labels' language
        writer.add_text(paragraph, note + "\t" + before, None, None)
        ooxml.add_field(paragraph, "PAGE")
        writer.add_text(paragraph, between, None, None)
        ooxml.add_field(paragraph, "NUMPAGES")
        if after:
            writer.add_text(paragraph, after, None, None)
    if "first_page_header" in wanted - kept:
        first_header = section.first_page_header
        first_header.is_linked_to_previous = False
        _clear(first_header)
        logo = writer.new_para(first_header, "Header")
        docx_theme.add_logo(logo, writer.theme)
        docx_access.describe_logo(logo, meta.organisation, meta.labels)


def _clear(part: Any) -> None:
    for child in list(part._element):
        part._element.remove(child)
