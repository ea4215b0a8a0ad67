"""Files in, files out: only regular files are read (and never more than the limit), only regular files
are replaced, stale temporaries of killed builds are removed, every printed name is safe for a terminal,
and the loader's messages for odd encodings, numbers and keys are located."""

from __future__ import annotations

import codecs
import io
import json
import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from reports import output
from reports.batch import BuildResult, InputRecord, OutputRecord
from reports.cli import main
from reports.console import report_build, summary_line
from reports.errors import (
    DataError,
    OutputError,
    Problem,
    ReportsError,
    ThemeError,
    display_path,
    escape_for_terminal,
    join_capped,
    shorten,
)
from reports.load import load_agreement, load_theme
from reports.output import prepare_out_dir, remove_stale_temporaries, write_atomic
from tests.conftest import SHIPPED, shipped_dict

SHIPPED_TEXT = SHIPPED.read_text("utf-8")


def _finishes(call: Callable[[], object], seconds: float = 10) -> BaseException | None:
    """Run ``call`` in a thread; fail if it is still running after ``seconds`` (a hang), else return its error."""
    error: list[BaseException] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:  # handed back to the test
            error.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the call hangs"
    return error[0] if error else None


def _data_error(path: str | Path, **kwargs: int) -> Problem:
    with pytest.raises(DataError) as info:
        load_agreement(path, **kwargs)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


# --------------------------------------------------------------------------- inputs that are not regular files


def test_dev_zero_is_refused_without_reading_it() -> None:
    problem = _data_error("/dev/zero")
    assert problem.format() == "/dev/zero: not a regular file (a character device); expected a YAML or JSON file"


def test_link_to_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").symlink_to("/dev/zero")
    assert _data_error(tmp_path / "x.yaml").message == (
        "not a regular file (a character device); expected a YAML or JSON file")


def test_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    error = _finishes(lambda: load_agreement(fifo))
    assert isinstance(error, DataError)
    assert error.problems[0].format() == f"{fifo}: not a regular file (a FIFO); expected a YAML or JSON file"


def test_socket_is_refused() -> None:
    folder = Path(tempfile.mkdtemp(dir="/tmp"))  # a socket's path is limited to about 100 bytes
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(folder / "s.yaml"))
            assert _data_error(folder / "s.yaml").message.startswith("not a regular file (a socket)")
    finally:
        (folder / "s.yaml").unlink()
        folder.rmdir()


def test_file_swapped_for_a_fifo_after_the_check_is_refused(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # The race: stat sees a regular file, then a FIFO stands under the name when it is opened. Opening
    # does not block (O_NONBLOCK) and fstat of the open file refuses it.
    regular = tmp_path / "regular.yaml"
    regular.write_text(SHIPPED_TEXT)
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    real_stat = os.stat

    def stat_says_regular(path: object, *args: object, **kwargs: object) -> os.stat_result:
        return real_stat(regular if str(path) == str(fifo) else path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat_says_regular)
    error = _finishes(lambda: load_agreement(fifo))
    assert isinstance(error, DataError)
    assert error.problems[0].message == "not a regular file (a FIFO); expected a YAML or JSON file"


def test_reported_size_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Like a /proc file: the size says 0, the content is larger than the limit. At most limit + 1 bytes
    # are read, then the file is refused.
    path = tmp_path / "a.yaml"
    path.write_bytes(b"# " + b"x" * 10_000 + b"\n")
    real_stat, real_read = os.stat, os.read
    asked: list[int] = []

    def size_zero(target: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(target, *args, **kwargs)  # type: ignore[arg-type]
        if str(target) != str(path):
            return result
        fields = list(result)
        fields[stat.ST_SIZE] = 0
        return os.stat_result(fields)

    def counted_read(fd: int, size: int) -> bytes:
        asked.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(os, "stat", size_zero)
    monkeypatch.setattr(os, "read", counted_read)
    problem = _data_error(path, max_bytes=1000)
    assert problem.message == "file is over the limit of 1,000 bytes"
    assert sum(asked) <= 1001


def test_file_over_the_limit_is_refused_by_its_size_before_reading(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 2000)
    monkeypatch.setattr(os, "open", lambda *a, **k: pytest.fail("opened a file known to be too large"))
    assert _data_error(path, max_bytes=1000).message == "file is 2,000 bytes, over the limit of 1,000 bytes"


def test_standard_input_is_read_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            asked.append(len(buffer))
            buffer[:] = b"#" * len(buffer)
            return len(buffer)

    stdin = io.TextIOWrapper(io.BufferedReader(Endless()))
    monkeypatch.setattr(sys, "stdin", stdin)
    error = _finishes(lambda: load_agreement("-", max_bytes=100_000))
    assert isinstance(error, DataError)
    assert error.problems[0].format() == "<stdin>: input is over the limit of 100,000 bytes"
    assert sum(asked) < 200_000


def test_standard_input_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SHIPPED_TEXT.encode())))
    assert load_agreement("-").id == yaml.safe_load(SHIPPED_TEXT)["id"]


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: the suite may run as root, who can read any file whatever its mode.
    path = tmp_path / "a.yaml"
    path.write_text(SHIPPED_TEXT)

    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    assert _data_error(path).message == "permission denied: the file cannot be read"


def test_theme_file_that_is_a_fifo_or_a_folder_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "theme.yaml"
    os.mkfifo(fifo)
    error = _finishes(lambda: load_theme(fifo))
    assert isinstance(error, ThemeError)
    assert error.problems[0].message == "not a regular file (a FIFO); expected a YAML or JSON file"
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(ThemeError) as info:
        load_theme(folder)
    assert info.value.problems[0].message == "is a folder, not a theme file"


# --------------------------------------------------------------------------- outputs that are not regular files


def test_dev_null_is_never_replaced() -> None:
    before = os.stat("/dev/null")
    with pytest.raises(OutputError) as info:
        write_atomic(Path("/dev/null"), b"%PDF-1.4 would-be output")
    assert info.value.format_message() == "/dev/null: is a character device, not a file; refusing to replace it"
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert not [name for name in os.listdir("/dev") if name.startswith(".null.")]


@pytest.mark.parametrize("kind", ["fifo", "folder", "socket", "link to a device"])
def test_special_targets_are_refused_and_kept(kind: str) -> None:
    folder = Path(tempfile.mkdtemp(dir="/tmp"))
    target = folder / "a.pdf"
    try:
        if kind == "fifo":
            os.mkfifo(target)
        elif kind == "folder":
            target.mkdir()
        elif kind == "socket":
            sock = socket.socket(socket.AF_UNIX)
            sock.bind(str(target))
            sock.close()
        else:
            target.symlink_to("/dev/null")
        mode = os.lstat(target).st_mode
        error = _finishes(lambda: write_atomic(target, b"data"))
        assert isinstance(error, OutputError)
        what = {"fifo": "a FIFO", "folder": "a folder", "socket": "a socket",
                "link to a device": "a character device"}[kind]
        assert error.format_message() == f"{target}: is {what}, not a file; refusing to replace it"
        assert os.lstat(target).st_mode == mode
        assert sorted(p.name for p in folder.iterdir()) == ["a.pdf"]  # no temporary left
    finally:
        if target.is_dir() and not target.is_symlink():
            target.rmdir()
        else:
            target.unlink()
        folder.rmdir()


def test_link_to_a_regular_file_is_replaced_and_its_target_kept(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.pdf"
    elsewhere.write_bytes(b"kept")
    link = tmp_path / "a.pdf"
    link.symlink_to(elsewhere)
    assert write_atomic(link, b"new") is True
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert elsewhere.read_bytes() == b"kept"


def test_out_dir_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    with pytest.raises(OutputError) as info:
        prepare_out_dir(fifo)
    assert info.value.format_message() == f"{fifo}: is a FIFO, not a folder; choose another --out-dir"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_unchanged_check_never_reads_a_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}"))
    assert output.is_unchanged(Path("/dev/zero"), b"") is False


# --------------------------------------------------------------------------- temporaries


def test_temporary_carries_the_writer_pid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(src: str | Path, dst: str | Path) -> None:
        seen.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_atomic(tmp_path / "a.pdf", b"x")
    assert len(seen) == 1
    prefix, pid, random, suffix = seen[0].rsplit(".", 3)
    assert (prefix, pid, suffix) == (".a.pdf", str(os.getpid()), "tmp")
    assert len(random) == 8 and int(random, 16) >= 0


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_stale_temporaries_of_dead_writers_are_removed(tmp_path: Path) -> None:
    dead = _dead_pid()
    names = ["a-memo.pdf", "a-memo.docx"]
    stale = [tmp_path / f".a-memo.pdf.{dead}.0badc0de.tmp", tmp_path / f".a-memo.docx.{dead}.12345678.tmp"]
    old_legacy = tmp_path / ".a-memo.pdf.k3j_x9qz.tmp"  # mkstemp's name, as older versions wrote
    kept = {
        tmp_path / f".a-memo.pdf.{os.getpid()}.0badc0de.tmp": b"being written by a live build",
        tmp_path / ".a-memo.pdf.abcdefgh.tmp": b"no pid, recent: may be someone's",
        tmp_path / f".other.pdf.{dead}.0badc0de.tmp": b"not a target of this build",
        tmp_path / "a-memo.pdf": b"the document itself",
        tmp_path / f"a-memo.pdf.{dead}.0badc0de.tmp": b"not hidden: not ours",
    }
    for path in [*stale, old_legacy]:
        path.write_bytes(b"half")
    for path, data in kept.items():
        path.write_bytes(data)
    long_ago = time.time() - output.STALE_AFTER_SECONDS - 60
    os.utime(old_legacy, (long_ago, long_ago))
    (tmp_path / f".a-memo.docx.{dead}.aaaaaaaa.tmp").mkdir()  # a folder is never removed
    (tmp_path / f".a-memo.docx.{dead}.bbbbbbbb.tmp").symlink_to(tmp_path / "a-memo.pdf")  # nor a link

    removed = remove_stale_temporaries(tmp_path, names)

    assert removed == sorted([*stale, old_legacy])
    for path, data in kept.items():
        assert path.read_bytes() == data
    assert (tmp_path / f".a-memo.docx.{dead}.aaaaaaaa.tmp").is_dir()
    assert (tmp_path / f".a-memo.docx.{dead}.bbbbbbbb.tmp").is_symlink()
    assert (tmp_path / "a-memo.pdf").read_bytes() == b"the document itself"


def test_temporary_of_a_killed_writer_is_removed(tmp_path: Path) -> None:
    # A real kill -9 in the middle of a write: the temporary stays behind, the next build removes it.
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from reports import output\n"
        "fd, tmp = output._create_temporary(Path(sys.argv[1]))\n"
        "os.write(fd, b'half a document')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "a-memo.pdf")])
    assert child.wait() == -9
    (left,) = tmp_path.iterdir()
    assert left.name.startswith(f".a-memo.pdf.{child.pid}.") and left.name.endswith(".tmp")
    assert remove_stale_temporaries(tmp_path, ["a-memo.pdf"]) == [left]
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def zombie() -> Iterator[int]:
    child = subprocess.Popen([sys.executable, "-c", ""])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # exited but not reaped: a zombie
        state = Path(f"/proc/{child.pid}/stat").read_bytes().rsplit(b")", 1)[-1].split()[0]
        if state == b"Z":
            break
        time.sleep(0.01)
    yield child.pid
    child.wait()


def test_writer_that_is_a_zombie_counts_as_gone(tmp_path: Path, zombie: int) -> None:
    temp = tmp_path / f".a.pdf.{zombie}.0badc0de.tmp"
    temp.write_bytes(b"half")
    assert remove_stale_temporaries(tmp_path, ["a.pdf"]) == [temp]


def test_no_names_or_no_folder_removes_nothing(tmp_path: Path) -> None:
    temp = tmp_path / f".a.pdf.{_dead_pid()}.0badc0de.tmp"
    temp.write_bytes(b"half")
    assert remove_stale_temporaries(tmp_path, []) == []
    assert remove_stale_temporaries(tmp_path / "missing", ["a.pdf"]) == []
    assert temp.exists()


# --------------------------------------------------------------------------- terminal escapes


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b]0;pwned\x07.yaml", "\\x1b]0;pwned\\x07.yaml"),
    ("a\x7fb\x9bc\x85d", "a\\x7fb\\x9bc\\x85d"),
    ("line\nbreak\rand\ttab", "line\\nbreak\\rand\\ttab"),
    ("abc\u202edcba\u2066x\u2069", "abc\\u202edcba\\u2066x\\u2069"),
    ("\x00nul", "\\x00nul"),
    (os.fsdecode(b"\xff\xfe.yaml"), "\\xff\\xfe.yaml"),
    ("json \ud800", "json \\ud800"),
])
def test_escape_for_terminal(raw: str, shown: str) -> None:
    assert escape_for_terminal(raw) == shown
    shown.encode("utf-8")  # always printable and writable into JSON


def _acts_on_a_terminal(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or (
        0xD800 <= code <= 0xDFFF)


@given(st.text(alphabet=st.characters(exclude_categories=[])))  # surrogates included
def test_escaped_text_never_acts_on_a_terminal(text: str) -> None:
    shown = escape_for_terminal(text)
    assert not any(_acts_on_a_terminal(char) for char in shown)
    shown.encode("utf-8")
    if not any(_acts_on_a_terminal(char) for char in text):
        assert shown == text


@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"\0" not in b and b"/" not in b))
def test_any_file_name_prints_and_goes_into_json(name: bytes) -> None:
    problem = Problem(os.fsdecode(name), "bad")
    problem.format().encode("utf-8")
    problem.format_github().encode("utf-8")
    json.dumps(problem.as_dict(), ensure_ascii=False).encode("utf-8")
    assert display_path(name) == problem.as_dict()["file"]


def test_ordinary_text_is_left_alone() -> None:
    text = "Café 浙江大学 مرحبا שלום 👍🏽 e\u0301 C:\\path\\x1b ½"
    assert escape_for_terminal(text) is text


def test_display_path_shows_undecodable_bytes() -> None:
    assert display_path(b"data/\xff.yaml") == "data/\\xff.yaml"
    assert display_path(Path(os.fsdecode(b"data/\xff.yaml"))) == "data/\\xff.yaml"
    assert display_path("plain/ok.yaml") == "plain/ok.yaml"
    json.dumps({"file": display_path(b"\xff\x1b")}, ensure_ascii=False).encode("utf-8")


def test_problem_prints_escaped_everywhere() -> None:
    problem = Problem("\x1b[31mred.yaml", "bad \x07 value", line=3, column=4, field="a\u202eb")
    assert problem.format() == "\\x1b[31mred.yaml:3:4: a\\u202eb: bad \\x07 value"
    assert problem.format_github() == "::error file=\\x1b[31mred.yaml,line=3,col=4,title=a\\u202eb::bad \\x07 value"
    assert problem.as_dict()["file"] == "\\x1b[31mred.yaml"
    assert problem.as_dict()["message"] == "bad \\x07 value"
    # The message of an error without located problems is escaped too, line by line.
    error = ReportsError("first \x1b line\nsecond line")
    assert error.format_message() == "first \\x1b line\nsecond line"


def test_validate_escapes_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "\x1b]0;pwned\x07.yaml"
    path.write_text("- a\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned\\x07.yaml:1:1: expected a mapping of fields at the top level" in result.output


def test_summary_and_written_files_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    out = Path("out\x1b[2J")
    record = InputRecord(file="a\x07.yaml", id="a", outputs=[OutputRecord(
        path=f"{out}/a-memo.pdf", kind="memo", format="pdf", size=10, sha256="0" * 64, pages=1,
        status="written")])
    result = BuildResult(out_dir=out, check=False, inputs=[record])
    assert summary_line(result).endswith("-> out\\x1b[2J/")
    report_build(result, style="text", quiet=False, verbose=True)
    err = capsys.readouterr().err
    assert "\x1b" not in err and "out\\x1b[2J/a-memo.pdf: written (10 bytes, 1 pages)" in err


def test_caps_for_lists_and_long_text() -> None:
    assert join_capped([f"p{i}" for i in range(1000)], 3) == "p0, p1, p2 … and 997 more"
    assert join_capped(["a", "b"], 3) == "a, b"
    short = shorten("x" * 10_000, 300)
    assert len(short) < 350 and "(9,700 more characters)" in short
    assert shorten("ok", 300) == "ok"


# --------------------------------------------------------------------------- loader messages


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(("bom", "encoding", "named"), [
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
])
def test_byte_order_marks_name_their_encoding(tmp_path: Path, bom: bytes, encoding: str, named: str) -> None:
    path = _write(tmp_path, "a.yaml", bom + "title: x\n".encode(encoding))
    assert _data_error(path).format() == f"{path}:1:1: file is {named} text; save it as UTF-8"


def test_long_number_in_yaml_is_located(tmp_path: Path) -> None:
    text = "schema_version: 1\nparticipating_units:\n  - count: -" + "7" * 4301 + "\n"
    problem = _data_error(_write(tmp_path, "a.yaml", text))
    assert (problem.line, problem.column, problem.field) == (3, 12, "participating_units[0].count")
    assert problem.message == "number too long (4,301 digits)"


def test_long_number_in_json_is_located(tmp_path: Path) -> None:
    text = '{\n  "schema_version": 1,\n  "id": ' + "1" * 5000 + "\n}\n"
    problem = _data_error(_write(tmp_path, "a.json", text))
    assert (problem.line, problem.column, problem.field) == (3, 9, "id")
    assert problem.message == "invalid JSON: number too long (5,000 digits)"


def test_long_number_key_is_located(tmp_path: Path) -> None:
    # An explicit key (?): YAML allows implicit keys of 1,024 characters at most.
    problem = _data_error(_write(tmp_path, "a.yaml", "a:\n  ? " + "1" * 5000 + "\n  : x\n"))
    assert (problem.line, problem.column, problem.message) == (2, 5, "number too long (5,000 digits)")


def test_lone_surrogate_in_json_is_located(tmp_path: Path) -> None:
    data = shipped_dict()
    text = json.dumps(data, indent=2).replace('"title": "', '"title": "\\udc00', 1)
    problem = _data_error(_write(tmp_path, "a.json", text))
    line = text[: text.index('"title"')].count("\n") + 1
    assert (problem.line, problem.column, problem.field) == (line, 3, "title")
    assert "U+DC00" in problem.message


def test_escaped_backslash_before_u_is_text_not_a_surrogate(tmp_path: Path) -> None:
    data = shipped_dict()
    data["title"] = "C:\\ud800 is a folder name"
    agreement = load_agreement(_write(tmp_path, "a.json", json.dumps(data)))
    assert agreement.title == "C:\\ud800 is a folder name"


@pytest.mark.parametrize(("key", "read_as"), [
    ("true", "the boolean true"), ("off", "the boolean false"), ("Yes", "the boolean true"),
    ("1", "the number 1"), ("2.5", "the number 2.5"), ("~", "null (no value)"), ("null", "null (no value)"),
])
def test_keys_yaml_reads_as_other_types_are_named_as_written(tmp_path: Path, key: str, read_as: str) -> None:
    problem = _data_error(_write(tmp_path, "a.yaml", f"schema_version: 1\n{key}: x\n"))
    assert (problem.line, problem.column, problem.field) == (2, 1, key)
    assert problem.message == f"key {key!r} is read as {read_as}, not as a name; quote the key (\"{key}\":)"


def test_quoted_boolean_key_is_an_ordinary_unknown_field(tmp_path: Path) -> None:
    text = SHIPPED_TEXT + '"true": x\n'
    with pytest.raises(DataError) as info:
        load_agreement(_write(tmp_path, "a.yaml", text))
    assert [p.field for p in info.value.problems] == ["true"]
    assert info.value.problems[0].message.startswith("unknown field")


def test_long_messages_are_shortened(tmp_path: Path) -> None:
    data = shipped_dict()
    first = data["parties"][0]
    data["parties"] = [{**first, "name": f"Party number {i}", "short_name": f"P{i}"} for i in range(1000)]
    data["participating_units"][0]["party"] = "Nobody"
    path = _write(tmp_path, "a.yaml", yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DataError) as info:
        load_agreement(path)
    (problem,) = info.value.problems
    assert len(problem.message) < 400, len(problem.message)
    assert "Party number 0" in problem.message and "more characters" in problem.message


def test_huge_value_in_the_wrong_place_gives_a_short_message(tmp_path: Path) -> None:
    data = shipped_dict()
    data["agreement"]["signed"] = "x" * 1_000_000
    with pytest.raises(DataError) as info:
        load_agreement(_write(tmp_path, "a.yaml", yaml.safe_dump(data, allow_unicode=True, width=10**7)))
    (problem,) = info.value.problems
    assert problem.field == "agreement.signed" and len(problem.message) < 200
    assert problem.message.endswith("is not a valid date (expected YYYY-MM-DD, e.g. 2023-07-07)")
