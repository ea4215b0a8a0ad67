"""Read a PDF back and check what a tagged, archival PDF of ours must hold (used by several tests).

``check_tagged`` asserts, from the file alone (pikepdf): MarkInfo, a structure tree whose every MCID
is owned by exactly one element, no painted content outside marked content (a content-stream scan),
figures with /Alt, header cells with a scope, /Lang, XMP with the PDF/A and PDF/UA identifiers, an
sRGB OutputIntent, and every font embedded. It returns the structure in reading order for the tests
to compare with the document tree.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pikepdf

# Operators that put marks on the page (text showing, path painting, images and shadings).
_PAINTING = frozenset({"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "BI"})
_NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
       "pdfuaid": "http://www.aiim.org/pdfua/ns/id/", "dc": "http://purl.org/dc/elements/1.1/"}


@dataclass
class Node:
    """One structure element read back: its role, its text (from its own marked content), its kids."""

    role: str
    text: str = ""
    kids: list[Node] = field(default_factory=list)
    alt: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    pages: set[int] = field(default_factory=set)

    def walk(self) -> list[Node]:
        out = [self]
        for kid in self.kids:
            out.extend(kid.walk())
        return out

    def all_text(self) -> str:
        return self.text + "".join(kid.all_text() for kid in self.kids)


@dataclass
class Tagged:
    root: Node
    archival: bool  # the XMP claims PDF/A and PDF/UA
    language: str

    def roles(self, role: str) -> list[Node]:
        return [n for n in self.root.walk() if n.role == role]


def _decode(pdf_string: object) -> str:
    return str(pdf_string)


def _to_unicode(font: pikepdf.Dictionary, cache: dict[tuple[int, int], dict[int, str]]) -> dict[int, str]:
    """A simple font's ToUnicode map: byte -> text (reportlab writes bfchar and bfrange entries)."""
    key = font.objgen
    if key not in cache:
        table: dict[int, str] = {}
        if "/ToUnicode" in font:
            cmap = font.ToUnicode.read_bytes().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
            for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
                for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    start = int(dst, 16)
                    for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                        table[code] = chr(start + offset)
        cache[key] = table
    return cache[key]


def _page_texts(pdf: pikepdf.Pdf) -> tuple[list[dict[int, str]], list[str]]:
    """Per page: the text shown inside each MCID; and every problem of the content-stream scan."""
    problems: list[str] = []
    texts: list[dict[int, str]] = []
    maps: dict[tuple[int, int], dict[int, str]] = {}
    for number, page in enumerate(pdf.pages):
        found: dict[int, str] = {}
        fonts = page.Resources.get("/Font", {})
        table: dict[int, str] = {}
        two_byte = False
        stack: list[tuple[str, int | None, bool]] = []  # (tag, mcid, replaced by /ActualText) of open sequences
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                tag = str(operands[0])
                properties = operands[1]
                mcid = int(properties["/MCID"]) if isinstance(properties, pikepdf.Dictionary) and \
                    "/MCID" in properties else None
                if mcid is not None and any(m is not None for _, m, _ in stack):
                    problems.append(f"page {number + 1}: MCID {mcid} nested inside another")
                if mcid is not None and mcid in found:
                    problems.append(f"page {number + 1}: MCID {mcid} used twice")
                if mcid is not None:
                    found[mcid] = ""
                # A span's /ActualText is what its content reads as (ISO 32000-1, 14.9.4): read it instead.
                actual = isinstance(properties, pikepdf.Dictionary) and "/ActualText" in properties
                owner = mcid if mcid is not None else next((m for _, m, _ in reversed(stack) if m is not None), None)
                if actual and owner is not None and not any(r for _, _, r in stack):
                    found[owner] += str(properties.ActualText)
                stack.append((tag, mcid, actual))
            elif op == "BMC":
                stack.append((str(operands[0]), None, False))
            elif op == "EMC":
                if not stack:
                    problems.append(f"page {number + 1}: EMC without a sequence")
                else:
                    stack.pop()
            elif op == "Tf":
                font = fonts[operands[0]]
                two_byte = str(font.Subtype) == "/Type0"
                table = {} if two_byte else _to_unicode(font, maps)
            elif op in _PAINTING:
                if not any(tag == "/Artifact" or mcid is not None for tag, mcid, _ in stack):
                    problems.append(f"page {number + 1}: {op} outside any marked content")
                mcid = next((m for _, m, _ in reversed(stack) if m is not None), None)
                if mcid is not None and op in ("Tj", "TJ", "'", '"') and not any(r for _, _, r in stack):
                    found[mcid] += _shown(operands, op, table, two_byte)
        if stack:
            problems.append(f"page {number + 1}: {len(stack)} sequences left open")
        texts.append(found)
    return texts, problems


def _shown(operands: list[object], op: str, table: dict[int, str], two_byte: bool) -> str:
    if op == "TJ":
        pieces = [bytes(item) for item in operands[0] if isinstance(item, pikepdf.String)]  # type: ignore[attr-defined]
    else:
        pieces = [bytes(operands[-1])]  # type: ignore[call-overload]
    out = []
    for raw in pieces:
        if two_byte:  # reportlab's CID fonts take UCS-2 (UniGB-UCS2-H)
            out.append(raw.decode("utf-16-be", "replace"))
        else:
            out.append("".join(table.get(b, chr(b)) for b in raw))
    return " ".join(out) if op != "TJ" else "".join(out)


def check_tagged(data: bytes, *, expect_archival: bool | None = None) -> Tagged:
    """Assert the tagged-PDF rules on ``data`` and return its structure in reading order."""
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    assert pdf.pdf_version >= "1.7", pdf.pdf_version
    assert bool(root.MarkInfo.Marked), "MarkInfo /Marked is not true"
    assert bool(root.ViewerPreferences.DisplayDocTitle)
    language = str(root.get("/Lang", ""))
    assert language, "no /Lang in the catalog"
    texts, problems = _page_texts(pdf)
    assert not problems, problems[:5]
    page_numbers = {page.objgen: i for i, page in enumerate(pdf.pages)}
    owners: dict[tuple[int, int], str] = {}  # (page, mcid) -> the owning element's role
    tree_root = root.StructTreeRoot

    def read(element: pikepdf.Dictionary, default_page: int | None) -> Node:
        role = str(element.S)[1:]
        node = Node(role)
        if "/Alt" in element:
            node.alt = str(element.Alt)
        if "/A" in element:
            node.attributes = {str(k)[1:]: str(v).lstrip("/") for k, v in element.A.items()}
        page = page_numbers[element.Pg.objgen] if "/Pg" in element else default_page
        kids = element.get("/K", [])
        if not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for kid in kids:
            if isinstance(kid, int):
                assert page is not None, f"{role}: an MCID without a page"
                _own(node, page, int(kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                _own(node, page_numbers[kid.Pg.objgen], int(kid.MCID))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                annotation = kid.Obj
                assert annotation.get("/StructParent") is not None, "a link annotation without StructParent"
                assert "/Contents" in annotation, "a link annotation without a description"
            else:
                node.kids.append(read(kid, page))
        return node

    def _own(node: Node, page: int, mcid: int) -> None:
        key = (page, mcid)
        assert key not in owners, f"page {page + 1} MCID {mcid} owned by {owners[key]} and {node.role}"
        assert mcid in texts[page], f"{node.role}: page {page + 1} has no MCID {mcid}"
        owners[key] = node.role
        node.text += texts[page][mcid]
        node.pages.add(page)

    (document,) = list(tree_root.K) if isinstance(tree_root.K, pikepdf.Array) else [tree_root.K]
    tree = read(document, None)
    assert tree.role == "Document"
    for page, found in enumerate(texts):
        for mcid in found:
            assert (page, mcid) in owners, f"page {page + 1} MCID {mcid} belongs to no element"
    # The parent tree gives each page's MCIDs their elements, as /StructParents says.
    nums = list(tree_root.ParentTree.Nums)
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for i, page in enumerate(pdf.pages):
        key = int(page.StructParents)
        assert str(page.Tabs) == "/S"
        assert len(parents[key]) == len(texts[i]), f"page {i + 1}: parent tree and MCIDs disagree"
    for node in tree.walk():
        if node.role == "Figure":
            assert node.alt, "a Figure without /Alt"
        if node.role == "TH":
            assert node.attributes.get("Scope") in ("Column", "Row", "Both"), "a TH without a scope"
    archival = _check_metadata(pdf, root)
    if expect_archival is not None:
        assert archival == expect_archival
    if archival:
        unembedded = unembedded_fonts(pdf)
        assert not unembedded, f"fonts not embedded in a PDF that claims PDF/A: {unembedded}"
    return Tagged(tree, archival, language)


def _check_metadata(pdf: pikepdf.Pdf, root: pikepdf.Dictionary) -> bool:
    xml = ET.fromstring(root.Metadata.read_bytes())
    title = xml.find(".//dc:title//rdf:li", _NS)
    xmp_title = title.text or "" if title is not None else ""
    assert xmp_title == str(pdf.docinfo.get("/Title", "")), "XMP and Info titles differ"
    (intent,) = list(root.OutputIntents)
    assert str(intent.S) == "/GTS_PDFA1"
    profile = intent.DestOutputProfile.read_bytes()
    assert profile[36:40] == b"acsp" and int(intent.DestOutputProfile.N) == 3
    part = xml.find(".//pdfaid:part", _NS)
    ua = xml.find(".//pdfuaid:part", _NS)
    assert (part is None) == (ua is None)
    return part is not None and part.text == "2" and ua is not None and ua.text == "1"


def unembedded_fonts(pdf: pikepdf.Pdf) -> list[str]:
    """Names of the fonts (descendant CID fonts included) that have no embedded font file."""
    missing: list[str] = []
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.Resources.get("/Font", {})
        for font in fonts.values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            for face in [font, *font.get("/DescendantFonts", [])]:
                if str(face.Subtype) == "/Type0":
                    continue
                descriptor = face.get("/FontDescriptor")
                if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.append(str(face.BaseFont))
                if str(face.Subtype) != "/Type0" and "/ToUnicode" not in face and face is font:
                    missing.append(f"{face.BaseFont} (no ToUnicode)")
    return missing


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)
