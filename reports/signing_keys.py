"""The signer's key and certificate, read from files: a PKCS#12 archive, or a PEM/DER key with its certificate.

The key's password never comes from the command line (it would sit in the shell's history and in every
``ps`` listing): it is read from a password file, or from the environment (``REPORTS_SIGN_PASSWORD``).
Every mistake (a wrong password, a file that is no key, a certificate out of its validity period, a key
that does not belong to the certificate) is a ``SigningError`` naming the file; a key file that other
users can read is a warning, returned with the signer.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reports.errors import Problem, ReportsError, display_path

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
    from pyhanko.sign.signers import SimpleSigner

PASSWORD_VARIABLE = "REPORTS_SIGN_PASSWORD"
MAX_KEY_FILE = 1 << 20  # a key, a certificate or a PKCS#12 archive is a few kilobytes; a megabyte is not one


class SigningError(ReportsError):
    """A PDF could not be signed: the key, the certificate, the password or the time-stamp server."""

    kind = "signing"


@dataclass(frozen=True)
class LoadedSigner:
    """What ``load_signer`` read: pyHanko's signer, the certificate's subject, and warnings (key file modes)."""

    signer: SimpleSigner
    subject: str
    not_before: dt.datetime
    not_after: dt.datetime
    warnings: tuple[Problem, ...] = field(default=())


def _read(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise SigningError(f"{display_path(path)}: cannot read the {what}: {exc.strerror or exc}") from None
    if len(data) > MAX_KEY_FILE:
        raise SigningError(f"{display_path(path)}: the {what} is over {MAX_KEY_FILE:,} bytes; not a {what}")
    return data


def mode_warning(path: Path) -> Problem | None:
    """A warning when a secret file (key, archive, password) is readable or writable by group or others."""
    if os.name != "posix":
        return None  # Windows has ACLs, not mode bits; Python's st_mode there says nothing about them
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None  # the read that follows reports it
    loose = mode & 0o077
    if not loose:
        return None
    who = [name for name, bits in (("group", 0o070), ("others", 0o007)) if loose & bits]
    return Problem(file=str(path), message=(
        f"the file is accessible by {' and '.join(who)} (mode {mode:04o}, bits {loose:03o}); "
        f"a private key should be readable by its owner only: chmod 600 {display_path(path)}"))


def _password(password_file: Path | None, warnings: list[Problem]) -> bytes | None:
    if password_file is not None:
        if (warning := mode_warning(password_file)) is not None:
            warnings.append(warning)
        # One line of text: the newline an editor or `echo` leaves at the end is not part of it.
        return _read(password_file, "password file").rstrip(b"\r\n")
    value = os.environ.get(PASSWORD_VARIABLE)
    return value.encode("utf-8") if value else None


def _no_password(path: Path) -> SigningError:
    return SigningError(f"{display_path(path)}: the key is encrypted and no password was given: set "
                        f"{PASSWORD_VARIABLE} or give a password file")


def _wrong_password(path: Path) -> SigningError:
    return SigningError(f"{display_path(path)}: wrong password: the key could not be decrypted with the "
                        f"password given (from {PASSWORD_VARIABLE} or the password file)")


def _load_key(path: Path, password: bytes | None) -> PrivateKeyTypes:
    from cryptography.hazmat.primitives import serialization

    data = _read(path, "private key")
    pem = b"-----BEGIN" in data
    encrypted = b"ENCRYPTED" in data if pem else False
    if encrypted and password is None:
        raise _no_password(path)
    try:
        if pem:
            return serialization.load_pem_private_key(data, password if encrypted else None)
        return serialization.load_der_private_key(data, password)
    except TypeError:  # cryptography: "Password was not given but private key is encrypted"
        raise _no_password(path) from None
    except ValueError:
        if encrypted:
            raise _wrong_password(path) from None
        raise SigningError(f"{display_path(path)}: not a private key (expected PEM or DER, PKCS#1 or "
                           "PKCS#8)") from None
    except Exception as exc:  # unsupported algorithms and the like: still one line about the file
        raise SigningError(f"{display_path(path)}: cannot load the private key: {exc}") from None


def _load_certificates(path: Path, what: str) -> list[x509.Certificate]:
    from cryptography import x509

    data = _read(path, what)
    try:
        if b"-----BEGIN" in data:
            certificates = x509.load_pem_x509_certificates(data)
        else:
            certificates = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise SigningError(f"{display_path(path)}: not a certificate (expected PEM or DER X.509)") from None
    return certificates


def _load_pkcs12(path: Path, password: bytes | None) -> tuple[PrivateKeyTypes, x509.Certificate,
                                                                list[x509.Certificate]]:
    from asn1crypto import pkcs12 as asn1_pkcs12
    from cryptography.hazmat.primitives.serialization import pkcs12

    data = _read(path, "PKCS#12 archive")
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        # cryptography says the same for a wrong password and for a file that is no archive; the outer
        # structure is not encrypted, so parsing it tells the two apart.
        try:
            asn1_pkcs12.Pfx.load(data).native  # noqa: B018 - parsing is the check
        except Exception:
            raise SigningError(f"{display_path(path)}: not a PKCS#12 archive (.p12/.pfx)") from None
        if password is None:
            raise _no_password(path) from None
        raise _wrong_password(path) from None
    if key is None or certificate is None:
        raise SigningError(f"{display_path(path)}: the PKCS#12 archive holds no private key with its certificate")
    return key, certificate, list(others)


def load_signer(*, pkcs12: str | os.PathLike[str] | None = None, key: str | os.PathLike[str] | None = None,
                certificate: str | os.PathLike[str] | None = None, chain: Sequence[str | os.PathLike[str]] = (),
                password_file: str | os.PathLike[str] | None = None,
                now: dt.datetime | None = None) -> LoadedSigner:
    """Read a signer from ``pkcs12``, or from ``key`` and ``certificate``; ``chain`` adds CA certificates.

    The password comes from ``password_file`` (its first line) if given, else from the environment
    variable ``REPORTS_SIGN_PASSWORD``; an unencrypted key needs neither. The certificate must be valid at
    ``now`` (default: the clock) and must certify the key. Raises ``SigningError`` naming the file.
    """
    if (pkcs12 is None) == (key is None):
        raise SigningError("give either a PKCS#12 archive or a private key with its certificate, not both")
    if key is not None and certificate is None:
        raise SigningError(f"{display_path(key)}: a private key needs its certificate")
    warnings: list[Problem] = []
    password = _password(Path(password_file) if password_file is not None else None, warnings)
    secret = Path(pkcs12 if pkcs12 is not None else key)  # type: ignore[arg-type]  # one of them is set
    if (warning := mode_warning(secret)) is not None:
        warnings.append(warning)
    extra: list[x509.Certificate] = []
    if pkcs12 is not None:
        private_key, cert, extra = _load_pkcs12(secret, password)
        cert_file = secret
    else:
        private_key = _load_key(secret, password)
        cert_file = Path(certificate)  # type: ignore[arg-type]  # checked above
        cert, *extra = _load_certificates(cert_file, "certificate")
    for path in chain:
        extra.extend(_load_certificates(Path(path), "certificate chain"))
    _check_pair(private_key, cert, cert_file, secret)
    _check_validity(cert, cert_file, now or dt.datetime.now(dt.UTC))
    return LoadedSigner(signer=_simple_signer(private_key, cert, extra), subject=cert.subject.rfc4514_string(),
                        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
                        warnings=tuple(warnings))


def _check_pair(private_key: PrivateKeyTypes, cert: x509.Certificate, cert_file: Path, key_file: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    def spki(public: object) -> bytes:
        return public.public_bytes(serialization.Encoding.DER,  # type: ignore[attr-defined, no-any-return]
                                   serialization.PublicFormat.SubjectPublicKeyInfo)

    if spki(private_key.public_key()) != spki(cert.public_key()):
        raise SigningError(f"{display_path(cert_file)}: the certificate is not the one of the key in "
                           f"{display_path(key_file)}")


def _check_validity(cert: x509.Certificate, cert_file: Path, now: dt.datetime) -> None:
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if now < start:
        raise SigningError(f"{display_path(cert_file)}: the certificate is not valid yet: valid from "
                           f"{start:%Y-%m-%d %H:%M:%S} UTC to {end:%Y-%m-%d %H:%M:%S} UTC")
    if now > end:
        raise SigningError(f"{display_path(cert_file)}: the certificate expired on {end:%Y-%m-%d %H:%M:%S} UTC "
                           "(a signature made with it would not validate); renew it")


def _simple_signer(private_key: PrivateKeyTypes, cert: x509.Certificate,
                   others: list[x509.Certificate]) -> SimpleSigner:
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        key_info = translate_pyca_cryptography_key_to_asn1(private_key)
    except Exception as exc:
        raise SigningError(f"the key's algorithm cannot sign PDFs: {exc}") from None
    store = SimpleCertificateStore.from_certs([translate_pyca_cryptography_cert_to_asn1(c) for c in others])

    class KeptKeySigner(SimpleSigner):
        """pyHanko's signer, with the key it has already loaded: ``SimpleSigner.sign_raw`` parses the key
        again for each signature (twice a PDF, with the size estimate), and parsing an RSA key checks it,
        about 28 ms each time: two thirds of a signed PDF's signing."""

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
            from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
            from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
            from pyhanko_certvalidator.util import get_pyca_cryptography_hash

            chosen = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                mechanism = chosen.signature_algo
            except ValueError:
                mechanism = chosen["algorithm"].native
            hashing = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(private_key, RSAPrivateKey):
                return private_key.sign(data, PKCS1v15(), hashing)
            if mechanism == "ecdsa" and isinstance(private_key, EllipticCurvePrivateKey):
                return private_key.sign(data, ECDSA(hashing))
            return bytes(super().sign_raw(data, digest_algorithm))  # PSS, EdDSA: pyHanko's own way

    return KeptKeySigner(signing_cert=translate_pyca_cryptography_cert_to_asn1(cert), signing_key=key_info,
                         cert_registry=store)
