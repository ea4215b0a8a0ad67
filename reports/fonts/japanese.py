"""A Japanese face for Japanese text, found on the machine: Japanese glyph forms (直, 骨, 曜 are drawn
differently in Chinese faces) and the kana a Japanese reader expects.

Part of write. Only faces made for Japanese count: IPA and IPAex (Debian's fonts-ipafont,
fonts-ipaexfont), Noto Serif / Sans CJK JP (fonts-noto-cjk), Source Han Serif / Sans JP, and the
Japanese faces of Windows and macOS; a Chinese face that also holds kana (WenQuanYi) is not one. Mincho
(serif) faces first, as the body is a serif. Faces are read the way ``reports.fonts.cjk`` reads Chinese
ones (TrueType embedded as it is, OpenType CFF converted per character set; a face that may not be
embedded is passed over). None found: Japanese text is set in the Chinese face, with a warning.
"""

from __future__ import annotations

import dataclasses
import threading
from functools import lru_cache
from pathlib import Path

from reports.fonts import memory
from reports.fonts.cjk import CjkFace, draws, faces_in, fontconfig_faces
from reports.fonts.forget import on_forget

# Kana and kanji a Japanese face draws: あ ア 日 本 (a face without them is no Japanese face).
_PROBE = (0x3042, 0x30A2, 0x65E5, 0x672C)
JAPANESE_FAMILIES = (
    "IPAMincho", "IPAexMincho", "Noto Serif CJK JP", "Source Han Serif JP", "Source Han Serif",
    "Hiragino Mincho ProN", "Yu Mincho", "MS Mincho", "TakaoMincho", "IPAPMincho",
    "IPAGothic", "IPAexGothic", "Noto Sans CJK JP", "Source Han Sans JP", "Source Han Sans",
    "Hiragino Kaku Gothic ProN", "Hiragino Sans", "Yu Gothic", "Meiryo", "MS Gothic", "TakaoGothic", "IPAPGothic",
)
_RANK = {name.casefold(): i for i, name in enumerate(JAPANESE_FAMILIES)}

# Where the common systems keep them, searched when fontconfig is absent or does not list them.
KNOWN_FILES: tuple[str, ...] = (
    # Debian and Ubuntu (fonts-ipafont, fonts-ipaexfont, fonts-noto-cjk), Fedora and Arch
    "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
    "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/ipa-mincho/ipam.ttf",
    "/usr/share/fonts/ipa-gothic/ipag.ttf",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-serif/SourceHanSerif-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
    # macOS and Windows
    "/System/Library/Fonts/ヒラギノ明朝 ProN.ttc",
    "/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc",
    "C:/Windows/Fonts/yumin.ttf",
    "C:/Windows/Fonts/msmincho.ttc",
    "C:/Windows/Fonts/YuGothR.ttc",
    "C:/Windows/Fonts/msgothic.ttc",
)

_lock = threading.Lock()
_MEMORY = "japanese-face"  # the record of reports.fonts.memory


def _rank(names: frozenset[str]) -> int | None:
    ranks = [_RANK[name] for name in names if name in _RANK]
    return min(ranks) if ranks else None


@lru_cache(maxsize=1)
def _find() -> CjkFace | None:
    # The well-known files first: fontconfig (a process, ~50 ms) is asked only when none of them is there.
    known = [path for path in map(Path, KNOWN_FILES) if path.is_file()]
    face = _remembered_or_searched(known) if known else None
    if face is None:
        listed = [Path(entry[0]) for entry in fontconfig_faces("ja")]
        face = _remembered_or_searched(list(dict.fromkeys([*listed, *known])))
    return face


def _remembered_or_searched(files: list[Path]) -> CjkFace | None:
    # The search reads the candidates' name tables and the winner's character map (~0.1 s): its answer is
    # remembered between runs, keyed by the candidate files as they are now (reports.fonts.memory).
    key = memory.files_key(files)
    known = memory.recalled(key, _MEMORY)
    if known is not None and known["path"] in files:
        return CjkFace(**known)
    face = _search(files)
    if face is not None:
        memory.keep(key, dataclasses.asdict(face), _MEMORY)
    return face


def _search(files: list[Path]) -> CjkFace | None:
    ranked = []
    for path in files:
        for candidate in faces_in(path):
            rank = _rank(candidate.names)
            if rank is not None:
                ranked.append((candidate.face.needs_conversion, rank, candidate.score, str(path), candidate.face))
    ranked.sort(key=lambda entry: entry[:4])
    return next((entry[4] for entry in ranked if draws(entry[4], _PROBE)), None)


def find_japanese_face() -> CjkFace | None:
    """The Japanese face on this machine (a TrueType one before one that must be converted, Mincho before
    Gothic), or None; looked for once per process (``reports.fonts.cjk.clear_cache`` forgets it)."""
    with _lock:
        return _find()


on_forget(_find.cache_clear)

__all__ = ["JAPANESE_FAMILIES", "KNOWN_FILES", "find_japanese_face"]
