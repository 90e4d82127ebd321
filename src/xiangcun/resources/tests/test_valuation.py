"""Valuation of land, houses and appraised resources (DESIGN.md §3.1)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiangcun.resources.valuation import (
    AppraisedResource,
    HouseResource,
    LandResource,
    ValuationError,
    annuity_factor,
    resource_value,
)

D = Decimal


def test_land_value_discounts_rent_as_an_annuity() -> None:
    # given 120 亩 at 800 yuan/亩/year for 15 years at 5 %
    land = LandResource(area_mu=D(120), annual_rent_per_mu=D(800), years=D(15), discount_rate=D("0.05"))
    # when valued
    value = resource_value(land)
    # then V = 96,000 × (1 − 1.05^−15) / 0.05, half-up to the fen
    assert value == D("996447.17")


def test_land_value_without_discount_is_rent_times_years() -> None:
    land = LandResource(area_mu=D("10.5"), annual_rent_per_mu=D("600.10"), years=D(30))
    assert resource_value(land) == D("189031.50")


def test_annuity_factor_with_zero_rate_is_the_years() -> None:
    assert annuity_factor(D(7), D(0)) == D(7)


def test_house_value_uses_straight_line_depreciation() -> None:
    # given a house 12 years into a 50-year life
    house = HouseResource(
        area_m2=D(450),
        rebuild_cost_per_m2=D(1200),
        age_years=D(12),
        useful_life_years=D(50),
        residual_rate=D("0.2"),
    )
    # then it keeps 76 % of its rebuild cost
    assert resource_value(house) == D("410400.00")


def test_old_house_is_worth_its_residual_rate() -> None:
    # given a house older than its useful life
    house = HouseResource(
        area_m2=D(100),
        rebuild_cost_per_m2=D(1000),
        age_years=D(60),
        useful_life_years=D(50),
        residual_rate=D("0.15"),
    )
    # then the residual rate floors its value
    assert resource_value(house) == D("15000.00")


def test_appraised_value_is_rounded_half_up() -> None:
    assert resource_value(AppraisedResource(D("300000.005"))) == D("300000.01")


def test_values_are_rounded_half_up_to_the_fen() -> None:
    # given 0.5 亩 at 0.01 yuan for 1 year: exactly half a fen
    land = LandResource(area_mu=D("0.5"), annual_rent_per_mu=D("0.01"), years=D(1))
    assert resource_value(land) == D("0.01")


@pytest.mark.parametrize(
    ("resource", "field"),
    [
        (LandResource(D(-1), D(800), D(15)), "area_mu"),
        (LandResource(D(1), D(-800), D(15)), "annual_rent_per_mu"),
        (LandResource(D(1), D(800), D(-1)), "years"),
        (LandResource(D(1), D(800), D(15), D(1)), "discount_rate"),
        (HouseResource(D(-1), D(1200), D(1), D(50)), "area_m2"),
        (HouseResource(D(1), D(1200), D(1), D(0)), "useful_life_years"),
        (HouseResource(D(1), D(1200), D(-1), D(50)), "age_years"),
        (HouseResource(D(1), D(1200), D(1), D(50), D("1.5")), "residual_rate"),
        (AppraisedResource(D(-5)), "appraised_value"),
    ],
)
def test_invalid_resources_are_refused_with_the_field(resource: object, field: str) -> None:
    with pytest.raises(ValuationError) as caught:
        resource_value(resource)  # type: ignore[arg-type]
    assert caught.value.field == field


@given(
    area=st.integers(0, 10_000),
    rent=st.integers(0, 5_000),
    years=st.integers(1, 70),
    rate_permille=st.integers(1, 200),
)
def test_land_value_matches_exact_rational_annuity(
    area: int, rent: int, years: int, rate_permille: int
) -> None:
    # given any land lease with an integer number of years
    r = Fraction(rate_permille, 1000)
    exact = area * rent * (1 - (1 + r) ** -years) / r
    land = LandResource(D(area), D(rent), D(years), D(rate_permille) / 1000)
    # then V is the exact value rounded half-up to the fen (within the last digit's noise)
    value = resource_value(land)
    assert abs(Fraction(value) - exact) <= Fraction(1, 200) + Fraction(1, 10**20)
