"""A Chinese face both writers can use and the PDF can embed: named in the theme or found on the machine.

Part of write. reportlab embeds TrueType outlines only (a ``glyf`` table); an OpenType face with CFF
outlines (Noto CJK, Source Han) fails with "postscript outlines are not supported". ``find_cjk_face``
looks, in this order, for:

1. the face the theme names (a font file, or a family name as the system knows it); a named face that
   cannot be used is the theme's error, never silently replaced;
2. a TrueType-outline Chinese face on the machine: fontconfig's Chinese faces (``fc-list``, when it is
   installed) and well-known files of Debian (fonts-arphic, fonts-wqy), Fedora and Arch, Windows
   (SimSun, Microsoft YaHei) and macOS (Songti, STHeiti, Arial Unicode); Song (serif) faces first, as
   the body is a serif;
3. an OpenType-CFF Chinese face (Noto Serif / Sans CJK, Source Han, Hiragino Sans GB), embedded as a
   new TrueType font holding only the glyphs of the characters a document uses, their outlines drawn
   through fontTools' Cu2Qu pen (cubic to quadratic, within 1 unit of the em).

A face whose licence forbids embedding (OS/2 ``fsType`` restricted, no subsetting or bitmap only), a
variable CFF2 face or a file that does not parse is passed over. Lookups are made once per process.

Embedding the face found (subsets, conversion, reportlab registration) is ``reports.fonts.subset``; the
search's answer is remembered between runs by ``reports.fonts.memory``.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import struct
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reports.errors import ThemeError, display_path
from reports.fonts import memory
from reports.fonts.forget import forget_all, on_forget
from reports.fonts.names import CJK_FAMILIES

MAX_FONT_BYTES = 128 * 1024 * 1024  # the largest common CJK collection (Noto Sans CJK, all weights) is ~120 MB
MAX_SUBFONTS = 64  # a collection claiming more is not a font we want
FC_LIST = "fc-list"  # fontconfig's lister; not found (Windows, most Macs): the well-known files only
FC_TIMEOUT = 10.0  # seconds: fc-list builds its cache on a first run
_PROBE = (0x4E2D, 0x6587)  # 中文: a face without them is not a Chinese face
_FONT_SUFFIXES = frozenset({".ttf", ".ttc", ".otf", ".otc"})
# reportlab refuses these (ttfonts.TTFontFile.extractInfo): restricted licence, no subsetting, bitmap only.
_FS_RESTRICTED = 0x0002
_FS_NO_SUBSET_OR_BITMAP = 0x0300
_REQUIRED = ("cmap", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post")
# Families in order of preference: Song / Ming faces (serif, as reportlab's STSong-Light and the body
# family), then Hei (sans), then the rest; TrueType or CFF is decided by the file, not by this list.
PREFERRED_FAMILIES = (
    "SimSun", "Songti SC", "STSong", "AR PL UMing CN", "AR PL SungtiL GB", "Noto Serif CJK SC",
    "Source Han Serif SC", "Source Han Serif CN", "Microsoft YaHei", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Heiti SC",
    "STHeiti", "PingFang SC", "Hiragino Sans GB", "SimHei", "AR PL UKai CN", "KaiTi", "Droid Sans Fallback",
    "Arial Unicode MS",
)
_RANK = {name.casefold(): i for i, name in enumerate(PREFERRED_FAMILIES)}

# Well-known files, searched when fontconfig is absent or does not list them (Windows, macOS).
KNOWN_FILES: tuple[str, ...] = (
    # Debian and Ubuntu
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    # Fedora and Arch
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    # macOS
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Songti.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    # OpenType CFF (converted before embedding)
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-serif/SourceHanSerif-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
)
WINDOWS_FILES = ("simsun.ttc", "msyh.ttc", "simhei.ttf", "simkai.ttf", "msyh.ttf")

_lock = threading.RLock()


@dataclass(frozen=True)
class CjkFace:
    """One face of one font file."""

    path: Path
    index: int  # the face's number in a collection (.ttc / .otc); 0 for a single font
    family: str  # its family name as Word knows it (name ID 1, English): what a DOCX names
    needs_conversion: bool  # CFF outlines: converted to TrueType, per character set, before embedding
    # Named by a theme as a file in its folder: read through reports.safe_open every time (``face_file``).
    confined: bool = False


def face_file(face: CjkFace) -> str | io.BytesIO:
    """What fontTools and reportlab open for ``face``: its path; or, for a face a theme names as a file,
    its bytes read through ``reports.safe_open`` (no link followed at any step, no hard link), so that a
    folder swapped for a link after the theme was checked cannot bring another file in."""
    if not face.confined:
        return str(face.path)
    from reports import safe_open

    try:
        data = safe_open.read_fd(safe_open.open_real(face.path), MAX_FONT_BYTES)
    except safe_open.Refused as exc:
        raise ThemeError(f"CJK font {display_path(face.path)}: {safe_open.MESSAGES.get(exc.kind, exc.kind)}") \
            from None
    if len(data) > MAX_FONT_BYTES:
        raise ThemeError(f"CJK font {display_path(face.path)}: larger than {MAX_FONT_BYTES // 2**20} MB")
    return io.BytesIO(data)


@dataclass(frozen=True)
class _Candidate:
    face: CjkFace
    names: frozenset[str]  # every family name the face gives (all languages), case-folded
    score: tuple[int, int, int, int]  # lower is better: family preference, style, variant, index


# ---------------------------------------------------------------------------------------------- search


def find_cjk_face(preferred: str | os.PathLike[str] | None = None, base: Path | None = None) -> CjkFace | None:
    """The Chinese face to embed: ``preferred`` (a font file or a family name) when given, else the
    best TrueType face found on the machine, else the best CFF face; ``None`` when there is none.

    A relative file name is taken inside ``base`` (the theme file's folder) when given. reportlab's CID
    font names (``STSong-Light`` ...) name no file and count as no preference. Raises ``ThemeError``
    when ``preferred`` names a file or family that cannot be used, saying why.
    """
    key = None if preferred is None or str(preferred) in CJK_FAMILIES else str(preferred)
    if key is not None and base is not None and is_font_path(key) and not Path(key).expanduser().is_absolute():
        key = str(base / key)
    with _lock:
        return _find(key)


def is_font_path(preferred: str) -> bool:
    """True when the theme's ``fonts.cjk`` value names a file (a font suffix or a folder separator),
    not a family."""
    return Path(preferred).suffix.lower() in _FONT_SUFFIXES or os.sep in preferred or "/" in preferred


def clear_cache() -> None:
    """Forget every lookup (tests; a long-running process after fonts were installed), and what was made
    of them anywhere: every cache registered with ``reports.fonts.forget`` (subsets, face names, the
    stylesheets that hold those names)."""
    with _lock:
        forget_all()


@lru_cache(maxsize=8)
def _find(preferred: str | None) -> CjkFace | None:
    if preferred is not None:
        return _named(preferred)
    # Every face of every file is placed first from its name table (cheap); the character map, the
    # costly check, is read only for the best-placed faces until one draws Chinese (a desktop may list
    # dozens of Chinese fonts).
    files = _search_files()
    key = memory.files_key(files)
    known = memory.recalled(key)
    remembered = CjkFace(**known) if known is not None else None
    if remembered is not None and remembered.path in files:
        return remembered
    candidates = [c for path in files for c in _candidates_in(path)]
    candidates.sort(key=lambda c: (c.face.needs_conversion, c.score, str(c.face.path)))
    face = next((c.face for c in candidates if _draws_chinese(c.face)), None)
    if face is not None:
        memory.keep(key, dataclasses.asdict(face))
    return face


def _named(preferred: str) -> CjkFace:
    path = Path(preferred).expanduser()
    if is_font_path(preferred):
        problem = _unusable(path) or ("" if _font_count(path) else "not a TrueType or OpenType font file")
        if problem:
            raise ThemeError(f"CJK font {display_path(path)}: {problem}")
        best = _best(_candidates_in(path))
        if best is None:
            for index in range(_font_count(path)):  # a face passed over for its tables says why
                lie = _tables_lie(path, index)
                if lie:
                    face = f" (face {index} of the collection)" if _font_count(path) > 1 else ""
                    raise ThemeError(f"CJK font {display_path(path)}{face}: its tables disagree ({lie}); "
                                     "the file is damaged or was altered: use another copy of the font")
            raise ThemeError(f"CJK font {display_path(path)}: no face in it draws Chinese (中文) and may be "
                             "embedded (TrueType or CFF outlines, embedding allowed)")
        return dataclasses.replace(best.face, confined=True)
    wanted = preferred.casefold()
    files = [Path(f) for f, _, _, families in _fontconfig("") if wanted in families]
    found = [c for path in dict.fromkeys([*files, *_search_files()]) for c in _candidates_in(path)
             if wanted in c.names and _draws_chinese(c.face)]
    if not found:
        raise ThemeError(f"CJK font {preferred!r}: no usable face of that family on this machine (a TrueType "
                         "or OpenType font that draws Chinese and allows embedding); name its file instead, "
                         "or leave the field out to use the face found on the machine")
    return min(found, key=lambda c: (c.face.needs_conversion, c.score, str(c.face.path))).face


def _search_files() -> list[Path]:
    """Font files to look at, in order: fontconfig's Chinese faces, then the well-known files."""
    listed = sorted(_fontconfig("zh-cn"), key=lambda e: (_family_rank(e[3]), e[2] != "TrueType", e[0]))
    files = [Path(entry[0]) for entry in listed]
    files.extend(Path(f) for f in KNOWN_FILES)
    files.extend(_windows_files())
    return list(dict.fromkeys(files))


def _windows_files() -> Iterator[Path]:
    if sys.platform != "win32":
        return
    folders = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    if os.environ.get("LOCALAPPDATA"):
        folders.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    for folder in folders:
        yield from (folder / name for name in WINDOWS_FILES)


def _family_rank(families: Iterable[str]) -> int:
    return min((_RANK.get(name, len(_RANK)) for name in families), default=len(_RANK))


@lru_cache(maxsize=4)
def _fontconfig(lang: str) -> tuple[tuple[str, int, str, frozenset[str]], ...]:
    """fontconfig's faces (``fc-list``) that draw ``lang`` (``zh-cn``, ``ja``; "" for every face): (file,
    index, format, family names case-folded); none when it is not installed, fails or takes too long."""
    program = shutil.which(FC_LIST)
    if program is None:
        return ()
    args = [program, "-f", "%{file}\t%{index}\t%{fontformat}\t%{family}\n"]
    if lang:
        args.append(f":lang={lang}")
    try:
        done = subprocess.run(args, capture_output=True, timeout=FC_TIMEOUT, check=False,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return ()
    if done.returncode != 0:
        return ()
    entries = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[1].isdigit():
            continue
        families = frozenset(name.strip().casefold() for name in parts[3].split(",") if name.strip())
        entries.append((parts[0], int(parts[1]), parts[2], families))
    return tuple(sorted(entries, key=lambda e: (e[0], e[1])))


def _best(candidates: Iterable[_Candidate]) -> _Candidate | None:
    # The Chinese check reads the face's character map (~50 ms for a CJK face), so it is made only
    # for the best-placed faces until one passes, not for every face of a collection.
    return next((c for c in sorted(candidates, key=lambda c: c.score) if _draws_chinese(c.face)), None)


def draws(face: CjkFace, probe: Iterable[int]) -> bool:
    """Whether ``face`` draws every character of ``probe`` (a face with a broken character map draws
    none: it is passed over, see ``_candidates_in``)."""
    try:
        covered = coverage(face)
    except Exception:
        return False
    return all(code in covered for code in probe)


def _draws_chinese(face: CjkFace) -> bool:
    return draws(face, _PROBE)


def _unusable(path: Path) -> str:
    """Why the file at ``path`` cannot be read as a font ("" when it can)."""
    try:
        if not path.is_file():
            return "no such file" if not path.exists() else "not a regular file"
        size = path.stat().st_size
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    if size > MAX_FONT_BYTES:
        return f"larger than {MAX_FONT_BYTES // (1024 * 1024)} MB"
    return ""


@lru_cache(maxsize=256)
def _candidates_in(path: Path) -> tuple[_Candidate, ...]:
    """Every face in the font file at ``path`` that reportlab could embed (a collection holds several);
    whether it draws Chinese is checked later (``_draws_chinese``)."""
    if _unusable(path):
        return ()
    found = []
    for index in range(_font_count(path)):
        try:
            candidate = _inspect(path, index)
        except Exception:  # a broken font file on the machine is passed over, whatever
            continue  # fontTools raises for it (struct, assertion, key and index errors among others)
        if candidate is not None:
            found.append(candidate)
    return tuple(found)


def _font_count(path: Path) -> int:
    """How many faces the font file at ``path`` holds, from its header (0: not a font file)."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
    except OSError:
        return 0
    if head[:4] == b"ttcf" and len(head) == 12:
        count: int = struct.unpack(">I", head[8:12])[0]
        return min(count, MAX_SUBFONTS)
    return 1 if head[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true") else 0


def _tables_lie(path: Path, index: int) -> str:
    """How the tables of face ``index`` contradict its glyph count (``maxp.numGlyphs``), "" when they agree
    (or when the face cannot be read at all: that is found, and said, elsewhere)."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), fontNumber=index, lazy=True)
    except Exception:  # not a font: not a lie about its glyphs
        return ""
    try:
        return _glyph_count_lie(font, with_cmap=True) if all(tag in font for tag in _REQUIRED) else ""
    except Exception as exc:  # a table that does not even parse contradicts the count too
        return f"{type(exc).__name__}: {exc}"
    finally:
        font.close()


def _glyph_count_lie(font: Any, *, with_cmap: bool = False) -> str:
    # Every table both writers and the subsetter index by glyph must hold the glyphs maxp counts, and no
    # character may map past them: fontTools and reportlab read such tables out of bounds, deep inside
    # a build (IndexError, struct.error, KeyError 'glyph00000'), instead of refusing the face here.
    count = font["maxp"].numGlyphs
    if count < 1:
        return "maxp counts no glyphs"
    metrics = font["hhea"].numberOfHMetrics
    if not 1 <= metrics <= count:
        return f"hhea has {metrics} horizontal metrics for the {count} glyphs maxp counts"
    if font.reader.tables["hmtx"].length < 4 * metrics + 2 * (count - metrics):
        return f"hmtx is too short for the {count} glyphs maxp counts"
    if "loca" in font.reader.tables:
        width = 2 if font["head"].indexToLocFormat == 0 else 4
        if font.reader.tables["loca"].length < (count + 1) * width:
            return f"loca is too short for the {count} glyphs maxp counts"
    elif "CFF " in font.reader.tables and len(font["CFF "].cff[0].CharStrings) != count:
        return f"CFF has {len(font['CFF '].cff[0].CharStrings)} glyphs, maxp counts {count}"
    return _cmap_lie(font, font.getBestCmap() or {}) if with_cmap else ""


def _cmap_lie(font: Any, cmap: dict[int, str]) -> str:
    # The character map is the costly table (~50 ms for a CJK face): read once, by ``coverage``.
    count = font["maxp"].numGlyphs
    counted = set(font.getGlyphOrder()[:count])
    beyond = min((code for code, name in cmap.items() if name not in counted and font.getGlyphID(name) >= count),
                 default=None)
    return f"cmap maps U+{beyond:04X} past the {count} glyphs maxp counts" if beyond is not None else ""


def _inspect(path: Path, index: int) -> _Candidate | None:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        if any(tag not in font for tag in _REQUIRED) or _glyph_count_lie(font):
            return None
        if "glyf" in font and "loca" in font:
            converted = False
        elif "CFF " in font:
            converted = True
        else:  # CFF2 (variable) or bitmap only
            return None
        fs_type = font["OS/2"].fsType
        if fs_type == _FS_RESTRICTED or fs_type & _FS_NO_SUBSET_OR_BITMAP:
            return None
        name = font["name"]
        family = str(name.getDebugName(1) or "").strip()
        if not family:
            return None
        names = frozenset(str(record.toUnicode()).strip().casefold() for record in name.names
                          if record.nameID in (1, 16))
        style = str(name.getDebugName(2) or "").casefold()
        score = (_family_rank(names), style not in ("regular", "book", "normal", "roman", "w3"),
                 any(word in family.casefold() for word in ("mono", "sharp", " ui")), index)
        return _Candidate(CjkFace(path, index, family, converted), names, score)
    finally:
        font.close()


@lru_cache(maxsize=32)
def coverage(face: CjkFace) -> frozenset[int]:
    """The code points ``face`` has a glyph for."""
    from fontTools.ttLib import TTFont

    font = TTFont(face_file(face), fontNumber=face.index, lazy=True)
    try:
        cmap = font.getBestCmap() or {}
        lie = _cmap_lie(font, cmap)
        if lie:  # a face that maps characters to glyphs it does not have draws nothing: passed over
            raise ValueError(lie)
        return frozenset(cmap)
    finally:
        font.close()


# The same reading of font files for the Japanese face (``reports.fonts.japanese``).
faces_in = _candidates_in
fontconfig_faces = _fontconfig


on_forget(coverage.cache_clear, _find.cache_clear, _candidates_in.cache_clear, _fontconfig.cache_clear)

__all__ = ["KNOWN_FILES", "PREFERRED_FAMILIES", "CjkFace", "clear_cache", "coverage", "draws", "faces_in",
           "find_cjk_face", "fontconfig_faces", "is_font_path"]
