"""Warnings a build can give (undrawable characters, unsupported markup), --strict, and theme files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reports.cli import main
from reports.errors import RenderError, ThemeError
from reports.load import load_theme
from reports.model import Agreement
from reports.pipeline import Options, render
from tests.conftest import SHIPPED, pdf_text, shipped_dict
from tests.writers.test_pdf import _png


def _data_file(tmp_path: Path, **changes: object) -> Path:
    data = shipped_dict()
    data.update(changes)
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


@pytest.mark.parametrize(("text", "code"), [("Deal 😀", "U+1F600"), ("اتفاق", "U+0627"), ("𠀀", "U+20000")])
def test_undrawable_character_is_a_warning_naming_field_and_code_point(text: str, code: str) -> None:
    data = shipped_dict()
    data["subtitle"] = text
    result = render(Agreement.model_validate(data), "briefing", "pdf", source="deal.yaml")
    messages = [p.format() for p in result.warnings]
    assert any(m.startswith("deal.yaml: subtitle: no configured font can draw " + code) for m in messages), messages
    assert pdf_text(result.data)  # the document is still made


def _glyph_messages(subtitle: str) -> list[str]:
    from reports.glyphs import check_glyphs
    from reports.theme import DEFAULT_THEME

    data = shipped_dict()
    data["subtitle"] = subtitle
    return [p.message for p in check_glyphs(Agreement.model_validate(data), DEFAULT_THEME, source="deal.yaml")]


def test_a_mark_the_faces_draw_is_placed_without_a_warning_and_a_letter_the_italic_lacks_is_named() -> None:
    # ọ̀ is ọ (U+1ECD) + U+0300: the grave is placed over the o by shaping, so it is no warning; ọ itself is
    # drawn by every face but Source Serif Pro's italics, where (and only where) it prints as a box.
    messages = _glyph_messages("Adébáyọ̀ of Ọ̀yọ́")
    assert not [m for m in messages if "COMBINING" in m], messages
    assert messages == [
        f"U+{code} LATIN {case} LETTER O WITH DOT BELOW is missing from Source Serif Pro italic and bold italic "
        "(the other faces draw it): where it is set in those, the PDF prints it as a box (its text still reads "
        "as the character)" for code, case in (("1ECD", "SMALL"), ("1ECC", "CAPITAL"))]


def test_without_uharfbuzz_a_mark_is_said_to_stand_beside_its_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.fonts.shaping as shaping

    monkeypatch.setattr(shaping, "available", lambda: False)
    messages = _glyph_messages("Adébáyọ̀")
    assert "U+0300 COMBINING GRAVE ACCENT is set beside the letter before it, not over or under it: uharfbuzz, " \
           "which places combining marks, is not installed" in messages, messages


def test_strict_makes_glyph_warnings_errors(tmp_path: Path) -> None:
    path = _data_file(tmp_path, subtitle="Deal 😀")
    out = tmp_path / "out"
    relaxed = CliRunner().invoke(main, ["build", str(path), "-d", str(out)])
    assert relaxed.exit_code == 0
    assert f"{path}: warning: subtitle: no configured font can draw U+1F600 GRINNING FACE" in relaxed.output
    strict = CliRunner().invoke(main, ["build", str(path), "-d", str(tmp_path / "strict"), "--strict"])
    assert strict.exit_code == 1
    assert "U+1F600" in strict.output
    assert not (tmp_path / "strict").exists() or not list((tmp_path / "strict").iterdir())


def test_template_warning_names_template_and_line(tmp_path: Path, shipped: Agreement) -> None:
    (tmp_path / "briefing.md.j2").write_text("---\ntitle: x\n---\n\n# A\n\n#### Too deep\n")
    result = render(shipped, "briefing", "pdf", Options(template_dir=tmp_path))
    assert [p.format() for p in result.warnings] == [
        f"{tmp_path / 'briefing.md.j2'}:7: heading level 4 is deeper than 3; shown as level 3"]
    with pytest.raises(RenderError):
        render(shipped, "briefing", "pdf", Options(template_dir=tmp_path, strict=True))


# --------------------------------------------------------------------------- themes


def _theme(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "theme.yaml"
    path.write_text(text, "utf-8")
    return path


def test_theme_changes_page_size_colours_and_labels(tmp_path: Path, shipped: Agreement) -> None:
    _png(tmp_path / "logo.png", 40, 20)
    theme = load_theme(_theme(tmp_path, "page_size: Letter\ncolours: {accent: '#7A1F2B'}\n"
                                        "organisation: Department of Trade\nlogo: logo.png\n"))
    data = render(shipped.model_copy(update={"memo": None}), "briefing", "pdf", Options(theme=theme)).data
    import io

    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    assert "DEPARTMENT OF TRADE" in pdf_text(data)
    assert b"/Subtype /Image" in data


@pytest.mark.parametrize(("text", "message"), [
    ("page_size: A3\n", "theme.yaml:1:1: page_size: expected 'A4' or 'Letter', found 'A3'"),
    ("colours: {accent: red}\n", "colours.accent"),
    ("colour: {}\n", "colour: unknown field; did you mean 'colours'?"),
    ("logo: missing.png\n", "logo: logo file not found"),
    ("logo: /etc/passwd\n", "logo: must be a path relative to the theme file"),
    ("logo: ../outside.png\n", "logo: must stay inside the theme's folder"),
    ("logo: fake.png\n", "logo: fake.png is not a PNG or JPEG image"),
    ("fonts: {body: Papyrus}\n", "unknown font family 'Papyrus'"),
])
def test_bad_theme_gets_a_located_message(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "fake.png").write_text("not an image")
    path = _theme(tmp_path, text)
    result = CliRunner().invoke(main, ["build", str(SHIPPED), "-d", str(tmp_path / "out"), "--theme", str(path)])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_theme_file(tmp_path: Path) -> None:
    with pytest.raises(ThemeError, match="file not found"):
        load_theme(tmp_path / "nope.yaml")
