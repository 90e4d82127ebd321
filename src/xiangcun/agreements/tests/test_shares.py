"""Contributions → shares summing to 100.00, and the integer largest-remainder rule."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiangcun.agreements.shares import (
    PartyContribution,
    Role,
    ShareError,
    share_percentages,
    valuate_parties,
)
from xiangcun.core.money import integer_weights, split_units
from xiangcun.resources.valuation import AppraisedResource, HouseResource, LandResource

D = Decimal

fen_amounts = st.integers(0, 10**12).map(lambda n: D(n).scaleb(-2))


def test_example_contributions_give_the_contract_shares() -> None:
    # given the contract example's three contributions
    shares = share_percentages([D("1706847.17"), D("2000000.00"), D("150000.00")])
    # then the leftover 0.02 % go to the two largest remainders
    assert shares == [D("44.25"), D("51.86"), D("3.89")]


def test_equal_contributions_break_ties_by_input_order() -> None:
    assert share_percentages([D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]


def test_leftover_units_go_to_the_largest_remainders() -> None:
    # given weights 1 and 2 splitting 2 units: exact parts 2/3 and 4/3, remainders 2/3 and 1/3
    assert split_units(2, [1, 2]) == [1, 1]
    # given 3 units over weights 1, 1, 2: parts 0.75, 0.75, 1.5; the two 0.75 remainders win
    assert split_units(3, [1, 1, 2]) == [1, 1, 1]


def test_equal_remainders_go_to_the_larger_weight_then_the_earlier_part() -> None:
    # given 2 units over 1, 4, 1: parts 1/3, 4/3, 1/3, every remainder 1/3
    assert split_units(2, [1, 4, 1]) == [0, 2, 0]
    # given 1 unit over 1, 1: equal weights and remainders, the first part wins
    assert split_units(1, [1, 1]) == [1, 0]


def test_negative_totals_split_like_positive_ones() -> None:
    assert split_units(-10, [1, 2]) == [-3, -7]


@given(st.lists(fen_amounts, min_size=1, max_size=8).filter(any))
def test_shares_always_sum_to_exactly_100(contributions: list[Decimal]) -> None:
    # given any non-negative contributions, not all zero
    shares = share_percentages(contributions)
    # then the shares sum to 100.00 and each is within 0.01 % of its exact proportion
    assert sum(shares) == D("100.00")
    total = sum(contributions)
    for share, contribution in zip(shares, contributions, strict=True):
        assert share == share.quantize(D("0.01"))
        assert abs(Fraction(share) - Fraction(contribution) / Fraction(total) * 100) < Fraction(1, 100)


def test_integer_weights_keep_the_ratio() -> None:
    assert integer_weights([D("30.00"), D("70"), D("0.5")]) == [3000, 7000, 50]


def test_valuate_parties_sums_resources_cash_and_technology() -> None:
    # given the contract example's parties
    parties = [
        PartyContribution(
            "村集体",
            Role.COLLECTIVE,
            resources=(
                LandResource(D(120), D(800), D(15), D("0.05")),
                HouseResource(D(450), D(1200), D(12), D(50), D("0.2")),
                AppraisedResource(D(300000)),
            ),
        ),
        PartyContribution("合伙人", Role.PARTNER, cash=D(2000000)),
        PartyContribution("技术团队", Role.OTHER, technology=D(150000)),
    ]
    # when valued
    result = valuate_parties(parties)
    # then
    assert [r.value for r in result.resources] == [D("996447.17"), D("410400.00"), D("300000.00")]
    assert [(p.contribution, p.share) for p in result.parties] == [
        (D("1706847.17"), D("44.25")),
        (D("2000000.00"), D("51.86")),
        (D("150000.00"), D("3.89")),
    ]
    assert result.total == D("3856847.17")


def test_valuate_parties_requires_exactly_one_collective() -> None:
    with pytest.raises(ShareError) as caught:
        valuate_parties([PartyContribution("合伙人", Role.PARTNER, cash=D(1))])
    assert caught.value.field == "parties"
    with pytest.raises(ShareError) as caught:
        valuate_parties(
            [
                PartyContribution("甲村", Role.COLLECTIVE, cash=D(1)),
                PartyContribution("乙村", Role.COLLECTIVE, cash=D(1)),
            ]
        )
    assert caught.value.field == "parties[1].role"


def test_zero_total_contribution_is_refused() -> None:
    with pytest.raises(ShareError):
        valuate_parties([PartyContribution("村集体", Role.COLLECTIVE, cash=D(0))])
