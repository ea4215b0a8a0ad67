"""Behaviour does not move when code does: every document of the fixed corpus (tests/corpus.py) has the
bytes recorded in tests/corpus/hashes.txt. A change meant to alter the output records them anew
(``python -m tests.corpus --write``) in the same commit, so the diff shows which documents changed."""

from __future__ import annotations

import pytest

from tests import corpus


def test_corpus_bytes_are_unchanged() -> None:
    recorded_fingerprint, recorded = corpus.read_recorded()
    here = corpus.fingerprint()
    if here != recorded_fingerprint:
        pytest.skip(f"the corpus was recorded with other libraries or fonts ({recorded_fingerprint}); here: {here}")
    found = corpus.hashes(workers=2)
    assert list(found) == list(recorded), "the corpus lists other documents than were recorded"
    changed = [name for name, digest in found.items() if recorded[name] != digest]
    assert not changed, f"{len(changed)} of {len(found)} documents changed: {', '.join(changed[:20])}"
