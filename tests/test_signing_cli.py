"""Signing through the command line with a real test PKI (tests/pki.py): `reports build --sign` and
`reports pdf --sign` sign every PDF (B-B, or B-T from the loopback time-stamp authority), and
`reports verify` proves the content and reports the signature; tampering, an edit after signing, a
wrong password and an expired certificate each get a clear verdict or message."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from reports.paths import builtin_data_dir
from reports.signatures import check_signatures
from reports.signing_keys import PASSWORD_VARIABLE
from tests.pki import PASSWORD, TestPKI, loopback_tsa, make_pki
from tests.validators import check_pdf

SHIPPED = builtin_data_dir() / "zhejiang-alibaba-2023.yaml"
MEMO = "zhejiang-alibaba-2023-memo.pdf"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPKI:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tsa(pki: TestPKI) -> Iterator[str]:
    with loopback_tsa(pki) as url:
        yield url


def reports(*args: str, password: str | None = PASSWORD) -> subprocess.CompletedProcess[str]:
    # The signing time is the clock's: SOURCE_DATE_EPOCH (the project's tests may set it) would date the
    # signature before the test certificate was made.
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", PASSWORD_VARIABLE)}
    if password is not None:
        env[PASSWORD_VARIABLE] = password
    return subprocess.run([sys.executable, "-m", "reports", *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=300, check=False)


@pytest.fixture(scope="module")
def signed_build(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("signed")
    done = reports("build", str(SHIPPED), "-d", str(out), "--sign", str(pki.signer_p12))
    assert done.returncode == 0, done.stderr
    return out


def test_build_signs_every_pdf_and_verify_proves_content_and_signature(signed_build: Path, pki: TestPKI) -> None:
    for name in (MEMO, "zhejiang-alibaba-2023-briefing.pdf"):
        data = (signed_build / name).read_bytes()
        (report,) = check_signatures(data, [pki.root_cert])
        assert report.ok and "Reports Test Signer" in report.signer
        check_pdf(data)  # still PDF/A-3a and PDF/UA-1 with its source inside and its signature
    import zipfile

    docx = zipfile.ZipFile(signed_build / "zhejiang-alibaba-2023-memo.docx")
    assert not [n for n in docx.namelist() if "signature" in n.lower()]  # a Word file is not signed
    done = reports("verify", str(signed_build), "--trust", str(pki.root_cert))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""  # no library's warning reaches the user
    line = next(x for x in done.stdout.splitlines() if x.startswith(str(signed_build / MEMO)))
    assert ": reproduced" in line and "signed by" in line and "Reports Test Signer" in line and "trusted" in line
    untrusted = reports("verify", str(signed_build / MEMO), "--trust", str(pki.expired_cert))  # not its root
    assert untrusted.returncode == 1 and "NOT trusted" in untrusted.stdout


def test_a_time_stamp_makes_it_b_t(pki: TestPKI, tsa: str, tmp_path: Path) -> None:
    target = tmp_path / "memo.pdf"
    done = reports("pdf", str(SHIPPED), "--kind", "memo", "-o", str(target), "--sign", str(pki.signer_key),
                   "--sign-cert", str(pki.signer_cert), "--sign-chain", str(pki.root_cert), "--timestamp-url", tsa)
    assert done.returncode == 0, done.stderr
    (report,) = check_signatures(target.read_bytes(), [pki.root_cert])
    assert report.timestamp and report.timestamp_valid
    verified = reports("verify", str(target), "--trust", str(pki.root_cert))
    assert verified.returncode == 0 and "time-stamped" in verified.stdout


def test_tampering_and_an_edit_after_signing_are_caught(signed_build: Path, tmp_path: Path) -> None:
    data = (signed_build / MEMO).read_bytes()
    # One byte of the signed content changed (inside the first page's content stream).
    at = data.index(b"stream\n", data.index(b"/Length")) + 40
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:])
    done = reports("verify", str(tampered))
    assert done.returncode == 1 and ": differs" in done.stdout and "BROKEN" in done.stdout, done.stdout
    # A revision appended after signing: the content still proves, the signature no longer covers the file.
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("fr")
    writer.update_root()
    edited = io.BytesIO()
    writer.write(edited)
    (tmp_path / "edited.pdf").write_bytes(edited.getvalue())
    done = reports("verify", str(tmp_path / "edited.pdf"))
    assert done.returncode == 1 and ": differs" in done.stdout and "CHANGED after signing" in done.stdout


def test_a_wrong_password_or_an_expired_certificate_stops_before_anything_is_built(pki: TestPKI,
                                                                                   tmp_path: Path) -> None:
    wrong = reports("build", str(SHIPPED), "-d", str(tmp_path / "a"), "--sign", str(pki.signer_p12),
                    password="not it")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr and "password" in wrong.stderr.lower()
    expired = reports("build", str(SHIPPED), "-d", str(tmp_path / "b"), "--sign", str(pki.signer_key),
                      "--sign-cert", str(pki.expired_cert))
    assert expired.returncode == 1 and "expired" in expired.stderr.lower() and "Traceback" not in expired.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_a_key_others_may_read_is_a_warning_and_companions_need_sign(pki: TestPKI, tmp_path: Path) -> None:
    open_key = tmp_path / "open.p12"
    open_key.write_bytes(pki.signer_p12.read_bytes())
    open_key.chmod(0o644)
    done = reports("pdf", str(SHIPPED), "--kind", "memo", "-o", str(tmp_path / "m.pdf"), "--sign", str(open_key))
    assert done.returncode == 0 and "chmod 600" in done.stderr
    alone = reports("pdf", str(SHIPPED), "-o", str(tmp_path / "n.pdf"), "--timestamp-url", "http://127.0.0.1:9")
    assert alone.returncode == 2 and "give --sign KEY too" in alone.stderr
