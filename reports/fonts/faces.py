"""Faces registered with reportlab, once per process: the theme's families, the CJK face, a monospace
face for code, and what they can draw.

The Latin families are embedded TrueType fonts from the Source Serif / Source Sans Python packages (SIL
OFL; real bold and italic). Chinese runs use the face ``reports.fonts.cjk`` finds, embedded, or
reportlab's built-in STSong-Light CID font when the machine has none. Both writers measure text with
these metrics (the DOCX writer's timeline figure too), so they live here, below both.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from reports.errors import ThemeError
from reports.fonts.forget import on_forget
from reports.fonts.names import CJK_FAMILIES, FontChoice
from reports.fonts.scripts import CJK_RUN, is_cjk

if TYPE_CHECKING:
    from reports.fonts.cjk import CjkFace


@dataclass(frozen=True)
class Family:
    """The four registered face names of one family (what paragraph markup and styles refer to)."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    covers: frozenset[int] = field(repr=False, compare=False)  # code points every face can draw


# family name in a theme -> (python package holding the files, file stem, bold weight suffix)
_PACKAGED = {
    "Source Serif Pro": ("font_source_serif_pro", "SourceSerifPro", "Semibold"),
    "Source Sans Pro": ("font_source_sans_pro", "SourceSansPro", "Semibold"),
}
_STANDARD = {  # the 14 standard PDF fonts need no embedding, but cover Latin-1 only
    "Helvetica": ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"),
    "Times-Roman": ("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"),
    "Courier": ("Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique"),
}
CID_FONTS = CJK_FAMILIES

_lock = threading.Lock()


def _font_dir(package: str) -> Path | None:
    try:
        folder = Path(str(resources.files(package) / "files"))
    except ModuleNotFoundError:
        return None
    return folder if folder.is_dir() else None


def _register_ttf(name: str, path: Path) -> TTFont:
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    font: TTFont = pdfmetrics.getFont(name)
    return font


@lru_cache(maxsize=16)
def family(name: str) -> Family:
    """Register (once per process) and return the family called ``name`` in a theme.

    Raises ``ThemeError`` for a family the tool does not know.
    """
    with _lock:
        if name in _STANDARD:
            regular, bold, italic, bold_italic = _STANDARD[name]
            return Family(regular, bold, italic, bold_italic, frozenset(range(0x20, 0x7F)) |
                          frozenset(range(0xA0, 0x100)))
        packaged = _PACKAGED.get(name)
        folder = _font_dir(packaged[0]) if packaged else None
        if packaged is None:
            known = ", ".join([*_PACKAGED, *_STANDARD])
            raise ThemeError(f"unknown font family {name!r}; known: {known}")
        if folder is None:  # the font package is missing: fall back to reportlab's bundled Vera
            return _vera()
        _, stem, bold_weight = packaged
        faces = {
            "regular": _register_ttf(f"{stem}", folder / f"{stem}-Regular.ttf"),
            "bold": _register_ttf(f"{stem}-{bold_weight}", folder / f"{stem}-{bold_weight}.ttf"),
            "italic": _register_ttf(f"{stem}-It", folder / f"{stem}-It.ttf"),
            "bold_italic": _register_ttf(f"{stem}-{bold_weight}It", folder / f"{stem}-{bold_weight}It.ttf"),
        }
        return _family_of(faces)


def _vera() -> Family:
    import reportlab

    folder = Path(reportlab.__file__).parent / "fonts"
    faces = {k: _register_ttf(n, folder / f"{n}.ttf") for k, n in
             (("regular", "Vera"), ("bold", "VeraBd"), ("italic", "VeraIt"), ("bold_italic", "VeraBI"))}
    return _family_of(faces)


def _family_of(faces: dict[str, TTFont]) -> Family:
    names = {k: v.fontName for k, v in faces.items()}
    _map_family(names)
    # A character counts as covered only if every face has it: data may be set in italic or bold.
    covers = frozenset.intersection(*(frozenset(f.face.charToGlyph) for f in faces.values()))
    return Family(names["regular"], names["bold"], names["italic"], names["bold_italic"], covers)


def _map_family(names: dict[str, str]) -> None:
    # Lets <b> and <i> in paragraph markup pick the right face of the family.
    regular = names["regular"]
    addMapping(regular, 0, 0, regular)
    addMapping(regular, 1, 0, names["bold"])
    addMapping(regular, 0, 1, names["italic"])
    addMapping(regular, 1, 1, names["bold_italic"])


@lru_cache(maxsize=8)
def cjk_font_name(name: str) -> str:
    """The face name ``cjk_font(name)`` registers, without registering it (reading a 17 MB face costs
    ~0.1 s and ~60 MB: a document without Chinese, Japanese or Korean text never pays it)."""
    from reports.fonts.cjk import find_cjk_face
    from reports.fonts.subset import pdf_face_name

    face = find_cjk_face(name)
    if face is not None and not face.needs_conversion:
        return pdf_face_name(face)
    return name if name in CID_FONTS else CJK_FAMILIES[0]


def ensure_cjk(name: str, text: str) -> str:
    """Register the CJK face for ``name`` when ``text`` holds CJK characters; return the face to draw them
    with (``cjk_font_for``: an OpenType face converted for those characters)."""
    if not CJK_RUN.search(text):
        return cjk_font_name(name)
    return cjk_font_for(name, text)


@lru_cache(maxsize=8)
def cjk_font(name: str) -> str:
    """Register (once) the face for Chinese, Japanese and Korean runs and return its face name.

    An embeddable TrueType face comes first (``name`` when it names a file or family, else the best one
    on the machine, see ``cjk_fonts``); reportlab's CID font ``name`` (or STSong-Light) only when there
    is none, and then the PDF cannot be archival: the font is the reader's viewer's to supply.
    """
    from reports.fonts.cjk import find_cjk_face
    from reports.fonts.subset import register_pdf_face

    chosen = cjk_font_name(name)
    face = find_cjk_face(name)
    if cjk_embedded(chosen) and face is not None:
        return register_pdf_face(face)
    # The CID font (an OpenType (CFF) face is converted per character set, in ``cjk_font_for``).
    with _lock:
        if chosen not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(chosen))
    return chosen


def cjk_font_for(name: str, text: str) -> str:
    """``cjk_font(name)``, except for an OpenType (CFF) face: its glyphs for the characters of ``text``
    converted to a TrueType font of their own (registered per character set), so it can be embedded."""
    from reports.fonts.cjk import find_cjk_face
    from reports.fonts.subset import register_pdf_face

    face = find_cjk_face(name)
    if face is not None and face.needs_conversion and text:
        return register_pdf_face(face, text)
    return cjk_font(name)


def cjk_embedded(face_name: str) -> bool:
    """True when the CJK face ``cjk_font`` (or ``ensure_japanese``) gave is embedded in the PDF (not a
    CID font)."""
    return face_name not in CID_FONTS and face_name != JAPANESE_CID


def cjk_ready(face_name: str) -> bool:
    """True when ``face_name`` is an embeddable face already registered: nothing is left to prepare."""
    return cjk_embedded(face_name) and face_name in pdfmetrics.getRegisteredFontNames()


JAPANESE_CID = "HeiseiMin-W3"  # reportlab's Japanese CID font: when no face at all can be embedded
JAPANESE_ALIAS = "ja"  # the Chinese (or the theme's) face named again for Japanese runs


@lru_cache(maxsize=8)
def japanese_face(name: str) -> tuple[CjkFace | None, str]:
    """The face Japanese runs are set in for the theme's CJK choice ``name``, and the alias it is
    registered under: the face the theme names, when it names one (set under an alias, so that the
    PDF still tags its Japanese runs apart); else the machine's Japanese face
    (``reports.fonts.japanese``); else the Chinese face, under an alias; ``(None, "")`` when no face
    can be embedded at all."""
    from reports.fonts.cjk import find_cjk_face
    from reports.fonts.japanese import find_japanese_face

    if name not in CID_FONTS:
        return find_cjk_face(name), JAPANESE_ALIAS
    face = find_japanese_face()
    if face is not None:
        return face, ""
    return find_cjk_face(name), JAPANESE_ALIAS


def japanese_fallback(name: str) -> bool:
    """True when Japanese runs are set in the Chinese face for want of a Japanese one on the machine
    (a theme that names its own face chose it: no fallback)."""
    from reports.fonts.japanese import find_japanese_face

    return name in CID_FONTS and find_japanese_face() is None


@lru_cache(maxsize=8)
def japanese_font_name(name: str) -> str:
    """The face name ``ensure_japanese`` registers, without registering it (see ``cjk_font_name``)."""
    from reports.fonts.subset import pdf_face_name

    face, alias = japanese_face(name)
    if face is not None and not face.needs_conversion:
        return pdf_face_name(face, alias)
    return JAPANESE_CID  # none, or converted per character set: named when the document's text is known


def ensure_japanese(name: str, text: str) -> str:
    """Register the face for Japanese runs (``japanese_face``; an OpenType face converted for the
    characters of ``text``) and return its name; reportlab's Japanese CID font when nothing can be
    embedded (the PDF is then not archival, as with ``cjk_font``)."""
    from reports.fonts.subset import register_pdf_face

    face, alias = japanese_face(name)
    if face is None:
        with _lock:
            if JAPANESE_CID not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(JAPANESE_CID))
        return JAPANESE_CID
    return register_pdf_face(face, text, alias)


# Monospaced TrueType faces for code, where the common systems keep them (first found wins).
_MONOSPACE = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/dejavu-sans-mono-fonts/DejaVuSansMono.ttf",
    "/Library/Fonts/Courier New.ttf",
    "/System/Library/Fonts/Supplemental/Courier New.ttf",
    "C:/Windows/Fonts/cour.ttf",
    "C:/Windows/Fonts/consola.ttf",
)


@lru_cache(maxsize=1)
def monospace() -> Family | None:
    """An embeddable monospaced face for code (all four faces are the regular one), or None."""
    for candidate in _MONOSPACE:
        path = Path(candidate)
        if path.is_file():
            try:
                with _lock:
                    face = _register_ttf(f"Mono-{path.stem}", path)
            except Exception:  # a broken system font file: try the next one
                continue
            name = face.fontName
            _map_family(dict.fromkeys(("regular", "bold", "italic", "bold_italic"), name))  # code in <b> too
            return Family(name, name, name, name, frozenset(face.face.charToGlyph))
    return None


def standard_fonts(fonts: FontChoice) -> list[str]:
    """The chosen families that are standard PDF fonts, which a PDF names without embedding them."""
    return list(dict.fromkeys(name for name in (fonts.body, fonts.heading) if name in _STANDARD))


def unembedded_fonts(fonts: FontChoice, cjk: str) -> list[str]:
    """The fonts a PDF with this choice would use without embedding them (the 14 standard fonts, CID fonts)."""
    return standard_fonts(fonts) + ([] if cjk_embedded(cjk) else [cjk])


def missing_glyphs(text: str, fonts: FontChoice) -> list[str]:
    """Return the distinct characters of ``text`` that neither the body, the heading nor the CJK font
    can draw (in order of first appearance). Whitespace and line breaks are never reported."""
    body = family(fonts.body).covers
    heading = family(fonts.heading).covers
    missing: list[str] = []
    for char in dict.fromkeys(text):
        code = ord(char)
        if char.isspace() or code < 0x20 or (code in body and code in heading) or is_cjk(char):
            continue
        if 0x200B <= code <= 0x200F or code in (0x2060, 0xFEFF):  # zero-width marks draw nothing anyway
            continue
        missing.append(char)
    return missing


on_forget(cjk_font.cache_clear, cjk_font_name.cache_clear, japanese_face.cache_clear, japanese_font_name.cache_clear)

__all__ = ["CID_FONTS", "JAPANESE_CID", "Family", "cjk_embedded", "cjk_font", "cjk_font_for", "cjk_font_name",
           "cjk_ready", "ensure_cjk", "ensure_japanese", "family", "japanese_face", "japanese_fallback",
           "japanese_font_name", "missing_glyphs", "monospace", "standard_fonts", "unembedded_fonts"]
