"""Bad-input catalogue rows for the CJK face a theme names (``fonts.cjk``: a font file or a family).

Each theme is written by the case's ``setup`` with the font's absolute path (the case folder is only
known then); the message must name the theme file, its line and field, and say what is wrong with the font.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.catalogue_case import Case

ARGS = ("build", "-d", "{dir}/out", "--theme", "{file}")


def _latin_font(path: Path, fs_type: int = 0) -> None:
    from tests.writers.test_cjk_fonts import cff_font

    cff_font(path, chars="A", fs_type=fs_type)


def _theme_naming(font: str, make: Callable[[Path], None] | None) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        if make is not None:
            make(folder / font)
        (folder / "theme.yaml").write_text(f"fonts:\n  cjk: {folder / font}\n", "utf-8")
    return setup


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _huge(path: Path) -> None:
    with path.open("wb") as file:
        file.truncate(129 * 1024 * 1024)  # sparse: no disk used


def _lying_collection(path: Path) -> None:
    path.write_bytes(b"ttcf\x00\x01\x00\x00\xff\xff\xff\xff" + b"\x00" * 64)


def _located(folder: Path, output: str) -> None:
    # The theme file, the line and the field, then the font's full path (the message holds the folder).
    assert f"theme.yaml:2:3: fonts.cjk: CJK font {folder}/" in output, output


def _case(name: str, what: str, font: str, make: Callable[[Path], None] | None, message: str) -> Case:
    return Case(f"a11y-cjk-{name}", f"a theme whose CJK font is {what}", "theme.yaml", None,
                f"{font}: {message}", 1, args=ARGS, setup=_theme_naming(font, make), extra=_located)


CASES: list[Case] = [
    _case("missing", "a file that does not exist", "absent.ttf", None, "no such file"),
    _case("not-a-font", "a text file named .ttf", "notes.ttf", lambda p: p.write_text("not a font\n", "utf-8"),
          "not a TrueType or OpenType font file"),
    _case("fifo", "a FIFO (never opened)", "pipe.ttf", _fifo, "not a regular file"),
    _case("huge", "a 129 MB file", "huge.ttc", _huge, "larger than 128 MB"),
    _case("lying-collection", "a collection header claiming 4 billion faces", "lies.ttc", _lying_collection,
          "no face in it draws Chinese"),
    _case("latin-only", "a font without Chinese", "latin.otf", _latin_font, "no face in it draws Chinese"),
    _case("restricted", "a font whose licence forbids embedding (fsType 2)", "locked.otf",
          lambda p: _latin_font(p, fs_type=0x0002), "no face in it draws Chinese"),
    Case("a11y-cjk-unknown-family", "a theme naming a CJK family the machine does not have", "theme.yaml",
         b"fonts:\n  cjk: No Such Song\n", "theme.yaml:2:3: fonts.cjk: CJK font 'No Such Song': no usable face "
         "of that family on this machine", 1, args=ARGS),
]
