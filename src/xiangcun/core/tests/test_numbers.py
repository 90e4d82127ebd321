"""The one rule for numbers as people type them (``core.money.number_text``, used by every input
model through ``core.inputs.number`` and by the resource, policy and agreement parsers): a comma
separates groups of three digits of the whole part, nowhere else; nothing is ever silently changed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from xiangcun.core.errors import ApplicationError
from xiangcun.core.inputs import Count, InputError, Money, Quantity, number, parse
from xiangcun.core.money import GroupingError, money_zh, number_text, to_decimal


class AreaIn(BaseModel):
    area: Quantity = Field(title="面积")


class PaidIn(BaseModel):
    amount: Money = Field(title="金额")
    jobs: Count = Field(0, title="岗位数")


class RuledIn(BaseModel):
    """Any finite decimal through the rule, so that the properties are about the rule, not bounds."""

    value: Annotated[Decimal, number] = Field(title="数值")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1,250", Decimal(1250)),
        ("1,250,000.5", Decimal("1250000.5")),
        ("１，２５０", Decimal(1250)),  # full width, as a Chinese keyboard types it (NFKC)
        ("１２５０．５", Decimal("1250.5")),
        (" 12.5 ", Decimal("12.5")),
        ("999", Decimal(999)),
    ],
)
def test_groups_of_three_are_read_as_people_mean_them(typed: str, read: Decimal) -> None:
    assert parse(AreaIn, {"area": typed}).area == read
    assert to_decimal(typed) == read


@pytest.mark.parametrize(
    "typed", ["12,5", "1,25", ",125", "1,2345", "1234,567", "1,250.5,6", "1_000", "12_5"]
)
def test_a_misplaced_separator_is_refused_with_a_message_naming_the_field(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        parse(AreaIn, {"area": typed})
    assert refused.value.message == "面积：数字分组须每三位一个逗号，如 1,250"
    assert refused.value.field == "area"
    with pytest.raises(GroupingError):
        to_decimal(typed)


def test_money_and_counts_follow_the_same_rule() -> None:
    assert parse(PaidIn, {"amount": "4,500.00", "jobs": "1,200"}) == PaidIn(amount=Decimal(4500), jobs=1200)
    with pytest.raises(InputError, match=r"^岗位数：数字分组"):
        parse(PaidIn, {"amount": "1", "jobs": "1_0"})
    with pytest.raises(InputError, match=r"^金额：数字分组"):
        parse(PaidIn, {"amount": "12,50"})


def test_a_bound_is_shown_as_a_number_not_as_python() -> None:
    with pytest.raises(InputError) as refused:
        parse(AreaIn, {"area": "2,000,000,000"})
    assert refused.value.message == "面积：不能大于 1,000,000,000"


finite = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: d.is_finite())


@given(finite)
def test_any_decimal_written_with_group_separators_reads_back_exactly(value: Decimal) -> None:
    text = f"{value:,}"
    assert Decimal(number_text(text)) == value
    assert parse(RuledIn, {"value": text}).value == value


@given(
    whole=st.text(alphabet="0123456789", min_size=1, max_size=15),
    fraction=st.none() | st.text(alphabet="0123456789", min_size=1, max_size=4),
    commas=st.sets(st.integers(min_value=0, max_value=20), min_size=1, max_size=5),
)
def test_a_comma_anywhere_but_between_groups_of_three_is_always_refused(
    whole: str, fraction: str | None, commas: set[int]
) -> None:
    digits = whole + ("." + fraction if fraction is not None else "")
    positions = sorted({p for p in commas if p <= len(digits)}, reverse=True)
    assume(positions)
    text = digits
    for p in positions:
        text = text[:p] + "," + text[p:]
    well_grouped = re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text) is not None
    if well_grouped:
        assert Decimal(number_text(text)) == Decimal(digits)
    else:
        with pytest.raises(GroupingError):
            number_text(text)
        with pytest.raises(ApplicationError, match="数字分组须每三位一个逗号"):
            parse(RuledIn, {"value": text})


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        ("6000", "6,000 元"),
        ("0.5", "0.5 元"),
        ("8000.25", "8,000.25 元"),
        ("499999.99", "50 万元"),
        ("1000000.2", "100 万元"),
        ("12000000", "1,200 万元"),
        ("1234567", "123.46 万元"),
    ],
)
def test_amounts_read_in_wan_from_ten_thousand_with_at_most_two_decimals(yuan: str, shown: str) -> None:
    assert money_zh(Decimal(yuan)) == shown


def test_a_shortfall_is_rounded_up_so_that_the_amount_shown_is_enough() -> None:
    assert money_zh(Decimal("123401"), up=True) == "12.35 万元"
    assert money_zh(Decimal("123401")) == "12.34 万元"
