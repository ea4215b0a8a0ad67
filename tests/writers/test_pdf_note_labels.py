"""PDF footnotes as PDF/UA tags them: each ``Note`` holds an ``Lbl`` (its number) and a ``P`` per paragraph.

Read back from the file with pikepdf (``tests/tagged_pdf``): the number is marked content of its own,
owned by the Lbl, and the P's text starts with the note's words, whether the note sits at the foot of its
page, was carried to the next one, is cut into pieces, or is longer than a page and printed after the text.
"""

from __future__ import annotations

import io
from functools import cache

import pikepdf

from reports import tree as t
from reports.parse import parse_markdown
from reports.theme import DEFAULT_THEME
from reports.writers.pdf.cuts import MAX_PARAGRAPH
from tests.tagged_pdf import check_tagged
from tests.test_generative import inline_strings
from tests.validators import outloud_findings
from tests.writing import write_pdf

_FILLER = "with filler text " * 14
_NOTES = {  # label -> definition; numbered 1, 2, … in the order of their references
    "short": "A short note.",
    "three": "First paragraph of three.\n\n    Second paragraph.\n\n    Third *paragraph*, the last.",
    "pieces": " ".join(f"piece{i}" for i in range(MAX_PARAGRAPH // 4)),  # cut in pieces; fits its page
    "pages": " ".join(f"long{i}" for i in range(5000)),  # longer than a page: printed after the text
    **{f"n{i}": f"Note {i}, with *emphasis* and a [link](https://example.org/{i})." for i in range(4, 12)},
}


@cache
def _document() -> tuple[t.Document, bytes]:
    body = "\n\n".join(f"Paragraph {i} refers to a note here[^{label}] and goes on {_FILLER}"
                       for i, label in enumerate(_NOTES) if label != "n11")
    table = "| Area | Note |\n|---|---|\n| cell | In a cell[^n11] |"
    definitions = "\n\n".join(f"[^{label}]: {text}" for label, text in _NOTES.items())
    doc, warnings = parse_markdown(f"# Notes\n\n{body}\n\n{table}\n\n{definitions}\n")
    assert not warnings
    return doc, write_pdf(doc, DEFAULT_THEME)


def _notes_in_order(blocks: tuple[t.Block, ...]) -> list[t.Note]:
    """The notes of the tree in the order of their references (paragraphs and table cells here)."""
    out: list[t.Note] = []
    for block in blocks:
        rows = [block.content] if isinstance(block, t.Paragraph) else \
            [cell for row in (block.header, *block.rows) for cell in row] if isinstance(block, t.Table) else []
        out.extend(node for content in rows for node in content if isinstance(node, t.Note))
    return out


def _squash(text: str) -> str:
    return "".join(text.split())  # the no-break space after a number is whitespace too


def test_every_note_is_its_number_then_one_p_per_paragraph() -> None:
    doc, pdf = _document()
    expected = _notes_in_order(doc.blocks)
    notes = check_tagged(pdf).roles("Note")
    assert len(notes) == len(expected) == len(_NOTES)
    for number, (note, source) in enumerate(zip(notes, expected, strict=True), start=1):
        assert [kid.role for kid in note.kids] == ["Lbl"] + ["P"] * len(source.blocks), number
        label, *paragraphs = note.kids
        assert _squash(label.text) == str(number)  # the number alone, in the Lbl's own marked content
        for paragraph, block in zip(paragraphs, source.blocks, strict=True):
            # The P reads its paragraph, word for word, and no number before it.
            assert paragraph.text.split() == "".join(inline_strings(block.content)).split(), number


def test_a_note_cut_in_pieces_or_over_pages_keeps_its_number_on_its_first_page() -> None:
    _, pdf = _document()
    tagged = check_tagged(pdf)
    notes = tagged.roles("Note")
    pieces, pages = notes[list(_NOTES).index("pieces")], notes[list(_NOTES).index("pages")]
    assert [kid.role for kid in pieces.kids] == ["Lbl", "P"]  # one P, however many pieces it is set in
    assert len(pages.kids[1].pages) >= 2  # printed after the last block, over pages
    for note in notes:  # the number is on the page where the note's text begins
        assert note.kids[0].pages == {min(note.kids[1].pages)}
    # Where the notes fell: at the foot of their reference's page, and carried to a later one.
    referring = {id(kid): min(node.pages) for node in tagged.root.walk() for kid in node.kids if kid.role == "Note"}
    moved = [min(note.kids[1].pages) > referring[id(note)] for note in notes]
    assert any(moved) and not all(moved)


def _marked_text_style(pdf: bytes) -> dict[tuple[int, int], tuple[float, float]]:
    """(page, MCID) -> (the size of the font, the text rise) its first text is shown in."""
    out: dict[tuple[int, int], tuple[float, float]] = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages):
            mcid: int | None = None
            size, rise = 0.0, 0.0
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcid = int(operands[1].MCID)
                elif op == "EMC":
                    mcid = None
                elif op == "Tf":
                    size = float(operands[1])
                elif op == "Ts":
                    rise = float(operands[0])
                elif op in ("Tj", "TJ") and mcid is not None:
                    out.setdefault((number, mcid), (size, rise))
    return out


def _labels_and_texts(pdf: bytes) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """For each Note: the (page, MCID) of its Lbl's marked content and of its first P's first."""
    def first_mark(element: pikepdf.Dictionary, pages: dict[tuple[int, int], int]) -> tuple[int, int]:
        kid = element.K[0] if isinstance(element.K, pikepdf.Array) else element.K
        if isinstance(kid, int):
            return pages[element.Pg.objgen], kid
        return pages[kid.Pg.objgen], int(kid.MCID)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.objgen: i for i, page in enumerate(document.pages)}
        notes = [obj for obj in document.objects
                 if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Note"]
        return [(first_mark(note.K[0], pages), first_mark(note.K[1], pages)) for note in notes]


def test_the_number_is_drawn_raised_and_smaller_just_before_the_text() -> None:
    _, pdf = _document()
    styles = _marked_text_style(pdf)
    pairs = _labels_and_texts(pdf)
    assert len(pairs) == len(_NOTES)
    for (label_page, label_mcid), (text_page, text_mcid) in pairs:
        label_size, label_rise = styles[label_page, label_mcid]
        text_size, text_rise = styles[text_page, text_mcid]
        assert label_rise > 0 and text_rise == 0  # a superscript, then the text on the baseline
        assert label_size < text_size
        assert (text_page, text_mcid) == (label_page, label_mcid + 1)  # drawn right before its text


def test_outloud_finds_nothing_wrong_with_the_notes() -> None:
    _, pdf = _document()
    findings = [finding for finding in outloud_findings(pdf) if " NOTE-" in finding]
    assert not findings, findings
