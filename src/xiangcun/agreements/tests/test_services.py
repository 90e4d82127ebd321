"""Agreements: drafting with computed shares, the workflow, objections, settlements, guarantees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xiangcun.agreements import selectors, services
from xiangcun.agreements.models import Agreement, AgreementEvent, AgreementStatus, Settlement
from xiangcun.agreements.schemas import AgreementIn, AnswerIn, GuaranteePaidIn, ObjectionIn, SettlementIn
from xiangcun.agreements.tests.factories import agreement_data, draft, first_village, in_force, step
from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.core.inputs import parse
from xiangcun.core.tests.clock import server_date
from xiangcun.core.workdays import add_working_days

pytestmark = pytest.mark.django_db


def settle(year: int, profit: str, **more: object) -> SettlementIn:
    return parse(SettlementIn, {"year": year, "profit": profit, **more})


def test_draft_values_contributions_into_shares_summing_to_100(users):
    # given a collective with land and a house, a company with cash and an expert with technology
    # when the county drafts the agreement
    agreement = draft(users)
    # then contributions are valued by §3.1 and shares sum to exactly 100.00
    parties = list(agreement.parties.order_by("position"))
    assert [p.contribution for p in parties] == [
        Decimal("376000.00"),
        Decimal("600000.00"),
        Decimal("40000.00"),
    ]
    # land 20 × 800 × 10 = 160000; house 300 × 1200 × max(0.2, 1 − 20/50) = 216000
    assert sum(p.share for p in parties) == Decimal("100.00")
    assert agreement.total_contribution == Decimal("1016000.00")
    assert agreement.status == AgreementStatus.DRAFT
    assert len(agreement.code) == 18 and agreement.code.startswith("3715022")
    assert services.luhn_valid(agreement.code)


def test_contract_codes_are_sequential_and_unique(users):
    a, b = draft(users), draft(users)
    assert a.code != b.code
    assert int(b.code[10:17]) == int(a.code[10:17]) + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mode": "fifty_fifty"}, "mode"),
        (
            {
                "parties": [
                    {"role": "partner", "name": "甲", "contributions": [{"kind": "cash", "amount": "1"}]}
                ]
            },
            "parties",
        ),
        (
            {
                "parties": [
                    {
                        "role": "collective",
                        "name": "村集体",
                        "contributions": [
                            {"kind": "land", "area_mu": "-1", "annual_rent_per_mu": "800", "years": "5"}
                        ],
                    }
                ]
            },
            "parties[0].contributions[0].area_mu",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(users, change, field):
    before = Agreement.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.agreement_create(
            user=users["county"], draft=parse(AgreementIn, agreement_data(first_village(), **change))
        )
    assert exc.value.field == field
    assert Agreement.objects.count() == before


def test_county_admin_cannot_draft_for_another_county(users):
    with pytest.raises(AccessDenied):
        services.agreement_create(
            user=users["county"], draft=parse(AgreementIn, agreement_data(first_village("371581")))
        )


def test_workflow_to_in_force_is_audited(users):
    agreement = in_force(users)
    steps = list(AgreementEvent.objects.filter(agreement=agreement).values_list("from_status", "to_status"))
    assert steps == [
        ("", "draft"),
        ("draft", "approved"),
        ("approved", "publicized"),
        ("publicized", "signed"),
        ("signed", "in_force"),
    ]
    assert agreement.objection_deadline == add_working_days(dt.date(2024, 1, 8), 5) == dt.date(2024, 1, 12)


def test_illegal_transition_is_refused(users):
    agreement = draft(users)
    with pytest.raises(ApplicationError) as exc:
        services.agreement_transition(user=users["county"], agreement=agreement, step=step("signed"))
    assert exc.value.field == "to_status"


def test_assembly_without_quorum_is_refused(users):
    agreement = draft(users)
    with pytest.raises(ApplicationError) as exc:
        services.agreement_transition(
            user=users["county"],
            agreement=agreement,
            step=step(
                "approved",
                **{
                    "assembly_date": "2024-01-05",
                    "assembly_attendees": 30,
                    "assembly_present": 15,
                    "assembly_votes_for": 15,
                },
            ),
        )
    assert exc.value.field == "assembly_present"


def test_signing_waits_for_the_objection_period_and_answers(users):
    # given an agreement in 公示 from Friday 2024-09-27 (the National Day holiday follows)
    agreement = draft(users)
    county = users["county"]
    services.agreement_transition(
        user=county,
        agreement=agreement,
        step=step(
            "approved",
            **{
                "assembly_date": "2024-09-20",
                "assembly_attendees": 9,
                "assembly_present": 9,
                "assembly_votes_for": 9,
            },
        ),
    )
    with server_date(dt.date(2024, 9, 27)):  # 公示 is entered that day: it takes the server's date
        agreement = services.agreement_transition(user=county, agreement=agreement, step=step("publicized"))
    assert agreement.publicity_start == dt.date(2024, 9, 27)
    # then the deadline counts working days on the official calendar (09-29 is a 调休 working day)
    assert agreement.objection_deadline == dt.date(2024, 10, 9)
    objection = services.objection_record(
        user=county,
        agreement=agreement,
        objection=ObjectionIn(raised_by="村民甲", content="保底太低"),
        on=dt.date(2024, 9, 30),
    )
    # when signing before the deadline, or with an unanswered objection → refused
    with pytest.raises(ApplicationError) as early:
        services.agreement_transition(
            user=county,
            agreement=agreement,
            step=step("signed", **{"date": "2024-10-08"}),
        )
    assert early.value.field == "date"
    with pytest.raises(ApplicationError) as unanswered:
        services.agreement_transition(
            user=county,
            agreement=agreement,
            step=step("signed", **{"date": "2024-10-10"}),
        )
    assert unanswered.value.field == "objections"
    services.objection_answer(
        user=county, objection=objection, answer=AnswerIn(answer="保底已按评估上调", outcome="dismissed")
    )
    signed = services.agreement_transition(
        user=county,
        agreement=agreement,
        step=step("signed", **{"date": "2024-10-10"}),
    )
    assert signed.status == AgreementStatus.SIGNED


def test_town_admin_cannot_sign(users):
    agreement = draft(users)
    with pytest.raises(AccessDenied):
        services.agreement_transition(user=users["town"], agreement=agreement, step=step("signed"))


def test_settlement_reconciles_and_is_versioned(users):
    agreement = in_force(users)
    first = services.settlement_run(
        user=users["county"],
        agreement=agreement,
        settlement=settle(2024, "250000.00", labour=[{"household": "H001", "amount": "42000"}]),
    )
    result = first.result
    assert sum(Decimal(p["total"]) for p in result["parties"]) == Decimal("250000.00")
    assert sum(Decimal(h["dividend"]) for h in result["households"]) == first.distributed
    assert first.reserve + first.distributed == first.collective_income
    # a correction names the version it corrects, needs a reason, and keeps the first version
    with pytest.raises(ApplicationError) as exc:
        services.settlement_run(user=users["county"], agreement=agreement, settlement=settle(2024, "260000"))
    assert exc.value.field == "corrects_version" and "第 1 版" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        services.settlement_run(
            user=users["county"], agreement=agreement, settlement=settle(2024, "260000", corrects_version=1)
        )
    assert exc.value.field == "reason"
    second = services.settlement_run(
        user=users["county"],
        agreement=agreement,
        settlement=settle(2024, "260000", reason="审计调整利润", corrects_version=1),
    )
    assert second.version == 2 and second.corrects == first
    assert Settlement.objects.filter(agreement=agreement, year=2024).count() == 2
    assert selectors.settlement_current(agreement, 2024) == second


def test_settlement_of_an_agreement_not_in_force_writes_nothing(users):
    agreement = draft(users)
    with pytest.raises(ApplicationError) as exc:
        services.settlement_run(user=users["county"], agreement=agreement, settlement=settle(2024, "1000"))
    assert exc.value.field == "agreement"
    assert not Settlement.objects.filter(agreement=agreement).exists()


def test_labour_for_unknown_household_is_refused(users):
    agreement = in_force(users)
    with pytest.raises(ApplicationError) as exc:
        services.settlement_run(
            user=users["county"],
            agreement=agreement,
            settlement=settle(2024, "1000", labour=[{"household": "X9", "amount": "1"}]),
        )
    assert exc.value.field == "labour[0].household"


def test_guarantees_due_and_overdue(users):
    agreement = in_force(users)

    def states(today: dt.date) -> list[tuple[int, str]]:
        rows = selectors.guarantees_due(users["county"], today=today)
        return [(r.year, r.state) for r in rows if r.agreement == agreement]

    # In June 2025: 2024's guarantee was due by 31 March 2025 (overdue); 2025's is not owed yet
    assert states(dt.date(2025, 6, 1)) == [(2024, "已逾期"), (2025, "未到期")]
    # once 2025 has ended it is owed (待支付) until 31 March 2026, overdue from 1 April
    assert (2025, "待支付") in states(dt.date(2026, 1, 2))
    assert (2025, "待支付") in states(dt.date(2026, 3, 31))
    assert (2025, "已逾期") in states(dt.date(2026, 4, 1))
    # the desk's to-do counts only what is owed: never the running year
    assert [r.year for r in selectors.guarantees_payable(users["county"], today=dt.date(2025, 6, 1))
            if r.agreement == agreement] == [2024]  # fmt: skip
    services.guarantee_payment_record(
        user=users["county"],
        agreement=agreement,
        payment=parse(GuaranteePaidIn, {"year": 2024, "amount": "30000", "paid_on": "2025-03-20"}),
    )
    rows = [
        r
        for r in selectors.guarantees_due(users["county"], today=dt.date(2025, 6, 1))
        if r.agreement == agreement
    ]
    assert [(r.year, r.state) for r in rows] == [(2025, "未到期"), (2024, "已支付")]


def test_simulator_calls_settle_for_each_profit(users):
    agreement = in_force(users)
    series = selectors.simulate_scenarios(agreement)
    assert series["profits"] == ["60000.00", "200000.00", "300000.00"]
    for k, profit in enumerate(series["profits"]):
        assert sum(Decimal(p["incomes"][k]) for p in series["parties"]) == Decimal(profit)
    # the collective always gets at least its guarantee in additive mode
    assert all(Decimal(x) >= Decimal("30000") for x in series["parties"][0]["incomes"])
    assert len(series["households"]) == 3
