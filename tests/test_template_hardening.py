"""Hostile and broken templates: confined to their folders, unable to change data, bounded in what they
cost, and every failure one message naming the template file and line (issues 11 and 12)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from reports import tree as t
from reports.compose import compose_document, environment, render_markdown
from reports.errors import Problem, TemplateError
from reports.filters import capitalize_first, with_local
from reports.model import Agreement
from reports.paths import builtin_templates_dir
from reports.template_sizes import MAX_OUTPUT
from tests.conftest import shipped_dict
from tests.test_compose import _texts


def _folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "T"
    folder.mkdir(exist_ok=True)
    for name, body in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    return folder


def _problem(agreement: Agreement, folder: Path, kind: str = "memo") -> Problem:
    with pytest.raises(TemplateError) as info:
        render_markdown(agreement, kind, template_dir=folder)
    (problem,) = info.value.problems
    assert info.value.format_message() == problem.format()
    return problem


def _located(problem: Problem, file: Path, line: int | None, message: str) -> None:
    assert (Path(problem.file), problem.line, problem.message) == (file, line, message)


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:the secret\n", encoding="utf-8")
    return secret


# -- 11.1: templates come from the template folder or the built-in templates, real paths included ------

@pytest.mark.parametrize("statement", [
    '{% include "evil.md.j2" %}',
    '{% import "evil.md.j2" as evil %}',
    '{% from "evil.md.j2" import x %}',
    '{% extends "evil.md.j2" %}',
])
def test_a_link_out_of_the_folder_is_refused_where_it_is_used(tmp_path: Path, shipped: Agreement,
                                                             statement: str) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": f"# Memo\n\n{statement}\n"})
    os.symlink(_secret(tmp_path), folder / "evil.md.j2")
    _located(_problem(shipped, folder), folder / "memo.md.j2", 3, "'evil.md.j2' is outside the template folder")


def test_a_linked_folder_and_a_dangling_link_out_of_the_folder_are_refused(tmp_path: Path,
                                                                           shipped: Agreement) -> None:
    secret = _secret(tmp_path)
    folder = _folder(tmp_path, {"memo.md.j2": 'x\n{% include "linked/secret.txt" %}\n'})
    os.symlink(secret.parent, folder / "linked")
    _located(_problem(shipped, folder), folder / "memo.md.j2", 2, "'linked/secret.txt' is outside the template folder")
    (folder / "memo.md.j2").write_text('{% include "gone.md.j2" %}\n', encoding="utf-8")
    os.symlink(tmp_path / "outside" / "not-there", folder / "gone.md.j2")
    environment.cache_clear()
    _located(_problem(shipped, folder), folder / "memo.md.j2", 1, "'gone.md.j2' is outside the template folder")


def test_the_template_itself_linked_out_of_the_folder_is_refused(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {})
    os.symlink(_secret(tmp_path), folder / "memo.md.j2")
    _located(_problem(shipped, folder), folder / "memo.md.j2", None, "'memo.md.j2' is outside the template folder")


def test_links_that_stay_inside_are_fine(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"parts/real.md.j2": "Inside: {{ data.id }}\n",
                                "memo.md.j2": '{% include "alias.md.j2" %}{% include "builtin/memo.md.j2" %}'})
    os.symlink(folder / "parts" / "real.md.j2", folder / "alias.md.j2")
    os.symlink(builtin_templates_dir(), folder / "builtin")  # the built-in templates are allowed too
    text, _ = render_markdown(shipped, "memo", template_dir=folder)
    assert text.startswith("Inside: zhejiang\\-alibaba\\-2023\n---\nkind: \"memo\"")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": '\n\n{% include "pipe.md.j2" %}\n'})
    os.mkfifo(folder / "pipe.md.j2")
    _located(_problem(shipped, folder), folder / "memo.md.j2", 3, "'pipe.md.j2' is not a regular file")


def test_reference_docx_is_not_a_template(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": '# A\n{% include "reference.docx" %}\n'})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 2, "'reference.docx' is a binary file, not a template")


def test_a_latin_1_template_is_named_with_the_line_of_the_first_bad_byte(tmp_path: Path,
                                                                         shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": '{% include "partials/footer.md.j2" %}\n',
                                "partials/footer.md.j2": "Line one\n\nCaf\u00e9 au lait\n".encode("latin-1")})
    _located(_problem(shipped, folder), folder / "partials" / "footer.md.j2", 3,
             "not UTF-8 text (byte 0xE9 at column 4); save the template as UTF-8")
    (folder / "memo.md.j2").write_bytes("# R\u00e9sum\u00e9\n".encode("latin-1"))
    environment.cache_clear()
    _located(_problem(shipped, folder), folder / "memo.md.j2", 1,
             "not UTF-8 text (byte 0xE9 at column 4); save the template as UTF-8")


def test_other_encodings_and_byte_order_marks(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "# 浙江\n{% include 'wide.md.j2' %}\n",
                                "wide.md.j2": "Hello\n".encode("utf-16")})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 2,
             "'wide.md.j2' is UTF-16 text; save the template as UTF-8")
    # Columns count characters: two Chinese characters (six bytes) come before the bad byte.
    (folder / "memo.md.j2").write_bytes(b"# x\n" + "浙江".encode() + b"\xe9\n")
    environment.cache_clear()
    _located(_problem(shipped, folder), folder / "memo.md.j2", 2,
             "not UTF-8 text (byte 0xE9 at column 3); save the template as UTF-8")
    # A UTF-8 byte-order mark (as some editors save) is not part of the text: the front matter is found.
    (folder / "memo.md.j2").write_bytes(b"\xef\xbb\xbf---\ntitle: BOM\n---\n\nText\n")
    environment.cache_clear()
    document, _ = compose_document(shipped, "memo", template_dir=folder)
    assert document.meta.title == "BOM"


def test_a_folder_swapped_for_a_link_between_check_and_read_is_refused(tmp_path: Path, shipped: Agreement,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The walk opens "sub" from the folder's descriptor without following links: a folder swapped for a
    # link to the outside just before that step is seen as the link it now is (reports.safe_open).
    secret = _secret(tmp_path)
    folder = _folder(tmp_path, {"memo.md.j2": '{% include "sub/secret.txt" %}\n', "sub/secret.txt": "inside\n"})
    real_open = os.open

    def swapping(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if path == "sub" and kwargs.get("dir_fd") is not None and (folder / "sub").is_dir():
            shutil.rmtree(folder / "sub")
            os.symlink(secret.parent, folder / "sub")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", swapping)
    _located(_problem(shipped, folder), folder / "memo.md.j2", 1, "'sub/secret.txt' is outside the template folder")


def test_an_oversized_template_is_refused_before_it_is_read_whole(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": '{% include "big.md.j2" %}', "big.md.j2": "x" * (3 * 1024 * 1024)})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 1,
             "'big.md.j2' is over the limit of 2,097,152 bytes")


# -- 11.3: templates read data and never change it ---------------------------------------------------

@pytest.mark.parametrize(("expression", "what"), [
    ("memo.update({'to': 'x'})", "attribute 'update' of 'dict'"),
    ("memo.clear()", "attribute 'clear' of 'dict'"),
    ("memo.pop('to')", "attribute 'pop' of 'dict'"),
    ("data.parties.append(1)", "attribute 'append' of 'list'"),
    ("data.focus_areas.sort()", "attribute 'sort' of 'list'"),
    ("data.model_dump()", "attribute 'model_dump' of 'Agreement'"),
    ("data.model_copy(update={'title': 'x'})", "attribute 'model_copy' of 'Agreement'"),
    ("data.model_validate({})", "attribute 'model_validate' of 'Agreement'"),
    ("data.parse_file('/etc/passwd')", "attribute 'parse_file' of 'Agreement'"),
    ("data.parties[0].model_dump_json()", "attribute 'model_dump_json' of 'Party'"),
    ("data.model_config", "attribute 'model_config' of 'Agreement'"),
    ("data.title.translate({})", "attribute 'translate' of 'str'"),
])
def test_changing_or_escaping_the_data_is_refused(tmp_path: Path, shipped: Agreement, expression: str,
                                                   what: str) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": f"# Memo\n\n{{{{ {expression} }}}}\n"})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 3,
             f"not allowed in a template (sandbox): access to {what} object is unsafe")
    assert shipped.title.startswith("Zhejiang") and len(shipped.parties) == 2


def test_model_fields_and_our_own_helpers_stay_readable(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "{{ data.parties[1].display_name }}|{{ data.party('Alibaba').label }}|"
                                              "{{ data.agreement.signed.year }}|{{ memo['to'] }}"})
    text, _ = render_markdown(shipped, "memo", template_dir=folder)
    assert text == "Alibaba|Alibaba Group \\(阿里巴巴集团\\)|2023|Head of Government Relations"


# -- 11.4: bounds, checked before the value is made --------------------------------------------------

def _cap(what: str, size: str) -> str:
    return f"{what} would make {size} characters; a template may produce at most 10,000,000"


@pytest.mark.parametrize(("expression", "message"), [
    ("'a' * 10**9", _cap("'*'", "1,000,000,000")),
    ("10**9 * 'ab'", _cap("'*'", "2,000,000,000")),
    ("[1, 2] * 10**9", "'*' would make a list of 2,000,000,000 items; a template may make lists of at most 1,000,000"),
    ("2 ** (10**9)",
     "'**' would make a number of about 301,030,000 digits; a template may use numbers of at most 30,103"),
    ("'%999999999d' % 1", _cap("'%'", "1,000,000,014")),
    ("'%*d' % (999999999, 1)", _cap("'%'", "1,000,000,006")),
    ("'{:>999999999}'.format(1)", _cap("str.format()", "1,000,000,020")),
    ("'a'.center(10**9)", _cap("str.center()", "1,000,000,000")),
    ("'a'['rjust'](10**9)", _cap("str.rjust()", "1,000,000,000")),
    ("('x' * 5000001).replace('x', 'yy')", _cap("str.replace()", "10,000,002")),  # the cap itself is allowed
    ("'a' | center(10**9)", _cap("center", "1,000,000,000")),
    ("['x' * 9000000, 'y' * 9000000] | join", _cap("join", "18,000,000")),
    ("('x' * 9000000) + ('y' * 9000000)", _cap("'+'", "18,000,000")),
    ("('x' * 9000000) ~ ('y' * 9000000)", _cap("joining text", "18,000,000")),
    ("range(10**9) | list", "range(1000000000) has 1,000,000,000 items; a template may loop over at most 100,000"),
    # Lists of references to one long string cost nothing to make, but their text would.
    ("['x' * 10**7] * 1000000",
     "'*' would make a list whose text has 10,000,006,000,000 characters; a template may produce at most 10,000,000"),
    ("['x' * 6000000] + ['y' * 6000000]",
     "'+' would make a list whose text has 12,000,012 characters; a template may produce at most 10,000,000"),
    ("['x' * 6000000, 'y' * 6000000]", _cap("printing this value", "12,000,010")),
    ("['x' * 6000000, 'y' * 6000000] | string", _cap("string", "12,000,010")),
    ("['x' * 6000000, 'y' * 6000000] | pprint", _cap("pprint", "24,000,033")),
    ("'a' ~ ['x' * 6000000, 'y' * 6000000]", _cap("'~'", "12,000,010")),
    ("'%s' % (['x' * 6000000, 'y' * 6000000],)", _cap("'%'", "12,000,012")),
])
def test_a_value_too_big_to_make_is_refused_before_it_is_made(tmp_path: Path, shipped: Agreement, expression: str,
                                                                message: str) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": f"# Memo\n{{{{ {expression} }}}}\n"})
    tracemalloc.start()
    try:
        problem = _problem(shipped, folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    _located(problem, folder / "memo.md.j2", 2, message)
    assert peak < 100_000_000  # nothing near the refused size was ever allocated


def test_doubling_text_in_a_loop_stops_at_the_cap(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "{% set ns = namespace(s='a') %}\n{% for i in range(64) %}\n"
                                              "{% set ns.s = ns.s ~ ns.s %}\n{% endfor %}\n"})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 3,
             "joining text would make 16,777,216 characters; a template may produce at most 10,000,000")


def test_the_markdown_a_template_produces_is_capped_while_it_is_made(tmp_path: Path, shipped: Agreement) -> None:
    body = "# Big\n\n{% for i in range(100) %}\n{{ 'a' * 1000000 }}\n{% endfor %}\n"
    folder = _folder(tmp_path, {"memo.md.j2": body})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 4,
             f"the template produced more than {MAX_OUTPUT:,} characters of Markdown")


def test_a_macro_body_is_capped_too(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "{% macro big() %}{% for i in range(2) %}{{ 'a' * 6000000 }}"
                                              "{% endfor %}{% endmacro %}\n{% set x = big() %}\n"})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 1,
             "joining text would make 12,000,000 characters; a template may produce at most 10,000,000")


def test_nested_range_loops_stop_at_the_documents_budget(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "# Loops\n{% for i in range(99999) %}\n{% for j in range(99999) %}\n"
                                              "{% endfor %}\n{% endfor %}\n"})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 3,
             "range(99999): the template's loops over range() come to more than 1,000,000 items")
    # The budget belongs to one document: the next one starts again from nothing.
    ok = _folder(tmp_path, {"briefing.md.j2": "{% for i in range(99999) %}{% endfor %}done"})
    for _ in range(12):
        assert render_markdown(shipped, "briefing", template_dir=ok)[0] == "done"


def test_unbounded_or_random_helpers_are_not_offered(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "{{ lipsum(10**9) }}"})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 1, "'lipsum' is undefined")
    (folder / "memo.md.j2").write_text("\n{{ [1, 2] | random }}", encoding="utf-8")
    environment.cache_clear()
    _located(_problem(shipped, folder), folder / "memo.md.j2", 2, "No filter named 'random'.")


def test_the_time_limit_and_interrupts_pass_through_the_render(tmp_path: Path, shipped: Agreement) -> None:
    class Stop(BaseException):
        pass

    def stop() -> None:
        raise Stop

    body = "# Memo\n{% macro slow() %}\n{{ stop() }}\n{% endmacro %}\n{{ slow() }}\n"
    folder = _folder(tmp_path, {"memo.md.j2": body})
    environment(folder).globals["stop"] = stop
    try:
        with pytest.raises(Stop) as info:
            render_markdown(shipped, "memo", template_dir=folder)
    finally:
        environment.cache_clear()
    # It carries the line the template had reached, for the message that reports it.
    file, line = info.value.template_line  # type: ignore[attr-defined]
    assert (Path(file), line) == (folder / "memo.md.j2", 3)


# -- 12: runtime errors are one located message -------------------------------------------------------

@pytest.mark.parametrize(("body", "line", "message"), [
    ("# A\n\n{{ 1 / 0 }}\n", 3, "division by zero"),
    ("# A\n{{ 7 // 0 }}\n", 2, "division by zero"),
    ("{% macro f(n) %}\n{{ f(n + 1) }}\n{% endmacro %}\n{{ f(1) }}\n", 2,
     "a template, include or macro calls itself without end (maximum depth reached)"),
    ("# Me again\n{% include 'memo.md.j2' %}\n", 2,
     "a template, include or macro calls itself without end (maximum depth reached)"),
    ("\n{% for i in range(10**9) %}{% endfor %}\n", 2,
     "range(1000000000) has 1,000,000,000 items; a template may loop over at most 100,000"),
    ("{{ 1 + 'a' }}", 1, "TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
    ("\n{{ '{0}{}'.format(1, 2) }}", 2,
     "ValueError: cannot switch from manual field specification to automatic field numbering"),
    ("{{ '{x}'.format(y=1) }}", 1, "key 'x' not found"),
    ("\n\n{{ data.party('Tencent').label }}", 3, "no party called 'Tencent'"),
    ("{{ {'a': 1}['b'] + 1 }}", 1, "'dict object' has no attribute 'b'"),
    ("{{ 10.0 ** 400 }}", 1, "OverflowError: (34, 'Numerical result out of range')"),
    ("{{ data.parties | sum }}", 1, "TypeError: unsupported operand type(s) for +: 'int' and 'Party'"),
])
def test_runtime_errors_name_the_template_line(tmp_path: Path, shipped: Agreement, body: str, line: int,
                                               message: str) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": body})
    _located(_problem(shipped, folder), folder / "memo.md.j2", line, message)


def test_nesting_too_deep_to_compile_is_named_as_such(tmp_path: Path, shipped: Agreement) -> None:
    deep = "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}\n"
    message = "the template nests brackets, blocks or loops too deeply to be compiled"
    folder = _folder(tmp_path, {"memo.md.j2": deep})
    _located(_problem(shipped, folder), folder / "memo.md.j2", None, message)
    (folder / "memo.md.j2").write_text("# Memo\n{% include 'deep.md.j2' %}\n", encoding="utf-8")
    (folder / "deep.md.j2").write_text(deep, encoding="utf-8")
    environment.cache_clear()
    _located(_problem(shipped, folder), folder / "memo.md.j2", 2, message)


def test_a_list_of_includes_none_found_names_them_all(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "\n{% include ['x.md.j2', 'y.md.j2'] %}\n"})
    _located(_problem(shipped, folder), folder / "memo.md.j2", 2,
             "none of the included templates was found: 'x.md.j2', 'y.md.j2'")


def test_an_error_inside_a_partial_names_the_partial(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "# Memo\n{% import 'partials/mine.md.j2' as mine %}\n{{ mine.f() }}\n",
                                "partials/mine.md.j2": "{% macro f() %}\nok\n{{ 'x' | longdate }}\n{% endmacro %}\n"})
    _located(_problem(shipped, folder), folder / "partials" / "mine.md.j2", 3,
             "longdate: expected a date (YYYY-MM-DD), got 'x'")


# -- 12: filters refuse the wrong kind of value with a message of their own --------------------------

@pytest.mark.parametrize(("expression", "message"), [
    ("'x' | longdate", "longdate: expected a date (YYYY-MM-DD), got 'x'"),
    ("'2023-02-30' | longdate", "longdate: expected a date (YYYY-MM-DD), got '2023-02-30'"),
    ("5 | longdate", "longdate: expected a date (YYYY-MM-DD), got 5"),
    ("'x' | isodate", "isodate: expected a date (YYYY-MM-DD), got 'x'"),
    ("none | prose_list", "prose_list: expected a list, got None"),
    ("'abc' | prose_list", "prose_list: expected a list, got 'abc'"),
    ("memo | prose_list", "prose_list: expected a list, got {"),
    ("['a'] | prose_list(5)", "prose_list: the conjunction must be text, got 5"),
    ("5 | capitalize_first", "capitalize_first: expected text, got 5"),
    ("none | capitalize_first", "capitalize_first: expected text, got None"),
    ("'x' | party_label", "party_label: expected a party (an item of data.parties), got 'x'"),
    ("data | party_label", "party_label: expected a party (an item of data.parties), got Agreement("),
    ("'x' | number_words", "number_words: expected a whole number, got 'x'"),
    ("2.5 | number_words", "number_words: expected a whole number, got 2.5"),
    ("true | number_words", "number_words: expected a whole number, got True"),
    ("'a' | with_local(5)", "with_local: the local name must be text, got 5"),
    ("none | markdown", "markdown: expected text written by the template, got None"),
    ("'x' | wordwrap(0)", "ValueError: wordwrap: the width must be a whole number of at least 1, got 0 (int)"),
])
def test_filters_refuse_the_wrong_kind_of_value(tmp_path: Path, shipped: Agreement, expression: str,
                                                message: str) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": f"# Memo\n\n\n{{{{ {expression} }}}}\n"})
    problem = _problem(shipped, folder)
    assert (Path(problem.file), problem.line) == (folder / "memo.md.j2", 4)
    assert problem.message.startswith(message), problem.message


def test_filters_still_take_what_they_were_made_for(tmp_path: Path, shipped: Agreement) -> None:
    folder = _folder(tmp_path, {"memo.md.j2": "{{ data.agreement.signed | longdate }}|{{ '2024-01-15' | longdate }}|"
                                              "{{ none | longdate }}|{{ data.agreement.signed | isodate }}|"
                                              "{{ data.parties | map('party_label') | prose_list }}|"
                                              "{{ data.focus_areas | map(attribute='name') | prose_list('or') }}|"
                                              "{{ 42 | number_words }}|{{ 'iPhone deal' | capitalize_first }}"})
    text, _ = render_markdown(shipped, "memo", template_dir=folder)
    fields = text.split("|")
    assert fields[:4] == ["7 July 2023", "15 January 2024", "", "2023\\-07\\-07"]
    assert fields[4] == "Zhejiang Provincial Government \\(浙江省人民政府\\) and Alibaba Group \\(阿里巴巴集团\\)"
    assert fields[5].endswith("Digital logistics or Digital cultural tourism")
    assert fields[6:] == ["forty\\-two", "iPhone deal"]


def test_capitalize_first_and_with_local() -> None:
    assert capitalize_first("five years") == "Five years"
    assert capitalize_first("eBay and Alibaba") == "eBay and Alibaba"
    assert capitalize_first("") == ""
    assert with_local("浙江大学", "浙江大学") == "浙江大学"
    assert with_local(None, "浙江大学") == "浙江大学"
    assert with_local("Zhang Yong", "张勇") == "Zhang Yong (张勇)"


# -- 12: the built-in templates keep the user's words as written --------------------------------------



@pytest.fixture
def unusual() -> Agreement:
    data = shipped_dict()
    data["parties"].append({"local_name": "浙江大学", "kind": "university", "description": "A university."})
    data["parties"][0]["local_name"] = "Zhejiang Provincial Government"
    data["focus_areas"] = [{"name": "5G private networks", "summary": "Campus networks."},
                           {"name": "SME onboarding", "summary": "Small firms."},
                           {"name": "eCommerce", "summary": "Trade."}]
    data["agreement"]["term"] = "five years"
    data["sources"] = [{"title": "First report", "publisher": "Agency", "url": "https://example.org/a?b=1&c=%20"},
                       {"title": "Second report", "publisher": "Ministry", "date": "2023-07-08"}]
    data["participating_units"].append({"party": "浙江大学", "description": "laboratories", "units": ["Lab A"]})
    return Agreement.model_validate(data)


def test_focus_area_names_keep_their_case(unusual: Agreement) -> None:
    briefing, _ = compose_document(unusual, "briefing")
    memo, _ = compose_document(unusual, "memo")
    facts = next(b for b in briefing.blocks if isinstance(b, t.FieldTable))
    rows = {_texts(f.label): _texts(f.value) for f in facts.rows}
    assert rows["Focus areas"] == "Three: 5G private networks, SME onboarding and eCommerce"
    assert "Three areas: 5G private networks, SME onboarding and eCommerce." in _texts(memo.blocks)


def test_key_facts_are_written_in_one_style(unusual: Agreement) -> None:
    briefing, _ = compose_document(unusual, "briefing")
    facts = next(b for b in briefing.blocks if isinstance(b, t.FieldTable))
    rows = [(_texts(f.label), _texts(f.value)) for f in facts.rows]
    assert ("Term", "Five years") in rows and ("Status", "Signed") in rows
    assert ("Units involved", "Laboratories: Lab A") in rows
    assert all(value[:1].isupper() or not value[:1].isalpha() for _, value in rows), rows


def test_a_party_with_one_name_is_printed_once(unusual: Agreement) -> None:
    briefing, _ = compose_document(unusual, "briefing")
    headings = [_texts(b.content) for b in briefing.blocks if isinstance(b, t.Heading) and b.level == 2]
    assert headings[:3] == ["Zhejiang Provincial Government", "Alibaba Group (阿里巴巴集团)", "浙江大学"]
    assert briefing.meta.parties == ("Zhejiang Provincial Government", "Alibaba Group (阿里巴巴集团)", "浙江大学")
    text = _texts(briefing.blocks)
    assert "浙江大学 (浙江大学)" not in text and "Government (Zhejiang" not in text
    assert "**Taking part:**" not in text and "Taking part: Laboratories: Lab A." in text


def test_memo_sources_are_kept_apart(unusual: Agreement) -> None:
    memo, _ = compose_document(unusual, "memo")
    last = _texts(memo.blocks[-1])
    # The separator is tied to the entry before it (a no-break space), so that no line starts with it.
    assert last == ("Sources: First report. Agency. https://example.org/a?b=1&c=%20\u00a0· "
                    "Second report. Ministry, 8 July 2023.")
    assert dt.date(2023, 7, 8) == unusual.sources[1].date
