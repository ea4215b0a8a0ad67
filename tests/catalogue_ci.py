"""Bad-input catalogue rows for what the tool prints and what it must refuse before it runs (the CI-escape
part of the security issue): template file names that hold terminal controls, Jinja built-ins given
arguments they assert on, a time limit that is no number, a ``SOURCE_DATE_EPOCH`` out of range, a
catalogue's label with a placeholder the writers cannot fill, and a Chinese face whose tables lie.

The GitHub Action's own escaping (log lines, outputs, summary) is tested in tests/test_action.py.
"""

from __future__ import annotations

import os
from pathlib import Path

from reports.paths import builtin_data_dir
from tests.catalogue_case import Case
from tests.conftest import SHIPPED

SHIPPED_BYTES = SHIPPED.read_bytes()
MEMO_PDF = ("pdf", "{file}", "--kind", "memo", "-o", "{dir}/out.pdf")
MEMO_DOCX = ("docx", "{file}", "--kind", "memo", "-o", "{dir}/out.docx")
TPL_PDF = (*MEMO_PDF, "--template-dir", "{dir}/T")
TPL_DOCX = (*MEMO_DOCX, "--template-dir", "{dir}/T")


def _no_document(folder: Path, _output: str) -> None:
    written = [p.name for p in folder.rglob("*") if p.name.startswith(("out.", ".out."))]
    assert not written, f"a failed build left {written}"


def _nothing_raw(folder: Path, output: str) -> None:
    # What a terminal would act on: ESC, BEL, C1 controls, bidi overrides, undecodable bytes.
    raw = [c for c in output if c in "\x1b\x07\x9b\u202e\u2066" or 0xDC80 <= ord(c) <= 0xDCFF]
    assert not raw, f"printed raw: {raw!r}"


def _names(*names: bytes):  # type: ignore[no-untyped-def]
    def setup(folder: Path) -> None:
        (folder / "T").mkdir(exist_ok=True)
        for name in names:
            with open(os.path.join(os.fsencode(folder / "T"), name), "wb") as handle:
                handle.write(b"# x\n")
    return setup


CHINESE = (builtin_data_dir() / "zhejiang-alibaba-2023.zh-Hans.yaml").read_bytes()
PO = "T/locales/zh_Hans/LC_MESSAGES/messages.po"


def _po(msgid: str, msgstr: str) -> bytes:
    return (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            + f'msgid "{msgid}"\nmsgstr "{msgstr}"\n'.encode())


def _english_footer(folder: Path, _output: str) -> None:
    import zipfile

    with zipfile.ZipFile(folder / "out.docx") as package:
        footers = "".join(package.read(n).decode() for n in package.namelist() if "footer" in n)
    assert "Page " in footers and "%(" not in footers, "the English label, filled, is used"


def _lying_truetype(glyphs: int):  # type: ignore[no-untyped-def]
    """A theme naming a small TrueType Chinese face (5 glyphs) whose maxp table says ``glyphs``."""
    def setup(folder: Path) -> None:
        import struct

        from fontTools.fontBuilder import FontBuilder
        from fontTools.pens.ttGlyphPen import TTGlyphPen

        order = [".notdef", *(f"uni{ord(c):04X}" for c in "中文一A")]
        outlines = {}
        for name in order:
            pen = TTGlyphPen(None)
            pen.moveTo((100, 0))
            pen.lineTo((100, 700))
            pen.lineTo((800, 700))
            pen.lineTo((800, 0))
            pen.closePath()
            outlines[name] = pen.glyph()
        builder = FontBuilder(1000, isTTF=True)
        builder.setupGlyphOrder(order)
        builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in "中文一A"})
        builder.setupGlyf(outlines)
        builder.setupHorizontalMetrics({name: (1000, 100) for name in order})
        builder.setupHorizontalHeader(ascent=880, descent=-120)
        builder.setupNameTable({"familyName": "Lying Song", "styleName": "Regular"})
        builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
        builder.setupPost()
        builder.save(str(folder / "lies.ttf"))
        data = bytearray((folder / "lies.ttf").read_bytes())
        for entry in range(struct.unpack(">H", data[4:6])[0]):  # the table directory: find maxp
            tag, _sum, offset, _length = struct.unpack(">4sIII", data[12 + 16 * entry:28 + 16 * entry])
            if tag == b"maxp":
                data[offset + 4:offset + 6] = struct.pack(">H", glyphs)
        (folder / "lies.ttf").write_bytes(bytes(data))
        (folder / "theme.yaml").write_text(f"fonts:\n  cjk: {folder / 'lies.ttf'}\n", "utf-8")
    return setup


def _template(name: str, what: str, body: str, message: str, args: tuple[str, ...] = TPL_PDF) -> Case:
    return Case(f"ci-{name}", what, "data.yaml", SHIPPED_BYTES, f"T/memo.md.j2:3: {message}", 1, args,
                files=(("T/memo.md.j2", f"# Memo\n\n{body}\n".encode()),), extra=_no_document)


CASES: list[Case] = [
    # reports templates prints every name as the path column does (escaped), never raw.
    Case("ci-templates-osc-title", "a template file name holding an OSC terminal-title sequence (ESC ] 0; ... BEL)",
         "data.yaml", None, "a\\x1b]0;pwned\\x07b.md.j2", 0, ("templates", "--template-dir", "{dir}/T"),
         setup=_names(b"a\x1b]0;pwned\x07b.md.j2"), extra=_nothing_raw),
    Case("ci-templates-byte-ff", "template file names with a byte 0xFF and a right-to-left override",
         "data.yaml", None, "c\\xff\\u202ed.md.j2", 0, ("templates", "--template-dir", "{dir}/T"),
         setup=_names(b"c\xff\xe2\x80\xaed.md.j2", b"partial\x9b31m.md.j2"), extra=_nothing_raw),
    # Jinja's truncate asserts on an end marker longer than the length; cycler() with no items raises.
    _template("truncate-end",
              'the truncate filter with an end marker longer than its length: truncate(5, end="......")',
              '{{ "abc" | truncate(5, end="......") }}',
              "truncate: the length 5 is shorter than the end marker '......' (6 characters)"),
    _template("truncate-killwords", "truncate cutting words at a length shorter than the default end marker",
              '{{ data.title | truncate(2, true) }}', "truncate: the length 2 is shorter than the end marker '...'",
              TPL_DOCX),
    _template("cycler-empty", "cycler() with no items, then next()", "{% set c = cycler() %}{{ c.next() }}",
              "cycler() needs at least one item"),
    _template("cycler-empty-current", "cycler() with no items, then its current item",
              "{% set c = cycler() %}{{ c.current }}", "cycler() needs at least one item", TPL_DOCX),
    # --timeout: a finite number of seconds, or a usage error.
    Case("ci-timeout-inf", "--timeout inf", "data.yaml", SHIPPED_BYTES,
         "Invalid value for '--timeout': 'inf' is not a number of seconds", 2, (*MEMO_PDF, "--timeout", "inf"),
         extra=_no_document),
    Case("ci-timeout-nan", "--timeout nan (compares false with every bound)", "data.yaml", SHIPPED_BYTES,
         "Invalid value for '--timeout': 'nan' is not a number of seconds", 2,
         ("build", "{file}", "--out-dir", "{dir}/out.d", "--timeout", "nan"), extra=_no_document),
    Case("ci-timeout-huge", "--timeout 1e300 (more than the interval timer holds)", "data.yaml", SHIPPED_BYTES,
         "'1e300' is not a number of seconds from 0 (no limit) to 1,000,000", 2,
         (*MEMO_DOCX, "--timeout", "1e300"), extra=_no_document),
    # SOURCE_DATE_EPOCH: read in one place for both writers; out of range is a usage error.
    Case("ci-epoch-huge", "SOURCE_DATE_EPOCH=99999999999999999999", "data.yaml", SHIPPED_BYTES,
         "SOURCE_DATE_EPOCH='99999999999999999999': expected whole seconds since 1970-01-01 UTC, from 0 to "
         "253402300799", 2, MEMO_PDF, env=(("SOURCE_DATE_EPOCH", "99999999999999999999"),), extra=_no_document),
    Case("ci-epoch-negative", "a negative SOURCE_DATE_EPOCH", "data.yaml", SHIPPED_BYTES,
         "SOURCE_DATE_EPOCH='-1': expected whole seconds", 2, MEMO_DOCX,
         env=(("SOURCE_DATE_EPOCH", "-1"),), extra=_no_document),
    Case("ci-epoch-year-10000", "SOURCE_DATE_EPOCH one second after 9999-12-31, in a build", "data.yaml",
         SHIPPED_BYTES, "SOURCE_DATE_EPOCH='253402300800': expected whole seconds", 2,
         ("build", "{file}", "--out-dir", "{dir}/out.d"), env=(("SOURCE_DATE_EPOCH", "253402300800"),),
         extra=_no_document),
    # A catalogue's translation of a writer's label that does not fill like the English one: the English
    # label, with one warning naming the catalogue, the line and the msgid (an error under --strict).
    Case("ci-label-conversion", "a catalogue translating 'Page %(page)s of %(pages)s' with a %(page)c placeholder",
         "zh.yaml", CHINESE, "messages.po:5: warning: msgid 'Page %(page)s of %(pages)s': the translation "
         "'第%(page)c页，共%(pages)s页' does not fill like the English text", 0,
         ("docx", "{file}", "--kind", "memo", "--template-dir", "{dir}/T", "-o", "{dir}/out.docx"),
         files=((PO, _po("Page %(page)s of %(pages)s", "第%(page)c页，共%(pages)s页")),), extra=_english_footer),
    Case("ci-label-stray-percent", "a catalogue translating 'Figure %(number)s' with a lone % sign, under --strict",
         "zh.yaml", CHINESE, "messages.po:5: msgid 'Figure %(number)s': the translation '图%(number)s %'", 1,
         ("pdf", "{file}", "--kind", "memo", "--template-dir", "{dir}/T", "-o", "{dir}/out.pdf", "--strict"),
         files=((PO, _po("Figure %(number)s", "图%(number)s %")),), extra=_no_document),
    # A TrueType face named by fonts.cjk whose maxp table lies about its glyph count: the theme's error,
    # at its field, before fontTools or reportlab read past a table (IndexError, struct.error, KeyError).
    Case("ci-cjk-maxp-too-many", "a theme's CJK TrueType face whose maxp claims 65,535 glyphs (it has 5)",
         "zh.yaml", CHINESE, "lies.ttf: its tables disagree (hmtx is too short for the 65535 glyphs maxp counts)", 1,
         ("pdf", "{file}", "--kind", "memo", "--theme", "{dir}/theme.yaml", "-o", "{dir}/out.pdf"),
         setup=_lying_truetype(65535),
         extra=lambda folder, output: (_no_document(folder, output),
                                       _says(output, "theme.yaml:2:3: fonts.cjk: CJK font "))),
    Case("ci-cjk-maxp-too-few", "a theme's CJK TrueType face whose maxp claims 2 glyphs (it has 5)",
         "zh.yaml", CHINESE, "lies.ttf: its tables disagree (cmap maps U+0041 past the 2 glyphs maxp counts)", 1,
         ("docx", "{file}", "--kind", "memo", "--theme", "{dir}/theme.yaml", "-o", "{dir}/out.docx"),
         setup=_lying_truetype(2),
         extra=lambda folder, output: (_no_document(folder, output),
                                       _says(output, "theme.yaml:2:3: fonts.cjk: CJK font "))),
]


def _says(output: str, text: str) -> None:
    assert text in output, output
