"""The Typst peer: the briefing typeset by Typst (the PyPI package ``typst``, the Rust compiler run
in-process), with the same words as the tool's (``benchmarks.content``), the same tables, a running
header and footer with "Page N of M", and the timeline figure drawn in Typst itself.

The page, type and blocks are a Typst template (``typst_briefing.typ``) written once; ``markup`` appends
the document, every piece of data escaped for Typst markup (``escape``), and ``briefing_pdf`` compiles
both. The fonts are the tool's (Source Serif and Source Sans, Chinese in WenQuanYi Zen Hei), loaded
once per process by one ``typst.Compiler``, as the tool and the PDF floor register theirs once.

Typst remembers what it laid out (its ``comemo`` cache, process-wide): compiling the same markup again
costs a few milliseconds of cache look-ups, not a typesetting. The tool typesets afresh on every call, so
``briefing_pdf`` gives each compile a style no earlier one had (``fresh``, a set rule that changes
nothing on the page but every cache key), which makes Typst lay the whole document out again with its
fonts already loaded; ``memoized=True`` measures the cache instead (``benchmarks.run`` reports both).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import string
import tempfile
import unicodedata
from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import Any

import typst

from benchmarks import content
from benchmarks.timing import SHIPPED, median_ms
from reports.model import Agreement

TEMPLATE = Path(__file__).with_name("typst_briefing.typ")
# WenQuanYi Zen Hei where Debian, Fedora and Arch put it (the Chinese face the tool finds on this machine).
ZEN_HEI = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
           "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc")
# The faces the tool's theme uses (bold is the semibold face), and no others: the packages also hold
# OpenType-CFF copies of each, which Typst would otherwise be free to pick instead.
FACES = {"font_source_serif_pro": ("SourceSerifPro-Regular.ttf", "SourceSerifPro-It.ttf",
                                   "SourceSerifPro-Semibold.ttf", "SourceSerifPro-SemiboldIt.ttf"),
         "font_source_sans_pro": ("SourceSansPro-Regular.ttf", "SourceSansPro-It.ttf",
                                  "SourceSansPro-Semibold.ttf")}
STANDARDS: list[typst.PDFStandard] = ["a-2a", "ua-1"]  # tagged and archival, as the tool's briefing claims

_ESCAPED = frozenset(string.punctuation)  # every ASCII mark: Typst's markup syntax is all ASCII
_QUOTES = frozenset("'\"")
# What Typst reads as the end of a line (a blank line would end the paragraph); tabs are spaces too.
_BREAKS = frozenset("\t\n\v\f\r\x85\u2028\u2029")


def escape(text: str, smart_quotes: bool = False) -> str:
    """``text`` as Typst markup that prints it as it is.

    Every ASCII punctuation mark is escaped with a backslash (Typst reads ``\\`` before any other character
    as that character), so nothing in the data can start a function (``#``), maths (``$``), emphasis
    (``*``, ``_``), raw text (a backtick), a reference or label (``@``, ``<``), a content block (``[``, ``]``),
    a comment (``//``, ``/*``), a link (``https://``), a shorthand (``--``, ``...``, ``~``, ``-?``, ``-``
    before a digit as a minus sign) or, at the start of a line, a heading (``=``), a list (``-``, ``+``,
    ``1.``) or a term (``/``). Line breaks become spaces (the text is one paragraph) and the other control
    characters, which no face draws, are left out. With ``smart_quotes`` the straight quotes stay markup,
    so that Typst sets them as the language's quotation marks and apostrophes, as the tool does (but for
    a quote after a digit: Typst sets the primes ′ ″, the tool ’ ”; the shipped agreement has none).
    """
    out: list[str] = []
    for char in text:
        if char in _BREAKS:
            out.append(" ")
        elif char in _ESCAPED and not (smart_quotes and char in _QUOTES):
            out.append("\\" + char)
        elif unicodedata.category(char) not in ("Cc", "Cs"):
            out.append(char)
    return "".join(out)


def _t(text: str) -> str:
    """Data in the briefing: escaped, its quotes set by Typst."""
    return escape(text, smart_quotes=True)


def _content(text: str) -> str:
    """Data as a Typst content argument."""
    return f"[{_t(text)}]"


def _items(items: list[str], marker: str = "-") -> list[str]:
    return [f"{marker} {_t(item)}" for item in items] + [""]


def markup(a: Agreement) -> str:
    """The briefing of ``a`` as a Typst document (without the template): the tool's words, in its order."""
    b = content.briefing(a)
    title, marking = b.header.split("\t")
    note = b.footer.split("\t")[0]
    out = [f"#set document(title: {_content(b.title)})",
           f"#set page(paper: \"a4\", margin: (x: 22mm, y: 20mm), ..furniture({_content(title)}, "
           f"{_content(marking)}, {_content(note)}))",
           "#text(font: sans, size: 8pt, weight: \"semibold\", fill: accent)" + _content(b.kicker),
           "#v(2pt)",
           f"#text(font: sans, size: 22pt, weight: \"semibold\", fill: accent, {_content(b.title)})", ""]
    if b.subtitle:
        out += [f"#text(font: sans, size: 13pt, fill: muted, {_content(b.subtitle)})", ""]
    out += [f"#text(font: sans, size: 8pt, {_content(b.byline)}) \\",
            f"#text(font: sans, size: 8pt, {_content(b.parties_line)})",
            "#line(length: 100%, stroke: 2pt + accent)",
            "#keyfacts(" + ", ".join(f"({_content(k)}, {_content(v)})" for k, v in b.facts) + ")", "",
            "= Executive summary", "", _t(b.summary), "", f"*Purpose.* {_t(b.purpose)}", "", "= The parties", ""]
    for party in b.parties:
        out += [f"== {_t(party.label)}", "", _t(party.description), ""]
        if party.also:
            out += [f"_Also referred to as_ {_t(party.also)}", ""]
        out += _items(party.representatives)
    out += [line for unit in b.taking_part for line in (f"*Taking part:* {_t(unit)}", "")]
    out += ["= Focus areas", "",
            "#grid-table((50mm, 1fr), ([Area], [What cooperation covers]), bold-first: true, ("
            + "".join(f"({_content(name)}, {_content(text)}), " for name, text in b.focus) + "))", ""]
    out += ["= Statements", ""]
    out += [f"#statement({_content(text)}, {_content(who)})" for text, who in b.quotes] + [""]
    out += ["= Background", ""]
    for item in b.background:
        out += [f"== {_t(item.title)}", "", f"_{_t(item.date)}_", "", _t(item.text), "", *_items(item.points)]
    out += ["= Expected outcomes", "", *_items(b.outcomes), "= Significance", "", *_items(b.significance)]
    out += ["= Timeline", "", _figure(a, b), "",
            "#grid-table((35mm, 1fr), ([Date], [Event]), ("
            + "".join(f"({_content(day)}, {_content(event)}), " for day, event in b.timeline) + "))", ""]
    out += ["= Sources", "", *_items(b.sources, "+")]
    return "\n".join(out)


def _date(day: dt.date) -> str:
    return f"datetime(year: {day.year}, month: {day.month}, day: {day.day})"


def _figure(a: Agreement, b: content.Briefing) -> str:
    """The timeline figure: the events of ``a`` on their dates, the signing day as the milestone; its alt
    text says every event, as the tool's does."""
    events = ", ".join(f"(date: {_date(e.date)}, label: {_content(e.event)})" for e in a.timeline)
    alt = "Key dates: " + "; ".join(f"{date}: {event}" for date, event in b.timeline)
    return (f"#figure(timeline(({events},), {_date(a.agreement.signed)}, "
            "(past: [Past], future: [Future], milestone: [Milestone])), "
            f"caption: [Key dates], alt: \"{_string(alt)}\")")


def _string(text: str) -> str:
    """``text`` inside a Typst string literal."""
    return "".join({"\\": "\\\\", "\"": "\\\"", "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c, c) for c in text)


@lru_cache(maxsize=1)
def _font_folder() -> tempfile.TemporaryDirectory[str]:
    """A folder of links to the faces Typst may use (Typst takes folders, not files), kept for the process."""
    folder = tempfile.TemporaryDirectory(prefix="typst-peer-fonts-")
    for package, names in FACES.items():
        files = Path(str(resources.files(package) / "files"))
        for name in names:
            (Path(folder.name) / name).symlink_to(files / name)
    zen_hei = next((Path(p) for p in ZEN_HEI if Path(p).is_file()), None)
    if zen_hei is not None:
        (Path(folder.name) / zen_hei.name).symlink_to(zen_hei)
    return folder


@lru_cache(maxsize=1)
def compiler() -> typst.Compiler:
    """One compiler for the process: its fonts are read once. Without WenQuanYi Zen Hei at a known place,
    the system's fonts are searched too, so the Chinese names still find a face."""
    folder = _font_folder()
    has_cjk = any(Path(folder.name).glob("*.ttc"))
    return typst.Compiler(font_paths=[folder.name], ignore_system_fonts=has_cjk)


@lru_cache(maxsize=1)
def template() -> str:
    return TEMPLATE.read_text("utf-8")


_RUNS = itertools.count(1)


def compile_pdf(document: str, fresh: bool = True) -> bytes:
    """The template and ``document`` compiled to PDF bytes. With ``fresh``, a style that only this call
    sets (a tab width for code, of which the briefing has none) comes first: the page is the same, but
    no layout Typst remembers from an earlier compile matches, so all of it is typeset again."""
    nonce = f"#set raw(tab-size: {next(_RUNS)})\n" if fresh else ""
    pdf = compiler().compile((nonce + template() + "\n" + document).encode("utf-8"), format="pdf",
                             pdf_standards=STANDARDS)
    if not isinstance(pdf, bytes):  # a PDF is one file (a list comes only of page images)
        raise TypeError(f"typst returned {type(pdf).__name__}, not PDF bytes")
    return pdf


def briefing_pdf(a: Agreement, memoized: bool = False) -> bytes:
    """The briefing of ``a`` through Typst: the markup made from the agreement, then compiled, typeset
    afresh (or, with ``memoized``, taken from what Typst remembers of an earlier compile of the same text)."""
    return compile_pdf(markup(a), fresh=not memoized)


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(runs: int) -> dict[str, Any]:
    """What the report says beside the Typst row (timed in ``benchmarks.run.per_document``): the markup
    alone, Typst's recompile of unchanged text from its cache, and the pages of both briefings."""
    from reports.load import load_agreement
    from reports.pipeline import render

    a = load_agreement(SHIPPED)
    return {
        "typst_version": version("typst"),
        "markup_ms": median_ms(lambda: markup(a), runs),
        "memoized_ms": median_ms(lambda: briefing_pdf(a, memoized=True), runs),
        "typst_pages": page_count(briefing_pdf(a)),
        "tool_pages": page_count(render(a, "briefing", "pdf").data),
    }


def report_lines(result: dict[str, Any]) -> list[str]:
    """The Typst block of the report, closing with where the tool's time goes that Typst's does not."""
    peer, docs, stages = result["typst"], result["per_document_ms"], result["stages_ms"]
    tool, typst_ms, floor = docs["tool_briefing_pdf"], docs["typst_briefing_pdf"], docs["floor_briefing_pdf"]
    tagging = (result.get("tagging") or {}).get("tagging_cost_ms", 0.0)
    rest = stages["write_pdf"] - floor - tagging
    return [
        f"Typst peer (typst {peer['typst_version']}, Rust, in-process): the briefing with the same words, tables",
        "and timeline figure, tagged PDF/A-2a and PDF/UA-1 as ours, the same fonts",
        f"  pages                            tool {peer['tool_pages']}, Typst {peer['typst_pages']}",
        f"  markup from the agreement        {peer['markup_ms']:8.2f}  (inside the Typst row, as composing is in ours)",
        f"  Typst, unchanged text again      {peer['memoized_ms']:8.2f}  (its layout cache; the row typesets afresh)",
        f"  Where our remaining time goes (tool {tool:.1f} ms, Typst {typst_ms:.1f}; stages timed apart, ms):",
        f"    composing the Markdown         {stages['compose']:8.1f}",
        f"    parsing it                     {stages['parse']:8.1f}",
        f"    writing the PDF                {stages['write_pdf']:8.1f}  = reportlab's untagged layout and output "
        f"(the floor row) {floor:.1f}",
        f"                                       + tagging {tagging:.1f} + the rest {rest:.1f} (our story, "
        "figure, embedded Chinese face, shaping)",
        f"  The floor alone is {floor / typst_ms:.1f} x Typst: line breaking, table layout and PDF serialisation "
        "run in Python",
        "  there (reportlab), in compiled Rust in Typst; the tool's own work comes on top of that floor.",
    ]
