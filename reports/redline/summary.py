"""The lines of a redline's "What changed" section: the data diff in the document's language, and a line
of its own when the template or the options changed (a change the data diff cannot see)."""

from __future__ import annotations

from reports import changes
from reports.i18n import N_, DocumentLocale
from reports.model import Agreement

NO_CHANGE = N_("No change: both versions make the same document.")
TEMPLATE_ONLY = N_("The data did not change: the changes marked below come from the template or its options.")
TEMPLATE_TOO = N_("The template or its options changed as well.")


def lines(old: Agreement, new: Agreement, locale: DocumentLocale, *, documents_differ: bool,
          template_changed: bool) -> list[str]:
    """Every data change in plain words in ``locale``, in the order the document shows its sections; then
    what changed besides the data. Never empty: a redline without changes says so."""
    said = [changes.describe(change, locale) for change in changes.changes(old, new)]
    if not said:
        return [locale.gettext(TEMPLATE_ONLY if documents_differ or template_changed else NO_CHANGE)]
    if template_changed:
        said.append(locale.gettext(TEMPLATE_TOO))
    return said
