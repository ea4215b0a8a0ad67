"""Word's embedded TrueType fonts: the packaged families a DOCX names travel inside it.

Part of write (DOCX). Without them a DOCX opened where Source Serif / Source Sans are not installed is
set in whatever the reader substitutes (LibreOffice showed DejaVu Sans throughout). ``embed_fonts``
puts each packaged family the document's styles or runs name into the package, as ECMA-376 Part 1
§17.8 describes and Word and LibreOffice read:

- one font part per face (``FAMILIES``: the body family's regular, bold, italic and bold italic, the
  heading family's regular and bold), subset to the characters the document holds (every story, list
  labels, their capitals) and printable ASCII (page-number fields, a reader's own typing),
  obfuscated (§17.8.1: the first 32 bytes XORed with the font key, a GUID) as
  ``application/vnd.openxmlformats-officedocument.obfuscatedFont``;
- in fontTable.xml, ``w:embedRegular`` / ``w:embedBold`` / ``w:embedItalic`` / ``w:embedBoldItalic``
  naming each part's relationship and key;
- in settings.xml, ``w:embedTrueTypeFonts`` and ``w:saveSubsetFonts`` (Word keeps embedding them on save).

Reproducible: the key is derived from a hash of the subset's bytes, so the same document gives the same
parts. Fast enough: each face is parsed once per process (without the layout tables, which are dropped,
and with glyphs left compiled) and kept pickled; a document's subset then takes about 8 ms of CPU a face
(~50 ms a document, ~55 KB added), and a subset already made for the same characters is reused.

The embedded faces are the family's own bold and italic (what Word shows where the family is installed).
Kerning and ligature tables are left out: neither Word (unless asked per run) nor the PDF writer applies
them, so leaving them out keeps LibreOffice's lines the same width as theirs. Fonts the tool does not
ship (a reference document's Calibri, the East Asian face SimSun) are never embedded.

The Chinese face the PDF embeds (``cjk_fonts.find_cjk_face``: the theme's, else the machine's) is
embedded too when the document names it as its East Asian face (a Chinese document does, see
``docx_theme.set_east_asian``) and holds Chinese, Japanese or Korean text: its regular face only (Word
emboldens East Asian text itself), cut down to the document's characters (``cjk_fonts.subset_for_pdf``,
TrueType outlines, a CFF face converted), so a few kilobytes for a few names and some hundreds for a
Chinese edition rather than the 17 MB of the whole face; ``w:charset`` 86 (GB 2312) lets Word pick a
Chinese face of its own where it cannot use the embedded one.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import string
import threading
import uuid
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_TABLE = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STORIES = ("document.main+xml", "template.main+xml", "header+xml", "footer+xml", "footnotes+xml",
            "endnotes+xml", "comments+xml")
# Always in the subset: printable ASCII. It holds what fields print (page numbers, list numbers), lets a
# reader who edits the document type any plain letter in the same face, and makes most documents of a
# batch differ only in a few characters beyond it, so a subset made for one is often reused (see subset).
ALWAYS = frozenset(string.printable[:95])
# Most documents use only these: printable Latin-1 and the typographic marks of Windows-1252. A document
# within them gets the subset of all of them, made once per process and shared by every such document
# (a batch then subsets nothing); only a document with other characters pays for a subset of its own.
COMMON = ALWAYS | frozenset(map(chr, range(0xA1, 0x100))) | frozenset("–—‘’‚“”„•…€‹›™†‡‰ŒœŠšŽžŸƒˆ˜")


@dataclass(frozen=True)
class Face:
    """One file of a packaged family and the fontTable element that embeds it."""

    element: str  # embedRegular, embedBold, ...
    package: str  # the Python package holding the font files
    file: str


_FACES = (("embedRegular", "Regular"), ("embedBold", "Bold"), ("embedItalic", "It"), ("embedBoldItalic", "BoldIt"))


def _faces(package: str, stem: str, count: int) -> tuple[Face, ...]:
    return tuple(Face(element, package, f"{stem}-{suffix}.ttf") for element, suffix in _FACES[:count])


# family name as styles give it -> (its faces, w:family for font substitution). The heading family is
# set upright in every style (headings, tables, labels, header and footer); italic in it would need
# emphasis inside a table cell, where the reader's slanted regular is an acceptable stand-in for
# 2 x ~17 KB in every document.
FAMILIES: dict[str, tuple[tuple[Face, ...], str]] = {
    "Source Serif Pro": (_faces("font_source_serif_pro", "SourceSerifPro", 4), "roman"),
    "Source Sans Pro": (_faces("font_source_sans_pro", "SourceSansPro", 2), "swiss"),
}
_LAYOUT = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "DSIG")
_lock = threading.Lock()


@lru_cache(maxsize=32)
def _font_file(face: Face) -> Path | None:
    # Where an installed package's file is does not change while the process runs: looked up once a face.
    try:
        path = Path(str(resources.files(face.package) / "files" / face.file))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


@lru_cache(maxsize=16)
def _parsed(path: Path) -> bytes:
    """The face at ``path`` parsed once per process and kept pickled: a copy is unpickled for each
    subset (the subsetter changes the font it works on), which is far cheaper than parsing again."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), recalcBBoxes=False, recalcTimestamp=False)
    for tag in _LAYOUT:
        if tag in font:
            del font[tag]
    font.ensureDecompiled(recurse=False)  # every table read now; glyphs stay compiled, so saving copies them
    return pickle.dumps(font, protocol=pickle.HIGHEST_PROTOCOL)


@lru_cache(maxsize=16)
def coverage(path: Path) -> frozenset[int]:
    """The code points the face at ``path`` has a glyph for."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap())


@lru_cache(maxsize=64)
def subset(path: Path, chars: str) -> bytes:
    """The face at ``path`` cut down to ``chars`` (and .notdef): a TrueType file's bytes."""
    from fontTools import subset as ft_subset

    with _lock:
        blob = _parsed(path)
    font = pickle.loads(blob)  # our own pickle of a packaged font, made in this process
    from reports.fonts.subset import subset_options

    options = subset_options()
    options.recalc_bounds = False  # the full font's bounds still hold, and recomputing expands glyphs
    # The name table has nothing to do with glyphs, but the subsetter visits every table to prune it:
    # most of its time. It goes back unchanged.
    name = font["name"]
    del font["name"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font["name"] = name
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_key(data: bytes) -> str:
    """A GUID for ``data`` in Word's form (``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``), from its hash."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


@lru_cache(maxsize=16)
def font_part(data: bytes) -> tuple[str, bytes]:
    """The key and the obfuscated bytes of the font part holding ``data``: made once for a subset that
    documents share (``subset`` hands them the same bytes), so the package finds the part's deflated
    bytes made already (``package``) and hashes nothing again."""
    key = font_key(data)
    return key, obfuscate(data, key)


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1 §17.8.1: XOR the first 32 bytes with the key's 16 bytes in reverse order.

    The same operation undoes it.
    """
    digits = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ digits[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]


def _xml_parts(document: Any) -> list[Any]:
    return [part for part in document.part.package.iter_parts()
            if part.content_type.endswith(_STORIES) and hasattr(part, "element")]


def characters(document: Any) -> str:
    """Every character the document can display, sorted: the text of every story, list labels,
    their capitals (a style may set small or all capitals) and ``ALWAYS``."""
    found: set[str] = set(ALWAYS)
    t, deleted, lvl_text = qn("w:t"), qn("w:delText"), qn("w:lvlText")
    for part in _xml_parts(document):
        for element in part.element.iter(t, deleted):  # a redline's deleted text is shown too
            if element.text:
                found.update(element.text)
    for part in document.part.package.iter_parts():
        if part.content_type.endswith("numbering+xml") and hasattr(part, "element"):
            for element in part.element.iter(lvl_text):
                found.update(element.get(qn("w:val"), "").replace("%", ""))
    found.update("".join(found).upper())
    return "".join(sorted(c for c in found if c.isprintable()))


def families_used(document: Any) -> list[str]:
    """The packaged families (``FAMILIES``) that the styles or any run of the document name."""
    names: set[str] = set()
    attrs = [qn(f"w:{a}") for a in ("ascii", "hAnsi", "cs")]
    roots = [document.styles.element, *(part.element for part in _xml_parts(document))]
    for root in roots:
        for fonts in root.iter(qn("w:rFonts")):
            names.update(fonts.get(a) for a in attrs if fonts.get(a) in FAMILIES)
    return sorted(names)


def embed_fonts(document: Any, cjk: str | None = None) -> None:
    """Embed, subset to the document's characters, each packaged family the document uses and the CJK
    face (``cjk``: the theme's ``fonts.cjk``, see ``cjk_fonts.find_cjk_face``) when the document names it
    (see the module's docstring). Call it last, when every story is written. A family whose font package
    is not installed is left out."""
    used = families_used(document)
    chars = characters(document)
    cjk_faces = _cjk_faces(document, chars, cjk)
    if not used and not cjk_faces:
        return
    table_part = _font_table(document)
    root = etree.fromstring(table_part.blob)
    outside = [c for c in chars if c not in COMMON]  # what a face's shared subset lacks
    taken: set[str] | None = None  # the package's part names (python-docx's next_partname walks every part)
    for family in used:
        faces, generic = FAMILIES[family]
        files = [(face, _font_file(face)) for face in faces]
        if any(path is None for _, path in files):
            continue
        element = _font_element(root, family, generic)
        if _drop_embeds(table_part, root, element):
            taken = None  # a reference's own font part gone: its name is free again, as python-docx finds
        for face, path in files:
            assert path is not None
            covered = coverage(path)  # what the face lacks cannot be in it: keeps the cache key small
            if any(ord(c) in covered for c in outside):
                drawn = "".join(c for c in chars if ord(c) in covered)  # ``chars`` is sorted already
            else:  # the shared subset: made once, and the same bytes for every such document
                drawn = _common(path)
            key, blob = font_part(subset(path, drawn))
            if taken is None:
                taken = {str(part.partname) for part in document.part.package.iter_parts()}
            partname = _next_name(taken, "/word/fonts/font%d.odttf")
            r_id = table_part.relate_to(Part(partname, OBFUSCATED_FONT, blob, document.part.package), RT.FONT)
            _embed(element, face.element, r_id, key)
    for face, charset in cjk_faces:
        _embed_cjk(document, table_part, root, face, chars, charset)
    table_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    _settings(document.settings.element)


@lru_cache(maxsize=16)
def _common(path: Path) -> str:
    """The characters of the shared subset (``COMMON``) that the face at ``path`` has, sorted."""
    covered = coverage(path)
    return "".join(sorted(c for c in COMMON if ord(c) in covered))


def _next_name(taken: set[str], template: str) -> PackURI:
    """python-docx's ``next_partname`` over the part names ``taken`` (the name is added to them)."""
    n = 1
    while template % n in taken:
        n += 1
    taken.add(template % n)
    return PackURI(template % n)


def _drop_embeds(table_part: Any, root: Any, element: Any) -> bool:
    """Remove the embedded copies ``element`` names; whether there were any."""
    dropped = False
    for old in [e for e in element if etree.QName(e).localname.startswith("embed")]:
        dropped = True
        # A reference's own copy of the font: replaced by the subset (its part goes with it).
        r_id = old.get(f"{{{_R}}}id")
        if r_id in table_part.rels and not any(e is not old and e.get(f"{{{_R}}}id") == r_id
                                               for e in root.iter()):
            table_part.drop_rel(r_id)
        element.remove(old)
    return dropped


def _embed(element: Any, name: str, r_id: str, key: str) -> None:
    embed = etree.SubElement(element, qn(f"w:{name}"))
    embed.set(f"{{{_R}}}id", r_id)
    embed.set(qn("w:fontKey"), key)
    embed.set(qn("w:subsetted"), "1")


def _cjk_faces(document: Any, chars: str, cjk: str | None) -> list[tuple[Any, str]]:
    """The East Asian faces to embed (``cjk_fonts.CjkFace``) with their font-table charsets: the Chinese
    face (GB2312, 86) and the Japanese one (Shift JIS, 80), each when the document names it; none when the
    document has no CJK text, no face can be embedded, or it names other faces (SimSun, say)."""
    from reports.fonts.cjk import find_cjk_face
    from reports.fonts.faces import japanese_face
    from reports.fonts.scripts import is_cjk

    if not any(is_cjk(c) for c in chars):
        return []
    named = east_asian_names(document)
    chinese = find_cjk_face(cjk)
    out: list[tuple[Any, str]] = [(chinese, "86")] if chinese is not None and chinese.family in named else []
    if named - {f.family for f, _ in out}:  # another face is named: the Japanese one, perhaps (looked for only then)
        japanese = japanese_face(cjk or "STSong-Light")[0]
        if japanese is not None and japanese.family in named and all(japanese.family != f.family for f, _ in out):
            out.append((japanese, "80"))
    return out


def east_asian_names(document: Any) -> set[str]:
    """The East Asian faces (``w:rFonts w:eastAsia``) the styles or any run of the document name."""
    attr = qn("w:eastAsia")
    roots = [document.styles.element, *(part.element for part in _xml_parts(document))]
    return {fonts.get(attr) for root in roots for fonts in root.iter(qn("w:rFonts")) if fonts.get(attr)}


def _embed_cjk(document: Any, table_part: Any, root: Any, face: Any, chars: str, charset: str) -> None:
    from reports.fonts.subset import subset_for_pdf

    element = _font_element(root, face.family, "auto", charset=charset)
    _drop_embeds(table_part, root, element)
    data = subset_for_pdf(face, chars)
    key = font_key(data)
    partname = document.part.package.next_partname("/word/fonts/font%d.odttf")
    r_id = table_part.relate_to(Part(partname, OBFUSCATED_FONT, obfuscate(data, key), document.part.package),
                                RT.FONT)
    _embed(element, "embedRegular", r_id, key)


def _font_table(document: Any) -> Any:
    """The document's font table part, made when the reference had none."""
    part = document.part
    for rel in part.rels.values():
        if rel.reltype == RT.FONT_TABLE and not rel.is_external:
            return rel.target_part
    blob = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{_W}" '
            f'xmlns:r="{_R}"/>').encode()
    table = Part(PackURI("/word/fontTable.xml"), FONT_TABLE, blob, part.package)
    part.relate_to(table, RT.FONT_TABLE)
    return table


def _font_element(root: Any, family: str, generic: str, charset: str = "00") -> Any:
    """The ``w:font`` of ``family`` in the font table, made when the table has none."""
    for element in root.iterchildren(qn("w:font")):
        if element.get(qn("w:name")) == family:
            return element
    element = etree.SubElement(root, qn("w:font"))
    element.set(qn("w:name"), family)
    for tag, value in (("charset", charset), ("family", generic), ("pitch", "variable")):
        etree.SubElement(element, qn(f"w:{tag}")).set(qn("w:val"), value)
    return element


# settings.xml elements that come before w:embedTrueTypeFonts / w:saveSubsetFonts (CT_Settings' order)
_SETTINGS_BEFORE = ("writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
                    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
                    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
                    "saveSubsetFonts")


def _settings(settings: Any) -> None:
    for name in ("embedTrueTypeFonts", "saveSubsetFonts"):
        tag = qn(f"w:{name}")
        if settings.find(tag) is not None:
            continue
        earlier = {qn(f"w:{n}") for n in _SETTINGS_BEFORE[:_SETTINGS_BEFORE.index(name)]}
        element = settings.makeelement(tag, {})
        last = None
        for child in settings:
            if child.tag in earlier:
                last = child
        if last is None:
            settings.insert(0, element)
        else:
            last.addnext(element)
