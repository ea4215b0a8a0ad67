"""Names that take an article in running text: the model's rule (definite_article and its default), the
filters (party_in_text, indefinite), and the sentence the memo builds, in English and in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import i18n
from reports.compose import render_markdown
from reports.filters import capitalize_first, indefinite, party_in_text
from reports.model import Agreement, Party, json_schema
from reports.starter import starter_yaml

ROOT = Path(__file__).resolve().parent.parent


def _party(name: str | None, kind: str = "government", **extra: object) -> Party:
    return Party.model_validate({"name": name, "local_name": None if name else "浙江大学", "kind": kind,
                                 "description": "x", **extra})


@pytest.mark.parametrize(("name", "kind", "takes"), [
    ("Zhejiang Provincial Government", "government", True),
    ("Ministry of Commerce", "government", True),
    ("University of Tokyo", "university", True),
    ("Zhejiang University", "university", False),
    ("World Bank", "international-organisation", True),
    ("UNESCO", "international-organisation", False),
    ("Oxfam", "non-profit", False),
    ("Gates Foundation", "non-profit", True),
    ("Bank of China", "company", False),  # companies never, whatever the name
    ("Alibaba Group", "company", False),
    ("The Hague Municipal Council", "government", False),  # "The" already
    ("Example Thing", "other", False),
])
def test_the_default_follows_kind_and_name(name: str, kind: str, takes: bool) -> None:
    assert _party(name, kind).takes_the is takes


def test_the_field_decides_and_never_gives_a_second_the() -> None:
    assert _party("Alibaba Group", "company", definite_article=True).takes_the
    assert not _party("Ministry of Commerce", definite_article=False).takes_the
    assert not _party("The Ministry", definite_article=True).takes_the
    assert not _party(None, definite_article=True).takes_the  # a local name alone takes no English article


def _with(tag: str, func: object, *args: object) -> object:
    locale = i18n.resolve(tag, tag)[0]
    with i18n.activate(locale):
        return func(*args)  # type: ignore[operator]


def test_party_in_text_is_english_only_and_capitalises_at_a_sentence_start() -> None:
    ministry = _party("Ministry of Commerce", local_name="商务部")
    for tag in ("en", "en-US", "en-GB"):
        assert _with(tag, party_in_text, ministry) == "the Ministry of Commerce (商务部)"
    assert _with("zh-Hans", party_in_text, ministry) == "Ministry of Commerce（商务部）"
    assert capitalize_first(_with("en", party_in_text, ministry)) == "The Ministry of Commerce (商务部)"
    assert _with("en", party_in_text, _party("Alibaba Group", "company")) == "Alibaba Group"
    # A language no catalogue translates keeps the English labels, and English sentences need the article.
    assert _with("xh", party_in_text, ministry) == "the Ministry of Commerce (商务部)"
    assert _with("xh", indefinite, "interim agreement") == "an interim agreement"


@pytest.mark.parametrize(("phrase", "english"), [
    ("interim agreement", "an interim agreement"),
    ("memorandum of understanding", "a memorandum of understanding"),
    ("MoU", "an MoU"), ("NDA", "an NDA"), ("UN framework", "a UN framework"),
    ("8-year plan", "an 8-year plan"), ("11-point plan", "an 11-point plan"), ("110-page treaty", "a 110-page treaty"),
    ("hourly deal", "an hourly deal"), ("European pact", "a European pact"),
    ("unilateral pledge", "a unilateral pledge"),
    ("umbrella agreement", "an umbrella agreement"), ("an accord", "an accord"), ("the accord", "the accord"),
    ("全面战略合作协议", "全面战略合作协议"),
])
def test_indefinite_by_sound(phrase: str, english: str) -> None:
    assert _with("en", indefinite, phrase) == english
    assert _with("zh-Hans", indefinite, phrase) == phrase


@settings(max_examples=60, deadline=None)
@given(kinds=st.lists(st.sampled_from(["government", "company", "university", "non-profit"]), min_size=2,
                      max_size=4), language=st.sampled_from(["en", "en-US", "en-GB", "zh-Hans"]),
       flags=st.lists(st.sampled_from([None, True, False]), min_size=4, max_size=4))
def test_the_memo_sentence_names_every_party_as_it_takes_the_article(kinds: list[str], language: str,
                                                                     flags: list[bool | None]) -> None:
    names = ["Ministry of Archives", "Harbour Systems K.K.", "University of Lakeside", "Records Foundation"]
    parties = []
    for i, kind in enumerate(kinds):
        party: dict[str, object] = {"name": names[i], "kind": kind, "description": "x"}
        if flags[i] is not None:
            party["definite_article"] = flags[i]
        parties.append(party)
    agreement = Agreement.model_validate({
        "schema_version": 1, "id": "a", "language": language, "title": "T", "summary": "S",
        "agreement": {"type": "interim agreement", "signed": "2025-03-03", "purpose": "P"},
        "parties": parties, "sources": [{"title": "T", "publisher": "P"}]})
    text, _ = render_markdown(agreement, "memo")
    line = next(line for line in text.splitlines() if "2025" in line and line.startswith("- "))
    english = not language.startswith("zh")
    for party in agreement.parties:
        assert (f"the {party.name}" in line) is (english and party.takes_the), line
    assert ("an interim agreement" in line) is english
    assert "the the" not in line.casefold()


def test_a_new_field_reaches_schema_guide_and_starter() -> None:
    assert "definite_article" in json_schema()["$defs"]["Party"]["properties"]
    assert "definite_article" in (ROOT / "docs" / "data-guide.md").read_text("utf-8")
    assert "definite_article" in (ROOT / "docs" / "agreement.schema.json").read_text("utf-8")
    assert "definite_article: true" in starter_yaml("my-deal")
