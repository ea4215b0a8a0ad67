"""Protective markings: the data's marking is the document's own, a theme's is a default, the command line
chooses; the winner is read back from the top and the foot of every page of both formats, whole.

Markings, organisations and themes are generated (tests/strategies.py: ``markings``, ``organisations``);
the pages are read with pdftotext cropped to the top and bottom margins, and the DOCX's headers and footers
as Word picks them for the first, odd and even pages (tests/markings_read.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reports.cli import main
from reports.errors import RenderError
from reports.model import Agreement
from reports.pipeline import Options, render_formats
from reports.theme import Margins, Theme
from tests import strategies
from tests.conftest import shipped_dict
from tests.markings_read import docx_stories, pdf_bands, squash

EXAMPLES = max(4, int(os.environ.get("REPORTS_HYPOTHESIS_EXAMPLES", "200")) // 20)
# Each example renders two documents: a failure is reported as drawn, without minutes of shrinking.
RENDERS = settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SEPARATOR = "  ·  "


def _agreement(shipped: Agreement, classification: str | None, organisation: str | None) -> Agreement:
    assert shipped.memo is not None
    memo = shipped.memo.model_copy(update={"classification": classification, "organisation": organisation})
    return shipped.model_copy(update={"memo": memo})


def _same(one: str, other: str) -> bool:
    return squash(one).casefold() == squash(other).casefold()


def assert_marked_everywhere(pdf: bytes, word: bytes, theme: Theme, marking: str) -> None:
    """``marking`` (as printed: upper case) at the top and the foot of every page of both formats."""
    printed = squash(marking.upper())
    for number, (top, foot) in enumerate(pdf_bands(pdf, theme), start=1):
        assert printed in squash(top), f"PDF page {number} top: {top!r}"
        assert printed in squash(foot), f"PDF page {number} foot: {foot!r}"
    for kind, (header, footer) in docx_stories(word).items():
        assert printed in squash(header), f"DOCX {kind} header: {header!r}"
        assert printed in squash(footer), f"DOCX {kind} footer: {footer!r}"


def _footer_note(word: bytes) -> str:
    """The note at the left of the DOCX's running footer (date · marking · organisation)."""
    footer = docx_stories(word)["odd"][1]
    return footer.split("\n")[-1].split("\t")[0]


# --------------------------------------------------------------------------- the rule, generated


@given(data_marking=st.none() | strategies.markings(), theme_marking=st.none() | strategies.markings(),
       chosen=st.none() | strategies.markings(), data_org=st.none() | strategies.organisations(),
       theme_org=st.none() | strategies.organisations(), kind=st.sampled_from(["briefing", "memo"]),
       page=st.sampled_from(["A4", "Letter"]), side=st.integers(12, 40))
@RENDERS
def test_the_winning_marking_is_at_the_top_and_foot_of_every_page_of_both(
        shipped: Agreement, data_marking: str | None, theme_marking: str | None, chosen: str | None,
        data_org: str | None, theme_org: str | None, kind: str, page: str, side: int) -> None:
    agreement = _agreement(shipped, data_marking, data_org)
    theme = Theme(page_size=page, margins=Margins(left=side, right=side), classification=theme_marking,
                  organisation=theme_org)
    overrides = {"classification": chosen} if chosen else {}
    pdf, word = render_formats(agreement, kind, ("pdf", "docx"), Options(theme=theme, overrides=overrides),
                               source="deal.yaml")

    marking = chosen or data_marking or theme_marking  # the command line, then the data, then the theme
    if marking:
        assert_marked_everywhere(pdf.data, word.data, theme, marking)
    note = _footer_note(word.data)
    _assert_cut_at_a_word(note, marking, data_org or theme_org)
    assert squash(note) in squash(pdf_bands(pdf.data, theme)[0][1])  # the same note, the same cut, in the PDF

    # One warning per label that data and theme both set differently, naming both; none for a chosen one.
    warned = {p.field: p.format("warning") for p in pdf.warnings
              if p.field in ("memo.classification", "memo.organisation") and p.message.startswith("the data's")}
    expected = set()
    if data_marking and theme_marking and not chosen and not _same(data_marking, theme_marking):
        expected.add("memo.classification")
    if data_org and theme_org and not _same(data_org, theme_org):
        expected.add("memo.organisation")
    assert set(warned) == expected, warned
    for field, message in warned.items():
        own, default = (data_marking, theme_marking) if field == "memo.classification" else (data_org, theme_org)
        assert message.startswith(f"deal.yaml: warning: {field}: the data's ")
        assert own is not None and default is not None
        assert squash(own)[:30] in squash(message) and squash(default)[:30] in squash(message)


def _assert_cut_at_a_word(note: str, marking: str | None, organisation: str | None) -> None:
    """The footer's note holds the marking whole, then the organisation whole, cut after a word with "…",
    or left out."""
    parts = note.split(SEPARATOR)
    if marking:
        assert squash(marking.upper()) in [squash(p) for p in parts], note
    if not organisation or squash(parts[-1]) in (squash((marking or "").upper()), "7 July 2023"):
        return  # none, or left out for want of room
    shown, whole = squash(parts[-1]), squash(organisation)
    if shown != whole:
        assert shown.endswith("…"), (shown, whole)
        kept = shown[:-1]
        assert whole.startswith(kept) and whole[len(kept)] in " ,;:·-–—", (shown, whole)


def test_strict_refuses_a_data_and_theme_that_disagree_with_a_located_message(shipped: Agreement) -> None:
    agreement = _agreement(shipped, "Official-Sensitive", None)
    theme = Theme(classification="OFFICIAL", source=Path("brand/theme.yaml"))
    with pytest.raises(RenderError) as info:
        render_formats(agreement, "memo", ("pdf", "docx"), Options(theme=theme, strict=True), source="deal.yaml")
    assert info.value.format_message() == (
        "deal.yaml: memo.classification: the data's classification 'Official-Sensitive' differs from the theme's "
        "'OFFICIAL' (brand/theme.yaml: classification); the data's is printed (a theme's is a default for data "
        "without one): make them agree, or pass --classification to choose")
    # Chosen on the command line, the same build passes under --strict, and prints the choice.
    chosen = Options(theme=theme, strict=True, overrides={"classification": "SECRET"})
    pdf, word = render_formats(agreement, "memo", ("pdf", "docx"), chosen, source="deal.yaml")
    assert_marked_everywhere(pdf.data, word.data, theme, "SECRET")


def test_a_marking_too_wide_for_one_line_is_refused_where_it_came_from(shipped: Agreement) -> None:
    wide = "OFFICIAL-SENSITIVE " * 12
    with pytest.raises(RenderError) as info:
        render_formats(_agreement(shipped, wide, None), "memo", ("pdf",), Options(), source="deal.yaml")
    message = info.value.format_message()
    assert message.startswith("deal.yaml: memo.classification: the marking 'OFFICIAL-SENSITIVE OFFICIAL")
    assert "printed whole on one line, never cut; shorten it" in message
    with pytest.raises(RenderError) as info:
        render_formats(shipped, "memo", ("docx",), Options(overrides={"classification": wide}), source="deal.yaml")
    assert info.value.format_message().startswith("--classification: the marking ")


# --------------------------------------------------------------------------- the command line


def _files(tmp_path: Path, marking: str, theme_marking: str) -> tuple[Path, Path]:
    data = shipped_dict()
    data["memo"]["classification"] = marking
    data["memo"].pop("organisation", None)
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    theme = tmp_path / "theme.yaml"
    theme.write_text(f"classification: {theme_marking}\norganisation: Northwind Policy Unit\n", "utf-8")
    return path, theme


def test_build_warns_fails_under_strict_and_takes_classification(tmp_path: Path) -> None:
    data, theme = _files(tmp_path, "OFFICIAL-SENSITIVE: COMMERCIAL", "OFFICIAL")
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["build", str(data), "--theme", str(theme), "-d", str(out)])
    assert run.exit_code == 0, run.output
    assert (f"{data}: warning: memo.classification: the data's classification 'OFFICIAL-SENSITIVE: COMMERCIAL' "
            f"differs from the theme's 'OFFICIAL' ({theme}: classification)") in run.output
    pdf, word = (out / f"zhejiang-alibaba-2023-briefing.{fmt}" for fmt in ("pdf", "docx"))
    assert_marked_everywhere(pdf.read_bytes(), word.read_bytes(), Theme(), "OFFICIAL-SENSITIVE: COMMERCIAL")

    strict = CliRunner().invoke(main, ["build", str(data), "--theme", str(theme), "-d", str(tmp_path / "s"),
                                       "--strict"])
    assert strict.exit_code == 1
    assert f"{data}: memo.classification: the data's classification" in strict.output

    # --classification: silent, over both, and the build record keys on it (the documents are made again).
    chosen = CliRunner().invoke(main, ["build", str(data), "--theme", str(theme), "-d", str(out), "--strict",
                                       "--classification", "SECRET"])
    assert chosen.exit_code == 0, chosen.output
    assert "warning" not in chosen.output
    assert_marked_everywhere(pdf.read_bytes(), word.read_bytes(), Theme(), "SECRET")
    again = CliRunner().invoke(main, ["build", str(data), "--theme", str(theme), "-d", str(out),
                                      "--classification", "TOP SECRET"])
    assert again.exit_code == 0 and "TOP SECRET" in squash(pdf_bands(pdf.read_bytes(), Theme())[0][0])


@pytest.mark.parametrize("command", [["build"], ["pdf"], ["docx"], ["watch"]])
def test_an_empty_classification_is_a_usage_error(command: list[str]) -> None:
    run = CliRunner().invoke(main, [*command, "--classification", "  "])
    assert run.exit_code == 2
    assert "--classification" in run.output and "cannot be empty" in run.output


def test_every_document_command_documents_classification() -> None:
    for command in ("build", "watch", "pdf", "docx"):
        run = CliRunner().invoke(main, [command, "--help"])
        assert "--classification TEXT" in run.output, command


def test_the_build_key_changes_with_the_chosen_marking() -> None:
    from reports.digests import options_digest

    keys = {options_digest(Options(overrides=chosen)) for chosen in
            ({}, {"classification": "OFFICIAL"}, {"classification": "SECRET"})}
    assert len(keys) == 3
