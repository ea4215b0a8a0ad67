"""The fast path for a redline's marked passages (``reports.writers.pdf.runs``): the fragments it builds
for underlined and struck-through text and for the passages' callbacks are the ones reportlab's parser
builds from the markup the writer would otherwise make, and a redline PDF is the same file either way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import tree as t
from reports.fonts.faces import ensure_cjk
from reports.theme import DEFAULT_THEME
from reports.writers.pdf import story
from reports.writers.pdf.revisions import revisions_of
from reports.writers.pdf.styles import stylesheet
from reports.writers.pdf.tags import TParagraph


def _writer() -> story.StoryWriter:
    ensure_cjk(DEFAULT_THEME.fonts.cjk, "张勇")  # as writing a document does
    return story.StoryWriter(stylesheet(DEFAULT_THEME), t.Meta(title="T"))


def _both(content: t.Inlines, style: str) -> tuple[Any, Any, int, int]:
    """The paragraph of ``content`` as the writer makes it and as the parser makes it from the markup,
    each with a writer of its own, and how many passages each writer registered."""
    fast_writer, parsed_writer = _writer(), _writer()
    fast = fast_writer.para(content, style)
    parsed = TParagraph(parsed_writer.inlines(content) or "&#160;", parsed_writer.sheet.styles[style])
    return fast, parsed, len(revisions_of(fast_writer).passages), len(revisions_of(parsed_writer).passages)


def _look(frag: Any) -> str:
    lines = [(n, kind, str(colour), width, offset, rise, repeat, gap)
             for n, kind, colour, width, offset, rise, repeat, gap in frag.us_lines]
    return (f"{frag.fontName}/{frag.fontSize}/{frag.textColor}/{lines}/{getattr(frag, 'strike', 0)}/"
            f"{getattr(frag, 'underlineColor', '')}/{getattr(frag, 'strikeColor', '')}")


def _tokens(frags: list[Any]) -> list[tuple[str, str]]:
    """What layout and drawing see: each word and each callback with its look. The parser cuts fragments
    at entities and at tags where the writer's runs are whole; spacing runs, not their length, separate
    words (as in ``test_pdf._words``)."""
    pieces: list[tuple[str, str]] = []
    for frag in frags:
        defn = getattr(frag, "cbDefn", None)
        if defn is not None:
            pieces.append((f"\x00{defn.kind}:{defn.name}:{defn.label}", _look(frag)))
        else:
            pieces.extend((word, _look(frag)) for word in re.split(r"(\s+)", frag.text) if word)
    out: list[tuple[str, str]] = []
    for word, look in pieces:
        space, callback = word.isspace(), word.startswith("\x00")
        if out and space and out[-1][0] == " ":
            continue
        if out and not space and not callback and out[-1][0] != " " and not out[-1][0].startswith("\x00") \
                and out[-1][1] == look:
            out[-1] = (out[-1][0] + word, look)
        else:
            out.append((" " if space else word, look))
    return out


_piece = st.text(st.sampled_from("ab &<>\n\t\xa0\u200b\xad张勇*"), max_size=6)
_link = st.builds(t.Link, st.lists(st.builds(t.Text, _piece), max_size=2).map(tuple),
                  st.just("https://example.org/b"))


def _containers(children: st.SearchStrategy[t.Inline]) -> st.SearchStrategy[t.Inline]:
    kids = st.lists(children, max_size=3).map(tuple)
    return st.one_of(st.builds(t.Strong, kids), st.builds(t.Emphasis, kids), st.builds(t.Inserted, kids),
                     st.builds(t.Deleted, kids), st.builds(t.Restyled, kids))


_inlines = st.recursive(st.one_of(st.builds(t.Text, _piece), _link), _containers, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(content=st.lists(_inlines, max_size=4).map(tuple),
       style=st.sampled_from(["Normal", "Table", "Heading 1", "Quote", "List"]))
def test_marked_runs_are_what_reportlab_would_parse(content: t.Inlines, style: str) -> None:
    # Underlined and struck runs, bold and italic inside and around them, CJK in them, passages inside
    # passages; a link anywhere sends the paragraph to the parser, its passages numbered once.
    fast, parsed, fast_passages, parsed_passages = _both(content, style)
    assert _tokens(fast.frags) == _tokens(parsed.frags)
    assert fast.getPlainText().split() == parsed.getPlainText().split()
    assert fast_passages == parsed_passages


_TYPICAL = [
    (t.Text("The term is "), t.Deleted((t.Text("three years"),)), t.Text(" "), t.Inserted((t.Text("five years"),)),
     t.Text(" from signing.")),
    (t.Strong((t.Inserted((t.Text("Subject line that is new"),)),)), t.Text(" and more.")),
    (t.Inserted((t.Strong((t.Text("Bold"),)), t.Text(" then plain, "), t.Emphasis((t.Text("italic"),)))),),
    (t.Text("签署 "), t.Inserted((t.Text("浙江省人民政府 and 阿里巴巴集团"),)), t.Deleted((t.Text("张勇 said"),))),
    (t.Emphasis((t.Deleted((t.Text("Source"),)), t.Inserted((t.Text("From"),)), t.Text(": the release"))),),
    (t.Restyled((t.Strong((t.Text("now bold"),)),), "emphasis"), t.Text(" rest")),
    (t.Inserted((t.Text("  "),)), t.Text("only whitespace inserted")),
]


@pytest.mark.parametrize("content", _TYPICAL)
def test_typical_passages_make_the_parsers_fragments_exactly(content: t.Inlines) -> None:
    # Without entities for the parser to cut at, every fragment is the same: each attribute, in the
    # order the parser sets it, and each callback's definition.
    fast, parsed, fast_passages, parsed_passages = _both(content, "Normal")

    def described(frags: list[Any]) -> list[list[tuple[str, Any]]]:
        return [[(k, v.__dict__ if k == "cbDefn" else v) for k, v in vars(frag).items()] for frag in frags]

    assert described(fast.frags) == described(parsed.frags)
    assert fast_passages == parsed_passages


def test_a_redline_pdf_is_the_same_file_without_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from reports.load import load_agreement
    from reports.pipeline import Against, render
    from tests.conftest import ROOT, SHIPPED

    new = load_agreement(SHIPPED)
    against = Against(load_agreement(ROOT / "data" / "zhejiang-alibaba-2023.draft.yaml"), "draft")
    fast = [render(new, kind, "pdf", against=against).data for kind in ("briefing", "memo")]
    monkeypatch.setattr(story, "fast_paragraph", lambda spans, style, cls=None: None)
    assert [render(new, kind, "pdf", against=against).data for kind in ("briefing", "memo")] == fast
