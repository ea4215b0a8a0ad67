"""parse: Markdown -> tree, golden case files, and warnings for what the tree cannot hold."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reports import tree as t
from reports.parse import parse_markdown

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize("case", sorted(CASES.glob("*.md")), ids=lambda p: p.stem)
def test_case_files_match_their_tree_dump(case: Path) -> None:
    document, warnings = parse_markdown(case.read_text("utf-8"), template=case.name)
    assert not warnings
    golden = case.with_suffix(".tree")
    dumped = t.dump(document) + "\n"
    if os.environ.get("REGENERATE_GOLDENS"):
        golden.write_text(dumped, encoding="utf-8")
    assert dumped == golden.read_text("utf-8")


def _warnings(text: str) -> list[str]:
    return [f"{w.template}:{w.line}: {w.message}" for w in parse_markdown(text, template="x.md.j2")[1]]


def test_deep_heading_is_clamped_with_a_located_warning() -> None:
    document, warnings = parse_markdown("text\n\n#### Deep\n", template="x.md.j2")
    assert document.blocks[1] == t.Heading(3, (t.Text("Deep"),))
    assert [f"{w.template}:{w.line}" for w in warnings] == ["x.md.j2:3"]


def test_unknown_container_is_kept_as_text_with_a_warning() -> None:
    document, warnings = parse_markdown("::: foo\nbody\n:::\n", template="x.md.j2")
    assert "body" in t.dump(document)
    assert warnings[0].message.startswith("unknown container 'foo'")


def test_unsafe_links_are_not_links() -> None:
    document, _ = parse_markdown("[x](javascript:alert(1)) [y](file:///etc/passwd)")
    assert "Link" not in t.dump(document)


def test_unknown_front_matter_key_warns() -> None:
    assert _warnings("---\ncolour: red\n---\n\ntext\n")[0].startswith("x.md.j2:1: unknown front-matter setting")


def test_remote_image_is_refused(tmp_path: Path) -> None:
    document, warnings = parse_markdown("![logo](http://example.org/x.png)", image_base=tmp_path)
    assert "Image" not in t.dump(document)
    assert "only local image files" in warnings[0].message


def test_local_image_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    document, warnings = parse_markdown("![Logo](logo.png)", image_base=tmp_path)
    assert not warnings
    assert document.blocks == (t.Image(str(tmp_path / "logo.png"), "Logo"),)


@pytest.mark.parametrize("src", ["../secret.png", "/etc/passwd"])
def test_image_outside_the_folder_is_refused(tmp_path: Path, src: str) -> None:
    document, warnings = parse_markdown(f"![x]({src})", image_base=tmp_path)
    assert "Image" not in t.dump(document)
    assert "must be inside" in warnings[0].message


def test_an_image_knows_the_template_and_line_that_named_it(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    document, _ = parse_markdown("# T\n\ntext\n\n- item\n\n  ![A](a.png)\n", template="x.md.j2", image_base=tmp_path)
    [image] = [b for b in document.blocks[2].items[0].blocks if isinstance(b, t.Image)]  # type: ignore[attr-defined]
    assert (image.template, image.line) == ("x.md.j2", 7)
    assert "x.md.j2" not in t.dump(document) and " line=" not in t.dump(document)  # where, not what
    assert document.meta.source == "x.md.j2" and "source=" not in t.dump(document)


def test_source_is_not_a_front_matter_setting() -> None:
    assert _warnings("---\nsource: evil\n---\n\ntext\n")[0].startswith("x.md.j2:1: unknown front-matter setting")


def test_page_breaks_that_would_make_empty_pages_are_dropped_with_one_warning() -> None:
    text = "a\n\n" + "\\newpage\n\n" * 5 + "b\n\n\\newpage\n\nc\n\n\\newpage\n"
    document, warnings = parse_markdown(text, template="x.md.j2")
    assert [type(b).__name__ for b in document.blocks] == ["Paragraph", "PageBreak", "Paragraph", "PageBreak",
                                                           "Paragraph"]
    assert [f"{w.template}:{w.line}: {w.message}" for w in warnings] == [
        "x.md.j2:5: 5 page breaks dropped: a page break right after another one or at the end of the document "
        "would only make an empty page"]


def test_a_page_break_inside_a_quote_or_key_facts_is_ignored_with_a_warning() -> None:
    text = "> a\n>\n> \\newpage\n\n::: keyfacts\nLabel\n: \\newpage\n:::\n\n::: quote\nq\n\n\\newpage\n:::\n"
    document, warnings = parse_markdown(text, template="x.md.j2")
    assert "PageBreak" not in t.dump(document)
    assert [w.line for w in warnings] == [3, 7, 13]
    assert all("inside a quote or key-facts block is ignored" in w.message for w in warnings)


def test_a_page_break_in_a_list_is_kept() -> None:
    document, warnings = parse_markdown("- a\n\n  \\newpage\n\n- b\n")
    assert "PageBreak" in t.dump(document) and not warnings
