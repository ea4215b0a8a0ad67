"""A throw-away test PKI for the signing tests: a root CA, a signer, an expired signer, a time-stamp authority.

Every key is generated when the suite runs (nothing secret is committed); the files go to a temporary
folder. The TSA is certomancer's RFC 3161 responder (``certomancer.services.TimeStamper``, the one its
"animator" serves) behind a ``wsgiref`` server on 127.0.0.1, so pyHanko's HTTP client talks to a real
time-stamp server over a real socket, and nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "correct horse battery staple"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Reports Test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, key: rsa.RSAPrivateKey, issuer: x509.Certificate | None,
                 issuer_key: rsa.RSAPrivateKey, *, start: dt.datetime, end: dt.datetime,
                 ca: bool = False, usage: Iterable[x509.ObjectIdentifier] = ()) -> x509.Certificate:
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject))
               .issuer_name(issuer.subject if issuer is not None else _name(subject))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(start)
               .not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    usage = list(usage)
    if usage:
        # RFC 3161 §2.3: a TSA's certificate has exactly the timeStamping purpose, marked critical.
        builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem_key(key: rsa.RSAPrivateKey, password: str | None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def _pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class TestPKI:
    __test__ = False  # a fixture's value, not a class of tests
    """Where the files are: keys encrypted with ``PASSWORD``, mode 0600; certificates in PEM."""

    folder: Path
    root_cert: Path
    signer_key: Path
    signer_cert: Path
    signer_p12: Path
    expired_cert: Path  # the signer's key, certified for a period that ended yesterday
    future_cert: Path  # ... and for one that starts tomorrow
    tsa_cert: Path
    tsa_key_pem: bytes  # unencrypted, for the loopback TSA only


def make_pki(folder: Path) -> TestPKI:
    """Generate the test PKI into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    root_key, signer_key, tsa_key = _key(), _key(), _key()
    year = dt.timedelta(days=365)
    root = _certificate("Reports Test Root CA", root_key, None, root_key, start=NOW - year, end=NOW + 10 * year,
                        ca=True)
    signer = _certificate("Reports Test Signer", signer_key, root, root_key, start=NOW - year, end=NOW + year)
    expired = _certificate("Reports Expired Signer", signer_key, root, root_key,
                           start=NOW - 2 * year, end=NOW - dt.timedelta(days=1))
    future = _certificate("Reports Future Signer", signer_key, root, root_key,
                          start=NOW + dt.timedelta(days=1), end=NOW + year)
    tsa = _certificate("Reports Test TSA", tsa_key, root, root_key, start=NOW - year, end=NOW + year,
                       usage=[ExtendedKeyUsageOID.TIME_STAMPING])

    def write(name: str, data: bytes, mode: int = 0o644) -> Path:
        path = folder / name
        path.write_bytes(data)
        path.chmod(mode)
        return path

    p12 = pkcs12.serialize_key_and_certificates(
        b"signer", signer_key, signer, [root], serialization.BestAvailableEncryption(PASSWORD.encode()))
    return TestPKI(
        folder=folder,
        root_cert=write("root.pem", _pem_cert(root)),
        signer_key=write("signer.key", _pem_key(signer_key, PASSWORD), 0o600),
        signer_cert=write("signer.pem", _pem_cert(signer)),
        signer_p12=write("signer.p12", p12, 0o600),
        expired_cert=write("expired.pem", _pem_cert(expired)),
        future_cert=write("future.pem", _pem_cert(future)),
        tsa_cert=write("tsa.pem", _pem_cert(tsa) + _pem_cert(root)),
        tsa_key_pem=_pem_key(tsa_key, None),
    )


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the suite's output is for findings, not for access logs


@contextmanager
def loopback_tsa(pki: TestPKI) -> Iterator[str]:
    """Serve an RFC 3161 time-stamp authority on 127.0.0.1 (a free port); yield its URL."""
    from certomancer.services import TimeStamper
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    certs = [asn1_x509.Certificate.load(x509.load_pem_x509_certificate(block).public_bytes(
        serialization.Encoding.DER)) for block in _pem_blocks(pki.tsa_cert.read_bytes())]
    key = load_pem_private_key(pki.tsa_key_pem, None).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    stamper = TimeStamper(tsa_cert=certs[0], tsa_key=asn1_keys.PrivateKeyInfo.load(key), certs_to_embed=certs[1:])

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        if environ["REQUEST_METHOD"] != "POST" or environ.get("CONTENT_TYPE") != "application/timestamp-query":
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"expected a POSTed application/timestamp-query\n"]
        response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        start_response("200 OK", [("Content-Type", "application/timestamp-reply"),
                                  ("Content-Length", str(len(response)))])
        return [response]

    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="loopback-tsa", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _pem_blocks(data: bytes) -> list[bytes]:
    marker = b"-----END CERTIFICATE-----"
    return [part + marker for part in data.split(marker) if part.strip()]
