"""Bad-input catalogue rows for incremental builds and the watch: a build record that is corrupt, foreign,
not a file or a link out of the folder means every document is made again (never a wrong document, never
a hang); options of the new commands that cannot be used are one usage error."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

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
    from reports.load import load_agreement
    from reports.pipeline import render

    expected = render(load_agreement(folder / "a.yaml"), "memo", "pdf").data
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


CASES: list[Case] = [
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
