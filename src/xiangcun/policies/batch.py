"""Batch evaluation: the policy library compiled to numpy array operations over many projects.

Pure (numpy, no Django). :func:`compile_library` resolves every dated value at one date and turns
each policy into array operations; :func:`evaluate_batch` runs them over :class:`Columns` (one
array per fact). Money is integer fen (``int64``), counts integers, codes and counties integer
indexes, so every amount is *exactly* the one the one-by-one path (:func:`engine.evaluate`) gives:
rates are integers over a power of ten and rounding is half-up in integer arithmetic.

County exceptions that only change numbers (a rate, a cap, a threshold) share the city rule's
operations: the numbers become per-county tables looked up with ``take`` on the county index.
Exceptions that change the shape of a rule are computed separately and chosen per row.

Gaps and Chinese sentences are the one-by-one path's job; the batch gives amounts and statuses.
Reading projects from CSV and the result table for csv/xlsx live in ``batch_table``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from xiangcun.core.money import split_units
from xiangcun.policies import engine
from xiangcun.policies.engine import Formula, Group, Layer, Leaf, Library, NoValue, Policy
from xiangcun.policies.facts import BOOL, COUNT, COUNTY, FACTS, MAX_MONEY, MONEY, Facts

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

STATUSES = ("applies", "not_eligible", "missing", "not_in_force", "out_of_scope", "excluded")
APPLIES, NOT_ELIGIBLE, MISSING, NOT_IN_FORCE, OUT_OF_SCOPE, EXCLUDED = range(6)
_SAFE = 2**62
_MAX_FEN = int(MAX_MONEY) * 100


# ---------------------------------------------------------------------------------------------
# Columns


@dataclass
class Columns:
    """Facts of ``n`` projects, one int64 array per fact; ``present[name]`` is ``None`` when no
    value is missing, else a boolean mask of the rows that have one."""

    n: int
    counties: tuple[str, ...]
    values: dict[str, IntArray]
    present: dict[str, BoolArray | None]

    def rows(self, start: int, stop: int) -> Columns:
        """Rows ``start:stop`` as views (no copy)."""
        return Columns(
            n=min(stop, self.n) - start,
            counties=self.counties,
            values={k: v[start:stop] for k, v in self.values.items()},
            present={k: None if m is None else m[start:stop] for k, m in self.present.items()},
        )

    def index_of(self, name: str, code: Any) -> int:
        if FACTS[name].type == COUNTY:
            return self.counties.index(code)
        if FACTS[name].type == BOOL:
            return int(bool(code))
        return FACTS[name].choices.index(code)


def _encode(name: str, value: Any, counties: Sequence[str]) -> int:
    kind = FACTS[name].type
    if kind == MONEY:
        return int(Decimal(value) * 100)
    if kind in (COUNT,):
        return int(value)
    if kind == BOOL:
        return int(bool(value))
    if kind == COUNTY:
        return counties.index(value)
    return FACTS[name].choices.index(value)


def columns_from_facts(rows: Sequence[Facts], counties: Iterable[str]) -> Columns:
    """Parsed facts (``facts.parse_facts``) of many projects as columns."""
    order = tuple(sorted(counties))
    values: dict[str, IntArray] = {}
    present: dict[str, BoolArray | None] = {}
    for name in FACTS:
        raw = [row.get(name) for row in rows]
        mask = np.array([v is not None for v in raw], dtype=bool)
        values[name] = np.array(
            [_encode(name, v, order) if v is not None else -1 for v in raw], dtype=np.int64
        )
        present[name] = None if mask.all() else mask
    return Columns(len(rows), order, values, present)


def columns_from_arrays(
    n: int,
    counties: Iterable[str],
    arrays: Mapping[str, IntArray],
    present: Mapping[str, BoolArray] | None = None,
) -> Columns:
    """Columns from ready arrays (money already in fen); facts not given are missing everywhere."""
    values: dict[str, IntArray] = {}
    masks: dict[str, BoolArray | None] = {}
    for name in FACTS:
        if name in arrays:
            values[name] = np.asarray(arrays[name], dtype=np.int64)
            masks[name] = (present or {}).get(name)
        else:
            values[name] = np.full(n, -1, dtype=np.int64)
            masks[name] = np.zeros(n, dtype=bool)
    return Columns(n, tuple(sorted(counties)), values, masks)


# ---------------------------------------------------------------------------------------------
# Compilation: a layer becomes a shape (structure) and its numbers (parameters)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


@dataclass
class _Params:
    """Numbers pulled out of a rule, in order; a rate is an integer numerator over ``10**places``."""

    numbers: list[Decimal] = field(default_factory=list)

    def add(self, value: Decimal) -> int:
        self.numbers.append(Decimal(value))
        return len(self.numbers) - 1


def _fen_scale(name: str) -> int:
    """Multiplier that puts a base in "fen of the amount per unit of rate": money ×1, counts ×100."""
    return 1 if FACTS[name].type == MONEY else 100


def _shape_condition(cond: Leaf | Group, on: date, params: _Params) -> tuple[Any, ...]:
    if isinstance(cond, Group):
        return (cond.mode, tuple(_shape_condition(c, on, params) for c in cond.children))
    value = cond.value.at(on)
    kind = FACTS[cond.field].type
    if kind in (MONEY, COUNT):
        number = Decimal(value) * (100 if kind == MONEY else 1)
        return ("cmp", cond.field, cond.op, params.add(number))
    if cond.op in ("in", "not_in"):
        return ("set", cond.field, cond.op, tuple(sorted(value)))
    return ("eq", cond.field, cond.op, value)


def _shape_formula(formula: Formula, on: date, params: _Params) -> tuple[Any, ...]:
    p = {k: v.at(on) for k, v in formula.params.items()}
    limits = tuple(
        (name, params.add(Decimal(p[name]) * 100) if name in p else None) for name in ("floor", "cap")
    )
    if formula.type == "none":
        return ("none",)
    if formula.type == "fixed":
        return ("fixed", params.add(Decimal(p["amount"]) * 100))
    if formula.type == "rate":
        return ("rate", formula.base, params.add(p["rate"]), limits)
    if formula.type == "tiers":
        assert formula.base is not None
        # Bases are scaled to fen (money) or hundredths of a unit (counts): limits ×100 either way.
        brackets = tuple(
            (None if upto is None else params.add(Decimal(upto) * 100), params.add(rate))
            for upto, rate in p["brackets"]
        )
        return ("tiers", formula.base, brackets, limits)
    max_units = params.add(Decimal(p["max_units"])) if "max_units" in p else None
    return ("per_unit", formula.base, params.add(Decimal(p["amount"]) * 100), max_units, limits)


def _strip(shape: Any) -> Any:
    """The shape with parameter slots replaced by a marker: layers with equal keys share operations."""
    if isinstance(shape, tuple):
        return tuple(_strip(s) for s in shape)
    return shape


@dataclass
class _Plan:
    shape: tuple[Any, ...]
    condition: tuple[Any, ...] | None
    params: list[list[Decimal]]  # one list of numbers per county slot that uses this plan
    slots: list[int]  # county slots using this plan


@dataclass
class CompiledPolicy:
    policy: Policy
    in_force: bool
    slot_status: npt.NDArray[np.int8]  # per county slot: -1 evaluate, else a fixed status
    slot_plan: npt.NDArray[np.int64]  # per county slot: plan index (or -1)
    plans: list[tuple[tuple[Any, ...] | None, tuple[Any, ...], npt.NDArray[Any]]]  # cond, formula, table
    uses: frozenset[str]


@dataclass
class Compiled:
    library: Library
    on: date
    counties: tuple[str, ...]
    policies: list[CompiledPolicy]


def _layer_shape(layer: Layer, on: date) -> tuple[tuple[Any, ...] | None, tuple[Any, ...], list[Decimal]]:
    params = _Params()
    cond = _shape_condition(layer.conditions, on, params) if layer.conditions is not None else None
    formula = _shape_formula(layer.formula, on, params)
    return cond, formula, params.numbers


def _compile_policy(policy: Policy, on: date, counties: tuple[str, ...]) -> CompiledPolicy:
    slots = len(counties) + 1  # the last slot: county missing
    status = np.full(slots, -1, dtype=np.int8)
    plan_of = np.full(slots, -1, dtype=np.int64)
    in_force = policy.city.active(on)
    plans: dict[Any, tuple[tuple[Any, ...] | None, tuple[Any, ...], list[tuple[int, list[Decimal]]]]] = {}
    status[-1] = MISSING
    for slot, code in enumerate(counties):
        if not in_force:
            status[slot] = NOT_IN_FORCE
            continue
        if policy.scope is not None and code not in policy.scope:
            status[slot] = OUT_OF_SCOPE
            continue
        layer = engine.layer_for(policy, code, on)
        if layer.excluded:
            status[slot] = OUT_OF_SCOPE
            continue
        try:
            cond, formula, numbers = _layer_shape(layer, on)
        except NoValue:
            status[slot] = NOT_IN_FORCE
            continue
        key = (cond, formula)
        plans.setdefault(key, (cond, formula, []))[2].append((slot, numbers))
    if not in_force:
        status[-1] = NOT_IN_FORCE
    compiled: list[tuple[tuple[Any, ...] | None, tuple[Any, ...], npt.NDArray[Any]]] = []
    for index, (cond, formula, members) in enumerate(plans.values()):
        width = len(members[0][1])
        # Slots that do not use this plan repeat a member's numbers, so a number every member
        # shares stays a scalar (no per-row lookup).
        table: list[list[Decimal]] = [list(members[0][1]) for _ in range(slots)]
        for slot, numbers in members:
            plan_of[slot] = index
            table[slot] = numbers
        compiled.append((cond, formula, np.array(table, dtype=object).reshape(slots, width)))
    uses = {
        leaf.field
        for layer in (policy.city, *policy.counties.values())
        for leaf in engine.leaves(layer.conditions)
    }
    for layer in (policy.city, *policy.counties.values()):
        if layer.formula.base:
            uses.add(layer.formula.base)
    return CompiledPolicy(policy, in_force, status, plan_of, compiled, frozenset(uses))


def compile_library(library: Library, on: date) -> Compiled:
    counties = tuple(sorted(library.counties))
    return Compiled(library, on, counties, [_compile_policy(p, on, counties) for p in library.policies])


# ---------------------------------------------------------------------------------------------
# Evaluation


class _Run:
    """Evaluates one plan's shape over the rows; parameters are scalars or per-row ``take``s."""

    def __init__(self, cols: Columns, county: IntArray, table: npt.NDArray[Any]) -> None:
        self.cols = cols
        self.county = county
        self.table = table
        self._cache: dict[tuple[int, int], Any] = {}

    def number(self, index: int, places: int = 0) -> Any:
        """Parameter ``index`` as an integer ×10**places: a Python int if all counties agree."""
        key = (index, places)
        if key not in self._cache:
            column = [int(Decimal(v).scaleb(places)) for v in self.table[:, index]]
            if len(set(column)) == 1:
                self._cache[key] = column[0]
            else:
                self._cache[key] = np.array(column, dtype=np.int64).take(self.county)
        return self._cache[key]

    def rate(self, index: int) -> tuple[Any, int]:
        places = max(_places(Decimal(v)) for v in self.table[:, index])
        return self.number(index, places), 10**places

    # -- conditions: (true, false-or-None); None means "every row is known and false = ~true"
    def condition(self, shape: tuple[Any, ...]) -> tuple[BoolArray, BoolArray | None]:
        kind = shape[0]
        if kind in ("all", "any"):
            parts = [self.condition(c) for c in shape[1]]
            true = parts[0][0]
            for t, _ in parts[1:]:
                true = (true & t) if kind == "all" else (true | t)
            if all(f is None for _, f in parts):
                return true, None
            falses = [(~t if f is None else f) for t, f in parts]
            false = falses[0]
            for f in falses[1:]:
                false = (false | f) if kind == "all" else (false & f)
            return true, false
        name = shape[1]
        values = self.cols.values[name]
        present = self.cols.present[name]
        op = shape[2]
        if kind == "cmp":
            threshold = self.number(shape[3])
            result = _compare(values, op, threshold)
        elif kind == "set":
            allowed = np.zeros(self._size(name) + 1, dtype=bool)
            for code in shape[3]:
                allowed[self.cols.index_of(name, code)] = True
            if op == "not_in":
                allowed[:-1] = ~allowed[:-1]
            result = allowed.take(values)
        else:
            target = self.cols.index_of(name, shape[3])
            result = (values == target) if op == "==" else (values != target)
        if present is None:
            return result, None
        return result & present, ~result & present

    def _size(self, name: str) -> int:
        fact = FACTS[name]
        if fact.type == COUNTY:
            return len(self.cols.counties)
        if fact.type == BOOL:
            return 2
        return len(fact.choices)

    # -- formulas: amount in fen (int64), or None for a privilege
    def amount(self, shape: tuple[Any, ...]) -> tuple[Any, BoolArray | None]:
        kind = shape[0]
        if kind == "none":
            return 0, None
        if kind == "fixed":
            return self.number(shape[1]), None
        name = shape[1]
        base = self.cols.values[name]
        present = self.cols.present[name]
        if kind == "rate":
            r, denominator = self.rate(shape[2])
            value = _half_up(base, r, denominator)
            limits = shape[3]
        elif kind == "tiers":
            scaled: Any = base * _fen_scale(name)
            if int(scaled.max(initial=0)) * 2 * 10**engine.MAX_RATE_PLACES * 10**9 >= _SAFE:
                scaled = scaled.astype(object)
            denominator = max(self.rate(r)[1] for _, r in shape[2])
            numerator: Any = 0
            lower: Any = 0
            for upto, r in shape[2]:
                rv, d = self.rate(r)
                rv = rv * (denominator // d)
                top = scaled if upto is None else np.minimum(scaled, self.number(upto))
                numerator = numerator + np.maximum(top - lower, 0) * rv
                if upto is not None:
                    lower = self.number(upto)
            value = (numerator * 2 + denominator) // (2 * denominator)
            limits = shape[3]
        else:
            units = base if shape[3] is None else np.minimum(base, self.number(shape[3]))
            value = units * self.number(shape[2])
            limits = shape[4]
        for limit, index in limits:
            if index is None:
                continue
            bound = self.number(index)
            value = np.maximum(value, bound) if limit == "floor" else np.minimum(value, bound)
        return value, present


def _compare(values: IntArray, op: str, threshold: Any) -> BoolArray:
    result: BoolArray  # the threshold is a scalar or a per-row array of int64
    if op == ">=":
        result = values >= threshold
    elif op == ">":
        result = values > threshold
    elif op == "<=":
        result = values <= threshold
    elif op == "<":
        result = values < threshold
    elif op == "==":
        result = values == threshold
    else:
        result = values != threshold
    return result


def _half_up(base: IntArray, r: Any, denominator: int) -> Any:
    """``round_half_up(base × r / denominator)`` exactly; Python ints if int64 could overflow."""
    top_rate = int(np.max(r)) if not isinstance(r, int) else r
    # The facts' own limit bounds the base (10^12 yuan); only a rate with many decimals needs a look.
    if (
        _MAX_FEN * top_rate * 2 + denominator >= _SAFE
        and int(base.max(initial=0)) * top_rate * 2 + denominator >= _SAFE
    ):
        base = base.astype(object)
    if denominator == 1:
        return base * r
    return (base * (2 * r) + denominator) // (2 * denominator)


@dataclass
class BatchResult:
    ids: tuple[str, ...] | None  # None: rows are numbered from 1
    amounts: dict[str, IntArray]  # policy id → fen
    status: dict[str, npt.NDArray[np.int8]]
    total: IntArray  # fen

    def yuan(self, fen: int) -> Decimal:
        return Decimal(int(fen)).scaleb(-2)


def _county_index(cols: Columns) -> IntArray:
    county = cols.values["county"]
    present = cols.present["county"]
    if present is None:
        return county
    return np.where(present, county, len(cols.counties))


def evaluate_policy_batch(
    cp: CompiledPolicy, cols: Columns, county: IntArray
) -> tuple[IntArray, npt.NDArray[np.int8]]:
    n = cols.n
    if not cp.plans:
        return np.zeros(n, dtype=np.int64), cp.slot_status.take(county)
    every_slot_evaluated = bool((cp.slot_status[:-1] == -1).all()) and cols.present["county"] is None
    fixed = None if every_slot_evaluated else cp.slot_status.take(county)
    amount: Any = None
    status: Any = None
    single = len(cp.plans) == 1
    plan_of = cp.slot_plan.take(county) if not single else None
    for index, (cond, formula, table) in enumerate(cp.plans):
        run = _Run(cols, county, table)
        if cond is not None:
            true, false = run.condition(cond)
        else:
            true, false = np.ones(n, dtype=bool), None
        value, base_present = run.amount(formula)
        if base_present is not None:
            false_ = ~true if false is None else false
            missing_base = true & ~base_present
            true = true & base_present
            false = false_
        else:
            missing_base = None
        if np.isscalar(value):
            value = true.astype(np.int64) * int(value) if value else np.zeros(n, dtype=np.int64)  # type: ignore[arg-type]
        elif value.dtype == object:
            value = np.where(true, value, 0)
        else:
            value = value * true  # 3× faster than np.where for int64 (no branch per element)
        code = (~true).view(np.int8)  # APPLIES = 0, NOT_ELIGIBLE = 1
        if false is not None:
            code[~true & ~false] = MISSING
        if missing_base is not None:
            code[missing_base] = MISSING
        if single:
            amount, status = value, code
        else:
            assert plan_of is not None
            mine = plan_of == index
            amount = value if amount is None else np.where(mine, value, amount)
            status = code if status is None else np.where(mine, code, status)
    assert status is not None
    if fixed is not None:
        decided = fixed >= 0
        status = np.where(decided, fixed, status).astype(np.int8)
        amount = np.where(decided, 0, amount)
    if amount.dtype == object:
        amount = amount.astype(np.int64)
    return amount, status


# Rows per thread: numpy releases the GIL inside its loops, so large batches use every core.
CHUNK_ROWS = 250_000


def evaluate_batch(compiled: Compiled, cols: Columns, ids: Sequence[str] | None = None) -> BatchResult:
    """Every policy over every row, then exclusivity groups and caps, as the one-by-one path does.

    Rows are independent, so a large batch is cut into chunks evaluated on a thread per core and
    joined; the result is the same array for array as one pass (a test checks it).
    """
    if cols.counties != compiled.counties:
        raise ValueError("columns and compiled library use different county lists")
    workers = min(os.cpu_count() or 1, -(-cols.n // CHUNK_ROWS))
    if workers <= 1:
        return _evaluate_rows(compiled, cols, ids)
    bounds = [(cols.n * i // workers, cols.n * (i + 1) // workers) for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(lambda b: _evaluate_rows(compiled, cols.rows(*b), None), bounds))
    names = list(parts[0].amounts)
    return BatchResult(
        tuple(ids) if ids is not None else None,
        {k: np.concatenate([p.amounts[k] for p in parts]) for k in names},
        {k: np.concatenate([p.status[k] for p in parts]) for k in names},
        np.concatenate([p.total for p in parts]),
    )


def _evaluate_rows(compiled: Compiled, cols: Columns, ids: Sequence[str] | None) -> BatchResult:
    county = _county_index(cols)
    amounts: dict[str, IntArray] = {}
    status: dict[str, npt.NDArray[np.int8]] = {}
    for cp in compiled.policies:
        amounts[cp.policy.id], status[cp.policy.id] = evaluate_policy_batch(cp, cols, county)
    groups: dict[str, list[str]] = {}
    for cp in compiled.policies:
        if cp.policy.group:
            groups.setdefault(cp.policy.group, []).append(cp.policy.id)
    for members in groups.values():
        if len(members) < 2:
            continue
        stacked = np.stack([np.where(status[m] == APPLIES, amounts[m], -1) for m in members])
        best = stacked.argmax(axis=0)
        for i, m in enumerate(members):
            lost = (status[m] == APPLIES) & (best != i)
            status[m] = np.where(lost, EXCLUDED, status[m]).astype(np.int8)
            amounts[m] = np.where(lost, 0, amounts[m])
    for cap in compiled.library.caps:
        if not (cap.start <= compiled.on and (cap.end is None or compiled.on <= cap.end)):
            continue
        members = [cp.policy.id for cp in compiled.policies if engine.cap_applies(cap, cp.policy)]
        if not members:
            continue
        applying = np.stack([status[m] == APPLIES for m in members])
        if not applying.any():
            continue
        run = _Run(cols, county, np.zeros((len(compiled.counties) + 1, 0), dtype=object))
        params = _Params()
        try:
            shape = _shape_formula(cap.limit, compiled.on, params)
        except NoValue:
            continue
        run.table = np.array([params.numbers] * (len(compiled.counties) + 1), dtype=object)
        limit, limit_present = run.amount(shape)
        limit = np.broadcast_to(np.asarray(limit, dtype=np.int64), (cols.n,))
        if limit_present is not None:
            lacking = ~limit_present & applying.any(axis=0)
            for m in members:
                hit = lacking & (status[m] == APPLIES)
                status[m] = np.where(hit, MISSING, status[m]).astype(np.int8)
                amounts[m] = np.where(hit, 0, amounts[m])
            applying = np.stack([status[m] == APPLIES for m in members])
        weights = np.stack([np.where(status[m] == APPLIES, amounts[m], 0) for m in members])
        over = np.nonzero(weights.sum(axis=0) > limit)[0]
        for row in over:  # exact largest-remainder split, as the one-by-one path
            w = [int(x) for x in weights[:, row]]
            chosen = [i for i, m in enumerate(members) if status[m][row] == APPLIES]
            if not chosen or not any(w[i] for i in chosen):
                continue
            parts = split_units(int(limit[row]), [w[i] for i in chosen])
            for i, part in zip(chosen, parts, strict=True):
                amounts[members[i]][row] = part
    # Amounts are zero wherever a policy does not apply, so the total is their plain sum.
    ids_ = [cp.policy.id for cp in compiled.policies]
    total = amounts[ids_[0]].copy() if ids_ else np.zeros(cols.n, dtype=np.int64)
    for pid in ids_[1:]:
        total += amounts[pid]
    return BatchResult(tuple(ids) if ids is not None else None, amounts, status, total)
