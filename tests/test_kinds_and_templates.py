"""Custom kinds (any NAME.md.j2 in the template folder), `reports templates` and its --copy, the help
texts users read, the standard fonts' WinAnsi coverage in the glyph check, and located theme errors."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import reports
from reports.cli import main
from reports.fonts.winansi import winansi_characters
from reports.glyphs import check_glyphs
from reports.load import load_agreement, load_theme
from reports.paths import builtin_templates_dir
from reports.theme import DEFAULT_THEME, Fonts, Theme
from tests.conftest import MINIMAL, documents_in, docx_text, pdf_text, shipped_dict, squash

# A letter unlike the built-ins: its own layout, a built-in partial imported, data fields of its own.
LETTER = """\
{% import "partials/macros.md.j2" as m %}
{% set title = "Letter on " ~ data.title %}
{% set date = data.agreement.signed %}
{% set parties = data.parties | map("party_label") | list %}
{% set source_line = "" %}
{% include "partials/front-matter.md.j2" %}

Dear {{ data.parties[0] | party_label }},

We write about the agreement signed on {{ data.agreement.signed | longdate }} by
{{ m.party_names(data.parties) | markdown }}.

Yours faithfully,

Letter-closing-mark
"""


def _letter_folder(root: Path) -> Path:
    folder = root / "mine"
    folder.mkdir()
    (folder / "letter.md.j2").write_text(LETTER, "utf-8")
    return folder


def _data(root: Path) -> Path:
    data = shipped_dict()
    data["id"] = "harbour-pact"
    data["title"] = "Harbour pact of Ålesund"
    path = root / "harbour.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_the_template_guides_letter_example_works_end_to_end(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _letter_folder(tmp_path)
    data_file = _data(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    # docs/template-guide.md: `reports pdf --kind letter --template-dir mine/`
    result = runner.invoke(main, ["pdf", str(data_file), "--kind", "letter", "--template-dir", "mine/"])
    assert result.exit_code == 0, result.output
    text = squash(pdf_text((tmp_path / "out" / "harbour-pact-letter.pdf").read_bytes()))
    assert "Dear Zhejiang Provincial Government" in text
    assert "signed on 7 July 2023" in text and "Letter-closing-mark" in text
    assert "Executive summary" not in text  # the letter, not the briefing
    result = runner.invoke(main, ["docx", str(data_file), "--kind", "letter", "--template-dir", "mine"])
    assert result.exit_code == 0, result.output
    words = squash(docx_text((tmp_path / "out" / "harbour-pact-letter.docx").read_bytes()))
    assert "Dear Zhejiang Provincial Government" in words and "Letter-closing-mark" in words
    # build takes custom kinds too, beside built-in ones
    result = runner.invoke(main, ["build", str(data_file), "-d", "built", "--kind", "letter", "--kind", "memo",
                                  "--template-dir", "mine"])
    assert result.exit_code == 0, result.output
    assert documents_in(tmp_path / "built") == [
        "harbour-pact-letter.docx", "harbour-pact-letter.pdf", "harbour-pact-memo.docx", "harbour-pact-memo.pdf"]
    built = pdf_text((tmp_path / "built" / "harbour-pact-letter.pdf").read_bytes())
    assert "Letter on Harbour pact of Ålesund" in built


def test_the_python_api_renders_and_builds_a_custom_kind(tmp_path: Path) -> None:
    folder = _letter_folder(tmp_path)
    agreement = load_agreement(MINIMAL)
    data = reports.render(agreement, "letter", "pdf", template_dir=folder)
    assert "Letter-closing-mark" in pdf_text(data)
    result = reports.build([MINIMAL], tmp_path / "out", kinds=["letter"], formats=["docx"], template_dir=folder)
    assert result.ok
    [written] = documents_in(tmp_path / "out")
    assert written == f"{agreement.id}-letter.docx"
    assert "Letter-closing-mark" in docx_text((tmp_path / "out" / written).read_bytes())


@pytest.mark.parametrize("command", ["pdf", "docx", "build"])
def test_an_unknown_kind_is_a_usage_error_listing_the_kinds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            command: str) -> None:
    folder = _letter_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, [command, str(MINIMAL), "--kind", "letter"])
    assert result.exit_code == 2
    assert ("--kind letter: no template letter.md.j2 in the built-ins (available: briefing, memo); "
            "add yours with --template-dir FOLDER") in squash(result.output)
    result = runner.invoke(main, [command, str(MINIMAL), "--kind", "invoice", "--template-dir", str(folder)])
    assert result.exit_code == 2
    assert ("--kind invoice: no template invoice.md.j2 in the template folder or the built-ins "
            "(available: briefing, letter, memo)") in squash(result.output)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["../letter", "partials/macros", "Letter", "letter ", "-x", "a" * 65, ""])
def test_a_kind_must_be_a_safe_file_name_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    # A kind becomes part of output file names: partials/macros.md.j2 exists, but is not a kind.
    folder = _letter_folder(tmp_path)
    (folder / "Letter.md.j2").write_text(LETTER, "utf-8")
    monkeypatch.chdir(tmp_path)
    for command in ("pdf", "build"):
        result = CliRunner().invoke(main, [command, str(MINIMAL), "--kind", kind, "--template-dir", str(folder)])
        assert result.exit_code == 2, result.output
        assert f"--kind {kind}: not a kind name" in result.output
    assert not (tmp_path / "out").exists()


def test_templates_lists_kinds_partials_and_where_each_comes_from(tmp_path: Path) -> None:
    folder = _letter_folder(tmp_path)
    (folder / "memo.md.j2").write_text("# My memo\n", "utf-8")
    (folder / "partials").mkdir()
    (folder / "partials" / "macros.md.j2").write_text("", "utf-8")
    (folder / "Draft Letter.md.j2").write_text("", "utf-8")
    builtin = builtin_templates_dir()
    result = CliRunner().invoke(main, ["templates", "--template-dir", str(folder)])
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    kinds = lines[lines.index("Kinds (build one with --kind NAME):") + 1:
                  lines.index("Partials (included or imported by the kinds):")]
    assert kinds == [
        f"briefing built-in {builtin / 'briefing.md.j2'}",
        f"letter yours {folder / 'letter.md.j2'}",
        f"memo yours {folder / 'memo.md.j2'} (overrides the built-in {builtin / 'memo.md.j2'})",
    ]
    assert (f"partials/macros.md.j2 yours {folder / 'partials' / 'macros.md.j2'} "
            f"(overrides the built-in {builtin / 'partials' / 'macros.md.j2'})") in lines
    assert f"partials/front-matter.md.j2 built-in {builtin / 'partials' / 'front-matter.md.j2'}" in lines
    assert any(line.startswith("Draft Letter.md.j2 yours") and "(not a kind:" in line for line in lines)
    assert f"reference.docx built-in {builtin / 'reference.docx'}" in lines
    for line in lines:  # every built-in path printed is a real file
        if line.split(" ")[1:2] == ["built-in"]:
            assert Path(line.split(" built-in ")[1]).is_file()


def test_templates_copy_writes_the_built_ins_and_never_overwrites_unasked(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "edit" / "here"
    result = runner.invoke(main, ["templates", "--copy", str(target)])
    assert result.exit_code == 0, result.output
    builtin = builtin_templates_dir()
    copied = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert copied == sorted(p.relative_to(builtin).as_posix() for p in builtin.rglob("*.md.j2"))
    assert "reference.docx" not in copied
    for name in copied:
        assert (target / name).read_bytes() == (builtin / name).read_bytes()
    # An edited copy is kept: a second copy refuses, names the file, writes nothing.
    (target / "memo.md.j2").write_text("# edited\n", "utf-8")
    (target / "briefing.md.j2").unlink()
    result = runner.invoke(main, ["templates", "--copy", str(target)])
    assert result.exit_code == 2
    assert "memo.md.j2" in result.output and "use --force" in result.output
    assert (target / "memo.md.j2").read_text("utf-8") == "# edited\n"
    assert not (target / "briefing.md.j2").exists()
    result = runner.invoke(main, ["templates", "--copy", str(target), "--force", "--with-reference"])
    assert result.exit_code == 0, result.output
    assert (target / "memo.md.j2").read_bytes() == (builtin / "memo.md.j2").read_bytes()
    assert (target / "reference.docx").read_bytes() == (builtin / "reference.docx").read_bytes()
    # The copy is a working template folder.
    out = tmp_path / "memo.pdf"
    result = runner.invoke(main, ["pdf", str(MINIMAL), "--kind", "memo", "--template-dir", str(target), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "MEMORANDUM" in pdf_text(out.read_bytes()).replace(" ", "")


def test_templates_copy_refuses_a_file_as_the_folder(tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("keep", "utf-8")
    result = CliRunner().invoke(main, ["templates", "--copy", str(file)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert file.read_text("utf-8") == "keep"


def test_help_is_written_for_users() -> None:
    runner = CliRunner()
    top = runner.invoke(main, ["--help"]).output
    for developer_note in ("``", "ReportsError", "click commands", "import"):
        assert developer_note not in top
    assert "reports build" in top and "Exit codes:" in top and "2    usage errors" in top
    helps = {name: squash(runner.invoke(main, [name, "--help"]).output) for name in main.commands}
    assert "--reference-docx" not in helps["pdf"]
    assert "--reference-docx FILE" in helps["docx"] and "--reference-docx FILE" in helps["build"]
    for name, text in helps.items():
        assert "``" not in text and "ReportsError" not in text, name
    assert "--kind KIND" in helps["pdf"] and "NAME.md.j2" in helps["pdf"]
    result = runner.invoke(main, ["pdf", "--reference-docx", "x.docx"])
    assert result.exit_code == 2 and "No such option '--reference-docx'" in result.output
    # The command list shows each command's whole summary line, not a cut one.
    assert "..." not in top.split("Commands:")[1]


# --------------------------------------------------------------------------- glyphs


def test_winansi_is_the_standard_fonts_character_set() -> None:
    covered = winansi_characters()
    for char in "–—‘’“”‚„•…€™†‡‰‹›ŒœŠšŽžŸƒˆ˜" + "AzÀÿ£§":
        assert ord(char) in covered, char
    for char in "ŁłĀ≤Ω→":
        assert ord(char) not in covered, char
    assert len(covered) == 217  # 95 ASCII + 95 of Latin-1 (no-break space draws as a space) + 27 more


@pytest.mark.parametrize("body,heading", [("Times-Roman", "Helvetica"), ("Courier", "Times-Roman"),
                                          ("Helvetica", "Source Sans Pro")])
def test_the_glyph_check_knows_what_the_standard_fonts_draw(body: str, heading: str) -> None:
    data = shipped_dict()
    data["summary"] = "Costs – about €5 “quoted” • item… ‘x’ — y; Œuvre™ and Łódź"
    from reports.model import Agreement

    agreement = Agreement.model_validate(data)
    theme = Theme(fonts=Fonts(body=body, heading=heading))
    problems = check_glyphs(agreement, theme, source="d.yaml")
    codes = [(p.field, re.search(r"U\+[0-9A-F]{4,6}", p.message).group()) for p in problems]  # type: ignore[union-attr]
    assert codes == [("summary", "U+0141"), ("summary", "U+017A")]
    if heading == "Source Sans Pro":  # Source Sans draws Ł: a box only where the text is set in Helvetica
        assert problems[0].message.startswith("U+0141 LATIN CAPITAL LETTER L WITH STROKE is missing from every "
                                              "Helvetica face (the other faces draw it)"), problems[0].message
    else:
        assert problems[0].message.startswith("no configured font can draw U+0141"), problems[0].message
    assert check_glyphs(agreement, DEFAULT_THEME, source="d.yaml") == []  # Source Serif/Sans draw all


def test_a_times_pdf_draws_the_dashes_and_quotes_it_no_longer_warns_about(tmp_path: Path) -> None:
    data = shipped_dict()
    data["summary"] = "From 2023–2025 — “three years” of work costing €5m"
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    theme = tmp_path / "times.yaml"
    theme.write_text("fonts: {body: Times-Roman, heading: Helvetica}\n", "utf-8")
    out = tmp_path / "d.pdf"
    result = CliRunner().invoke(main, ["pdf", str(path), "--theme", str(theme), "--strict", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "From 2023–2025 — “three years” of work costing €5m" in squash(pdf_text(out.read_bytes()))
    from pypdf import PdfReader

    fonts = {str(f["/BaseFont"]) for page in PdfReader(io.BytesIO(out.read_bytes())).pages
             for f in page["/Resources"]["/Font"].values()}
    assert "/Times-Roman" in fonts


# --------------------------------------------------------------------------- theme files


THEME_MISTAKES = """\
page_size: A5
margins:
  top: 2
  side: 30
colours: {accent: red, text: "#12345G"}
fonts:
  body: Arial
  size: 30
"""


def test_theme_mistakes_are_located_in_the_theme_file(tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"
    theme.write_text(THEME_MISTAKES, "utf-8")
    with pytest.raises(reports.errors.ThemeError) as caught:
        load_theme(theme)
    lines = [p.format() for p in caught.value.problems]
    where = str(theme)
    assert f"{where}:1:1: page_size: expected 'A4' or 'Letter', found 'A5'" in lines
    assert f"{where}:3:3: margins.top: expected a margin between 5 and 80 (millimetres), found 2" in lines
    assert f"{where}:4:3: margins.side: unknown field; expected one of: top, bottom, left, right" in lines
    assert any(line.startswith(f"{where}:5:") and "colours.accent: expected a colour as #RRGGBB" in line
               and "'red'" in line for line in lines)
    assert any("colours.text: expected a colour as #RRGGBB" in line and "'#12345G'" in line for line in lines)
    assert any(line.startswith(f"{where}:7:3: fonts.body: unknown font family 'Arial'") for line in lines)
    assert f"{where}:8:3: fonts.size: expected a body size between 7 and 16 (points), found 30" in lines
    assert len(lines) == 7


def test_a_theme_mistake_stops_the_command_before_any_document(tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"
    theme.write_text("margins: 20\n", "utf-8")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["pdf", str(MINIMAL), "--theme", str(theme), "-o", str(out)])
    assert result.exit_code == 1
    assert "theme.yaml:1:1: margins: expected a mapping" in result.output
    assert not out.exists()


def test_the_theme_guides_example_loads_and_reaches_the_pdf(tmp_path: Path) -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "theme-guide.md").read_text("utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    folder = tmp_path / "brand"
    folder.mkdir()
    from PIL import Image

    Image.new("RGB", (40, 20), (122, 31, 43)).save(folder / "logo.png")
    (folder / "theme.yaml").write_text(example, "utf-8")
    theme = load_theme(folder / "theme.yaml")
    assert theme.page_size == "Letter" and theme.colours.accent == "#7A1F2B"
    assert theme.margins.left == 25 and theme.fonts.size == 11
    assert theme.logo == (folder / "logo.png").resolve()
    data = reports.render(load_agreement(MINIMAL), "briefing", "pdf", theme=theme)
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


@pytest.mark.parametrize("kind", ["partials/macros", "../memo", "Memo", "letter"])
def test_the_python_api_check_refuses_what_is_not_a_kind(kind: str) -> None:
    from reports.kinds import require_kind

    with pytest.raises(reports.errors.TemplateError) as caught:
        require_kind(kind)
    assert caught.value.format_message().startswith(f"kind {kind}: ")
    require_kind("memo")  # a kind that exists passes
