"""Byte-level conformance of the file reportlab writes: stream EOLs, font subset tags, ToUnicode CMaps.

Part of write (PDF). reportlab formats every object itself at save; three things it writes break PDF/A-2
(ISO 19005-2) and ISO 32000-1, and each is fixed here at the hook where reportlab makes it, for our
documents only: ``conform`` turns one ``PDFDocument`` into a ``_Document`` (the class swap archive.py
already makes for the Info dictionary), so nothing global is patched and two documents saved at once in
two threads do not meet.

- **EOL before ``endstream``** (ISO 19005-2 §6.1.7.1): ``PDFStream.format`` writes the data and then
  ``endstream``. Every object the document registers, and every one already registered, gets a subclass
  of its own class that adds an EOL before the final ``endstream`` (LF; CRLF after data ending in CR).
  ``/Length`` stays the length of the data: the EOL before ``endstream`` is not part of the stream
  (ISO 32000-1 §7.3.8.1). A class hook,
  not a post-process of the finished file: image XObjects format their stream inline, so the hook is on
  the object that reaches the file, whatever kind of stream it makes.
- **Distinct subset tags** (ISO 32000-1 §9.6.4): reportlab names subset n of every TrueType font
  ``SUBSETN(n)+Name``, so every font's first subset is ``AAAAAA+``. Ours are six letters from a hash of
  the face name and the subset number (the same input gives the same bytes), unique within the file.
- **ToUnicode** (ISO 19005-2 §6.2.11.7.2; page's UNICODE-VALUE rules): reportlab's CMap maps every code
  of a subset, the unused ones (code 0, ``.notdef``, and the control codes not yet handed out) to U+0000.
  Ours maps only the codes that stand for a character.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTFont

from reports.fonts.shaping import texts
from reports.writers.pdf.objects import Array

_END = b"endstream\n"


_EOL_CLASSES: dict[type[Any], type[Any]] = {}  # reportlab class -> its subclass with the EOL


def _with_eol(cls: type[Any]) -> type[Any]:
    """``cls`` formatting as before, with an EOL before the ``endstream`` of a stream it writes."""
    known = _EOL_CLASSES.get(cls)
    if known is not None:
        return known

    def format(self: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        out = cls.format(self, document, *args, **kwargs)
        # Only a stream's bytes end so: a string is written in parentheses, a dictionary ends with '>>'.
        if isinstance(out, bytes) and out.endswith(_END):
            data = out[: -len(_END)]
            # Data that ends with a CR (compressed data can) followed by an LF would read as data
            # one byte shorter ending in a CRLF EOL: then the EOL is a CRLF, which cannot be misread.
            return data + (b"\r\n" if data.endswith(b"\r") else b"\n") + _END
        return out

    made = type(cls.__name__, (cls,), {"format": format, "__doc__": cls.__doc__, "_reports_eol": True})
    # Two threads making the same class at once keep one (setdefault is atomic); either would do.
    return _EOL_CLASSES.setdefault(cls, made)


def _eol(obj: Any) -> None:
    # A reference is left as it is: reportlab tells one from an object by its exact class.
    if isinstance(obj, pdfdoc.PDFObject) and not isinstance(obj, pdfdoc.PDFObjectReference) \
            and not getattr(type(obj), "_reports_eol", False):
        obj.__class__ = _with_eol(type(obj))


class _Document(pdfdoc.PDFDocument):  # type: ignore[misc]
    """reportlab's document, writing the three things above as the standards want them."""

    _reports_tags: set[str]
    delayedFonts: list[Any]  # set by reportlab's __init__: the fonts whose objects are made at save

    def Reference(self, obj: Any, name: str | None = None) -> Any:
        # Every stream is written as an indirect object, and every indirect object is registered here.
        reference = super().Reference(obj, name)
        _eol(obj)
        return reference

    def GetPDFData(self, canvas: Any) -> Any:
        # reportlab makes the font objects here, from the subsets the pages used ("delayed fonts").
        self.delayedFonts = [_Subsets(font) if isinstance(font, TTFont) else font for font in self.delayedFonts]
        return super().GetPDFData(canvas)

    def subset_tag(self, face: bytes, number: int) -> str:
        """Six capital letters for subset ``number`` of ``face``, from a hash of both; unique in this file."""
        salt = 0
        while True:
            digest = hashlib.sha256(b"%s\0%d\0%d" % (face, number, salt)).digest()
            tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
            if tag not in self._reports_tags:
                self._reports_tags.add(tag)
                return tag
            salt += 1  # a collision in the file (about one in 300 million): the next hash, still determined


class _Subsets:
    """Stands in for a ``TTFont`` in the document's delayed fonts: makes its subsets' font objects as
    ``TTFont.addObjects`` does (reportlab 4), with our subset tags and ToUnicode CMaps."""

    def __init__(self, font: TTFont) -> None:
        self.font = font

    def addObjects(self, doc: _Document) -> None:
        font = self.font
        state = font.state.get(doc) or TTFont.State(font._asciiReadable)
        state.frozen = 1
        face = font.face
        for number, subset in enumerate(state.subsets):
            internal = font.getSubsetInternalName(number, doc)[1:]
            tag = doc.subset_tag(face.name + face.subfontNameX, number)
            base = (tag.encode("ascii") + b"+" + face.name + face.subfontNameX).decode("pdfdoc")
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {font.fontName} subset {number}"
            pdf_font.Name = internal
            pdf_font.BaseFont = base
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = Array([face.getCharWidth(code) for code in subset])
            cmap = pdfdoc.PDFStream()
            cmap.content = to_unicode_cmap(base, subset, texts(font))
            if doc.compression:
                cmap.filters = [pdfdoc.PDFZCompress]
            pdf_font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base)
            pdf_font.FontDescriptor = _glyphs_in_place(face).addSubsetObjects(doc, base, subset)
            doc.Reference(pdf_font, internal)
            doc.idToObject["BasicFonts"].dict[internal] = pdf_font
        font.state.pop(doc, None)


_COPIED = 1 << 20  # bytes of glyph table: below this, reportlab's copy of it costs nothing worth saving
_IN_PLACE: dict[type[Any], type[Any]] = {}  # a face's class -> the same, reading its glyph table in place


def _glyphs_in_place(face: Any) -> Any:
    """``face`` (the same attributes, the same object's state) making its subsets from its glyph table
    read in place. reportlab's ``makeSubset`` takes a copy of the whole ``glyf`` table to cut each glyph
    from: 10 MB for a Chinese face, for every subset of every document; here only the glyphs it cuts are
    copied, and the subset's bytes are the same."""
    try:
        length = face.get_table_pos("glyf")[1]
    except (KeyError, AttributeError):  # no glyph table (a CFF face reportlab could not read anyway)
        return face
    if length < _COPIED or not isinstance(face._ttf_data, bytes):
        return face
    cls = type(face)
    view_class = _IN_PLACE.get(cls)
    if view_class is None:
        view_class = _IN_PLACE.setdefault(cls, type(cls.__name__, (cls,), {"get_table": _get_table}))
    view = object.__new__(view_class)
    view.__dict__ = face.__dict__  # one state: what makeSubset reads and moves (its position) is the face's
    return view


def _get_table(self: Any, tag: str) -> Any:
    if tag != "glyf":
        return super(type(self), self).get_table(tag)
    start, length = self.get_table_pos(tag)
    return _Slices(memoryview(self._ttf_data)[start:start + length])


class _Slices:
    """A table read in place: each slice of it (a glyph) is copied out as bytes, as the whole table was."""

    __slots__ = ("view",)

    def __init__(self, view: memoryview) -> None:
        self.view = view

    def __getitem__(self, where: slice) -> bytes:
        return bytes(self.view[where])

    def __len__(self) -> int:
        return len(self.view)


_READ_AS = {0xFEFF: 0x2060}


def to_unicode_cmap(name: str, subset: list[int], texts: Mapping[int, str] | None = None) -> str:
    """The ToUnicode CMap of a subset whose code i draws character ``subset[i]``: only the codes that
    draw a character (0 is a code left free, or ``.notdef``), one ``bfchar`` block per 100 (the limit
    the CMap format sets). A character of ``texts`` (a shaped glyph's private code,
    ``reports.fonts.shaping``) reads as the text it stands for there."""
    # The destination is UTF-16BE: a character beyond the BMP (U+1D518) is its surrogate pair. U+FEFF,
    # which PDF/A and PDF/UA forbid as a value, is read as U+2060 WORD JOINER: what it means inside text.
    texts = texts or {}
    # A character of the BMP outside the surrogates, read as itself, is its own UTF-16BE code unit: four
    # hex digits, written without encoding it (most codes of every subset).
    pairs = [f"<{code:02X}> <{char:04X}>" if _itself(char) and char not in texts else
             f"<{code:02X}> <{_read_as(texts.get(char) or chr(char)).encode('utf-16-be').hex().upper()}>"
             for code, char in enumerate(subset) if char]
    blocks: list[str] = []
    for start in range(0, len(pairs), 100):
        chunk = pairs[start:start + 100]
        blocks += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        *blocks,
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def _itself(char: int) -> bool:
    # In the BMP, not a surrogate, not U+FEFF (which reads as another character).
    return char < 0xD800 or (0xE000 <= char < 0x10000 and char != 0xFEFF)


def _read_as(text: str) -> str:
    return "".join(chr(_READ_AS.get(ord(char), ord(char))) for char in text)


def conform(doc: Any) -> None:
    """Make reportlab document ``doc`` write the three things above as the standards want them; call
    before it saves (every object registered so far is hooked now, every later one as it registers)."""
    if not isinstance(doc, _Document):
        doc.__class__ = _Document
        doc._reports_tags = set()
    for obj in list(doc.idToObject.values()):
        _eol(obj)


__all__ = ["conform", "to_unicode_cmap"]
