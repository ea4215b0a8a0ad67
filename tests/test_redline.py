"""The redline at the level of the document tree: word-level marks inside a paragraph, rows, items, fields
and whole blocks, and the generative check that accepting every change gives exactly the new version's
tree and rejecting every change gives the old version's text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from reports import tree as t
from reports import worddiff as words
from reports.pipeline import Options, _compose
from reports.redline import blocks, redline
from tests.mutations import mutations
from tests.redline_tree import normal, resolve, texts


def p(*content: t.Inline) -> t.Paragraph:
    return t.Paragraph(content)


def test_a_changed_word_is_deleted_then_inserted_and_the_rest_is_kept() -> None:
    marked = words.diff((t.Text("The pilot ends in June 2024."),), (t.Text("The pilot ends in December 2024."),))
    assert marked == (t.Text("The pilot ends in "), t.Deleted((t.Text("June"),)), t.Inserted((t.Text("December"),)),
                      t.Text(" 2024."))


def test_two_words_changed_with_a_space_between_are_one_change() -> None:
    marked = words.diff((t.Text("a two words b"),), (t.Text("a one phrase b"),))
    assert marked == (t.Text("a "), t.Deleted((t.Text("two words"),)), t.Inserted((t.Text("one phrase"),)),
                      t.Text(" b"))


def test_chinese_is_compared_character_by_character() -> None:
    marked = words.diff((t.Text("双方签署合作协议"),), (t.Text("双方签署战略合作协议"),))
    assert marked == (t.Text("双方签署"), t.Inserted((t.Text("战略"),)), t.Text("合作协议"))


def test_formatting_alone_is_restyled_with_the_old_formatting_named() -> None:
    marked = words.diff((t.Text("a "), t.Strong((t.Text("bold"),)), t.Text(" c")),
                        (t.Text("a "), t.Emphasis((t.Text("bold"),)), t.Text(" c")))
    assert marked == (t.Text("a "), t.Emphasis((t.Restyled((t.Text("bold"),), "strong"),)), t.Text(" c"))


def test_marks_sit_inside_a_link_and_a_note_is_inserted_whole() -> None:
    note = t.Note((p(t.Text("A note.")),))
    marked = words.diff((t.Link((t.Text("the report"),), "https://example.org"),),
                        (t.Link((t.Text("the full report"),), "https://example.org"), note))
    assert marked == (t.Link((t.Text("the "), t.Inserted((t.Text("full "),)), t.Text("report")),
                             "https://example.org"), t.Inserted((note,)))


def test_a_paragraph_rewritten_past_the_bound_is_one_deletion_and_one_insertion(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(words, "MAX_PAIRS", 4)
    marked = words.diff((t.Text("a b c"),), (t.Text("a b d"),))
    assert marked == (t.Deleted((t.Text("a b c"),)), t.Inserted((t.Text("a b d"),)))


def test_blocks_are_paired_when_similar_and_whole_otherwise() -> None:
    old = (t.Heading(1, (t.Text("Parties"),)), p(t.Text("Zhejiang and Alibaba signed the agreement.")),
           p(t.Text("An old paragraph that goes.")))
    new = (t.Heading(1, (t.Text("Parties"),)), p(t.Text("Zhejiang and Alibaba signed the new agreement.")),
           t.Timeline((t.TimelineEvent("2024-01-01", "Start"),)))
    marked = blocks.diff(old, new)
    assert marked[0] == new[0]
    assert marked[1] == p(t.Text("Zhejiang and Alibaba signed the "), t.Inserted((t.Text("new "),)),
                          t.Text("agreement."))
    assert marked[2:] == (t.Revised("deleted", (old[2],)), t.Revised("inserted", (new[2],)))


def test_a_heading_level_change_is_restyled() -> None:
    marked = blocks.diff((t.Heading(2, (t.Text("Focus areas"),)),), (t.Heading(3, (t.Text("Focus areas"),)),))
    assert marked == (t.Revised("restyled", (t.Heading(3, (t.Text("Focus areas"),)),), "Heading 2"),)


def test_rows_items_and_fields_are_marked_in_place() -> None:
    row = lambda *cells: tuple((t.Text(c),) for c in cells)  # noqa: E731
    old = (t.Table(row("Date", "Event"), (row("2023", "Signed"), row("2024", "Pilot ends")), ("left", "left")),
           t.BulletList((t.ListItem((p(t.Text("one")),)), t.ListItem((p(t.Text("two")),)))),
           t.FieldTable((t.Field((t.Text("Signed"),), (p(t.Text("7 July")),)),
                         t.Field((t.Text("Status"),), (p(t.Text("Draft")),)))))
    new = (t.Table(row("Date", "Event"), (row("2023", "Signed"), row("2025", "Review")), ("left", "left")),
           t.BulletList((t.ListItem((p(t.Text("one")),)), t.ListItem((p(t.Text("three")),)))),
           t.FieldTable((t.Field((t.Text("Signed"),), (p(t.Text("7 July")),)),)))
    table, items, fields = blocks.diff(old, new)
    assert isinstance(table, t.Table) and table.row_changes == ("", "deleted", "inserted")
    assert table.rows[1] == old[0].rows[1]  # type: ignore[union-attr]
    assert isinstance(items, t.BulletList) and [i.change for i in items.items] == ["", "deleted", "inserted"]
    assert isinstance(fields, t.FieldTable) and [f.change for f in fields.rows] == ["", "deleted"]


def test_no_change_is_the_new_document_itself() -> None:
    doc = t.Document(t.Meta(title="T"), (p(t.Text("same")),))
    assert blocks.diff(doc.blocks, doc.blocks) == doc.blocks
    assert redline(doc, doc, ["No change."]).blocks[2:] == doc.blocks



@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(pair=mutations(edits=3))
def test_accepting_every_change_gives_the_new_tree_and_rejecting_gives_the_old_text(pair: tuple) -> None:
    old_agreement, new_agreement, _ = pair
    for kind in ("briefing", "memo"):
        old = _compose(old_agreement, kind, ("pdf",), Options(), "old.yaml")[0]
        new = _compose(new_agreement, kind, ("pdf",), Options(), "new.yaml")[0]
        marked = redline(old, new, ["summary line"])
        assert marked.blocks[0] == t.Heading(marked.blocks[0].level, (t.Text("What changed"),))  # type: ignore[union-attr]
        body = marked.blocks[2:]
        assert resolve(body, "inserted") == normal(new.blocks)
        assert texts(resolve(body, "deleted")) == texts(normal(old.blocks))
        if old.blocks == new.blocks:
            assert body == new.blocks
