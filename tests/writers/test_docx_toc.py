"""The DOCX table of contents is written with its result: entries, hyperlinks to _Toc bookmarks around the
headings, PAGEREF page numbers from the layout, and no updateFields; and (with LibreOffice) the page each
heading lands on in the DOCX as LibreOffice paginates it is compared with the number the contents give.
"""

from __future__ import annotations

import dataclasses
import io
import random
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from reports import tree as t
from reports.compose import compose_document
from reports.model import Agreement
from reports.theme import DEFAULT_THEME
from reports.writers.docx import toc as docx_toc
from reports.writers.registry import paginate
from tests.conftest import shipped_dict
from tests.office import Office
from tests.writing import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _body(data: bytes) -> Any:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(f"{W}body")


def _heading(level: int, text: str) -> t.Heading:
    return t.Heading(level, (t.Text(text),))


def _long_document() -> t.Document:
    blocks: list[t.Block] = []
    for i in range(14):
        blocks.append(_heading((1, 2, 2, 3)[i % 4], f"Section {i} & <more>"))
        blocks.append(t.Paragraph((t.Text("Cooperation on the digital economy and its data. " * (12 + i * 3)),)))
    blocks.append(t.BulletList((t.ListItem((_heading(2, "Inside a list"), t.Paragraph((t.Text("x"),)))),)))
    return t.Document(t.Meta(title="Contents test", toc=True, iso_date="2023-07-07"), tuple(blocks))


@dataclasses.dataclass
class Contents:
    """What the contents field holds, read back from the document."""

    instruction: str
    entries: list[tuple[str, str, int, int]]  # (text, bookmark, page, left indent in twips)
    field_chars: list[str]


def read_contents(data: bytes) -> Contents:
    """The TOC field and its result paragraphs, as a reader (Word, LibreOffice) meets them."""
    body = _body(data)
    paragraphs = list(body.iter(f"{W}p"))
    start = next(i for i, p in enumerate(paragraphs)
                 if "TOC " in "".join(x.text or "" for x in p.iter(f"{W}instrText")))
    entries = []
    chars: list[str] = []
    for p in paragraphs[start:]:
        for link in p.iter(f"{W}hyperlink"):
            texts = [x.text or "" for x in link.iter(f"{W}t")]
            instr = "".join(x.text or "" for x in link.iter(f"{W}instrText"))
            bookmark = link.get(f"{W}anchor")
            assert instr.strip() == f"PAGEREF {bookmark} \\h"
            ind = p.find(f"{W}pPr/{W}ind")
            entries.append(("".join(texts[:-1]), bookmark, int(texts[-1]), int(ind.get(f"{W}left"))))
        chars += [c.get(f"{W}fldCharType") for c in p.iter(f"{W}fldChar")]
        if chars and chars.count("begin") == chars.count("end"):
            break
    instruction = "".join(x.text or "" for x in paragraphs[start].iter(f"{W}instrText")).split(" PAGEREF")[0]
    return Contents(instruction.strip(), entries, chars)


def bookmarks(data: bytes) -> dict[str, str]:
    """Bookmark name -> the text of the paragraph it is in (the heading)."""
    out = {}
    for start in _body(data).iter(f"{W}bookmarkStart"):
        paragraph = start.getparent()
        out[start.get(f"{W}name")] = "".join(x.text or "" for x in paragraph.iter(f"{W}t"))
    return out


def test_the_contents_field_holds_its_result_linked_to_bookmarked_headings() -> None:
    document = _long_document()
    data = write_docx(document, DEFAULT_THEME)
    contents = read_contents(data)
    assert contents.instruction == 'TOC \\o "1-3" \\h \\z \\u'
    expected = docx_toc.entries(document.blocks)
    assert [e[0] for e in contents.entries] == [e.text for e in expected]
    assert [e[0] for e in contents.entries][:2] == ["Section 0 & <more>", "Section 1 & <more>"]
    assert contents.entries[-1][0] == "Inside a list"
    marks = bookmarks(data)
    for text, bookmark, _, _ in contents.entries:
        assert re.fullmatch(r"_Toc\d{9}", bookmark)
        assert marks[bookmark] == text, "each entry links to the bookmark around its own heading"
    assert tuple(e[2] for e in contents.entries) == paginate(document, DEFAULT_THEME).heading_pages
    assert [e[2] for e in contents.entries] == sorted(e[2] for e in contents.entries)
    assert contents.entries[-1][2] >= 4
    assert [e[3] for e in contents.entries][:5] == [0, 567, 567, 1134, 0]  # nested as the PDF's outline
    # One field: begin ... separate, then a PAGEREF field per entry, then the end.
    n = len(contents.entries)
    assert contents.field_chars == ["begin", "separate"] + ["begin", "separate", "end"] * n + ["end"]
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode()
    assert "updateFields" not in settings  # Word asks no question when it opens the file
    assert "Right-click to update" not in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def test_the_contents_come_after_the_title_block_and_before_a_page_break() -> None:
    data = write_docx(_long_document(), DEFAULT_THEME)
    body = list(_body(data))
    texts = ["".join(x.text or "" for x in p.iter(f"{W}t")) for p in body]
    first_entry = next(i for i, p in enumerate(body) if p.find(f".//{W}hyperlink") is not None)
    assert texts.index("Contents test") < first_entry < texts.index("Section 0 & <more>")
    last_entry = max(i for i, p in enumerate(body) if p.find(f".//{W}hyperlink") is not None)
    assert body[last_entry].find(f".//{W}br[@{W}type='page']") is not None


def test_no_contents_without_toc_and_no_bookmarks() -> None:
    document = dataclasses.replace(_long_document(), meta=t.Meta(title="x"))
    data = write_docx(document, DEFAULT_THEME)
    assert bookmarks(data) == {} and "TOC " not in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def test_a_document_with_contents_passes_the_schema_check(tmp_path: Path) -> None:
    from tests.writers.test_ooxml_valid import schema_errors

    assert schema_errors(write_docx(_long_document(), DEFAULT_THEME), tmp_path) == []


def test_entries_nest_like_the_outline_whatever_the_heading_levels() -> None:
    blocks = (_heading(2, "a"), _heading(3, "b"), _heading(1, "c"), _heading(3, "d"), _heading(3, "e"))
    assert [(e.text, e.level) for e in docx_toc.entries(blocks)] == [("a", 0), ("b", 1), ("c", 0), ("d", 1),
                                                                      ("e", 1)]


# --------------------------------------------------------------------------- LibreOffice's pagination

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _variants() -> list[tuple[str, Agreement]]:
    """The shipped agreement and agreements made from it with more, longer and mixed-script text,
    drawn with a fixed seed (the same documents on every run)."""
    rng = random.Random(17)
    words = ["cooperation", "digital", "economy", "province", "platform", "data", "cloud", "logistics", "trade",
             "culture", "innovation", "talent", "浙江", "数字经济", "合作", "research", "平台"]

    def text(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."

    out = [("shipped", Agreement.model_validate(shipped_dict()))]
    for name, paragraphs, items in (("longer", 60, 6), ("many-sections", 25, 14), ("short", 8, 2),
                                    ("dense", 120, 4)):
        data = shipped_dict()
        data["summary"] = text(paragraphs * 3)
        data["context"] = [{"title": f"Background {i}: {text(4)}", "text": text(paragraphs),
                            "points": [text(12) for _ in range(i % 4)]} for i in range(items)]
        data["focus_areas"] = [{"name": f"Area {i} {text(2)}", "summary": text(paragraphs // 3 + 3)}
                               for i in range(items)]
        data["expected_outcomes"] = [text(20) for _ in range(items)]
        out.append((name, Agreement.model_validate(data)))
    return out


def _lo_heading_pages(pdf: Path) -> list[int]:
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    pages: list[int] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pages.append(reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    return pages


@pytest.fixture(scope="module")
def paginated(tmp_path_factory: pytest.TempPathFactory, office: Office) -> list[tuple[str, list[int], list[int]]]:
    """(name, the contents' page numbers, the pages LibreOffice puts the headings on) per document."""
    folder = tmp_path_factory.mktemp("lo")
    numbers = {}
    for name, agreement in _variants():
        document, _ = compose_document(agreement, "briefing")
        document = dataclasses.replace(document, meta=dataclasses.replace(document.meta, toc=True, toc_min_pages=0))
        data = write_docx(document, DEFAULT_THEME)
        (folder / f"{name}.docx").write_bytes(data)
        numbers[name] = [e[2] for e in read_contents(data).entries]
    office.convert([folder / f"{n}.docx" for n in numbers])
    return [(name, pages, _lo_heading_pages(folder / f"{name}.pdf")) for name, pages in numbers.items()]


@pytest.mark.soffice
def test_contents_page_numbers_match_libreoffice_pagination(paginated: list[tuple[str, list[int], list[int]]]) -> None:
    total = same = 0
    for name, ours, theirs in paginated:
        assert len(ours) == len(theirs), f"{name}: LibreOffice sees every heading"
        total += len(ours)
        same += sum(a == b for a, b in zip(ours, theirs, strict=True))
        print(f"{name}: contents {ours}, LibreOffice {theirs}")
        # Where the two layouts part (a table row or a line more or less on a page), never by more
        # than a page (text shaping and table rows are measured differently by LibreOffice).
        assert all(abs(a - b) <= 1 for a, b in zip(ours, theirs, strict=True)), name
    print(f"agreement: {same}/{total} headings")
    assert same / total >= 0.8, f"only {same} of {total} page numbers agree with LibreOffice"


def test_contents_only_for_a_document_of_at_least_the_pages_asked() -> None:
    long_one = _long_document()
    short = dataclasses.replace(long_one, blocks=long_one.blocks[:4])

    def asking(doc: t.Document, min_pages: int) -> t.Document:
        return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, toc_min_pages=min_pages))

    assert paginate(asking(long_one, 4), DEFAULT_THEME).contents
    assert not paginate(asking(short, 4), DEFAULT_THEME).contents
    assert paginate(asking(short, 0), DEFAULT_THEME).contents


def test_dropped_contents_leave_no_trace() -> None:
    from docx import Document as open_docx

    from reports.writers.docx.furniture import title_block
    from reports.writers.docx.story import StoryWriter

    document = open_docx()
    writer = StoryWriter(document, DEFAULT_THEME, t.Meta(title="x", toc=True))
    title_block(writer)
    writer.blocks((_heading(1, "a"), t.Paragraph((t.Text("b"),)), _heading(2, "c")))
    before = len(document.element.body)
    writer.toc.drop()
    body = document.element.body
    assert len(body) == before - 1
    assert body.find(f".//{W}bookmarkStart") is None and body.find(f".//{W}bookmarkEnd") is None
    assert [p.text for p in document.paragraphs if p.text] == ["x", "a", "b", "c"]


def test_heading_pages_are_where_the_pdf_prints_each_heading() -> None:
    from pypdf import PdfReader

    from tests.writing import write_pdf

    document = _long_document()
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(write_pdf(document, DEFAULT_THEME))).pages]
    found = []
    for entry in docx_toc.entries(document.blocks):
        # The heading's page: the first page after the contents (page 1) that prints its text.
        found.append(next(i + 1 for i, text in enumerate(pages) if i > 0 and entry.text in text))
    assert list(paginate(document, DEFAULT_THEME).heading_pages) == found
