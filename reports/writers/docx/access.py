"""What Word's accessibility checker looks for, made true of every DOCX the writer makes.

Part of write (DOCX). The writer calls these; each is small and reads or writes raw WordprocessingML:

- ``set_language``: the document's language (the data's ``language``, as Word spells it: ``en`` ->
  ``en-US``, ``zh-Hans`` -> ``zh-CN``) in the document defaults and in every style that names a language
  of its own (a reference's Normal may say ``en-GB``), so spelling, hyphenation and screen readers use
  it; the core property ``language`` is set by the writer from the same value.
- ``describe_logo`` and ``mark_decorative``: every picture has alt text (``wp:docPr descr``) or is marked
  decorative (Office's ``adec:decorative`` extension, which Word's checker accepts and screen readers
  skip): the theme's logo is described with the organisation's name; a picture whose template gave empty
  alt text (Markdown's ``![](file)``, decorative by convention) and a reference's own letterhead picture
  without a description are marked decorative.
- ``space_after_tables``: the space after a table is spacing before the paragraph that follows it, not
  an empty paragraph (which a screen reader announces as "blank"). Where the file format needs a
  paragraph after a table (the end of a table cell; between two tables, which Word would otherwise join
  into one) an empty one is kept, exactly as high as the space.

Header rows (``w:tblHeader``) are marked where tables are made (``ooxml.repeat_header``), the title
property by ``docx._core_properties``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from reports.tree import Labels
from reports.writers.docx import ooxml

_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"  # the extension's id, as Word writes it
_STORIES = ("document.main+xml", "template.main+xml", "header+xml", "footer+xml", "footnotes+xml",
            "endnotes+xml")
_RTL = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})
_W_P, _W_TBL, _W_TC, _W_SECTPR = (qn(f"w:{n}") for n in ("p", "tbl", "tc", "sectPr"))
_TWIPS_PER_POINT = 20


def finish(document: Any, language: str, gaps: Iterable[tuple[Any, float]]) -> None:
    """Everything here for a document whose stories are written: ``gaps`` are the tables and the space
    after each (see ``space_after_tables``), ``language`` the data's BCP 47 tag."""
    space_after_tables(document, gaps)
    set_language(document, language)
    mark_decorative(document)


# ------------------------------------------------------------------------------------------ language


def word_language(tag: str) -> str:
    """The language tag Word uses for the BCP 47 ``tag``: a region is always named (Word's proofing
    languages are regional: ``en`` -> ``en-US``, ``de`` -> ``de-DE``, from CLDR's likely subtags), and
    Chinese says its script by region (``zh-Hans`` -> ``zh-CN``, ``zh-Hant`` -> ``zh-TW``); another
    explicit script stays (``sr-Latn`` -> ``sr-Latn-RS``). A tag CLDR does not know is kept as given."""
    from babel.core import get_global

    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), "")
    region = next((p.upper() for p in parts[1:] if (len(p) == 2 and p.isalpha()) or (len(p) == 3 and p.isdigit())),
                  "")
    likely: Mapping[str, str] = get_global("likely_subtags")
    if not region:
        key = f"{language}_{script}" if script and f"{language}_{script}" in likely else language
        found = likely.get(key, "").split("_")
        region = found[-1] if len(found) == 3 else ""
    if not region:
        return tag
    if script and language != "zh":
        default_script = likely.get(language, "").split("_")
        if len(default_script) == 3 and default_script[1] != script:
            return f"{language}-{script}-{region}"
    return f"{language}-{region}"


MAX_LANG = 84  # characters of a w:lang value (ST_Lang); the data's tag may be longer (a language, then subtags)


def _within(tag: str, limit: int) -> str:
    """``tag`` cut at a subtag boundary to at most ``limit`` characters: its language and the subtags
    that fit, in order (a tag's later subtags only narrow what the earlier ones say)."""
    parts = tag.split("-")
    while len("-".join(parts)) > limit and len(parts) > 1:
        parts.pop()
    return "-".join(parts)[:limit]


def set_language(document: Any, tag: str) -> None:
    """Say the document's language ``tag`` (BCP 47) in the document defaults (``w:lang w:val``; also
    ``w:bidi`` for a right-to-left language) and in every style that names a language of its own.

    The East Asian language (``w:eastAsia``) is left as it is: the East Asian set-up decides it."""
    lang = _within(word_language(tag), MAX_LANG)
    rtl = tag.split("-")[0].lower() in _RTL
    styles = document.styles.element
    defaults = _defaults_r_pr(styles)
    element = defaults.find(qn("w:lang"))
    if element is None:
        element = ooxml.place(defaults, etree.Element(qn("w:lang")), ooxml.R_PR_ORDER)
    element.set(qn("w:val"), lang)
    if rtl:
        element.set(qn("w:bidi"), lang)
    for style in styles.iterchildren(qn("w:style")):
        for own in style.iter(qn("w:lang")):
            if own.get(qn("w:val")) is not None:
                own.set(qn("w:val"), lang)
            if rtl and own.get(qn("w:bidi")) is not None:
                own.set(qn("w:bidi"), lang)


def _defaults_r_pr(styles: Any) -> Any:
    """The document defaults' run properties (``w:docDefaults/w:rPrDefault/w:rPr``), made if missing."""
    doc_defaults = styles.find(qn("w:docDefaults"))
    if doc_defaults is None:
        doc_defaults = etree.Element(qn("w:docDefaults"))
        styles.insert(0, doc_defaults)  # first in w:styles
    r_pr_default = doc_defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = etree.Element(qn("w:rPrDefault"))
        doc_defaults.insert(0, r_pr_default)  # before w:pPrDefault
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = etree.SubElement(r_pr_default, qn("w:rPr"))
    return r_pr


# ------------------------------------------------------------------------------------------ pictures


def logo_description(organisation: str, labels: Labels | None = None) -> str:
    """The logo's alt text, in the labels' language (``Logo of ...``, ``Logo``)."""
    return (labels if labels is not None else Labels()).logo_text(organisation)


def describe_logo(paragraph: Any, organisation: str, labels: Labels | None = None) -> None:
    """Give each picture in ``paragraph`` (the header holding the theme's logo) the logo's alt text."""
    for doc_pr in paragraph._p.iter(f"{{{_WP}}}docPr"):
        if not doc_pr.get("descr", "").strip():
            doc_pr.set("descr", logo_description(organisation, labels))


def mark_decorative(document: Any) -> None:
    """Mark decorative every picture of every story that has no alt text (see the module's docstring),
    and number all pictures' ``wp:docPr id`` 1, 2, ... across the stories: python-docx numbers them per
    part, so a reference's letterhead logo and a picture in the body could share an id, which the
    format forbids (Word offers to repair such a file)."""
    number = 0
    for root in _story_roots(document):
        for doc_pr in root.iter(f"{{{_WP}}}docPr"):
            number += 1
            doc_pr.set("id", str(number))
            if not doc_pr.get("descr", "").strip() and not _is_decorative(doc_pr):
                _add_decorative(doc_pr)


def _story_roots(document: Any) -> Iterable[Any]:
    parts = [part for part in document.part.package.iter_parts()
             if part.content_type.endswith(_STORIES) and hasattr(part, "element")]
    for part in sorted(parts, key=lambda part: str(part.partname)):
        yield part.element


def _is_decorative(doc_pr: Any) -> bool:
    return any(e.get("val") in ("1", "true") for e in doc_pr.iter(f"{{{_ADEC}}}decorative"))


def _add_decorative(doc_pr: Any) -> None:
    ext_list = doc_pr.find(f"{{{_A}}}extLst")
    if ext_list is None:
        ext_list = etree.SubElement(doc_pr, f"{{{_A}}}extLst")  # last of docPr's children
    ext = etree.SubElement(ext_list, f"{{{_A}}}ext", uri=_DECORATIVE_EXT)
    decorative = etree.SubElement(ext, f"{{{_ADEC}}}decorative", nsmap={"adec": _ADEC})
    decorative.set("val", "1")


# ------------------------------------------------------------------------------------------ spacing


def space_after_tables(document: Any, gaps: Iterable[tuple[Any, float]]) -> None:
    """Put ``points`` of space after each table of ``gaps`` (its ``w:tbl`` element, points): as space
    before the paragraph that follows it, on top of that paragraph's own (as the PDF adds a spacer to
    the next paragraph's space before). Where a paragraph must follow (the table ends a cell, or another
    table follows), an empty one exactly ``points`` high is put in."""
    styles = document.styles.element
    for table, points in gaps:
        following = table.getnext()
        while following is not None and following.tag not in (_W_P, _W_TBL, _W_SECTPR):
            following = following.getnext()
        if following is not None and following.tag == _W_P and _ends_cell_empty(following):
            following.addprevious(_spacer(points))  # python-docx's own paragraph after a table in a cell
            following.getparent().remove(following)
        elif following is not None and following.tag == _W_P:
            _add_space_before(following, styles, points)
        elif (following is not None and following.tag == _W_TBL) or table.getparent().tag == _W_TC:
            table.addnext(_spacer(points))
        # else the table ends the body: the space after it would fall at the foot of the last page


def _ends_cell_empty(p: Any) -> bool:
    """True for an empty paragraph (no content, no properties) that ends a table cell."""
    return p.getparent().tag == _W_TC and p.getnext() is None and len(p) == 0


def _add_space_before(p: Any, styles: Any, points: float) -> None:
    p_pr = p.find(qn("w:pPr"))
    if p_pr is None:
        p_pr = etree.Element(qn("w:pPr"))
        p.insert(0, p_pr)  # paragraph properties come first
    spacing = p_pr.find(qn("w:spacing"))
    if spacing is None:
        spacing = ooxml.place(p_pr, etree.Element(qn("w:spacing")), ooxml.P_PR_ORDER)
    own = spacing.get(qn("w:before"))
    before = _twips(own) / _TWIPS_PER_POINT if own is not None else _style_space_before(styles, _style_of(p, styles))
    spacing.set(qn("w:before"), str(round((before + points) * _TWIPS_PER_POINT)))


def _style_of(p: Any, styles: Any) -> str | None:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    if style is not None:
        return str(style.get(qn("w:val")))
    for element in styles.iterchildren(qn("w:style")):
        if element.get(qn("w:type")) == "paragraph" and element.get(qn("w:default")) in ("1", "true", "on"):
            return str(element.get(qn("w:styleId")))
    return None


def _style_space_before(styles: Any, style_id: str | None) -> float:
    """The space before (points) that the paragraph style ``style_id`` gives, through its ``basedOn``
    chain, then the document defaults."""
    by_id = {e.get(qn("w:styleId")): e for e in styles.iterchildren(qn("w:style"))}
    seen: set[str] = set()
    while style_id is not None and style_id in by_id and style_id not in seen:
        seen.add(style_id)
        style = by_id[style_id]
        spacing = style.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        if spacing is not None and spacing.get(qn("w:before")) is not None:
            return _twips(spacing.get(qn("w:before"))) / _TWIPS_PER_POINT
        based_on = style.find(qn("w:basedOn"))
        style_id = based_on.get(qn("w:val")) if based_on is not None else None
    spacing = styles.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None and spacing.get(qn("w:before")) is not None:
        return _twips(spacing.get(qn("w:before"))) / _TWIPS_PER_POINT
    return 0.0


def _twips(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # a measure with a unit ("12pt"), which the transitional schema allows too
        units = {"pt": 20.0, "mm": 56.6929, "cm": 566.929, "in": 1440.0, "pc": 240.0, "pi": 240.0}
        for unit, factor in units.items():
            if value.endswith(unit):
                try:
                    return float(value[: -len(unit)]) * factor
                except ValueError:
                    return 0.0
        return 0.0


def _spacer(points: float) -> Any:
    """An empty paragraph exactly ``points`` high (no space before or after, an exact line)."""
    p = etree.Element(_W_P)
    p_pr = etree.SubElement(p, qn("w:pPr"))
    spacing = etree.SubElement(p_pr, qn("w:spacing"))
    twips = str(max(round(points * _TWIPS_PER_POINT), 20))  # Word needs a line of at least 1 pt
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), twips)
    spacing.set(qn("w:lineRule"), "exact")
    r_pr = etree.SubElement(p_pr, qn("w:rPr"))
    etree.SubElement(r_pr, qn("w:sz")).set(qn("w:val"), "2")  # the paragraph mark: 1 pt
    return p


__all__ = ["describe_logo", "finish", "logo_description", "mark_decorative", "set_language", "space_after_tables",
           "word_language"]
