"""Bad-input catalogue rows for message catalogues (issue 15): a template folder's ``locales/`` with a .po
that does not parse, is not UTF-8, is too large, is a FIFO or a link out of the folder, or a .mo that is
not one. Each row builds the Chinese edition's memo with a template folder ``T`` of its own; the message
names the catalogue file (and its line where there is one), and no document is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from reports.paths import builtin_data_dir
from tests.catalogue_case import Case

CHINESE = (builtin_data_dir() / "zhejiang-alibaba-2023.zh-Hans.yaml").read_bytes()
DOCX = ("docx", "{file}", "--kind", "memo", "--template-dir", "{dir}/T", "-o", "{dir}/out.docx")
PO = "T/locales/zh_Hans/LC_MESSAGES/messages.po"
HEADER = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _no_document(folder: Path, _output: str) -> None:
    written = [p.name for p in folder.iterdir() if p.name.startswith(("out.", ".out."))]
    assert not written, f"a failed build left {written}"


def _po_link(folder: Path) -> None:
    link = folder / PO
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(folder.parent / "outside" / "secret.txt", link)


def _po_fifo(folder: Path) -> None:
    fifo = folder / PO
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)


def _mo(pairs: int, blob: bytes, *, past_end: int = 0) -> bytes:
    """A .mo whose ``pairs`` originals and translations all name the same ``blob`` (or, with
    ``past_end``, one that says its string runs that many bytes past the end of the file)."""
    import struct

    head = 28
    originals, translations = head, head + 8 * pairs
    at = translations + 8 * pairs
    entry = struct.pack("<2I", len(blob) + past_end, at)
    return (struct.pack("<7I", 0x950412DE, 0, pairs, originals, translations, 0, 0) + entry * (2 * pairs)
            + blob)


def _case(name: str, what: str, message: str, files: tuple[tuple[str, bytes], ...] = (),
          setup=None, process: bool = False) -> Case:  # type: ignore[no-untyped-def]
    return Case(name=f"i18n-{name}", input=what, file="zh.yaml", content=CHINESE, message=message, exit_code=1,
                args=DOCX, files=files, setup=setup, process=process, extra=_no_document)


CASES: list[Case] = [
    _case("po-syntax", "a template folder's Chinese catalogue with a line that is not .po syntax",
          "messages.po:7: message catalogue is not a valid .po file: Unknown or misformatted keyword",
          files=((PO, HEADER + 'msgid "Summary"\nmsgstr "概要"\n概要 without quotes\n'.encode()),)),
    _case("po-not-utf8", "a catalogue saying UTF-8 written in GB 2312",
          "messages.po: message catalogue is not a valid .po file",
          files=((PO, HEADER + 'msgid "Summary"\nmsgstr "概要"\n'.encode("gb2312")),)),
    _case("po-too-large", "a 3 MB catalogue", "message catalogue is over the limit of 2,097,152 bytes",
          files=((PO, HEADER + b"# padding\n" * 300_000),)),
    _case("po-fifo", "a FIFO where the catalogue should be", "message catalogue is not a regular file",
          setup=_po_fifo, process=True),
    _case("po-link-outside", "a catalogue that is a link to a file outside the template folder",
          "message catalogue is outside the template folder", setup=_po_link),
    _case("mo-garbage", "a compiled catalogue (.mo) that is not one",
          "messages.mo: message catalogue is not a compiled gettext .mo file",
          files=((PO.replace(".po", ".mo"), b"\x00" * 64),)),
    _case("po-padded-placeholder", "a translation whose placeholder asks for a width of 900,000,000",
          "messages.po: message catalogue translation of 'Page %(page)s of %(pages)s' gives its placeholder "
          "%(page) a width or precision (900000000)",
          files=((PO, HEADER + b'msgid "Page %(page)s of %(pages)s"\nmsgstr "%(page)900000000s / %(pages)s"\n'),)),
    _case("po-precision-placeholder", "a translation whose placeholder has a precision (and a '*' width)",
          "messages.po: message catalogue translation of 'Figure %(number)s' gives its placeholder %(number) a "
          "width or precision (*.5)", files=((PO, HEADER + b'msgid "Figure %(number)s"\nmsgstr "%(number)*.5s"\n'),)),
    _case("mo-shared-strings", "a 1.3 MB .mo whose 40,000 strings all name the same 1 MB (41 GB once read)",
          "messages.mo: message catalogue is over the limit: its strings come to 40,960,000,000 bytes once read",
          files=((PO.replace(".po", ".mo"), _mo(20_000, b"x" * 1_024_000)),)),
    _case("mo-string-past-end", "a .mo whose table says a string runs past the end of the file",
          "messages.mo: message catalogue is not a compiled gettext .mo file (a string at byte 44 runs past "
          "its end, 47 bytes)", files=((PO.replace(".po", ".mo"), _mo(1, b"abc", past_end=10**9)),)),
]
