"""The CJK test (``reports.fonts.scripts.is_cjk``): the same answers as the ranges it stands for."""

from __future__ import annotations

from reports.fonts.scripts import _CJK_RANGES, is_cjk


def test_is_cjk_is_the_ranges() -> None:
    codes = {code + step for lo, hi in _CJK_RANGES for code in (lo, hi) for step in (-1, 0, 1)}
    codes |= set(range(0, 0x110000, 97)) | {0, 0x10FFFF}
    for code in sorted(codes):
        assert is_cjk(chr(code)) == any(lo <= code <= hi for lo, hi in _CJK_RANGES), hex(code)
