"""Funding selection (DESIGN.md §3.3): scores, ranking, the exact optimum and its tie-break."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.funding.selection import (
    CRITERIA,
    Application,
    Mode,
    SelectionError,
    Weights,
    greedy_select,
    normalise,
    optimal_subset,
    ranking_order,
    score_units,
    select,
)

D = Decimal
EXAMPLE_WEIGHTS = Weights(D("0.3"), D("0.2"), D("0.2"), D("0.15"), D("0.15"))


def example_applications() -> list[Application]:
    return [
        Application("A1", D(800000), D(3000000), D(250000), D(80), D(400000), D(120000)),
        Application("A2", D(1500000), D(9000000), D(600000), D(70), D(900000), D(200000)),
        Application("A3", D(600000), D(1200000), D(80000), D(95), D(300000), D(150000)),
        Application("A4", D(1200000), D(5000000), D(300000), D(60), D(500000), D(90000)),
    ]


def brute_force(costs: list[int], values: list[int], capacity: int) -> list[bool]:
    """The best subset by (total value, then lexicographically greatest in index order)."""
    best: tuple[int, tuple[bool, ...]] | None = None
    for picks in itertools.product((True, False), repeat=len(costs)):
        if sum(c for c, p in zip(costs, picks, strict=True) if p) > capacity:
            continue
        key = (sum(v for v, p in zip(values, picks, strict=True) if p), picks)
        if best is None or key > best:
            best = key
    assert best is not None
    return list(best[1])


def test_example_scores_ranking_and_selection() -> None:
    # given the contract example's round
    result = select(example_applications(), EXAMPLE_WEIGHTS, D(3000000))
    # then
    assert [(r.app_id, str(r.score)) for r in result.ranking] == [
        ("A2", "85.7143"),
        ("A1", "31.4810"),
        ("A3", "28.1818"),
        ("A4", "28.0769"),
    ]
    assert result.selected == ("A2", "A1", "A3")
    assert result.total_requested == D("2900000.00")
    assert result.total_score == D("145.3771")
    assert [(o.app_id, o.reason) for o in result.left_out] == [
        ("A4", "budget: 1200000.00 requested, 100000.00 left")
    ]


def test_normalisation_of_equal_values_is_one() -> None:
    assert normalise([D(5), D(5)]) == [1, 1]
    assert normalise([D(0), D(5), D(10)]) == [0, Fraction(1, 2), 1]


def test_scores_round_half_up_to_four_decimals() -> None:
    # given two applications differing only in investment, weight 1/2 there and 1/2 on a tie
    apps = [
        Application("X", D(1), D(0), D(1), D(1), D(1), D(1)),
        Application("Y", D(1), D(3), D(1), D(1), D(1), D(1)),
        Application("Z", D(1), D(1), D(1), D(1), D(1), D(1)),
    ]
    weights = Weights(D("0.5"), D("0.5"), D(0), D(0), D(0))
    # then Z = 100 × (0.5 × 1/3 + 0.5) = 66.66666… → 66.6667
    assert score_units(apps, weights) == [500000, 1000000, 666667]


def test_weights_must_sum_to_one() -> None:
    with pytest.raises(SelectionError) as caught:
        select(example_applications(), Weights(D(1), D(1), D(0), D(0), D(0)), D(1))
    assert caught.value.field == "weights"


def test_equal_scores_rank_in_input_order() -> None:
    assert ranking_order([5, 7, 5, 7]) == [1, 3, 0, 2]


def test_optimum_beats_greedy_on_a_classic_trap() -> None:
    # given a top-ranked application that crowds out two good ones
    apps = [
        Application("big", D(60), D(100), D(100), D(100), D(100), D(100)),
        Application("s1", D(50), D(90), D(90), D(90), D(90), D(90)),
        Application("s2", D(50), D(90), D(90), D(90), D(90), D(90)),
        Application("low", D(50), D(0), D(0), D(0), D(0), D(0)),
    ]
    # when selecting within 100
    exact = select(apps, EXAMPLE_WEIGHTS, D(100))
    greedy = greedy_select(apps, EXAMPLE_WEIGHTS, D(100))
    # then the optimum takes s1 and s2; walking the ranking takes only "big"
    assert exact.selected == ("s1", "s2")
    assert greedy.selected == ("big",)
    assert exact.total_score > greedy.total_score


def test_min_score_leaves_out_weak_applications_with_a_reason() -> None:
    result = select(example_applications(), EXAMPLE_WEIGHTS, D(10_000_000), min_score=D(30))
    assert result.selected == ("A2", "A1")
    assert [(o.app_id, o.kind, o.reason) for o in result.left_out] == [
        ("A3", "min_score", "min_score: 28.1818 scored, 30 required"),
        ("A4", "min_score", "min_score: 28.0769 scored, 30 required"),
    ]


def test_a_zero_score_application_that_fits_is_still_funded() -> None:
    # given one application worse on every criterion than the other: it scores 0
    apps = [
        Application("good", D(10), D(2), D(2), D(2), D(2), D(2)),
        Application("weak", D(10), D(1), D(1), D(1), D(1), D(1)),
    ]
    result = select(apps, EXAMPLE_WEIGHTS, D(20))
    assert [str(r.score) for r in result.ranking] == ["100.0000", "0.0000"]
    # then, money being left, it is funded too (the tie-break prefers taking it)
    assert result.selected == ("good", "weak")


def test_ties_between_equal_applications_follow_the_ranking() -> None:
    # given identical applications: every score is 100 (all equal → norm 1)
    apps = [Application(f"A{i}", D(10), D(1), D(1), D(1), D(1), D(1)) for i in range(3)]
    # when the budget covers two
    result = select(apps, EXAMPLE_WEIGHTS, D(25))
    # then the first two in ranking order are chosen, the third left out for budget
    assert result.selected == ("A0", "A1")
    assert result.left_out[0].reason == "budget: 10.00 requested, 5.00 left"


def test_free_applications_are_always_selected() -> None:
    apps = [Application("free", D(0), D(0), D(0), D(0), D(0), D(0)), *example_applications()]
    assert "free" in select(apps, EXAMPLE_WEIGHTS, D(0)).selected


def test_empty_round() -> None:
    result = select([], EXAMPLE_WEIGHTS, D(100))
    assert result.selected == ()
    assert result.total_score == 0


@pytest.mark.parametrize(
    ("app", "field"),
    [
        (Application("A1", D(-1), D(1), D(1), D(1), D(1), D(1)), "applications[0].requested"),
        (Application("A1", D("0.001"), D(1), D(1), D(1), D(1), D(1)), "applications[0].requested"),
        (Application("A1", D(1), D(-1), D(1), D(1), D(1), D(1)), "applications[0].investment"),
        (Application("A1", D(1), D(1), D(1), D(101), D(1), D(1)), "applications[0].social_benefit"),
    ],
)
def test_bad_applications_name_the_field(app: Application, field: str) -> None:
    with pytest.raises(SelectionError) as caught:
        select([app], EXAMPLE_WEIGHTS, D(1))
    assert caught.value.field == field


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 6)), max_size=10),
    st.integers(0, 40),
)
def test_optimal_subset_matches_brute_force_including_ties(
    items: list[tuple[int, int]], capacity: int
) -> None:
    # given small integers, so that ties between subsets are frequent
    costs = [c for c, _ in items]
    values = [v for _, v in items]
    # then the solver finds the same subset as exhaustive search with the same tie-break
    assert optimal_subset(costs, values, capacity) == brute_force(costs, values, capacity)


application_values = st.integers(0, 5).map(lambda n: D(n * 100_000))


@st.composite
def rounds(draw: st.DrawFn) -> tuple[list[Application], Weights, Decimal]:
    n = draw(st.integers(1, 12))
    apps = [
        Application(
            app_id=f"A{i:02d}",
            requested=D(draw(st.integers(1, 30)) * 10_000),
            investment=draw(application_values),
            profit_tax=draw(application_values),
            social_benefit=D(draw(st.integers(0, 100))),
            farmer_income_increase=draw(application_values),
            collective_income_increase=draw(application_values),
        )
        for i in range(n)
    ]
    cuts = sorted(draw(st.lists(st.integers(0, 20), min_size=4, max_size=4)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 20], strict=True)]
    weights = Weights(*(D(p) / 20 for p in parts))
    budget = D(draw(st.integers(0, 200)) * 10_000)
    return apps, weights, budget


@settings(max_examples=150)
@given(rounds())
def test_selection_is_optimal_within_budget_and_explains_every_omission(
    round_: tuple[list[Application], Weights, Decimal],
) -> None:
    apps, weights, budget = round_
    # when selected
    result = select(apps, weights, budget)
    units = score_units(apps, weights)
    order = ranking_order(units)
    by_id = {a.app_id: a for a in apps}
    # then it is within budget
    assert result.total_requested == sum((by_id[i].requested for i in result.selected), D(0))
    assert result.total_requested <= budget
    # and it is the brute-force optimum with the ranking tie-break
    costs = [int(apps[i].requested * 100) for i in order]
    expected = brute_force(costs, [units[i] for i in order], int(budget * 100))
    assert result.selected == tuple(apps[i].app_id for i, take in zip(order, expected, strict=True) if take)
    # and every application left out asks for more than what is left
    left = budget - result.total_requested
    assert len(result.selected) + len(result.left_out) == len(apps)
    for omitted in result.left_out:
        assert by_id[omitted.app_id].requested > left
    # and greedy never beats it
    assert greedy_select(apps, weights, budget).total_score <= result.total_score
    assert greedy_select(apps, weights, budget, by="ratio").total_score <= result.total_score


def test_criteria_names_are_the_contract_names() -> None:
    assert CRITERIA == (
        "investment",
        "profit_tax",
        "social_benefit",
        "farmer_income_increase",
        "collective_income_increase",
    )


def test_rank_order_walks_the_ranking_and_skips_what_no_longer_fits() -> None:
    # given the classic trap: the top-ranked crowds out two good ones, a cheap weak one comes last
    apps = [
        Application("big", D(60), D(100), D(100), D(100), D(100), D(100)),
        Application("s1", D(50), D(90), D(90), D(90), D(90), D(90)),
        Application("s2", D(50), D(90), D(90), D(90), D(90), D(90)),
        Application("low", D(30), D(0), D(0), D(0), D(0), D(0)),
    ]
    # when selected in rank order within 100
    result = select(apps, EXAMPLE_WEIGHTS, D(100), mode=Mode.RANK_ORDER)
    # then "big" is funded, s1 and s2 are skipped with the 40 left, and the walk still funds "low"
    assert result.mode == Mode.RANK_ORDER
    assert result.selected == ("big", "low")
    assert [(o.app_id, o.kind, o.budget_left) for o in result.left_out] == [
        ("s1", "budget", D("40.00")),
        ("s2", "budget", D("40.00")),
    ]
    assert result.left_out[0].reason == "budget: 50.00 requested, 40.00 left"
    assert result.budget_left == D("10.00")
    # while the optimum funds s1 and s2
    assert select(apps, EXAMPLE_WEIGHTS, D(100)).selected == ("s1", "s2")


def test_rank_order_respects_the_minimum_score() -> None:
    result = select(
        example_applications(), EXAMPLE_WEIGHTS, D(10_000_000), min_score=D(30), mode=Mode.RANK_ORDER
    )
    assert result.selected == ("A2", "A1")
    assert [o.kind for o in result.left_out] == ["min_score", "min_score"]


def test_each_mode_names_the_other() -> None:
    assert Mode.RANK_ORDER.other is Mode.MAX_TOTAL_SCORE
    assert Mode.MAX_TOTAL_SCORE.other is Mode.RANK_ORDER


@settings(max_examples=150)
@given(rounds())
def test_rank_order_funds_down_the_ranking_within_budget(
    round_: tuple[list[Application], Weights, Decimal],
) -> None:
    apps, weights, budget = round_
    result = select(apps, weights, budget, mode=Mode.RANK_ORDER)
    by_id = {a.app_id: a for a in apps}
    # then it is within budget and never beats the optimum
    assert result.total_requested == sum((by_id[i].requested for i in result.selected), D(0))
    assert result.total_requested <= budget
    assert result.total_score <= select(apps, weights, budget).total_score
    # and walking the ranking again reproduces it: each skip names the money left at that point
    left = budget
    skipped = {o.app_id: o for o in result.left_out}
    for line in result.ranking:
        if line.app_id in result.selected:
            left -= line.requested
        else:
            assert skipped[line.app_id].budget_left == left < line.requested
