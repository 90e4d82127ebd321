"""The command contracts: the examples of docs/contracts exactly, and every kind of bad input → exit 2.

The adapters live beside their computations (agreements.contracts: valuate, settle;
funding.contracts: funding select); core.commands is their shell and their JSON-path readers.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.agreements.contracts import settle, valuate
from xiangcun.cases.contracts import cases_deadline
from xiangcun.core.commands import Command, ContractError, run_command
from xiangcun.funding.contracts import funding_select

CONTRACTS = Path(__file__).resolve().parent.parent / "docs" / "contracts"
COMMANDS: dict[str, Command] = {
    "valuate": valuate,
    "settle": settle,
    "funding select": funding_select,
    "cases deadline": cases_deadline,
}
NAMES = {"valuate": "valuate", "settle": "settle", "funding": "funding select", "deadline": "cases deadline"}


def load(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CONTRACTS / f"{stem}.example.json").read_text(encoding="utf-8"))
    return data


def run(name: str, text: str, tmp_path: Path) -> tuple[int, str, str]:
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_command(COMMANDS[name], str(path), out, err)
    return code, out.getvalue(), err.getvalue()


def assert_refused(name: str, doc: object, field: str, tmp_path: Path) -> dict[str, str]:
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    code, out, err = run(name, text, tmp_path)
    assert code == 2
    assert out == ""
    error: dict[str, str] = json.loads(err)
    assert set(error) == {"error", "field"}
    assert error["field"] == field
    assert error["error"]
    return error


def example_input(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(load(stem)["input"])
    return data


# --- the examples ----------------------------------------------------------------------------


@pytest.mark.parametrize("stem", list(NAMES))
def test_examples_give_exactly_their_output(stem: str, tmp_path: Path) -> None:
    # given the example's input as a file
    example = load(stem)
    # when the command runs on it
    code, out, err = run(NAMES[stem], json.dumps(example["input"], ensure_ascii=False), tmp_path)
    # then it prints exactly the example's output
    assert (code, err) == (0, "")
    assert json.loads(out) == example["output"]


@pytest.mark.parametrize("stem", list(NAMES))
def test_an_example_file_as_it_is_gives_its_output(stem: str) -> None:
    # given the example file itself, {"input", "output"}, as the command reads it
    out, err = io.StringIO(), io.StringIO()
    code = run_command(COMMANDS[NAMES[stem]], str(CONTRACTS / f"{stem}.example.json"), out, err)
    # then it is read as its input and prints its output
    assert (code, err.getvalue()) == (0, "")
    assert json.loads(out.getvalue()) == load(stem)["output"]


@pytest.mark.parametrize("stem", list(NAMES))
def test_a_whole_example_file_is_read_as_its_input(stem: str) -> None:
    functions = {"valuate": valuate, "settle": settle, "funding": funding_select, "deadline": cases_deadline}
    example = load(stem)
    assert functions[stem](example) == example["output"]


def test_output_is_pretty_utf8_json(tmp_path: Path) -> None:
    _, out, _ = run("settle", json.dumps(example_input("settle")), tmp_path)
    assert "村集体" in out
    assert out.endswith("\n")


def test_standard_input_is_read_for_a_dash() -> None:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO(json.dumps(example_input("valuate")))
    assert run_command(valuate, "-", out, err, stdin=stdin) == 0
    assert json.loads(out.getvalue())["total"] == "3856847.17"


def test_numbers_may_be_strings_or_json_numbers(tmp_path: Path) -> None:
    doc = example_input("settle")
    doc["profit"] = 500000
    doc["guarantee"] = 80000.0
    doc["reserve_rate"] = 0.2
    code, out, _ = run("settle", json.dumps(doc), tmp_path)
    assert code == 0
    assert json.loads(out) == load("settle")["output"]


# --- bad input: the README's list --------------------------------------------------------------


def test_malformed_file(tmp_path: Path) -> None:
    assert_refused("settle", '{"profit": "1",', "$", tmp_path)


def test_missing_file() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_command(valuate, "/nonexistent/input.json", out, err) == 2
    assert out.getvalue() == ""
    assert json.loads(err.getvalue())["field"] == "$"


def test_missing_field(tmp_path: Path) -> None:
    doc = example_input("settle")
    del doc["profit"]
    assert_refused("settle", doc, "profit", tmp_path)


def test_missing_nested_field(tmp_path: Path) -> None:
    doc = example_input("valuate")
    del doc["parties"][0]["resources"][1]["rebuild_cost_per_m2"]
    assert_refused("valuate", doc, "parties[0].resources[1].rebuild_cost_per_m2", tmp_path)


def test_unknown_field(tmp_path: Path) -> None:
    doc = example_input("funding")
    doc["applications"][2]["colour"] = "red"
    assert_refused("funding select", doc, "applications[2].colour", tmp_path)


def test_unknown_top_level_field(tmp_path: Path) -> None:
    doc = example_input("settle")
    doc["year"] = 2025
    assert_refused("settle", doc, "year", tmp_path)


def test_field_of_another_resource_kind_is_unknown(tmp_path: Path) -> None:
    doc = example_input("valuate")
    doc["parties"][0]["resources"][0]["area_m2"] = "10"
    assert_refused("valuate", doc, "parties[0].resources[0].area_m2", tmp_path)


def test_negative_area(tmp_path: Path) -> None:
    doc = example_input("valuate")
    doc["parties"][0]["resources"][1]["area_m2"] = "-450"
    error = assert_refused("valuate", doc, "parties[0].resources[1].area_m2", tmp_path)
    assert "负数" in error["error"]


def test_shares_not_summing_to_100(tmp_path: Path) -> None:
    doc = example_input("settle")
    doc["parties"][1]["share"] = "69.99"
    error = assert_refused("settle", doc, "parties", tmp_path)
    assert "100" in error["error"]


def test_no_collective_party_in_settlement(tmp_path: Path) -> None:
    doc = example_input("settle")
    doc["parties"][0]["role"] = "partner"
    assert_refused("settle", doc, "parties", tmp_path)


def test_no_collective_party_in_valuation(tmp_path: Path) -> None:
    doc = example_input("valuate")
    doc["parties"][0]["role"] = "other"
    assert_refused("valuate", doc, "parties", tmp_path)


def test_unknown_mode(tmp_path: Path) -> None:
    doc = example_input("settle")
    doc["mode"] = "lower_of"
    assert_refused("settle", doc, "mode", tmp_path)


# --- bad input: types, numbers and other rules ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stem", "mutate", "field"),
    [
        ("settle", "settle", lambda d: d.update(profit="五十万"), "profit"),
        ("settle", "settle", lambda d: d.update(profit=True), "profit"),
        ("settle", "settle", lambda d: d.update(profit=None), "profit"),
        ("settle", "settle", lambda d: d.update(profit="1e99"), "profit"),
        ("settle", "settle", lambda d: d.update(profit="100.001"), "profit"),
        ("settle", "settle", lambda d: d.update(reserve_rate="0." + "1" * 30), "reserve_rate"),
        (
            "valuate",
            "valuate",
            lambda d: d["parties"][0]["resources"][0].update(area_mu="1e12", annual_rent_per_mu="1e12"),
            "parties[0].resources[0]",
        ),
        ("settle", "settle", lambda d: d.update(guarantee="-1"), "guarantee"),
        ("settle", "settle", lambda d: d.update(reserve_rate="1.5"), "reserve_rate"),
        ("settle", "settle", lambda d: d.update(parties={}), "parties"),
        ("settle", "settle", lambda d: d.update(parties=[]), "parties"),
        ("settle", "settle", lambda d: d["parties"].__setitem__(1, "合伙人"), "parties[1]"),
        ("settle", "settle", lambda d: d["parties"][1].update(id=7), "parties[1].id"),
        ("settle", "settle", lambda d: d["parties"][1].update(id="村集体"), "parties[1].id"),
        ("settle", "settle", lambda d: d["parties"][1].update(role="investor"), "parties[1].role"),
        ("settle", "settle", lambda d: d["parties"][1].update(role="collective"), "parties[1].role"),
        ("settle", "settle", lambda d: d["members"][0].update(shares="-3"), "members[0].shares"),
        ("settle", "settle", lambda d: d["members"][1].update(id="H001"), "members[1].id"),
        ("settle", "settle", lambda d: d["labour"][1].update(household="H999"), "labour[1].household"),
        ("settle", "settle", lambda d: d["labour"][0].update(amount="-5"), "labour[0].amount"),
        (
            "valuate",
            "valuate",
            lambda d: d["parties"][0]["resources"][0].update(kind="pond"),
            "parties[0].resources[0].kind",
        ),
        (
            "valuate",
            "valuate",
            lambda d: d["parties"][0]["resources"][0].update(discount_rate="5"),
            "parties[0].resources[0].discount_rate",
        ),
        (
            "valuate",
            "valuate",
            lambda d: d["parties"][0]["resources"][1].update(useful_life_years=0),
            "parties[0].resources[1].useful_life_years",
        ),
        ("valuate", "valuate", lambda d: d["parties"][1].update(cash="-1"), "parties[1].cash"),
        ("valuate", "valuate", lambda d: d["parties"][1].pop("cash"), "parties[1].resources"),
        ("valuate", "valuate", lambda d: d["parties"][2].update(technology=[1]), "parties[2].technology"),
        ("funding select", "funding", lambda d: d.update(budget="-1"), "budget"),
        ("funding select", "funding", lambda d: d["weights"].pop("profit_tax"), "weights.profit_tax"),
        ("funding select", "funding", lambda d: d["weights"].update(investment=0.4), "weights"),
        ("funding select", "funding", lambda d: d.update(min_score="high"), "min_score"),
        (
            "funding select",
            "funding",
            lambda d: d["applications"][3].update(social_benefit=120),
            "applications[3].social_benefit",
        ),
        ("funding select", "funding", lambda d: d["applications"][3].update(id="A1"), "applications[3].id"),
        (
            "funding select",
            "funding",
            lambda d: d["applications"][0].update(requested="1,000.005"),
            "applications[0].requested",
        ),
    ],
)
def test_bad_values_are_refused_with_their_json_path(
    name: str, stem: str, mutate: Any, field: str, tmp_path: Path
) -> None:
    doc = example_input(stem)
    mutate(doc)
    assert_refused(name, doc, field, tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '"settle"',
        '{"profit": NaN, "mode": "additive", "guarantee": "0", "parties": []}',
        '{"profit": "1", "profit": "2"}',
        "\ufeff{",
    ],
)
def test_documents_that_are_not_one_json_object_are_refused(text: str, tmp_path: Path) -> None:
    assert_refused("settle", text, "$", tmp_path)


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes('{"profit": "村"}'.encode("gbk"))
    out, err = io.StringIO(), io.StringIO()
    assert run_command(settle, str(path), out, err) == 2
    assert out.getvalue() == ""
    assert json.loads(err.getvalue())["field"] == "$"


def test_a_bug_in_a_command_is_one_json_object_with_exit_1(tmp_path: Path) -> None:
    # given a command that fails with something other than a domain error
    def broken(doc: object) -> dict[str, Any]:
        raise ZeroDivisionError("division by zero")

    path = tmp_path / "input.json"
    path.write_text("{}", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    # then the shell still prints one JSON object, never a traceback
    assert run_command(broken, str(path), out, err) == 1
    assert out.getvalue() == ""
    assert json.loads(err.getvalue())["field"] == "$"


def test_contract_error_carries_both_languages() -> None:
    with pytest.raises(ContractError) as caught:
        settle({"profit": "1", "mode": "x", "guarantee": "0", "parties": []})
    assert caught.value.field == "mode"
    assert caught.value.message_en.startswith("unknown mode")
    assert "未知" in caught.value.message


def test_a_loss_settles_through_the_command(tmp_path: Path) -> None:
    doc = example_input("settle")
    doc.update(profit="-100000", mode="higher_of")
    code, out, _ = run("settle", json.dumps(doc), tmp_path)
    result = json.loads(out)
    assert code == 0
    assert result["total"] == "-100000.00"
    assert [p["total"] for p in result["parties"]] == ["80000.00", "-180000.00"]
    assert sum(float(h["dividend"]) for h in result["households"]) == pytest.approx(64000.0)


# --- fuzzing: whatever the input, exit 0 or 2, never an internal error ----------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["-1", "0", "1e3", "12.345", "100", "collective", "higher_of", "H001"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


@settings(max_examples=300)
@given(stem=st.sampled_from(list(NAMES)), data=st.data(), replacement=json_values)
def test_any_mutation_of_an_example_exits_0_or_2(stem: str, data: st.DataObject, replacement: Any) -> None:
    # given an example input with one value anywhere replaced by arbitrary JSON
    doc = example_input(stem)
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    # when the command runs
    out, err = io.StringIO(), io.StringIO()
    code = run_command(COMMANDS[NAMES[stem]], "-", out, err, stdin=io.StringIO(json.dumps(doc)))
    # then it either succeeds or refuses cleanly
    assert code in (0, 2), err.getvalue()
    if code == 2:
        assert out.getvalue() == ""
        assert set(json.loads(err.getvalue())) == {"error", "field"}
    else:
        json.loads(out.getvalue())


# --- cases deadline: bad input names its field and prints nothing ------------------------------------


def _deadline_doc(**change: Any) -> dict[str, Any]:
    doc = example_input("deadline")
    for key, value in change.items():
        if key == "as_of":
            doc["as_of"] = value
        else:
            doc["cases"][1][key] = value
    return doc


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"as_of": "2026-02-30"}, "as_of"),  # an impossible date
        ({"as_of": "12/02/2026"}, "as_of"),  # malformed
        ({"received": "2026-02-09T18:45:00"}, "cases[1].received"),  # no time zone
        ({"received": "2026-13-09T18:45:00+08:00"}, "cases[1].received"),
        ({"tier_days": 0}, "cases[1].tier_days"),
        ({"tier_days": -3}, "cases[1].tier_days"),
        ({"tier_days": 2.5}, "cases[1].tier_days"),
        ({"tier_days": 10**9}, "cases[1].tier_days"),
        ({"tier_days": True}, "cases[1].tier_days"),
        ({"count": "lunar"}, "cases[1].count"),
        ({"closed": "2026-02-01"}, "cases[1].closed"),  # before it was received
        ({"id": "DC-2026-0001"}, "cases[1].id"),  # a duplicate
    ],
)
def test_deadline_bad_input_is_refused_naming_the_field(
    change: dict[str, Any], field: str, tmp_path: Path
) -> None:
    assert_refused("cases deadline", _deadline_doc(**change), field, tmp_path)


def test_deadline_red_case_reports_its_overdue_days(tmp_path: Path) -> None:
    doc = _deadline_doc(as_of="2026-02-14")  # case 2 (3 calendar days from 2/9) was due 2/12
    code, out, _ = run("cases deadline", json.dumps(doc), tmp_path)
    case = json.loads(out)["cases"][1]
    assert (code, case["status"], case["overdue_days"], case["remaining_days"]) == (0, "red", 2, 0)


def test_deadline_closed_on_the_beijing_day_it_was_received_is_accepted(tmp_path: Path) -> None:
    # 2026-02-09T20:00 UTC is 2026-02-10 04:00 in Beijing: closing on 2/10 is not before receipt
    doc = _deadline_doc(received="2026-02-09T20:00:00+00:00", closed="2026-02-10")
    code, out, err = run("cases deadline", json.dumps(doc), tmp_path)
    assert (code, err) == (0, "") and json.loads(out)["cases"][1]["status"] == "closed_on_time"
