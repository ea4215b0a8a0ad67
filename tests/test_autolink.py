"""reports/autolink.py and parse: an address printed as text becomes a link to exactly itself.

Examples pin the edges (sentence punctuation, brackets, CJK neighbours, code, existing links); properties
say it for any text: an address embedded in text gives one Link whose target is the address and whose
text is the address as printed, the rest of the text unchanged; data can make no other link; the search
is linear however hostile the text. The writers' side (annotations, hyperlinks, outloud) is in
tests/writers/test_autolink_outputs.py.
"""

from __future__ import annotations

import time
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink

from reports import autolink
from reports import timeline as tl
from reports import tree as t
from reports.filters import escape_markdown
from reports.parse import parse_markdown
from reports.writers.measure import plain_text
from reports.writers.pdf import cuts
from tests import strategies

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _found(text: str) -> list[tuple[str, str]]:
    return [(text[a.start:a.end], a.target) for a in autolink.addresses(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("see https://x.org/a.", [("https://x.org/a", "https://x.org/a")]),
    ("(see https://x.org/a_(b))", [("https://x.org/a_(b)", "https://x.org/a_(b)")]),
    ("https://x.org/a)))", [("https://x.org/a", "https://x.org/a")]),
    ("[x](http://a.b)", [("http://a.b", "http://a.b")]),
    ('<a href="http://x">', [("http://x", "http://x")]),
    ("'https://x.org/q?a=1&b=2', then", [("https://x.org/q?a=1&b=2", "https://x.org/q?a=1&b=2")]),
    ("HTTPS://EX.ORG/A_B?", [("HTTPS://EX.ORG/A_B", "HTTPS://EX.ORG/A_B")]),
    ("www.foo.com, and x.y@ex.org.", [("www.foo.com", "http://www.foo.com"), ("x.y@ex.org", "mailto:x.y@ex.org")]),
    ("write to mailto:a@b.org; or", [("mailto:a@b.org", "mailto:a@b.org")]),
    ("user@www.example.com", [("user@www.example.com", "mailto:user@www.example.com")]),
    # CJK text ends an address (a Chinese label follows the data with no space); written percent-encoded,
    # a Chinese path is linked whole.
    ("请访问https://example.org/路径。谢谢", [("https://example.org/", "https://example.org/")]),
    ("https://x.org/0!q/.参与合作", [("https://x.org/0!q/", "https://x.org/0!q/")]),
    ("见https://x.org/%E8%B7%AF。", [("https://x.org/%E8%B7%AF", "https://x.org/%E8%B7%AF")]),
    ("访问www.x.org参与合作", [("www.x.org", "http://www.x.org")]),
    # A target is a URI, as markdown-it writes a link's (non-ASCII percent-encoded, the host in punycode).
    ("https://bücher.de/é", [("https://bücher.de/é", "https://xn--bcher-kva.de/%C3%A9")]),
    ("发送至contact@x.org获取资料", [("contact@x.org", "mailto:contact@x.org")]),
    ("“https://x.org/a”—and", [("https://x.org/a", "https://x.org/a")]),
    ("josé@x.org", [("josé@x.org", "mailto:jos%C3%A9@x.org")]),
    # Not addresses: glued to a word, a scheme with nothing after it, no dot in the domain, a bare www.
    ("xhttps://a.org", []), ("http://", []), ("http://.", []), ("a@b", []), ("www.x", []), ("100%", []),
])
def test_what_is_an_address_and_where_it_ends(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


def test_an_address_longer_than_the_limit_stays_text() -> None:
    url = "https://x.org/" + "a" * autolink.MAX_ADDRESS
    assert autolink.addresses(url) == []
    assert _found("https://x.org/" + "a" * (autolink.MAX_ADDRESS - 20)) != []


@pytest.mark.parametrize("text", [
    "www.," * 25_000, "http://a。" * 11_000, "a." * 50_000 + "@", "@" * 100_000, "a@b." * 25_000,
    "http://x" + ")" * 100_000, "www.a." * 20_000, "x.y@z.org http://a " * 5_000, "." * 100_000 + "@",
])
def test_the_search_is_linear_on_hostile_text(text: str) -> None:
    # 100,000 characters (the model's limit for a value): a fifth of a second on a loaded machine, where
    # a quadratic search takes hours (10^10 steps); the bound is far from both, so load cannot fail it.
    start = time.perf_counter()
    autolink.addresses(text)
    assert time.perf_counter() - start < 20.0


# --------------------------------------------------------------------------- through parse

# Text around an address: letters in several scripts, digits, spaces and punctuation, but nothing that
# makes an address of its own (no @, no "://", no "www.").
_AROUND = st.text(st.sampled_from([*"abcXYZ019 éüß浙江。、「」,;!?()[]-*_#&%$~'\"<>`|\\", "\u00a0", "\u3000"]),
                  max_size=30).filter(lambda s: "www." not in s.lower())


@st.composite
def _urls(draw: st.DrawFn) -> str:
    # The model's web addresses (tests/strategies.py: &, %, brackets, non-ASCII) ending in a character
    # that is never trailing punctuation, so all of it is the address; a Chinese character in one is
    # percent-encoded, as a browser copies it (CJK text ends an address).
    url = draw(strategies.urls(max_length=300)) + draw(st.sampled_from(["/", "a", "9", "/x_1"]))
    return url.replace("浙", "%E6%B5%99")


def _paragraph(markdown: str) -> t.Inlines:
    document, _ = parse_markdown(markdown)
    assert len(document.blocks) == 1 and isinstance(document.blocks[0], t.Paragraph), t.dump(document)
    return document.blocks[0].content


def _links(content: t.Inlines) -> list[t.Link]:
    found: list[t.Link] = []
    for node in content:
        if isinstance(node, t.Link):
            found.append(node)
        elif isinstance(node, t.Strong | t.Emphasis):
            found.extend(_links(node.children))
    return found


@PROPERTY
@given(before=_AROUND, url=_urls(), stop=st.sampled_from(["", ".", ",", ";", ":", "!", "?", ")", "'"]),
       after=_AROUND)
def test_data_with_an_embedded_url_gives_one_link_to_exactly_that_url(before: str, url: str, stop: str,
                                                                     after: str) -> None:
    # Printed as data (escaped by compose), with a space or the start of the text before the address and
    # sentence punctuation or a space after it: one Link, target and text the URL, the rest unchanged.
    text = f"x {before} {url}{stop} {after} y"
    # A closing bracket after the address belongs to it when it closes one the address opened.
    shown = url + stop if stop == ")" and url.count("(") > url.count(")") else url
    content = _paragraph(escape_markdown(text))
    assert _links(content) == [t.Link((t.Text(shown),), normalizeLink(shown))]
    markdown_link = _paragraph(f"[x]({escape_markdown(shown)})")[0]  # as the templates write a source's URL
    assert isinstance(markdown_link, t.Link) and markdown_link.url == normalizeLink(shown)
    assert plain_text(content) == plain_text(_paragraph_without_links(escape_markdown(text)))


def _paragraph_without_links(markdown: str) -> t.Inlines:
    with mock.patch("reports.parse.inlines.link_addresses", lambda content: content):
        return _paragraph(markdown)


@PROPERTY
@given(text=strategies.texts(max_length=400))
def test_data_can_make_no_link_but_to_its_own_address(text: str) -> None:
    # The hardening rule: whatever data holds ("[x](http://a.b)", "<a href=...>", markup), printed it is
    # text; the one link it can make is an address to itself, and the text reads the same as without it.
    document, _ = parse_markdown(escape_markdown(text))
    unlinked, _ = parse_markdown_without_links(escape_markdown(text))
    for block, plain in zip(document.blocks, unlinked.blocks, strict=True):
        assert isinstance(block, t.Paragraph) and isinstance(plain, t.Paragraph)
        assert plain_text(block.content) == plain_text(plain.content)
        for link in _links(block.content):
            shown = plain_text(link.children)
            forms = (shown, "http://" + shown, "mailto:" + shown)
            assert link.url in {normalizeLink(form) for form in forms}
            assert autolink.addresses(shown) == [autolink.Address(0, len(shown), link.url)]


def parse_markdown_without_links(markdown: str) -> tuple[t.Document, list[t.ParseWarning]]:
    with mock.patch("reports.parse.inlines.link_addresses", lambda content: content):
        return parse_markdown(markdown)


def test_code_links_and_formatting_keep_what_they_are() -> None:
    content = _paragraph("`https://code.org` [see https://x.org](https://y.org) **www.bold.com** "
                         "*a@b.org* ![alt](missing.png) https://x.org/a_(b).")
    assert content[0] == t.Code("https://code.org")  # a URL in code stays code
    assert content[2] == t.Link((t.Text("see https://x.org"),), "https://y.org")  # a link is not linked again
    assert content[4] == t.Strong((t.Link((t.Text("www.bold.com"),), "http://www.bold.com"),))
    assert content[6] == t.Emphasis((t.Link((t.Text("a@b.org"),), "mailto:a@b.org"),))
    assert content[-2:] == (t.Link((t.Text("https://x.org/a_(b)"),), "https://x.org/a_(b)"), t.Text("."))


def test_headings_cells_quotes_and_footnotes_link_their_addresses() -> None:
    document, _ = parse_markdown(
        "# About https://h.org\n\n| a | b |\n|---|---|\n| www.cell.org | x |\n\n"
        "::: quote\nsaid x@q.org\n\n-- **who**, https://role.org\n:::\n\nNoted.[^1]\n\n[^1]: See https://n.org/a.\n")
    dumped = t.dump(document)
    for target in ("https://h.org", "http://www.cell.org", "mailto:x@q.org", "https://role.org", "https://n.org/a"):
        assert f"Link url={target!r}" in dumped, target


def test_upper_and_joined_keep_an_address_as_written() -> None:
    kicker = autolink.joined([autolink.upper(autolink.linked("Acme https://x.org/CaseSensitive")),
                              autolink.upper(autolink.linked("internal"))], "  ·  ")
    assert kicker == (t.Text("ACME "), t.Link((t.Text("https://x.org/CaseSensitive"),), "https://x.org/CaseSensitive"),
                      t.Text("  ·  INTERNAL"))
    assert autolink.linked("plain") == (t.Text("plain"),) and autolink.linked("") == (t.Text(""),)


# --------------------------------------------------------------------------- the writers' shared pieces


def _measure(text: str, bold: bool, size: float) -> float:
    return len(text) * size * 0.55


@PROPERTY
@given(before=_AROUND, url=_urls(), after=_AROUND, lines=st.integers(1, 3), width=st.floats(40, 200))
def test_timeline_label_lines_link_the_parts_of_an_address_they_show(before: str, url: str, after: str,
                                                                    lines: int, width: float) -> None:
    label = f"x {before} {url} {after} y"
    pieces = tl.text.wrap_pieces(label, width, lines, _measure, 8.0)
    links = tl.text.line_links(label, pieces)
    normal = " ".join(label.split())
    start, end = normal.index(url), normal.index(url) + len(url)
    assert {target for *_, target in links} <= {normalizeLink(url)}
    # Each line links exactly the part of the address it shows (its characters, not the "…" after them):
    # together a prefix of the address, all of it when the whole label is shown.
    shown = "".join(pieces[line][0][a:b] for line, a, b, _ in links)
    covered = "".join(normal[max(start, first):min(end, first + count)] for _, first, count in pieces)
    assert shown == covered and url.startswith(shown)
    if not pieces[-1][0].endswith("…") and len(normal) <= lines * 200:
        assert shown == url


def test_a_timeline_layout_carries_the_links_of_its_labels() -> None:
    events = (t.TimelineEvent("2023-07-07", "Signed, see https://x.org/signing", True),
              t.TimelineEvent("2024-01-01", "Plain"))
    lay = tl.layout(t.Timeline(events), tl.Style(width=400), _measure, lang="en")
    links = [(label.lines[link.line][link.start:link.end], link.target)
             for row in lay.rows for label in row.labels for link in label.links]
    assert "".join(text for text, _ in links) == "https://x.org/signing"
    assert {target for _, target in links} == {"https://x.org/signing"}


def test_a_long_table_cell_keeps_its_links_when_it_is_continued_in_rows_below() -> None:
    link = t.Link((t.Text("https://x.org/cell"),), "https://x.org/cell")
    words = " ".join(f"w{i:04d}" for i in range(700))  # 4,199 characters: two rows
    cell: t.Inlines = (t.Text(words + " "), link, t.Text(" " + words), t.Strong((t.Text("end"),)))
    pieces = cuts.cell_pieces(cell)
    assert len(pieces) >= 3 and "".join(plain_text(p) for p in pieces) == plain_text(cell)
    assert all(len(plain_text(p)) <= cuts.MAX_CELL_CHARS for p in pieces)
    assert link in [node for piece in pieces for node in piece]
    assert t.Strong((t.Text("end"),)) in pieces[-1]
    bold = t.Strong((t.Text(words + " "), link, t.Text(" " + words)))  # too long to keep whole: its link stays
    assert link in [node for piece in cuts.cell_pieces((bold,)) for node in piece]
    plain = (t.Text(words + " " + words),)  # text alone is cut as before
    assert [plain_text(p) for p in cuts.cell_pieces(plain)] == cuts.cell_chunks(words + " " + words)
