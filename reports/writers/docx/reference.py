"""Reference documents made safe, bounded and complete before the DOCX writer builds on them.

Part of write (DOCX). A reference .docx (``--reference-docx``, or the built-in templates/reference.docx)
gives the output its styles, theme, fonts, numbering, settings, page set-up and headers and footers,
never its content. A reference is a file from somewhere else, so before python-docx sees it, it goes
through these steps, each in its own module:

1. **Read, bounded** (docx_archive): a regular file within ``MAX_FILE_BYTES``, zip entries checked
   against the size, ratio and count limits before any is inflated, XML parsed without entities.
2. **Kept and dropped** (here): a new package is assembled from the parts the writer needs and nothing
   else: every relationship is dropped except internal images (and fonts in the fonts table) and web
   links in headers and footers; macros, the attached template, mail-merge sources, custom XML and
   embedded objects are left out and reported. Parts that are merely not needed (web settings,
   thumbnails, the glossary of a template, document properties) are left out without a word.
3. **Cleaned** (docx_clean): whatever is active or points outside in a kept part is removed; what was
   removed is reported as one warning.
4. **Completed** (docx_styles, and the page set-up here): a template (.dotx) or macro-enabled file
   (.docm/.dotm) becomes an ordinary document; every style the writer names (``WRITER_STYLES``) that the
   reference lacks comes from the built-in reference, with its list numbering; a section without a
   page size or margins gets ours.
5. **Written** (docx_parts) as a stored zip, and opened once with python-docx to prove it can be.

Every failure is one ``RenderError`` naming the file and the part (``corporate.docx: word/styles.xml:
not well-formed XML (line 3: ...)``). Each reference is prepared once per process (``check_reference``
and ``reference_package`` share the result), so a build of many documents pays for it once.
"""

from __future__ import annotations

import copy
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports import images
from reports.errors import Problem, RenderError
from reports.paths import builtin_templates_dir
from reports.writers.docx.archive import (
    CT,
    MAX_FILE_BYTES,
    MAX_PART_BYTES,
    MAX_TOTAL_BYTES,
    MAX_XML_BYTES,
    A,
    Archive,
    R,
    fail,
    parse_part,
    read_file,
    rels,
    w,
)
from reports.writers.docx.clean import (
    CUSTOM_XML,
    EMBEDDED,
    EXTERNAL_LINKS,
    MACROS,
    Report,
    classify_dropped,
    clean_settings,
    clean_story,
    quote,
)
from reports.writers.docx.parts import Package, serialise
from reports.writers.docx.styles import WRITER_STYLES, builtin_reference, complete_styles

_BIBLIOGRAPHY = "{http://schemas.openxmlformats.org/officeDocument/2006/bibliography}Sources"
_PKG_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
DOCUMENT_MAIN = _WML + "document.main+xml"
WORD_MAIN_TYPES = {
    DOCUMENT_MAIN: "",
    _WML + "template.main+xml": "template",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "macro-enabled",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "macro-enabled template",
}
# What the new package keeps from the main document: relationship type -> (canonical part, content type,
# root element). Headers and footers are numbered; the rest are single.
_KEPT: dict[str, tuple[str, str, str]] = {
    "styles": ("word/styles.xml", _WML + "styles+xml", w("styles")),
    "numbering": ("word/numbering.xml", _WML + "numbering+xml", w("numbering")),
    "settings": ("word/settings.xml", _WML + "settings+xml", w("settings")),
    "fontTable": ("word/fontTable.xml", _WML + "fontTable+xml", w("fonts")),
    "theme": ("word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml",
              f"{{{A}}}theme"),
    "footnotes": ("word/footnotes.xml", _WML + "footnotes+xml", w("footnotes")),
    "endnotes": ("word/endnotes.xml", _WML + "endnotes+xml", w("endnotes")),
    "header": ("word/header{n}.xml", _WML + "header+xml", w("hdr")),
    "footer": ("word/footer{n}.xml", _WML + "footer+xml", w("ftr")),
}
# Relationships a kept part may have of its own (all internal, except web links in the stories).
_STORIES = ("header", "footer", "footnotes", "endnotes")
_PART_RELS: dict[str, set[str]] = {**{story: {"image", "hyperlink"} for story in _STORIES},
                                   "numbering": {"image"}, "theme": {"image"}, "fontTable": {"font"}}
_WEB_SCHEMES = ("http://", "https://", "mailto:")
_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
                "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "emf": "image/x-emf",
                "wmf": "image/x-wmf"}
_UNCHECKED_PICTURES = "pictures that are not a sound PNG or JPEG"
_FONT_TYPES = {"odttf": "application/vnd.openxmlformats-officedocument.obfuscatedFont"}


# --------------------------------------------------------------------------- results and the cache


@dataclass(frozen=True)
class Reference:
    """A prepared reference: a clean package (entries stored, not compressed, for fast opening) and
    what was removed from it on the way, as warnings."""

    data: bytes
    warnings: tuple[Problem, ...] = ()


_CACHE: dict[tuple[object, ...], Reference | RenderError] = {}
_CACHE_SIZE = 8


def load_reference(path: Path | None) -> Reference:
    """The prepared reference for ``path`` (None: the built-in one), made once per process per file.

    Raises ``RenderError`` (one message naming the file and the part) when the file cannot be used.
    """
    source = builtin_templates_dir() / "reference.docx" if path is None else Path(path)
    name = str(source)
    try:
        info = os.stat(source)
        key: tuple[object, ...] = (name, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        key = (name,)  # not cached below: the error is re-read each time, as the file may appear
    cached = _CACHE.get(key)
    if cached is None:
        try:
            cached = _prepare(read_file(source, name), name)
        except RenderError as exc:
            cached = exc
        if len(key) > 1:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = cached
    if isinstance(cached, RenderError):
        raise RenderError(cached.message, cached.problems)
    return cached


def check_reference(path: Path | None) -> list[Problem]:
    """The warnings for reference ``path`` (what was removed from it); raises ``RenderError`` when it
    cannot be used. Cheap after the first call: the pipeline calls it once per document."""
    return list(load_reference(path).warnings)


def reference_package(path: Path | None) -> bytes:
    """The clean package the DOCX writer opens for reference ``path`` (None: the built-in one)."""
    return load_reference(path).data


# --------------------------------------------------------------------------- what is kept


def _prepare(data: bytes, name: str) -> Reference:
    """Check, clean and complete one reference document."""
    archive = Archive(data, name)
    report = Report()
    main = _main_part(archive)
    if not archive.has("[Content_Types].xml"):
        raise fail(name, "missing, so this is not a complete Word package; open and save it again in Word",
                   "[Content_Types].xml")
    _check_main_type(archive, main)
    _report_left_out(archive, report)
    package = Package()
    document = archive.xml(main, w("document"))
    body = document.find(w("body"))
    if body is None:
        raise fail(name, "has no <w:body>", main)
    section = body[-1] if len(body) and body[-1].tag == w("sectPr") else None
    roots, kept_ids = _keep_parts(archive, main, section, package, report)
    new_document = _new_document(document, section, kept_ids, report)
    _complete(roots, package)
    for target, root in _parts_in_order(roots):
        package.parts[target] = serialise(root)
    package.parts["word/document.xml"] = serialise(new_document)
    package.types["word/document.xml"] = DOCUMENT_MAIN
    _add_properties(package)
    data = package.zip_bytes()
    _check_opens(data, name)
    return Reference(data=data, warnings=report.warnings(name))


def _report_left_out(archive: Archive, report: Report) -> None:
    """Report the package's own contents a reader should hear were left out (none of it is kept)."""
    for part in archive.names():
        lower = part.lower()
        if "vbaproject" in lower or "vbadata" in lower:
            report.add(MACROS)
        elif re.fullmatch(r"customxml/item\d*\.xml", lower) and not _empty_bibliography(archive, part):
            report.add(CUSTOM_XML)
        elif "/embeddings/" in lower or "/activex/" in lower:
            report.add(EMBEDDED)
    for rel in rels(archive, ""):
        if rel.kind != "officeDocument":
            classify_dropped(rel, report)


def _keep_parts(archive: Archive, main: str, section: Any, package: Package,
                report: Report) -> tuple[dict[str, Any], set[str]]:
    """The parts of the main document that are kept (``_KEPT``), parsed and cleaned, by kind (headers
    and footers by their new name), and the relationship ids that point at them; the package gets
    their names (their bytes come once styles are completed) and their own relationships."""
    referenced = set() if section is None else {
        e.get(f"{{{R}}}id") for e in section.iter(w("headerReference"), w("footerReference"))}
    kept_ids: set[str] = set()
    roots: dict[str, Any] = {}
    counters = {"header": 0, "footer": 0}
    for rel in rels(archive, main):
        spec = _KEPT.get(rel.kind)
        if spec is None or rel.external or not archive.has(rel.target):
            classify_dropped(rel, report)
            continue
        if rel.kind in counters:
            if rel.id not in referenced:
                continue  # a header of an earlier section of the reference's content
            counters[rel.kind] += 1
            target = spec[0].format(n=counters[rel.kind])
        elif rel.kind in roots:
            continue  # a second styles part (or settings ...): the first one counts
        else:
            target = spec[0]
        root = archive.xml(rel.target, spec[2])
        roots[rel.kind if rel.kind not in counters else target] = root
        kept = _copy_part_rels(archive, rel.target, target, _PART_RELS.get(rel.kind, set()),
                               rel.kind in _STORIES, package, report)
        if rel.kind == "settings":
            clean_settings(root, report)
        clean_story(root, kept, report)
        package.add(target, b"", spec[1])  # bytes filled in below, after styles are completed
        package.relate("word/document.xml", rel.id, rel.kind, target)
        kept_ids.add(rel.id)
    return roots, kept_ids


def _empty_bibliography(archive: Archive, part: str) -> bool:
    # Word puts an empty list of bibliography sources into many documents as custom XML; leaving that
    # out is not worth a warning. Anything else there is data someone put in.
    try:
        root = archive.xml(part)
    except RenderError:
        return False
    return bool(root.tag == _BIBLIOGRAPHY and not len(root))


def _parts_in_order(roots: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, root in roots.items():
        yield (_KEPT[key][0] if key in _KEPT else key), root


def _main_part(archive: Archive) -> str:
    if archive.has("_rels/.rels"):
        for rel in rels(archive, ""):
            if rel.kind == "officeDocument" and not rel.external and archive.has(rel.target):
                return rel.target
    if archive.has("word/document.xml"):
        return "word/document.xml"
    raise fail(archive.name, "not a Word document (.docx): no word/document.xml inside")


def _check_main_type(archive: Archive, main: str) -> None:
    root = archive.xml("[Content_Types].xml", f"{{{CT}}}Types")
    for override in root.iter(f"{{{CT}}}Override"):
        if override.get("PartName", "").lstrip("/").lower() == main.lower():
            content_type = override.get("ContentType", "")
            if content_type not in WORD_MAIN_TYPES:
                raise fail(archive.name, f"not a Word document: its main part is {quote(content_type)}",
                           "[Content_Types].xml")


def _copy_part_rels(archive: Archive, source: str, target: str, allowed: set[str], web_links: bool,
                    package: Package, report: Report) -> set[str]:
    """Carry over the relationships a kept part may have (its own pictures and fonts, web links in
    headers and footers); report the rest. Returns the ids kept."""
    kept: set[str] = set()
    for rel in rels(archive, source):
        if rel.kind not in allowed:
            classify_dropped(rel, report)
            continue
        if rel.external:
            if rel.kind == "hyperlink" and web_links and rel.target.lower().startswith(_WEB_SCHEMES):
                package.relate(target, rel.id, rel.kind, rel.target, external=True)
                kept.add(rel.id)
            else:
                report.add(EXTERNAL_LINKS, rel.target)
            continue
        extension = rel.target.rsplit(".", 1)[-1].lower() if "." in rel.target else ""
        types = _IMAGE_TYPES if rel.kind == "image" else _FONT_TYPES if rel.kind == "font" else {}
        if extension not in types or not archive.has(rel.target):
            continue  # an SVG, a broken link, an odd font: the picture is removed with its reference
        data = archive.read(rel.target)
        if rel.kind == "image":
            # Encoded again, never copied (what a file carries beside its pixels stays behind); a
            # picture that is not a sound PNG or JPEG (EMF, GIF, damaged ...) goes with its reference.
            try:
                data, fmt = images.reencode(data, f"{archive.name}: {rel.target}")
            except images.ImageError:
                report.add(_UNCHECKED_PICTURES, rel.target.rsplit("/", 1)[-1])
                continue
            extension = "png" if fmt == "PNG" else "jpeg"
        folder = "word/media" if rel.kind == "image" else "word/fonts"
        name = f"{folder}/{rel.kind}{sum(p.startswith(folder) for p in package.parts) + 1}.{extension}"
        package.add(name, data)
        package.defaults[extension] = types[extension]
        package.relate(target, rel.id, rel.kind, name)
        kept.add(rel.id)
    return kept


def _new_document(document: Any, section: Any, kept_ids: set[str], report: Report) -> Any:
    """The reference's document element with nothing in its body but its last section's settings."""
    for child in list(document):
        if child.tag != w("body"):
            document.remove(child)
    body = document.find(w("body"))
    for child in list(body):
        body.remove(child)
    ours = builtin_reference().xml("word/document.xml", w("document")).find(f"{w('body')}/{w('sectPr')}")
    if section is None:
        section = ours
    else:
        clean_story(section, kept_ids, report)
        _complete_page(section, ours)
    body.append(section)
    return document


# Children of w:sectPr that come before the page size, in the schema's order.
_BEFORE_PAGE = [w(n) for n in ("headerReference", "footerReference", "footnotePr", "endnotePr", "type")]


def _complete_page(section: Any, ours: Any) -> None:
    """Give a section without a page size or margins (Word then assumes its own) ours, so that the
    writer can always work out the text width."""
    size, margins = section.find(w("pgSz")), section.find(w("pgMar"))
    if size is None or size.get(w("w")) is None or size.get(w("h")) is None:
        if size is not None:
            section.remove(size)
        size = copy.deepcopy(ours.find(w("pgSz")))
        before = [child for child in section if child.tag in _BEFORE_PAGE]
        section.insert(section.index(before[-1]) + 1 if before else 0, size)
    if margins is None:
        margins = copy.deepcopy(ours.find(w("pgMar")))
        size.addnext(margins)
    for side in ("top", "right", "bottom", "left", "header", "footer", "gutter"):
        if margins.get(w(side)) is None:
            margins.set(w(side), ours.find(w("pgMar")).get(w(side)))


def _add_properties(package: Package) -> None:
    # Neutral document properties from the built-in reference; the writer sets its own values. The
    # reference's own (company, template path, hyperlink base, custom properties) are not passed on.
    builtin = builtin_reference()
    package.add("docProps/core.xml", builtin.read("docProps/core.xml"),
                "application/vnd.openxmlformats-package.core-properties+xml")
    package.add("docProps/app.xml", builtin.read("docProps/app.xml"),
                "application/vnd.openxmlformats-officedocument.extended-properties+xml")
    package.relate("", "rId1", "officeDocument", "word/document.xml")
    package.relate("", "rId2", _PKG_CORE, "docProps/core.xml")
    package.relate("", "rId3", "extended-properties", "docProps/app.xml")


def _check_open(data: bytes) -> None:
    from docx import Document as open_docx

    # What the writer reads from every reference, read once here, so that a value python-docx cannot
    # parse fails with the file's name rather than in the middle of a document.
    document = open_docx(io.BytesIO(data))
    section = document.sections[-1]
    for value in (section.page_width, section.page_height, section.left_margin, section.right_margin,
                  section.top_margin, section.bottom_margin, section.header, section.footer):
        if value is None:
            raise ValueError("the page set-up is incomplete")
    document.styles.element  # noqa: B018
    document.part.numbering_part  # noqa: B018


def _check_opens(data: bytes, name: str) -> None:
    try:
        _check_open(data)
    except Exception as exc:  # python-docx raises many kinds for what it cannot read
        raise fail(name, f"cannot be used as a reference document ({type(exc).__name__}: {exc})") from None


# --------------------------------------------------------------------------- completing


def _complete(roots: dict[str, Any], package: Package) -> None:
    """Add what the writer needs and the reference lacks (styles, list numbering; see docx_styles),
    a missing styles or numbering part as a new part of the package."""
    styles, numbering = complete_styles(roots.get("styles"), roots.get("numbering"))
    for kind, root in (("styles", styles), ("numbering", numbering)):
        if kind not in roots:
            _adopt(roots, package, kind, root)


def _adopt(roots: dict[str, Any], package: Package, kind: str, root: Any) -> None:
    target, content_type, _root = _KEPT[kind]
    roots[kind] = root
    package.add(target, b"", content_type)
    used = {rel[0] for rel in package.rels.get("word/document.xml", [])}
    rel_id = next(f"rIdReports{n}" for n in range(1, 1000) if f"rIdReports{n}" not in used)
    package.relate("word/document.xml", rel_id, kind, target)


__all__ = ["MAX_FILE_BYTES", "MAX_PART_BYTES", "MAX_TOTAL_BYTES", "MAX_XML_BYTES", "WRITER_STYLES", "Reference",
           "check_reference", "load_reference", "parse_part", "reference_package"]
