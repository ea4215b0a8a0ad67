"""The PDF writer, on hand-built trees: text, fonts, metadata, outline, escaping, reproducibility."""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from reports import __version__
from reports import tree as t
from reports.errors import RenderError
from reports.fonts.faces import missing_glyphs
from reports.theme import DEFAULT_THEME
from reports.writers.pdf import cuts, layout, story, tables
from reports.writers.pdf.styles import stylesheet as pdf_stylesheet
from tests.conftest import pdf_text, squash
from tests.writers.sample import MARKUP, sample_document
from tests.writing import write_pdf


def _doc(*blocks: t.Block, **meta: object) -> t.Document:
    return t.Document(t.Meta(title=str(meta.pop("title", "T")), **meta), blocks)  # type: ignore[arg-type]


def test_every_node_type_has_a_handler() -> None:
    handled = set(story._BLOCKS) | set(story._INLINES)
    assert set(t.NODE_TYPES) <= handled, set(t.NODE_TYPES) - handled


def test_all_text_is_in_the_pdf_including_chinese() -> None:
    text = squash(pdf_text(write_pdf(sample_document(), DEFAULT_THEME)))
    for expected in ("Sample Briefing", "All constructs", "First section", "strong", "emphasis", "code", "a link",
                     "after break", "bullet one", "nested bullet", "number two", "Digital trade", "12",
                     "We will help the province. 张勇", "Zhang Yong (张勇)", "浙江省人民政府", "阿里巴巴集团",
                     "Minister", "Last page text", "Page 1 of 2", "Page 2 of 2"):
        assert expected in text, expected


def test_markup_in_text_prints_literally() -> None:
    text = squash(pdf_text(write_pdf(sample_document(), DEFAULT_THEME)))
    assert squash(MARKUP) in text


def test_metadata_and_language() -> None:
    reader = PdfReader(io.BytesIO(write_pdf(sample_document(language="en-GB"), DEFAULT_THEME)))
    info = reader.metadata
    assert info is not None
    assert info.title == "Sample Briefing"
    assert info.author == "Desk"
    assert info.subject == "Testing"
    assert info["/Keywords"] == "alpha, beta"
    assert info.creator == f"reports {__version__}"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_outline_is_built_from_headings() -> None:
    reader = PdfReader(io.BytesIO(write_pdf(sample_document(), DEFAULT_THEME)))
    top = reader.outline
    assert top[0].title == "First section"
    assert top[1][0].title == "Second level"
    assert top[1][1][0].title == "Third level"


def test_marking_on_every_page_running_title_on_later_pages() -> None:
    reader = PdfReader(io.BytesIO(write_pdf(sample_document(), DEFAULT_THEME)))
    first, second = (page.extract_text() for page in reader.pages)
    assert second.startswith("Sample Briefing\nINTERNAL\n")  # running header: short title, classification
    # The first page: the marking at the top, then the title block (no running title above it).
    assert first.startswith("INTERNAL\nPOLICY UNIT · INTERNAL\nSample Briefing\n")


def test_same_input_gives_identical_bytes() -> None:
    assert write_pdf(sample_document(), DEFAULT_THEME) == write_pdf(sample_document(), DEFAULT_THEME)


def test_creation_date_comes_from_the_document_or_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = PdfReader(io.BytesIO(write_pdf(sample_document(), DEFAULT_THEME)))
    assert reader.metadata["/CreationDate"].startswith("D:20230707000000")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    reader = PdfReader(io.BytesIO(write_pdf(sample_document(), DEFAULT_THEME)))
    assert reader.metadata["/CreationDate"].startswith("D:20231114221320")


def test_long_word_long_table_and_giant_cell_still_make_a_pdf() -> None:
    word = "x" * 5000
    rows = tuple(((t.Text(f"row {i}"),), (t.Text("value"),)) for i in range(300))
    giant = (((t.Text("giant"),), (t.Text("lorem ipsum " * 2000),)),)
    data = write_pdf(_doc(t.Paragraph((t.Text(word),)),
                          t.Table(((t.Text("Name"),), (t.Text("Value"),)), rows, ("left", "left")),
                          t.Table(((t.Text("Cell"),), (t.Text("Text"),)), giant, ("left", "left"))), DEFAULT_THEME)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 5
    text = pdf_text(data)
    assert "row 299" in text
    assert text.replace("\n", "").count("x" * 100) >= 1
    # The header row repeats on every page the long table runs onto.
    assert sum("Name" in (page.extract_text() or "") for page in reader.pages) >= 3


def test_control_characters_are_dropped_not_fatal() -> None:
    data = write_pdf(_doc(t.Paragraph((t.Text("a\x00b\x07c\ufffed"),))), DEFAULT_THEME)
    assert "abcd" in pdf_text(data)


def _png(path: Path, width: int = 4, height: int = 2) -> None:
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_local_image_is_drawn(tmp_path: Path) -> None:
    image = tmp_path / "logo.png"
    _png(image)
    data = write_pdf(_doc(t.Image(str(image), "logo", 20)), DEFAULT_THEME)
    assert b"/Subtype /Image" in data


def test_an_image_that_is_not_an_image_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_text("not an image")
    with pytest.raises(RenderError, match=r"fake\.png: not a PNG or JPEG image"):
        write_pdf(_doc(t.Image(str(fake), "x")), DEFAULT_THEME)


def test_missing_glyphs_are_found() -> None:
    assert missing_glyphs("Hello 浙江 café – “x”", DEFAULT_THEME.fonts) == []
    assert missing_glyphs("smile 😀 مرحبا", DEFAULT_THEME.fonts) == ["😀", "م", "ر", "ح", "ب", "ا"]


# Format characters (soft hyphen, ...) are invisible by design, so they cannot be read back.
_drawable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x24F,
                                  blacklist_categories=("Cc", "Cf", "Cs", "Zs")), min_size=1, max_size=60,
                    ).filter(lambda s: not missing_glyphs(s, DEFAULT_THEME.fonts))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_drawable)
def test_arbitrary_text_gives_a_valid_pdf_containing_it(text: str) -> None:
    data = write_pdf(_doc(t.Paragraph((t.Text(text),))), DEFAULT_THEME)
    # Spaces are compared away: line wrapping may add or drop them, never the characters themselves.
    assert "".join(text.split()) in "".join(pdf_text(data).split())


def _words(frags: list[object]) -> list[tuple[str, str]]:
    # What layout sees: each word with its font. reportlab's parser cuts fragments at entities and
    # tags where the writer's runs are whole; spacing runs, not their length, separate words.
    out: list[tuple[str, str]] = []
    joined: list[tuple[str, str]] = []
    for frag in frags:
        font = f"{frag.fontName}/{frag.fontSize}/{frag.textColor}"  # type: ignore[attr-defined]
        joined.append((frag.text, font))  # type: ignore[attr-defined]
    text = "".join(f"\x01{font}\x02{chunk}" for chunk, font in joined)
    for piece in text.split("\x01")[1:]:
        font, chunk = piece.split("\x02")
        out.extend((word, font) for word in re.split(r"(\s+)", chunk) if word)
    # neighbouring spaces are one gap; neighbouring pieces of a word in one font are one word
    merged: list[tuple[str, str]] = []
    for word, font in out:
        space = word.isspace()
        if merged and space and merged[-1][0].isspace():
            continue
        if merged and not space and not merged[-1][0].isspace() and merged[-1][1] == font:
            merged[-1] = (merged[-1][0] + word, font)
        else:
            merged.append((" " if space else word, font))
    return merged


# With the zero width space and the soft hyphen the writer cuts fragments where reportlab would lose a
# space (``text.for_layout``): both paths must cut them alike.
_piece = st.text(st.sampled_from("ab &<>\n\t\xa0\u200b\xad张勇*"), max_size=6)
_inlines = st.recursive(
    st.builds(t.Text, _piece),
    lambda children: st.one_of(
        st.builds(t.Strong, st.lists(children, max_size=3).map(tuple)),
        st.builds(t.Emphasis, st.lists(children, max_size=3).map(tuple)),
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(content=st.lists(_inlines, max_size=4).map(tuple),
       style=st.sampled_from(["Normal", "Table", "Heading 1", "Quote", "Attribution"]))
def test_fast_paragraphs_are_what_reportlab_would_parse(content: t.Inlines, style: str) -> None:
    from reports.fonts.faces import ensure_cjk
    from reports.writers.pdf.styles import stylesheet
    from reports.writers.pdf.tags import TParagraph

    ensure_cjk(DEFAULT_THEME.fonts.cjk, "张勇")  # as writing a document does; alone, no test before did
    writer = story.StoryWriter(stylesheet(DEFAULT_THEME), t.Meta(title="T"))
    fast = writer.para(content, style)
    # The markup path: reportlab's parser, with the writer's whitespace cleaning and fragment cuts.
    parsed = TParagraph(writer.inlines(content) or "&#160;", writer.sheet.styles[style])
    assert _words(fast.frags) == _words(parsed.frags)
    assert fast.getPlainText().split() == parsed.getPlainText().split()


def test_the_fast_path_changes_nothing_a_reader_sees(monkeypatch: pytest.MonkeyPatch) -> None:
    from reports.load import load_agreement
    from reports.pipeline import render
    from tests.conftest import SHIPPED

    agreement = load_agreement(SHIPPED)
    fast = [render(agreement, kind, "pdf").data for kind in ("briefing", "memo")]
    sample = write_pdf(sample_document(), DEFAULT_THEME)
    monkeypatch.setattr(story, "fast_paragraph", lambda spans, style, cls=None: None)
    assert [render(agreement, kind, "pdf").data for kind in ("briefing", "memo")] == fast
    # With & < > in the text, reportlab's parser cuts it into more pieces (more text operators in
    # the page), which draw the same glyphs at the same places.
    assert pdf_text(write_pdf(sample_document(), DEFAULT_THEME)) == pdf_text(sample)


# --------------------------------------------------------------------------- outline, wide tables, page breaks


def _outline(data: bytes) -> list[object]:
    def walk(items: list[object]) -> list[object]:
        return [walk(i) if isinstance(i, list) else i.title for i in items]  # type: ignore[attr-defined]

    return walk(PdfReader(io.BytesIO(data)).outline)


def _h(level: int, text: str) -> t.Heading:
    return t.Heading(level, (t.Text(text),))


@pytest.mark.parametrize(("levels", "outline"), [
    ((2, 2), ["a0", "a1"]),
    ((3, 1), ["a0", "a1"]),
    ((1, 3, 3, 2, 1), ["a0", ["a1", "a2", "a3"], "a4"]),
    ((3, 2, 3, 1, 3), ["a0", "a1", ["a2"], "a3", ["a4"]]),
])
def test_outline_follows_whatever_heading_levels_a_template_uses(levels: tuple[int, ...],
                                                                 outline: list[object]) -> None:
    data = write_pdf(_doc(*(_h(level, f"a{i}") for i, level in enumerate(levels))), DEFAULT_THEME)
    assert _outline(data) == outline


@settings(max_examples=40, deadline=None)
@given(levels=st.lists(st.integers(1, 3), min_size=1, max_size=8))
def test_any_sequence_of_heading_levels_gives_an_outline(levels: list[int]) -> None:
    data = write_pdf(_doc(*(_h(level, f"h{i}") for i, level in enumerate(levels)), toc=True), DEFAULT_THEME)

    def flat(items: list[object]) -> list[object]:
        return [x for i in items for x in (flat(i) if isinstance(i, list) else [i])]  # type: ignore[arg-type]

    assert flat(_outline(data)) == [f"h{i}" for i in range(len(levels))]


def test_a_300_column_table_is_printed_in_parts_with_every_cell() -> None:
    header = tuple((t.Text(f"H{i}"),) for i in range(300))
    rows = tuple(tuple((t.Text(f"r{r}c{i}"),) for i in range(300)) for r in range(3))
    data = write_pdf(_doc(t.Table(header, rows, ("left",) * 300)), DEFAULT_THEME)
    words = set(pdf_text(data).split())
    assert {f"H{i}" for i in range(300)} <= words
    assert {f"r{r}c{i}" for r in range(3) for i in range(300)} <= words
    text = squash(pdf_text(data))
    assert "Columns 2–11 of 300" in text and "Columns 292–300 of 300" in text


def test_a_narrow_page_splits_tables_earlier() -> None:
    from reports.theme import Margins, Theme

    theme = Theme(margins=Margins(left=70, right=70))  # 70 mm of text: 4 columns of 40 pt
    header = tuple((t.Text(f"H{i}"),) for i in range(8))
    text = squash(pdf_text(write_pdf(_doc(t.Table(header, (), ("left",) * 8)), theme)))
    assert "Columns 2–4 of 8" in text and "Columns 5–7 of 8" in text and "Column 8 of 8 (continued" in text
    assert all(f"H{i}" in text.split() for i in range(8))
    # Tables that fit stay one table, without a note.
    assert "Columns" not in pdf_text(write_pdf(_doc(t.Table(header[:4], (), ("left",) * 4)), theme))


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _para(text: str) -> t.Paragraph:
    return t.Paragraph((t.Text(text),))


def test_page_breaks_never_make_empty_pages() -> None:
    assert _pages(write_pdf(_doc(_para("a"), *[t.PageBreak()] * 3000, _para("b")), DEFAULT_THEME)) == 2
    assert _pages(write_pdf(_doc(_para("a"), t.PageBreak(), t.PageBreak()), DEFAULT_THEME)) == 1
    # With a table of contents the title page already ends in a page break: the template's is dropped.
    assert _pages(write_pdf(_doc(t.PageBreak(), _h(1, "x"), toc=True), DEFAULT_THEME)) == 2
    # Breaks between real content all count.
    assert _pages(write_pdf(_doc(_para("a"), t.PageBreak(), _para("b"), t.PageBreak(), _para("c")),
                            DEFAULT_THEME)) == 3


def test_a_page_break_inside_a_quote_or_key_facts_is_ignored_not_a_hang() -> None:
    quote = t.BlockQuote((_para("before"), t.PageBreak(), _para("after")))
    facts = t.FieldTable((t.Field((t.Text("Label"),), (t.PageBreak(), _para("value"))),))
    data = write_pdf(_doc(quote, facts), DEFAULT_THEME)
    assert _pages(data) == 1
    assert all(word in pdf_text(data) for word in ("before", "after", "Label", "value"))


def test_a_100000_character_word_is_printed_whole() -> None:
    word = "x" * 100_000
    assert pdf_text(write_pdf(_doc(_para(word)), DEFAULT_THEME)).replace("\n", "").count("x") == 100_000


def test_a_layout_failure_is_one_message_naming_the_template(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.platypus.doctemplate import LayoutError

    def fail(*args: object, **kwargs: object) -> None:
        raise LayoutError("Flowable <Table@0x7F00AB 1 rows x 1 cols> too large on page 3")

    monkeypatch.setattr(layout._DocTemplate, "build", fail)
    document = t.Document(t.Meta(title="T", source="mine.md.j2"), (_para("a"),))
    with pytest.raises(RenderError) as caught:
        write_pdf(document, DEFAULT_THEME)
    [problem] = caught.value.problems
    assert problem.file == "mine.md.j2"
    assert "cannot lay the document out" in problem.message and "0x7F00AB" not in problem.message


def test_the_theme_knows_exactly_the_families_the_font_module_can_register() -> None:
    from reports.fonts import faces as fonts
    from reports.fonts.names import LATIN_FAMILIES

    assert set(LATIN_FAMILIES) == set(fonts._PACKAGED) | set(fonts._STANDARD)
    for name in LATIN_FAMILIES:
        assert fonts.family(name).regular


@pytest.mark.parametrize(("text", "where"), [
    ("fonts:\n  body: Papyrus\n", "theme.yaml:2:3: fonts.body: unknown font family 'Papyrus'; known: Source Serif"),
    ("page_size: A4\nfonts: {heading: Arial}\n", "theme.yaml:2:9: fonts.heading: unknown font family 'Arial'"),
    ("fonts:\n  cjk: No Such Song\n",
     "theme.yaml:2:3: fonts.cjk: CJK font 'No Such Song': no usable face of that family"),
])
def test_an_unknown_font_is_blamed_on_the_theme_file_and_field(tmp_path: Path, text: str, where: str) -> None:
    from reports.errors import ThemeError
    from reports.load import load_theme

    (tmp_path / "theme.yaml").write_text(text, "utf-8")
    with pytest.raises(ThemeError) as caught:
        load_theme(tmp_path / "theme.yaml")
    assert where in caught.value.format_message()


# --------------------------------------------------------------------------- long tables


def _long_table(rows: int, cell: Callable[[int], str] = lambda r: f"event {r}") -> t.Table:
    return t.Table(((t.Text("Date"),), (t.Text("Event"),)),
                   tuple(((t.Text(f"d{r}"),), (t.Text(cell(r)),)) for r in range(rows)), ("left", "left"))


@pytest.mark.parametrize("toc", [False, True])
def test_a_long_table_keeps_every_row_in_order_with_its_header_on_every_page(toc: bool) -> None:
    data = write_pdf(_doc(_h(1, "Timeline"), _long_table(500), _para("after the table"), toc=toc), DEFAULT_THEME)
    reader = PdfReader(io.BytesIO(data))
    words = pdf_text(data).split()
    positions = [words.index(f"d{r}") for r in range(500)]
    assert positions == sorted(positions)
    assert words.index("after") > positions[-1]
    table_pages = [p.extract_text() or "" for p in reader.pages if "d2" in (p.extract_text() or "").split()
                   or "event" in (p.extract_text() or "")]
    assert len(table_pages) >= 10 and all("Date" in text and "Event" in text for text in table_pages)


@pytest.mark.parametrize("table", [
    _long_table(200),
    _long_table(130, lambda r: " ".join(f"w{i}" for i in range(900)) if r % 20 == 5 else f"event {r}"),
], ids=["short rows", "rows cut across pages"])
def test_a_long_table_is_laid_out_as_reportlab_lays_out_a_short_one(table: t.Table) -> None:
    # The same rows as one reportlab table (the row stream off) and page by page: the same pages.
    streamed = write_pdf(_doc(table), DEFAULT_THEME)
    original = tables.ROWS_AT_ONCE
    try:
        tables.ROWS_AT_ONCE = 10_000
        whole = write_pdf(_doc(table), DEFAULT_THEME)
    finally:
        tables.ROWS_AT_ONCE = original
    pages = [[p.extract_text() for p in PdfReader(io.BytesIO(data)).pages] for data in (streamed, whole)]
    assert pages[0] == pages[1]


def test_long_table_rows_taller_than_what_is_left_of_a_page_are_cut_and_continued() -> None:
    long_text = " ".join(f"w{r}" for r in range(900))  # about a page in one cell
    table = _long_table(70, lambda r: long_text if r % 20 == 5 else f"event {r}")
    text = squash(pdf_text(write_pdf(_doc(table), DEFAULT_THEME)))
    assert text.count("w899") == 4 and all(f"d{r}" in text.split() for r in range(70))
    assert text.count("event") == 66


def test_code_with_letters_courier_lacks_is_still_printed() -> None:
    data = write_pdf(_doc(_para("see"), t.Paragraph((t.Code("Łódź ąę x=1"), t.Code("plain"), t.Code("浙江"))),),
                     DEFAULT_THEME)
    text = pdf_text(data)
    assert "Łódź ąę x=1" in text and "plain" in text and "浙江" in text


def test_a_long_word_among_words_keeps_its_neighbours_and_order() -> None:
    word = "".join(chr(0x61 + i % 26) for i in range(2600))  # cut in two pieces, all on page 1
    text = squash(pdf_text(write_pdf(_doc(_para(f"before {word} after")), DEFAULT_THEME)))
    assert text.replace(" ", "").startswith(f"Tbefore{word}after")


def _outline_titles(pdf: bytes) -> list[object]:
    def walk(items: list[object]) -> list[object]:
        return [walk(i) if isinstance(i, list) else i["/Title"] for i in items]  # type: ignore[index]

    return walk(PdfReader(io.BytesIO(pdf)).outline)


@pytest.mark.parametrize("markdown", ["- # a\n\n## b", "> # a\n\n## b", "1. x\n\n   # a\n\n## b"])
def test_a_heading_in_a_list_or_quote_has_an_outline_entry_and_later_headings_nest_under_it(markdown: str) -> None:
    from reports.parse import parse_markdown

    pdf = write_pdf(parse_markdown(markdown)[0], DEFAULT_THEME)
    assert _outline_titles(pdf) == ["a", ["b"]]
    assert "a" in squash(pdf_text(pdf)).split()


def test_nested_headings_keep_document_order_in_the_outline() -> None:
    from reports.parse import parse_markdown

    pdf = write_pdf(parse_markdown("- # a\n  ### c\n\n## b\n\n> ### d\n\n# e")[0], DEFAULT_THEME)
    assert _outline_titles(pdf) == ["a", ["c", "b", ["d"]], "e"]


def test_a_long_cell_is_continued_at_a_space_and_never_inside_a_word() -> None:
    words = [f"w{i:04d}x" for i in range(900)]  # 6,300 characters: three rows
    pieces = cuts.cell_chunks(" ".join(words))
    assert len(pieces) == 3
    assert "".join(pieces) == " ".join(words)
    assert all(len(p) <= cuts.MAX_CELL_CHARS for p in pieces)
    assert all(p.endswith(" ") for p in pieces[:-1])
    rows = tables.split_row(((t.Text(" ".join(words)),), (t.Text("short"),)))
    assert [len(r) for r in rows] == [2, 2, 2]
    text = squash(pdf_text(write_pdf(_doc(t.Table((), (((t.Text(" ".join(words)),),),), ())), DEFAULT_THEME)))
    assert all(w in text for w in words)


def test_a_long_word_in_a_cell_is_never_cut_between_a_letter_and_its_marks() -> None:
    for unit in ("e\u0301", "a\u0323\u0302", "\u0e01\u0e31", "\U0001f469\u200d\U0001f4bb", "\U0001f44d\U0001f3fd"):
        text = unit * (2 * cuts.MAX_CELL_CHARS // len(unit) + 7)
        pieces = cuts.cell_chunks(text)
        assert "".join(pieces) == text and len(pieces) >= 2
        assert all(len(p) <= cuts.MAX_CELL_CHARS and len(p) % len(unit) == 0 for p in pieces), unit


def _joined(pieces: list[t.Inlines]) -> str:
    from reports.writers.measure import plain_text

    return "".join(plain_text(p) for p in pieces)


def test_a_long_paragraph_is_laid_out_in_pieces_cut_between_words() -> None:
    words = [f"mot{i}é" for i in range(1500)]  # about 11,000 characters
    content: t.Inlines = (t.Text(" ".join(words[:700]) + " "), t.Strong((t.Text("gras au milieu"),)),
                          t.Text(" " + " ".join(words[700:])))
    pieces = cuts.paragraph_pieces(content)
    assert len(pieces) >= 4 and _joined(pieces) == _joined([content])
    assert t.Strong((t.Text("gras au milieu"),)) in [n for p in pieces for n in p]
    for piece in pieces[:-1]:
        assert 0 < len(_joined([piece])) <= cuts.MAX_PARAGRAPH
        assert _joined([piece])[-1] == " "  # every cut falls after a space
    short = (t.Text("a short paragraph"),)
    assert cuts.paragraph_pieces(short) == [short]

    flowables = story.StoryWriter(pdf_stylesheet(DEFAULT_THEME, "briefing"), t.Meta(title="T")).paragraph(
        t.Paragraph(content))
    normal = pdf_stylesheet(DEFAULT_THEME, "briefing").styles["Normal"]
    assert [f.style.spaceAfter for f in flowables] == [0] * (len(flowables) - 1) + [normal.spaceAfter]
    assert [f.style.spaceBefore for f in flowables] == [normal.spaceBefore] + [0] * (len(flowables) - 1)
    text = pdf_text(write_pdf(_doc(t.Paragraph(content), t.Paragraph((t.Text("after"),))), DEFAULT_THEME))
    read = [w for w in text.split() if w not in {"Page", "of", "T"} and not w.isdigit()]  # title, header, footer
    assert " ".join(read) == " ".join([*words[:700], "gras", "au", "milieu", *words[700:], "after"])


def test_a_word_longer_than_a_paragraph_piece_keeps_its_marks_with_their_letters() -> None:
    word = "n\u0303" * 4000
    pieces = cuts.paragraph_pieces((t.Text("intro " + word + " outro"),))
    assert _joined(pieces) == "intro " + word + " outro"
    assert all(not unicodedata_combining(_joined([p])[0]) for p in pieces)


def unicodedata_combining(char: str) -> bool:
    import unicodedata

    return unicodedata.combining(char) > 0
