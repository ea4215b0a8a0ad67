"""The DOCX writer's redline: every mark of the tree written as a Word tracked change.

Each case is a hand-built triple: the old tree, the new tree, and the redline between them (the marked
tree). Accepting every change of the redline's DOCX must leave what the new tree's DOCX holds, rejecting
every change what the old tree's holds (``tests/redline_docx.py`` does what Word's Accept All and Reject
All do): the paragraphs' text, their styles and their runs' character styles.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import tree as t
from reports.theme import DEFAULT_THEME
from reports.writers.docx.writer import write_docx
from reports.writers.options import WriterOptions
from tests.catalogue_images import png
from tests.office import Office
from tests.redline_docx import (
    accepted,
    accepted_paragraphs,
    change_elements,
    marked_words,
    rejected,
    rejected_paragraphs,
)
from tests.validators import docx_findings

AUTHOR, DATE = "Anna Redline", "2024-01-31T00:00:00Z"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _write(blocks: tuple[t.Block, ...]) -> bytes:
    # The writer itself, without the registry's paginator (the PDF writer has no redline of its own yet,
    # and none of these documents has contents whose pages it would give).
    return write_docx(t.Document(meta=t.Meta(title="Redline"), blocks=blocks), DEFAULT_THEME,
                      WriterOptions(author=AUTHOR, revision_date=DATE))


def _p(*content: t.Inline) -> t.Paragraph:
    return t.Paragraph(tuple(content))


def _x(text: str) -> t.Text:
    return t.Text(text)


def _ins(*content: t.Inline) -> t.Inserted:
    return t.Inserted(tuple(content))


def _del(*content: t.Inline) -> t.Deleted:
    return t.Deleted(tuple(content))


def _note(text: str) -> t.Note:
    return t.Note((_p(_x(text)),))


def _cases(picture: str) -> dict[str, tuple[tuple[t.Block, ...], tuple[t.Block, ...], tuple[t.Block, ...]]]:
    """name -> (old blocks, new blocks, marked blocks)."""
    timeline = t.Timeline((t.TimelineEvent("2024-01-01", "Signed", True), t.TimelineEvent("2025-01-01", "Ends")))
    image = t.Image(picture, "A square", width_mm=20)
    chart = t.Chart("column", ("A", "B"), (t.ChartSeries("Grant", ("1000", "2500")),), "EUR", "Grants.",
                    "Grants by party", 1)
    new_chart = dataclasses.replace(chart, categories=("A", "C"), caption="Grants by region")
    one, three = t.ListItem((_p(_x("one")),)), t.ListItem((_p(_x("three")),))
    old_table, new_table = (t.Table(((_x(h),),), (((_x(c),),),), ("left",)) for h, c in (("Old", "o"), ("New", "n")))
    facts_k, facts_l = (t.FieldTable((t.Field((_x(k),), (_p(_x(v)),)),)) for k, v in (("K", "v"), ("L", "w")))
    two = t.ListItem((_p(_x("two")), t.BulletList((t.ListItem((_p(_x("two.a")),)),))))
    cases = {
        "inline words": (
            (_p(_x("The fee is 5 per cent.")),),
            (_p(_x("The fee is 6 per cent.")),),
            (_p(_x("The fee is "), _del(_x("5")), _ins(_x("6")), _x(" per cent.")),)),
        "inside strong, emphasis and a link": (
            (_p(t.Strong((_x("old "),)), t.Emphasis((_x("a b"),)), t.Link((_x("see x"),), "https://x.org")),),
            (_p(t.Strong((_x("new "),)), t.Emphasis((_x("a c b"),)), t.Link((_x("see y"),), "https://x.org")),),
            (_p(t.Strong((_del(_x("old ")), _ins(_x("new ")))), t.Emphasis((_x("a "), _ins(_x("c ")), _x("b"))),
                t.Link((_x("see "), _del(_x("x")), _ins(_x("y"))), "https://x.org")),)),
        "code, tabs and line breaks": (
            (_p(_x("a\tb"), t.LineBreak(), _x("c")),),
            (_p(_x("a"), t.Code("x = 1"), _x("c")),),
            (_p(_x("a"), _del(_x("\tb"), t.LineBreak()), _ins(t.Code("x = 1")), _x("c")),)),
        "footnotes": (
            (_p(_x("one"), _note("old note"), _x(" two")),),
            (_p(_x("one two"), _note("new note")),),
            (_p(_x("one"), _del(_note("old note")), _x(" two"), _ins(_note("new note"))),)),
        "restyled words": (
            (_p(t.Emphasis((_x("was emphasis"),)), _x(" plain "), t.Code("code"), _x(" "),
                t.Link((_x("link"),), "https://x.org")),),
            (_p(t.Strong((_x("was emphasis"),)), t.Strong((_x(" plain "),)), _x("code"), _x(" link")),),
            (_p(t.Restyled((t.Strong((_x("was emphasis"),)),), "emphasis"), t.Restyled((t.Strong((_x(" plain "),)),)),
                t.Restyled((_x("code"),), "code"), _x(" "), t.Restyled((_x("link"),), "link")),)),
        "whole blocks": (
            (_p(_x("kept")), t.Heading(2, (_x("Old heading"),)), _p(_x("old text"), _note("its note")),
             t.HorizontalRule(), _p(_x("end"))),
            (t.Heading(1, (_x("New heading"),)), _p(_x("kept")), t.BulletList((t.ListItem((_p(_x("new item")),)),)),
             _p(_x("end"))),
            (t.Revised("inserted", (t.Heading(1, (_x("New heading"),)),)), _p(_x("kept")),
             t.Revised("deleted", (t.Heading(2, (_x("Old heading"),)), _p(_x("old text"), _note("its note")),
                                   t.HorizontalRule())),
             t.Revised("inserted", (t.BulletList((t.ListItem((_p(_x("new item")),)),)),)), _p(_x("end")))),
        "restyled blocks": (
            (_p(_x("a title")), t.Heading(2, (_x("a paragraph"),))),
            (t.Heading(2, (_x("a title"),)), _p(_x("a paragraph"))),
            (t.Revised("restyled", (t.Heading(2, (_x("a title"),)),), "Normal"),
             t.Revised("restyled", (_p(_x("a paragraph")),), "Heading 2"))),
        "list items": (
            (t.BulletList((one, two)),),
            (t.BulletList((one, three)),),
            (t.BulletList((one, t.ListItem(two.blocks, "deleted"), t.ListItem(three.blocks, "inserted"))),)),
        "table rows and fields": (
            (t.Table(((_x("Name"),), (_x("Role"),)), (((_x("Ann"),), (_x("Chair"),)), ((_x("Bo"),), (_x("Clerk"),))),
                     ("left", "left")),
             t.FieldTable((t.Field((_x("Term"),), (_p(_x("3 years")),)),))),
            (t.Table(((_x("Name"),), (_x("Role"),)), (((_x("Ann"),), (_x("Chair"),)), ((_x("Cy"),), (_x("Aide"),))),
                     ("left", "left")),
             t.FieldTable((t.Field((_x("Term"),), (_p(_x("5 years")),)), t.Field((_x("Fee"),), (_p(_x("none")),))))),
            (t.Table(((_x("Name"),), (_x("Role"),)), (((_x("Ann"),), (_x("Chair"),)), ((_x("Bo"),), (_x("Clerk"),)),
                                                    ((_x("Cy"),), (_x("Aide"),))),
                     ("left", "left"), ("", "deleted", "inserted")),
             t.FieldTable((t.Field((_x("Term"),), (_p(_x("3 years")),), "deleted"),
                           t.Field((_x("Term"),), (_p(_x("5 years")),), "inserted"),
                           t.Field((_x("Fee"),), (_p(_x("none")),), "inserted"))))),
        "a whole table and the space after it": (
            (old_table, facts_k, facts_l),
            (facts_k, new_table, facts_l),
            (t.Revised("deleted", (old_table,)), facts_k, t.Revised("inserted", (new_table,)), facts_l)),
        "a table replaced whole by the next": (
            # the space between the deleted table and the inserted one is in neither version
            (facts_k, _p(_x("after"))),
            (facts_l, _p(_x("after"))),
            (t.Revised("deleted", (facts_k,)), t.Revised("inserted", (facts_l,)), _p(_x("after")))),
        "an unchanged table, then an inserted one": (
            (old_table, _p(_x("after"))),
            (old_table, new_table, _p(_x("after"))),
            (old_table, t.Revised("inserted", (new_table,)), _p(_x("after")))),
        "a field's value replaced whole": (
            # the cell's own empty paragraph, unused when the value starts with a replaced paragraph, goes
            (t.FieldTable((t.Field((_x("Date"),), (_p(_x("29 February 2000")),)),), "memo-header"),),
            (t.FieldTable((t.Field((_x("Date"),), (_p(_x("1 September 2239")),)),), "memo-header"),),
            (t.FieldTable((t.Field((_x("Date"),), (t.Revised("deleted", (_p(_x("29 February 2000")),)),
                                                  t.Revised("inserted", (_p(_x("1 September 2239")),)))),),
                          "memo-header"),)),
        "a chart replaced whole": (
            (_p(_x("before")), chart, _p(_x("after"))),
            (_p(_x("before")), new_chart, _p(_x("after"))),
            (_p(_x("before")), t.Revised("deleted", (chart,)), t.Revised("inserted", (new_chart,)), _p(_x("after")))),
        "wide table in parts": (
            (t.Table(tuple((_x(f"H{c}"),) for c in range(24)), (tuple((_x(f"a{c}"),) for c in range(24)),),
                     ("left",) * 24),),
            (t.Table(tuple((_x(f"H{c}"),) for c in range(24)), (tuple((_x(f"b{c}"),) for c in range(24)),),
                     ("left",) * 24),),
            (t.Table(tuple((_x(f"H{c}"),) for c in range(24)), (tuple((_x(f"a{c}"),) for c in range(24)),
                                                                 tuple((_x(f"b{c}"),) for c in range(24))),
                     ("left",) * 24, ("deleted", "inserted")),)),
        "pictures, the timeline and page breaks": (
            (_p(_x("before")), image, t.PageBreak(), _p(_x("after"))),
            (_p(_x("before")), timeline, _p(_x("after"))),
            (_p(_x("before")), t.Revised("deleted", (image, t.PageBreak())), t.Revised("inserted", (timeline,)),
             _p(_x("after")))),
    }
    return cases


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("redline") / "square.png"
    path.write_bytes(png(40, 40))
    return str(path)


@pytest.fixture(scope="module")
def written(picture: str) -> dict[str, tuple[bytes, bytes, bytes]]:
    return {name: (_write(old), _write(new), _write(marked)) for name, (old, new, marked) in _cases(picture).items()}


CASES = list(_cases("/nowhere.png"))  # the names only


@pytest.mark.parametrize("name", CASES)
def test_accept_all_gives_the_new_version_and_reject_all_the_old(
        name: str, written: dict[str, tuple[bytes, bytes, bytes]]) -> None:
    old, new, marked = written[name]
    assert accepted_paragraphs(marked) == accepted_paragraphs(new)
    assert rejected_paragraphs(marked) == rejected_paragraphs(old)
    assert accepted_paragraphs(new) != rejected_paragraphs(old)  # the case changes something


@pytest.mark.parametrize("name", CASES)
def test_every_change_has_its_own_id_an_author_and_a_date(
        name: str, written: dict[str, tuple[bytes, bytes, bytes]]) -> None:
    old, new, marked = written[name]
    changes = change_elements(marked)
    assert changes
    ids = [change.get(f"{W}id") for change in changes]
    assert len(set(ids)) == len(ids), ids
    assert {(c.get(f"{W}author"), c.get(f"{W}date")) for c in changes} == {(AUTHOR, DATE)}
    assert not change_elements(old) and not change_elements(new)


@pytest.mark.parametrize("name", CASES)
def test_openxml_audit_finds_no_error(name: str, written: dict[str, tuple[bytes, bytes, bytes]]) -> None:
    assert docx_findings(written[name][2]) == []


def test_the_marks_stand_where_the_schema_and_word_want_them(written: dict[str, tuple[bytes, bytes, bytes]]) -> None:
    xml = zipfile.ZipFile(io.BytesIO(written["code, tabs and line breaks"][2])).read("word/document.xml").decode()
    deleted = re.search(r"<w:del [^>]*>(.*?)</w:del>", xml)
    assert deleted is not None
    assert "<w:tab/>" in deleted[1] and "<w:br/>" in deleted[1] and "<w:delText>b</w:delText>" in deleted[1]
    assert "<w:t>" not in deleted[1] and "<w:t " not in deleted[1]
    links = zipfile.ZipFile(io.BytesIO(written["inside strong, emphasis and a link"][2])).read("word/document.xml")
    assert re.search(rb"<w:hyperlink [^>]*>(?:(?!</w:hyperlink>).)*<w:ins ", links), "the change inside the link"
    rows = zipfile.ZipFile(io.BytesIO(written["table rows and fields"][2])).read("word/document.xml").decode()
    assert len(re.findall(r"<w:trPr>(?:(?!</w:trPr>).)*<w:(?:ins|del) ", rows)) == 5
    notes = zipfile.ZipFile(io.BytesIO(written["footnotes"][2])).read("word/footnotes.xml").decode()
    assert len(re.findall(r"<w:pPr>(?:(?!</w:pPr>).)*<w:rPr><w:(?:ins|del) ", notes)) == 2  # both notes' marks


def test_marked_words_are_each_change_once(written: dict[str, tuple[bytes, bytes, bytes]]) -> None:
    assert marked_words(written["inline words"][2]) == (["6"], ["5"])
    assert marked_words(written["footnotes"][2]) == ([" new note"], [" old note"])
    inserted, deleted = marked_words(written["whole blocks"][2])
    assert inserted == ["New heading", "new item"]
    assert deleted == ["Old heading", "old text", " its note"]


def test_libreoffice_reads_the_changes(office: Office, written: dict[str, tuple[bytes, bytes, bytes]]) -> None:
    """LibreOffice lists the tracked changes: as many insertions and deletions as the DOCX has of runs."""
    for name in ("inline words", "whole blocks", "table rows and fields", "restyled words"):
        odt = office.pdf(written[name][2], f"{name.replace(' ', '-')}.docx", export="odt")
        content = zipfile.ZipFile(io.BytesIO(odt)).read("content.xml").decode()
        assert "<text:tracked-changes" in content, name
        regions = re.findall(r"<text:changed-region.*?</text:changed-region>", content, re.S)
        kinds = {kind for region in regions for kind in re.findall(r"<text:(insertion|deletion|format-change)", region)}
        if name == "restyled words":
            assert "format-change" in kinds, (name, kinds)
        else:
            assert {"insertion", "deletion"} <= kinds, (name, kinds)


def test_documents_without_marks_take_no_change_path(written: dict[str, tuple[bytes, bytes, bytes]]) -> None:
    old, _, _ = written["inline words"]
    assert b"w:ins" not in zipfile.ZipFile(io.BytesIO(old)).read("word/document.xml")


# ------------------------------------------------------------------------------------------ generated

_WORDS = st.text(alphabet="abc xyz", min_size=1, max_size=6)
_INLINE = st.tuples(st.sampled_from(["", "ins", "del", "re"]), _WORDS, st.booleans())
_BLOCK = st.one_of(
    st.tuples(st.just("p"), st.lists(_INLINE, min_size=1, max_size=5)),
    st.tuples(st.sampled_from(["p+", "p-", "h+", "h-", "h~"]), _WORDS),
    st.tuples(st.just("list"), st.lists(st.tuples(st.sampled_from(["", "inserted", "deleted"]), _WORDS),
                                        min_size=1, max_size=3)),
    st.tuples(st.just("table"), st.lists(st.tuples(st.sampled_from(["", "inserted", "deleted"]), _WORDS),
                                         min_size=1, max_size=3)),
)


def _versions(spec: list[tuple[object, ...]]) -> tuple[tuple[t.Block, ...], ...]:
    """(old, new, marked) blocks of a generated redline."""
    old: list[t.Block] = []
    new: list[t.Block] = []
    marked: list[t.Block] = []
    for kind, *rest in spec:
        if kind == "p":
            o: list[t.Inline] = []
            n: list[t.Inline] = []
            m: list[t.Inline] = []
            for change, words, strong in rest[0]:  # type: ignore[attr-defined]
                def bold(inline: t.Inline, on: bool = strong) -> t.Inline:
                    return t.Strong((inline,)) if on else inline
                if change == "re":  # emphasis (or plain) before, strong now
                    o.append(t.Emphasis((_x(words),)) if strong else _x(words))
                    n.append(t.Strong((_x(words),)))
                    m.append(t.Restyled((t.Strong((_x(words),)),), "emphasis" if strong else ""))
                    continue
                if change != "ins":
                    o.append(bold(_x(words)))
                if change != "del":
                    n.append(bold(_x(words)))
                m.append(bold(_x(words) if not change else (_ins if change == "ins" else _del)(_x(words))))
            old.append(t.Paragraph(tuple(o)))
            new.append(t.Paragraph(tuple(n)))
            marked.append(t.Paragraph(tuple(m)))
        elif kind in ("p+", "p-", "h+", "h-"):
            block: t.Block = _p(_x(str(rest[0]))) if kind[0] == "p" else t.Heading(2, (_x(str(rest[0])),))
            (new if kind[1] == "+" else old).append(block)
            marked.append(t.Revised("inserted" if kind[1] == "+" else "deleted", (block,)))
        elif kind == "h~":
            old.append(_p(_x(str(rest[0]))))
            new.append(t.Heading(3, (_x(str(rest[0])),)))
            marked.append(t.Revised("restyled", (t.Heading(3, (_x(str(rest[0])),)),), "Normal"))
        else:
            entries = list(rest[0])  # type: ignore[call-overload]
            kept = {"old": [e for e in entries if e[0] != "inserted"], "new": [e for e in entries if e[0] != "deleted"]}
            if kind == "list":
                def items(chosen: list[tuple[str, str]], marks: bool) -> t.BulletList:
                    return t.BulletList(tuple(t.ListItem((_p(_x(w)),), c if marks else "")  # type: ignore[arg-type]
                                              for c, w in chosen))
                for version, out in (("old", old), ("new", new)):
                    if kept[version]:
                        out.append(items(kept[version], False))
                marked.append(items(entries, True))
            else:
                def table(chosen: list[tuple[str, str]], marks: bool) -> t.Table:
                    return t.Table(((_x("H"),),), tuple(((_x(w),),) for _, w in chosen), ("left",),
                                   tuple(c for c, _ in chosen) if marks else ())  # type: ignore[arg-type]
                for version, out in (("old", old), ("new", new)):
                    out.append(table(kept[version], False))
                marked.append(table(entries, True))
    return tuple(old), tuple(new), tuple(marked)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCK, min_size=1, max_size=5))
def test_generated_redlines_accept_to_the_new_and_reject_to_the_old(spec: list[tuple[object, ...]]) -> None:
    old, new, marked = _versions(spec)
    data = _write(marked)
    assert accepted_paragraphs(data) == accepted_paragraphs(_write(new))
    assert rejected_paragraphs(data) == rejected_paragraphs(_write(old))
    ids = [c.get(f"{W}id") for c in change_elements(data)]
    assert len(ids) == len(set(ids))



def test_accepted_and_rejected_read_each_version_text(written: dict[str, tuple[bytes, bytes, bytes]]) -> None:
    """The reader itself, on known answers (the other tests compare two of its readings)."""
    marked = written["inline words"][2]
    assert accepted(marked) == ["Redline", "", "The fee is 6 per cent."]
    assert rejected(marked) == ["Redline", "", "The fee is 5 per cent."]
    marked = written["whole blocks"][2]
    assert accepted(marked) == ["Redline", "", "New heading", "kept", "new item", "end"]
    assert rejected(marked) == ["Redline", "", "kept", "Old heading", "old text", "", "end", " its note"]
    marked = written["table rows and fields"][2]
    assert accepted(marked) == ["Redline", "", "Name", "Role", "Ann", "Chair", "Cy", "Aide", "", "Term",
                                "5 years", "Fee", "none"]  # "": the space between the two tables
    assert rejected(marked) == ["Redline", "", "Name", "Role", "Ann", "Chair", "Bo", "Clerk", "", "Term",
                                "3 years"]
    styles = [(p.style, p.runs) for p in rejected_paragraphs(written["restyled blocks"][2])[2:]]
    assert styles == [("", (("a title", ""),)), ("Heading2", (("a paragraph", ""),))]
