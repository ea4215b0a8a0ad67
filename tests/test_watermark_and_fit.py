"""The DRAFT mark (the theme's ``watermark:`` or ``--watermark``) behind the text of every page of both
formats, and the memo that keeps to one page for the README's themes, or warns that it does not."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from lxml import etree
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from reports.errors import RenderError
from reports.fit import pdf_pages
from reports.load import load_agreement, load_theme
from reports.model import Agreement
from reports.pipeline import Options, render, render_formats
from reports.theme import Theme
from reports.writers.docx.watermark import shape_size
from reports.writers.pdf.styles import stylesheet
from reports.writers.watermark import watermark_colour, watermark_text
from tests.conftest import ROOT, shipped_dict

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
V = "{urn:schemas-microsoft-com:vml}"
THEMED_DOCS = ("README.md", "docs/theme-guide.md")  # the documents whose themes a memo must fit with


def _page_texts(data: bytes) -> Iterator[list[str]]:
    # The text of each page in the order its content stream draws it.
    for page in PdfReader(io.BytesIO(data)).pages:
        drawn: list[str] = []

        def visit(text: str, *_: object, into: list[str] = drawn) -> None:
            if text.strip():
                into.append(text.strip())

        page.extract_text(visitor_text=visit)
        yield drawn


def _theme(**fields: object) -> Theme:
    return Theme.model_validate(fields)


# --------------------------------------------------------------------------- the mark in the PDF


@pytest.mark.parametrize("kind", ["briefing", "memo"])
def test_pdf_mark_is_drawn_first_on_every_page(shipped: Agreement, kind: str) -> None:
    data = render(shipped, kind, "pdf", Options(theme=_theme(watermark="DRAFT"))).data
    pages = list(_page_texts(data))
    assert len(pages) == (pdf_pages(data) or 0) and (kind == "memo" or len(pages) > 1)
    for number, drawn in enumerate(pages, start=1):
        # Under the text: the first thing on the page, before the body (and the page's furniture).
        assert drawn[0] == "DRAFT", (number, drawn[:3])
        assert drawn.count("DRAFT") == 1
        assert len(drawn) > 3


def test_pdf_mark_is_large_light_and_turned(shipped: Agreement) -> None:
    data = render(shipped, "memo", "pdf", Options(theme=_theme(watermark="DRAFT"))).data
    page = PdfReader(io.BytesIO(data)).pages[0]
    content = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    mark = re.search(r"q\n([\d. ]+) rg\n([-\d. ]+) cm\nBT [-\d. ]+ Tm /\S+ ([\d.]+) Tf [\d.]+ TL \(DRAFT\) Tj", content)
    assert mark is not None, content[:400]
    assert content.index(") Tj") == content.index("(DRAFT) Tj") + len("(DRAFT")  # the first text drawn
    colour = watermark_colour("#C9CED6")
    expected = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    assert [float(x) for x in mark.group(1).split()] == pytest.approx(expected, abs=1e-5)
    assert all(c > 0.85 for c in expected)  # light: body text over it stays readable
    a, b, c, d, e, f = (float(x) for x in mark.group(2).split())
    assert (a, b, c, d) == pytest.approx((0.707107, 0.707107, -0.707107, 0.707107))  # 45 degrees
    assert (e, f) == pytest.approx((595.2756 / 2, 841.8898 / 2))  # about the centre of the A4 page
    assert 60 <= float(mark.group(3)) <= 110


def test_the_command_line_mark_overrides_the_theme(shipped: Agreement) -> None:
    theme = _theme(watermark="DRAFT")
    copy = render(shipped, "memo", "pdf", Options(theme=theme, watermark="COPY 3")).data
    assert [p[0] for p in _page_texts(copy)] == ["COPY 3"]
    none = render(shipped, "memo", "pdf", Options(theme=theme, watermark="")).data
    assert "DRAFT" not in next(_page_texts(none))
    plain = render(shipped, "memo", "pdf").data
    assert next(_page_texts(plain))[0] != "DRAFT"


def test_theme_file_mark_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "theme.yaml"
    path.write_text('watermark: "  DRAFT\\tfor\\ncomment  "\n', "utf-8")
    assert load_theme(path).watermark == "DRAFT\tfor\ncomment"
    assert watermark_text(load_theme(path).watermark) == "DRAFT for comment"
    path.write_text("watermark: '   '\n", "utf-8")
    assert load_theme(path).watermark is None


# --------------------------------------------------------------------------- the mark in Word


def _section_headers(data: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): "word/" + r.get("Target") for r in rels}
    body = etree.fromstring(parts["word/document.xml"])
    used: dict[str, str] = {}
    for sect in body.iter(f"{W}sectPr"):
        for ref in sect.iter(f"{W}headerReference"):
            used[ref.get(f"{W}type")] = targets[ref.get(f"{R}id")]
    return used, parts


@pytest.mark.parametrize("kind", ["briefing", "memo"])
def test_docx_mark_is_in_every_header_the_section_uses(shipped: Agreement, kind: str) -> None:
    data = render(shipped, kind, "docx", Options(theme=_theme(watermark="DRAFT", colours={"rule": "#808080"}))).data
    used, parts = _section_headers(data)
    assert set(used) == {"default", "first", "even"}
    ids = []
    for kind_of_header, name in used.items():
        shapes = [s for s in etree.fromstring(parts[name]).iter(f"{V}shape")
                  if s.get("id", "").startswith("PowerPlusWaterMarkObject")]
        assert len(shapes) == 1, kind_of_header
        shape = shapes[0]
        assert shape.find(f"{V}textpath").get("string") == "DRAFT"
        assert shape.get("fillcolor") == "#C0C0C0"  # the rule colour halfway to white
        style = shape.get("style")
        assert "rotation:315" in style and "z-index:-" in style and "mso-position-horizontal:center" in style
        assert "Source Sans Pro" in shape.find(f"{V}textpath").get("style")
        ids.append(shape.get("{urn:schemas-microsoft-com:office:office}spid"))
    assert len(set(ids)) == 3  # shape ids are unique in the document
    assert "DRAFT" not in "".join(p.decode("utf-8", "replace") for n, p in parts.items()
                                  if n == "word/document.xml")


def test_docx_without_a_mark_has_none(shipped: Agreement) -> None:
    data = render(shipped, "memo", "docx", Options(theme=_theme(watermark="DRAFT"), watermark="")).data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any(b"PowerPlusWaterMarkObject" in z.read(n) for n in z.namelist())


def test_docx_mark_text_is_data_not_markup(shipped: Agreement) -> None:
    text = 'A&B <i>"x"</i>'
    data = render(shipped, "memo", "docx", Options(theme=_theme(), watermark=text)).data
    used, parts = _section_headers(data)
    strings = {etree.fromstring(parts[n]).find(f".//{V}shape/{V}textpath").get("string") for n in used.values()}
    assert strings == {text}
    assert next(_page_texts(render(shipped, "memo", "pdf", Options(watermark=text)).data))[0] == text


def test_mark_sizes_agree_between_formats() -> None:
    width, height = shape_size("DRAFT", 481.9, 728.5)  # A4 inside the default margins
    assert width / height == pytest.approx(0.62 * 5 / 0.7, rel=0.01)
    assert height == pytest.approx(110 * 0.7)  # a short word: the largest size
    long_width, long_height = shape_size("NOT FOR DISTRIBUTION OUTSIDE THE DEPARTMENT", 481.9, 728.5)
    assert long_height < 30 and long_width <= 0.7 * (481.9 ** 2 + 728.5 ** 2) ** 0.5


# --------------------------------------------------------------------------- one page


def _documented_themes(tmp_path: Path) -> list[Theme]:
    """Every theme the README and the theme guide show (YAML blocks of theme keys only), its logo drawn
    beside it, and the default theme."""
    themes = [Theme()]
    Image.new("RGB", (400, 120), (122, 31, 43)).save(tmp_path / "logo.png")
    for doc in THEMED_DOCS:
        text = (ROOT / doc).read_text("utf-8")
        for number, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, re.S)):
            fields = yaml.safe_load(block)
            if isinstance(fields, dict) and fields and set(fields) <= set(Theme.model_fields):
                path = tmp_path / f"{Path(doc).stem}-{number}.yaml"
                path.write_text(block, "utf-8")
                themes.append(load_theme(path))
    assert any(t.page_size == "Letter" and t.logo for t in themes), "the README's Letter theme was not found"
    return themes


def test_memo_fits_one_page_with_every_documented_theme(shipped: Agreement, minimal: Agreement,
                                                    tmp_path: Path) -> None:
    for theme in _documented_themes(tmp_path):
        for agreement in (shipped, minimal):
            if agreement.memo is not None and (theme.classification or theme.organisation):
                # The theme's labels are defaults: data with its own would warn (an error under --strict).
                memo = agreement.memo.model_copy(update={"classification": None, "organisation": None})
                agreement = agreement.model_copy(update={"memo": memo})
            for mark in (None, "DRAFT"):
                pdf = render(agreement, "memo", "pdf", Options(theme=theme, watermark=mark, strict=True))
                assert pdf_pages(pdf.data) == 1, theme
                text = " ".join(" ".join(p) for p in _page_texts(pdf.data))
                assert "Sources:" in text or "Source:" in text  # nothing was dropped to make it fit


def test_briefing_keeps_its_spacing() -> None:
    # The memo is set tighter; the briefing (and any custom kind) keeps the house spacing.
    brief, memo, custom = (stylesheet(Theme(), k).styles for k in ("briefing", "memo", "letter"))
    assert memo["Normal"].leading < brief["Normal"].leading == custom["Normal"].leading
    assert memo["Heading 1"].spaceBefore < brief["Heading 1"].spaceBefore
    assert memo["Normal"].fontSize == brief["Normal"].fontSize  # same type size: only the spacing changes


def _long_memo() -> Agreement:
    data = shipped_dict()
    data["summary"] = " ".join([data["summary"]] * 6)
    path_data = yaml.safe_dump(data, allow_unicode=True)
    return Agreement.model_validate(yaml.safe_load(path_data))


def test_a_long_memo_warns_and_fails_under_strict(tmp_path: Path) -> None:
    agreement = _long_memo()
    pdf, docx = render_formats(agreement, "memo", ("pdf", "docx"), source="long.yaml")
    pages = pdf_pages(pdf.data)
    assert pages is not None and pages >= 2
    messages = [w.format() for w in pdf.warnings]
    assert f"long.yaml: memo runs to {pages} pages; it is meant to fit one page: shorten the summary, " \
           "key points or next steps" in messages
    assert docx.warnings == pdf.warnings
    # DOCX alone is not laid out again (it would double its cost), except under --strict, where the PDF
    # layout is the estimate and the message says so.
    (alone,) = render_formats(agreement, "memo", ("docx",), source="long.yaml")
    assert not [w for w in alone.warnings if "runs to" in w.message]
    with pytest.raises(RenderError) as caught:
        render(agreement, "memo", "docx", Options(strict=True), source="long.yaml")
    assert [p.message for p in caught.value.problems if "runs to" in p.message] == [
        f"memo runs to {pages} pages (as laid out for the PDF); it is meant to fit one page: shorten the "
        "summary, key points or next steps"]
    # A long briefing is no problem: only the memo is meant to be one page.
    assert not [w for w in render(agreement, "briefing", "pdf").warnings if "runs to" in w.message]


def test_cli_build_reports_a_long_memo(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reports.cli import main

    data = tmp_path / "long.yaml"
    agreement = shipped_dict()
    agreement["summary"] = " ".join([agreement["summary"]] * 6)
    data.write_text(yaml.safe_dump(agreement, allow_unicode=True), "utf-8")
    loaded = load_agreement(data)
    assert loaded.summary.count("Zhejiang") >= 6
    out = tmp_path / "memo.pdf"
    result = CliRunner().invoke(main, ["pdf", str(data), "--kind", "memo", "-o", str(out)])
    assert result.exit_code == 0 and "memo runs to 2 pages" in result.output, result.output
    strict = CliRunner().invoke(main, ["pdf", str(data), "--kind", "memo", "--strict", "-o",
                                       str(tmp_path / "strict.pdf")])
    assert strict.exit_code == 1 and "memo runs to 2 pages" in strict.output
    assert not (tmp_path / "strict.pdf").exists()


def test_a_chinese_mark_is_set_in_the_cjk_font(shipped: Agreement) -> None:
    data = render(shipped, "memo", "pdf", Options(watermark="草稿")).data
    assert next(_page_texts(data))[0] == "草稿"
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()  # type: ignore[union-attr]
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    # The font chosen right after the 45-degree turn is the mark's.
    first_font = re.search(rb"-0?\.707107 \.707107 [\d.]+ [\d.]+ cm\nBT [-\d. ]+ Tm /(\S+) ",
                           content).group(1).decode()  # type: ignore[union-attr]
    # The document's CJK face: the embedded one found on the machine, else reportlab's CID font.
    expected = stylesheet(Theme(), "memo").cjk
    face = pdfmetrics.getFont(expected).face.name
    assert (face.decode() if isinstance(face, bytes) else face) in str(fonts["/" + first_font]["/BaseFont"])
