"""reports/parse/quotes.py: quotation marks set for the document's language, nesting alternating.

Generated quotations, nested up to four deep and typed with every kind of mark (straight, curly, low-9,
guillemets, corner brackets), come out in the language's marks with the outer and inner pairs
alternating; no straight quote is left outside a web address; apostrophes and feet-and-inches marks are told apart;
code spans, links to themselves and addresses are never changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import tree as t
from reports.parse import parse_markdown
from reports.parse.quotes import QUOTES, quotes_for, requote

TYPED_PAIRS = [('"', '"'), ("'", "'"), ("“", "”"), ("‘", "’"), ("«", "»"), ("„", "“"), ("‚", "‘"),
               ("「", "」"), ("『", "』"), ("‹", "›")]
SINGLE_TYPED = {"'", "‘", "‚", "『", "‹"}
WORDS = ["records", "Zürich", "don't", "O'Hara", "数字", "5G", "データ", "it’s", "x", "说", "全部公开"]
LANGUAGES = ["en", "en-US", "en-GB", "zh-Hans", "fr", "de", "ja", "zh-Hant", "pt-BR", "xx"]


@dataclass(frozen=True)
class Quotation:
    pair: tuple[str, str]
    parts: tuple[str | Quotation, ...]


def quotations(depth: int = 0) -> st.SearchStrategy[Quotation]:
    part: st.SearchStrategy[str | Quotation] = st.sampled_from(WORDS)
    if depth < 3:
        part = st.one_of(part, st.deferred(lambda: quotations(depth + 1)))
    return st.builds(Quotation, st.sampled_from(TYPED_PAIRS), st.lists(part, min_size=1, max_size=3).map(tuple))


def typed(q: Quotation) -> str:
    return q.pair[0] + " ".join(p if isinstance(p, str) else typed(p) for p in q.parts) + q.pair[1]


def expected(q: Quotation, marks: tuple[str, str, str, str], parent: int | None = None) -> str:
    level = (1 if q.pair[0] in SINGLE_TYPED else 0) if parent is None else 1 - parent
    inner = " ".join(_word(p) if isinstance(p, str) else expected(p, marks, level) for p in q.parts)
    return marks[2 * level] + inner + marks[2 * level + 1]


def _word(word: str) -> str:
    return word.replace("'", "’")


@settings(max_examples=600, deadline=None)
@given(quotation=quotations(), language=st.sampled_from(LANGUAGES),
       before=st.sampled_from(["", "He said ", "他说", "他说："]),
       after=st.sampled_from(["", ".", " today", ", then", "。", "了"]))
def test_nested_quotations_alternate_in_the_languages_marks(quotation: Quotation, language: str, before: str,
                                                             after: str) -> None:
    marks = quotes_for(language)
    got = requote(before + typed(quotation) + after, marks)
    assert got == before + expected(quotation, marks) + after
    assert '"' not in got and "'" not in got


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.sampled_from(list("ab 1.,;:!?()\n\t\u00a0数字") + list("\"'“”‘’„‚«»‹›「」『』")), max_size=40),
       language=st.sampled_from(LANGUAGES))
def test_no_straight_quote_survives_and_nothing_else_changes(text: str, language: str) -> None:
    got = requote(text, quotes_for(language))
    assert '"' not in got and "'" not in got
    every_mark = set("\"'“”‘’„‚«»‹›「」『』′″\u00a0 ")
    assert [c for c in got if c not in every_mark] == [c for c in text if c not in every_mark]


@pytest.mark.parametrize(("text", "english"), [
    ("Ken O'Hara's 'open' shelf", "Ken O’Hara’s ‘open’ shelf"),
    ("the parties' view", "the parties’ view"),
    ("the '90s and 'tis", "the ’90s and ’tis"),
    ('5\'10" tall, a 12" screen', "5’10” tall, a 12” screen"),
    ('阿里巴巴"1+6+N"组织变革', "阿里巴巴“1+6+N”组织变革"),
    ('公告。"1+6+N"组织', "公告。“1+6+N”组织"),
    ("“我们说\"全部公开\"，指的是'全部'”", "“我们说‘全部公开’，指的是‘全部’”"),  # the memo's quote around data
    ("说'Hello'吧", "说‘Hello’吧"),
    ("« déjà vu »", "“déjà vu”"),
    ('see https://example.org/it\'s "here"', "see https://example.org/it's “here”"),
])
def test_apostrophes_primes_addresses(text: str, english: str) -> None:
    assert requote(text, QUOTES["en"]) == english


def test_each_language_has_its_marks() -> None:
    typed_text = '"outer \'inner\' outer"'
    assert requote(typed_text, quotes_for("en-GB")) == "“outer ‘inner’ outer”"
    assert requote(typed_text, quotes_for("en-US")) == "“outer ‘inner’ outer”"
    assert requote(typed_text, quotes_for("zh-Hans")) == "“outer ‘inner’ outer”"
    assert requote(typed_text, quotes_for("fr")) == "«\u00a0outer “inner” outer\u00a0»"
    assert requote(typed_text, quotes_for("de")) == "„outer ‚inner‘ outer“"
    assert requote(typed_text, quotes_for("ja")) == "「outer 『inner』 outer」"
    assert requote(typed_text, quotes_for("zh-TW")) == "「outer 『inner』 outer」"
    assert quotes_for("fr-CH") == ("«", "»", "‹", "›") and quotes_for("xx-Nowhere") == QUOTES["en"]


def _document(body: str, language: str = "en") -> t.Document:
    document, warnings = parse_markdown(f"---\ntitle: 'The \"Open\" Shelf'\nlanguage: {language}\n---\n\n{body}")
    assert not warnings
    return document


def test_the_tree_pass_reaches_every_text_and_leaves_code_and_links_alone() -> None:
    document = _document(
        '# The "open" shelf\n\n'
        'He said **"bold** part" and `a "b" c` and [\'quoted\' link](https://x.org/it\'s) and '
        "<https://example.org/a'b>.\n\n"
        '| "Cell" | it\'s |\n|---|---|\n| a | "b" |\n\n'
        'A note.[^1]\n\n[^1]: The note says "hi".\n\n'
        '```timeline caption="The \'key\' dates"\n2023-07-07 | The "signing"\n```\n', "en")
    assert document.meta.title == "The “Open” Shelf"
    heading, paragraph, table, noted, timeline = document.blocks
    assert isinstance(heading, t.Heading) and heading.content == (t.Text("The “open” shelf"),)
    dumped = t.dump(paragraph)
    assert "Code 'a \"b\" c'" in dumped  # code untouched
    assert "url=\"https://x.org/it's\"" in dumped  # the address untouched
    # and one written in the text (made a link, its text the address as written)
    assert "Link url=\"https://example.org/a'b\"\n    Text \"https://example.org/a'b\"" in dumped
    assert "Strong\n    Text '“bold'\n  Text ' part” and '" in dumped  # one quotation across emphasis
    assert "Text '‘quoted’ link'" in dumped
    assert isinstance(table, t.Table) and table.header == ((t.Text("“Cell”"),), (t.Text("it’s"),))
    assert isinstance(noted, t.Paragraph) and isinstance(noted.content[-1], t.Note)
    assert noted.content[-1].blocks[0].content == (t.Text("The note says “hi”."),)
    assert isinstance(timeline, t.Timeline)
    assert timeline.caption == "The ‘key’ dates" and timeline.events[0].label == "The “signing”"


def test_the_marking_and_organisation_are_printed_as_given() -> None:
    document, _ = parse_markdown("---\ntitle: x\nclassification: \"O'NEILL 'EYES ONLY'\"\n"
                                 "organisation: \"O'Neill & Partners\"\n---\n\nText.\n")
    assert document.meta.classification == "O'NEILL 'EYES ONLY'"
    assert document.meta.organisation == "O'Neill & Partners"


def test_french_guillemets_keep_their_words_with_a_no_break_space() -> None:
    document = _document('Il a dit " bonjour " et "au revoir".', "fr")
    assert document.blocks[0] == t.Paragraph((t.Text("Il a dit «\u00a0bonjour\u00a0» et «\u00a0au revoir\u00a0»."),))
