"""The families a theme may name, and what a font choice is made of.

Kept here, below the theme, so that a theme naming another family is refused where it is written (at
its file, line and field, when the theme is loaded), and so that the font code can take a theme's
choice without importing the theme.
"""

from __future__ import annotations

from typing import Protocol

# What reports.fonts.faces can register: two families shipped as Python packages and the standard PDF
# fonts (the 14 that a PDF may name without embedding them; they cover WinAnsi only).
LATIN_FAMILIES = ("Source Serif Pro", "Source Sans Pro", "Helvetica", "Times-Roman", "Courier")
STANDARD_FAMILIES = ("Helvetica", "Times-Roman", "Courier")
# reportlab's CID fonts: a theme naming one asks for no particular face (the best one found on the machine).
CJK_FAMILIES = ("STSong-Light", "MSung-Light", "HeiseiMin-W3", "HYSMyeongJo-Medium")


class FontChoice(Protocol):
    """A theme's choice of faces (``reports.theme.Fonts`` is one)."""

    @property
    def body(self) -> str: ...

    @property
    def heading(self) -> str: ...

    @property
    def cjk(self) -> str: ...
