"""One look in both formats: every kind, several themes and reference documents, read back from the PDF
and the DOCX and compared (text, accent colour, faces, sizes, logo, header and footer labels); the
precedence of classification and organisation; wide tables split alike."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from reports import tree as t
from reports.compose import compose_document
from reports.model import Agreement
from reports.pipeline import Options, render_formats
from reports.theme import DEFAULT_THEME, Colours, Fonts, Theme
from reports.writers.docx.theme import word_font
from reports.writers.wide_tables import columns_that_fit, part_caption, split_columns
from tests.conftest import docx_text, pdf_text, squash
from tests.writing import write_docx, write_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
KINDS = ("briefing", "memo")
# How each family shows in each format: a piece of the PDF's /BaseFont (subset prefixes and styles aside)
# and the face Word is told to use.
PDF_FONT_NAME = {"Source Serif Pro": "SourceSerifPro", "Source Sans Pro": "SourceSansPro",
                 "Times-Roman": "Times-Roman", "Helvetica": "Helvetica", "Courier": "Courier"}


def _png(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "#7A1F2B")
    ImageDraw.Draw(image).rectangle((20, 20, 100, 100), fill="white")
    image.save(path)
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("parity")


@pytest.fixture(scope="module")
def themes(folder: Path) -> dict[str, Theme]:
    return {
        "default": DEFAULT_THEME,
        "letter": Theme(page_size="Letter", colours=Colours(accent="#7A1F2B"),
                        fonts=Fonts(body="Times-Roman", heading="Helvetica", size=12),
                        logo=_png(folder / "logo.png"), logo_width_mm=40,
                        classification="Restricted", organisation="Northwind Policy Unit"),
        "small": Theme(colours=Colours(accent="#0B6E4F", muted="#44505C"),
                       fonts=Fonts(body="Source Sans Pro", heading="Source Serif Pro", size=9),
                       classification="Official"),
    }


@pytest.fixture(scope="module")
def unmarked(shipped: Agreement) -> Agreement:
    """The shipped agreement without a marking or organisation of its own: the theme's are its defaults."""
    assert shipped.memo is not None
    return shipped.model_copy(update={"memo": shipped.memo.model_copy(update={"classification": None,
                                                                             "organisation": None})})


@pytest.fixture(scope="module")
def letterhead(folder: Path) -> Path:
    """The organisation's Word document: its own running header and footer."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "NORTHWIND LETTERHEAD"
    section.footer.paragraphs[0].text = "Registered office: 1 Example Street"
    path = folder / "letterhead.docx"
    document.save(str(path))
    return path


def _both(agreement: Agreement, kind: str, theme: Theme, reference: Path | None) -> tuple[bytes, bytes]:
    pdf, word = render_formats(agreement, kind, ("pdf", "docx"), Options(theme=theme, reference_docx=reference))
    return pdf.data, word.data


def _pdf_contents(data: bytes) -> Iterator[tuple[int, str]]:
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        yield number, page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]


def _pdf_colours(data: bytes) -> set[str]:
    """Every fill and stroke colour the pages set, as hex."""
    found = set()
    for _, content in _pdf_contents(data):
        for r, g, b in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", content):
            found.add("".join(f"{round(float(x) * 255):02X}" for x in (r, g, b)))
    return found


def _pdf_sizes(data: bytes) -> set[float]:
    return {float(size) for _, content in _pdf_contents(data) for size in re.findall(r"/[\w+]+ ([\d.]+) Tf", content)}


def _pdf_fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():  # type: ignore[index]
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _pdf_images(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages[0].images)


def _parts(data: bytes, pattern: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode() for n in sorted(archive.namelist()) if re.fullmatch(pattern, n))


def _style_props(data: bytes, name: str) -> tuple[str | None, int | None]:
    """(ascii face, size in half-points) a style of the DOCX sets itself."""
    from lxml import etree

    root = etree.fromstring(_parts(data, r"word/styles\.xml").encode())
    for style in root.iter(f"{W}style"):
        if style.find(f"{W}name").get(f"{W}val").lower() == name.lower():
            fonts, size = style.find(f"{W}rPr/{W}rFonts"), style.find(f"{W}rPr/{W}sz")
            return (fonts.get(f"{W}ascii") if fonts is not None else None,
                    int(size.get(f"{W}val")) if size is not None else None)
    raise AssertionError(f"no style {name!r}")


def _texts(blocks: tuple[t.Block, ...] | tuple[object, ...]) -> Iterator[str]:
    """Every piece of text of a tree, one per paragraph-like node."""
    for block in blocks:
        if isinstance(block, t.Heading | t.Paragraph):
            yield "".join(_inline_text(block.content))
        elif isinstance(block, t.BulletList | t.OrderedList):
            for item in block.items:
                yield from _texts(item.blocks)
        elif isinstance(block, t.BlockQuote):
            yield from _texts(block.blocks)
        elif isinstance(block, t.FieldTable):
            for row in block.rows:
                yield "".join(_inline_text(row.label))
                yield from _texts(row.value)
        elif isinstance(block, t.Table):
            for row in (block.header, *block.rows):
                for cell in row:
                    yield "".join(_inline_text(cell))


def _inline_text(inlines: t.Inlines) -> Iterator[str]:
    for node in inlines:
        if isinstance(node, t.Text | t.Code):
            yield node.text
        elif isinstance(node, t.LineBreak):
            yield " "
        elif hasattr(node, "children"):
            yield from _inline_text(node.children)


@pytest.mark.parametrize("reference", ["none", "letterhead"])
@pytest.mark.parametrize("theme_name", ["default", "letter", "small"])
@pytest.mark.parametrize("kind", KINDS)
def test_both_formats_look_like_one_organisations(unmarked: Agreement, themes: dict[str, Theme], letterhead: Path,
                                                  kind: str, theme_name: str, reference: str) -> None:
    theme = themes[theme_name]
    ref = letterhead if reference == "letterhead" else None
    pdf, word = _both(unmarked, kind, theme, ref)

    # The same text: every paragraph, heading, list item and cell of the tree, in both.
    tree, _ = compose_document(unmarked, kind, theme_classification=theme.classification,
                               theme_organisation=theme.organisation)
    pdf_words, word_words = squash(pdf_text(pdf)), squash(docx_text(word))
    for text in filter(None, (squash(x) for x in _texts(tree.blocks))):
        assert text in pdf_words, text
        assert text in word_words, text

    # The same accent: drawn in the PDF, in the DOCX styles, and the default one gone from both. With a
    # reference and a theme that sets no accent, the styles the tool adds take the reference's own.
    accent = theme.colours.accent[1:].upper()
    styles = _parts(word, r"word/styles\.xml")
    assert accent in _pdf_colours(pdf)
    if ref is None or "accent" in theme.colours.model_fields_set:
        assert accent in styles
    else:
        assert "365F91" in re.search(r'w:styleId="Kicker".*?</w:style>', styles).group()  # type: ignore[union-attr]
    if theme is not DEFAULT_THEME:
        assert "1F3A5F" not in _pdf_colours(pdf) and "1F3A5F" not in styles

    # The same body size and heading size (body + 4 pt) in both.
    sizes = _pdf_sizes(pdf)
    assert theme.fonts.size in sizes and theme.fonts.size + 4 in sizes
    if ref is None:  # a reference document's own faces and sizes stand in the DOCX (pandoc's semantics)
        assert _style_props(word, "Normal") == (word_font(theme.fonts.body), round(theme.fonts.size * 2))
        assert _style_props(word, "heading 1") == (word_font(theme.fonts.heading), round((theme.fonts.size + 4) * 2))
    pdf_fonts = " ".join(_pdf_fonts(pdf))
    assert PDF_FONT_NAME[theme.fonts.body] in pdf_fonts and PDF_FONT_NAME[theme.fonts.heading] in pdf_fonts

    # Header and footer: the labels in both; a letterhead's own header and footer kept in the DOCX, with
    # our marking line and page number added to them.
    stories = re.sub(r"<[^>]+>", "", _parts(word, r"word/(header|footer)\d*\.xml"))
    meta = tree.meta
    labels = [x for x in (meta.classification.upper(), meta.organisation) if x]
    footer_of_page_one = pdf_text(pdf).split("\f")[0]
    for label in labels:
        assert label in footer_of_page_one
        assert label in stories
    assert "Page" in stories
    if ref is not None:
        assert "NORTHWIND LETTERHEAD" in stories and "Registered office: 1 Example Street" in stories

    # The logo: an image on the PDF's first page and in the DOCX's first-page header (which a letterhead
    # replaces: its header is on every page).
    assert _pdf_images(pdf) == (1 if theme.logo else 0)
    has_picture = "<pic:pic" in _parts(word, r"word/header\d*\.xml")
    assert has_picture == (theme.logo is not None and ref is None)


def test_labels_on_later_pages_of_both(unmarked: Agreement, themes: dict[str, Theme]) -> None:
    theme = themes["letter"]
    pdf, word = _both(unmarked, "briefing", theme, None)
    page_two = pdf_text(pdf).split("\f")[1]
    assert "RESTRICTED" in page_two and "Northwind Policy Unit" in page_two
    section = docx.Document(io.BytesIO(word)).sections[-1]
    assert "RESTRICTED" in section.header._element.xml  # the running header of pages 2 onwards
    assert "Northwind Policy Unit" in section.footer._element.xml


# --------------------------------------------------------------------------- precedence


def _meta(agreement: Agreement, **kwargs: object) -> t.Meta:
    document, _ = compose_document(agreement, "memo", **kwargs)  # type: ignore[arg-type]
    return document.meta


def test_the_data_beats_the_theme(shipped: Agreement) -> None:
    assert shipped.memo is not None and shipped.memo.classification == "INTERNAL"
    meta = _meta(shipped, theme_classification="OFFICIAL", theme_organisation="Northwind")
    assert (meta.classification, meta.organisation) == ("INTERNAL", "Policy and Government Relations")


def test_the_command_line_beats_the_data_and_the_theme(shipped: Agreement, unmarked: Agreement) -> None:
    meta = _meta(shipped, overrides={"classification": "SECRET"}, theme_classification="OFFICIAL",
                 theme_organisation="Northwind")
    assert (meta.classification, meta.organisation) == ("SECRET", "Policy and Government Relations")
    meta = _meta(unmarked, overrides={"classification": "SECRET"}, theme_classification="OFFICIAL",
                 theme_organisation="Northwind")
    assert (meta.classification, meta.organisation) == ("SECRET", "Northwind")


def test_the_data_counts_when_neither_says(shipped: Agreement, minimal: Agreement) -> None:
    meta = _meta(shipped)
    assert (meta.classification, meta.organisation) == ("INTERNAL", "Policy and Government Relations")
    meta = _meta(minimal, theme_classification="OFFICIAL")
    assert meta.classification == "OFFICIAL"


def test_the_winner_is_printed_in_both_formats(unmarked: Agreement) -> None:
    theme = Theme(classification="Official", organisation="Northwind Policy Unit")
    pdf, word = render_formats(unmarked, "memo", ("pdf", "docx"), Options(theme=theme))
    for data, text in ((pdf.data, pdf_text(pdf.data)),
                       (word.data, docx_text(word.data) + _parts(word.data, r"word/footer\d*\.xml"))):
        assert "OFFICIAL" in text and "NORTHWIND POLICY UNIT" in text, data[:4]
        assert "INTERNAL" not in text and "Policy and Government Relations" not in text


# --------------------------------------------------------------------------- wide tables


def test_columns_that_fit() -> None:
    assert columns_that_fit(470.0) == 11  # A4 with 22 mm margins: 166 mm
    assert columns_that_fit(10_000.0) == 20  # never more than MAX_COLUMNS
    assert columns_that_fit(10.0) == 2  # never fewer than the repeated column and one more
    assert columns_that_fit(400.0, 100.0) == 4
    with pytest.raises(ValueError):
        columns_that_fit(400.0, 0)


def test_part_caption() -> None:
    assert part_caption([0, 1, 2, 3], 9) == "Columns 2–4 of 9"
    assert part_caption([0, 4, 5], 9) == "Columns 5–6 of 9 (continued; the first column is repeated)"
    assert part_caption([0, 9], 9) == "Column 10 of 9 (continued; the first column is repeated)"


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_a_wide_table_is_split_into_the_same_parts_with_the_same_notes(page_size: str) -> None:
    ncols = 40
    header = tuple((t.Text(f"H{c}"),) for c in range(ncols))
    rows = tuple(tuple((t.Text(f"r{r}c{c}"),) for c in range(ncols)) for r in range(2))
    doc = t.Document(t.Meta(title="Wide"), (t.Table(header, rows, ("left",) * ncols),))
    theme = Theme(page_size=page_size)  # type: ignore[arg-type]
    word = docx.Document(io.BytesIO(write_docx(doc, theme)))
    pdf = squash(pdf_text(write_pdf(doc, theme)))
    width_pt = (word.sections[-1].page_width - word.sections[-1].left_margin - word.sections[-1].right_margin) / 12700
    groups = split_columns(ncols, columns_that_fit(width_pt))
    assert len(word.tables) == len(groups) > 1
    for table, group in zip(word.tables, groups, strict=True):
        assert [cell.text for cell in table.rows[0].cells] == [f"H{c}" for c in group]
    notes = [p.text for p in word.paragraphs if p.text.startswith("Column")]
    assert notes == [part_caption(g, ncols) for g in groups]
    for note in notes:
        assert note in pdf


# --------------------------------------------------------------------------- footnotes and figures

# A custom kind made in the test, unlike the built-ins: three notes (two labelled, one inline, the third
# on page 2 after a page break) and two captioned figures with their own alt text and widths.
NOTES_TEMPLATE = """\
---
kind: briefing
title: {{ data.title | yaml }}
date: {{ data.agreement.signed | longdate | yaml }}
iso_date: {{ data.agreement.signed | isodate | yaml }}
---

# Field notes

The first claim rests on the signing record.[^sign] A second remark needs its own note.^[Zephyr inline \
note about quorum.]

![Red band across the top](band.png "Quarterly band"){width=60%}

\\newpage

## Later

The third remark cites a ledger.[^ledger]

![Blue disc on white](disc.png "Ledger disc"){width=40%}

[^ledger]: Quixotic note on the ledger entries.
[^sign]: Xylophone note on the signing record.
"""
# (the sentence its reference number follows, the note's text), in reading order
NOTES = (("the signing record.", "Xylophone note on the signing record."),
         ("its own note.", "Zephyr inline note about quorum."),
         ("cites a ledger.", "Quixotic note on the ledger entries."))
# (alt text, caption, pixel size) of each figure, in reading order
FIGURES = (("Red band across the top", "Quarterly band", (300, 100)),
           ("Blue disc on white", "Ledger disc", (200, 200)))
ALTS = tuple(alt for alt, _, _ in FIGURES)
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


@pytest.fixture(scope="module")
def notes_kind(folder: Path) -> Path:
    from PIL import Image, ImageDraw

    templates = folder / "notes-kind"
    templates.mkdir()
    (templates / "notes.md.j2").write_text(NOTES_TEMPLATE, "utf-8")
    Image.new("RGB", FIGURES[0][2], "#B22222").save(templates / "band.png")
    disc = Image.new("RGB", FIGURES[1][2], "white")
    ImageDraw.Draw(disc).ellipse((20, 20, 180, 180), fill="#1E4FA0")
    disc.save(templates / "disc.png")
    return templates


def _docx_notes_and_figures(data: bytes) -> tuple[list[str], int, list[str], str]:
    """(the text of each real footnote, the references to notes in the body, the alt text of each body
    picture, the body's text) read back from the DOCX's parts."""
    from lxml import etree

    notes = etree.fromstring(_parts(data, r"word/footnotes\.xml").encode())
    texts = ["".join(note.itertext()).strip() for note in notes.iter(f"{W}footnote")
             if int(note.get(f"{W}id")) > 0]  # -1 and 0 are Word's separators
    body = etree.fromstring(_parts(data, r"word/document\.xml").encode())
    references = len(list(body.iter(f"{W}footnoteReference")))
    alts = [shape.get("descr") for shape in body.iter(f"{WP}docPr")]
    return texts, references, alts, squash(docx_text(data))


def _pdf_figures(data: bytes) -> tuple[int, int]:
    """(images drawn whose pixel size is a figure's, all images drawn) over every page of the PDF."""
    sizes = {size for _, _, size in FIGURES}
    drawn = [image.image.size for page in PdfReader(io.BytesIO(data)).pages for image in page.images
             if image.image is not None]
    return sum(size in sizes for size in drawn), len(drawn)


@pytest.mark.parametrize("reference", ["none", "letterhead"])
@pytest.mark.parametrize("theme_name", ["default", "letter", "small"])
def test_a_custom_kind_has_the_same_footnotes_and_figures_in_both(unmarked: Agreement, themes: dict[str, Theme],
                                                                   letterhead: Path, notes_kind: Path,
                                                                   theme_name: str, reference: str) -> None:
    theme = themes[theme_name]
    ref = letterhead if reference == "letterhead" else None
    pdf, word = render_formats(unmarked, "notes", ("pdf", "docx"),
                               Options(theme=theme, template_dir=notes_kind, reference_docx=ref))
    assert not pdf.warnings and not word.warnings

    # DOCX: one real footnote per note, in order, each referenced once from the body; one picture per
    # figure carrying its alt text; the numbered captions.
    note_texts, references, alts, word_words = _docx_notes_and_figures(word.data)
    assert note_texts == [note for _, note in NOTES]
    assert references == len(NOTES)
    figure_pictures = [alt for alt in alts if alt in ALTS]
    assert tuple(figure_pictures) == ALTS
    captions = [f"Figure {n}: {caption}" for n, (_, caption, _) in enumerate(FIGURES, start=1)]
    word_captions = re.findall(r"Figure \d+: [^:]+?(?= Later| Figure|$)", word_words)
    assert word_captions == captions

    # PDF: each note printed once, with its number, on the page where its numbered reference is; one
    # image per figure (the theme's logo is the only other one); the numbered captions.
    pages = [squash(page) for page in pdf_text(pdf.data).split("\f")]
    for number, (sentence, note) in enumerate(NOTES, start=1):
        holding = [i for i, page in enumerate(pages) if note in page]
        assert len(holding) == 1, (note, pages)
        page = pages[holding[0]]
        assert f"{sentence}{number}" in page, (sentence, page)
        assert f"{number} {note}" in page
        assert page.index(f"{sentence}{number}") < page.index(f"{number} {note}")  # at the foot, below
    assert "Quixotic" not in pages[0] and "Quixotic" in pages[1]  # note 3 went with its page
    figures_drawn, images_drawn = _pdf_figures(pdf.data)
    assert images_drawn == figures_drawn + (1 if theme.logo else 0)
    pdf_words = " ".join(pages)
    assert [c for c in captions if c in pdf_words] == captions
    pdf_captions = re.findall(r"Figure \d+:", pdf_words)
    pdf_notes = sum(pdf_words.count(note) for _, note in NOTES)  # a note printed twice counts twice

    # The same counts in both formats, and the template's own.
    assert pdf_notes == len(note_texts) == references == len(NOTES)
    assert figures_drawn == len(figure_pictures) == len(FIGURES)
    assert len(pdf_captions) == len(word_captions) == len(FIGURES)
    assert pdf_words.index(captions[0]) < pdf_words.index(captions[1])
