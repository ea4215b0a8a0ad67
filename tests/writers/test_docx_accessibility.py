"""What Word's accessibility checker checks, read back from every kind of DOCX the tool writes, with and
without a reference document, for the shipped agreement, hand-built trees and generated agreements:

- the document's language in the document defaults (and in every style that names one), and in the
  core properties; the title core property;
- alt text on every picture (``wp:docPr descr``), or a decorative mark where the template gave none and
  on a reference's own undescribed letterhead picture; the theme's logo described; picture ids unique;
- the first row of every table with a header marked as a header row (``w:tblHeader``), and no other row;
- no empty paragraph used for spacing: the only empty paragraphs left are rules (a bordered paragraph),
  the one paragraph of an empty cell, and the paragraph the format requires after a table that ends a
  cell or comes right before another table; the space after a table is the next paragraph's space before.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from reports import tree as t
from reports.compose import compose_document
from reports.errors import ReportsError
from reports.kinds import DEFAULT_KINDS as KINDS
from reports.model import Agreement
from reports.theme import DEFAULT_THEME, Theme
from reports.writers.docx.access import word_language
from reports.writers.docx.writer import fit_property
from tests import strategies
from tests.catalogue_references import blank, hostile, rewrite
from tests.conftest import shipped_dict
from tests.writers.sample import sample_document
from tests.writing import write_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"w": W, "wp": WP, "adec": ADEC, "cp": CP, "dc": DC}
STORIES = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml")
# What makes a paragraph not empty besides text: pictures, fields, breaks, tabs, note references.
CONTENT = [f"{{{W}}}{n}" for n in ("drawing", "pict", "object", "fldChar", "fldSimple", "instrText", "br", "tab",
                                   "footnoteReference", "endnoteReference", "sym")]


# ------------------------------------------------------------------------------------------ reading back


class Read:
    """One DOCX, parsed: its parts as XML trees."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.xml = {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                        if name.endswith(".xml")}
        self.body = self.xml["word/document.xml"].find(f"{{{W}}}body")
        self.styles = {s.get(f"{{{W}}}styleId"): s for s in self.xml["word/styles.xml"].iter(f"{{{W}}}style")}

    def core(self, name: str) -> str:
        found = self.xml["docProps/core.xml"].find(name, NS)
        return "" if found is None else (found.text or "")

    def default_language(self) -> str | None:
        lang = self.xml["word/styles.xml"].find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
        return None if lang is None else lang.get(f"{{{W}}}val")

    def style_languages(self) -> set[str]:
        return {lang.get(f"{{{W}}}val") for style in self.styles.values() for lang in style.iter(f"{{{W}}}lang")
                if lang.get(f"{{{W}}}val") is not None}

    def pictures(self) -> Iterator[tuple[str, Any]]:
        for name, root in self.xml.items():
            if name.startswith(STORIES):
                for doc_pr in root.iter(f"{{{WP}}}docPr"):
                    yield name, doc_pr

    def style_chain(self, style_id: str | None) -> Iterator[Any]:
        seen = set()
        while style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            based = style.find("w:basedOn", NS)
            style_id = None if based is None else based.get(f"{{{W}}}val")

    def paragraph_style(self, p: Any) -> str | None:
        style = p.find("w:pPr/w:pStyle", NS)
        return None if style is None else style.get(f"{{{W}}}val")

    def is_rule(self, p: Any) -> bool:
        """A paragraph drawn as a line: a bottom border from its style (Rule, Title Rule) or its own."""
        if p.find("w:pPr/w:pBdr", NS) is not None:
            return True
        return any(s.find("w:pPr/w:pBdr", NS) is not None for s in self.style_chain(self.paragraph_style(p)))

    def space_before(self, p: Any) -> float:
        """The space before paragraph ``p`` (points), from the paragraph, its styles or the defaults."""
        for source in [p, *self.style_chain(self.paragraph_style(p) or "Normal")]:
            spacing = source.find("w:pPr/w:spacing", NS)
            if spacing is not None and spacing.get(f"{{{W}}}before") is not None:
                return int(spacing.get(f"{{{W}}}before")) / 20
        return 0.0

    def tables(self) -> list[Any]:
        return list(self.body.iter(f"{{{W}}}tbl"))

    def table_style(self, tbl: Any) -> str | None:
        style = tbl.find("w:tblPr/w:tblStyle", NS)
        return None if style is None else style.get(f"{{{W}}}val")


def text_of(element: Any) -> str:
    return "".join(x.text or "" for x in element.iter(f"{{{W}}}t"))


def is_empty(p: Any) -> bool:
    return text_of(p) == "" and not any(True for _ in p.iter(*CONTENT))


def blank_paragraphs(doc: Read) -> list[str]:
    """Every empty paragraph of the body that is not a rule, an empty cell's paragraph or a paragraph
    the format requires after a table (described for the failure message)."""
    found = []
    for p in doc.body.iter(f"{{{W}}}p"):
        if not is_empty(p) or doc.is_rule(p):
            continue
        parent, before, after = p.getparent(), p.getprevious(), p.getnext()
        if parent.tag == f"{{{W}}}tc" and len(parent.findall("w:p", NS)) == 1 and parent.find("w:tbl", NS) is None:
            continue  # the one paragraph a cell must have
        after_table = before is not None and before.tag == f"{{{W}}}tbl"
        if after_table and ((parent.tag == f"{{{W}}}tc" and after is None) or
                            (after is not None and after.tag == f"{{{W}}}tbl")):
            spacing = p.find("w:pPr/w:spacing", NS)
            assert spacing is not None and spacing.get(f"{{{W}}}lineRule") == "exact"  # the gap, not a line
            continue
        previous = etree.QName(before).localname if before is not None else None
        found.append(f"style {doc.paragraph_style(p)!r} after {previous}")
    return found


def tree_tables(blocks: tuple[Any, ...]) -> Iterator[t.Table]:
    for block in blocks:
        if isinstance(block, t.Table):
            yield block
        for child in ("blocks", "items"):
            yield from tree_tables(tuple(getattr(block, child, ())))
        if isinstance(block, t.FieldTable):
            for row in block.rows:
                yield from tree_tables(row.value)


def inline_text(inlines: t.Inlines) -> str:
    out = []
    for node in inlines:
        if isinstance(node, t.Text | t.Code):
            out.append(node.text)
        elif hasattr(node, "children"):
            out.append(inline_text(node.children))
    return "".join(out)


def check_accessible(data: bytes, document: t.Document) -> Read:
    """Every point of the module's docstring, for ``data`` written from ``document``."""
    doc = Read(data)
    meta = document.meta
    # Title and language.
    assert doc.core("dc:title") == fit_property(meta.title) != ""
    assert doc.core("dc:language") == meta.language
    assert doc.default_language() == word_language(meta.language)
    assert doc.style_languages() <= {word_language(meta.language)}
    # Pictures: alt text or decorative, and ids unique across the stories.
    ids = [doc_pr.get("id") for _, doc_pr in doc.pictures()]
    assert len(ids) == len(set(ids)), ids
    for part, doc_pr in doc.pictures():
        decorative = [e.get("val") for e in doc_pr.iter(f"{{{ADEC}}}decorative")]
        assert doc_pr.get("descr", "").strip() or decorative == ["1"], (part, doc_pr.attrib)
    # Header rows: the first row of a report table (a Markdown table: it has a header), no other row.
    report_tables = [tbl for tbl in doc.tables() if doc.table_style(tbl) == "ReportTable"]
    for tbl in doc.tables():
        rows = tbl.findall("w:tr", NS)
        marked = [i for i, tr in enumerate(rows) if tr.find("w:trPr/w:tblHeader", NS) is not None]
        assert marked == ([0] if tbl in report_tables else []), doc.table_style(tbl)
    headers = [tbl.findall("w:tr", NS)[0] for tbl in report_tables]
    expected = [table for table in tree_tables(document.blocks) if table.header]
    assert len(headers) >= len(expected)
    if len(headers) == len(expected):  # no table split into parts (a part repeats only some columns)
        assert [[text_of(tc) for tc in tr.findall("w:tc", NS)] for tr in headers] == \
               [[inline_text(cell) for cell in table.header] for table in expected]
    # No empty paragraphs for spacing; the space after a table is on the next paragraph.
    assert blank_paragraphs(doc) == []
    assert not [p for p in doc.body.iter(f"{{{W}}}p") if doc.paragraph_style(p) == "Caption" and is_empty(p)]
    return doc


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image

    path = tmp_path_factory.mktemp("a11y")
    Image.new("RGB", (240, 80), "#1F3A5F").save(path / "logo.png")
    (path / "corporate.docx").write_bytes(blank())
    (path / "letterhead.docx").write_bytes(hostile(str(path / "secret.txt")))
    # A reference whose own styles say British English (the data's language must win).
    (path / "british.docx").write_bytes(rewrite(blank(), {"word/styles.xml": _british}))
    return path


def _british(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for style in root.iter(f"{{{W}}}style"):
        if style.get(f"{{{W}}}styleId") in ("Normal", "Heading1"):
            r_pr = style.find("w:rPr", NS)
            if r_pr is None:
                r_pr = etree.SubElement(style, f"{{{W}}}rPr")
            etree.SubElement(r_pr, f"{{{W}}}lang").set(f"{{{W}}}val", "en-GB")
    default_lang = root.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    default_lang.set(f"{{{W}}}val", "en-GB")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


REFERENCES = [None, "corporate.docx", "letterhead.docx", "british.docx"]


def _build(agreement: Agreement, kind: str, theme: Theme, reference: Path | None) -> tuple[bytes, t.Document]:
    document, _ = compose_document(agreement, kind, theme_organisation=theme.organisation)
    return write_docx(document, theme, reference), document


# ------------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_with_and_without_a_reference(folder: Path, shipped: Agreement, kind: str,
                                                 reference: str | None) -> None:
    theme = Theme(logo=folder / "logo.png", organisation="Northwind Policy Unit")
    data, document = _build(shipped, kind, theme, folder / reference if reference else None)
    doc = check_accessible(data, document)
    assert doc.default_language() == "en-US"
    logos = [doc_pr for part, doc_pr in doc.pictures() if part.startswith("word/header")]
    if reference is None or reference != "letterhead.docx":  # a letterhead's own first page header stays
        # described with the document's organisation: the data's own, the theme's only a default
        assert [d.get("descr") for d in logos] == [f"Logo of {document.meta.organisation}"]
    else:  # the letterhead's own undescribed logo is marked decorative
        assert [d.get("descr", "") for d in logos] == [""]
        assert all(next(d.iter(f"{{{ADEC}}}decorative")).get("val") == "1" for d in logos)


def test_space_after_tables_is_on_the_next_paragraph(shipped: Agreement) -> None:
    data, _ = _build(shipped, "briefing", DEFAULT_THEME, None)
    doc = check_accessible(data, _build(shipped, "briefing", DEFAULT_THEME, None)[1])
    for tbl in doc.tables():
        following = tbl.getnext()
        if tbl.getparent() is not doc.body or following is None or following.tag != f"{{{W}}}p":
            continue
        gap = {"KeyFacts": 6, "ReportTable": 8}[doc.table_style(tbl)]
        style_before = Read.space_before(doc, etree.fromstring(
            f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="{doc.paragraph_style(following)}"/></w:pPr></w:p>'))
        assert doc.space_before(following) == style_before + gap


@pytest.mark.parametrize("kind", KINDS)
def test_the_chinese_edition(folder: Path, kind: str) -> None:
    from reports.load import load_agreement

    agreement = load_agreement(Path(__file__).resolve().parents[2] / "data" / "zhejiang-alibaba-2023.zh-Hans.yaml")
    for reference in (None, folder / "british.docx"):
        data, document = _build(agreement, kind, Theme(logo=folder / "logo.png"), reference)
        doc = check_accessible(data, document)
        assert doc.core("dc:language") == "zh-Hans"
        assert doc.default_language() == "zh-CN"
        lang = doc.xml["word/styles.xml"].find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
        assert lang.get(f"{{{W}}}eastAsia") == "zh-CN"
    try:
        import openxml_audit
    except ImportError:
        return
    path = folder / f"chinese-{kind}.docx"
    path.write_bytes(data)  # with the letterhead-free British reference, the CJK face embedded
    assert [str(e) for e in openxml_audit.OpenXmlValidator().validate(path).errors] == []


@pytest.mark.parametrize(("language", "word"), [
    ("en", "en-US"), ("en-GB", "en-GB"), ("de", "de-DE"), ("de-AT", "de-AT"), ("zh-Hans", "zh-CN"),
    ("zh-Hant", "zh-TW"), ("zh-Hant-HK", "zh-HK"), ("zh", "zh-CN"), ("ja", "ja-JP"), ("sr-Latn", "sr-Latn-RS"),
    ("sr", "sr-RS"), ("ar", "ar-EG"), ("pt", "pt-BR"), ("qaa", "qaa"),
])
def test_word_language(language: str, word: str) -> None:
    assert word_language(language) == word


@pytest.mark.parametrize("language", ["zh-Hans", "de-AT", "ar"])
@pytest.mark.parametrize("reference", [None, "british.docx"])
def test_the_data_language_wins(folder: Path, language: str, reference: str | None) -> None:
    data = shipped_dict()
    data["language"] = language
    agreement = Agreement.model_validate(data)
    for kind in KINDS:
        out, document = _build(agreement, kind, DEFAULT_THEME, folder / reference if reference else None)
        doc = check_accessible(out, document)
        assert doc.core("dc:language") == language
        assert doc.default_language() == word_language(language)
        if reference:
            assert doc.style_languages() == {word_language(language)}  # the reference's en-GB is replaced
        if language == "ar":
            lang = doc.xml["word/styles.xml"].find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
            assert lang.get(f"{{{W}}}bidi") == "ar-EG"


@pytest.mark.parametrize("reference", [None, "corporate.docx"])
def test_pictures_with_and_without_alt_text(folder: Path, reference: str | None) -> None:
    logo = str(folder / "logo.png")
    base = sample_document(organisation="")
    document = t.Document(base.meta, (*base.blocks,
                                      t.Image(logo, "A blue bar: the organisation's colour", width_mm=40),
                                      t.Image(logo, "", width_mm=20),
                                      t.Image(logo, "   ", width_mm=20)))
    data = write_docx(document, Theme(logo=folder / "logo.png"), folder / reference if reference else None)
    doc = check_accessible(data, document)
    body = [(d.get("descr"), [e.get("val") for e in d.iter(f"{{{ADEC}}}decorative")])
            for part, d in doc.pictures() if part == "word/document.xml"]
    assert body == [("A blue bar: the organisation's colour", []), ("", ["1"]), ("   ", ["1"])]
    header = [d.get("descr") for part, d in doc.pictures() if part.startswith("word/header")]
    assert header == ["Logo"]  # no organisation to name


def test_tables_inside_cells_and_tables_side_by_side(tmp_path: Path) -> None:
    text = t.Text
    table = t.Table(((text("Year"),), (text("Value"),)), (((text("2023"),), (text("7"),)),), ("left", "right"))
    other = t.Table(((text("Name"),),), (((text("Alibaba"),),),), ("left",))
    document = t.Document(t.Meta(title="Nested"), (
        t.FieldTable((t.Field((text("Figures"),), (t.Paragraph((text("See:"),)), table)),
                      t.Field((text("Empty"),), ()))),
        table, other,
        t.Paragraph((text("After the tables"),)),
        other,
    ))
    data = write_docx(document, DEFAULT_THEME)
    doc = check_accessible(data, document)
    body_tables = doc.body.findall("w:tbl", NS)
    assert len(body_tables) == 4  # the two tables side by side were not joined into one
    nested = body_tables[0].find(".//w:tc/w:tbl", NS)
    spacer = nested.getnext()  # a cell ends with a paragraph: the gap, exactly
    assert spacer.find("w:pPr/w:spacing", NS).get(f"{{{W}}}line") == "160"
    between = body_tables[1].getnext()
    assert between.getnext() is body_tables[2]
    assert between.find("w:pPr/w:spacing", NS).get(f"{{{W}}}line") == "160"
    after = body_tables[2].getnext()
    assert text_of(after) == "After the tables" and doc.space_before(after) == 8  # Normal's 0 + 8
    last = body_tables[3]
    assert last.getnext().tag == f"{{{W}}}sectPr"  # nothing added after the last table of the body
    try:
        import openxml_audit
    except ImportError:
        return
    path = tmp_path / "nested.docx"
    path.write_bytes(data)
    assert [str(e) for e in openxml_audit.OpenXmlValidator().validate(path).errors] == []


def test_the_check_finds_what_it_is_meant_to_find(shipped: Agreement) -> None:
    # Each fault put back by hand must be caught, so that a pass means something.
    data, document = _build(shipped, "briefing", DEFAULT_THEME, None)
    doc = Read(data)
    p = doc.body.find("w:p", NS)
    p.addnext(etree.fromstring(f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="Caption"/></w:pPr></w:p>'))
    assert blank_paragraphs(doc) == ["style 'Caption' after p"]
    broken = _rezip(data, "word/document.xml", lambda x: x.replace(b"<w:tblHeader/>", b""))
    with pytest.raises(AssertionError):
        check_accessible(broken, document)
    unlabelled = _rezip(data, "word/styles.xml", lambda x: x.replace(b'w:val="en-US"', b'w:val="fr-FR"'))
    with pytest.raises(AssertionError):
        check_accessible(unlabelled, document)


def _rezip(data: bytes, name: str, edit: Any) -> bytes:
    return rewrite(data, {name: edit})


def test_decorative_mark_passes_the_schema_check(folder: Path, tmp_path: Path) -> None:
    openxml_audit = pytest.importorskip("openxml_audit")
    base = sample_document()
    document = t.Document(base.meta, (*base.blocks, t.Image(str(folder / "logo.png"), "", width_mm=20)))
    path = tmp_path / "decorative.docx"
    path.write_bytes(write_docx(document, DEFAULT_THEME, folder / "letterhead.docx"))
    assert [str(e) for e in openxml_audit.OpenXmlValidator().validate(path).errors] == []


GENERATED = settings(max_examples=4, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.large_base_example, HealthCheck.function_scoped_fixture])


@GENERATED
@given(agreement=strategies.agreements())
def test_generated_agreements(folder: Path, agreement: Agreement) -> None:
    for kind in KINDS:
        for reference in (None, folder / "corporate.docx"):
            try:
                data, document = _build(agreement, kind, DEFAULT_THEME, reference)
            except ReportsError:
                continue  # a located data or template error: test_generative's concern, no file to check
            check_accessible(data, document)
