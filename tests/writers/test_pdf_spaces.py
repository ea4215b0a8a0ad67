"""Where the PDF writer's words begin and end, read back from the structure tree (``writers/pdf/spaces``).

A word reportlab cuts at a soft hyphen reads whole, over lines and over a page break, its drawn hyphen
read as U+00AD; a hard line break parts words as a space does; U+200B ZERO WIDTH SPACE reads as itself,
never as a space; a space after a word with a soft hyphen is not lost (issue 23).
"""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from reports import tree as t
from reports.theme import DEFAULT_THEME
from tests.tagged_pdf import Node, check_tagged
from tests.writers.test_structure_text import assert_structure_reads_the_tree, words
from tests.writing import write_pdf

_META = t.Meta(title="Words", iso_date="2024-02-29", language="en-GB")
_SOFT = "\u00ad"
_ZWSP = "\u200b"


def _read(blocks: tuple[t.Block, ...], role: str) -> tuple[bytes, list[Node]]:
    doc = t.Document(_META, blocks)
    pdf = write_pdf(doc, DEFAULT_THEME)
    assert_structure_reads_the_tree(pdf, doc)
    return pdf, [node for node in check_tagged(pdf).root.walk() if node.role == role and node.text]


def _filler(lines: int) -> tuple[t.Block, ...]:
    # A list of ``lines`` short items pushes what follows down the first page an item at a time.
    return (t.BulletList(tuple(t.ListItem((t.Paragraph((t.Text(f"item{n}"),)),)) for n in range(lines))),)


def _soft_hyphens_drawn(pdf: bytes) -> int:
    """How many hyphens the pages draw inside an /ActualText span that reads as a soft hyphen."""
    count = 0
    for page in pikepdf.open(io.BytesIO(pdf)).pages:
        count += pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)).count(
            b"/ActualText <feff00ad>")
    return count


@pytest.mark.parametrize("where", ["paragraph", "key-facts"])
def test_a_word_cut_at_soft_hyphens_reads_whole_over_lines_and_a_page_break(where: str) -> None:
    word = f"{_SOFT}2·ĘÂë" * 71  # far wider than a line, with a soft hyphen every five letters
    body = t.Paragraph((t.Text(f"Eight: {word}, {word}, end"),))
    block: t.Block = body if where == "paragraph" else t.FieldTable((t.Field((t.Text("Label"),), (body,)),))
    role = "P" if where == "paragraph" else "TD"
    over_a_page = 0
    for lines in range(28, 40, 2):  # the page break falls at another line of the word each time
        pdf, nodes = _read((*_filler(lines), block), role)
        (node,) = [n for n in nodes if n.text.startswith("Eight")]
        over_a_page += len(node.pages) > 1
        assert words(node.text) == ["eight:", "2·ęâë" * 71 + ",", "2·ęâë" * 71 + ",", "end"]
        assert "-" not in node.text  # each hyphen drawn where a line breaks reads as U+00AD
        assert node.text.count(_SOFT) == _soft_hyphens_drawn(pdf) > 0
    assert over_a_page  # the word did cross a page break


def test_a_hard_line_break_parts_words_as_a_space_does() -> None:
    lines = (t.Text("first"), t.LineBreak(), t.Strong((t.Text("second"),)), t.LineBreak(), t.Text("三四"),
             t.LineBreak(), t.Text("五六"))
    _, nodes = _read((t.Paragraph(lines),), "P")
    assert words(nodes[-1].text) == ["first", "second", "三四", "五六"]


def test_a_hard_line_break_in_a_table_cell_parts_words() -> None:
    cell = (t.Text("one"), t.LineBreak(), t.Text("two"))
    _, nodes = _read((t.Table(((t.Text("Head"),),), (((cell),),), ("left",)),), "TD")
    assert words(nodes[0].text) == ["one", "two"]


@pytest.mark.parametrize("content", [
    (t.Text(f"alpha{_ZWSP}beta\xa0gamma"),),  # a no-break space made reportlab break at it
    (t.Text(f"alpha{_ZWSP}beta\xa0"), t.Strong((t.Text("gamma"),))),
    (t.Text(f"alpha{_ZWSP}beta gamma"),),
], ids=["with-nbsp", "nbsp-then-bold", "plain"])
def test_a_zero_width_space_reads_as_itself_not_a_space(content: t.Inlines) -> None:
    _, nodes = _read((t.Paragraph(content),), "P")
    # The no-break space reads as a space (reportlab draws it with the space's code), the zero width
    # space as itself: a place to break, no gap on the page, no word boundary for a reader.
    assert nodes[-1].text == f"alpha{_ZWSP}beta gamma"


@pytest.mark.parametrize("content", [
    (t.Strong((t.Text(f"ab {_SOFT}cd"),)), t.Text(", 丱临")),
    (t.Text(f"ab {_SOFT}cd, 丱临"),),
    (t.Text(f"ab {_SOFT}cd, "), t.Strong((t.Text("next"),))),
], ids=["bold-then-cjk", "latin-then-cjk", "then-bold"])
def test_the_space_after_a_word_with_a_soft_hyphen_is_kept(content: t.Inlines) -> None:
    _, nodes = _read((t.Paragraph(content),), "P")
    assert len(words(nodes[-1].text)) == 3


@pytest.mark.parametrize("glue", ["\xa0", "\u202f", "\u2007"])
def test_no_break_spaces_hold_their_words_together_and_read_back_as_themselves(glue: str) -> None:
    # U+202F (French "1 000", « Oui ») and U+2007 are no-break spaces as U+00A0 is: reportlab broke
    # lines at them and collapsed them into plain spaces (18 breaks in this paragraph before).
    import subprocess

    text = " ".join(f"w{i}{glue}000" for i in range(300))
    pdf = write_pdf(t.Document(t.Meta(title="Glue", language="fr"), (t.Paragraph((t.Text(text),)),)),
                    DEFAULT_THEME)
    lines = [line.strip() for line in subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                                                     check=True).stdout.decode().splitlines() if line.strip()]
    assert len(lines) > 10  # the paragraph wraps
    assert not [line for line in lines if line.startswith("000") or re.search(r"w\d+$", line)]
    assert ("Glue" + text).split() == check_tagged(pdf).root.all_text().split()  # the title, then every word
