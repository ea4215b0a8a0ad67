"""The starter data file that ``reports new ID`` writes: every section, commented, valid as it is."""

from __future__ import annotations

import re

import click

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_TEMPLATE = """\
# Agreement data for `reports`; its JSON Schema is printed by `reports schema`.
# Agreement data for `reports`. Check it with:  reports validate {id}.yaml
# Build its documents with:                    reports build {id}.yaml
# Every field is described in `reports schema`; optional sections can be deleted.
schema_version: 1
id: {id}                       # used in output file names: lowercase letters, digits, hyphens
title: Example Strategic Cooperation Agreement
subtitle: One line under the title (optional)
language: en
summary: >-
  One paragraph a busy reader can stop after: who signed what, when, and why it matters.

agreement:
  type: strategic cooperation agreement
  signed: 2024-01-15           # YYYY-MM-DD
  place: Example City          # optional
  purpose: What the agreement sets out to achieve, in one sentence.
  status: signed               # optional

parties:                       # two or more
  - name: Example Provincial Government
    local_name: 示例省人民政府   # optional: the name in its own script
    local_name_language: zh-Hans  # optional: its language; default from its script (kana: ja, Hangul: ko)
    kind: government           # government, company, university, research-institute, non-profit, ...
    definite_article: true     # optional: "the Example Provincial Government" in sentences (default: by kind, name)
    description: Who this party is, in a sentence.
  - name: Example Group
    kind: company
    description: Who this party is, in a sentence.
    representatives:
      - name: Jane Example
        title: Chief Executive Officer

participating_units:           # optional
  - party: Example Group
    count: 3
    description: business units of Example Group

focus_areas:                   # optional; names must be unique
  - name: Digital services
    summary: One line on what cooperation in this area covers.

statements:                    # optional
  - speaker: Jane Example
    role: Chief Executive Officer, Example Group
    kind: paraphrase           # quote (exact words) or paraphrase
    text: What she said, in your own words.

expected_outcomes:             # optional
  - What the agreement is expected to bring about.

significance:                  # optional
  - Why it matters.

sources:                       # at least one: a briefing always cites where facts come from
  - title: Title of the article or press release
    publisher: Who published it
    date: 2024-01-15           # optional
    # url: https://example.org/article

# commitments:                 # optional: money or means a party commits, one entry per amount
#   - party: Example Group      # a party's name, short name or local name
#     amount: "45000000"        # in quotes: digits, an optional fraction after a dot ("1234.50")
#     currency: EUR             # ISO 4217 code: EUR, USD, CNY, JPY, ...
#     kind: investment          # investment, grant, loan, staff, in-kind or other
#     focus_area: Digital services  # optional: one of the focus_areas' names
#     period:                   # optional: the dates it runs between
#       from: 2024-01-15
#       to: 2026-12-31
#     source: 1                 # optional: the number of the source in sources, counting from 1
#     note: over three years    # optional

memo:                          # optional defaults for the memo header
  to: Head of Department
  from: Policy Team
  classification: INTERNAL     # the document's protective marking, at the top and foot of every page
"""


def starter_yaml(agreement_id: str) -> str:
    """Return the starter YAML for ``agreement_id``; raise ``click.BadParameter`` if it is not a slug."""
    if not _SLUG.match(agreement_id) or len(agreement_id) > 80:
        raise click.BadParameter(
            f"{agreement_id!r} is not a valid id: use lowercase letters, digits and single hyphens",
            param_hint="ID")
    return _TEMPLATE.format(id=agreement_id)
