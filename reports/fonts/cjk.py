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

For the PDF, ``register_pdf_face`` registers the face with reportlab and returns its font name. A
TrueType face is registered whole, once per process: reportlab reads the file (~0.08 s for the 17 MB
wqy-zenhei.ttc) and subsets it itself at every save, which measured cheaper than cutting a subset
with fontTools first (0.16-0.19 s for each new character set) and gives the same embedded bytes. A
CFF face is registered per character set (``subset_for_pdf``), as converting all of its 65,000
glyphs would take far too long: converting costs about 1 ms a character (a CFF face of 7,000 CJK
glyphs: 14 characters 0.03 s, 300 characters 0.3 s, 1,500 characters 1.5 s), cached per process.
The DOCX writer embeds the same subsets (``docx_fonts``).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
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
from reports.theme import CJK_FAMILIES

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
# Dropped from an embedded subset: bitmaps, vertical metrics, shaping and device-metric tables that
# nothing reads.
_DROPPED = ["BDF ", "EBDT", "EBLC", "EBSC", "FFTM", "vhea", "vmtx", "VORG", "DSIG", "kern", "PCLT", "LTSH",
            "hdmx", "VDMX", "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH"]

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
    """Forget every lookup (tests; a long-running process after fonts were installed), and what the
    writers made of them: the face names they chose and the stylesheets that hold those names."""
    from reports.fonts import faces as fonts
    from reports.writers.pdf import styles as pdf_styles

    with _lock:
        _find.cache_clear()
        _candidates_in.cache_clear()
        _fontconfig.cache_clear()
        coverage.cache_clear()
        _subset.cache_clear()
        fonts.cjk_font.cache_clear()
        fonts.cjk_font_name.cache_clear()
        pdf_styles.stylesheet.cache_clear()


@lru_cache(maxsize=8)
def _find(preferred: str | None) -> CjkFace | None:
    if preferred is not None:
        return _named(preferred)
    # Every face of every file is placed first from its name table (cheap); the character map, the
    # costly check, is read only for the best-placed faces until one draws Chinese (a desktop may list
    # dozens of Chinese fonts).
    files = _search_files()
    key = _files_key(files)
    remembered = _remembered(key, files)
    if remembered is not None:
        return remembered
    candidates = [c for path in files for c in _candidates_in(path)]
    candidates.sort(key=lambda c: (c.face.needs_conversion, c.score, str(c.face.path)))
    face = next((c.face for c in candidates if _draws_chinese(c.face)), None)
    _remember(key, face)
    return face


# ---------------------------------------------------------------------------------------------- memory
# Reading the candidates' character maps costs ~0.1 s at every start of the tool. The winner is kept in
# the user's cache folder, keyed by every candidate file's path, size and time: any font installed,
# removed or changed makes a new search, and a remembered face is used only if it is still one of them.

_CACHE_VERSION = 1


def _cache_file() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "reports" / "cjk-face.json"


def _files_key(files: list[Path]) -> str:
    listing = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        listing.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join([f"v{_CACHE_VERSION}", *listing]).encode()).hexdigest()


def _remembered(key: str, files: list[Path]) -> CjkFace | None:
    import json

    try:
        path = _cache_file()
        if not path.is_file() or path.stat().st_size > 65536:
            return None
        record = json.loads(path.read_text("utf-8"))
        face = record["face"]
        if record.get("key") != key or not isinstance(face, dict):
            return None
        found = CjkFace(Path(str(face["path"])), int(face["index"]), str(face["family"]),
                        bool(face["needs_conversion"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record, or one that cannot be trusted: search again
    return found if found.path in files else None


def _remember(key: str, face: CjkFace | None) -> None:
    import json
    import tempfile

    if face is None:
        return
    record = {"key": key, "face": {"path": str(face.path), "index": face.index, "family": face.family,
                                   "needs_conversion": face.needs_conversion}}
    try:
        path = _cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=".cjk-face-", suffix=".tmp") as out:
            json.dump(record, out)
        os.replace(out.name, path)
    except OSError:
        pass  # a read-only home: search again next time


def _named(preferred: str) -> CjkFace:
    path = Path(preferred).expanduser()
    if is_font_path(preferred):
        problem = _unusable(path) or ("" if _font_count(path) else "not a TrueType or OpenType font file")
        if problem:
            raise ThemeError(f"CJK font {display_path(path)}: {problem}")
        best = _best(_candidates_in(path))
        if best is None:
            raise ThemeError(f"CJK font {display_path(path)}: no face in it draws Chinese (中文) and may be "
                             "embedded (TrueType or CFF outlines, embedding allowed)")
        return best.face
    wanted = preferred.casefold()
    files = [Path(f) for f, _, _, families in _fontconfig(False) if wanted in families]
    found = [c for path in dict.fromkeys([*files, *_search_files()]) for c in _candidates_in(path)
             if wanted in c.names and _draws_chinese(c.face)]
    if not found:
        raise ThemeError(f"CJK font {preferred!r}: no usable face of that family on this machine (a TrueType "
                         "or OpenType font that draws Chinese and allows embedding); name its file instead, "
                         "or leave the field out to use the face found on the machine")
    return min(found, key=lambda c: (c.face.needs_conversion, c.score, str(c.face.path))).face


def _search_files() -> list[Path]:
    """Font files to look at, in order: fontconfig's Chinese faces, then the well-known files."""
    listed = sorted(_fontconfig(True), key=lambda e: (_family_rank(e[3]), e[2] != "TrueType", e[0]))
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


@lru_cache(maxsize=2)
def _fontconfig(chinese_only: bool) -> tuple[tuple[str, int, str, frozenset[str]], ...]:
    """fontconfig's faces (``fc-list``): (file, index, format, family names case-folded); none when it
    is not installed, fails or takes too long."""
    program = shutil.which(FC_LIST)
    if program is None:
        return ()
    args = [program, "-f", "%{file}\t%{index}\t%{fontformat}\t%{family}\n"]
    if chinese_only:
        args.append(":lang=zh-cn")
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


def _draws_chinese(face: CjkFace) -> bool:
    try:
        covered = coverage(face)
    except Exception:  # a broken character map: the face is passed over (see _candidates_in)
        return False
    return all(code in covered for code in _PROBE)


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


def _inspect(path: Path, index: int) -> _Candidate | None:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        if any(tag not in font for tag in _REQUIRED):
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

    font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


# ---------------------------------------------------------------------------------------------- embedding


def subset_for_pdf(face: CjkFace, text: str) -> bytes:
    """``face`` cut down to the characters of ``text`` it has (and .notdef), with TrueType outlines (a
    CFF face is converted): the bytes of a .ttf file, the same for the same face and characters.

    Kept: cmap, hmtx, hhea, head, maxp, post, OS/2, name (every record), glyf and loca. Left out:
    hinting, bitmaps, vertical metrics and shaping tables (neither writer shapes). The PostScript name
    (name ID 6) gets a digest of the characters: reportlab keys faces by that name, and two documents'
    subsets of one face must stay apart in one process.
    """
    return _subset(face, _characters(face, text))


def _characters(face: CjkFace, text: str) -> str:
    covered = coverage(face)
    return "".join(sorted(c for c in set(text) if ord(c) in covered))


@lru_cache(maxsize=32)
def _subset(face: CjkFace, chars: str) -> bytes:
    font = _converted(face, chars) if face.needs_conversion else _truetype_subset(face, chars)
    name = font["name"]
    base = _postscript_safe(str(name.getDebugName(6) or "")) or _postscript_safe(face.family) or "CJK"
    name.removeNames(nameID=6)
    unique = f"{base[:50]}-{hashlib.sha256(chars.encode('utf-8')).hexdigest()[:10]}"
    name.setName(unique, 6, 3, 1, 0x409)
    name.setName(unique, 6, 1, 0, 0)
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


def _truetype_subset(face: CjkFace, chars: str) -> Any:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(face.path), fontNumber=face.index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    # Removed before the subsetter looks: it would read the shaping tables (0.03-0.05 s for a CJK face)
    # only to drop them.
    for tag in _DROPPED:
        if tag in font:
            del font[tag]
    options = subset_options()
    options.hinting = False
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    return font


def _converted(face: CjkFace, chars: str) -> Any:
    """A new TrueType font holding .notdef and the glyphs of ``chars``, their CFF outlines drawn once
    through a cubic-to-quadratic pen, with the face's own names, metrics and font-wide tables.

    Built directly rather than by subsetting the CFF face first: the subsetter interprets every kept
    charstring twice more (glyph closure, unused subroutines) before the drawing, which took most of
    the time (1,500 characters: 1.1 s that way, see the module's docstring for this way's figures).
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    source = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    cmap = source.getBestCmap() or {}
    mapping = {code: cmap[code] for code in sorted({ord(c) for c in chars}) if code in cmap}
    order = [".notdef", *dict.fromkeys(name for name in mapping.values() if name != ".notdef")]
    glyph_set = source.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # 1 unit of the em (1000 for CJK faces) is far below a printed pixel; CFF contours run
        # counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font = TTFont(recalcBBoxes=True, recalcTimestamp=False)
    font.setGlyphOrder(order)
    for tag in ("head", "hhea", "name", "OS/2"):  # font-wide: nothing in them counts glyphs
        font[tag] = source[tag]
    font["head"].glyphDataFormat = 0
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    advances = source["hmtx"]
    metrics = {}
    for name in order:
        glyphs[name].recalcBounds(glyf)
        metrics[name] = (advances[name][0], getattr(glyphs[name], "xMin", 0))
    builder = FontBuilder(font=font)
    builder.setupHorizontalMetrics(metrics)
    builder.setupCharacterMap(mapping)
    builder.setupMaxp()
    post = source["post"]
    builder.setupPost(keepGlyphNames=False, italicAngle=post.italicAngle, underlinePosition=post.underlinePosition,
                      underlineThickness=post.underlineThickness, isFixedPitch=post.isFixedPitch)
    font["OS/2"].updateFirstAndLastCharIndex(font)
    source.close()
    return font


def _postscript_safe(text: str) -> str:
    """``text`` with only the characters a PostScript name may hold (printable ASCII but delimiters)."""
    return re.sub(r"[^!-~]|[\[\](){}<>/%]", "", text)


def subset_options() -> Any:
    """fontTools subsetter options both writers' subsets share: no shaping features (neither writer
    shapes), every name record kept, a drawn .notdef."""
    from fontTools import subset as ft_subset

    options = ft_subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    return options


def pdf_face_name(face: CjkFace) -> str:
    """The reportlab font name ``register_pdf_face`` gives a TrueType ``face`` (without registering it)."""
    stem = re.sub(r"[^A-Za-z0-9]", "", face.family) or hashlib.sha256(face.family.encode()).hexdigest()[:8]
    return f"CJK-{stem}-{face.index}"


def register_pdf_face(face: CjkFace, text: str = "") -> str:
    """Register ``face`` with reportlab (once per process and, for a converted face, per character set
    of ``text``) and return the font name to use in paragraph markup and styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    stem = pdf_face_name(face).removeprefix("CJK-").rsplit("-", 1)[0]
    with _lock:
        if face.needs_conversion:
            chars = _characters(face, text)
            name = f"CJK-{stem}-{face.index}-{hashlib.sha256(chars.encode()).hexdigest()[:10]}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, io.BytesIO(_subset(face, chars))))
        else:
            name = f"CJK-{stem}-{face.index}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(face.path), subfontIndex=face.index))
    return name


__all__ = ["KNOWN_FILES", "PREFERRED_FAMILIES", "CjkFace", "clear_cache", "coverage", "find_cjk_face",
           "is_font_path", "pdf_face_name", "register_pdf_face", "subset_for_pdf"]
