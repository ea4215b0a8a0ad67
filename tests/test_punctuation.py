"""reports/punctuation.py: where data meets a template's punctuation, no phrase prints two marks.

Property tests join generated text ending in every kind of mark (ASCII, CJK, typographic, closing quotes
and brackets) with every mark a template puts after data, as plain text and as Markdown, and check the
seam: never two marks where one belongs, never the data's own ? or !, and nothing else lost.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import punctuation as p
from reports.filters import MarkdownText, Message, escape_markdown, followed_by, sentence

# What data ends a phrase with: every mark, the closing quotes and brackets, abbreviations, nothing.
ENDINGS = [".", ",", ";", ":", "!", "?", "…", "...", "。", "！", "？", "，", "、", "：", "；", "．",
           "）", ")", "]", "”", "’", "»", "」", "』", '"', "'", ".”", "。」", "?”", "!)", " K.K.", " Inc.",
           " e.g.", " J.", "?!", ""]
# What a template puts right after data (labels and literals of the shipped templates, and more).
FOLLOWERS = [".", ",", ";", ":", "!", "?", "…", "。", "，", "、", "：", "；", "！", "？", " · ", " • ", " | ",
             "》，", "**, ", "*. ", "**.", ": ", " (x)", "）", "” ", " ", ""]
MARKS = p.TERMINAL | p.CLAUSE
WORDS = st.sampled_from(["records", "Systems", "数字科技", "archive", "Zürich", "5G", "浙江", "データ", "x"])


def _visible(text: str) -> str:
    return text.replace("*", "").replace("\\", "")


def _mark_pairs(text: str) -> list[tuple[int, str]]:
    """(index, pair) of every two marks side by side (emphasis markers and escapes looked through)."""
    shown = _visible(text)
    return [(i, shown[i:i + 2]) for i in range(len(shown) - 1) if shown[i] in MARKS and shown[i + 1] in MARKS]


def _allowed(shown: str, i: int, pair: str) -> bool:
    # An abbreviation's dot before , : ; ? ! ; an ASCII comma after ? ! …; an ellipsis typed as dots;
    # the data's own "?!" (never removed).
    if pair[0] == "." and pair[1] != "." and p._abbreviation(shown, i):
        return True
    if pair[1] == "," and (pair[0] in "?!…" or shown[max(i - 2, 0):i + 1] == "..."):
        return True
    return pair in ("..", "?!")


@settings(max_examples=2000, deadline=None)
@given(words=st.lists(WORDS, min_size=1, max_size=3), ending=st.sampled_from(ENDINGS),
       follower=st.sampled_from(FOLLOWERS), markdown=st.booleans())
def test_no_doubled_mark_and_no_meaningful_mark_lost(words: list[str], ending: str, follower: str,
                                                      markdown: bool) -> None:
    data = " ".join(words) + ending
    left = escape_markdown(data) if markdown else data
    joined = p.join(left, follower + "next")
    shown = _visible(joined)
    bad = [pair for i, pair in _mark_pairs(joined) if not _allowed(shown, i, pair)]
    assert not bad, (data, follower, joined)
    # Every letter of the data is kept, in order, and so is every letter the template wrote.
    assert _visible(joined).startswith(_visible(left).rstrip("".join(MARKS) + "”’»」』)）]\"' ")[: len(words[0])])
    assert joined.endswith("next")
    # The data's ? and ! carry meaning: never removed.
    strong = [c for c in ending if c in p.STRONG]
    if strong:
        assert _visible(joined).startswith(_visible(left))
    # Data that ends in a letter is joined exactly as written.
    if ending == "":  # (a separator is tied to it by a no-break space)
        assert joined == left + follower.replace(" ", "\u00a0", int(follower.strip() in {"·", "•", "|"})) + "next"


@pytest.mark.parametrize(("data", "after", "joined"), [
    ("Systems K.K.", ".", "Systems K.K."),
    ("Systems K.K.", "。", "Systems K.K."),
    ("publish the records.", ": Archive Service", "publish the records: Archive Service"),
    ("Systems K.K.", ": Archive Service", "Systems K.K.: Archive Service"),
    ("Acme Inc.", ", CEO", "Acme Inc., CEO"),
    ("Why publish?", "*. Publisher", "Why publish?* Publisher"),
    ("Why publish?", ": A", "Why publish? A"),
    ("Yahoo!", ", CEO", "Yahoo!, CEO"),
    ("records,", ".", "records."),
    ("records;", ":", "records:"),
    ("records.", "?", "records?"),
    ("What?", "!", "What?"),
    ('He said "yes."', ".", 'He said "yes."'),
    ("(see K.K.)", ".", "(see K.K.)."),
    ("数字科技.", "。", "数字科技。"),
    ("数字科技。", "，其他", "数字科技，其他"),
    ("数字科技！", "，其他", "数字科技！其他"),
    ("2023年7月7日。", " · 《下一条》", "2023年7月7日。《下一条》"),
    ("7 July 2023.", " · Next", "7 July 2023. Next"),
    ("report.pdf", " · Next", "report.pdf\u00a0· Next"),
    ("*来源*：", " 《A》", "*来源*：《A》"),
    ("wait...", ":", "wait..."),
    ("[https://x.org/a.](https://x.org/a.)", " · Next", "[https://x.org/a.](https://x.org/a.)\u00a0· Next"),
    ("Phase 2\\.", ": A", "Phase 2: A"),
])
def test_the_rules_by_example(data: str, after: str, joined: str) -> None:
    assert p.join(data, after) == joined


def test_labels_settle_each_seam_and_nothing_else() -> None:
    values = {"names": "Systems K.K.", "count": "Two"}
    seamed = p.marked_values("%(count)s: %(names)s.", values)
    assert seamed is not None
    assert p.settle(f"{seamed['count']}: {seamed['names']}.") == "Two: Systems K.K."
    # A value that follows another at once is data meeting data: left alone.
    seamed = p.marked_values("%(count)s%(names)s", {"count": "Done.", "names": ".x"})
    assert seamed is not None and p.settle(seamed["count"] + seamed["names"]) == "Done..x"
    # Another conversion, or data that holds a seam mark: the label is filled as it always was.
    assert p.marked_values("%(count)d items", {"count": "1"}) is None
    assert p.marked_values("%(names)s.", {"names": "x" + p.SEAM}) is None


def test_the_filters_escape_data_and_keep_a_labels_plain_form() -> None:
    joined = followed_by("K.K. *bold*.", Message(": **A**", ": **A**"))
    assert isinstance(joined, Message)
    assert str(joined) == "K.K. \\*bold\\*: **A**" and joined.plain == "K.K. *bold*: **A**"
    assert str(followed_by(MarkdownText("*Why?*"), ".")) == "*Why?*"
    assert sentence("Technical report").plain == "Technical report."
    assert str(sentence("Technical report!")) == "Technical report\\!"  # data, escaped as Markdown
    assert sentence("公开的常识性事实").plain == "公开的常识性事实。"
    assert sentence("公开的常识性事实。").plain == "公开的常识性事实。"
    assert p.sentence_stop("K.K.") == "." and p.sentence_stop("データ") == "。"
