"""A redline: the new version of a document with what changed since the old one marked in it.

``redline(old, new, summary)`` compares the two document trees that the two versions of an agreement
render to (with the same template, theme and options, or with the old ones when they changed too) and
returns the new tree with every difference marked (``tree.Inserted``, ``Deleted``, ``Restyled``,
``Revised`` and the ``change`` of list items, fields and table rows), after a "What changed" section
whose lines come from the data diff (``reports.changes``, in ``summary``). The writers turn the marks
into Word's tracked changes and the PDF's underlines, strike-throughs and change bars.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from reports import tree as t
from reports.redline import blocks

__all__ = ["redline", "section"]


def redline(old: t.Document, new: t.Document, summary: Sequence[str]) -> t.Document:
    """``new`` with ``old``'s differences marked, after a "What changed" section of ``summary``'s lines."""
    meta = dataclasses.replace(new.meta, previous=old.meta)  # the title block's changes: marked by the writers
    return t.Document(meta, section(new, summary) + blocks.diff(old.blocks, new.blocks))


def section(document: t.Document, lines: Sequence[str]) -> tuple[t.Block, ...]:
    """The "What changed" heading, at the level of the document's own top sections, and one list item a
    line (nothing when there are no lines)."""
    if not lines:
        return ()
    from reports.autolink import linked
    from reports.parse.quotes import quotes_for, requote

    levels = [b.level for b in document.blocks if isinstance(b, t.Heading)]
    heading = t.Heading(min(levels, default=2), (t.Text(document.meta.labels.what_changed),))
    # The lines quote the data as typed: set in the document's quotation marks, and an address in them
    # made a link, as parse does for the document's own text.
    marks = quotes_for(document.meta.language)
    items = tuple(t.ListItem((t.Paragraph(linked(requote(line, marks))),)) for line in lines)
    return heading, t.BulletList(items)
