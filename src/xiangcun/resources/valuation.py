"""Valuation of village resources for 资源折价入股 (DESIGN.md §3.1). Pure Python, no Django.

Three kinds of resource, each valued by one formula and rounded half-up to the fen:

- land (耕地, 林地, 坑塘, 集体经营性建设用地…): the present value of the rent it would earn,
  ``V = area_mu × annual_rent_per_mu × F`` with ``F = years`` when ``discount_rate == 0`` and
  otherwise the annuity factor ``F = (1 − (1 + r)^−years) / r``;
- house (闲置农房, 旧村委会院落…): depreciated rebuild cost,
  ``V = area_m2 × rebuild_cost_per_m2 × max(residual_rate, 1 − age_years / useful_life_years)``;
- appraised (文化资产, equipment…): ``V = appraised_value`` (an independent appraisal).

Only the final value is rounded; every intermediate product is carried at 40 significant digits
so that the order of multiplication never changes a fen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from xiangcun.core.errors import ApplicationError, Message, Msg
from xiangcun.core.money import FEN

ZERO = Decimal(0)
ONE = Decimal(1)
_PRECISION = 40


class ValuationError(ApplicationError):
    """An input a resource cannot be valued from (negative area, rate out of range…)."""


@dataclass(frozen=True, slots=True)
class LandResource:
    """Land valued by its capitalised rent: area in 亩, rent in yuan per 亩 per year."""

    area_mu: Decimal
    annual_rent_per_mu: Decimal
    years: Decimal
    discount_rate: Decimal = ZERO
    name: str = ""


@dataclass(frozen=True, slots=True)
class HouseResource:
    """A building valued at its rebuild cost less straight-line depreciation, floored at a residual."""

    area_m2: Decimal
    rebuild_cost_per_m2: Decimal
    age_years: Decimal
    useful_life_years: Decimal
    residual_rate: Decimal = ZERO
    name: str = ""


@dataclass(frozen=True, slots=True)
class AppraisedResource:
    """Anything with an appraisal report (cultural assets, equipment, brands…)."""

    appraised_value: Decimal
    name: str = ""


Resource = LandResource | HouseResource | AppraisedResource


def _require(condition: bool, field: str, message: Message) -> None:
    if not condition:
        raise ValuationError(message, field=field)


def annuity_factor(years: Decimal, discount_rate: Decimal) -> Decimal:
    """``years`` if the rate is zero, else ``(1 − (1 + r)^−years) / r`` (unrounded, 40 digits).

    The rate must lie in [0, 1): a rate of 5 % is written ``0.05``; ``years`` must be ≥ 0 and may
    be fractional (a lease ending mid-year).
    """
    _require(years >= 0, "years", "年限不能为负数")
    _require(ZERO <= discount_rate < ONE, "discount_rate", "折现率须在 0 与 1 之间（5% 写作 0.05）")
    if discount_rate == 0:
        return years
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return (ONE - (ONE + discount_rate) ** -years) / discount_rate


def land_value(land: LandResource) -> Decimal:
    """``area_mu × annual_rent_per_mu × F``, half-up to the fen."""
    _require(land.area_mu >= 0, "area_mu", "面积不能为负数")
    _require(land.annual_rent_per_mu >= 0, "annual_rent_per_mu", "每亩年租金不能为负数")
    factor = annuity_factor(land.years, land.discount_rate)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        exact = land.area_mu * land.annual_rent_per_mu * factor
        return exact.quantize(FEN, rounding=ROUND_HALF_UP)


def house_value(house: HouseResource) -> Decimal:
    """``area_m2 × rebuild_cost_per_m2 × max(residual_rate, 1 − age / useful_life)``, half-up to the fen.

    A house older than its useful life is worth its residual share of the rebuild cost, never less.
    """
    _require(house.area_m2 >= 0, "area_m2", "面积不能为负数")
    _require(house.rebuild_cost_per_m2 >= 0, "rebuild_cost_per_m2", "每平方米重置成本不能为负数")
    _require(house.age_years >= 0, "age_years", "房龄不能为负数")
    _require(house.useful_life_years > 0, "useful_life_years", "使用年限须大于 0")
    _require(ZERO <= house.residual_rate <= ONE, "residual_rate", "残值率须在 0 与 1 之间")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        remaining = max(house.residual_rate, ONE - house.age_years / house.useful_life_years)
        exact = house.area_m2 * house.rebuild_cost_per_m2 * remaining
        return exact.quantize(FEN, rounding=ROUND_HALF_UP)


def appraised_value(resource: AppraisedResource) -> Decimal:
    """The appraisal itself, half-up to the fen."""
    _require(resource.appraised_value >= 0, "appraised_value", "评估价值不能为负数")
    return resource.appraised_value.quantize(FEN, rounding=ROUND_HALF_UP)


def resource_value(resource: Resource) -> Decimal:
    """The value V of one resource in yuan, rounded half-up to the fen (DESIGN.md §3.1)."""
    if isinstance(resource, LandResource):
        return land_value(resource)
    if isinstance(resource, HouseResource):
        return house_value(resource)
    return appraised_value(resource)


# ------------------------------------------------------------------------------------------------
# The basis of a value, as people read it


def _figure(value: object) -> str:
    """``1200`` → ``1,200``; ``20.50`` → ``20.5`` (no code, no exponent)."""
    number = Decimal(str(value))
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(value: object) -> str:
    return f"{_figure(Decimal(str(value)) * 100)}%"


def basis(kind: str, params: Mapping[str, object]) -> Msg | None:
    """What a resource's value was computed from, in words and units, e.g. land
    ``20 亩 × 800 元/亩·年 × 10 年，折现率 3%``; house ``300 平方米 × 1,200 元/平方米，房龄 20 年、
    使用年限 50 年，残值率 20%``. ``None`` for an appraised value (the value is its own basis) or
    parameters that are not all there."""
    try:
        if kind == "land":
            text = Msg(
                "{area} 亩 × {rent} 元/亩·年 × {years} 年",
                area=_figure(params["area_mu"]),
                rent=_figure(params["annual_rent_per_mu"]),
                years=_figure(params["years"]),
            )
            rate = params.get("discount_rate")
            if rate not in (None, "") and Decimal(str(rate)) != 0:
                return Msg("{basis}，折现率 {rate}", basis=text, rate=_percent(rate))
            return text
        if kind == "house":
            text = Msg(
                "{area} 平方米 × {cost} 元/平方米，房龄 {age} 年、使用年限 {life} 年",
                area=_figure(params["area_m2"]),
                cost=_figure(params["rebuild_cost_per_m2"]),
                age=_figure(params["age_years"]),
                life=_figure(params["useful_life_years"]),
            )
            residual = params.get("residual_rate")
            if residual not in (None, "") and Decimal(str(residual)) != 0:
                return Msg("{basis}，残值率 {rate}", basis=text, rate=_percent(residual))
            return text
    except (KeyError, ArithmeticError, ValueError):
        return None
    return None
