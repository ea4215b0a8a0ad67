"""The theme in the DOCX: colours, faces and sizes in the styles part, the logo in the first-page header.

Part of write (DOCX). The built-in reference (templates/reference.docx) is drawn in the default theme's
colours (#1F3A5F accent, #1A1A1A text ...), faces (Source Serif Pro, Source Sans Pro, SimSun) and sizes
(10.5 pt body). ``themed_package`` rewrites its styles part for another theme by value, the way the PDF
stylesheet (pdf_styles) is built from the theme:

- every default colour becomes the theme's colour of the same role: run colours, paragraph borders,
  table borders and cell shading (white stays white except as text on the accent, ``header_text``);
- the default body and heading faces become the theme's, in the names Word knows (``WORD_FAMILIES``),
  and the East Asian face becomes the theme's CJK face (``WORD_CJK``);
- every size moves with the body size, point for point, as the PDF's do (Heading 1 is body + 4 pt in
  both), except the fixed sizes of the title block and page furniture (``FIXED_SIZE_STYLES``).

With ``--reference-docx`` the reference's styles stand (pandoc's ``--reference-doc`` semantics): its
faces and sizes are kept, and colours change only in the styles the tool added to it (they are ours,
in our colours): to the theme's where the theme sets them, else to the reference's own accent and text
colours (its Heading 1 and Normal colours), so they look like the reference's. The rewritten package
is made once per (theme, reference) and kept; the default theme on the built-in reference gets the
prepared package untouched, byte for byte.
"""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree  # no stubs installed (ignored in pyproject): used as Any

from reports import images
from reports.east_asian import primary
from reports.theme import DEFAULT_THEME, Theme
from reports.writers.docx.archive import w
from reports.writers.docx.package import stored_zip
from reports.writers.docx.parts import serialise
from reports.writers.docx.reference import reference_package

if TYPE_CHECKING:
    from reports.fonts.languages import CjkFaces

STYLES_PART = "word/styles.xml"
# The theme's families as Word names them: the PDF's standard fonts are Adobe's names for faces every
# Word installation has under another name.
WORD_FAMILIES: dict[str, str] = {
    "Source Serif Pro": "Source Serif Pro",
    "Source Sans Pro": "Source Sans Pro",
    "Helvetica": "Arial",
    "Times-Roman": "Times New Roman",
    "Courier": "Courier New",
}
# The theme's CJK faces (Adobe's CID fonts in the PDF) as the Word faces of the same style and script.
WORD_CJK: dict[str, str] = {
    "STSong-Light": "SimSun",  # Simplified Chinese, Song
    "MSung-Light": "PMingLiU",  # Traditional Chinese, Ming
    "HeiseiMin-W3": "MS Mincho",  # Japanese, Mincho
    "HYSMyeongJo-Medium": "Batang",  # Korean, Myeongjo
}
# Styles whose size is fixed in the PDF too (pdf_styles: Title 22, Kicker 8.5, header and footer 8 ...):
# they keep their size whatever the body size. Lower-case style names, as Word stores built-in ones.
FIXED_SIZE_STYLES = frozenset({"title", "subtitle", "kicker", "byline", "memo title", "header", "footer",
                               "rule", "title rule"})
LOGO_BOX_HEIGHT_MM = 14.0  # the box the logo is fitted into, as in the PDF (pdf_page.LOGO_HEIGHT)
_DEFAULT = DEFAULT_THEME
_ROLES = ("accent", "text", "muted", "rule", "zebra", "header_text")
_WHITE = "FFFFFF"
_BORDER_PARENTS = frozenset(w(n) for n in ("pBdr", "tblBorders", "tcBorders"))


def word_font(family: str) -> str:
    """The Word face for a theme family (the family itself when Word knows it by that name)."""
    return WORD_FAMILIES.get(family, family)


def word_cjk_font(theme: Theme) -> str:
    """The Word East Asian face for the theme's CJK family."""
    return WORD_CJK.get(theme.fonts.cjk, WORD_CJK[_DEFAULT.fonts.cjk])


def _style_key(theme: Theme) -> tuple[object, ...]:
    """What of the theme decides the styles part (the rest, page and logo, is set by the writer)."""
    return (theme.colours, theme.fonts)


# --------------------------------------------------------------------------- the styles part

_lock = threading.Lock()
_CACHE: dict[tuple[object, ...], bytes] = {}
_CACHE_SIZE = 8


def themed_package(reference: Path | None, theme: Theme) -> bytes:
    """The prepared reference package (docx_reference) with ``theme`` applied to its styles part.

    Made once per (theme, reference) and kept; for the default theme it is the prepared package itself.
    Raises ``RenderError`` as ``reference_package`` does.
    """
    data = reference_package(reference)
    key = (_style_key(theme), reference is None, data)  # bytes keep their hash: cheap after the first
    if reference is None and key[0] == _style_key(_DEFAULT):
        return data  # the built-in reference is drawn in the default theme already
    with _lock:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    result = _rewrite_styles(data, lambda root: apply_theme(root, theme, builtin=reference is None))
    with _lock:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = result
    return result


def _rewrite_styles(data: bytes, change: Any) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(name, source.read(name)) for name in source.namelist()]
    out = []
    for name, blob in entries:
        if name == STYLES_PART:
            root = etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
            change(root)
            blob = serialise(root)
        out.append((name, blob))
    return stored_zip(out)


def colour_map(theme: Theme) -> dict[str, str]:
    """Default colour (upper-case hex, no #) -> the theme's colour for the same role."""
    return {getattr(_DEFAULT.colours, role)[1:].upper(): getattr(theme.colours, role)[1:].upper()
            for role in _ROLES}


def apply_theme(styles: Any, theme: Theme, builtin: bool = True) -> None:
    """Rewrite a styles part (``w:styles`` root, in place) from the default theme's look to ``theme``'s.

    ``builtin``: the part is the built-in reference's, so faces and sizes change too; otherwise (a user's
    reference) only colours still in the default theme's values, which only the styles the tool added
    carry.
    """
    colours = colour_map(theme) if builtin else _reference_colours(styles, theme)
    text_colours = dict(colours)
    other_colours = {old: new for old, new in colours.items() if old != _WHITE}  # white paper stays white
    for element in styles.iter(w("color")):
        _swap(element, w("val"), text_colours)
    for element in styles.iter(w("shd")):
        _swap(element, w("fill"), other_colours)
        _swap(element, w("color"), other_colours)
    for element in styles.iter():
        if element.getparent() is not None and element.getparent().tag in _BORDER_PARENTS:
            _swap(element, w("color"), other_colours)
    if not builtin:
        return
    faces = {word_font(_DEFAULT.fonts.body): word_font(theme.fonts.body),
             word_font(_DEFAULT.fonts.heading): word_font(theme.fonts.heading)}
    cjk = {word_cjk_font(_DEFAULT): word_cjk_font(theme)}
    for fonts in styles.iter(w("rFonts")):
        for attr in ("ascii", "hAnsi", "cs"):
            _swap(fonts, w(attr), faces, hex_colour=False)
        _swap(fonts, w("eastAsia"), cjk, hex_colour=False)
    _scale_sizes(styles, theme.fonts.size - _DEFAULT.fonts.size)


def _reference_colours(styles: Any, theme: Theme) -> dict[str, str]:
    """The colour map for a user's reference: a colour the theme sets wins; the accent and text colour
    it leaves out are the reference's own (its Heading 1 and Normal colours), so that the styles the
    tool added look like the reference's."""
    colours = colour_map(theme)
    chosen = theme.colours.model_fields_set
    for role, style_name in (("accent", "heading 1"), ("text", "normal")):
        if role in chosen:
            continue
        own = _colour_of(styles, style_name)
        if own is not None:
            colours[getattr(_DEFAULT.colours, role)[1:].upper()] = own
    return colours


def _colour_of(styles: Any, name: str) -> str | None:
    """The run colour style ``name`` sets itself (a six-digit hex, not ``auto``), or None."""
    for style in styles.iter(w("style")):
        style_name = style.find(w("name"))
        if style_name is not None and style_name.get(w("val"), "").lower() == name:
            colour = style.find(f"{w('rPr')}/{w('color')}")
            value = colour.get(w("val"), "") if colour is not None else ""
            return value.upper() if len(value) == 6 and value.upper() != "AUTO" else None
    return None


def _swap(element: Any, attr: str, mapping: dict[str, str], hex_colour: bool = True) -> None:
    """Replace attribute ``attr`` by its value in ``mapping`` (colours are compared in upper case)."""
    value = element.get(attr)
    if value is not None:
        key = value.upper() if hex_colour else value
        new = mapping.get(key)
        if new is not None and new != key:
            element.set(attr, new)


def _scale_sizes(styles: Any, delta_pt: float) -> None:
    """Move every size by ``delta_pt`` (sizes are in half-points), but the fixed ones."""
    if not delta_pt:
        return
    for element in styles.iter(w("sz"), w("szCs")):
        style = next((a for a in element.iterancestors(w("style"))), None)
        name = style.find(w("name")) if style is not None else None
        if name is not None and name.get(w("val"), "").lower() in FIXED_SIZE_STYLES:
            continue
        value = element.get(w("val"), "")
        if value.isdigit():
            element.set(w("val"), str(max(2, round(int(value) + 2 * delta_pt))))


# --------------------------------------------------------------------------- headers and footers

# (python-docx section attribute, w:type) for each kind of header and footer
STORIES = (("header", "default"), ("first_page_header", "first"), ("even_page_header", "even"),
           ("footer", "default"), ("first_page_footer", "first"), ("even_page_footer", "even"))


def reference_stories(section: Any) -> set[str]:
    """The headers and footers the reference document gave ``section``, as python-docx attribute names
    (``header``, ``first_page_footer`` ...): those are the organisation's and are kept as they are."""
    kept = set()
    for tag, kind in (("headerReference", "header"), ("footerReference", "footer")):
        for ref in section._sectPr.iter(w(tag)):
            which = ref.get(w("type"), "default")
            kept.add(kind if which == "default" else f"{which}_page_{kind}")
    return kept


def add_logo(paragraph: Any, theme: Theme, max_width_pt: float | None = None) -> None:
    """Put the theme's logo at the end of ``paragraph`` (the first-page header), sized as in the PDF:
    ``logo_width_mm`` wide (at most ``max_width_pt``: the room the marking beside it leaves), shrunk to fit
    a box ``LOGO_BOX_HEIGHT_MM`` high. Without ``max_width_pt`` the paragraph is right-aligned; with it
    the caller has put the logo after a right tab stop. Raises ``RenderError`` at the theme's ``logo``
    field for an unusable image."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    if theme.logo is None:
        return
    width = Mm(theme.logo_width_mm).pt if max_width_pt is None else min(Mm(theme.logo_width_mm).pt, max_width_pt)
    try:
        pic = images.picture(theme.logo, box=(width, Mm(LOGO_BOX_HEIGHT_MM).pt), width_pt=width)
    except images.ImageError as exc:
        raise images.named_by_theme(exc, str(theme.source or "theme")) from None
    if max_width_pt is None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    try:
        paragraph.add_run().add_picture(io.BytesIO(pic.data), width=Pt(pic.width_pt), height=Pt(pic.height_pt))
    except Exception as exc:  # python-docx's own header parser disagreeing with Pillow: still one message
        error = images.ImageError(theme.logo, f"not a usable {pic.format} image ({type(exc).__name__})")
        raise images.named_by_theme(error, str(theme.source or "theme")) from None


# --------------------------------------------------------------------------- East Asian documents

# Word's language for the East Asian text of a document, by the tag's language and script or region.
_EAST_ASIAN_LANG = {"zh": "zh-CN", "zh-hant": "zh-TW", "zh-hk": "zh-HK", "zh-mo": "zh-MO", "zh-tw": "zh-TW",
                    "ja": "ja-JP", "ko": "ko-KR"}


def east_asian_lang(tag: str) -> str | None:
    """Word's East Asian language (``w:lang w:eastAsia``) for a BCP 47 tag: ``zh-Hans`` -> ``zh-CN``,
    ``zh-Hant`` / ``zh-TW`` -> ``zh-TW``, ``ja`` -> ``ja-JP``; None for a language not set the CJK way."""
    parts = tag.replace("_", "-").lower().split("-")
    if parts[0] not in ("zh", "ja", "ko"):
        return None
    for part in parts[1:]:
        found = _EAST_ASIAN_LANG.get(f"{parts[0]}-{part}")
        if found:
            return found
    return _EAST_ASIAN_LANG[parts[0]]


def east_asian_face(theme: Theme, language: str = "") -> str:
    """The East Asian face of a Chinese (``language`` ``ja``: Japanese) document's body, as Word names it:
    the face the PDF embeds (``cjk_fonts.find_cjk_face``, the theme's or the machine's; for Japanese the
    machine's Japanese face, ``fonts.faces.japanese_face``), else the Word face of the theme's CJK family
    (``WORD_CJK``: SimSun for STSong-Light), which every Chinese Windows has."""
    from reports.fonts.cjk import find_cjk_face

    if language and primary(language) == "ja":
        from reports.fonts.faces import japanese_face

        found = japanese_face(theme.fonts.cjk)[0]
        if found is not None:
            return str(found.family)
        if theme.fonts.cjk in WORD_CJK:  # no face on this machine: the one every Japanese Windows has
            return WORD_CJK["HeiseiMin-W3"]
    face = find_cjk_face(theme.fonts.cjk)
    return face.family if face is not None else word_cjk_font(theme)


def word_cjk_faces(theme: Theme, meta: Any, chinese: str) -> CjkFaces:
    """Word's East Asian faces of a document, by each run's language (``fonts.languages``): ``chinese``
    for every run but the Japanese ones, and for those the Japanese face (``east_asian_face``), looked
    for only when the document may have Japanese runs (its language or labels, a name given as Japanese;
    kana met elsewhere is the story writer's to find, see ``StoryWriter.east_asian_font``)."""
    from reports.fonts.languages import CjkFaces, run_languages

    languages = run_languages(meta)
    japanese = chinese
    if any(primary(lang) == "ja" for lang in (languages.default, *(lang for _, lang in languages.names))):
        japanese = east_asian_face(theme, "ja")
    return CjkFaces(chinese, japanese, languages)


def _document_language(meta: Any) -> str:
    # The East Asian language of the whole body: the text's, then the labels' (Chinese labels around
    # English data), else Simplified Chinese.
    from reports.east_asian import han_language

    return han_language(meta.language, meta.labels.locale)


def set_east_asian(document: Any, meta: Any, theme: Theme) -> None:
    """For a Chinese (Japanese, Korean) document (``meta.east_asian``): the whole body, not only its
    Chinese runs, gets the East Asian face and language: the document defaults and every style name
    ``east_asian_face`` for East Asian text (a theme font, ``w:eastAsiaTheme``, would win over it and
    is removed) and say ``w:lang w:eastAsia`` in the document's language. Latin faces stay the theme's.

    Spacing is left as the styles say: LibreOffice sets the Chinese briefing at the English one's line
    pitch (16.3 against 16.5 pt for the body), so there is no extra leading to take away."""
    if not meta.east_asian:
        return
    # The text's language first, then the labels' (Chinese labels around English data).
    language = _document_language(meta)
    lang = east_asian_lang(language) or "zh-CN"
    face = east_asian_face(theme, language)
    styles = document.styles.element
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    targets = [defaults] if defaults is not None else []
    targets += [r_pr for r_pr in styles.iter(w("rPr")) if r_pr is not defaults]
    for r_pr in targets:
        fonts = r_pr.find(w("rFonts"))
        if fonts is None:
            if r_pr is not defaults:
                continue  # a style without faces of its own takes the defaults'
            fonts = etree.SubElement(r_pr, w("rFonts"))
            r_pr.insert(0, fonts)
        fonts.attrib.pop(w("eastAsiaTheme"), None)
        fonts.set(w("eastAsia"), face)
        own = r_pr.find(w("lang"))
        if own is not None and own.get(w("eastAsia")) is not None:  # a style's own East Asian language
            own.set(w("eastAsia"), lang)
        if r_pr is defaults:
            fonts.set(w("hint"), "eastAsia")
            lang_el = r_pr.find(w("lang"))
            if lang_el is None:
                lang_el = etree.SubElement(r_pr, w("lang"))
            lang_el.set(w("eastAsia"), lang)


__all__ = ["FIXED_SIZE_STYLES", "STORIES", "WORD_CJK", "WORD_FAMILIES", "add_logo", "apply_theme",
           "colour_map", "east_asian_face", "east_asian_lang", "reference_stories", "set_east_asian",
           "themed_package", "word_cjk_faces", "word_cjk_font", "word_font"]


# A memo is meant to fit one page: the same tighter spacing as the PDF's memo stylesheet (pdf_styles),
# in points after / before and line spacing, applied to the built-in styles only (a reference document's
# own spacing is the organisation's to decide).
MEMO_SPACING: dict[str, tuple[float | None, float | None, float | None]] = {
    # style: (space before, space after, line spacing)
    "Normal": (None, 4, 1.08),
    "Heading 1": (10, 3, None),
    "List Bullet": (None, 1.5, 1.08),
    "Memo Title": (None, 6, None),
}


def tighten_for_memo(document: Any) -> None:
    """Set the memo's tighter spacing on ``document``'s styles (see ``MEMO_SPACING``)."""
    from docx.shared import Pt

    styles = document.styles
    for name, (before, after, line) in MEMO_SPACING.items():
        try:
            fmt = styles[name].paragraph_format
        except KeyError:
            continue
        if before is not None:
            fmt.space_before = Pt(before)
        if after is not None:
            fmt.space_after = Pt(after)
        if line is not None:
            fmt.line_spacing = line
