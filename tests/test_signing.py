"""PAdES signing with a real test PKI (tests/pki.py): a root CA, a signer, an expired one, and an RFC 3161
time-stamp authority on 127.0.0.1.

Each case ends in a verdict of ``check_signatures`` or in a ``SigningError``: B-B valid with its signer and
time, B-T with the loopback TSA's time-stamp, one byte changed after signing, an edit appended after
signing, a wrong password, an expired certificate (refused at loading: a signature made with it would not
validate, so none is made). The shipped briefing and memo, signed, still pass the PDF/A and PDF/UA
validators, and the unsigned bytes are given back exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pyhanko", reason="pyhanko is not installed (pip install pyhanko)")
pytest.importorskip("certomancer", reason="certomancer is not installed (pip install certomancer)")

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from reports.load import load_agreement
from reports.pipeline import render
from reports.signatures import SignatureCheckError, check_signatures, first_revision
from reports.signing import sign_pdf
from reports.signing_keys import PASSWORD_VARIABLE, LoadedSigner, SigningError, load_signer
from tests.pki import NOW, PASSWORD, TestPKI, loopback_tsa, make_pki
from tests.tagged_pdf import check_tagged
from tests.validators import check_pdf

ROOT = Path(__file__).resolve().parent.parent
AGREEMENT = ROOT / "data" / "zhejiang-alibaba-2023.yaml"
WHEN = NOW - dt.timedelta(hours=1)  # inside the signer's validity


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPKI:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def password_file(pki: TestPKI) -> Path:
    path = pki.folder / "password"
    path.write_text(PASSWORD + "\n", "utf-8")  # as `echo` writes it: the newline is not part of it
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def signer(pki: TestPKI, password_file: Path) -> LoadedSigner:
    loaded = load_signer(key=pki.signer_key, certificate=pki.signer_cert, chain=[pki.root_cert],
                         password_file=password_file)
    assert loaded.warnings == ()
    return loaded


@pytest.fixture(scope="module")
def tsa(pki: TestPKI) -> Iterator[str]:
    with loopback_tsa(pki) as url:
        yield url


@pytest.fixture(scope="module")
def documents() -> dict[str, bytes]:
    agreement = load_agreement(AGREEMENT)
    return {kind: render(agreement, kind, "pdf").data for kind in ("briefing", "memo")}


@pytest.fixture(scope="module")
def signed_bb(documents: dict[str, bytes], signer: LoadedSigner) -> bytes:
    return sign_pdf(documents["briefing"], signer, signing_time=WHEN)


# --------------------------------------------------------------------------- verdicts


def test_b_b_signature_is_valid_and_names_its_signer_and_time(signed_bb: bytes, documents: dict[str, bytes],
                                                             pki: TestPKI) -> None:
    assert signed_bb.startswith(documents["briefing"])
    (report,) = check_signatures(signed_bb, [pki.root_cert])
    assert report.intact and report.valid and report.trusted is True and report.ok
    assert report.signer == "CN=Reports Test Signer,O=Reports Test PKI"
    assert report.signing_time == WHEN
    assert (report.timestamp, report.timestamp_valid, report.timestamp_time) == (False, None, None)
    assert report.covers_whole_file and not report.modified_after_signing and report.changes == "NONE"
    # Without trust roots the chain is not judged; the signature itself still is.
    (unjudged,) = check_signatures(signed_bb)
    assert unjudged.trusted is None and unjudged.intact and unjudged.ok


def test_a_chain_to_another_root_is_not_trusted(signed_bb: bytes, pki: TestPKI, tmp_path: Path) -> None:
    stranger = make_pki(tmp_path / "other")
    (report,) = check_signatures(signed_bb, [stranger.root_cert])
    assert report.intact and report.trusted is False and not report.ok


def test_b_t_signature_carries_the_loopback_tsa_time_stamp(documents: dict[str, bytes], signer: LoadedSigner,
                                                          tsa: str, pki: TestPKI) -> None:
    signed = sign_pdf(documents["memo"], signer, timestamp_url=tsa, signing_time=WHEN)
    (report,) = check_signatures(signed, [pki.root_cert])
    assert report.timestamp and report.timestamp_valid is True and report.ok
    assert report.timestamp_time is not None
    assert abs(report.timestamp_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)  # the TSA's clock


def test_one_byte_changed_after_signing_is_not_intact(signed_bb: bytes, documents: dict[str, bytes],
                                                      pki: TestPKI) -> None:
    # A byte inside the first page's content stream: covered by the signature, and the file still parses.
    at = signed_bb.index(b"stream\n", signed_bb.index(b"/Length")) + 40
    assert at < len(documents["briefing"])
    tampered = signed_bb[:at] + bytes([signed_bb[at] ^ 0x01]) + signed_bb[at + 1:]
    (report,) = check_signatures(tampered, [pki.root_cert])
    assert not report.intact and not report.ok


def test_a_revision_appended_after_signing_is_reported_as_a_modification(signed_bb: bytes, pki: TestPKI) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_bb))
    writer.root["/Lang"] = generic.TextStringObject("fr")
    writer.update_root()
    edited = io.BytesIO()
    writer.write(edited)
    (report,) = check_signatures(edited.getvalue(), [pki.root_cert])
    assert report.intact  # what was signed is untouched ...
    assert report.modified_after_signing and not report.covers_whole_file and report.changes == "OTHER"
    assert not report.ok  # ... but the file is no longer what was signed
    assert first_revision(edited.getvalue()) == first_revision(signed_bb)


def test_first_revision_is_the_unsigned_document(signed_bb: bytes, documents: dict[str, bytes]) -> None:
    assert first_revision(signed_bb) == documents["briefing"]
    with pytest.raises(SignatureCheckError, match="no signature"):
        first_revision(documents["briefing"])
    assert check_signatures(documents["briefing"]) == []


# --------------------------------------------------------------------------- reproducible and archival


def test_b_b_with_an_rsa_key_is_deterministic_under_source_date_epoch(
        documents: dict[str, bytes], signer: LoadedSigner, monkeypatch: pytest.MonkeyPatch) -> None:
    epoch = int(WHEN.timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    first = sign_pdf(documents["memo"], signer)
    assert sign_pdf(documents["memo"], signer) == first
    (report,) = check_signatures(first)
    assert report.signing_time == dt.datetime.fromtimestamp(epoch, dt.UTC)


def test_a_signing_time_outside_the_certificate_is_refused(documents: dict[str, bytes], signer: LoadedSigner,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    with pytest.raises(SigningError, match=r"1970-01-01 00:00:00 UTC .*outside the certificate's validity"):
        sign_pdf(documents["memo"], signer)


@pytest.mark.parametrize("kind", ["briefing", "memo"])
def test_signed_documents_still_pass_pdf_a_and_pdf_ua(kind: str, documents: dict[str, bytes],
                                                      signer: LoadedSigner, tsa: str) -> None:
    signed = sign_pdf(documents[kind], signer, timestamp_url=tsa if kind == "memo" else None)
    assert check_pdf(signed) == ""
    tagged = check_tagged(signed, expect_archival=True)
    forms = tagged.roles("Form")
    assert len(forms) == 1 and forms[0].alt == "Digital signature"
    assert first_revision(signed) == documents[kind]
    # The document's own metadata is kept: the update rewrites neither /Info nor the XMP packet.
    assert b"pyHanko" not in signed[len(documents[kind]):]


def test_a_field_name_already_taken_is_refused(signed_bb: bytes, signer: LoadedSigner) -> None:
    with pytest.raises(SigningError, match="already has a field named 'Signature1'"):
        sign_pdf(signed_bb, signer, signing_time=WHEN)
    countersigned = sign_pdf(signed_bb, signer, signing_time=WHEN, field_name="Signature2")
    assert [report.field for report in check_signatures(countersigned)] == ["Signature1", "Signature2"]


# --------------------------------------------------------------------------- keys, passwords, certificates


def test_wrong_password_is_one_clear_error(pki: TestPKI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, "not the password")
    with pytest.raises(SigningError) as pem:
        load_signer(key=pki.signer_key, certificate=pki.signer_cert)
    assert pem.value.format_message() == f"{pki.signer_key}: wrong password: the key could not be decrypted " \
        f"with the password given (from {PASSWORD_VARIABLE} or the password file)"
    with pytest.raises(SigningError, match=rf"^{pki.signer_p12}: wrong password"):
        load_signer(pkcs12=pki.signer_p12)
    monkeypatch.delenv(PASSWORD_VARIABLE)
    with pytest.raises(SigningError, match=f"the key is encrypted and no password was given: set {PASSWORD_VARIABLE}"):
        load_signer(key=pki.signer_key, certificate=pki.signer_cert)


def test_password_from_the_environment_and_pkcs12(pki: TestPKI, monkeypatch: pytest.MonkeyPatch,
                                                   documents: dict[str, bytes]) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    loaded = load_signer(pkcs12=pki.signer_p12)
    assert loaded.subject == "CN=Reports Test Signer,O=Reports Test PKI"
    (report,) = check_signatures(sign_pdf(documents["memo"], loaded, signing_time=WHEN), [pki.root_cert])
    assert report.ok and report.trusted


@pytest.mark.parametrize(("which", "message"), [("expired_cert", "the certificate expired on"),
                                                 ("future_cert", "the certificate is not valid yet")])
def test_a_certificate_out_of_its_validity_is_refused(pki: TestPKI, password_file: Path, which: str,
                                                      message: str) -> None:
    cert = getattr(pki, which)
    with pytest.raises(SigningError, match=rf"^{cert}: {message}"):
        load_signer(key=pki.signer_key, certificate=cert, password_file=password_file)


def test_files_that_are_no_key_or_certificate_or_the_wrong_pair(pki: TestPKI, password_file: Path,
                                                                tmp_path: Path) -> None:
    junk = tmp_path / "junk.key"
    junk.write_bytes(b"this is no key\n")
    junk.chmod(0o600)
    with pytest.raises(SigningError, match=rf"^{junk}: not a private key"):
        load_signer(key=junk, certificate=pki.signer_cert)
    with pytest.raises(SigningError, match=rf"^{junk}: not a PKCS#12 archive"):
        load_signer(pkcs12=junk, password_file=password_file)
    with pytest.raises(SigningError, match=rf"^{pki.signer_key}: not a certificate"):
        load_signer(key=pki.signer_key, certificate=pki.signer_key, password_file=password_file)
    with pytest.raises(SigningError, match=rf"^{pki.root_cert}: the certificate is not the one of the key"):
        load_signer(key=pki.signer_key, certificate=pki.root_cert, password_file=password_file)
    with pytest.raises(SigningError, match="cannot read the private key"):
        load_signer(key=tmp_path / "missing.key", certificate=pki.signer_cert)


def test_a_key_file_others_can_read_is_a_warning(pki: TestPKI, password_file: Path, tmp_path: Path) -> None:
    loose = tmp_path / "loose.key"
    loose.write_bytes(pki.signer_key.read_bytes())
    loose.chmod(0o644)
    loaded = load_signer(key=loose, certificate=pki.signer_cert, password_file=password_file)
    (warning,) = loaded.warnings
    assert warning.file == str(loose)
    assert warning.message == ("the file is accessible by group and others (mode 0644, bits 044); a private key "
                               f"should be readable by its owner only: chmod 600 {loose}")
    loose.chmod(0o640)
    (warning,) = load_signer(key=loose, certificate=pki.signer_cert, password_file=password_file).warnings
    assert "by group (mode 0640, bits 040)" in warning.message


def test_an_unreachable_time_stamp_server_is_one_clear_error(documents: dict[str, bytes],
                                                             signer: LoadedSigner) -> None:
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tsa"
    with pytest.raises(SigningError, match=rf"^{url}: "):
        sign_pdf(documents["memo"], signer, timestamp_url=url, signing_time=WHEN)
