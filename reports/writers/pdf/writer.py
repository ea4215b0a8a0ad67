"""The PDF writer's entry point: document tree -> PDF bytes (tagged, archival when every font is embedded).

compose -> parse -> **write (PDF)** -> build. The story is made in ``story``, laid out in ``layout``.
"""

from __future__ import annotations

from reports import tree as t
from reports.errors import Problem
from reports.fonts.faces import cjk_embedded, cjk_font_name, ensure_cjk, japanese_fallback, standard_fonts
from reports.fonts.languages import CjkFaces, run_languages
from reports.theme import Theme
from reports.writers.options import WriterOptions
from reports.writers.pdf.layout import cjk_characters, draw


def write_pdf(doc: t.Document, theme: Theme, options: WriterOptions | None = None) -> bytes:
    """Render ``doc`` as PDF and return the bytes; identical input gives identical bytes.

    ``options`` are every writer's options; the PDF takes its ``attachments`` (embedded, associated files:
    the file then claims PDF/A-3a instead of PDF/A-2a) and its ``paginate``, which it tells how the
    document fell into pages (so the DOCX of the same build need not lay it out again); a reference
    document is Word's.
    Raises ``RenderError`` when an image cannot be used; a missing handler is a bug (TypeError).
    """
    if options is None:
        return draw(doc, theme)
    return draw(doc, theme, options.attachments, options.paginate)


_said_chinese_not_embedded = False


def chinese_not_embedded(doc: t.Document, theme: Theme, source: str, *, every_time: bool = False) -> Problem | None:
    """A warning, once per process (``every_time``: for each document), when ``doc`` prints CJK text and
    no embeddable face was found, so the PDF names reportlab's CID font, unembedded, and is not PDF/A."""
    global _said_chinese_not_embedded
    if (_said_chinese_not_embedded and not every_time) or cjk_embedded(cjk_font_name(theme.fonts.cjk)):
        return None  # said already, or a TrueType face is there
    if standard_fonts(theme.fonts):
        return None  # a standard-14 theme font: not archival anyway, and the theme says so itself
    chars = cjk_characters(doc, theme)
    if not chars or cjk_embedded(ensure_cjk(theme.fonts.cjk, chars)):
        return None  # no CJK text, or an OpenType face converted for it
    _said_chinese_not_embedded = True
    return Problem(source, "no Chinese, Japanese or Korean font to embed was found on this machine: that text "
                           "uses reportlab's STSong-Light, which the reader's viewer must supply, and the PDF is "
                           "not PDF/A (install fonts-wqy-zenhei, or name a font file in the theme's fonts.cjk)")


_said_no_japanese_face = False


def japanese_in_chinese_face(doc: t.Document, theme: Theme, source: str, *,
                             every_time: bool = False) -> Problem | None:
    """A warning, once per process (``every_time``: for each document), when ``doc`` has Japanese text
    and the machine has no Japanese face: it is set (in both formats) in the Chinese face, whose glyph
    forms are Chinese, though still tagged as Japanese."""
    global _said_no_japanese_face
    if _said_no_japanese_face and not every_time:
        return None
    chars = cjk_characters(doc, theme)
    if not CjkFaces("", "", run_languages(doc.meta)).may_be_japanese(chars) or not japanese_fallback(theme.fonts.cjk):
        return None
    _said_no_japanese_face = True
    return Problem(source, "no Japanese font was found on this machine: Japanese text is set in the Chinese "
                           "face, with Chinese glyph forms (install fonts-ipafont-mincho or fonts-noto-cjk, or "
                           "name a Japanese font file in the theme's fonts.cjk)")
