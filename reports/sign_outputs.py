"""The PDFs of a build signed as they are made (``--sign``): PAdES B-B, or B-T with a time-stamp.

Each process that renders (a worker, or the command itself) loads the signer once, from the files the
``SignSpec`` names and the password in ``REPORTS_SIGN_PASSWORD`` or the password file, and signs each
PDF right after it is made, as an incremental update over its reproducible bytes (``reports.signing``),
so that ``reports verify`` still proves the content. A Word file is never signed: no Python library
signs OOXML packages well (the README says so).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import TYPE_CHECKING

from reports.errors import Problem
from reports.pipeline import Rendered, SignSpec

if TYPE_CHECKING:  # pyHanko and cryptography are loaded only by a build that signs
    from reports.signing_keys import LoadedSigner


def check(spec: SignSpec) -> tuple[Problem, ...]:
    """Load the signer once before anything is built, so that a wrong password or an expired certificate
    is one error at the start, not one per document; returns its warnings (a key others may read)."""
    return _signer(spec).warnings


def signed(spec: SignSpec | None, fmt: str, result: Rendered) -> Rendered:
    """``result`` signed when it is a PDF and the build signs; otherwise ``result`` itself."""
    if spec is None or fmt != "pdf":
        return result
    from reports.signing import sign_pdf

    return dataclasses.replace(result, data=sign_pdf(result.data, _signer(spec), timestamp_url=spec.timestamp_url))


@lru_cache(maxsize=4)
def _signer(spec: SignSpec) -> LoadedSigner:
    from reports.signing_keys import load_signer

    if spec.certificate is None:
        return load_signer(pkcs12=spec.key, chain=spec.chain, password_file=spec.password_file)
    return load_signer(key=spec.key, certificate=spec.certificate, chain=spec.chain,
                       password_file=spec.password_file)
