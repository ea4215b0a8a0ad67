"""The agreement data contract: one pydantic model, the single source of the JSON Schema.

load -> **model** -> compose. Field descriptions here are the user documentation: they flow into
``reports schema`` and from there into editors' YAML/JSON completion.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from reports.commitments import Commitment, CommitmentKind, Period
from reports.east_asian import han_language, is_east_asian, name_language
from reports.model_types import Strict as _Strict
from reports.model_types import Text

__all__ = ["Agreement", "Commitment", "CommitmentKind", "Party", "PartyKind", "Period", "QuoteKind", "Text",
           "json_schema"]

SCHEMA_VERSION = 1
MAX_NAMES_LISTED = 10  # names a message lists before "and N more" (a message stays one readable line)

LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
"""A BCP 47 language tag: ``en``, ``en-GB``, ``ja``, ``zh-Hans``."""

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=80),
]


def _check_url(value: str) -> str:
    # Links end up clickable in PDF and Word: only web addresses, never javascript:, file: or data:.
    lowered = value.lower()
    if not (lowered.startswith("https://") or lowered.startswith("http://")) or len(value) < 12:
        raise ValueError("expected a web address starting with https:// or http://")
    if any(c.isspace() for c in value):
        raise ValueError("a web address cannot contain spaces")
    return value


Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_check_url)]


class PartyKind(StrEnum):
    """What sort of organisation a party is."""

    government = "government"
    company = "company"
    university = "university"
    research_institute = "research-institute"
    non_profit = "non-profit"
    international_organisation = "international-organisation"
    other = "other"


class QuoteKind(StrEnum):
    """Whether a statement gives the speaker's exact words or reports them in other words."""

    quote = "quote"
    paraphrase = "paraphrase"


class Representative(_Strict):
    """A person who speaks or signs for a party."""

    name: Text = Field(description="The person's name in Latin script, as used in the documents.")
    local_name: Text | None = Field(
        default=None, description="The name in the person's own script, e.g. 张勇.")
    title: Text = Field(description="The person's position, e.g. 'Chairman and Chief Executive Officer'.")


# Last words of names that English speaks of with "the": the Zhejiang Provincial Government, the World
# Bank, the United Nations (the default of ``Party.definite_article``).
_TAKES_THE = frozenset((
    "government", "ministry", "department", "council", "commission", "committee", "office", "bureau",
    "administration", "authority", "agency", "institute", "institution", "foundation", "organisation",
    "organization", "association", "society", "academy", "centre", "center", "parliament", "assembly",
    "congress", "union", "fund", "programme", "program", "bank", "secretariat", "court", "service", "board",
    "conference", "forum", "alliance", "federation", "trust", "coalition", "partnership", "initiative",
    "nations", "states", "republic", "kingdom", "community", "commissariat", "directorate", "inspectorate",
    "taskforce"
))


class Party(_Strict):
    """One party to the agreement: give its name, its local name, or both."""

    # The schema says what the validator below says, so that editors flag a party with no name.
    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["name"]}, {"required": ["local_name"]}]})

    name: Text | None = Field(
        default=None, description="The party's name in English, e.g. 'Zhejiang Provincial Government'. "
        "May be left out when the party has only a name in its own script (local_name).")
    short_name: Text | None = Field(
        default=None, description="A short form used in running text, e.g. 'Alibaba'. Defaults to the name.")
    local_name: Text | None = Field(
        default=None, description="The party's name in its own language and script, e.g. 浙江省人民政府.")
    local_name_language: LanguageTag | None = Field(
        default=None, description="The language of local_name (and of its representatives' local names), a "
        "BCP 47 tag such as 'ja', 'ko', 'zh-Hans' or 'zh-Hant': a screen reader reads the name in it and "
        "the documents set it in a face for it. Defaults from the script: kana -> ja, Hangul -> ko, "
        "Chinese characters only -> the document's language when it is Chinese, Japanese or Korean, "
        "else zh-Hans.")
    also_known_as: list[Text] = Field(
        default_factory=list, description="Other names used for the party in sources.")
    kind: PartyKind = Field(description="What sort of organisation the party is.")
    description: Text = Field(description="One or two sentences saying who the party is.")
    representatives: list[Representative] = Field(
        default_factory=list, description="People who speak or sign for the party.")
    definite_article: bool | None = Field(
        default=None, description="Whether English running text puts 'the' before the name: 'the Zhejiang "
        "Provincial Government signed ...', but 'Alibaba Group signed ...'. Leave it out to decide from the "
        "kind and the name: never for a company; otherwise yes when the name has 'of' in it (the University "
        "of Tokyo) or ends in a word such as Government, Ministry, Council, Institute, Foundation or Bank (the "
        "World Bank), no for a one-word name or one in capitals (UNESCO). A name that starts with 'The' "
        "never gets a second one; other languages take no article.")

    @model_validator(mode="after")
    def _named(self) -> Party:
        if self.name is None and self.local_name is None:
            raise ValueError("give the party's name, its local_name, or both")
        return self

    @property
    def display_name(self) -> str:
        """The short name if given, else the name, else the local name."""
        return self.short_name or self.name or self.local_name or ""

    @property
    def label(self) -> str:
        """The name with the local name in brackets (``Alibaba Group (阿里巴巴集团)``), each given once."""
        if self.name and self.local_name and self.local_name != self.name:
            return f"{self.name} ({self.local_name})"
        return self.name or self.local_name or ""

    @property
    def takes_the(self) -> bool:
        """Whether English running text says "the" before ``name``: ``definite_article`` when given, else
        the default described there. Never for a party without an English name or one starting "The"."""
        name = (self.name or "").strip()
        if not name or name.split()[0].casefold() == "the":
            return False
        if self.definite_article is not None:
            return self.definite_article
        words = name.split()
        if self.kind is PartyKind.company or len(words) < 2 or name.upper() == name:
            return False
        return "of" in (w.casefold() for w in words[1:-1]) or words[-1].casefold() in _TAKES_THE

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the party is given here (name, short name, local name), for looking it up."""
        return tuple(n for n in (self.name, self.short_name, self.local_name) if n)


def _listed(names: list[str]) -> str:
    known = ", ".join(names[:MAX_NAMES_LISTED])
    if len(names) > MAX_NAMES_LISTED:
        known += f" and {len(names) - MAX_NAMES_LISTED:,} more"
    return known


class UnknownParty(KeyError):
    """``Agreement.party`` was asked for a name that no party has."""

    def __str__(self) -> str:
        return f"no party called {self.args[0]!r}"


class AgreementInfo(_Strict):
    """What was signed, when, where and why."""

    type: Text = Field(description="The kind of agreement, e.g. 'comprehensive strategic cooperation agreement'.")
    signed: dt.date = Field(description="The date the agreement was signed (YYYY-MM-DD).")
    place: Text | None = Field(default=None, description="Where it was signed, if known.")
    purpose: Text = Field(description="What the agreement sets out to achieve, in one sentence.")
    term: Text | None = Field(default=None, description="How long the agreement runs, if known.")
    status: Text | None = Field(
        default=None, description="Where things stand, e.g. 'signed', 'in force', 'under review'.")


class ParticipatingUnits(_Strict):
    """The units (subsidiaries, departments, business groups) of one party that take part."""

    party: Text = Field(description="The name, short name or local name of the party the units belong to.")
    count: int | None = Field(default=None, ge=1, le=100_000, description="How many units take part.")
    description: Text = Field(description="What the units are, e.g. 'business groups and business companies'.")
    units: list[Text] = Field(default_factory=list, description="The units by name, where known.")

    @model_validator(mode="after")
    def _count_matches_units(self) -> ParticipatingUnits:
        if self.count is None and not self.units:
            raise ValueError("give a count, a list of units, or both")
        if self.count is not None and self.units and len(self.units) > self.count:
            raise ValueError(f"lists {len(self.units)} units but the count is {self.count}")
        return self


class FocusArea(_Strict):
    """A field the parties will work on together."""

    name: Text = Field(description="The name of the area, e.g. 'Digital logistics'.")
    summary: Text = Field(description="One line on what cooperation in this area covers.")


class Statement(_Strict):
    """Something a named person said about the agreement."""

    speaker: Text = Field(description="Who spoke, e.g. 'Zhang Yong'.")
    speaker_local_name: Text | None = Field(default=None, description="The speaker's name in their own script.")
    role: Text = Field(description="The speaker's position, e.g. 'Chairman and CEO, Alibaba Group'.")
    text: Text = Field(description="What was said.")
    kind: QuoteKind = Field(
        description="'quote' for the speaker's exact words, 'paraphrase' for a report of what they said.")


class ContextItem(_Strict):
    """A piece of background a reader needs, e.g. a reorganisation of one of the parties."""

    title: Text = Field(description="A short heading for the item.")
    date: dt.date | None = Field(default=None, description="When it happened, if known (YYYY-MM-DD).")
    text: Text = Field(description="A paragraph of explanation.")
    points: list[Text] = Field(default_factory=list, description="Optional supporting points.")


class TimelineEvent(_Strict):
    """One dated event."""

    date: dt.date = Field(description="When it happened (YYYY-MM-DD).")
    event: Text = Field(description="What happened.")


class Source(_Strict):
    """Where facts come from: a briefing always cites its sources."""

    title: Text = Field(description="The title of the article, report or page.")
    publisher: Text = Field(description="Who published it.")
    date: dt.date | None = Field(default=None, description="When it was published (YYYY-MM-DD).")
    url: Url | None = Field(default=None, description="A web address for it, if there is one.")
    note: Text | None = Field(default=None, description="What this source supports, if not everything.")


class MemoDefaults(_Strict):
    """Defaults for the memo header; each can be overridden on the command line."""

    to: Text | None = Field(default=None, description="Who the memo is for.")
    from_: Text | None = Field(default=None, alias="from", description="Who the memo is from.")
    cc: Text | None = Field(default=None, description="Who gets a copy.")
    subject: Text | None = Field(default=None, description="The subject line; defaults to the title.")
    classification: Text | None = Field(
        default=None, description="The document's protective marking, e.g. 'OFFICIAL-SENSITIVE', printed whole at "
                                  "the top and foot of every page; a theme's is only a default for data without one.")
    organisation: Text | None = Field(
        default=None, description="The sending organisation, printed above 'MEMORANDUM' and in the footer; a "
                                  "theme's is only a default for data without one.")
    date: dt.date | None = Field(
        default=None, description="The memo's date; defaults to the date the agreement was signed.")
    next_steps: list[Text] = Field(
        default_factory=list, description="What the writer proposes to do next (the memo's last section).")


class Agreement(_Strict):
    """A partnership or cooperation agreement between two or more parties."""

    model_config = ConfigDict(
        title="Agreement",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    schema_version: Literal[1] = Field(description="The version of this data format; currently 1.")
    id: Slug = Field(
        description="A short identifier used in output file names: lowercase letters, digits and hyphens.")
    title: Text = Field(description="The document title, e.g. 'Zhejiang–Alibaba Strategic Cooperation'.")
    subtitle: Text | None = Field(default=None, description="A line under the title.")
    language: LanguageTag = Field(
        default="en", description="The language of the text, as a BCP 47 tag, e.g. 'en' or 'en-GB'.")
    summary: Text = Field(description="The executive summary: a paragraph a busy reader can stop after.")
    agreement: AgreementInfo = Field(description="What was signed, when, where and why.")
    parties: list[Party] = Field(min_length=2, description="The parties to the agreement (two or more).")
    participating_units: list[ParticipatingUnits] = Field(
        default_factory=list, description="Units of a party that take part, with how many and which.")
    focus_areas: list[FocusArea] = Field(
        default_factory=list, description="The fields the parties will work on together.")
    statements: list[Statement] = Field(
        default_factory=list, description="What named people said about the agreement.")
    context: list[ContextItem] = Field(default_factory=list, description="Background a reader needs.")
    expected_outcomes: list[Text] = Field(
        default_factory=list, description="What the agreement is expected to bring about.")
    significance: list[Text] = Field(default_factory=list, description="Why the agreement matters.")
    timeline: list[TimelineEvent] = Field(default_factory=list, description="Dated events, oldest first.")
    sources: list[Source] = Field(min_length=1, description="Where the facts come from (at least one).")
    commitments: list[Commitment] = Field(
        default_factory=list, description="Money or means each party commits, amount by amount.")
    memo: MemoDefaults | None = Field(default=None, description="Defaults for the memo header.")

    @field_validator("focus_areas")
    @classmethod
    def _unique_focus_areas(cls, value: list[FocusArea]) -> list[FocusArea]:
        seen: set[str] = set()
        for area in value:
            key = area.name.casefold()
            if key in seen:
                raise ValueError(f"focus area {area.name!r} is listed twice")
            seen.add(key)
        return value

    @field_validator("parties")
    @classmethod
    def _unique_parties(cls, value: list[Party]) -> list[Party]:
        seen: set[str] = set()
        for party in value:
            key = (party.name or party.local_name or "").casefold()
            if key in seen:
                raise ValueError(f"party {party.name or party.local_name!r} is listed twice")
            seen.add(key)
        return value

    @field_validator("participating_units")
    @classmethod
    def _units_name_a_party(cls, value: list[ParticipatingUnits],
                            info: ValidationInfo) -> list[ParticipatingUnits]:
        # A field validator (parties come first, so they are known here) so that the message points
        # at the participating_units section rather than at the top of the file.
        parties: list[Party] | None = info.data.get("parties")
        if parties is None:  # the parties themselves are invalid: that is the error to report
            return value
        names = {n.casefold() for p in parties for n in p.names}
        for index, group in enumerate(value):
            if group.party.casefold() not in names:
                known = _listed([p.label for p in parties])
                raise ValueError(f"entry [{index}] names party {group.party!r}, which is not one of: {known}")
        return value

    @field_validator("commitments", mode="wrap")
    @classmethod
    def _commitments_refer(cls, value: Any, handler: ValidatorFunctionWrapHandler,
                           info: ValidationInfo) -> list[Commitment]:
        # Each wrong reference is reported at its own entry's field (commitments[2].party), not at the list.
        items: list[Commitment] = handler(value)
        parties: list[Party] | None = info.data.get("parties")
        areas: list[FocusArea] | None = info.data.get("focus_areas")
        sources: list[Source] | None = info.data.get("sources")
        errors: list[InitErrorDetails] = []

        def refused(index: int, field: str, given: object, message: str) -> None:
            errors.append(InitErrorDetails(type=PydanticCustomError("reference", message), loc=(index, field),
                                           input=given))

        party_names = {n.casefold() for p in parties or () for n in p.names}
        area_names = {a.name.casefold() for a in areas or ()}
        for index, item in enumerate(items):
            if parties is not None and item.party.casefold() not in party_names:
                refused(index, "party", item.party, f"names party {item.party!r}, which is not one of: "
                        + _listed([p.label for p in parties]))
            if areas is not None and item.focus_area is not None and item.focus_area.casefold() not in area_names:
                refused(index, "focus_area", item.focus_area, f"names focus area {item.focus_area!r}, which is "
                        + (f"not one of: {_listed([a.name for a in areas])}" if areas else "not listed: "
                           "focus_areas is empty"))
            if sources is not None and item.source is not None and item.source > len(sources):
                refused(index, "source", item.source, f"source {item.source} does not exist: 'sources' lists "
                        f"{len(sources)}, numbered from 1")
        if errors:
            raise ValidationError.from_exception_data("commitments", errors)
        return items

    def name_languages(self) -> dict[str, str]:
        """Every local name in the data (parties', representatives', speakers') with its language: the
        party's ``local_name_language``, else the name's script (kana: ja, Hangul: ko), else, for
        Chinese characters only, the party's language (a representative's), else the document's when
        it is an East Asian one, else zh-Hans. A name met twice keeps its first language."""
        han = han_language(self.language)
        out: dict[str, str] = {}

        def add(name: str | None, given: str | None, default: str) -> str | None:
            language = name_language(name, given, default) if name else None
            if name and language is not None:
                out.setdefault(name, language)
            return language

        for party in self.parties:
            language = add(party.local_name, party.local_name_language, han)
            own = language if language is not None and is_east_asian(language) else han
            for person in party.representatives:
                add(person.local_name, None, own)
        for statement in self.statements:
            name = statement.speaker_local_name
            add(name, out.get(name or ""), han)
        return out

    def party(self, name: str) -> Party:
        """Return the party called ``name`` (its name, short name or local name, any case)."""
        wanted = str(name).casefold()
        for p in self.parties:
            if wanted in {n.casefold() for n in p.names}:
                return p
        raise UnknownParty(name)


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the data format, generated from the model."""
    schema = Agreement.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
