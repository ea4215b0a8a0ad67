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


# --------------------------------------------------------------------------- footnotes, figures, unsupported markup


@pytest.mark.parametrize(("markdown", "what", "kept"), [
    ("Prices ~~fell~~ rose.", "strikethrough (printed as plain text)", "Prices fell rose."),
    ("A <span>raw</span> tag.", "raw HTML (printed literally)", "A <span>raw</span> tag."),
    ("Energy $E=mc^2$ here.", "math (printed literally)", "Energy $E=mc^2$ here."),
])
def test_unsupported_inline_markup_warns_once_with_its_line_and_keeps_the_text(markdown: str, what: str,
                                                                               kept: str) -> None:
    document, warnings = parse_markdown(f"# T\n\nintro\n\n{markdown}\n", template="x.md.j2")
    assert [f"{w.template}:{w.line}: {w.message}" for w in warnings][:1] == [
        f"x.md.j2:5: unsupported Markdown: {what}"]
    assert document.blocks[-1] == t.Paragraph((t.Text(kept),))


@pytest.mark.parametrize(("markdown", "what", "line"), [
    ("<div class=\"x\">\nblock\n</div>\n", "raw HTML (printed literally)", 3),
    ("- [ ] open\n- [x] done\n", "task list (printed as plain text, the box as [ ] or [x])", 3),
    ("$$\nx^2\n$$\n", "math (printed literally)", 3),
    ("```python\nprint(1)\n```\n", "fenced code block (printed as plain text)", 3),
])
def test_unsupported_blocks_warn_with_their_line_and_keep_their_text(markdown: str, what: str, line: int) -> None:
    document, warnings = parse_markdown(f"# T\n\n{markdown}", template="x.md.j2")
    assert [f"{w.template}:{w.line}: {w.message}" for w in warnings] == [
        f"x.md.j2:{line}: unsupported Markdown: {what}"]
    body = t.dump(document.blocks[1:])
    for word in ("block", "open", "done", "x^2", "print(1)"):
        if word in markdown:
            assert word in body
    assert "Strong" not in body and "Code" not in body  # text, never markup


def test_dollar_amounts_are_not_maths() -> None:
    document, warnings = parse_markdown("Costs $5 and $10, or $ 3 $ each.\n")
    assert not warnings
    assert document.blocks == (t.Paragraph((t.Text("Costs $5 and $10, or $ 3 $ each."),)),)


def test_a_footnote_holds_paragraphs_only_and_never_nests() -> None:
    document, warnings = parse_markdown("Text[^a].\n\n[^a]: First[^b].\n\n    - listed\n\n[^b]: Inner.\n",
                                        template="x.md.j2")
    [note] = [c for c in document.blocks[0].content if isinstance(c, t.Note)]  # type: ignore[union-attr]
    assert note.blocks == (t.Paragraph((t.Text("First[^b]."),)), t.Paragraph((t.Text("listed"),)))
    assert [f"{w.line}: {w.message}" for w in warnings] == [
        "3: a footnote inside a footnote is not supported: [^b] is printed as text",
        "5: a footnote holds paragraphs only: its bullet list is printed as plain text"]


def test_a_note_does_not_reach_the_title() -> None:
    document, _ = parse_markdown("# Title[^1]\n\n[^1]: Note.\n")
    assert document.meta.title == "Title"


def test_figure_width_caption_number_and_alt(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    document, warnings = parse_markdown(
        '![Chart of trade](a.png "Trade  by year"){width=60%}\n\n![Plain](a.png){width=3.5cm}\n\n'
        '![Second](a.png "Ports"){width="25mm"}\n', image_base=tmp_path)
    assert not warnings
    path = str(tmp_path / "a.png")
    assert document.blocks == (
        t.Image(path, "Chart of trade", width_percent=60.0, caption="Trade by year", number=1),
        t.Image(path, "Plain", width_mm=35.0),
        t.Image(path, "Second", width_mm=25.0, caption="Ports", number=2),
    )


@pytest.mark.parametrize(("attrs", "message"), [
    ("{width=150%}", "image width '150%' ignored"),
    ("{width=wide}", "image width 'wide' ignored"),
    ("{height=20mm}", "image attribute 'height' ignored; known: width"),
])
def test_bad_image_attributes_warn_with_the_line(tmp_path: Path, attrs: str, message: str) -> None:
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    document, warnings = parse_markdown(f"# T\n\n![A](a.png){attrs}\n", template="x.md.j2", image_base=tmp_path)
    assert document.blocks[1] == t.Image(str(tmp_path / "a.png"), "A")
    assert [f"{w.template}:{w.line}: {w.message}"[:len(message) + 11] for w in warnings] == [f"x.md.j2:3: {message}"]
