"""The data diff behind a redline's "What changed" (reports/changes.py): each kind of change said in
plain words, in English and the shipped catalogues' languages; then generated agreements paired with a
mutation of themselves, checked for what every diff must be (nothing for no change, the mutated section
named, exactly the differing fields covered, no English word or placeholder left in a translation)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import changes as c
from reports import i18n
from reports.model import Agreement, CommitmentKind, PartyKind, QuoteKind
from tests import strategies
from tests.mutations import mutations

BASE: dict[str, Any] = {
    "schema_version": 1, "id": "pilot", "title": "Pilot cooperation", "summary": "Two parties agree to a pilot.",
    "agreement": {"type": "memorandum of understanding", "signed": "2024-01-15", "place": "Hangzhou",
                  "purpose": "To run a pilot."},
    "parties": [
        {"name": "Zhejiang Provincial Government", "local_name": "浙江省人民政府", "kind": "government",
         "description": "The province.",
         "representatives": [{"name": "Wang Hao", "title": "Governor"}]},
        {"name": "Alibaba Group", "kind": "company", "description": "A company.", "also_known_as": ["Alibaba"]}],
    "participating_units": [{"party": "Alibaba Group", "count": 3, "description": "business groups"}],
    "focus_areas": [{"name": "Logistics", "summary": "Moving goods."}, {"name": "Cloud", "summary": "Computing."}],
    "statements": [{"speaker": "Zhang Yong", "role": "CEO", "text": "We are glad.", "kind": "quote"}],
    "context": [{"title": "Reorganisation", "text": "Alibaba split in six.", "points": ["One", "Two"]}],
    "expected_outcomes": ["Faster delivery", "More jobs"],
    "significance": ["First of its kind", "A model for others"],
    "timeline": [{"date": "2024-01-15", "event": "Signed"}, {"date": "2024-06-30", "event": "Pilot ends"}],
    "sources": [{"title": "Press release", "publisher": "Alibaba"}],
    "memo": {"to": "Director", "next_steps": ["Meet", "Report"]},
}
UNIVERSITY = {"name": "Zhejiang University", "kind": "university", "description": "A university."}
LONG = "The parties will work together on logistics, cloud computing and the digital economy of the province."


def agreement(edit: Callable[[dict[str, Any]], object] = lambda data: None) -> Agreement:
    """BASE, edited by ``edit`` (which changes the data in place)."""
    data = copy.deepcopy(BASE)
    edit(data)
    return Agreement.model_validate(data)


def said(old: Agreement, new: Agreement, language: str = "en") -> list[str]:
    locale = i18n.resolve(language, "en")[0]
    assert locale.tag == language  # the catalogue was found: not silently English
    return [c.describe(change, locale) for change in c.changes(old, new)]


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[int(key)] if isinstance(data, list) else data[key]
        if value is None:
            del data[last]
        else:
            data[last] = value
    return edit


# --------------------------------------------------------------------------- each kind, in words


def test_a_moved_date_is_a_move_of_its_event_in_every_language() -> None:
    old, new = agreement(), agreement(_set("timeline.1.date", "2024-12-31"))
    assert said(old, new) == ["Timeline: ‘Pilot ends’ moved from 30 June 2024 to 31 December 2024"]
    assert said(old, new, "zh-Hans") == ["时间线：“Pilot ends”：由2024年6月30日移至2024年12月31日"]
    assert said(old, new, "fr") == ["Chronologie\u00a0: «\u00a0Pilot ends\u00a0»\u00a0: déplacé du 30 juin 2024 au "
                                    "31 décembre 2024"]
    assert said(old, new, "ja") == ["経緯：「Pilot ends」：2024年6月30日から2024年12月31日に移動"]
    assert [ch.kind for ch in c.changes(old, new)] == ["moved"]


def test_a_date_moved_past_another_event_is_one_move_and_no_reordering() -> None:
    old = agreement()
    new = agreement(lambda d: d.update(timeline=[{"date": "2024-06-30", "event": "Pilot ends"},
                                                 {"date": "2024-07-01", "event": "Signed"}]))
    assert said(old, new) == ["Timeline: ‘Signed’ moved from 15 January 2024 to 1 July 2024"]
    assert said(old, new, "fr")[0].endswith("déplacé du 15 janvier 2024 au 1er juillet 2024")


def test_events_in_another_order_with_their_dates_kept_are_reordered() -> None:
    new = agreement(lambda d: d["timeline"].reverse())
    assert said(agreement(), new) == ["Timeline: ‘Pilot ends’ moved from position 2 to 1"]


def test_parties_are_matched_by_name_wherever_they_are_inserted() -> None:
    assert said(agreement(), agreement(lambda d: d["parties"].insert(0, UNIVERSITY))) == [
        "Parties: Zhejiang University added"]
    assert said(agreement(lambda d: d["parties"].append(UNIVERSITY)), agreement()) == [
        "Parties: Zhejiang University removed"]
    assert said(agreement(), agreement(lambda d: d["parties"].append(UNIVERSITY)), "zh-Hans") == [
        "签约方：Zhejiang University：新增"]


def test_a_party_renamed_in_case_only_is_the_same_party_named_as_the_new_version_names_it() -> None:
    new = agreement(_set("parties.1.name", "ALIBABA GROUP"))
    assert said(agreement(), new) == [
        "Parties: ALIBABA GROUP: Name changed from ‘Alibaba Group’ to ‘ALIBABA GROUP’"]


def test_a_party_known_only_by_its_local_name_is_matched_by_it() -> None:
    def local(d: dict[str, Any]) -> None:
        d["parties"].append({"local_name": "浙江大学", "kind": "university", "description": "大学。"})

    def described(d: dict[str, Any]) -> None:
        local(d)
        d["parties"][2]["description"] = "一所大学。"

    assert said(agreement(local), agreement(described)) == [
        "Parties: 浙江大学: Description changed from ‘大学。’ to ‘一所大学。’"]


def test_scalars_changed_set_and_cleared() -> None:
    old = agreement()
    assert said(old, agreement(_set("title", "Pilot programme"))) == [
        "Title changed from ‘Pilot cooperation’ to ‘Pilot programme’"]
    assert said(old, agreement(_set("agreement.signed", "2024-01-16"))) == [
        "The agreement: Signed changed from 15 January 2024 to 16 January 2024"]
    assert said(old, agreement(_set("agreement.place", None))) == ["The agreement: Place cleared (was ‘Hangzhou’)"]
    assert said(old, agreement(_set("subtitle", "A first step"))) == ["Subtitle set to ‘A first step’"]
    assert said(old, agreement(_set("memo", None))) == ["Memo removed"]
    assert said(old, agreement(_set("parties.0.representatives.0.title", "Vice-governor"))) == [
        "Parties: Zhejiang Provincial Government (浙江省人民政府): Representatives: Wang Hao: Position changed "
        "from ‘Governor’ to ‘Vice-governor’"]
    assert said(old, agreement(_set("participating_units.0.count", 4))) == [
        "Units involved: Alibaba Group: Number of units changed from 3 to 4"]
    assert said(old, agreement(_set("parties.1.definite_article", True))) == [
        "Parties: Alibaba Group: Definite article set to yes"]
    assert said(old, agreement(_set("parties.1.definite_article", True)), "ja") == [
        "当事者：Alibaba Group：定冠詞：はいに設定"]


def test_a_kind_is_said_in_words() -> None:
    new = agreement(_set("parties.1.kind", "government"))
    assert said(agreement(), new) == ["Parties: Alibaba Group: Kind changed from company to government"]
    assert said(agreement(), new, "zh-Hans") == ["签约方：Alibaba Group：类别：由企业改为政府"]
    assert said(agreement(), agreement(_set("statements.0.kind", "paraphrase")), "fr") == [
        "Déclarations\u00a0: Zhang Yong\u00a0: «\u00a0We are glad.\u00a0»\u00a0: Catégorie\u00a0: citation devient "
        "propos rapportés"]


def test_a_commitment_is_named_and_its_amount_said_as_the_documents_say_them() -> None:
    # The data writes "45000000" and "in-kind"; the documents say "EUR 45 million" and "in kind" (4500万,
    # 实物 in Chinese), and so does "What changed".
    def commit(amount: str, kind: str = "grant") -> Callable[[dict[str, Any]], None]:
        return lambda data: data.update(commitments=[{"party": "Alibaba Group", "amount": amount, "currency": "EUR",
                                                       "kind": kind}])
    old, new = agreement(commit("45000000")), agreement(commit("50000000.5"))
    assert said(old, new) == [
        "Commitments: Alibaba Group · grant · EUR: Amount changed from EUR\u00a045 million to EUR\u00a050,000,000.50"]
    assert said(old, new, "zh-Hans") == [
        "承诺投入：Alibaba Group · 赠款 · EUR：金额：由EUR\u00a04500万改为EUR\u00a050,000,000.50"]
    assert said(agreement(), agreement(commit("1", "in-kind"))) == ["Commitments: Alibaba Group · in kind · EUR added"]
    assert said(agreement(), agreement(commit("1", "in-kind")), "zh-Hans") == [
        "承诺投入：Alibaba Group · 实物 · EUR：新增"]


def test_long_text_is_reworded_without_quoting_either_version() -> None:
    old, new = agreement(_set("summary", LONG)), agreement(_set("summary", LONG.replace("work", "act")))
    assert said(old, new) == ["Executive summary reworded"]
    assert said(agreement(), agreement(_set("focus_areas.1.summary", LONG))) == ["Focus areas: Cloud: Summary reworded"]
    assert said(agreement(), agreement(_set("subtitle", LONG))) == ["Subtitle added"]
    assert said(old, new, "zh-Hans") == ["内容摘要：措辞修改"]


def test_lists_of_text_are_matched_by_value() -> None:
    old = agreement()
    assert said(old, agreement(lambda d: d["significance"].insert(1, "Better roads"))) == [
        "Significance: ‘Better roads’ added"]
    assert said(old, agreement(lambda d: d["significance"].pop(0))) == ["Significance: ‘First of its kind’ removed"]
    assert said(old, agreement(lambda d: d["significance"].reverse())) == [
        "Significance: ‘A model for others’ moved from position 2 to 1"]
    three = agreement(lambda d: d["significance"].append("Third"))
    reversed_three = agreement(_set("significance", ["Third", "A model for others", "First of its kind"]))
    assert said(three, reversed_three) == ["Significance reordered"]
    assert said(old, agreement(lambda d: d["memo"]["next_steps"].append("Visit"))) == [
        "Memo: What happens next: ‘Visit’ added"]
    assert said(old, agreement(lambda d: d["parties"][1]["also_known_as"].append("阿里"))) == [
        "Parties: Alibaba Group: Also known as: 阿里 added"]
    assert said(old, agreement(lambda d: d["context"][0]["points"].reverse())) == [
        "Background: ‘Reorganisation’: Points: ‘Two’ moved from position 2 to 1"]


def test_one_item_out_of_its_place_is_moved_however_far() -> None:
    five = ["a", "b", "c", "d", "e"]
    old = agreement(_set("significance", five))
    assert said(old, agreement(_set("significance", [*five[1:], "a"]))) == [
        "Significance: ‘a’ moved from position 1 to 5"]
    assert said(old, agreement(_set("significance", ["a", "d", "b", "c", "e"]))) == [
        "Significance: ‘d’ moved from position 4 to 2"]
    assert said(old, agreement(_set("significance", ["b", "a", "d", "c", "e"]))) == ["Significance reordered"]
    # Added and removed items around it: positions are each version's own.
    assert said(old, agreement(_set("significance", ["x", "b", "c", "a", "d"]))) == [
        "Significance: ‘e’ removed", "Significance: ‘x’ added", "Significance: ‘a’ moved from position 1 to 4"]


def test_a_repeated_text_is_matched_in_turn() -> None:
    old = agreement(lambda d: d["expected_outcomes"].append("More jobs"))
    assert said(old, agreement()) == ["Expected outcomes: ‘More jobs’ removed"]


def test_focus_areas_sources_and_background_by_their_names_and_titles() -> None:
    old = agreement()
    assert said(old, agreement(lambda d: d["focus_areas"].reverse())) == [
        "Focus areas: Cloud moved from position 2 to 1"]
    assert said(old, agreement(lambda d: d["focus_areas"].reverse()), "zh-Hans") == [
        "重点领域：Cloud：由第2位移至第1位"]
    assert said(old, agreement(_set("focus_areas.1.summary", "Cloud computing."))) == [
        "Focus areas: Cloud: Summary changed from ‘Computing.’ to ‘Cloud computing.’"]
    assert said(old, agreement(_set("sources.0.publisher", "Xinhua"))) == [
        "Sources: ‘Press release’: Publisher changed from ‘Alibaba’ to ‘Xinhua’"]
    assert said(old, agreement(_set("context.0.date", "2023-03-28"))) == [
        "Background: ‘Reorganisation’: Date set to 28 March 2023"]


def test_a_statement_is_its_speaker_and_words_so_new_words_are_a_new_statement() -> None:
    new = agreement(_set("statements.0.text", "We are delighted."))
    assert said(agreement(), new) == ["Statements: Zhang Yong: “We are glad.” removed",
                                      "Statements: Zhang Yong: “We are delighted.” added"]
    assert said(agreement(), agreement(_set("statements.0.role", "Chairman"))) == [
        "Statements: Zhang Yong: “We are glad.”: Role changed from ‘CEO’ to ‘Chairman’"]


def test_changes_come_in_the_order_the_document_shows_its_sections() -> None:
    def several(d: dict[str, Any]) -> None:
        d["timeline"][1]["date"] = "2024-12-31"
        d["parties"].append(UNIVERSITY)
        d["title"] = "Pilot programme"
        d["summary"] = "Three parties agree to a pilot."

    assert [ch.section for ch in c.changes(agreement(), agreement(several))] == [
        "title", "summary", "parties", "timeline"]


def test_nothing_changed_is_no_change() -> None:
    assert c.changes(agreement(), agreement()) == []


def test_every_field_of_the_model_has_a_place_and_a_label() -> None:
    # A field added to the model must be placed in the document's order and named in words.
    assert set(c.SECTIONS) == set(Agreement.model_fields)

    def names(model: Any) -> set[str]:
        found: set[str] = set()
        for name, info in model.model_fields.items():
            found.add(name)
            for arg in (info.annotation, *getattr(info.annotation, "__args__", ())):
                for inner in (arg, *getattr(arg, "__args__", ())):
                    if isinstance(inner, type) and hasattr(inner, "model_fields"):
                        found |= names(inner)
        return found

    assert names(Agreement) <= set(c.LABELS)
    assert set(c.VALUES) == {str(v.value) for kind in (PartyKind, QuoteKind, CommitmentKind) for v in kind}


# --------------------------------------------------------------------------- generated pairs

def leaves(value: Any, path: tuple[c.PathPart, ...] = ()) -> dict[tuple[c.PathPart, ...], Any]:
    """The leaves of a ``model_dump()``, lists by identity (``changes.items``) plus each list's order."""
    if isinstance(value, dict):
        return {p: v for key, inner in value.items() for p, v in leaves(inner, (*path, key)).items()}
    if isinstance(value, list):
        keyed = c.items(next(str(p) for p in reversed(path) if isinstance(p, str)), value)
        out: dict[tuple[c.PathPart, ...], Any] = {(*path, "order"): tuple(i.key for i in keyed)}
        for item, inner in zip(keyed, value, strict=True):
            out.update(leaves(inner, (*path, item)))
        return out
    return {path: value}


def _covers(change: c.Change, leaf: tuple[c.PathPart, ...]) -> bool:
    size = len(change.path)
    if change.kind == "reordered":  # a list's order, and nothing in its items
        return leaf == (*change.path, "order")
    if leaf[:size] == change.path:
        return True
    # A list's order changes with an item added, removed, reordered, or (the timeline) a date moved.
    return (leaf[-1] == "order" and leaf[:-1] == change.path[: len(leaf) - 1]
            and size <= len(leaf) + 1 and change.kind in ("added", "removed", "reordered", "moved"))


SLOW = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@SLOW
@given(agreement=strategies.agreements())
def test_an_agreement_has_no_change_from_itself(agreement: Agreement) -> None:
    assert c.changes(agreement, agreement) == []
    assert c.changes(agreement, Agreement.model_validate(agreement.model_dump(by_alias=True))) == []


@SLOW
@given(pair=mutations())
def test_a_mutation_is_found_in_its_section_and_the_changes_cover_exactly_the_differing_fields(
        pair: tuple[Agreement, Agreement, str]) -> None:
    old, new, section = pair
    found = c.changes(old, new)
    before, after = leaves(old.model_dump()), leaves(new.model_dump())
    differing = {p for p in before.keys() | after.keys() if before.get(p, before) != after.get(p, after)}
    assert bool(found) == bool(differing) == (old != new)
    if found:
        assert section in {ch.section for ch in found}
    for leaf in differing:
        assert any(_covers(ch, leaf) for ch in found), leaf
    for ch in found:  # and no change that is not one
        assert any(_covers(ch, leaf) for leaf in differing), ch
    assert [ch.section for ch in found] == sorted((ch.section for ch in found), key=c.SECTIONS.index)


def _translated_words(language: str) -> set[str]:
    """The Latin words of a catalogue's translations of the diff's own words."""
    path = i18n.builtin_locales_dir() / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    ours = {*c.LABELS.values(), *c.MESSAGES.values(), "%(speaker)s: “%(text)s”"}
    return {w for m in catalogue if m.id in ours for w in re.findall(r"[^\W\d_]+", str(m.string))}


LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


@SLOW
@given(pair=mutations(), language=st.sampled_from(["zh-Hans", "fr", "ja"]))
def test_a_translated_description_has_no_english_word_or_placeholder_but_the_data(
        pair: tuple[Agreement, Agreement, str], language: str) -> None:
    old, new, _ = pair
    data = old.model_dump_json() + new.model_dump_json()
    locale = i18n.resolve(language, "en")[0]
    allowed = _translated_words(language.replace("-", "_")) if language == "fr" else set()
    allowed |= {str(m) for m in locale.locale.months["format"]["wide"].values()} | {"er"}  # « 1er juillet »
    for change in c.changes(old, new):
        text = c.describe(change, locale)
        assert "%(" not in text and text != c.describe(change), text
        for word in LATIN_WORD.findall(text):
            assert word in data or word in allowed, (word, text)
