"""A face's subsets made from its glyph table read in place (``conformance._glyphs_in_place``) are the
bytes reportlab makes from its copy of the table, and the face is left as it was."""

from __future__ import annotations

import random

import pytest
from reportlab.pdfbase import pdfmetrics

from reports.fonts.faces import family
from reports.theme import DEFAULT_THEME
from reports.writers.pdf import conformance


@pytest.mark.parametrize("seed", range(4))
def test_a_subset_is_the_same_from_the_table_in_place(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    monkeypatch.setattr(conformance, "_COPIED", 0)  # every face read in place, not only a large one
    face = pdfmetrics.getFont(family(DEFAULT_THEME.fonts.body).regular).face
    codes = sorted(face.charToGlyph)
    subset = [0, *random.Random(seed).sample(codes, 120)]  # code 0 and composite glyphs (accented letters)
    expected = face.makeSubset(subset)
    view = conformance._glyphs_in_place(face)
    assert view is not face and view.__dict__ is face.__dict__
    assert view.makeSubset(subset) == expected
    assert face.makeSubset(subset) == expected  # the face itself reads as before
    assert type(face).get_table is not conformance._get_table


def test_a_small_face_is_left_as_it_is() -> None:
    face = pdfmetrics.getFont(family(DEFAULT_THEME.fonts.body).regular).face
    assert conformance._glyphs_in_place(face) is face
