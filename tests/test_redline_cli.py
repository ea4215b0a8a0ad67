"""Redlines through the command line: ``reports diff OLD NEW`` and ``reports build NEW --against OLD``
with a file or ``git:REV``, the build record keyed by both inputs, and every bad use one message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reports.paths import builtin_data_dir
from tests.conftest import pdf_text as pdf_body_text

SHIPPED = builtin_data_dir() / "zhejiang-alibaba-2023.yaml"
DRAFT = builtin_data_dir() / "zhejiang-alibaba-2023.draft.yaml"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_COLOR": "1"}


def reports(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reports", *args], capture_output=True, text=True, env=ENV,
                          cwd=cwd, stdin=subprocess.DEVNULL, timeout=300, check=False)


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(folder), *args],
                   check=True, capture_output=True)


def test_diff_writes_redlines_with_what_changed_and_the_changes_marked(tmp_path: Path) -> None:
    done = reports("diff", str(DRAFT), str(SHIPPED), "-d", str(tmp_path / "red"), "--author", "Policy desk")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "red").iterdir() if not p.name.startswith("."))
    assert names == ["zhejiang-alibaba-2023-briefing.docx", "zhejiang-alibaba-2023-briefing.pdf",
                     "zhejiang-alibaba-2023-memo.docx", "zhejiang-alibaba-2023-memo.pdf"]
    text = " ".join(pdf_body_text((tmp_path / "red" / "zhejiang-alibaba-2023-briefing.pdf").read_bytes()).split())
    assert "What changed" in text
    assert "Units involved: Alibaba Group: Number of units changed from 6 to 7" in text
    assert "Focus areas: Digital cultural tourism added" in text
    docx = (tmp_path / "red" / "zhejiang-alibaba-2023-briefing.docx").read_bytes()
    from tests.redline_docx import accepted_paragraphs, rejected_paragraphs, without_summary

    plain = reports("build", str(SHIPPED), "-d", str(tmp_path / "new"), "--format", "docx", "--kind", "briefing")
    old = reports("build", str(DRAFT), "-d", str(tmp_path / "old"), "--format", "docx", "--kind", "briefing")
    assert plain.returncode == 0 and old.returncode == 0
    name = "zhejiang-alibaba-2023-briefing.docx"
    new_text = without_summary(accepted_paragraphs((tmp_path / "new" / name).read_bytes()))
    old_text = without_summary(accepted_paragraphs((tmp_path / "old" / name).read_bytes()))
    assert without_summary(accepted_paragraphs(docx)) == new_text
    assert without_summary(rejected_paragraphs(docx)) == old_text
    import zipfile

    body = zipfile.ZipFile(__import__("io").BytesIO(docx)).read("word/document.xml").decode()
    assert 'w:author="Policy desk"' in body and 'w:date="2023-11-14T22:13:20Z"' in body


def test_a_redline_is_rebuilt_only_when_either_version_changes(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    shutil.copy(DRAFT, old)
    shutil.copy(SHIPPED, new)
    out = tmp_path / "out"
    first = reports("build", str(new), "--against", str(old), "-d", str(out), "--kind", "memo", "--format", "pdf")
    assert first.returncode == 0, first.stderr
    made = (out / "zhejiang-alibaba-2023-memo.pdf").read_bytes()
    again = reports("build", str(new), "--against", str(old), "-d", str(out), "--kind", "memo", "--format", "pdf")
    assert "1 already up to date" in again.stderr + again.stdout
    old.write_text(old.read_text("utf-8").replace("China Policy Desk", "Asia Policy Desk"), "utf-8")
    third = reports("build", str(new), "--against", str(old), "-d", str(out), "--kind", "memo", "--format", "pdf")
    assert "already up to date" not in third.stderr + third.stdout
    remade = (out / "zhejiang-alibaba-2023-memo.pdf").read_bytes()
    assert remade != made and "Asia Policy Desk" in " ".join(pdf_body_text(remade).split())
    # The same inputs give the same bytes in another folder: a redline is reproducible too.
    fresh = reports("build", str(new), "--against", str(old), "-d", str(tmp_path / "b"), "--kind", "memo",
                    "--format", "pdf")
    assert fresh.returncode == 0
    assert (tmp_path / "b" / "zhejiang-alibaba-2023-memo.pdf").read_bytes() == remade


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_against_a_git_revision_takes_each_file_and_the_template_folder_as_they_were(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "tpl").mkdir(parents=True)
    shutil.copy(DRAFT, repo / "deal.yaml")
    memo = (builtin_data_dir().parent / "templates" / "memo.md.j2").read_text("utf-8")
    (repo / "tpl" / "memo.md.j2").write_text(memo, "utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first")
    shutil.copy(SHIPPED, repo / "deal.yaml")
    shutil.copy(SHIPPED, repo / "brand-new.yaml")
    (repo / "brand-new.yaml").write_text(SHIPPED.read_text("utf-8").replace("id: zhejiang-alibaba-2023",
                                                                              "id: brand-new"), "utf-8")
    done = reports("build", "deal.yaml", "brand-new.yaml", "--against", "git:HEAD", "--kind", "memo",
                   "--format", "pdf", "--template-dir", "tpl", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "brand-new.yaml: warning: not in git:HEAD: a new file, built without a redline" in done.stderr
    text = " ".join(pdf_body_text((repo / "out" / "redline" / "zhejiang-alibaba-2023-memo.pdf").read_bytes()).split())
    assert "What changed" in text and "Memo: What happens next" in text
    assert "template" not in text.split("What changed")[1][:2000]  # the templates are the same
    (repo / "tpl" / "memo.md.j2").write_text(memo + "\nA closing line the new template adds.\n", "utf-8")
    shutil.copy(DRAFT, repo / "deal.yaml")  # the data as it was: the template alone changed
    done = reports("build", "deal.yaml", "--against", "git:HEAD", "--kind", "memo", "--format", "pdf",
                   "--template-dir", "tpl", cwd=repo)
    assert done.returncode == 0, done.stderr
    text = " ".join(pdf_body_text((repo / "out" / "redline" / "zhejiang-alibaba-2023-memo.pdf").read_bytes()).split())
    assert "The data did not change: the changes marked below come from the template or its options." in text
    assert "A closing line the new template adds." in text


@pytest.mark.parametrize(("args", "message"), [
    (["--against", str(DRAFT), str(SHIPPED), str(DRAFT)], "a data file is the old version of one agreement"),
    (["--against", "git:-x", str(SHIPPED)], "not starting with '-'"),
    (["--against-template-dir", ".", str(SHIPPED)], "--against-template-dir is for a redline"),
    (["--against", str(DRAFT), "--author", "", str(SHIPPED)], "--author"),
    (["--against", "missing.yaml", str(SHIPPED)], "missing.yaml: file not found"),
])
def test_a_bad_redline_request_is_one_message_and_exit_2_or_1(tmp_path: Path, args: list[str], message: str) -> None:
    done = reports("build", "-d", str(tmp_path), *args)
    assert done.returncode in (1, 2) and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not any(p.suffix in (".pdf", ".docx") for p in tmp_path.rglob("*"))


def test_an_invalid_old_version_names_its_file_line_and_field(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(DRAFT.read_text("utf-8").replace("signed: 2023-07-07", "signed: 2023-13-45"), "utf-8")
    done = reports("build", str(SHIPPED), "--against", str(old), "-d", str(tmp_path / "out"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{old}:" in done.stderr and "agreement.signed" in done.stderr
    assert not (tmp_path / "out" / "redline").exists() or not any((tmp_path / "out" / "redline").glob("*.pdf"))


def test_the_python_api_makes_a_redline_with_its_author() -> None:
    import io
    import zipfile

    import reports

    new, old = reports.load_agreement(SHIPPED), reports.load_agreement(DRAFT)
    docx = reports.render(new, "memo", "docx", against=old, author="Desk")
    body = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert 'w:author="Desk"' in body and "<w:delText" in body
    assert reports.render(new, "memo", "docx") != docx
