"""Annual settlement (DESIGN.md §3.2): both modes, losses, reserve, households, labour."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiangcun.agreements.settlement import (
    LabourPayment,
    Member,
    Mode,
    SettlementError,
    SettlementInput,
    SettlementParty,
    SettlementResult,
    settle,
)
from xiangcun.agreements.shares import Role, ShareError
from xiangcun.core.errors import ApplicationError

D = Decimal
COLLECTIVE = SettlementParty("村集体", Role.COLLECTIVE, D("30.00"))
PARTNER = SettlementParty("合伙人", Role.PARTNER, D("70.00"))


def two_party(profit: str, guarantee: str, mode: Mode, **extra: object) -> SettlementInput:
    return SettlementInput(
        profit=D(profit),
        mode=mode,
        guarantee=D(guarantee),
        parties=(COLLECTIVE, PARTNER),
        **extra,  # type: ignore[arg-type]
    )


def rows(result: SettlementResult) -> list[tuple[str, str, str, str]]:
    return [(str(p.guarantee), str(p.dividend), str(p.adjustment), str(p.total)) for p in result.parties]


# --- additive --------------------------------------------------------------------------------


def test_additive_example_from_the_contract() -> None:
    # given 500,000 profit, a guarantee of 80,000 and shares 30/70
    inp = two_party(
        "500000",
        "80000",
        Mode.ADDITIVE,
        reserve_rate=D("0.20"),
        members=(Member("H001", D(3)), Member("H002", D(2)), Member("H003", D(4))),
        labour=(LabourPayment("H001", D(12000)), LabourPayment("H003", D("8600.50"))),
    )
    # when settled
    result = settle(inp)
    # then the collective gets its guarantee plus 30 % of the rest
    assert rows(result) == [
        ("80000.00", "126000.00", "0.00", "206000.00"),
        ("0.00", "294000.00", "0.00", "294000.00"),
    ]
    assert result.collective_income == D("206000.00")
    assert result.reserve == D("41200.00")
    assert result.distributed_to_members == D("164800.00")
    assert [(h.household_id, str(h.dividend), str(h.labour), str(h.total)) for h in result.households] == [
        ("H001", "54933.33", "12000.00", "66933.33"),
        ("H002", "36622.22", "0.00", "36622.22"),
        ("H003", "73244.45", "8600.50", "81844.95"),
    ]


def test_additive_guarantee_larger_than_profit_is_paid_by_the_partners() -> None:
    # given a profit smaller than the guarantee
    result = settle(two_party("50000", "80000", Mode.ADDITIVE))
    # then the collective still gets 80,000 and the partner pays the 30,000 shortfall
    assert rows(result) == [
        ("80000.00", "0.00", "0.00", "80000.00"),
        ("0.00", "0.00", "-30000.00", "-30000.00"),
    ]
    assert result.total == D("50000.00")


def test_additive_loss_is_borne_by_the_partners_with_the_guarantee() -> None:
    result = settle(two_party("-100000", "80000", Mode.ADDITIVE))
    assert rows(result) == [
        ("80000.00", "0.00", "0.00", "80000.00"),
        ("0.00", "0.00", "-180000.00", "-180000.00"),
    ]


def test_additive_shortfall_is_shared_by_the_partners_shares() -> None:
    # given two partners holding 50 % and 30 %
    parties = (
        SettlementParty("村集体", Role.COLLECTIVE, D(20)),
        SettlementParty("甲", Role.PARTNER, D(50)),
        SettlementParty("乙", Role.OTHER, D(30)),
    )
    result = settle(SettlementInput(D(10000), Mode.ADDITIVE, D(30000), parties))
    # then the 20,000 shortfall is split 5:3
    assert [str(p.adjustment) for p in result.parties] == ["0.00", "-12500.00", "-7500.00"]


def test_additive_pool_of_exactly_zero_pays_only_the_guarantee() -> None:
    result = settle(two_party("80000", "80000", Mode.ADDITIVE))
    assert rows(result) == [
        ("80000.00", "0.00", "0.00", "80000.00"),
        ("0.00", "0.00", "0.00", "0.00"),
    ]


def test_collective_alone_bears_its_own_shortfall() -> None:
    # given the collective holds every share: nobody else can pay for the guarantee
    parties = (SettlementParty("村集体", Role.COLLECTIVE, D(100)), SettlementParty("顾问", Role.OTHER, D(0)))
    result = settle(SettlementInput(D(50000), Mode.ADDITIVE, D(80000), parties))
    # then the collective's total is simply the profit
    assert rows(result) == [
        ("80000.00", "0.00", "-30000.00", "50000.00"),
        ("0.00", "0.00", "0.00", "0.00"),
    ]


# --- higher_of -------------------------------------------------------------------------------


def test_higher_of_keeps_the_dividend_when_it_beats_the_guarantee() -> None:
    result = settle(two_party("500000", "80000", Mode.HIGHER_OF))
    assert rows(result) == [
        ("0.00", "150000.00", "0.00", "150000.00"),
        ("0.00", "350000.00", "0.00", "350000.00"),
    ]


def test_higher_of_tops_up_the_guarantee_from_the_partners() -> None:
    # given a 30 % dividend of 60,000 under a guarantee of 80,000
    result = settle(two_party("200000", "80000", Mode.HIGHER_OF))
    # then the partner pays the 20,000 difference
    assert rows(result) == [
        ("0.00", "60000.00", "20000.00", "80000.00"),
        ("0.00", "140000.00", "-20000.00", "120000.00"),
    ]


def test_higher_of_loss_still_pays_the_guarantee() -> None:
    result = settle(two_party("-100000", "80000", Mode.HIGHER_OF))
    assert rows(result) == [
        ("0.00", "-30000.00", "110000.00", "80000.00"),
        ("0.00", "-70000.00", "-110000.00", "-180000.00"),
    ]
    assert result.total == D("-100000.00")


def test_higher_of_with_zero_guarantee_keeps_the_collective_out_of_a_loss() -> None:
    # given a loss and a guarantee of zero: the higher of 0 and a negative dividend is 0
    result = settle(two_party("-100000", "0", Mode.HIGHER_OF))
    # then the partner tops the collective up to zero
    assert rows(result) == [
        ("0.00", "-30000.00", "30000.00", "0.00"),
        ("0.00", "-70000.00", "-30000.00", "-100000.00"),
    ]


def test_a_collective_loss_is_charged_to_the_reserve_and_households_pay_nothing() -> None:
    # given the collective alone bears a loss
    inp = SettlementInput(
        D(-1000),
        Mode.HIGHER_OF,
        D(0),
        (SettlementParty("村集体", Role.COLLECTIVE, D(100)),),
        reserve_rate=D("0.1"),
        members=(Member("H001", D(1)), Member("H002", D(1))),
        labour=(LabourPayment("H002", D(500)),),
    )
    result = settle(inp)
    # then the loss goes to its reserve; households get their labour income only
    assert result.collective_income == D("-1000.00")
    assert result.reserve == D("-1000.00")
    assert result.distributed_to_members == D("0.00")
    assert [(str(h.dividend), str(h.total)) for h in result.households] == [
        ("0.00", "0.00"),
        ("0.00", "500.00"),
    ]


# --- second level ----------------------------------------------------------------------------


def test_reserve_is_rounded_half_up() -> None:
    # given collective income 0.05 with a 10 % reserve: 0.005 rounds up to 0.01
    parties = (SettlementParty("村集体", Role.COLLECTIVE, D(100)),)
    result = settle(SettlementInput(D("0.05"), Mode.ADDITIVE, D(0), parties, reserve_rate=D("0.1")))
    assert result.reserve == D("0.01")
    assert result.distributed_to_members == D("0.04")


def test_labour_payments_to_one_household_are_added_up() -> None:
    inp = two_party(
        "1000",
        "0",
        Mode.ADDITIVE,
        members=(Member("H001", D(1)),),
        labour=(LabourPayment("H001", D(100)), LabourPayment("H001", D("0.50"))),
    )
    assert settle(inp).households[0].labour == D("100.50")


def test_without_members_there_are_no_statements() -> None:
    result = settle(two_party("1000", "0", Mode.ADDITIVE, reserve_rate=D("0.5")))
    assert result.households == ()
    assert result.reserve + result.distributed_to_members == result.collective_income


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inp", "field"),
    [
        (SettlementInput(D(1), Mode.ADDITIVE, D(0), (PARTNER,)), "parties"),
        (SettlementInput(D(1), Mode.ADDITIVE, D(0), (COLLECTIVE, COLLECTIVE)), "parties[1].id"),
        (SettlementInput(D(1), Mode.ADDITIVE, D(0), (COLLECTIVE,)), "parties"),
        (two_party("1", "-1", Mode.ADDITIVE), "guarantee"),
        (two_party("0.001", "0", Mode.ADDITIVE), "profit"),
        (two_party("1", "0", Mode.ADDITIVE, reserve_rate=D("1.5")), "reserve_rate"),
        (two_party("1", "0", Mode.ADDITIVE, members=(Member("H1", D(0)),)), "members"),
        (
            two_party(
                "1", "0", Mode.ADDITIVE, members=(Member("H1", D(1)),), labour=(LabourPayment("H9", D(1)),)
            ),
            "labour[0].household",
        ),
        (
            two_party(
                "1", "0", Mode.ADDITIVE, members=(Member("H1", D(1)),), labour=(LabourPayment("H1", D(-1)),)
            ),
            "labour[0].amount",
        ),
    ],
)
def test_bad_settlement_input_names_the_field(inp: SettlementInput, field: str) -> None:
    with pytest.raises((SettlementError, ShareError)) as caught:
        settle(inp)
    assert isinstance(caught.value, ApplicationError)
    assert caught.value.field == field


# --- properties ------------------------------------------------------------------------------


@st.composite
def settlement_inputs(draw: st.DrawFn) -> SettlementInput:
    n = draw(st.integers(1, 5))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1)))
    units = [b - a for a, b in zip([0, *cuts], [*cuts, 10_000], strict=True)]
    collective = draw(st.integers(0, n - 1))
    parties = tuple(
        SettlementParty(
            f"P{i}",
            Role.COLLECTIVE if i == collective else draw(st.sampled_from([Role.PARTNER, Role.OTHER])),
            D(u).scaleb(-2),
        )
        for i, u in enumerate(units)
    )
    m = draw(st.integers(0, 8))
    member_shares = draw(
        st.lists(st.integers(0, 20), min_size=m, max_size=m).filter(lambda xs: not xs or any(xs))
    )
    members = tuple(Member(f"H{i:03d}", D(s)) for i, s in enumerate(member_shares))
    labour: tuple[LabourPayment, ...] = ()
    if members:
        labour = tuple(
            LabourPayment(draw(st.sampled_from(members)).member_id, D(draw(st.integers(0, 10**7))).scaleb(-2))
            for _ in range(draw(st.integers(0, 5)))
        )
    return SettlementInput(
        profit=D(draw(st.integers(-(10**10), 10**10) | st.sampled_from([0, 1, -1]))).scaleb(-2),
        mode=draw(st.sampled_from(Mode)),
        guarantee=D(draw(st.integers(0, 10**9))).scaleb(-2),
        parties=parties,
        reserve_rate=D(draw(st.integers(0, 100))).scaleb(-2),
        members=members,
        labour=labour,
    )


@given(settlement_inputs())
def test_party_totals_always_sum_to_the_profit(inp: SettlementInput) -> None:
    result = settle(inp)
    assert sum(p.total for p in result.parties) == inp.profit
    assert result.total == inp.profit
    for p in result.parties:
        assert p.total == p.guarantee + p.dividend + p.adjustment
        assert p.total == p.total.quantize(D("0.01"))


@given(settlement_inputs())
def test_mode_rules_hold(inp: SettlementInput) -> None:
    result = settle(inp)
    c = next(i for i, p in enumerate(inp.parties) if p.role == Role.COLLECTIVE)
    collective = result.parties[c]
    others_hold_shares = any(p.share for i, p in enumerate(inp.parties) if i != c)
    if inp.mode == Mode.ADDITIVE:
        assert collective.guarantee == inp.guarantee
        pool = inp.profit - inp.guarantee
        if pool > 0:
            assert sum(p.dividend for p in result.parties) == pool
            assert all(p.adjustment == 0 for p in result.parties)
        elif others_hold_shares:
            assert sum(p.adjustment for p in result.parties) == pool
            assert collective.total == inp.guarantee
    else:
        assert sum(p.dividend for p in result.parties) == inp.profit
        if others_hold_shares:
            assert collective.total == max(collective.dividend, inp.guarantee)
    # every party's dividend is within one fen of its exact share of what was split
    split = inp.profit if inp.mode == Mode.HIGHER_OF else max(inp.profit - inp.guarantee, D(0))
    for party, payout in zip(inp.parties, result.parties, strict=True):
        exact = Fraction(split) * Fraction(party.share) / 100
        assert abs(Fraction(payout.dividend) - exact) < Fraction(1, 100)


@given(settlement_inputs())
def test_household_dividends_sum_to_collective_income_minus_reserve(inp: SettlementInput) -> None:
    result = settle(inp)
    assert result.reserve + result.distributed_to_members == result.collective_income
    if result.collective_income > 0:
        exact_reserve = Fraction(result.collective_income) * Fraction(inp.reserve_rate)
        assert abs(Fraction(result.reserve) - exact_reserve) <= Fraction(1, 200)
    if inp.members:
        dividends = sum((h.dividend for h in result.households), D(0))
        assert dividends == max(result.distributed_to_members, D(0))
        assert sum((h.labour for h in result.households), D(0)) == sum((p.amount for p in inp.labour), D(0))
        for h in result.households:
            assert h.total == h.dividend + h.labour
            assert h.dividend >= 0
