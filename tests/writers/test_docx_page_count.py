"""The page numbers the DOCX's header and footer fields hold before anything updates them.

A reader that does not update fields (a previewer, a text extraction) prints the results as written:
NUMPAGES holds the page count of the one layout, the same as the PDF of the same document, and PAGE the
first page its footer is shown on (1 on the first page's own footer, 2 on the footer of the pages
after it). Read back from the XML and as python-docx reads the footers' text; a reference document's own
footer fields are filled too.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from reports import tree as t
from reports.theme import DEFAULT_THEME
from tests.conftest import ROOT
from tests.writing import write_docx, write_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _document(paragraphs: int, rows: int, toc: bool = False) -> t.Document:
    blocks: list[t.Block] = []
    for i in range(paragraphs):
        blocks += [t.Heading(1, (t.Text(f"Section {i}"),)),
                   t.Paragraph((t.Text("Cooperation on the digital economy and its data. " * 40),))]
    if rows:
        blocks.append(t.Table(((t.Text("Date"),), (t.Text("Event"),)),
                              tuple(((t.Text(f"r{i}"),), (t.Text("A step of the programme."),)) for i in range(rows)),
                              ("left", "left")))
    return t.Document(t.Meta(title="Pages", iso_date="2023-07-07", toc=toc), tuple(blocks))


def field_results(data: bytes) -> dict[str, list[tuple[str, str]]]:
    """For each header and footer part: (instruction, cached result) of every field, in order."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    out: dict[str, list[tuple[str, str]]] = {}
    for name in archive.namelist():
        if not re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            continue
        root = etree.fromstring(archive.read(name))
        fields: list[tuple[str, str]] = []
        for simple in root.iter(f"{W}fldSimple"):
            fields.append((simple.get(f"{W}instr", "").split()[0], "".join(x.text or "" for x in simple.iter(f"{W}t"))))
        instruction, result, state = "", "", ""
        for element in root.iter(f"{W}fldChar", f"{W}instrText", f"{W}t"):
            if element.tag == f"{W}fldChar":
                state = element.get(f"{W}fldCharType", "")
                if state == "begin":
                    instruction, result = "", ""
                elif state == "end":
                    fields.append((instruction.split()[0], result))
            elif element.tag == f"{W}instrText" and state == "begin":
                instruction += element.text or ""
            elif element.tag == f"{W}t" and state == "separate":
                result += element.text or ""
        out[name] = fields
    return out


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=st.integers(0, 14), rows=st.integers(0, 150), toc=st.booleans())
def test_the_cached_page_count_is_the_pdfs(paragraphs: int, rows: int, toc: bool) -> None:
    document = _document(paragraphs, rows, toc)
    pages = len(PdfReader(io.BytesIO(write_pdf(document, DEFAULT_THEME))).pages)
    results = field_results(write_docx(document, DEFAULT_THEME))
    counts = [result for fields in results.values() for name, result in fields if name == "NUMPAGES"]
    assert counts and set(counts) == {str(pages)}


def test_a_text_reader_reads_page_1_of_n_and_page_2_of_n() -> None:
    document = _document(10, 0)
    pages = len(PdfReader(io.BytesIO(write_pdf(document, DEFAULT_THEME))).pages)
    assert pages > 2
    section = docx.Document(io.BytesIO(write_docx(document, DEFAULT_THEME))).sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_footer.paragraphs[0].text.endswith(f"Page 1 of {pages}")
    assert section.footer.paragraphs[0].text.endswith(f"Page 2 of {pages}")


def test_a_references_own_footer_fields_are_filled_too(tmp_path: Path) -> None:
    reference = docx.Document(str(ROOT / "templates" / "reference.docx"))
    footer = reference.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" NUMPAGES \\* MERGEFORMAT ">'
                                  "<w:r><w:t>1</w:t></w:r></w:fldSimple>"))
    for xml in ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>', '<w:r><w:instrText> PAGE </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r><w:instrText> NUMPAGES \\* roman </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', "<w:r><w:t>i</w:t></w:r>",
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1)))
    path = tmp_path / "letterhead.docx"
    reference.save(str(path))
    document = _document(10, 0)
    pages = len(PdfReader(io.BytesIO(write_pdf(document, DEFAULT_THEME))).pages)
    results = [fields for fields in field_results(write_docx(document, DEFAULT_THEME, path)).values()
               if ("NUMPAGES", str(pages)) in fields]
    assert results, "the reference's footer holds the page count"
    fields = results[0]
    assert ("PAGE", "2") in fields or ("PAGE", "1") in fields, "an empty PAGE result gets the number"
    assert ("NUMPAGES", "i") in fields, "a result in a number format of its own is left as it is"


@given(st.sampled_from(["1", "", " 2 ", "a\tb", "x\ny"]))
def test_a_field_is_the_runs_python_docx_would_make(placeholder: str) -> None:
    # add_field writes its runs with lxml; python-docx's add_run and run.text are the reference.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from reports.writers.docx import ooxml

    ours = docx.Document().add_paragraph()
    ooxml.add_field(ours, "NUMPAGES", placeholder)
    theirs = docx.Document().add_paragraph()
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = theirs.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
            instr.text = " NUMPAGES "
            run._r.append(instr)
        elif kind == "text":
            run.text = placeholder
        else:
            char = OxmlElement("w:fldChar", {qn("w:fldCharType"): kind})
            if kind == "begin":
                char.set(qn("w:dirty"), "true")
            run._r.append(char)
    assert etree.tostring(ours._p) == etree.tostring(theirs._p)
