"""The data contract: the shipped files, the JSON Schema and the model's own rules."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

from reports.cli import main
from reports.model import Agreement
from tests.conftest import MINIMAL, ROOT, SHIPPED, shipped_dict


def _schema() -> dict[str, Any]:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema: dict[str, Any] = json.loads(result.output)
    return schema


def _as_json_data(path: Any) -> Any:
    # What an editor's YAML plugin validates: YAML 1.1 scalars, dates as text.
    return json.loads(json.dumps(yaml.safe_load(path.read_text("utf-8")), default=str))


def test_schema_is_a_valid_json_schema_with_descriptions() -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["parties"]["description"].startswith("The parties")
    assert "additionalProperties" in schema["$defs"]["Party"]


@pytest.mark.parametrize("path", [SHIPPED, MINIMAL], ids=lambda p: p.name)
def test_schema_accepts_shipped_files(path: Any) -> None:
    jsonschema.Draft202012Validator(_schema()).validate(_as_json_data(path))


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("title"),
    lambda d: d.update(titel="x"),
    lambda d: d["parties"].pop(),
    lambda d: d["parties"][0].update(kind="kingdom"),
    lambda d: d.update(id="Not A Slug"),
])
def test_schema_rejects_broken_data(breakage: Any) -> None:
    data = _as_json_data(SHIPPED)
    breakage(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_schema()).validate(data)


def test_schema_file_in_docs_is_up_to_date() -> None:
    on_disk = json.loads((ROOT / "docs" / "agreement.schema.json").read_text("utf-8"))
    assert on_disk == _schema(), "run: reports schema > docs/agreement.schema.json"


def test_shipped_agreement_holds_the_article_facts() -> None:
    a = Agreement.model_validate(shipped_dict())
    assert str(a.agreement.signed) == "2023-07-07"
    assert [p.local_name for p in a.parties] == ["浙江省人民政府", "阿里巴巴集团"]
    assert "Alibaba Holding Group" in a.parties[1].also_known_as
    assert a.participating_units[0].count == 7
    assert [f.name for f in a.focus_areas] == [
        "Digital technology", "Digital business", "Digital life", "Digital foreign trade",
        "Digital logistics", "Digital cultural tourism"]
    assert a.statements[0].speaker_local_name == "张勇"
    assert a.statements[0].kind == "paraphrase"
    assert "1+6+N" in a.context[0].title


def test_duplicate_focus_areas_are_rejected() -> None:
    data = shipped_dict()
    data["focus_areas"].append({"name": "digital LIFE", "summary": "again"})
    with pytest.raises(ValidationError, match="listed twice"):
        Agreement.model_validate(data)


def test_one_party_is_not_an_agreement() -> None:
    data = shipped_dict()
    data["parties"] = data["parties"][:1]
    data["participating_units"] = []
    with pytest.raises(ValidationError, match="at least 2"):
        Agreement.model_validate(data)


def test_units_must_name_a_party() -> None:
    data = shipped_dict()
    data["participating_units"][0]["party"] = "Tencent"
    with pytest.raises(ValidationError, match="not one of"):
        Agreement.model_validate(data)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/a"])
def test_source_urls_must_be_web_addresses(url: str) -> None:
    data = shipped_dict()
    data["sources"][0]["url"] = url
    with pytest.raises(ValidationError, match="web address"):
        Agreement.model_validate(data)


def test_empty_strings_are_rejected() -> None:
    data = shipped_dict()
    data["summary"] = "   "
    with pytest.raises(ValidationError):
        Agreement.model_validate(data)


def _university(**names: str) -> dict[str, Any]:
    return {**names, "kind": "university", "description": "A university in Hangzhou."}


def test_a_party_may_have_only_a_local_name() -> None:
    data = shipped_dict()
    data["parties"].append(_university(local_name="浙江大学"))
    data["participating_units"].append({"party": "浙江大学", "description": "laboratories", "count": 2})
    agreement = Agreement.model_validate(data)
    party = agreement.parties[2]
    assert party.name is None
    assert (party.label, party.display_name, party.names) == ("浙江大学", "浙江大学", ("浙江大学",))
    assert agreement.party("浙江大学") is party
    # The schema says the same as the model.
    jsonschema.Draft202012Validator(_schema()).validate(json.loads(json.dumps(data, default=str)))


def test_a_name_given_twice_is_printed_once() -> None:
    data = shipped_dict()
    data["parties"].append(_university(name="浙江大学", local_name="浙江大学"))
    assert Agreement.model_validate(data).parties[2].label == "浙江大学"
    assert Agreement.model_validate(shipped_dict()).parties[1].label == "Alibaba Group (阿里巴巴集团)"


def test_a_party_without_any_name_is_refused_by_model_and_schema() -> None:
    data = shipped_dict()
    data["parties"].append(_university(short_name="ZJU"))
    with pytest.raises(ValidationError, match="give the party's name, its local_name, or both"):
        Agreement.model_validate(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_schema()).validate(json.loads(json.dumps(data, default=str)))


def test_parties_with_only_local_names_must_differ() -> None:
    data = shipped_dict()
    data["parties"] += [_university(local_name="浙江大学"), _university(local_name="浙江大学")]
    with pytest.raises(ValidationError, match="party '浙江大学' is listed twice"):
        Agreement.model_validate(data)


def test_asking_for_an_unknown_party_names_it() -> None:
    agreement = Agreement.model_validate(shipped_dict())
    with pytest.raises(KeyError) as info:
        agreement.party("Tencent")
    assert str(info.value) == "no party called 'Tencent'"


def test_an_unknown_unit_party_lists_at_most_ten_parties() -> None:
    data = shipped_dict()
    data["parties"] += [_university(name=f"University {i}") for i in range(1000)]
    data["participating_units"][0]["party"] = "Tencent"
    with pytest.raises(ValidationError) as info:
        Agreement.model_validate(data)
    (error,) = info.value.errors()
    assert error["loc"] == ("participating_units",)
    assert error["msg"] == ("Value error, entry [0] names party 'Tencent', which is not one of: "
                            "Zhejiang Provincial Government (浙江省人民政府), Alibaba Group (阿里巴巴集团), "
                            + ", ".join(f"University {i}" for i in range(8)) + " and 992 more")
