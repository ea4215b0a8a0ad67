"""Safe writes: temporary file + rename, no churn, nothing half-written on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reports.errors import OutputError
from reports.output import prepare_out_dir, write_atomic


def test_write_creates_file_with_content(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    assert write_atomic(target, b"hello") is True
    assert target.read_bytes() == b"hello"
    assert list(tmp_path.iterdir()) == [target]


def test_identical_bytes_leave_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    write_atomic(target, b"same")
    os.utime(target, (1_000_000, 1_000_000))
    assert write_atomic(target, b"same") is False
    assert target.stat().st_mtime == 1_000_000


def test_output_mode_follows_umask(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    write_atomic(target, b"x")
    assert target.stat().st_mode & 0o044 == 0o044  # readable by others, unlike mkstemp's 0600


def test_disk_full_keeps_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"earlier output")

    def full_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_fsync)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, b"new content that does not fit")
    assert target.read_bytes() == b"earlier output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


def test_interrupt_during_write_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"earlier output")

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"earlier output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


def test_out_dir_is_created(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    prepare_out_dir(out)
    assert out.is_dir()


def test_out_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder")
    with pytest.raises(OutputError, match="the output folder is a file"):
        prepare_out_dir(out)


def test_out_dir_not_writable_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: these tests may run as root, who can write into any folder whatever its mode.
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match="the output folder is not writable"):
        prepare_out_dir(out)
