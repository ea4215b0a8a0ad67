"""Trust nothing a file says about itself: the file-reading half of the issue.

A folder swapped for a link while a template is read, hard links in a template, theme or catalogue
folder, and a theme's font file outside its folder. Every assertion reads what the tool printed or
wrote.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reports import safe_open
from reports.cli import main
from reports.compose import environment, render_markdown
from reports.errors import ReportsError, TemplateError, ThemeError
from reports.load import load_agreement, load_theme
from reports.model import Agreement
from tests.catalogue_case import SECRET

RACE_SECONDS = 3.0


def _template_folder(root: Path) -> tuple[Path, Path]:
    folder = root / "T"
    (folder / "sub").mkdir(parents=True)
    (folder / "memo.md.j2").write_text('# Memo\n\n{% include "sub/part.md.j2" %}\n', encoding="utf-8")
    (folder / "sub" / "part.md.j2").write_text("Inside the folder.\n", encoding="utf-8")
    outside = root / "outside"
    outside.mkdir()
    (outside / "part.md.j2").write_text(f"{SECRET}\n", encoding="utf-8")
    return folder, outside


def test_a_sub_folder_swapped_for_a_link_while_rendering_never_lets_the_outside_in(
        tmp_path: Path, shipped: Agreement) -> None:
    # The race of the issue: realpath said "inside", then the folder became a link before the open.
    # Each render must end in the document from inside the folder or in one located message.
    folder, outside = _template_folder(tmp_path)
    stop = threading.Event()
    swaps = 0

    def swap() -> None:
        nonlocal swaps
        sub, kept = folder / "sub", folder / "sub.kept"
        while not stop.is_set():
            os.rename(sub, kept)
            os.symlink(outside, sub)
            os.unlink(sub)
            os.rename(kept, sub)
            swaps += 1

    thread = threading.Thread(target=swap, daemon=True)
    renders, refusals = 0, 0
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: the swap lands between any two steps
    thread.start()
    try:
        deadline = time.monotonic() + RACE_SECONDS
        while time.monotonic() < deadline:
            environment.cache_clear()  # compile again: every render reads the files afresh
            try:
                text, _ = render_markdown(shipped, "memo", template_dir=folder)
            except ReportsError as exc:
                message = exc.format_message()
                assert SECRET not in message
                assert len(exc.problems) == 1 and exc.problems[0].file, message
                assert exc.problems[0].file.startswith(str(folder)), message
                refusals += 1
            else:
                assert SECRET not in text
                assert "Inside the folder." in text
                renders += 1
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)
        environment.cache_clear()
    assert swaps > 10 and renders + refusals > 10, (swaps, renders, refusals)


def test_a_hard_link_in_a_template_folder_is_refused(tmp_path: Path, shipped: Agreement) -> None:
    folder, outside = _template_folder(tmp_path)
    os.link(outside / "part.md.j2", folder / "linked.md.j2")  # its other name lies outside: nothing says so
    (folder / "memo.md.j2").write_text('# Memo\n\n{% include "linked.md.j2" %}\n', encoding="utf-8")
    environment.cache_clear()
    with pytest.raises(TemplateError) as info:
        render_markdown(shipped, "memo", template_dir=folder)
    message = info.value.format_message()
    assert "memo.md.j2:3: 'linked.md.j2' is a hard link" in message, message
    assert SECRET not in message
    # The variant: the template itself is the hard link (no including line to name).
    (folder / "memo.md.j2").unlink()
    os.link(folder / "linked.md.j2", folder / "memo.md.j2")
    environment.cache_clear()
    with pytest.raises(TemplateError) as info:
        render_markdown(shipped, "memo", template_dir=folder)
    assert "'memo.md.j2' is a hard link" in info.value.format_message()
    environment.cache_clear()


def test_a_link_inside_the_folder_is_still_followed(tmp_path: Path, shipped: Agreement) -> None:
    # Relative and absolute links that stay inside, and a link whose ".." steps out and back in.
    folder, _ = _template_folder(tmp_path)
    (folder / "memo.md.j2").write_text('{% include "a.md.j2" %}{% include "b/part.md.j2" %}'
                                       '{% include "c/part.md.j2" %}', encoding="utf-8")
    os.symlink("sub/part.md.j2", folder / "a.md.j2")
    os.symlink(folder / "sub", folder / "b")
    os.symlink("../T/sub", folder / "c")
    environment.cache_clear()
    text, _ = render_markdown(shipped, "memo", template_dir=folder)
    environment.cache_clear()
    assert text.count("Inside the folder.") == 3, text


@pytest.mark.parametrize("by_descriptor", [True, False], ids=["dir_fd", "whole-path (no dir_fd, Windows)"])
def test_safe_open_refuses_every_way_out_alike(tmp_path: Path, by_descriptor: bool,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_open, "_BY_DESCRIPTOR", by_descriptor)
    folder, outside = _template_folder(tmp_path)
    fd, real = safe_open.open_inside(folder, "sub/part.md.j2")
    assert safe_open.read_fd(fd, 100) == b"Inside the folder.\n" and real == str(folder / "sub" / "part.md.j2")
    os.symlink(outside, folder / "out")
    os.symlink(tmp_path / "nowhere", folder / "gone")
    for relative in ("../outside/part.md.j2", "out/part.md.j2", "out/missing.md.j2", "gone/x", "/etc/passwd",
                     "~/x", str(outside / "part.md.j2")):
        with pytest.raises(safe_open.Refused) as info:
            safe_open.open_inside(folder, relative)
        assert info.value.kind == "outside", relative
    with pytest.raises(safe_open.Refused) as info:
        safe_open.open_real(folder / "out" / "part.md.j2")  # a real path holds no link
    assert info.value.kind == "outside"


# --------------------------------------------------------------------------- the theme's font and logo


def _theme(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "theme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _theme_message(path: Path) -> str:
    with pytest.raises(ThemeError) as info:
        load_theme(path)
    return info.value.format_message()


@pytest.mark.parametrize("value", ["../outside/font.ttf", "../outside/missing.ttf", "{outside}/font.ttf",
                                   "{outside}/missing.ttf", "~/font.ttf", "/etc/passwd.ttf",
                                   "linked/font.ttf", "linked/missing.ttf"])
def test_a_font_outside_the_theme_folder_gets_one_message_whether_or_not_it_exists(tmp_path: Path,
                                                                                   value: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "font.ttf").write_bytes(b"\x00\x01\x00\x00" + SECRET.encode())
    theme_dir = tmp_path / "theme"
    theme_dir.mkdir()
    os.symlink(outside, theme_dir / "linked")
    path = _theme(theme_dir, f"fonts:\n  cjk: {value.format(outside=outside)}\n")
    message = _theme_message(path)
    assert "theme.yaml:2:3: fonts.cjk: CJK font" in message, message
    assert "a font file must lie inside the theme's folder" in message, message
    assert "not found" not in message and SECRET not in message


def test_a_hard_linked_font_or_logo_in_the_theme_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "font.ttf").write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 64)
    theme_dir = tmp_path / "theme"
    theme_dir.mkdir()
    os.link(outside / "font.ttf", theme_dir / "font.ttf")
    message = _theme_message(_theme(theme_dir, "fonts:\n  cjk: font.ttf\n"))
    assert "fonts.cjk: CJK font 'font.ttf' is a hard link" in message, message
    shutil.copy(Path(__file__).parent.parent / "docs" / "example-theme" / "logo.png", outside / "logo.png")
    os.link(outside / "logo.png", theme_dir / "logo.png")
    message = _theme_message(_theme(theme_dir, "logo: logo.png\n"))
    assert "theme.yaml: logo: logo file logo.png is a hard link" in message, message


def test_a_logo_linked_out_of_the_theme_folder_is_refused_alike(tmp_path: Path) -> None:
    theme_dir = tmp_path / "theme"
    theme_dir.mkdir()
    os.symlink(tmp_path / "outside", theme_dir / "pictures")
    for value in ("pictures/logo.png", "pictures/missing.png", "../outside/logo.png"):
        message = _theme_message(_theme(theme_dir, f"logo: {value}\n"))
        assert "logo: must stay inside the theme's folder" in message, message


def test_a_catalogue_hard_link_is_refused_by_the_command_line(tmp_path: Path) -> None:
    folder, outside = _template_folder(tmp_path)
    catalogue = folder / "locales" / "de" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    (outside / "messages.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    os.link(outside / "messages.po", catalogue / "messages.po")
    data = Path(__file__).parent.parent / "data" / "zhejiang-alibaba-2023.yaml"
    result = CliRunner().invoke(main, ["pdf", str(data), "--kind", "memo", "--lang", "de", "--template-dir",
                                       str(folder), "-o", str(tmp_path / "out.pdf")])
    environment.cache_clear()
    assert result.exit_code == 1, result.output
    assert "messages.po: message catalogue is a hard link" in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "out.pdf").exists()


# --------------------------------------------------------------------------- the manifest's place


def test_the_manifest_is_refused_over_a_built_in_template_the_font_and_a_catalogue(tmp_path: Path) -> None:
    from reports.errors import OutputError
    from reports.manifest import refuse_manifest_target
    from reports.paths import builtin_templates_dir
    from reports.pipeline import Options
    from reports.theme import DEFAULT_THEME

    font = tmp_path / "theme" / "font.ttf"
    theme = DEFAULT_THEME.model_copy(update={"fonts": DEFAULT_THEME.fonts.model_copy(update={"cjk": str(font)})})
    folder, _ = _template_folder(tmp_path)
    options = Options(theme=theme, template_dir=folder)
    for target, what in ((builtin_templates_dir() / "memo.md.j2", "a built-in template"),
                         (builtin_templates_dir() / "locales" / "zh" / "LC_MESSAGES" / "messages.po",
                          "a built-in template"),
                         (font, "the font"),
                         (folder / "locales" / "de" / "LC_MESSAGES" / "messages.po", "a file in the template folder")):
        with pytest.raises(OutputError) as info:
            refuse_manifest_target(target, paths=[], inputs=[], out_dir=tmp_path / "out", documents=[],
                                   options=options)
        assert f"the manifest would overwrite {what}" in info.value.format_message(), target
    refuse_manifest_target(Path("-"), paths=[], inputs=[], out_dir=tmp_path / "out", documents=[], options=options)


def test_a_hard_linked_picture_in_a_template_folder_is_refused_at_its_line(tmp_path: Path) -> None:
    from tests.catalogue_images import png

    folder, outside = _template_folder(tmp_path)
    (outside / "chart.png").write_bytes(png(20, 10))
    os.link(outside / "chart.png", folder / "chart.png")
    (folder / "memo.md.j2").write_text("# Memo\n\n![chart](chart.png)\n", encoding="utf-8")
    data = Path(__file__).parent.parent / "data" / "zhejiang-alibaba-2023.yaml"
    result = CliRunner().invoke(main, ["docx", str(data), "--kind", "memo", "--template-dir", str(folder),
                                       "-o", str(tmp_path / "out.docx")])
    environment.cache_clear()
    assert result.exit_code == 1, result.output
    expected = f"memo.md.j2:3: image {folder.resolve()}/chart.png: image file is a hard link"
    assert expected in result.output, result.output
    assert not (tmp_path / "out.docx").exists()


def test_a_theme_on_standard_input_cannot_name_a_font_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys as system

    monkeypatch.setattr(system, "stdin", io.TextIOWrapper(io.BytesIO(b"fonts:\n  cjk: fonts/song.ttf\n")))
    with pytest.raises(ThemeError) as info:
        load_theme("-")
    assert "<stdin>:2:3: fonts.cjk: CJK font 'fonts/song.ttf': a theme read from standard input cannot name a " \
           "font file" in info.value.format_message(), info.value.format_message()


def test_a_font_folder_swapped_for_a_link_after_the_theme_was_checked_is_not_read(tmp_path: Path) -> None:
    # The theme's font is read again at every use (fontTools, reportlab), through reports.safe_open:
    # a folder swapped for a link to another font after the theme was loaded is refused, never embedded.
    from reports.fonts import cjk
    from reports.pipeline import Options, render
    from tests.conftest import SHIPPED
    from tests.writers.test_cjk_fonts import cff_font

    theme_dir = tmp_path / "theme"
    (theme_dir / "fonts").mkdir(parents=True)
    # the face draws the parties' names (and 中文, which a face must have to be taken for Chinese):
    # characters a face lacks are set in the stand-in, not in it
    names = "中文浙江省人民政府阿里巴集团"
    cff_font(theme_dir / "fonts" / "song.otf", family="Theme Song", chars=names)
    outside = tmp_path / "outside"
    outside.mkdir()
    cff_font(outside / "song.otf", family="Outside Song", chars=names)
    theme = load_theme(_theme(theme_dir, "fonts:\n  cjk: fonts/song.otf\n"))
    agreement = load_agreement(SHIPPED)  # prints the parties' Chinese names
    cjk.clear_cache()
    try:
        before = render(agreement, "memo", "pdf", Options(theme=theme, timeout=None), source="deal.yaml").data
        assert b"ThemeSong" in before or b"Theme Song" in before or b"CJK-ThemeSong" in before
        cjk.clear_cache()  # a new process, or a watch after the fonts were read: nothing remembered
        shutil.rmtree(theme_dir / "fonts")
        os.symlink(outside, theme_dir / "fonts")
        with pytest.raises(ThemeError) as refused:
            render(agreement, "memo", "pdf", Options(theme=theme, timeout=None), source="deal.yaml")
        assert "CJK font" in refused.value.format_message()
    finally:
        cjk.clear_cache()
