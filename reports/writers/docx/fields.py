"""The page numbers a Word document's header and footer fields hold before anything updates them.

Part of write (DOCX). A field keeps the result it was last given (``w:fldChar`` begin, instruction,
separate, *result*, end): Word and LibreOffice compute PAGE and NUMPAGES as they lay the pages out, but a
reader that does not (a previewer, a text extraction, a search index) prints the result as written, so
"Page 1 of 1" in a six-page file. The results are written from the one layout (``writers.pagination``):

- NUMPAGES (and SECTIONPAGES, the document being one section) holds the page count;
- PAGE holds the number of the first page its header or footer is shown on: 1 in the first page's
  footer (or in the one footer of a document without a first page of its own), 2 in the footer of the
  pages after the first, 2 and 3 in the even and odd footers when they differ. A footer is one part
  shown on many pages, so that is the one right value it can hold; every renderer puts each page's own
  number in its place.

A result with a number format of its own (``\\* roman`` ...) is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

_BEGIN, _SEPARATE, _END = "begin", "separate", "end"
_HEADER_REF, _FOOTER_REF, _TYPE, _R_ID = (qn(name) for name in ("w:headerReference", "w:footerReference", "w:type",
                                                                "r:id"))
_PLAIN_FORMATS = {"ARABIC", "MERGEFORMAT", "CHARFORMAT"}


@dataclass
class _Field:
    instruction: str = ""
    separate: Any = None  # the run holding the separator (after it the result starts)
    texts: list[Any] = field(default_factory=list)  # the result's w:t elements


def cache_page_numbers(document: Any, pages: int) -> None:
    """Write ``pages`` into every NUMPAGES and SECTIONPAGES field result of the headers and footers of
    ``document`` (python-docx), and into every PAGE field result the first page its part is shown on."""
    even_odd = bool(document.settings.odd_and_even_pages_header_footer)
    related = document.part.related_parts
    for section in document.sections:
        sect_pr = section._sectPr
        first_own = bool(section.different_first_page_header_footer)
        default_first = (3 if first_own else 1) if even_odd else (2 if first_own else 1)
        shown_first = {"first": 1, "default": default_first, "even": 2}  # w:type of each reference
        # The parts the section names itself, read from its references directly (python-docx's header and
        # footer properties search them, with an XPath compiled afresh, several times a part); the first
        # reference of a kind counts, as in python-docx. A kind without one shows the previous section's.
        parts: dict[tuple[str, str], Any] = {}
        for ref in sect_pr.iterchildren(_HEADER_REF, _FOOTER_REF):
            parts.setdefault((ref.tag, ref.get(_TYPE)), related[ref.get(_R_ID)])
        for kind, first in shown_first.items():  # parts the settings do not show are filled all the same
            for tag in (_HEADER_REF, _FOOTER_REF):
                part = parts.get((tag, kind))
                if part is not None:
                    _fill(part.element, {"NUMPAGES": pages, "SECTIONPAGES": pages, "PAGE": min(first, pages)})


def _fill(root: Any, values: dict[str, int]) -> None:
    for simple in root.iter(qn("w:fldSimple")):
        value = _value(simple.get(qn("w:instr"), ""), values)
        if value is not None:
            _set(list(simple.iter(qn("w:t"))), value, simple, None)
    stack: list[_Field] = []
    for element in root.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if element.tag == qn("w:fldChar"):
            kind = element.get(qn("w:fldCharType"))
            if kind == _BEGIN:
                stack.append(_Field())
            elif kind == _SEPARATE and stack:
                stack[-1].separate = element.getparent()
            elif kind == _END and stack:
                done = stack.pop()
                value = _value(done.instruction, values)
                if value is not None and done.separate is not None:
                    _set(done.texts, value, None, done.separate)
        elif stack and element.tag == qn("w:instrText") and stack[-1].separate is None:
            stack[-1].instruction += element.text or ""
        elif stack and element.tag == qn("w:t") and stack[-1].separate is not None:
            stack[-1].texts.append(element)


def _value(instruction: str, values: dict[str, int]) -> str | None:
    words = instruction.split()
    if not words or words[0].upper() not in values:
        return None
    formats = {words[i + 1].upper() for i, word in enumerate(words[:-1]) if word == "\\*"}
    return str(values[words[0].upper()]) if formats <= _PLAIN_FORMATS else None


def _set(texts: list[Any], value: str, simple: Any, separate_run: Any) -> None:
    """The result's first text becomes ``value`` and the rest empty; a result without text gets a run."""
    if texts:
        texts[0].text = value
        for text in texts[1:]:
            text.text = ""
        return
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = value
    run.append(text)
    if simple is not None:
        simple.append(run)
    else:
        separate_run.addnext(run)


__all__ = ["cache_page_numbers"]
