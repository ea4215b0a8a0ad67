"""Characters no configured font can draw: found in the data before rendering, reported by field.

A missing glyph prints as an empty box (``reports.fonts.standin``: the text behind it is still the
character, for a screen reader or a copy), which shows something other than the data; so the build
names the file, the field and the character (U+XXXX), and ``--strict`` turns that into an error.
The standard PDF fonts (Helvetica, Times-Roman, Courier) draw the whole WinAnsi set (dashes, curly
quotes, the bullet, the euro sign ...), not Latin-1 alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from reports.errors import Problem
from reports.model import Agreement
from reports.theme import Theme


def text_fields(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(field path, text)`` for every string inside a model dump, e.g. ``parties[1].name``."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from text_fields(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from text_fields(item, f"{path}[{index}]")


def check_glyphs(agreement: Agreement, theme: Theme, *, source: str) -> list[Problem]:
    """Return one warning per field and character that the theme's fonts cannot draw."""
    from reports.fonts.faces import missing_glyphs

    problems: list[Problem] = []
    dumped = agreement.model_dump(mode="json", by_alias=True, exclude_none=True)
    for path, text in text_fields(dumped):
        if text.isascii():  # the Latin fonts cover ASCII; skip the common case cheaply
            continue
        for char in missing_glyphs(text, theme.fonts):
            if _standard_fonts_draw(char, theme):
                continue
            name = _char_name(char)
            problems.append(Problem(
                file=source, field=path,
                message=f"no configured font can draw U+{ord(char):04X} {name}; the PDF prints it as a box "
                        "(its text still reads as the character)",
            ))
    return problems


def _standard_fonts_draw(char: str, theme: Theme) -> bool:
    # fonts.missing_glyphs counts Latin-1 only for a standard family; the WinAnsi set is what it
    # draws. A character is drawn when each of the body and heading families draws it.
    from reports.fonts.faces import family
    from reports.fonts.names import STANDARD_FAMILIES  # set in WinAnsiEncoding
    from reports.fonts.winansi import winansi_characters

    code = ord(char)
    for name in (theme.fonts.body, theme.fonts.heading):
        covers = winansi_characters() if name in STANDARD_FAMILIES else family(name).covers
        if code not in covers:
            return False
    return True


def _char_name(char: str) -> str:
    import unicodedata

    return unicodedata.name(char, "(unnamed character)")
