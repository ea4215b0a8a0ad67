"""Which protective marking and organisation a document carries, and the warning when data and theme differ.

Part of the pipeline, before compose. The data's marking is the document's own; a theme's is a default
for data that has none; only the command line (a person's choice) overrides either without a word. Where
data and theme both give one and they differ, the data's is printed and the build warns, naming both
values and where each comes from (``--strict`` makes that an error). ``reports.compose`` applies the same
order when it fills in the template's ``memo``.
"""

from __future__ import annotations

from collections.abc import Mapping

from reports.errors import Problem, shorten
from reports.model import Agreement
from reports.theme import Theme
from reports.tree import Meta

# The fields both the data's ``memo`` section and the theme set, with what a message calls them.
FIELDS = (("classification", "classification"), ("organisation", "organisation"))
_QUOTED = 80  # a value quoted in a message; a marking is a label, a megabyte of one is the data's problem


def _same(data_value: str, theme_value: str) -> bool:
    # Printed upper-case in the header and with its spaces as the data has them: a difference of case or
    # spacing alone prints the same label, so it is no conflict.
    return " ".join(data_value.split()).casefold() == " ".join(theme_value.split()).casefold()


def conflicts(agreement: Agreement, theme: Theme, overrides: Mapping[str, str], *, source: str) -> list[Problem]:
    """One warning per field where the data (``memo.classification`` / ``memo.organisation`` of
    ``source``) and ``theme`` both set a value and the values differ; none for a field the command line
    (``overrides``) sets, since that is what prints."""
    memo = agreement.memo
    problems: list[Problem] = []
    for key, name in FIELDS:
        if overrides.get(key):
            continue
        own = getattr(memo, key) if memo is not None else None
        default = getattr(theme, key)
        if not own or not default or _same(own, default):
            continue
        theme_file = str(theme.source) if theme.source is not None else "the theme"
        flag = ", or pass --classification to choose" if key == "classification" else ""
        problems.append(Problem(
            file=source, field=f"memo.{key}",
            message=f"the data's {name} {shorten(own, _QUOTED)!r} differs from the theme's "
                    f"{shorten(default, _QUOTED)!r} ({theme_file}: {key}); the data's is printed (a theme's is "
                    f"a default for data without one): make them agree{flag}"))
    return problems


_PAGE_WIDTH_MM = {"A4": 210.0, "Letter": 215.9}
_MM = 72 / 25.4


def unprintable(meta: Meta, theme: Theme, agreement: Agreement, overrides: Mapping[str, str], *,
                source: str) -> Problem | None:
    """The located problem when the document's marking (``meta.classification``) cannot be printed whole on
    one line at the top and the foot of a page of ``theme``, as both writers set it (``running_head`` and
    ``footer_note``, which raise the same way inside the writers); None when it can. Located where the
    marking came from: ``--classification``, the data's ``memo.classification`` or the theme's."""
    from reports.fonts.faces import family
    from reports.fonts.languages import registered_faces
    from reports.fonts.measure import TextMeasure
    from reports.writers.measure import (
        FURNITURE_SIZE,
        PAGE_ESTIMATE,
        MarkingTooWide,
        footer_note,
        line_width,
        running_head,
    )

    marking = meta.classification.upper()
    if not marking:
        return None
    heading = family(theme.fonts.heading)
    # Every face the line is set in registered, the page label's too ("1 / 1 ページ" in a Japanese document).
    page_label = meta.labels.page(PAGE_ESTIMATE, PAGE_ESTIMATE)
    measure = TextMeasure(heading.regular, heading.bold, registered_faces(theme.fonts.cjk, meta, marking + page_label))
    width = line_width(_PAGE_WIDTH_MM[theme.page_size] * _MM, theme.margins.left, theme.margins.right)
    try:
        running_head("", marking, measure, FURNITURE_SIZE, width)
        footer_note(("", marking, ""), page_label, measure, FURNITURE_SIZE, width)
    except MarkingTooWide as exc:
        memo = agreement.memo
        if overrides.get("classification"):
            file, field = "--classification", None
        elif memo is not None and memo.classification:
            file, field = source, "memo.classification"
        elif theme.classification:
            file, field = str(theme.source or "the theme"), "classification"
        else:
            file, field = source, None  # the template's own front matter
        return Problem(file=file, field=field, message=(
            f"the marking {shorten(marking, _QUOTED)!r} is {exc.needed:.0f} pt wide at {FURNITURE_SIZE:g} pt, and "
            f"a line at the top and foot of a page has room for {exc.room:.0f} pt ({theme.page_size}, margins "
            f"{theme.margins.left:g} + {theme.margins.right:g} mm): a marking is printed whole on one line, "
            "never cut; shorten it"))
    return None
