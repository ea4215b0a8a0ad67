"""Headings kept with what follows them: never a heading alone at the foot of a page.

Part of write (PDF). A heading's style says ``keepWithNext`` (reportlab's own flag); the document template
hands the headings in a row and the block after them to ``keep_with_next``, which wraps them in a
``KeepWithNext``. reportlab's own grouping (``KeepTogether``) is not used because it falls short twice:
it moves the whole group to the next page whenever the block after the heading is taller than what is
left (a heading before a long table or paragraph left most of a page blank), and it never groups a
heading with a list, a quote's box or a figure (containers, which ``_ktAllow`` refuses). Here the
headings stay where they are when the next block can *start* below them (the first lines of a paragraph,
the header and first row of a table, a figure whole) and go to the next page with it otherwise.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer
from reportlab.platypus.doctemplate import ActionFlowable, FrameBreak

_FUZZ = 1e-6


def _room_taker(flowable: Flowable) -> bool:
    """True for a block that prints something (what a heading must be kept with)."""
    if isinstance(flowable, Spacer | PageBreak | ActionFlowable) or getattr(flowable, "_takes_no_room", False):
        return False
    return not (hasattr(flowable, "isIndexing") and flowable.isIndexing())


def keep_with_next(flowables: list[Flowable], edits: Any = None) -> None:
    """Replace the headings at the front of ``flowables`` (flowables whose ``keepWithNext`` is set, with
    the spacers and zero-size anchors between them) and the block after them by one ``KeepWithNext``.

    The conditional page breaks between headings of a row are dropped (one would put a page between a
    section's heading and its first sub-heading); the group decides where the page breaks. The headings'
    ``keepWithNext`` is cleared so that they are not grouped again when the group hands them back; with
    ``edits`` (reportlab's ``_multiBuildEdits``, in a build of several passes) it is restored after the
    pass, as reportlab restores its own.
    """
    heads: list[Flowable] = []
    i = 0
    while i < len(flowables):
        flowable = flowables[i]
        if flowable.getKeepWithNext():
            heads.append(flowable)
        elif not heads:
            return
        elif isinstance(flowable, CondPageBreak):
            pass  # dropped: the group decides whether the page ends here
        elif isinstance(flowable, Spacer) or getattr(flowable, "_takes_no_room", False):
            heads.append(flowable)
        else:
            break
        i += 1
    if i >= len(flowables) or not _room_taker(flowables[i]):
        for flowable in heads:  # nothing to keep them with (the end, or a page break): leave them be
            _clear(flowable, edits)
        flowables[:i] = heads
        return
    for flowable in heads:
        _clear(flowable, edits)
    flowables[:i + 1] = [KeepWithNext(heads, flowables[i])]


def _clear(flowable: Flowable, edits: Any) -> None:
    if not flowable.getKeepWithNext():
        return
    if edits is not None:
        if "keepWithNext" in flowable.__dict__:
            edits((setattr, flowable, "keepWithNext", flowable.__dict__["keepWithNext"]))
        else:
            edits((delattr, flowable, "keepWithNext"))  # it came from the style
    flowable.__dict__["keepWithNext"] = 0


class KeepWithNext(Flowable):  # type: ignore[misc]
    """Headings (``heads``) and the block after them (``follower``), never parted by a page end.

    Never drawn itself: it always asks to be split, and its split hands back its flowables (so that the
    document template places each one, and is told of every heading's outline entry), after a frame break
    when the headings and the start of the follower do not fit in what is left of the page.
    """

    def __init__(self, heads: list[Flowable], follower: Flowable) -> None:
        super().__init__()
        self.heads, self.follower = heads, follower

    def getSpaceBefore(self) -> float:
        return float(self.heads[0].getSpaceBefore())

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, 0xFFFFFF  # always split (as reportlab's KeepTogether)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        content = [*self.heads, self.follower]
        frame = getattr(self, "_frame", None)
        at_top = bool(getattr(frame, "_atTop", False))
        if at_top or self._starts(availWidth, availHeight):
            first = content[0]
            if first.wrapOn(self.canv, availWidth, availHeight)[1] > availHeight + _FUZZ:
                # A heading taller than the page (a generated one of 20,000 characters): reportlab wants
                # the first part of a split to fit whole, so a part of no size goes first and the heading
                # is then split across pages as any paragraph is.
                return [Spacer(0, 0), *content]
            return content
        return [FrameBreak(), *content]

    def _starts(self, width: float, height: float) -> bool:
        """Whether the headings and the start of the follower fit in ``height`` (the frame's own sums:
        the space between two blocks is the larger of the one's space after and the other's before)."""
        canvas = self.canv
        used = 0.0
        after: float | None = None
        for flowable in self.heads:
            _, h = flowable.wrapOn(canvas, width, height)
            if h <= _FUZZ:
                continue
            used += h + (0.0 if after is None else max(after, flowable.getSpaceBefore()))
            after = flowable.getSpaceAfter()
        follower = self.follower
        room = height - used - (0.0 if after is None else max(after, follower.getSpaceBefore()))
        if room <= 0:
            return False
        _, h = follower.wrapOn(canvas, width, room)
        if h <= room + _FUZZ:
            return True
        parts = follower.splitOn(canvas, width, room)
        if not parts or isinstance(parts[0], ActionFlowable):  # cannot start here (a figure kept whole)
            return False
        first = parts[0]
        return bool(_room_taker(first) and first.wrapOn(canvas, width, room)[1] <= room + _FUZZ)


__all__ = ["KeepWithNext", "keep_with_next"]
