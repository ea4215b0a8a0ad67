"""What the signatures in a PDF say, for ``reports verify``: each one's verdict, and the unsigned original.

``check_signatures`` reads every signature field with pyHanko and reports, per signature: whether its
digest matches the bytes its ``/ByteRange`` covers (intact), who signed and when, the RFC 3161 time-stamp
if there is one, whether the certificate chain leads to one of the trust roots given (none given: not
judged), and whether the file goes on after the signed revision (modified after signing), with pyHanko's
difference analysis saying what kind of change that is.

``first_revision`` gives back the bytes a signature was added to: for a file ``reports`` signed, the
unsigned document exactly, which can then be rebuilt and compared.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from reports.errors import ReportsError, display_path, shorten

# pyHanko logs every failed path building and every suspicious change, traceback included, to its loggers;
# a verdict here says the same in one line. Without a handler of its own Python would print them to stderr.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


class SignatureCheckError(ReportsError):
    """A file whose signatures cannot be read at all (not a PDF, a broken cross-reference table)."""

    kind = "signature"


@dataclass(frozen=True)
class SignatureReport:
    """One signature's verdict. ``trusted`` is None when no trust roots were given to judge the chain."""

    field: str
    intact: bool  # the digest of the bytes the /ByteRange covers matches the signed digest
    valid: bool  # ... and the signature over the signed attributes verifies with the certificate's key
    signer: str  # the certificate's subject, RFC 4514 ("CN=...,O=...")
    signing_time: dt.datetime | None  # what the signer claims (the CMS signing-time attribute)
    timestamp: bool  # an RFC 3161 signature time-stamp is embedded (PAdES B-T)
    timestamp_valid: bool | None  # it matches the signature and its own signature verifies (None: none)
    timestamp_time: dt.datetime | None
    trusted: bool | None  # the chain leads to a given trust root, the certificate valid and usable
    trust_problem: str | None  # why not, in pyHanko's words, when trust roots were given
    covers_whole_file: bool  # the signature covers the file to its end: nothing appended after it
    modified_after_signing: bool  # later revisions exist (what changed: ``changes``)
    changes: str  # pyHanko's modification level: NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS or OTHER
    problem: str | None = None  # why the signature could not be evaluated, when it could not

    @property
    def ok(self) -> bool:
        """Intact, valid, its time-stamp (if any) valid, not modified after, and trusted if that was asked."""
        return (self.intact and self.valid and self.timestamp_valid is not False
                and not self.modified_after_signing and self.trusted is not False)


def _roots(trust_roots: Iterable[str | os.PathLike[str] | bytes]) -> list[asn1_x509.Certificate]:
    from pyhanko.keys import load_certs_from_pemder_data

    found: list[asn1_x509.Certificate] = []
    for root in trust_roots:
        data = root if isinstance(root, bytes) else _read_root(root)
        found.extend(load_certs_from_pemder_data(data))
    return found


def _read_root(path: str | os.PathLike[str]) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(1 << 20)
    except OSError as exc:
        raise SignatureCheckError(f"{display_path(path)}: cannot read the trust root: {exc.strerror}") from None


def _reader(data: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise SignatureCheckError(f"not a readable PDF: {shorten(str(exc), 200)}") from None


def check_signatures(data: bytes, trust_roots: Iterable[str | os.PathLike[str] | bytes] = (), *,
                     when: dt.datetime | None = None) -> list[SignatureReport]:
    """Each signature of ``data``, in the order they were made; an empty list for an unsigned PDF.

    ``trust_roots`` are PEM/DER certificate files (or their bytes); without any, the chain is not
    judged (``trusted`` is None). ``when`` is the time the chain is validated at (default: now). No
    network is used: revocation is not checked (the certificates' own CRL or OCSP addresses are not
    fetched), which the report's ``trust_problem`` does not hide: a chain is judged on the roots alone.
    """
    reader = _reader(data)
    roots = _roots(trust_roots)
    try:
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError) as exc:
        raise SignatureCheckError(f"the signature fields cannot be read: {shorten(str(exc), 200)}") from None
    return [_report(signature, roots, when) for signature in embedded]


def _context(roots: list[asn1_x509.Certificate], when: dt.datetime | None) -> ValidationContext:
    # Every certificate is trusted or not on the roots given; nothing is fetched ("soft-fail" still
    # accepts a certificate with no revocation information, which a test PKI's never has).
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=when)


def _report(signature: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate],
            when: dt.datetime | None) -> SignatureReport:
    field = str(signature.field_name)
    signer = "(unknown)"
    try:
        signer = _rfc4514(signature.signer_cert)
        status = validate_pdf_signature(signature, signer_validation_context=_context(roots, when))
    except Exception as exc:  # pyHanko raises many kinds for malformed signatures; each is a verdict here
        return SignatureReport(
            field=field, intact=False, valid=False, signer=signer, signing_time=None, timestamp=False,
            timestamp_valid=None, timestamp_time=None, trusted=False if roots else None, trust_problem=None,
            covers_whole_file=False, modified_after_signing=False, changes="UNKNOWN",
            problem=f"{type(exc).__name__}: {shorten(str(exc), 200)}")
    stamp = status.timestamp_validity
    coverage = status.coverage
    whole = coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    return SignatureReport(
        field=field,
        intact=bool(status.intact),
        valid=bool(status.valid),
        signer=signer,
        signing_time=status.signer_reported_dt,
        timestamp=stamp is not None,
        timestamp_valid=None if stamp is None else bool(stamp.intact and stamp.valid),
        timestamp_time=None if stamp is None else stamp.timestamp,
        trusted=bool(status.trusted) if roots else None,
        trust_problem=(None if not roots or status.trust_problem_indic is None
                       else str(status.trust_problem_indic)),
        covers_whole_file=whole,
        modified_after_signing=not whole,
        changes=level.name if level is not None else "UNKNOWN",
    )


def _rfc4514(cert: asn1_x509.Certificate | None) -> str:
    if cert is None:
        return "(unknown)"
    from cryptography import x509

    return x509.load_der_x509_certificate(cert.dump()).subject.rfc4514_string()


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_EOF = re.compile(rb"%%EOF(\r\n|\r|\n)?")


def first_revision(data: bytes) -> bytes:
    """The bytes the first signature of ``data`` was added to: the file up to the end of the revision
    before the signed one (for a PDF ``reports`` signed, the unsigned document exactly).

    Raises ``SignatureCheckError`` for a file without a signature, or whose first signature was made in
    its first revision (no unsigned original inside it).
    """
    reader = _reader(data)
    try:
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError) as exc:
        raise SignatureCheckError(f"the signature fields cannot be read: {shorten(str(exc), 200)}") from None
    if not signatures:
        raise SignatureCheckError("the PDF has no signature")
    first = min(signatures, key=lambda signature: signature.signed_revision)
    revision = first.signed_revision
    if revision == 0:
        raise SignatureCheckError("the first signature was made in the file's first revision: it extends no "
                                  "unsigned original")
    # The previous revision ends at the %%EOF (and its end of line) after its cross-reference section.
    previous_xref = reader.xrefs.get_startxref_for_revision(revision - 1)
    match = _EOF.search(data, previous_xref)
    if match is None:
        raise SignatureCheckError("the revision before the first signature has no %%EOF marker")
    return data[:match.end()]
