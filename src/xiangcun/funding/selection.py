"""Merit selection of funding applications under a budget (择优遴选, DESIGN.md §3.3).

Pure Python, no Django; the exact optimisation uses OR-Tools CP-SAT.

Scoring. Each criterion (investment, profit_tax, social_benefit, farmer_income_increase,
collective_income_increase) is min-max normalised over all applications of the round —
``(x − min) / (max − min)``, and 1 for every application when all values are equal. The score is
``100 × Σ weight_k × norm_k``, computed exactly (rational arithmetic) and rounded half-up to four
decimals. Weights are ≥ 0 and sum to 1, so scores lie in [0, 100].

Ranking. Highest score first; equal scores keep the input order.

Selection. Only the eligible applications compete (score ≥ ``min_score`` when one is given). A round
selects in one of two modes (:class:`Mode`), stated on its 公示:

* ``rank_order`` (按得分排序择优, the usual practice and what a round's 公示 shows by default): walk the
  ranking from the top and fund each application whose request fits the budget still left; one that
  does not fit is skipped, with the request and the money left at that point, and the walk goes on.
* ``max_total_score`` (总分最优; the contract command's default): the rest of this section.

Max total score. Choose the
subset with the largest total score whose requested amounts sum to at most the budget. The total
is the sum of the published four-decimal scores, so anyone can check the optimum from the
published table. It is an exact optimum, never a greedy approximation. When several subsets
reach the same total, the one preferred in ranking order wins: the best-ranked application that
appears in some optimal subset is taken, then the next, and so on (lexicographic by ranking).
The result is therefore unique and does not depend on the solver's search path. A consequence:
an application left out "for budget" always requests more than the budget left over.

How the optimum is found (:func:`optimal_subset`): applications that cost nothing are taken,
those dearer than the budget dropped; a greedy solution gives a lower bound and LP bounds fix
every application whose inclusion or exclusion provably cannot be optimal (this is exact: such an
application has the same status in every optimal subset); CP-SAT solves the remaining core to
proven optimality; then the ranking tie-break settles the core one application at a time, asking
CP-SAT only when the LP bound cannot decide.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.money import from_fen, to_fen

CRITERIA: tuple[str, ...] = (
    "investment",
    "profit_tax",
    "social_benefit",
    "farmer_income_increase",
    "collective_income_increase",
)
SCORE_PLACES = 4
SCORE_SCALE = 10**SCORE_PLACES  # scores are handled as integers of 0.0001
ZERO = Decimal(0)


class SelectionError(ApplicationError):
    """Input a selection cannot be made from, or a solver that failed to prove optimality."""


class Mode(StrEnum):
    """How a round selects among its eligible applications (DESIGN.md §3.3)."""

    RANK_ORDER = "rank_order"  # walk the ranking, fund what still fits
    MAX_TOTAL_SCORE = "max_total_score"  # the exact optimum of the total score

    @property
    def other(self) -> Mode:
        """The mode shown beside this one as an analysis."""
        return Mode.MAX_TOTAL_SCORE if self is Mode.RANK_ORDER else Mode.RANK_ORDER


@dataclass(frozen=True, slots=True)
class Application:
    """One application of a funding round; money in yuan, social_benefit a 0–100 review score."""

    app_id: str
    requested: Decimal
    investment: Decimal
    profit_tax: Decimal
    social_benefit: Decimal
    farmer_income_increase: Decimal
    collective_income_increase: Decimal

    def criterion(self, name: str) -> Decimal:
        value: Decimal = getattr(self, name)
        return value


@dataclass(frozen=True, slots=True)
class Weights:
    investment: Decimal
    profit_tax: Decimal
    social_benefit: Decimal
    farmer_income_increase: Decimal
    collective_income_increase: Decimal

    @classmethod
    def from_mapping(cls, values: Mapping[str, Decimal]) -> Weights:
        return cls(**{name: values[name] for name in CRITERIA})

    def of(self, name: str) -> Decimal:
        value: Decimal = getattr(self, name)
        return value


@dataclass(frozen=True, slots=True)
class RankedApplication:
    app_id: str
    score: Decimal  # four decimals
    requested: Decimal


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An eligible application not funded. For ``kind == "budget"``, ``budget_left`` is the money
    still unallocated when it was passed over: in rank order, at that point of the walk; for the
    optimum, after the selection. It is always less than the request."""

    app_id: str
    kind: Literal["budget", "min_score"]
    reason: str
    budget_left: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SelectionResult:
    ranking: tuple[RankedApplication, ...]  # highest score first
    selected: tuple[str, ...]  # in ranking order
    total_requested: Decimal
    total_score: Decimal
    left_out: tuple[LeftOut, ...]  # in ranking order
    budget: Decimal
    mode: Mode | None = Mode.MAX_TOTAL_SCORE  # None: the score-per-yuan baseline of benchmarks

    @property
    def budget_left(self) -> Decimal:
        return self.budget - self.total_requested


# ---------------------------------------------------------------------------------------------
# Scoring and ranking


def validate_weights(weights: Weights) -> None:
    for name in CRITERIA:
        if weights.of(name) < 0:
            raise SelectionError("权重不能为负数", field=f"weights.{name}")
    total = sum((weights.of(name) for name in CRITERIA), ZERO)
    if total != 1:
        raise SelectionError(Msg("各项权重之和须为 1，实际为 {total}", total=total), field="weights")


def normalise(values: Sequence[Decimal]) -> list[Fraction]:
    """Min-max normalisation to [0, 1], exact; every value is 1 when all are equal."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [Fraction(1)] * len(values)
    span = Fraction(high - low)
    return [Fraction(v - low) / span for v in values]


def score_units(applications: Sequence[Application], weights: Weights) -> list[int]:
    """Each application's score in integer units of 0.0001 (exact, half-up)."""
    validate_weights(weights)
    exact = [Fraction(0)] * len(applications)
    for name in CRITERIA:
        weight = Fraction(weights.of(name))
        if not weight:
            continue
        for i, norm in enumerate(normalise([a.criterion(name) for a in applications])):
            exact[i] += weight * norm
    # round half-up: floor(x + 1/2) on the non-negative scaled score
    return [math.floor(100 * SCORE_SCALE * s + Fraction(1, 2)) for s in exact]


def ranking_order(units: Sequence[int]) -> list[int]:
    """Indices by score, highest first; equal scores in input order."""
    return sorted(range(len(units)), key=lambda i: (-units[i], i))


def units_to_score(units: int) -> Decimal:
    return Decimal(units).scaleb(-SCORE_PLACES)


# ---------------------------------------------------------------------------------------------
# Exact 0/1 knapsack with a lexicographic tie-break


class _LpBound:
    """Dantzig (fractional) bounds over a set of free items, each with one item left out.

    Items come sorted by value/cost, highest first; the prefix sums make every bound O(log n).
    Bounds are floored (the integer optimum is an integer), so comparisons stay exact.
    """

    def __init__(self, order: Sequence[int], costs: Sequence[int], values: Sequence[int]) -> None:
        self.order = order  # the free items, by value/cost highest first
        self.position = {item: pos for pos, item in enumerate(self.order)}
        self.costs = costs
        self.values = values
        self.cum_cost = [0]
        self.cum_value = [0]
        for item in self.order:
            self.cum_cost.append(self.cum_cost[-1] + costs[item])
            self.cum_value.append(self.cum_value[-1] + values[item])

    def _fraction(self, t: int, room: int) -> int:
        if t >= len(self.order):
            return 0
        item = self.order[t]
        return room * self.values[item] // self.costs[item]

    def all(self, capacity: int) -> int:
        """Bound over every free item."""
        t = bisect.bisect_right(self.cum_cost, capacity) - 1
        return self.cum_value[t] + self._fraction(t, capacity - self.cum_cost[t])

    def without(self, item: int, capacity: int) -> int:
        """Bound over the free items except ``item``, with the given capacity (≥ 0)."""
        q = self.position[item]
        cum_cost, cum_value = self.cum_cost, self.cum_value
        if capacity <= cum_cost[q]:
            t = bisect.bisect_right(cum_cost, capacity) - 1
            if t >= q:
                return cum_value[q]
            return cum_value[t] + self._fraction(t, capacity - cum_cost[t])
        cost_q = self.costs[item]
        t = bisect.bisect_right(cum_cost, capacity + cost_q) - 1
        used = cum_cost[t] - cost_q
        return cum_value[t] - self.values[item] + self._fraction(t, capacity - used)


class _Knapsack:
    """State of one :func:`optimal_subset` run: the fixed decisions and the best subset known."""

    def __init__(self, costs: Sequence[int], values: Sequence[int], capacity: int, time_limit: float) -> None:
        self.costs = costs
        self.values = values
        self.capacity = capacity
        self.time_limit = time_limit
        self.fixed: dict[int, bool] = {}
        self.cp_sat_calls = 0
        # exact value/cost order, computed once (items of cost 0 are fixed before any bound is taken)
        self.ratio_order = sorted(
            (i for i in range(len(costs)) if costs[i] > 0), key=lambda i: (-Fraction(values[i], costs[i]), i)
        )

    def free(self) -> list[int]:
        return [i for i in range(len(self.costs)) if i not in self.fixed]

    def bound(self) -> _LpBound:
        return _LpBound([i for i in self.ratio_order if i not in self.fixed], self.costs, self.values)

    def base(self) -> tuple[int, int]:
        """Value and remaining capacity after the items fixed in."""
        chosen = [i for i, v in self.fixed.items() if v]
        return sum(self.values[i] for i in chosen), self.capacity - sum(self.costs[i] for i in chosen)

    def value(self, subset: set[int]) -> int:
        return sum(self.values[i] for i in subset)

    def greedy(self) -> set[int]:
        """A feasible subset consistent with the fixed decisions: best of ratio-greedy and index-greedy."""
        _, room = self.base()
        free = self.free()
        best: set[int] = set()
        best_value = -1
        ratio_order = [i for i in self.ratio_order if i not in self.fixed]
        for order in (ratio_order, free):
            left = room
            subset = {i for i, v in self.fixed.items() if v}
            for i in order:
                if self.costs[i] <= left:
                    subset.add(i)
                    left -= self.costs[i]
            if self.value(subset) > best_value:
                best, best_value = subset, self.value(subset)
        return best

    def cheap_swap(self, incumbent: set[int], item: int) -> set[int] | None:
        """An optimal subset with ``item`` found without a solver, or None.

        ``incumbent`` is optimal; adding ``item`` when it fits, or trading it for one free member
        that is worth no more and frees enough room, keeps the total and so stays optimal.
        """
        slack = self.capacity - sum(self.costs[i] for i in incumbent)
        cost, value = self.costs[item], self.values[item]
        if cost <= slack:
            return incumbent | {item}
        candidates = [
            j
            for j in incumbent
            if j not in self.fixed and self.values[j] <= value and self.costs[j] + slack >= cost
        ]
        if not candidates:
            return None
        out = max(candidates)  # the least preferred: keeps the better-ranked ones in
        return (incumbent - {out}) | {item}

    def reduce(self, target: int) -> None:
        """Fix every free item whose status is the same in all subsets worth ≥ ``target``."""
        changed = True
        while changed:
            changed = False
            base_value, room = self.base()
            free = self.free()
            if not free:
                return
            bound = self.bound()
            # Bounds taken before this round's fixings stay valid afterwards (the relaxation they
            # solve only loses constraints), so one pass may fix many items; repeat until stable.
            for i in free:
                if base_value + bound.without(i, room) < target:
                    self.fixed[i] = True  # leaving i out cannot reach the target
                    changed = True
                elif (
                    self.costs[i] > room
                    or base_value + self.values[i] + bound.without(i, room - self.costs[i]) < target
                ):
                    self.fixed[i] = False  # taking i cannot reach the target
                    changed = True

    def solve(self, target: int | None, hint: set[int]) -> set[int] | None:
        """CP-SAT over the free items: the best subset (``target`` None) or any worth ≥ ``target``."""
        # Imported here: OR-Tools pulls in pandas (~0.3 s), which every other command would pay.
        from ortools.sat.python import cp_model

        base_value, room = self.base()
        free = self.free()
        chosen = {i for i, v in self.fixed.items() if v}
        if not free:
            return chosen if target is None or base_value >= target else None
        divisor = 0
        for i in free:
            divisor = math.gcd(divisor, self.costs[i])
        model = cp_model.CpModel()
        x = {i: model.new_bool_var(f"x{i}") for i in free}
        model.add(sum(self.costs[i] // divisor * x[i] for i in free) <= room // divisor)
        gain = sum(self.values[i] * x[i] for i in free)
        if target is None:
            model.maximize(gain)
        else:
            model.add(gain >= target - base_value)
        for i in free:
            model.add_hint(x[i], i in hint)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = self.time_limit
        solver.parameters.num_workers = 2
        self.cp_sat_calls += 1
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            return None
        if status == cp_model.OPTIMAL or (status == cp_model.FEASIBLE and target is not None):
            return chosen | {i for i in free if solver.boolean_value(x[i])}
        raise SelectionError("遴选优化未能在时限内求得最优解", field="applications")


def optimal_subset(
    costs: Sequence[int], values: Sequence[int], capacity: int, *, time_limit: float = 120.0
) -> list[bool]:
    """Exact 0/1 knapsack: maximise Σ values within Σ costs ≤ capacity (all integers ≥ 0).

    Among optimal subsets the lexicographically greatest in index order is returned (item 0 is
    taken if any optimal subset has it, then item 1, …), so pass items in order of preference.
    """
    if capacity < 0 or any(c < 0 for c in costs) or any(v < 0 for v in values):
        raise ValueError("costs, values and capacity must not be negative")
    if len(costs) != len(values):
        raise ValueError("costs and values differ in length")
    state = _Knapsack(costs, values, capacity, time_limit)
    for i, cost in enumerate(costs):
        if cost == 0:
            state.fixed[i] = True
        elif cost > capacity:
            state.fixed[i] = False
    incumbent = state.greedy()
    state.reduce(state.value(incumbent))
    solved = state.solve(None, incumbent)
    assert solved is not None  # the fixed part is feasible, so is the model
    incumbent = solved
    best = state.value(incumbent)
    state.reduce(best)
    for i in range(len(costs)):
        if i in state.fixed:
            continue
        if i in incumbent:
            state.fixed[i] = True
            continue
        swapped = state.cheap_swap(incumbent, i)
        if swapped is not None:
            incumbent = swapped
            state.fixed[i] = True
            continue
        state.fixed[i] = True
        base_value, room = state.base()
        if room < 0 or base_value + state.bound().all(room) < best:
            state.fixed[i] = False
            continue
        found = state.solve(best, incumbent)
        if found is None:
            state.fixed[i] = False
        else:
            incumbent = found
            state.reduce(best)
    return [i in incumbent for i in range(len(costs))]


# ---------------------------------------------------------------------------------------------
# Selection


def _score_text(units: int) -> str:
    return repr(float(units_to_score(units)))


def _result(
    applications: Sequence[Application],
    units: Sequence[int],
    order: Sequence[int],
    chosen: set[int],
    below: set[int],
    budget: Decimal,
    min_score: Decimal | None,
    *,
    mode: Mode | None,
    left_at: Mapping[int, int] | None = None,
) -> SelectionResult:
    """The result of a selection; ``left_at`` gives, in fen, the money left when an application
    was passed over (rank order), else the money left after the selection is named."""
    total_fen = sum(to_fen(applications[i].requested) for i in chosen)
    left_fen = to_fen(budget) - total_fen
    left_out: list[LeftOut] = []
    for i in order:
        if i in chosen:
            continue
        app = applications[i]
        if i in below:
            reason = f"min_score: {_score_text(units[i])} scored, {min_score} required"
            left_out.append(LeftOut(app.app_id, "min_score", reason))
        else:
            left = from_fen(left_at[i] if left_at is not None else left_fen)
            reason = f"budget: {from_fen(to_fen(app.requested))} requested, {left} left"
            left_out.append(LeftOut(app.app_id, "budget", reason, budget_left=left))
    return SelectionResult(
        ranking=tuple(
            RankedApplication(applications[i].app_id, units_to_score(units[i]), applications[i].requested)
            for i in order
        ),
        selected=tuple(applications[i].app_id for i in order if i in chosen),
        total_requested=from_fen(total_fen),
        total_score=units_to_score(sum(units[i] for i in chosen)),
        left_out=tuple(left_out),
        budget=budget,
        mode=mode,
    )


def _prepare(
    applications: Sequence[Application], weights: Weights, budget: Decimal, min_score: Decimal | None
) -> tuple[list[int], list[int], list[int], set[int]]:
    """Scores, ranking, the eligible indices in ranking order, and those below the minimum score."""
    if budget < 0:
        raise SelectionError("预算不能为负数", field="budget")
    try:
        to_fen(budget)
    except ValueError:
        raise SelectionError("预算须精确到分", field="budget") from None
    seen: set[str] = set()
    for i, app in enumerate(applications):
        if app.app_id in seen:
            raise SelectionError(Msg("申请编号重复", app_id=app.app_id), field=f"applications[{i}].id")
        seen.add(app.app_id)
        if app.requested < 0:
            raise SelectionError("申请金额不能为负数", field=f"applications[{i}].requested")
        try:
            to_fen(app.requested)
        except ValueError:
            raise SelectionError("申请金额须精确到分", field=f"applications[{i}].requested") from None
        for name in CRITERIA:
            value = app.criterion(name)
            if value < 0 or (name == "social_benefit" and value > 100):
                limits = "0–100" if name == "social_benefit" else "≥ 0"
                raise SelectionError(
                    Msg("评审指标 {name} 须在 {limits} 范围内", name=name, limits=limits),
                    field=f"applications[{i}].{name}",
                )
    units = score_units(applications, weights)
    order = ranking_order(units)
    below = set()
    if min_score is not None:
        below = {i for i in order if units_to_score(units[i]) < min_score}
    eligible = [i for i in order if i not in below]
    return units, order, eligible, below


def _walk(
    applications: Sequence[Application], order: Sequence[int], budget: Decimal
) -> tuple[set[int], dict[int, int]]:
    """Fund down ``order`` what still fits: the funded indices, and the fen left when each of the
    others was passed over."""
    left = to_fen(budget)
    chosen: set[int] = set()
    left_at: dict[int, int] = {}
    for i in order:
        cost = to_fen(applications[i].requested)
        if cost <= left:
            chosen.add(i)
            left -= cost
        else:
            left_at[i] = left
    return chosen, left_at


def select(
    applications: Sequence[Application],
    weights: Weights,
    budget: Decimal,
    *,
    min_score: Decimal | None = None,
    mode: Mode = Mode.MAX_TOTAL_SCORE,
    time_limit: float = 120.0,
) -> SelectionResult:
    """Score, rank and select within ``budget`` in ``mode`` (DESIGN.md §3.3; rules above)."""
    units, order, eligible, below = _prepare(applications, weights, budget, min_score)
    if Mode(mode) == Mode.RANK_ORDER:
        chosen, left_at = _walk(applications, eligible, budget)
        return _result(
            applications, units, order, chosen, below, budget, min_score, mode=mode, left_at=left_at
        )
    picks = optimal_subset(
        [to_fen(applications[i].requested) for i in eligible],
        [units[i] for i in eligible],
        to_fen(budget),
        time_limit=time_limit,
    )
    chosen = {i for i, take in zip(eligible, picks, strict=True) if take}
    return _result(applications, units, order, chosen, below, budget, min_score, mode=mode)


def greedy_select(
    applications: Sequence[Application],
    weights: Weights,
    budget: Decimal,
    *,
    min_score: Decimal | None = None,
    by: Literal["score", "ratio"] = "score",
) -> SelectionResult:
    """Walk the ranking (``by="score"``: the rank-order selection, ``select(mode=RANK_ORDER)``) or
    the score per yuan (``by="ratio"``, a baseline for benchmarks) and fund each application that
    still fits."""
    if by == "score":
        return select(applications, weights, budget, min_score=min_score, mode=Mode.RANK_ORDER)
    units, order, eligible, below = _prepare(applications, weights, budget, min_score)
    rank = {i: r for r, i in enumerate(order)}

    def per_fen(i: int) -> Fraction | float:
        cost = to_fen(applications[i].requested)
        return Fraction(units[i], cost) if cost else math.inf

    chosen, left_at = _walk(applications, sorted(eligible, key=lambda i: (-per_fen(i), rank[i])), budget)
    return _result(applications, units, order, chosen, below, budget, min_score, mode=None, left_at=left_at)
