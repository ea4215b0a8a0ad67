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
