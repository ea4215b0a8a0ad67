"""Characters the configured fonts cannot draw: found in the data before rendering, reported by field.

A character a face lacks is set in the stand-in face (``reports.fonts.standin``): it prints as an empty
box (the text behind it is still the character, for a screen reader or a copy), which shows something
other than the data; so the build names the file, the field, the character (U+XXXX) and the faces that
lack it (a letter the roman face draws and the italic does not prints as a box only where the document
sets it in italic), and ``--strict`` turns that into an error.
A combining mark a face draws is placed over or under its letter by shaping (``reports.fonts.shaping``):
no warning, unless uharfbuzz, which shapes, is missing, when the mark is set beside its letter.
The standard PDF fonts (Helvetica, Times-Roman, Courier) draw the whole WinAnsi set (dashes, curly
quotes, the bullet, the euro sign ...), not Latin-1 alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from reports.errors import Problem
from reports.fonts.names import STANDARD_FAMILIES
from reports.model import Agreement
from reports.theme import Theme

_READS = "(its text still reads as the character)"
_STYLES = (("regular", "regular"), ("bold", "bold"), ("italic", "italic"), ("bold_italic", "bold italic"))


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
    """Return one warning per field and character that some face of the theme's fonts cannot draw, and
    per combining mark that would be set beside its letter (shaping unavailable)."""
    from reports.fonts.faces import missing_glyphs

    problems: list[Problem] = []
    dumped = agreement.model_dump(mode="json", by_alias=True, exclude_none=True)
    for path, text in text_fields(dumped):
        if text.isascii():  # the Latin fonts cover ASCII; skip the common case cheaply
            continue
        missing = missing_glyphs(text, theme.fonts)
        for char in missing:
            message = _lacking_message(char, theme)
            if message:
                problems.append(Problem(file=source, field=path, message=message))
        for char in _unplaced_marks(text, missing, theme):
            problems.append(Problem(file=source, field=path, message=(
                f"U+{ord(char):04X} {_char_name(char)} is set beside the letter before it, not over or under "
                "it: uharfbuzz, which places combining marks, is not installed")))
    return problems


def _lacking_message(char: str, theme: Theme) -> str:
    """What becomes of ``char`` in the faces of the body and heading families that lack it ("" if none)."""
    faces = _faces(theme)
    lacking: dict[str, list[str]] = {}
    for name, style, codes in faces:
        if ord(char) not in codes:
            lacking.setdefault(name, []).append(style)
    if not lacking:
        return ""
    what = f"U+{ord(char):04X} {_char_name(char)}"
    # The standard fonts draw a box of their own, which reads as nothing.
    box = "a box" if set(lacking) & set(STANDARD_FAMILIES) else f"a box {_READS}"
    if sum(map(len, lacking.values())) == len(faces):
        return f"no configured font can draw {what}; the PDF prints it as {box}"
    where = [f"every {name} face" if len(styles) == len(_STYLES) else f"{name} {_joined(styles)}"
             for name, styles in lacking.items()]
    return (f"{what} is missing from {_joined(where)} (the other faces draw it): where it is set in those, "
            f"the PDF prints it as {box}")


def _unplaced_marks(text: str, missing: list[str], theme: Theme) -> list[str]:
    # The marks the faces draw are placed by shaping; without uharfbuzz they stand beside their letter.
    from reports.fonts.shaping import available

    if available():
        return []
    marks = dict.fromkeys(c for c in text if unicodedata.category(c).startswith("M") and c not in missing)
    return [c for c in marks if any(ord(c) in codes for *_, codes in _faces(theme))]


def _faces(theme: Theme) -> tuple[tuple[str, str, frozenset[int]], ...]:
    return _faces_of(theme.fonts.body, theme.fonts.heading)


@lru_cache(maxsize=16)
def _faces_of(body: str, heading: str) -> tuple[tuple[str, str, frozenset[int]], ...]:
    """Each face of the body and heading families (family, style: "Source Serif Pro", "italic") and what
    it draws."""
    from reportlab.pdfbase import pdfmetrics

    from reports.fonts.faces import family
    from reports.fonts.winansi import winansi_characters

    faces: list[tuple[str, str, frozenset[int]]] = []
    for name in dict.fromkeys((body, heading)):
        if name in STANDARD_FAMILIES:
            faces += [(name, style, winansi_characters()) for _, style in _STYLES]
            continue
        found = family(name)
        for attribute, style in _STYLES:
            face = pdfmetrics.getFont(getattr(found, attribute)).face
            faces.append((name, style, frozenset(face.charToGlyph)))
    return tuple(faces)


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _char_name(char: str) -> str:
    return unicodedata.name(char, "(unnamed character)")
