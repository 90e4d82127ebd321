"""One-to-one pairing: exact against exhaustive search; sparse = dense; greedy ≤ optimal."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linear_sum_assignment

from xiangcun.matching import synthetic
from xiangcun.matching.assignment import (
    Assignment,
    assign_dense,
    assign_sparse,
    assign_stable,
    blocking_pairs,
    dense_edges,
    greedy_assign,
    pair_dense,
    pair_sparse,
)
from xiangcun.matching.scoring import ScoringIndex, allowed_pairs, candidate_pairs


def ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def exhaustive_best(fit: np.ndarray, threshold: float) -> float:
    """Maximum total fit over all matchings of allowed pairs: DP over subsets of used partners."""
    n, m = fit.shape
    best: dict[int, float] = {0: 0.0}
    for i in range(n):
        nxt = dict(best)  # notice i unmatched
        for used, total in best.items():
            for j in range(m):
                if not used >> j & 1 and fit[i, j] >= threshold and fit[i, j] > 0:
                    key = used | 1 << j
                    value = total + fit[i, j]
                    if value > nxt.get(key, -1.0):
                        nxt[key] = value
        best = nxt
    return max(best.values())


def check_valid(result: Assignment, fit: np.ndarray, threshold: float) -> None:
    notices = [p.notice for p in result.pairs]
    partners = [p.partner for p in result.pairs]
    assert len(set(notices)) == len(notices) and len(set(partners)) == len(partners)
    for pair in result.pairs:
        i, j = int(pair.notice[1:]), int(pair.partner[1:])
        assert pair.fit == fit[i, j]
        assert pair.fit >= threshold and pair.fit > 0
    assert set(notices).isdisjoint(result.unmatched_notices)
    assert len(notices) + len(result.unmatched_notices) == fit.shape[0]
    assert len(partners) + len(result.unmatched_partners) == fit.shape[1]
    assert result.total_fit == pytest.approx(math.fsum(p.fit for p in result.pairs), abs=1e-12)


matrices = st.tuples(st.integers(1, 7), st.integers(1, 7)).flatmap(
    lambda shape: hnp.arrays(
        np.float64,
        shape,
        elements=st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.5, 0.75, 1.0]), st.floats(0, 1, width=32)),
    )
)


@settings(max_examples=150)
@given(matrices, st.sampled_from([0.0, 0.3, 0.5, 0.6, 0.9]))
def test_dense_sparse_and_greedy_against_exhaustive_search(fit: np.ndarray, threshold: float) -> None:
    n, m = fit.shape
    best = exhaustive_best(fit, threshold)
    dense = assign_dense(fit, ids("n", n), ids("p", m), threshold)
    check_valid(dense, fit, threshold)
    assert dense.total_fit == pytest.approx(best, abs=1e-9)

    rows, cols, fits = dense_edges(fit)
    sparse = assign_sparse(ids("n", n), ids("p", m), rows, cols, fits, threshold)
    check_valid(sparse, fit, threshold)
    assert sparse.total_fit == pytest.approx(best, abs=1e-6)

    greedy = greedy_assign(ids("n", n), ids("p", m), rows, cols, fits, threshold)
    check_valid(greedy, fit, threshold)
    assert greedy.total_fit <= best + 1e-9


def test_a_forbidden_pair_is_left_unmatched_not_forced() -> None:
    # given one notice and one partner whose only pair is under the threshold
    fit = np.array([[0.9, 0.2], [0.1, 0.2]])
    result = assign_dense(fit, ["a", "b"], ["x", "y"], threshold=0.5)
    assert [(p.notice, p.partner) for p in result.pairs] == [("a", "x")]
    assert result.unmatched_notices == ("b",)
    assert result.unmatched_partners == ("y",)
    # plain linear_sum_assignment would have forced b–y
    assert len(linear_sum_assignment(fit, maximize=True)[0]) == 2


def test_json_shape() -> None:
    result = assign_dense(np.array([[0.5, 0.8]]), ["n1"], ["p1", "p2"], threshold=0.3)
    assert result.to_json() == {
        "pairs": [{"notice": "n1", "partner": "p2", "fit": 0.8}],
        "total_fit": 0.8,
        "unmatched_notices": [],
        "unmatched_partners": ["p1"],
    }


def test_empty_inputs() -> None:
    assert assign_dense(np.zeros((0, 3)), [], ids("p", 3)).unmatched_partners == ("p0", "p1", "p2")
    assert assign_dense(np.zeros((2, 2)), ids("n", 2), ids("p", 2)).pairs == ()
    empty = np.zeros(0)
    assert assign_sparse(ids("n", 2), [], empty, empty, empty).unmatched_notices == ("n0", "n1")
    assert greedy_assign([], [], empty, empty, empty).total_fit == 0.0
    with pytest.raises(ValueError):
        assign_dense(np.zeros((2, 2)), ["a"], ["x", "y"])


def test_sparse_keeps_the_best_duplicate_edge() -> None:
    result = assign_sparse(["n"], ["p"], [0, 0], [0, 0], [0.4, 0.7])
    assert result.pairs[0].fit == 0.7


def test_sparse_equals_dense_on_real_scores_when_k_is_large() -> None:
    data = synthetic.generate(synthetic.LIAOCHENG_COUNTIES, 60, 90, seed=2)
    index = ScoringIndex.build([n.facts() for n in data.notices], [p.facts() for p in data.partners])
    matrix = index.fit_matrix()
    threshold = 0.45
    dense = assign_dense(matrix, index.notice_ids, index.partner_ids, threshold)
    graph = candidate_pairs(index, k=len(index.partners), threshold=threshold, by_county=False)
    sparse = assign_sparse(
        index.notice_ids, index.partner_ids, graph.notice, graph.partner, graph.fit, threshold
    )
    assert sparse.total_fit == pytest.approx(dense.total_fit, abs=1e-6)
    assert {(p.notice, p.partner) for p in sparse.pairs} == {(p.notice, p.partner) for p in dense.pairs}
    # on a smaller graph the optimum can only drop, and greedy stays below it
    small = candidate_pairs(index, k=3, threshold=threshold, by_county=False)
    on_small = assign_sparse(
        index.notice_ids, index.partner_ids, small.notice, small.partner, small.fit, threshold
    )
    greedy = greedy_assign(
        index.notice_ids, index.partner_ids, small.notice, small.partner, small.fit, threshold
    )
    assert greedy.total_fit <= on_small.total_fit + 1e-9 <= dense.total_fit + 2e-9
    rows, cols = linear_sum_assignment(np.where(matrix >= threshold, matrix, 0.0), maximize=True)
    assert dense.total_fit == pytest.approx(
        float(np.where(matrix >= threshold, matrix, 0.0)[rows, cols].sum())
    )


def test_index_helpers_pair_a_county_and_list_its_allowed_pairs() -> None:
    data = synthetic.generate(synthetic.LIAOCHENG_COUNTIES, 30, 80, seed=6)
    index = ScoringIndex.build([n.facts() for n in data.notices], [p.facts() for p in data.partners])
    rows = np.array([i for i, n in enumerate(index.notices) if n.county_code == "371522"])
    dense = pair_dense(index, 0.5, notice_rows=rows)
    matrix = index.fit_matrix(rows)
    expected = assign_dense(matrix, [index.notice_ids[i] for i in rows], index.partner_ids, 0.5)
    assert dense == expected
    allowed = allowed_pairs(index, 0.5, notice_rows=rows)
    assert len(allowed) == int((matrix >= 0.5).sum())
    assert {(p.notice, p.partner) for p in dense.pairs} <= {
        (r["notice"], r["partner"]) for r in allowed.to_json()
    }
    first = [r["fit"] for r in allowed.to_json() if r["notice"] == allowed.to_json()[0]["notice"]]
    assert first == sorted(first, reverse=True)
    province = pair_sparse(index, k=80, threshold=0.5, by_county=False)
    assert province.total_fit == pytest.approx(pair_dense(index, 0.5).total_fit, abs=1e-6)


def brute_blocking(result: Assignment, fit: np.ndarray, threshold: float) -> int:
    """Blocking pairs counted one by one from the definition."""
    of_notice = {int(p.notice[1:]): p.fit for p in result.pairs}
    of_partner = {int(p.partner[1:]): p.fit for p in result.pairs}
    n, m = fit.shape
    return sum(
        1
        for i in range(n)
        for j in range(m)
        if fit[i, j] >= threshold
        and fit[i, j] > 0
        and fit[i, j] > of_notice.get(i, 0.0)
        and fit[i, j] > of_partner.get(j, 0.0)
    )


@settings(max_examples=300, deadline=None)
@given(matrices, st.sampled_from([0.0, 0.3, 0.5]))
def test_stable_pairing_has_no_blocking_pair_and_both_sides_agree(fit: np.ndarray, threshold: float) -> None:
    n, m = fit.shape
    rows, cols, fits = dense_edges(fit)
    args = (ids("n", n), ids("p", m), rows, cols, fits, threshold)
    by_partner = assign_stable(*args, proposing="partner")
    by_village = assign_stable(*args, proposing="notice")
    for result in (by_partner, by_village):
        check_valid(result, fit, threshold)
        assert blocking_pairs(result, *args) == 0 == brute_blocking(result, fit, threshold)
        assert result.total_fit <= exhaustive_best(fit, threshold) + 1e-9
    # one shared fit on both sides: the stable pairing is unique (greedy by the same order is it too)
    assert by_partner.pairs == by_village.pairs == greedy_assign(*args).pairs
    optimum = assign_dense(fit, ids("n", n), ids("p", m), threshold)
    assert blocking_pairs(optimum, *args) == brute_blocking(optimum, fit, threshold)


def test_max_fit_can_leave_a_blocking_pair_that_the_stable_option_removes() -> None:
    # village A and partner X fit best (0.9); max-fit pairs A–Y and B–X to gain 0.1 in total
    fit = np.array([[0.9, 0.8], [0.8, 0.0]])
    args = (["A", "B"], ["X", "Y"], *dense_edges(fit), 0.5)
    optimum = assign_dense(fit, ["A", "B"], ["X", "Y"], 0.5)
    stable = assign_stable(*args)
    assert {(p.notice, p.partner) for p in optimum.pairs} == {("A", "Y"), ("B", "X")}
    assert blocking_pairs(optimum, *args) == 1  # A and X both prefer each other
    assert [(p.notice, p.partner) for p in stable.pairs] == [("A", "X")]
    assert blocking_pairs(stable, *args) == 0
    assert stable.total_fit == pytest.approx(0.9) and optimum.total_fit == pytest.approx(1.6)
    assert stable.unmatched_notices == ("B",) and stable.unmatched_partners == ("Y",)


def test_stable_pairing_refuses_an_unknown_side() -> None:
    with pytest.raises(ValueError):
        assign_stable(["A"], ["X"], [0], [0], [0.9], proposing="county")
