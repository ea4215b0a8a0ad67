"""The theme: page set-up, fonts, colours, logo and labels shared by every writer.

Loaded once per build (defaults plus an optional YAML file) and passed to writers as one object, like
pandoc's WriterOptions. Writers never read files other than the ones the theme names.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from reports.fonts.names import CJK_FAMILIES, LATIN_FAMILIES

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def _colour(value: str) -> str:
    if not _COLOUR.fullmatch(value):
        raise ValueError(f"expected a colour as #RRGGBB (six hex digits, e.g. #1F3A5F), found {value!r}")
    return value


# The pattern is kept for the JSON Schema; the validator gives a message a person can act on.
Colour = Annotated[str, AfterValidator(_colour), StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]


class Margins(BaseModel):
    """Page margins in millimetres."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    top: float = Field(default=20, ge=5, le=80, description="Top margin (mm).")
    bottom: float = Field(default=20, ge=5, le=80, description="Bottom margin (mm).")
    left: float = Field(default=22, ge=5, le=80, description="Left margin (mm).")
    right: float = Field(default=22, ge=5, le=80, description="Right margin (mm).")

    @field_validator("top", "bottom", "left", "right", mode="before")
    @classmethod
    def _in_range(cls, value: object) -> object:
        # Before pydantic's own bounds check, so that the message names the unit.
        if isinstance(value, int | float) and not isinstance(value, bool) and not 5 <= value <= 80:
            raise ValueError(f"expected a margin between 5 and 80 (millimetres), found {value}")
        return value


class Colours(BaseModel):
    """The palette: one restrained accent, everything else dark."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    accent: Colour = Field(default="#1F3A5F", description="Rules, table header rows, the title block.")
    text: Colour = Field(default="#1A1A1A", description="Body text.")
    muted: Colour = Field(default="#5B6470", description="Secondary text: header, footer, captions.")
    rule: Colour = Field(default="#C9CED6", description="Light rules between table rows.")
    zebra: Colour = Field(default="#F3F5F8", description="Shading of alternate table rows and key facts.")
    header_text: Colour = Field(default="#FFFFFF", description="Text on the accent colour.")




class Fonts(BaseModel):
    """Type families. The defaults ship with the tool (Source Serif / Source Sans, SIL OFL)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    body: str = Field(default="Source Serif Pro", min_length=1, description="Body text family.")
    heading: str = Field(default="Source Sans Pro", min_length=1, description="Headings, tables, labels.")
    cjk: str = Field(
        default="STSong-Light",
        min_length=1,
        description="Face for Chinese, Japanese and Korean text: a TrueType/OpenType file or family name, or a "
                    "CID font name (STSong-Light, the default) for the best face found on the machine.",
    )
    size: float = Field(default=10.5, ge=7, le=16, description="Body size in points.")

    @field_validator("size", mode="before")
    @classmethod
    def _size_in_range(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool) and not 7 <= value <= 16:
            raise ValueError(f"expected a body size between 7 and 16 (points), found {value}")
        return value

    @field_validator("body", "heading")
    @classmethod
    def _known_family(cls, value: str) -> str:
        if value not in LATIN_FAMILIES:
            raise ValueError(f"unknown font family {value!r}; known: {', '.join(LATIN_FAMILIES)}")
        return value

    @field_validator("cjk")
    @classmethod
    def _known_cjk(cls, value: str, info: ValidationInfo) -> str:
        # A CID font name means "no preference": the best embeddable face on the machine, that CID font
        # when there is none. Anything else names a font file (taken inside the theme file's folder) or
        # a family, which must be usable here.
        from reports.errors import ThemeError
        from reports.fonts.cjk import find_cjk_face, is_font_path

        if value in CJK_FAMILIES:
            return value
        context = info.context if isinstance(info.context, dict) else {}
        if (is_font_path(value) or value.startswith("~")) and "base" in context:
            # Read from a theme file: the font must lie in that file's folder (a shared theme must not
            # embed a file from anywhere on the machine). A family name is no path and stays a lookup.
            value = _font_inside(context["base"], value)
        try:
            find_cjk_face(value)
        except ThemeError as exc:
            raise ValueError(exc.problems[0].message if exc.problems else str(exc)) from None
        return value


def _font_inside(base: Path | None, value: str) -> str:
    """The real path of the theme's font file ``value``, opened inside ``base`` (``reports.safe_open``).

    An outside path gets one message whether or not it exists: it is refused before anything is looked at.
    """
    from reports import safe_open

    outside = (f"CJK font {value!r}: a font file must lie inside the theme's folder (a relative path, no "
               "'..', '~' or link out of it); or give a family name")
    if base is None:
        raise ValueError(f"CJK font {value!r}: a theme read from standard input cannot name a font file; "
                         "give a family name")
    relative: str | list[str] = value
    if os.path.isabs(value):  # an absolute path is fine when it names a file in the theme's folder
        absolute = os.path.normpath(value)
        for form in (os.path.realpath(base), os.path.abspath(base)):
            if absolute.startswith(form.rstrip(os.sep) + os.sep):
                relative = absolute[len(form.rstrip(os.sep)) + 1:]
                break
        else:
            raise ValueError(outside)
    try:
        fd, real = safe_open.open_inside(base, relative)
        os.close(fd)
    except safe_open.Refused as exc:
        if exc.kind == "outside":
            raise ValueError(outside) from None
        if exc.kind == "hardlink":
            raise ValueError(f"CJK font {value!r} {exc}") from None
        # Missing, a FIFO, a folder: the path is inside, so the font check says what is wrong with it.
        return os.path.join(os.path.realpath(base), *safe_open.split_relative(relative))
    return real


class Theme(BaseModel):
    """Everything about how documents look, as opposed to what they say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    page_size: Literal["A4", "Letter"] = Field(default="A4", description="Paper size.")
    margins: Margins = Field(default_factory=Margins, description="Page margins.")
    colours: Colours = Field(default_factory=Colours, description="Colour palette.")
    fonts: Fonts = Field(default_factory=Fonts, description="Type families and body size.")
    logo: Path | None = Field(
        default=None, description="A PNG or JPEG logo for the title block, relative to the theme file.")
    logo_width_mm: float = Field(default=30, gt=0, le=120, description="Width of the logo (mm).")
    classification: str | None = Field(
        default=None,
        description="Protective marking (e.g. 'OFFICIAL') for data that has none of its own: the data's "
                    "memo.classification is the document's own and wins (with a warning when they differ), and "
                    "the command line's --classification wins over both.",
    )
    organisation: str | None = Field(
        default=None, description="Organisation name shown in the footer and above a memo, for data whose memo "
                                  "section names none (the data's wins, with a warning when they differ).")
    watermark: str | None = Field(
        default=None, max_length=60,
        description="A mark such as 'DRAFT' set large and light behind the text of every page "
                    "(PDF and Word); the command line's --watermark overrides it.",
    )
    base_dir: Path | None = Field(
        default=None, exclude=True, description="Folder the theme file was read from (set by the loader).")
    source: Path | None = Field(
        default=None, exclude=True, description="The theme file itself, for messages (set by the loader).")

    @field_validator("classification", "organisation", "watermark")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


DEFAULT_THEME = Theme()
