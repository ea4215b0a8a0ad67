"""Bad-input catalogue rows for templates: links out of the template folder, templates that try to change
the data or to cost without bound, and every way a template can fail while it runs (issues 11 and 12).

Each row builds the shipped agreement's memo as a PDF with a template folder ``T`` of its own; the
message names the template file and line, and no document is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.catalogue_case import Case
from tests.conftest import SHIPPED

SHIPPED_BYTES = SHIPPED.read_bytes()
PDF = ("pdf", "{file}", "--kind", "memo", "--template-dir", "{dir}/T", "-o", "{dir}/out.pdf")
DOCX = ("docx", "{file}", "--kind", "memo", "--template-dir", "{dir}/T", "-o", "{dir}/out.docx")


def _no_document(folder: Path, _output: str) -> None:
    written = [p.name for p in folder.iterdir() if p.name.startswith(("out.", ".out."))]
    assert not written, f"a failed build left {written}"


def _link(name: str, target: str):  # type: ignore[no-untyped-def]
    # ``target`` is relative to the case's parent folder, where the secret lives in outside/secret.txt.
    def setup(folder: Path) -> None:
        link = folder / "T" / name
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(folder.parent / target, link)
    return setup


def _hard_link(name: str):  # type: ignore[no-untyped-def]
    # T/NAME becomes a second name of a file kept outside T (in the case folder, so that nothing beside
    # the case changes): nothing in T tells where the other name is.
    def setup(folder: Path) -> None:
        other = folder / "elsewhere" / "part.md.j2"
        other.parent.mkdir(exist_ok=True)
        other.write_text("# Elsewhere\n", encoding="utf-8")
        target = folder / "T" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        os.link(other, target)
    return setup


def _fifo(folder: Path) -> None:
    (folder / "T").mkdir(exist_ok=True)
    os.mkfifo(folder / "T" / "pipe.md.j2")


def _case(name: str, input: str, template: str | bytes, message: str, *, args: tuple[str, ...] = PDF,
          files: tuple[tuple[str, bytes], ...] = (), **options: Any) -> Case:
    body = template.encode("utf-8") if isinstance(template, str) else template
    return Case(f"tpl-{name}", input, "data.yaml", SHIPPED_BYTES, message, 1, args,
                files=(("T/memo.md.j2", body), *files), extra=_no_document, **options)


def _expression(name: str, input: str, expression: str, message: str, **options: Any) -> Case:
    # The expression on line 3 of the memo template, so that every message shows the line.
    return _case(name, input, f"# Memo\n\n{{{{ {expression} }}}}\n", f"T/memo.md.j2:3: {message}", **options)


def _filter(name: str, expression: str, message: str) -> Case:
    return _expression(f"filter-{name}", f"a filter given the wrong kind of value: {expression}", expression, message)


INCLUDE_EVIL = "# Memo\n\n{% include 'evil.md.j2' %}\n"
SANDBOX = "not allowed in a template (sandbox):"
CAP = "a template may produce at most 10,000,000"

CASES: list[Case] = [
    # -- issue 11.1: nothing outside the template folder or the built-in templates is read
    _case("include-hard-link", "a template including a hard link (its other name lies outside the folder)",
          INCLUDE_EVIL, "T/memo.md.j2:3: 'evil.md.j2' is a hard link", setup=_hard_link("evil.md.j2")),
    _case("template-hard-link", "the template itself a hard link", "# replaced by the link\n",
          "T/memo.md.j2: 'memo.md.j2' is a hard link", setup=_hard_link("memo.md.j2")),
    _case("include-link-out", "a template including a link to a file outside the template folder", INCLUDE_EVIL,
          "T/memo.md.j2:3: 'evil.md.j2' is outside the template folder",
          setup=_link("evil.md.j2", "outside/secret.txt")),
    _case("import-link-out", "a template importing macros from a link that leads outside",
          "{% import 'partials/evil.md.j2' as evil %}\n",
          "T/memo.md.j2:1: 'partials/evil.md.j2' is outside the template folder",
          setup=_link("partials/evil.md.j2", "outside/secret.txt")),
    _case("extends-link-out", "a template extending a link that leads outside", "\n{% extends 'evil.md.j2' %}\n",
          "T/memo.md.j2:2: 'evil.md.j2' is outside the template folder",
          setup=_link("evil.md.j2", "outside/secret.txt")),
    _case("linked-folder-out", "a template including a file through a linked folder outside",
          "{% include 'linked/secret.txt' %}\n", "T/memo.md.j2:1: 'linked/secret.txt' is outside the template folder",
          setup=_link("linked", "outside")),
    _case("dangling-link-out", "a template including a dangling link that points outside", INCLUDE_EVIL,
          "T/memo.md.j2:3: 'evil.md.j2' is outside the template folder", setup=_link("evil.md.j2", "outside/gone")),
    Case("tpl-template-link-out", "the memo template itself a link to a file outside", "data.yaml", SHIPPED_BYTES,
         "T/memo.md.j2: 'memo.md.j2' is outside the template folder", 1, PDF,
         setup=_link("memo.md.j2", "outside/secret.txt"), extra=_no_document),
    _case("include-fifo", "a template including a FIFO", "# Memo\n\n{% include 'pipe.md.j2' %}\n",
          "T/memo.md.j2:3: 'pipe.md.j2' is not a regular file", setup=_fifo, process=True),
    _case("include-reference-docx", "a template including reference.docx (a binary file)",
          "# Memo\n{% include 'reference.docx' %}\n",
          "T/memo.md.j2:2: 'reference.docx' is a binary file, not a template"),
    _case("latin-1", "a template saved in Latin-1", "# Memo\n\nR\u00e9sum\u00e9\n".encode("latin-1"),
          "T/memo.md.j2:3: not UTF-8 text (byte 0xE9 at column 2); save the template as UTF-8"),
    _case("latin-1-partial", "a partial saved in Latin-1, in a DOCX build",
          "# Memo\n{% include 'partials/note.md.j2' %}\n",
          "T/partials/note.md.j2:1: not UTF-8 text (byte 0xE9 at column 4); save the template as UTF-8",
          args=DOCX, files=(("T/partials/note.md.j2", "Caf\u00e9\n".encode("latin-1")),)),
    # -- issue 11.3: templates read the data and never change it
    _expression("mutate-memo", "a template calling memo.update(...)", "memo.update({'to': 'Everyone'})",
                "not allowed in a template (sandbox): access to attribute 'update' of 'dict' object is unsafe"),
    _expression("clear-memo", "a template calling memo.clear()", "memo.clear()",
                "not allowed in a template (sandbox): access to attribute 'clear' of 'dict' object is unsafe"),
    _expression("append-data", "a template appending to a list of the data",
                "data.parties.append(data.parties[0])",
                "not allowed in a template (sandbox): access to attribute 'append' of 'list' object is unsafe"),
    _expression("model-dump", "a template calling data.model_dump()", "data.model_dump()",
                f"{SANDBOX} access to attribute 'model_dump' of 'Agreement' object is unsafe"),
    _expression("model-copy", "a template calling data.model_copy()", "data.model_copy(update={'title': 'x'})",
                f"{SANDBOX} access to attribute 'model_copy' of 'Agreement' object is unsafe"),
    _expression("model-validate", "a template calling data.model_validate(...)", "data.model_validate({})",
                f"{SANDBOX} access to attribute 'model_validate' of 'Agreement' object is unsafe"),
    _expression("parse-file", "a template asking pydantic to read a file", "data.parse_file('/etc/passwd')",
                f"{SANDBOX} access to attribute 'parse_file' of 'Agreement' object is unsafe"),
    # -- issue 11.4: what one document may cost
    _expression("huge-string", "a template making a string of a billion characters", "'a' * 10**9",
                f"'*' would make 1,000,000,000 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("huge-number", "a template making a number of 300 million digits", "2 ** (10**9)",
                "'**' would make a number of about 301,030,000 digits; a template may use numbers of at most 30,103",
                process=True, max_rss_mb=400),
    _expression("huge-format", "a template padding a number to a billion characters", "'%999999999d' % 1",
                f"'%' would make 1,000,000,014 characters; {CAP}", process=True, max_rss_mb=400),
    # -- the sandbox's bounds that leaked: each reported operation and a new variant of its class
    _expression("printf-paren-key", "a printf width hidden behind a mapping key with parentheses",
                "'%(x(y)s)999999999s' % {'x(y)s': 1}", f"'%' would make 1,000,000,023 characters; {CAP}",
                process=True, max_rss_mb=400),
    _expression("printf-nested-keys", "a printf width and precision behind a key of nested parentheses",
                "'%(k(())(z))0999999999.5d' % {'k(())(z)': 7}", f"'%' would make 1,000,000,033 characters; {CAP}",
                process=True, max_rss_mb=400),
    _expression("format-nested-field", "a str.format width given in a nested replacement field",
                '"{0:{1}}".format("a", ">999999999")', f"str.format() would make 1,000,000,017 characters; {CAP}",
                process=True, max_rss_mb=400),
    _expression("format-map-nested-field", "a format_map width given by a key of the mapping",
                "'{a:{w}}'.format_map({'a': 'x', 'w': 999999999})",
                f"str.format_map() would make 1,000,000,035 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("bytes-times", "a template repeating bytes a billion times", "'ab'.encode() * 10**9",
                f"'*' would make 2,000,000,000 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("bytes-center", "a template padding bytes to a billion", "'a'.encode().center(10**9)",
                f"bytes.center() would make 1,000,000,000 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("encode-chain", "a chain of encodings that quadruples the text",
                "('x' * 3000000).encode('utf-32').decode('latin-1')",
                f"str.encode() would make 12,000,004 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("decode-escapes", "decoding bytes with every bad byte spelled out",
                "('\\xff' * 3000000).encode('latin-1').decode('ascii', 'backslashreplace')",
                f"bytes.decode() would make 12,000,000 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("batch-fill", "batch(10**9, fill_with=...) padding a row to a billion items",
                "range(10) | batch(10**9, fill_with='x') | list",
                "batch(1000000000) would make 1,000,000,000 items in a row; a template may make at most 1,000,000",
                process=True, max_rss_mb=400),
    _expression("batch-fill-small", "batch(2000000, fill_with=0) of three items",
                "[1, 2, 3] | batch(2000000, fill_with=0) | list",
                "batch(2000000) would make 2,000,000 items in a row; a template may make at most 1,000,000"),
    _expression("slice-many", "slice(10**8) making a hundred million lists", "range(10) | slice(10**8) | list",
                "slice(100000000) would make 100,000,000 lists; a template may make at most 100,000",
                process=True, max_rss_mb=400),
    _expression("slice-text", "slice(10**6) of a short text", "'abc' | slice(1000000) | list",
                "slice(1000000) would make 1,000,000 lists; a template may make at most 100,000"),
    _expression("tojson-backslashes", "tojson doubling six million backslashes", "('\\\\' * 6000000) | tojson",
                f"tojson would make 12,000,002 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("tojson-indent", "tojson indenting each level by a hundred million spaces",
                "[[1]] | tojson(indent=10**8)", f"tojson would make 1,600,000,026 characters; {CAP}"),
    _expression("pprint-backslashes", "pprint doubling six million backslashes", "('\\\\' * 6000000) | pprint",
                f"pprint would make 12,000,006 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("pprint-controls", "pprint spelling out three million control characters",
                "{'k': '\\x00' * 3000000} | pprint", f"pprint would make 24,000,023 characters; {CAP}",
                process=True, max_rss_mb=400),
    _expression("urlencode-cjk", "urlencode of a million and a half Chinese characters",
                "('\\u4e2d' * 1500000) | urlencode", f"urlencode would make 13,500,000 characters; {CAP}",
                process=True, max_rss_mb=400),
    _expression("label-printf", "a translated label whose placeholder asks for a billion-wide field",
                "_('%(n)999999999s', n=1)", f"'%' would make 1,000,000,014 characters; {CAP}",
                process=True, max_rss_mb=400),
    _case("big-output", "a template producing more than 10 MB of Markdown",
          "# Memo\n{% for i in range(100) %}\n{{ 'a' * 1000000 }}\n{% endfor %}\n",
          "T/memo.md.j2:3: the template produced more than 10,000,000 characters of Markdown",
          process=True, max_rss_mb=400),
    _case("doubling", "a template doubling a string in a loop", "{% set ns = namespace(s='a') %}\n"
          "{% for i in range(64) %}\n{% set ns.s = ns.s ~ ns.s %}\n{% endfor %}\n",
          f"T/memo.md.j2:3: joining text would make 16,777,216 characters; {CAP}", process=True, max_rss_mb=400),
    _expression("huge-range", "a template looping over range(10**9)", "range(10**9) | list",
                "range(1000000000) has 1,000,000,000 items; a template may loop over at most 100,000"),
    _case("nested-range", "two nested loops over range(99999)",
          "# Memo\n{% for i in range(99999) %}\n{% for j in range(99999) %}{% endfor %}\n{% endfor %}\n",
          "T/memo.md.j2:3: range(99999): the template's loops over range() come to more than 1,000,000 items",
          process=True),
    _case("timeout", "a macro that calls itself twice, 40 levels deep (2^40 calls), with --timeout 2",
          "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}\n{{ f(40) }}\n",
          "T/memo.md.j2:1: took longer than the limit of 2 s building the memo of",
          args=(*PDF, "--timeout", "2"), process=True),
    # -- issue 12: errors while a template runs
    _expression("zero-division", "a template dividing by zero", "1 / 0", "division by zero"),
    _case("recursive-macro", "a macro that calls itself without end",
          "{% macro f(n) %}\n{{ f(n + 1) }}\n{% endmacro %}\n{{ f(1) }}\n",
          "T/memo.md.j2:2: a template, include or macro calls itself without end (maximum depth reached)"),
    _case("self-include", "a template that includes itself", "# Memo\n{% include 'memo.md.j2' %}\n",
          "T/memo.md.j2:2: a template, include or macro calls itself without end (maximum depth reached)"),
    _expression("type-error", "a template adding a number to text", "1 + data.title",
                "TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
    _expression("value-error", "a template mixing numbered and automatic format fields", "'{0}{}'.format(1, 2)",
                "ValueError: cannot switch from manual field specification to automatic field numbering"),
    _expression("key-error", "a template formatting a field it does not pass", "'{x}'.format(y=1)",
                "key 'x' not found"),
    _expression("unknown-party", "a template asking for a party that is not in the data", "data.party('Tencent')",
                "no party called 'Tencent'"),
    # -- issue 12: filters refuse the wrong kind of value
    _filter("longdate", "'x' | longdate", "longdate: expected a date (YYYY-MM-DD), got 'x'"),
    _filter("isodate", "'soon' | isodate", "isodate: expected a date (YYYY-MM-DD), got 'soon'"),
    _filter("prose-list", "none | prose_list", "prose_list: expected a list, got None"),
    _filter("capitalize-first", "5 | capitalize_first", "capitalize_first: expected text, got 5"),
    _filter("party-label", "'x' | party_label", "party_label: expected a party (an item of data.parties), got 'x'"),
    _filter("number-words", "'seven' | number_words", "number_words: expected a whole number, got 'seven'"),
    _filter("markdown", "none | markdown", "markdown: expected text written by the template, got None"),
]
