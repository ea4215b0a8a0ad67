"""A hand-built document with every node type, for writer tests that need no templates or data."""

from __future__ import annotations

from reports import tree as t

MARKUP = '<font color="red">x</font> <a href="http://evil">y</a> <img src="/etc/passwd"/> &amp; **z**'


def sample_document(**meta: object) -> t.Document:
    """Every block and inline type once, with Chinese text and markup-looking text."""
    text = t.Text
    fields = {"title": "Sample Briefing", "subtitle": "All constructs", "date": "7 July 2023",
              "iso_date": "2023-07-07", "classification": "INTERNAL", "organisation": "Policy Unit",
              "author": "Desk", "subject": "Testing", "keywords": ("alpha", "beta"), "category": "Briefing",
              "parties": ("Zhejiang Provincial Government (浙江省人民政府)", "Alibaba Group (阿里巴巴集团)")}
    fields.update(meta)
    return t.Document(
        t.Meta(**fields),  # type: ignore[arg-type]
        (
            t.FieldTable((t.Field((text("Signed"),), (t.Paragraph((text("7 July 2023"),)),)),
                          t.Field((text("Parties"),), (t.Paragraph((text("浙江省人民政府 and 阿里巴巴集团"),)),)))),
            t.Heading(1, (text("First section"),)),
            t.Paragraph((text("Plain, "), t.Strong((text("strong"),)), text(", "), t.Emphasis((text("emphasis"),)),
                         text(", "), t.Code("code"), text(", "),
                         t.Link((text("a link"),), "https://example.org/page"), t.LineBreak(), text("after break"))),
            t.Heading(2, (text("Second level"),)),
            t.Paragraph((text(MARKUP),)),
            t.BulletList((t.ListItem((t.Paragraph((text("bullet one"),)),
                                      t.BulletList((t.ListItem((t.Paragraph((text("nested bullet"),)),)),)))),
                          t.ListItem((t.Paragraph((text("bullet two"),)),)))),
            t.OrderedList((t.ListItem((t.Paragraph((text("number one"),)),)),
                           t.ListItem((t.Paragraph((text("number two"),)),))), start=3),
            t.Heading(3, (text("Third level"),)),
            t.Table(((text("Area"),), (text("Count"),)),
                    (((text("Digital life"),), (text("7"),)), ((text("Digital trade"),), (text("12"),))),
                    ("left", "right")),
            t.BlockQuote((t.Paragraph((text("We will help the province. 张勇"),)),),
                         (t.Strong((text("Zhang Yong (张勇)"),)), text(", Chairman (paraphrase)"))),
            t.HorizontalRule(),
            t.PageBreak(),
            t.FieldTable((t.Field((text("TO"),), (t.Paragraph((text("Minister"),)),)),), "memo-header"),
            t.Paragraph((text("Last page text"),)),
        ),
    )
