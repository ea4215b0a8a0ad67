"""Combining marks sit over (or under) their letters in the PDF, and the text still reads as the data.

Where each mark is drawn is measured on the PDF itself: the content streams are replayed (``Tf``, ``TJ``
and its adjustments, ``Tw``), each glyph's ink extent is read from the embedded subset's ``glyf`` table,
and a mark's centre is compared with its letter's centre. HarfBuzz, by the face's own anchors, puts it
within a few hundredths of the letter's width of the centre (an acute leans right, a grave left);
reportlab unshaped put it at the letter's right edge, half a letter's width or more away.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from typing import Any

import pikepdf
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reports import tree as t
from reports.fonts.faces import family
from reports.fonts.shaping import marks
from reports.theme import DEFAULT_THEME
from reports.writers.pdf.conformance import to_unicode_cmap
from tests.tagged_pdf import _to_unicode, check_tagged
from tests.validators import check_pdf
from tests.writers.sample import sample_document
from tests.writers.test_structure_text import assert_structure_reads_the_tree
from tests.writing import write_pdf

NAME = "Adébáyọ̀"  # ọ (U+1ECD) + U+0300: the precomposed letter carries a second mark
PLACED = 0.25  # a mark's centre within a quarter of its letter's width of the letter's centre


@dataclass
class _Ink:
    text: str  # what the glyph reads as (its ToUnicode entry)
    left: float  # its ink's extent along the line, in points from the line's start
    right: float
    line: int  # which text line (a new one at every BT, Tm, Td and T*)


def _boxes(font: pikepdf.Dictionary, cache: dict[tuple[int, int], dict[int, tuple[float, float]]]
           ) -> dict[int, tuple[float, float]]:
    """Code -> the glyph's ink from its left to its right edge, in ems, read from the embedded subset."""
    from fontTools.ttLib import TTFont

    if font.objgen not in cache:
        face = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
        em = face["head"].unitsPerEm
        glyphs = face["glyf"]
        cache[font.objgen] = {code: (glyphs[name].xMin / em, glyphs[name].xMax / em)
                              for code, name in face["cmap"].tables[0].cmap.items()
                              if getattr(glyphs[name], "numberOfContours", 0)}
    return cache[font.objgen]


class _Replay:
    """A page's text operators replayed along each line: where every glyph with ink is drawn."""

    def __init__(self, fonts: pikepdf.Dictionary, line: int, caches: tuple[dict[Any, Any], dict[Any, Any]]) -> None:
        self.fonts, self.line, self.caches = fonts, line, caches
        self.font: pikepdf.Dictionary | None = None
        self.size = self.x = self.spacing = self.words = 0.0
        self.inks: list[_Ink] = []

    def operator(self, op: str, operands: list[Any]) -> None:
        if op in ("BT", "Tm", "Td", "TD", "T*"):
            self.x, self.line = 0.0, self.line + 1
        elif op == "Tf":
            self.font, self.size = self.fonts[operands[0]], float(operands[1])
        elif op == "Tc":
            self.spacing = float(operands[0])
        elif op == "Tw":
            self.words = float(operands[0])
        elif op in ("Tj", "TJ") and self.font is not None and "/FontFile2" in self.font.FontDescriptor:
            for item in (operands[0] if op == "TJ" else [operands[0]]):
                if isinstance(item, pikepdf.String):
                    self.show(bytes(item))
                else:  # a TJ adjustment: thousandths of the size, leftwards
                    self.x -= float(item) / 1000 * self.size

    def show(self, raw: bytes) -> None:
        font, size = self.font, self.size
        assert font is not None
        table, ink = _to_unicode(font, self.caches[0]), _boxes(font, self.caches[1])
        for code in raw:
            if code in ink:
                left, right = ink[code]
                self.inks.append(_Ink(table.get(code, ""), self.x + left * size, self.x + right * size, self.line))
            self.x += float(font.Widths[code]) / 1000 * size + self.spacing + (self.words if code == 32 else 0)


def _inks(pdf: bytes) -> list[_Ink]:
    """Every glyph with ink that the pages draw in an embedded TrueType face, where it is drawn."""
    out: list[_Ink] = []
    caches: tuple[dict[Any, Any], dict[Any, Any]] = ({}, {})
    line = 0
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            replay = _Replay(page.Resources.get("/Font", {}), line, caches)
            for operands, operator in pikepdf.parse_content_stream(page):
                replay.operator(str(operator), list(operands))
            out, line = out + replay.inks, replay.line
    return out


def _is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c).startswith("M") for c in text)


def placements(pdf: bytes) -> list[tuple[str, str, float]]:
    """For every mark drawn after a letter on its line: (letter, mark, how far the mark's centre is from the
    letter's, in the letter's widths; negative to the left)."""
    inks = _inks(pdf)
    found: list[tuple[str, str, float]] = []
    for i, mark in enumerate(inks):
        if not _is_mark(mark.text):
            continue
        j = i - 1
        while j >= 0 and inks[j].line == mark.line and _is_mark(inks[j].text):
            j -= 1  # the letter under a stack of marks
        if j >= 0 and inks[j].line == mark.line:
            letter = inks[j]
            centre, width = (letter.left + letter.right) / 2, letter.right - letter.left
            found.append((letter.text, mark.text, ((mark.left + mark.right) / 2 - centre) / width))
    return found


def _document(*words: str, timeline: bool = True, title: str = "") -> t.Document:
    """``words`` in the title (or ``title``), a heading, body text (plain, bold), a table cell, a timeline
    label and, on page two, the running header (the title)."""
    text = " ".join(words)
    blocks: list[t.Block] = [
        t.Heading(1, (t.Text(f"About {text}"),)),
        t.Paragraph((t.Text(f"We met {text} in Ìbàdàn; "), t.Strong((t.Text(text),)), t.Text(" agreed."))),
        t.Table(((t.Text("Name"),), (t.Text("Role"),)), (((t.Text(text),), (t.Text("Chair"),)),), ("left", "left")),
    ]
    if timeline:
        blocks.append(t.Timeline((t.TimelineEvent("2023-07-07", f"{text} signs", True),
                                  t.TimelineEvent("2024-01-15", "Review")), as_of="2023-12-31"))
    blocks += [t.PageBreak(), t.Paragraph((t.Text(f"Page two, where the header names {text}."),))]
    return t.Document(t.Meta(title=title or f"Briefing on {text}", date="7 July 2023", iso_date="2023-07-07",
                             classification="OFFICIAL"), tuple(blocks))


def test_marks_sit_over_their_letters_in_every_face_and_place() -> None:
    # ð, ß and ħ: letters the faces have no place on for a mark (it is centred on their ink instead).
    pdf = write_pdf(_document(NAME, "Ọ̀yọ́", "Ẹ̀gbẹ́", "ð\u0301ß\u0301ħ\u0323"), DEFAULT_THEME)
    found = placements(pdf)
    # Under and over: the title, heading, body, bold, table, timeline and header each print them.
    assert len(found) >= 60, found
    assert {letter for letter, _, _ in found} >= {"o", "O", "E", "e", "ð", "ß", "ħ"}
    misplaced = [p for p in found if abs(p[2]) > PLACED]
    assert not misplaced, misplaced


def test_the_measure_tells_a_mark_beside_its_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    # Unshaped (as before shaping), the same measure finds the grave half a letter or more to the right.
    import reports.writers.pdf.shaping as drawing

    monkeypatch.setattr(drawing, "marks", lambda font: frozenset())
    found = placements(write_pdf(_document(NAME, timeline=False), DEFAULT_THEME))
    assert found and all(offset > 0.4 for _, _, offset in found), found


def test_shaped_words_read_as_the_data() -> None:
    words = (NAME, "Ọ̀ṢỌ́", "e\u0301tude", "A\u030angstro\u0308m")  # decomposed data stays decomposed too
    doc = _document(*words)
    pdf = write_pdf(doc, DEFAULT_THEME)
    assert_structure_reads_the_tree(pdf, doc)  # through the ToUnicode maps, compared as NFC
    text = check_tagged(pdf).root.all_text()
    assert unicodedata.normalize("NFC", NAME) in unicodedata.normalize("NFC", text)
    # A word whose glyphs read as its decomposition (o + U+0323 + U+0300) carries the data's own characters
    # in an /ActualText span; pdftotext reads those.
    assert f"/ActualText <FEFF{NAME.encode('utf-16-be').hex().upper()}>".encode() in _content(pdf)
    if shutil.which("pdftotext"):
        extracted = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        for word in words:
            assert word in extracted.decode("utf-8"), word


def _content(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return b"".join(page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream) else
                        b"".join(part.read_bytes() for part in page.Contents) for page in document.pages)


def test_a_glyph_without_a_character_reads_as_the_text_it_was_shaped_from() -> None:
    # A precomposed glyph for "e" + U+0301 and a mark's form for capitals have no character of their own:
    # their private codes map to the exact text.
    cmap = to_unicode_cmap("X", [0, 0xF0000, 0xF0001], {0xF0000: "e\u0301", 0xF0001: "\u0300"})
    assert "<01> <00650301>" in cmap and "<02> <0300>" in cmap


def test_documents_without_marks_keep_their_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.writers.pdf.shaping as drawing

    doc = sample_document(title="Café in Zürich, Łódź and 浙江")  # precomposed letters only: nothing to shape
    shaped = write_pdf(doc, DEFAULT_THEME)
    monkeypatch.setattr(drawing, "marks", lambda font: frozenset())
    assert write_pdf(doc, DEFAULT_THEME) == shaped


def test_a_shaped_document_has_the_same_bytes_whatever_was_shaped_before_it() -> None:
    # The shaping twin's private codes are handed out in the order glyphs are first met in a process; they
    # must not reach the file (the ToUnicode maps send each to its text, the subsets number codes per file).
    from reports.fonts import shaping

    def fresh() -> None:
        for cached in (shaping.shape, shaping._cluster, shaping._twin):
            cached.cache_clear()

    doc = _document("Ǻ Ọ̀ṢỌ́", "e\u0301", timeline=False)
    fresh()
    alone = write_pdf(doc, DEFAULT_THEME)
    fresh()
    write_pdf(_document("Ḿ Ẹ̀Ẹ́ Ǹ a\u0301", "Å\u0301", timeline=False), DEFAULT_THEME)  # other codes first
    assert write_pdf(doc, DEFAULT_THEME) == alone


def _face_marks() -> list[str]:
    # The marks every face of the body and heading families draws (the italic has fewer).
    faces = [getattr(family(name), style) for name in (DEFAULT_THEME.fonts.body, DEFAULT_THEME.fonts.heading)
             for style in ("regular", "bold", "italic", "bold_italic")]
    return sorted(frozenset.intersection(*(marks(face) for face in faces)))


_LETTERS = st.sampled_from("abcdeghijklmnorstuvwyzABCDEGIOSUYZ")
_MARKED = st.builds(lambda base, marked: base + "".join(marked), _LETTERS,
                    st.lists(st.sampled_from(_face_marks()), min_size=1, max_size=3))
_WORDS = st.lists(st.lists(st.one_of(_MARKED, _LETTERS), min_size=1, max_size=6).map("".join),
                  min_size=1, max_size=4)


@settings(max_examples=8, deadline=None, database=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported, not shrunk for minutes
          suppress_health_check=[HealthCheck.too_slow])
@given(words=_WORDS)
def test_generated_letters_and_marks_pass_the_validators_and_read_back(words: list[str]) -> None:
    # One word in the title: outloud takes an artifact line of eight "words" for prose (TAG-002), and marks
    # cut a random word into many (its words are runs of two letters or more).
    doc = _document(*words, title=f"Briefing on {words[0]}")
    pdf = write_pdf(doc, DEFAULT_THEME)
    check_pdf(pdf, generated=True)  # random letters: the figure's alt text does not read as language
    assert_structure_reads_the_tree(pdf, doc)
