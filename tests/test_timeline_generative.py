"""Generated agreements' timelines through a template's ```timeline block: every event reaches the figure
as the data holds it (escaped by compose, read back by parse), the layout keeps its promises, and the
DOCX drawing carries the alt text listing them all."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from reports import timeline as tl
from reports import tree as t
from reports.compose import compose_document
from reports.model import Agreement
from reports.theme import DEFAULT_THEME
from tests import strategies
from tests.conftest import fold_quotes
from tests.test_timeline import MEASURE, WIDTH, check_geometry
from tests.writing import write_docx

TEMPLATE = """---
title: {{ data.title | yaml }}
iso_date: {{ data.agreement.signed | isodate | yaml }}
---
# Timeline

```timeline caption="Key dates"
{% for event in data.timeline %}
{{ event.date | isodate }} | {{ event.event }}{% if event.date == data.agreement.signed %} | milestone{% endif %}

{% endfor %}
```
"""


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("figure-template")
    (folder / "figure.md.j2").write_text(TEMPLATE, encoding="utf-8")
    return folder


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(agreement=strategies.agreements())
def test_every_event_of_generated_data_reaches_the_figure(agreement: Agreement, template_dir: Path) -> None:
    document, warnings = compose_document(agreement, "figure", template_dir=template_dir)
    figures = [b for b in document.blocks if isinstance(b, t.Timeline)]
    if not agreement.timeline:
        assert not figures and any("no events" in w.message for w in warnings)
        return
    assert [w for w in warnings if "timeline" in w.message] == []
    (figure,) = figures
    # Quotation marks folded: the document sets them for its language (reports/parse/quotes.py).
    expected = sorted(((e.date.isoformat(), fold_quotes(" ".join(e.event.split())),
                        e.date == agreement.agreement.signed) for e in agreement.timeline), key=lambda e: e[0])
    shown = [(e.date, fold_quotes(e.label), e.milestone) for e in figure.events]
    # Compared one by one: a whole-list diff of 500 events takes pytest minutes to print.
    assert len(shown) == min(len(expected), 500)
    for number, (got, want) in enumerate(zip(shown, expected, strict=False)):
        assert got == want, f"event {number}"
    check_geometry(figure, tl.layout(figure, tl.Style(width=WIDTH), MEASURE, as_of=document.meta.iso_date))
    xml = zipfile.ZipFile(io.BytesIO(write_docx(document, DEFAULT_THEME))).read("word/document.xml").decode()
    described = [d.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
                 for d in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)]
    # In the document's language, as the writer words it (dates in Afar for `language: aa`), with the legend's
    # words after the events they mark when the figure draws a legend.
    labels = document.meta.labels
    words = tl.LegendWords(labels.timeline_past, labels.timeline_future, labels.timeline_milestone)
    said = (words, tl.today_of(figure, document.meta.iso_date)) \
        if tl.legend_kinds(figure, document.meta.iso_date) else None
    assert "; ".join(described) == tl.alt_text(figure, labels.locale or document.meta.language, said)
