"""The widths kept for CJK line breaking (``reports.fonts.measure.char_widths``) and the CJK test
(``reports.fonts.scripts.is_cjk``): the same answers as measuring afresh, whatever was measured before."""

from __future__ import annotations

import copy

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.fonts.measure import char_widths, forget_widths
from reports.fonts.scripts import _CJK_RANGES, is_cjk
from reports.load import load_agreement
from reports.model import Agreement
from reports.pipeline import Options, render
from tests.conftest import ROOT

CHINESE = ROOT / "data" / "zhejiang-alibaba-2023.zh-Hans.yaml"


def test_is_cjk_is_the_ranges() -> None:
    codes = {code + step for lo, hi in _CJK_RANGES for code in (lo, hi) for step in (-1, 0, 1)}
    codes |= set(range(0, 0x110000, 97)) | {0, 0x10FFFF}
    for code in sorted(codes):
        assert is_cjk(chr(code)) == any(lo <= code <= hi for lo, hi in _CJK_RANGES), hex(code)


def _text(agreement: Agreement) -> str:
    return agreement.model_dump_json()


def _chinese_face() -> str:
    from reports.fonts.faces import ensure_cjk
    from reports.theme import DEFAULT_THEME

    return ensure_cjk(DEFAULT_THEME.fonts.cjk, "浙江")


def test_widths_are_measured_afresh_after_other_documents_warm_them(shipped: Agreement) -> None:
    chinese = load_agreement(CHINESE)
    for options in (Options(), Options(lang="ja"), Options(lang="fr")):  # other documents measure first
        render(shipped, "briefing", "pdf", options)
    render(chinese, "memo", "pdf")
    chars = [*dict.fromkeys(_text(chinese) + _text(shipped)), ""]
    for face in (_chinese_face(), "Helvetica"):
        for size in (7, 9.5, 10, 10.0, 14):
            assert char_widths(chars, face, size) == [float(stringWidth(c, face, size)) for c in chars]


def test_a_character_the_stand_in_takes_later_is_measured_again() -> None:
    from reports.fonts.standin import STANDIN, standin, take

    standin()
    char = "\U000f0a11"  # a private character no document of the suite sets
    before = char_widths([char], STANDIN, 10)[0]
    assert before == stringWidth(char, STANDIN, 10)  # the face's default width: it does not map it yet
    take(char)
    assert char_widths([char], STANDIN, 10)[0] == stringWidth(char, STANDIN, 10) != before


def test_a_copy_of_a_font_keeps_widths_of_its_own() -> None:
    # As the shaping twins are made (``reports.fonts.shaping._twin``): a copy whose map then grows. A twin
    # is drawn with, never registered (reportlab would name the face's first font for it): it is put in
    # the registry by hand here, to be measured by name.
    face = _chinese_face()
    font = pdfmetrics.getFont(face)
    twin = copy.copy(font)
    twin.fontName = f"{face}+WidthsTest"
    twin.face = copy.copy(font.face)
    twin.face.charToGlyph, twin.face.charWidths = dict(font.face.charToGlyph), dict(font.face.charWidths)
    pdfmetrics._fonts[twin.fontName] = twin
    try:
        char = "\U000f0a12"
        assert char_widths([char, "浙"], face, 10) == char_widths([char, "浙"], twin.fontName, 10)
        twin.face.charToGlyph[ord(char)] = font.face.charToGlyph[ord("浙")]
        twin.face.charWidths[ord(char)] = font.face.charWidths[ord("浙")]
        assert char_widths([char], twin.fontName, 10) == [stringWidth("浙", face, 10)]
        assert char_widths([char], face, 10) == [stringWidth(char, face, 10)] != [stringWidth("浙", face, 10)]
    finally:
        del pdfmetrics._fonts[twin.fontName]


def test_a_documents_bytes_do_not_depend_on_what_was_built_before(shipped: Agreement) -> None:
    chinese = load_agreement(CHINESE)
    forget_widths()
    cold = {name: render(agreement, "briefing", "pdf", options).data
            for name, agreement, options in (("zh", chinese, Options()), ("ja", shipped, Options(lang="ja")))}
    render(chinese, "memo", "pdf")
    render(shipped, "memo", "pdf", Options(lang="ja"))
    warm = {name: render(agreement, "briefing", "pdf", options).data
            for name, agreement, options in (("ja", shipped, Options(lang="ja")), ("zh", chinese, Options()))}
    assert warm == cold
