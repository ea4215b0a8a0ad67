"""Bad-input catalogue rows for incremental builds and the watch: a build record that is corrupt, foreign,
not a file or a link out of the folder means every document is made again (never a wrong document, never
a hang); options of the new commands that cannot be used are one usage error."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reports.build_record import RECORD_NAME
from tests.catalogue_case import Case
from tests.conftest import SHIPPED

ID = "zhejiang-alibaba-2023"
SHIPPED_BYTES = SHIPPED.read_bytes()
BUILD = ("build", "{file}", "-d", "{dir}/out", "--kind", "memo", "--format", "pdf", "-j", "1")
BUILT = "built 1 document for 1 agreement"


def _earlier_build_then_edit(folder: Path) -> Path:
    """Build the memo, then change the data so that the document on disk is out of date."""
    from reports.batch import build

    data = folder / "a.yaml"
    assert build([data], folder / "out", kinds=["memo"], formats=["pdf"]).ok
    data.write_bytes(SHIPPED_BYTES.replace(b"Strategy Team", b"Strategy Office"))
    return folder / "out" / RECORD_NAME


def _spoil(change: bytes | dict[str, object] | Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        record = _earlier_build_then_edit(folder)
        if isinstance(change, bytes):
            record.write_bytes(change)
        elif isinstance(change, dict):
            record.write_text(json.dumps(change), "ascii")
        else:
            change(record)
    return setup


def _current_document(folder: Path, _output: str) -> None:
    """The document on disk is the one the edited data makes, and a fresh record stands beside it."""
    from reports import provenance
    from reports.load import load_agreement
    from reports.pipeline import Options, render_formats

    # As the build makes it: the data file and the build record inside (reports.provenance).
    raw = (folder / "a.yaml").read_bytes()
    carried = provenance.attachments(raw, "a.yaml", "memo", ("pdf",), Options())
    expected = render_formats(load_agreement(folder / "a.yaml"), "memo", ("pdf",), attachments=carried)[0].data
    assert (folder / "out" / f"{ID}-memo.pdf").read_bytes() == expected, "a stale document was kept"
    record = folder / "out" / RECORD_NAME
    if record.is_file() and not record.is_symlink():
        assert json.loads(record.read_text("ascii"))["version"] == 1


def _foreign(record: Path) -> None:
    value = json.loads(record.read_text("ascii"))
    record.write_text(json.dumps({**value, "tool": "0" * 64}), "ascii")


def _claims_old_hash(record: Path) -> None:
    # Right format and tool, every entry's key replaced by one for other data: nothing matches.
    value = json.loads(record.read_text("ascii"))
    for entry in value["outputs"].values():
        entry["key"] = "a" * 64
    record.write_text(json.dumps(value), "ascii")


def _fifo(record: Path) -> None:
    record.unlink()
    os.mkfifo(record)


def _link_to_secret(record: Path) -> None:
    record.unlink()
    record.symlink_to(record.parent.parent.parent / "outside" / "secret.txt")


def _folder(record: Path) -> None:
    record.unlink()
    record.mkdir()


def _fifo_left(folder: Path, output: str) -> None:
    _current_document(folder, output)
    import stat

    assert stat.S_ISFIFO(os.lstat(folder / "out" / RECORD_NAME).st_mode)  # refused, not replaced or read


def _link_replaced(folder: Path, output: str) -> None:
    _current_document(folder, output)
    record = folder / "out" / RECORD_NAME
    assert not record.is_symlink() and json.loads(record.read_text("ascii"))["version"] == 1


def _nothing_built(folder: Path, _output: str) -> None:
    assert not (folder / "out").exists()


# --------------------------------------------------------------------------- records that lie

IGNORED = f"warning: the build record {RECORD_NAME} was ignored"
OTHER = (SHIPPED.parent / "minimal.yaml").read_bytes()  # another agreement: id minimal-example


def _built(folder: Path, *names: str) -> Path:
    """Build the memo of each data file named, as a CI job would have; return the record."""
    from reports.batch import build

    assert build([folder / n for n in names or ("a.yaml",)], folder / "out", kinds=["memo"], formats=["pdf"]).ok
    return folder / "out" / RECORD_NAME


def _edit_record(change: Callable[[dict[str, Any]], None], *names: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        record = _built(folder, *names)
        value = json.loads(record.read_text("ascii"))
        change(value)
        record.write_text(json.dumps(value), "ascii")
    return setup


def _rename_id(new_id: str, *, only: str = "a.yaml") -> Callable[[dict[str, Any]], None]:
    """The record gives data file ``only`` the id ``new_id``, and its documents names to match."""
    def change(value: dict[str, Any]) -> None:
        for source, pair in value["inputs"].items():
            if source.endswith(only):
                old, pair[1] = pair[1], new_id
                value["outputs"] = {(new_id + n[len(old):] if n.startswith(old + "-") else n): e
                                    for n, e in value["outputs"].items()}
    return change


def _add_name(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda value: value["outputs"].update({name: value["outputs"][f"{ID}-memo.pdf"]})


def _pad_to_bound(extra: int) -> Callable[[Path], None]:
    """A record of empty lists exactly at the size bound of its folder (``extra`` = 1: one byte over)."""
    def setup(folder: Path) -> None:
        from reports.build_record import max_record_bytes

        record = _built(folder)
        size = max_record_bytes(folder / "out") + extra
        head = record.read_text("ascii")[:-2] + ',"padding":['
        body = ",".join(["[]"] * ((size - len(head) - 2) // 3))
        text = head + body + " " * (size - len(head) - len(body) - 2) + "]}"
        record.write_text(text, "ascii")
    return setup


def _only_own_names(folder: Path, _output: str) -> None:
    """The memo under its own name, a fresh record, nothing written anywhere else."""
    _current_memo(folder)
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".pdf") == []  # nothing beside out/
    assert all(p.name.startswith((ID, "minimal-example", ".reports")) for p in (folder / "out").iterdir())
    assert json.loads((folder / "out" / RECORD_NAME).read_text("ascii"))["version"] == 1


def _current_memo(folder: Path) -> None:
    from reports import provenance
    from reports.load import load_agreement
    from reports.pipeline import Options, render_formats

    # As the build makes it: the data file and the build record inside (reports.provenance).
    raw = (folder / "a.yaml").read_bytes()
    carried = provenance.attachments(raw, "a.yaml", "memo", ("pdf",), Options())
    expected = render_formats(load_agreement(folder / "a.yaml"), "memo", ("pdf",), attachments=carried)[0].data
    assert (folder / "out" / f"{ID}-memo.pdf").read_bytes() == expected


def _swap_document(replace: Callable[[Path], None]) -> Callable[[Path], None]:
    """Change the memo on disk, then edit the record so that it describes the new file exactly."""
    def setup(folder: Path) -> None:
        import hashlib

        from reports.build_record import file_identity

        record = _built(folder)
        memo = folder / "out" / f"{ID}-memo.pdf"
        replace(memo)
        value = json.loads(record.read_text("ascii"))
        data = memo.read_bytes()
        value["outputs"][memo.name].update(sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                                           stat=list(file_identity(memo) or ()))
        record.write_text(json.dumps(value), "ascii")
    return setup


def _other_memo(memo: Path) -> None:
    from reports.load import load_agreement
    from reports.pipeline import render

    memo.write_bytes(render(load_agreement(SHIPPED.parent / "minimal.yaml"), "memo", "pdf").data)


def _one_byte(memo: Path) -> None:
    data = bytearray(memo.read_bytes())
    data[-40] ^= 1
    memo.write_bytes(bytes(data))


def _check_left_alone(folder: Path, _output: str) -> None:
    from reports import provenance
    from reports.load import load_agreement
    from reports.pipeline import Options, render_formats

    # As the build makes it: the data file and the build record inside (reports.provenance).
    raw = (folder / "a.yaml").read_bytes()
    carried = provenance.attachments(raw, "a.yaml", "memo", ("pdf",), Options())
    expected = render_formats(load_agreement(folder / "a.yaml"), "memo", ("pdf",), attachments=carried)[0].data
    assert (folder / "out" / f"{ID}-memo.pdf").read_bytes() != expected  # --check writes nothing


CHECK = (*BUILD, "--check")

CASES: list[Case] = [
    Case("build-record-id-escapes", "a build record giving the data file the id '../escaped' (outside the folder)",
         "a.yaml", SHIPPED_BYTES, f"{IGNORED} ('../escaped' is not an agreement id)", 0, args=BUILD,
         setup=_edit_record(_rename_id("../escaped")), extra=_only_own_names),
    Case("build-record-id-slash", "a build record giving the data file the id 'sub/x'", "a.yaml", SHIPPED_BYTES,
         f"{IGNORED} ('sub/x' is not an agreement id)", 0, args=BUILD,
         setup=_edit_record(_rename_id("sub/x")), extra=_only_own_names),
    Case("build-record-id-of-another", "a build record giving one data file the id of another in the build",
         "a.yaml", SHIPPED_BYTES, f"{IGNORED} (two data files with the id 'minimal-example')", 0,
         args=(*BUILD[:2], "{dir}/b.yaml", *BUILD[2:]), files=(("b.yaml", OTHER),),
         setup=_edit_record(_rename_id("minimal-example"), "a.yaml", "b.yaml"), extra=_only_own_names),
    Case("build-record-id-not-declared", "a build record giving the data file another agreement's id, alone",
         "a.yaml", SHIPPED_BYTES, "a.yaml an id the file does not have); every document is made again", 0,
         args=BUILD, setup=_edit_record(_rename_id("minimal-example")), extra=_only_own_names),
    Case("build-record-kind-slash", "a build record with a document whose kind holds a slash", "a.yaml",
         SHIPPED_BYTES, f"{IGNORED} ('{ID}-a/../../memo.pdf' is not the name of a document this tool writes)",
         0, args=BUILD, setup=_edit_record(_add_name(f"{ID}-a/../../memo.pdf")), extra=_only_own_names),
    Case("build-record-name-outside", "a build record with a document named '../x-memo.pdf'", "a.yaml",
         SHIPPED_BYTES, f"{IGNORED} ('../x-memo.pdf' is not the name of a document this tool writes)", 0,
         args=BUILD, setup=_edit_record(_add_name("../x-memo.pdf")), extra=_only_own_names),
    Case("build-record-empty-lists", "a build record of empty lists as large as a record of its folder may be",
         "a.yaml", SHIPPED_BYTES, f"{IGNORED} (a list longer than the 32 items a record has)", 0, args=BUILD,
         setup=_pad_to_bound(0), extra=_only_own_names),
    Case("build-record-over-bound", "a build record of empty lists one byte over the bound of its folder",
         "a.yaml", SHIPPED_BYTES, "bytes a record of this folder can need); every document is made again", 0,
         args=BUILD, setup=_pad_to_bound(1), extra=_only_own_names),
    Case("build-check-swapped-document", "--check with the memo swapped for another agreement's and the record "
         "edited to match it", "a.yaml", SHIPPED_BYTES, "checked 1 document for 1 agreement", 1, args=CHECK,
         setup=_swap_document(_other_memo), extra=_check_left_alone),
    Case("build-check-edited-document", "--check with one byte of the memo changed and the record edited to "
         "match it", "a.yaml", SHIPPED_BYTES, "1 out of date", 1, args=CHECK,
         setup=_swap_document(_one_byte), extra=_check_left_alone),
    Case("build-record-garbage", "the build record replaced by binary garbage", "a.yaml", SHIPPED_BYTES, BUILT, 0,
         args=BUILD, setup=_spoil(b"\x00\xff\xfe garbage"), extra=_current_document),
    Case("build-record-truncated", "the build record cut in half", "a.yaml", SHIPPED_BYTES, BUILT, 0,
         args=BUILD, setup=_spoil(lambda r: r.write_bytes(r.read_bytes()[: r.stat().st_size // 2])),
         extra=_current_document),
    Case("build-record-nested", "a build record of 100,000 nested brackets", "a.yaml", SHIPPED_BYTES, BUILT, 0,
         args=BUILD, setup=_spoil(b"[" * 100_000), extra=_current_document),
    Case("build-record-wrong-types", "a build record whose entries have the wrong types", "a.yaml", SHIPPED_BYTES,
         BUILT, 0, args=BUILD, setup=_spoil({"format": "reports build record", "version": 1, "tool": "x",
                                             "inputs": [], "outputs": {"x": {"stat": "now"}}}),
         extra=_current_document),
    Case("build-record-foreign", "a build record written by another version of reports", "a.yaml", SHIPPED_BYTES,
         BUILT, 0, args=BUILD, setup=_spoil(_foreign), extra=_current_document),
    Case("build-record-other-keys", "a build record whose keys are for other inputs", "a.yaml", SHIPPED_BYTES,
         BUILT, 0, args=BUILD, setup=_spoil(_claims_old_hash), extra=_current_document),
    Case("build-record-fifo", "a FIFO where the build record goes", "a.yaml", SHIPPED_BYTES,
         "warning: the build record could not be written, so the next build makes every document again", 0,
         args=BUILD, setup=_spoil(_fifo), process=True, extra=_fifo_left),
    Case("build-record-folder", "a folder where the build record goes", "a.yaml", SHIPPED_BYTES,
         "the build record could not be written", 0, args=BUILD, setup=_spoil(_folder),
         extra=_current_document),
    Case("build-record-link-out", "the build record is a link to a file outside the output folder", "a.yaml",
         SHIPPED_BYTES, BUILT, 0, args=BUILD, setup=_spoil(_link_to_secret), extra=_link_replaced),
    Case("build-manifest-onto-record", "--manifest naming the build record", "a.yaml", SHIPPED_BYTES,
         "the manifest would overwrite the build record", 1, args=(*BUILD, "--manifest", f"{{dir}}/out/{RECORD_NAME}"),
         extra=_nothing_built),
    Case("build-lang-not-a-tag", "--lang with a value that is not a language tag", "a.yaml", SHIPPED_BYTES,
         "'zh Hans' is not a language tag (BCP-47, e.g. en, fr, zh-Hans)", 2, args=(*BUILD, "--lang", "zh Hans"),
         extra=_nothing_built),
    Case("build-watch-stdin", "reports watch - (standard input cannot be watched)", "a.yaml", SHIPPED_BYTES,
         "'-' does not exist", 2, args=("watch", "-", "-d", "{dir}/out"), extra=_nothing_built),
    Case("build-watch-missing", "reports watch naming a data file that does not exist", "a.yaml", SHIPPED_BYTES,
         "missing.yaml' does not exist", 2, args=("watch", "{dir}/missing.yaml", "-d", "{dir}/out"),
         extra=_nothing_built),
]
