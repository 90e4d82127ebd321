from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiangcun.core.money import FEN, MoneyError, apportion, fen, largest_remainder, to_decimal


def test_fen_rounds_half_up():
    assert fen("0.005") == Decimal("0.01")
    assert fen("2.675") == Decimal("2.68")
    assert fen(-1.005) == Decimal("-1.01")


def test_to_decimal_reads_strings_with_thousands_separators_and_rejects_junk():
    assert to_decimal("1,200.50") == Decimal("1200.50")
    assert to_decimal(0.1) == Decimal("0.1")
    for bad in ("abc", True, None, "NaN", float("inf"), "1,2", "12,34.5"):
        with pytest.raises(MoneyError):
            to_decimal(bad)


def test_largest_remainder_gives_leftover_fen_to_largest_remainders():
    # 164800.00 by 3:2:4 -> 54933.33 + 36622.22 + 73244.44 = 164799.99; the fen goes to the .444 part.
    parts = largest_remainder(Decimal("164800.00"), [Decimal(3), Decimal(2), Decimal(4)])
    assert parts == [Decimal("54933.33"), Decimal("36622.22"), Decimal("73244.45")]


def test_largest_remainder_ties_go_to_larger_weight_then_input_order():
    assert largest_remainder(Decimal("0.02"), [Decimal(1), Decimal(1), Decimal(1)]) == [
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0.00"),
    ]
    assert largest_remainder(Decimal("0.01"), [Decimal(1), Decimal(2), Decimal(2), Decimal(1)], unit=FEN) == [
        Decimal("0.00"),
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]


def test_largest_remainder_splits_a_loss_like_a_profit():
    assert largest_remainder(Decimal("-100.00"), [Decimal(1), Decimal(2)]) == [
        Decimal("-33.33"),
        Decimal("-66.67"),
    ]


def test_largest_remainder_rejects_bad_weights():
    with pytest.raises(MoneyError):
        largest_remainder(Decimal("1.00"), [Decimal(0), Decimal(0)])
    with pytest.raises(MoneyError):
        largest_remainder(Decimal("1.00"), [Decimal(-1), Decimal(2)])
    with pytest.raises(MoneyError):
        largest_remainder(Decimal("1.001"), [Decimal(1)])


amounts = st.integers(min_value=-(10**12), max_value=10**12).map(lambda n: Decimal(n) / 100)
weights = st.lists(st.integers(min_value=0, max_value=10**6).map(Decimal), min_size=1, max_size=30).filter(
    lambda ws: sum(ws) > 0
)


@given(amounts, weights)
def test_largest_remainder_parts_sum_exactly_and_stay_within_a_fen_of_the_exact_share(total, ws):
    parts = largest_remainder(total, ws)
    assert sum(parts) == total
    wsum = sum(ws)
    for part, w in zip(parts, ws, strict=True):
        assert part % FEN == 0
        assert abs(part - total * w / wsum) < FEN


@given(st.integers(min_value=0, max_value=10**6), st.lists(st.floats(0.001, 1e4), min_size=1, max_size=50))
def test_apportion_counts_sum_exactly(total, ws):
    counts = apportion(total, ws)
    assert sum(counts) == total
    assert all(c >= 0 for c in counts)


def test_format_wan_shows_yuan_as_wan_with_at_most_two_decimals():
    from xiangcun.core.money import format_wan

    assert format_wan(Decimal("500000")) == "50"
    assert format_wan(Decimal("125000")) == "12.5"
    assert format_wan(Decimal("1234567.8")) == "123.46"
    assert format_wan(Decimal("1234550")) == "123.46"  # half-up
    assert format_wan(Decimal("123456789012")) == "12,345,678.9"
    assert format_wan(Decimal("0.01")) == "0"
    assert format_wan(Decimal("-500000")) == "-50"


def test_wan_filter_renders_in_templates():
    from django.template import Context, Template

    rendered = Template("{% load money %}{{ a|wan }}|{{ b|wan|default:'—' }}").render(
        Context({"a": Decimal("1500000.00"), "b": None})
    )
    assert rendered == "150|—"
