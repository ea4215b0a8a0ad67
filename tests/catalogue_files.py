"""Bad-input catalogue rows for files in and files out: odd file types as inputs and outputs, names that
would act on a terminal or are not UTF-8, and the loader's messages for odd encodings, numbers and keys.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import yaml

from tests.catalogue_case import Case
from tests.conftest import SHIPPED, documents_in, shipped_dict

SHIPPED_BYTES = SHIPPED.read_bytes()
SHIPPED_TEXT = SHIPPED_BYTES.decode("utf-8")
SHIPPED_ID = yaml.safe_load(SHIPPED_TEXT)["id"]
ESCAPE_NAME = "\x1b]0;pwned\x07.yaml"  # sets the terminal's title if printed raw
NOT_UTF8_NAME = os.fsdecode(b"\xff.yaml")  # the byte 0xFF kept as the lone surrogate U+DCFF


def _link_to_dev_zero(folder: Path) -> None:
    (folder / "x.yaml").symlink_to("/dev/zero")


def _fifo(name: str):  # type: ignore[no-untyped-def]
    def setup(folder: Path) -> None:
        os.mkfifo(folder / name)
    return setup


def _still(name: str, test, what: str):  # type: ignore[no-untyped-def]
    def extra(folder: Path, _output: str) -> None:
        path = Path(name) if name.startswith("/") else folder / name
        assert test(os.lstat(path).st_mode), f"{path} is no longer {what}"
    return extra


def _socket(folder: Path) -> None:
    import socket

    old = Path.cwd()
    os.chdir(folder)  # a relative name: a socket's path is limited to about 100 bytes
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind("out.pdf")
    finally:
        os.chdir(old)


def _folder_where_document_goes(folder: Path) -> None:
    (folder / "out" / f"{SHIPPED_ID}-briefing.pdf").mkdir(parents=True)


def _no_raw_escape(_folder: Path, output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output, repr(output)


def _not_utf8_data(folder: Path) -> None:
    (folder / "data").mkdir()
    (folder / "data" / NOT_UTF8_NAME).write_bytes(SHIPPED_BYTES)


def _manifest_names_the_file_escaped(folder: Path, output: str) -> None:
    manifest = json.loads((folder / "m.json").read_text("utf-8"))
    files = [entry["file"] for entry in manifest["inputs"]]
    assert [f.endswith("\\xff.yaml") for f in files] == [True], files
    assert (folder / "out" / f"{SHIPPED_ID}-memo.pdf").is_file()
    assert "\\xff.yaml" in output or "built 1 document" in output, output


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def _stale_temporary(folder: Path) -> None:
    out = folder / "out"
    out.mkdir()
    (out / f".{SHIPPED_ID}-memo.pdf.{_dead_pid()}.0badc0de.tmp").write_bytes(b"half a PDF")


def _stale_temporary_removed(folder: Path, _output: str) -> None:
    left = documents_in(folder / "out")
    assert left == [f"{SHIPPED_ID}-memo.pdf"], left


def _with_line(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


LONG = "9" * 5000
LONG_YAML = SHIPPED_TEXT.replace("count: 7", f"count: {LONG}", 1)
LONG_JSON = json.dumps(shipped_dict(), ensure_ascii=False).replace('"count": 7', f'"count": {LONG}', 1)
SURROGATE_JSON = json.dumps(shipped_dict(), indent=2).replace('"title": "', '"title": "\\ud800', 1)
TRUE_KEY = SHIPPED_TEXT + "true: yes\n"
LONG_YAML_AT = "{}:{}".format(*_with_line(LONG_YAML, LONG))
LONG_JSON_AT = "{}:{}".format(*_with_line(LONG_JSON, LONG))
SURROGATE_AT = "{}:{}".format(*_with_line(SURROGATE_JSON, '"title"'))


def _thousand_parties() -> bytes:
    data = shipped_dict()
    first = data["parties"][0]
    data["parties"] = [{**first, "name": f"Party number {i}", "short_name": f"P{i}"} for i in range(1000)]
    data["participating_units"][0]["party"] = "Nobody"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def _lines_short(_folder: Path, output: str) -> None:
    longest = max(len(line) for line in output.splitlines())
    assert longest < 600, longest


def _manifest_link(target: str):  # type: ignore[no-untyped-def]
    # m.json is a link someone else made: to this process's standard output, or to a file of theirs.
    def setup(folder: Path) -> None:
        if not target.startswith("/"):
            (folder / target).write_text("theirs\n", encoding="utf-8")
        os.symlink(target, folder / "m.json")
    return setup


def _link_kept(target: str):  # type: ignore[no-untyped-def]
    def extra(folder: Path, _output: str) -> None:
        assert os.readlink(folder / "m.json") == target, "the link was replaced"
        if not target.startswith("/"):
            assert (folder / target).read_text("utf-8") == "theirs\n", "the link's target was written"
        assert not (folder / "out").exists(), "the build ran although its manifest was refused"
    return extra


def _manifest_on_stdout(folder: Path, output: str) -> None:
    start = output.index("{")
    manifest, _ = json.JSONDecoder().raw_decode(output[start:])
    assert manifest["inputs"][0]["id"] == SHIPPED_ID, manifest
    assert not (folder / "-").exists(), "the manifest went to a file named -"


MANIFEST = ("build", "{file}", "-d", "{dir}/out", "--kind", "memo", "--format", "pdf", "-j", "1", "--manifest")


CASES: list[Case] = [
    # ---- inputs that are not regular files
    Case("file-dev-zero-link", "a data file that is a link to /dev/zero", "x.yaml", None,
         "x.yaml: not a regular file (a character device); expected a YAML or JSON file",
         setup=_link_to_dev_zero, process=True, max_rss_mb=200),
    Case("file-dev-zero", "/dev/zero given as the data file", "x.yaml", None,
         "/dev/zero: not a regular file (a character device); expected a YAML or JSON file",
         args=("validate", "/dev/zero"), process=True, max_rss_mb=200),
    Case("file-fifo", "a FIFO named x.yaml (nothing ever writes to it)", "x.yaml", None,
         "x.yaml: not a regular file (a FIFO); expected a YAML or JSON file", setup=_fifo("x.yaml"), process=True),
    Case("file-theme-fifo", "a FIFO as the theme file", "a.yaml", SHIPPED_BYTES,
         "theme.yaml: not a regular file (a FIFO); expected a YAML or JSON file",
         args=("pdf", "{file}", "--theme", "{dir}/theme.yaml", "-o", "{dir}/a.pdf"),
         setup=_fifo("theme.yaml"), process=True),
    # ---- outputs that are not regular files: refused, left as they were
    Case("file-output-dev-null", "-o /dev/null (a character device)", "a.yaml", SHIPPED_BYTES,
         "/dev/null: is a character device, not a file; refusing to replace it",
         args=("pdf", "{file}", "-o", "/dev/null"), extra=_still("/dev/null", stat.S_ISCHR, "a character device")),
    Case("file-output-fifo", "-o naming a FIFO", "a.yaml", SHIPPED_BYTES,
         "out.pdf: is a FIFO, not a file; refusing to replace it", args=("pdf", "{file}", "-o", "{dir}/out.pdf"),
         setup=_fifo("out.pdf"), process=True, extra=_still("out.pdf", stat.S_ISFIFO, "a FIFO")),
    Case("file-output-socket", "-o naming a Unix socket", "a.yaml", SHIPPED_BYTES,
         "out.pdf: is a socket, not a file; refusing to replace it", args=("pdf", "{file}", "-o", "{dir}/out.pdf"),
         setup=_socket, extra=_still("out.pdf", stat.S_ISSOCK, "a socket")),
    Case("file-output-folder", "a folder where a document of the build goes", "a.yaml", SHIPPED_BYTES,
         f"{SHIPPED_ID}-briefing.pdf: is a folder, not a file; refusing to replace it",
         args=("build", "{file}", "-d", "{dir}/out", "--kind", "briefing", "--format", "pdf"),
         setup=_folder_where_document_goes,
         extra=_still(f"out/{SHIPPED_ID}-briefing.pdf", stat.S_ISDIR, "a folder")),
    Case("file-out-dir-fifo", "a FIFO as the output folder", "a.yaml", SHIPPED_BYTES,
         "out: is a FIFO, not a folder; choose another --out-dir",
         args=("build", "{file}", "-d", "{dir}/out", "--kind", "memo", "--format", "pdf"),
         setup=_fifo("out"), process=True, extra=_still("out", stat.S_ISFIFO, "a FIFO")),
    Case("file-stale-temporary", "a temporary file left by a killed build (its process is gone)", "a.yaml",
         SHIPPED_BYTES, "built 1 document", 0,
         args=("build", "{file}", "-d", "{dir}/out", "--kind", "memo", "--format", "pdf"),
         setup=_stale_temporary, extra=_stale_temporary_removed),
    # ---- names that would act on a terminal or are not UTF-8
    Case("file-escape-in-name", "a data file named with a terminal escape (ESC ]0; ... BEL)", ESCAPE_NAME,
         b"- a\n", "\\x1b]0;pwned\\x07.yaml:1:1: expected a mapping of fields at the top level",
         process=True, extra=_no_raw_escape),
    Case("file-not-utf8-name", "a data file whose name is not UTF-8 (byte 0xFF)", NOT_UTF8_NAME, b"- a\n",
         "\\xff.yaml:1:1: expected a mapping of fields at the top level", process=True),
    Case("file-not-utf8-name-manifest", "a data folder holding a file named with byte 0xFF, with --manifest",
         "data", None, "built 1 document", 0,
         args=("build", "{dir}/data", "-d", "{dir}/out", "--kind", "memo", "--format", "pdf",
               "--manifest", "{dir}/m.json"),
         setup=_not_utf8_data, process=True, extra=_manifest_names_the_file_escaped),
    # ---- the manifest never replaces a link, and - is standard output
    Case("file-manifest-link-stdout", "--manifest naming a link to /proc/self/fd/1 (standard output)", "a.yaml",
         SHIPPED_BYTES, "m.json: is a link; the manifest never replaces a link it did not make", 1,
         args=(*MANIFEST, "{dir}/m.json"), setup=_manifest_link("/proc/self/fd/1"), process=True,
         extra=_link_kept("/proc/self/fd/1")),
    Case("file-manifest-link-file", "--manifest naming a link to someone else's file", "a.yaml", SHIPPED_BYTES,
         "m.json: is a link; the manifest never replaces a link it did not make", 1,
         args=(*MANIFEST, "{dir}/m.json"), setup=_manifest_link("theirs.json"), extra=_link_kept("theirs.json")),
    Case("file-manifest-stdout", "--manifest - (standard output)", "a.yaml", SHIPPED_BYTES, '"inputs"', 0,
         args=(*MANIFEST, "-"), process=True, extra=_manifest_on_stdout),
    Case("file-manifest-stdout-json", "--manifest - with --format json (both on standard output)", "a.yaml",
         SHIPPED_BYTES, "--manifest - and --format json both write the manifest to standard output", 2,
         args=(*MANIFEST, "-", "--format", "json")),
    # ---- loader messages
    Case("file-long-number", "a number of 5,000 digits in YAML", "a.yaml", LONG_YAML.encode(),
         f"a.yaml:{LONG_YAML_AT}: participating_units[0].count: number too long (5,000 digits)"),
    Case("file-long-number-json", "a number of 5,000 digits in JSON", "a.json", LONG_JSON.encode(),
         f"a.json:{LONG_JSON_AT}: participating_units[0].count: invalid JSON: number too long (5,000 digits)"),
    Case("file-utf-32", "UTF-32 text (little-endian, with its byte-order mark)", "a.yaml",
         codecs.BOM_UTF32_LE + SHIPPED_TEXT.encode("utf-32-le"),
         "a.yaml:1:1: file is UTF-32 text; save it as UTF-8"),
    Case("file-utf-32-be", "UTF-32 text (big-endian, with its byte-order mark)", "a.yaml",
         codecs.BOM_UTF32_BE + SHIPPED_TEXT.encode("utf-32-be"), "a.yaml:1:1: file is UTF-32 text; save it as UTF-8"),
    Case("file-lone-surrogate-json", "a lone surrogate from a JSON escape, located", "a.json",
         SURROGATE_JSON.encode(), f"a.json:{SURROGATE_AT}: title: contains the control or invalid character U+D800"),
    Case("file-duplicate-json-located", "duplicate keys in JSON, located", "a.json",
         b'{\n  "id": "a",\n  "id": "b"\n}\n',
         "a.json:3:3: id: invalid JSON: duplicate key 'id' (first given on line 2)"),
    Case("file-true-key", "true: as a key (YAML 1.1 reads it as a boolean)", "a.yaml", TRUE_KEY.encode(),
         f"a.yaml:{TRUE_KEY.count(chr(10))}:1: true: key 'true' is read as the boolean true, not as a name; "
         "quote the key"),
    Case("file-thousand-parties", "1,000 parties and a participating unit naming none of them", "a.yaml",
         _thousand_parties(),
         "participating_units: entry [0] names party 'Nobody', which is not one of: Party number 0",
         extra=_lines_short),
]
