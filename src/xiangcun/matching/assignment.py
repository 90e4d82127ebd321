"""One-to-one pairing of notices and partners with maximal total fit (DESIGN.md §3.5).

Pure Python + numpy/scipy/OR-Tools, no Django.

Contract: each notice at most one partner, each partner at most one notice, a pair whose fit is
under ``threshold`` is forbidden (left unmatched, never forced), and the total fit of the chosen
pairs is maximal. Pairs with fit 0 add nothing and are never proposed.

- ``assign_dense`` — a county: the full fit matrix, ``scipy.optimize.linear_sum_assignment``
  (maximising). Forbidden entries are set to 0 before solving and any pair landing on one is dropped
  afterwards. This is exact: allowed fits are ≥ 0, so a maximum over full-size assignments of the
  masked matrix has the same value as a maximum over partial matchings of allowed pairs, and dropping
  zero-weight pairs changes nothing.
- ``assign_sparse`` — the province: a candidate graph (each notice's top-k partners), exact
  maximum-weight matching on that graph as a min-cost flow (OR-Tools ``SimpleMinCostFlow``): each
  notice supplies one unit, which reaches the sink either through a partner (notice → partner,
  capacity 1, cost −round(fit × scale); partner → sink, capacity 1) or directly (cost 0: the notice
  stays unmatched). Integer costs with ``scale = 10⁹``: the matching is optimal for the fits rounded
  to 1e-9, so its float total is within ``1e-9 × notices`` of the float optimum on the graph. The
  costs stay far inside int64 (|cost| ≤ 10⁹, node count × |cost| < 10¹⁶).
- ``greedy_assign`` — for comparison: allowed pairs by fit descending (ties by notice then partner
  order), take a pair when both sides are still free.

- ``assign_stable`` — stable pairing (deferred acceptance, Gale–Shapley), partner- or notice-
  proposing, on the same allowed edges: both sides rank each other by the pair's fit (ties: lower
  position first). No allowed pair then prefers each other to what they got. Because both sides rank by
  one shared fit, the preferences come from one strict order of the pairs, so the stable pairing is
  unique and both proposing sides give it (the greedy pairing, by the same order, is that pairing
  too: the tests check all three agree). Its total fit is at most the optimum's.
- ``blocking_pairs`` — the number of allowed pairs (notice, partner) that both prefer each other to
  their pairing in an ``Assignment`` (being unpaired is worse than any allowed pair): what officials
  are asked about ("why not us?"). 0 for ``assign_stable``.

All of them return an ``Assignment``; ``to_json`` gives the CLI/API shape
``{"pairs": [{"notice", "partner", "fit"}], "total_fit", "unmatched_notices", "unmatched_partners"}``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from xiangcun.matching.scoring import ScoringIndex, Weights, candidate_pairs

SCALE = 1_000_000_000
DEFAULT_THRESHOLD = 0.5  # a pair under this fit is not proposed; the city admin may change it
JSON_DECIMALS = 6


@dataclass(frozen=True)
class Pair:
    notice: str
    partner: str
    fit: float


@dataclass(frozen=True)
class Assignment:
    """A proposed pairing: pairs in notice input order; unmatched ids in input order."""

    pairs: tuple[Pair, ...]
    total_fit: float
    unmatched_notices: tuple[str, ...]
    unmatched_partners: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "pairs": [
                {"notice": p.notice, "partner": p.partner, "fit": round(p.fit, JSON_DECIMALS)}
                for p in self.pairs
            ],
            "total_fit": round(self.total_fit, JSON_DECIMALS),
            "unmatched_notices": list(self.unmatched_notices),
            "unmatched_partners": list(self.unmatched_partners),
        }


def _result(
    notice_ids: Sequence[str],
    partner_ids: Sequence[str],
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    fits: npt.NDArray[np.float64],
) -> Assignment:
    order = np.argsort(rows, kind="stable")
    rows, cols, fits = rows[order], cols[order], fits[order]
    fit_list = fits.tolist()
    pairs = tuple(
        Pair(notice_ids[i], partner_ids[j], f)
        for i, j, f in zip(rows.tolist(), cols.tolist(), fit_list, strict=True)
    )
    matched_n = np.zeros(len(notice_ids), dtype=bool)
    matched_n[rows] = True
    matched_p = np.zeros(len(partner_ids), dtype=bool)
    matched_p[cols] = True
    return Assignment(
        pairs=pairs,
        total_fit=math.fsum(fit_list),
        unmatched_notices=tuple(notice_ids[i] for i in np.flatnonzero(~matched_n).tolist()),
        unmatched_partners=tuple(partner_ids[j] for j in np.flatnonzero(~matched_p).tolist()),
    )


def _check_ids(n: int, m: int, notice_ids: Sequence[str], partner_ids: Sequence[str]) -> None:
    if len(notice_ids) != n or len(partner_ids) != m:
        raise ValueError(f"ids ({len(notice_ids)}, {len(partner_ids)}) do not match the fits ({n}, {m})")


def assign_dense(
    fit: npt.ArrayLike,
    notice_ids: Sequence[str],
    partner_ids: Sequence[str],
    threshold: float = 0.0,
) -> Assignment:
    """Maximal-total-fit one-to-one pairing on a dense ``notices × partners`` fit matrix."""
    matrix = np.asarray(fit, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError("fit must be a 2-d matrix")
    n, m = matrix.shape
    _check_ids(n, m, notice_ids, partner_ids)
    if n == 0 or m == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _result(notice_ids, partner_ids, empty, empty, np.zeros(0))
    # allowed: fit ≥ threshold and fit > 0; everything else becomes 0 and is dropped afterwards
    masked = np.where(matrix >= threshold, matrix, 0.0) if threshold > 0 else np.maximum(matrix, 0.0)
    if not math.isfinite(float(masked.sum())) or np.isnan(matrix).any():
        raise ValueError("fit must be finite")
    from scipy.optimize import linear_sum_assignment  # lazy: scipy.optimize takes ~0.4 s to import

    rows, cols = linear_sum_assignment(masked, maximize=True)
    keep = masked[rows, cols] > 0.0
    rows, cols = rows[keep].astype(np.int64), cols[keep].astype(np.int64)
    return _result(notice_ids, partner_ids, rows, cols, matrix[rows, cols])


def _edges(
    n: int, m: int, rows: npt.ArrayLike, cols: npt.ArrayLike, fits: npt.ArrayLike, threshold: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Allowed edges, one per (notice, partner) with the highest fit, sorted by (notice, partner)."""
    r = np.asarray(rows, dtype=np.int64).reshape(-1)
    c = np.asarray(cols, dtype=np.int64).reshape(-1)
    f = np.asarray(fits, dtype=np.float64).reshape(-1)
    if not (len(r) == len(c) == len(f)):
        raise ValueError("rows, cols and fits must have the same length")
    if len(r) and (r.min() < 0 or r.max() >= n or c.min() < 0 or c.max() >= m):
        raise ValueError("edge endpoint out of range")
    if not np.isfinite(f).all():
        raise ValueError("fits must be finite")
    keep = (f >= threshold) & (f > 0.0)
    r, c, f = r[keep], c[keep], f[keep]
    key = r * max(m, 1) + c
    order = np.argsort(key, kind="stable")
    key, r, c, f = key[order], r[order], c[order], f[order]
    duplicate = key[1:] == key[:-1]
    if duplicate.any():  # keep the highest fit of each (notice, partner)
        order = np.lexsort((-f, key))
        key, r, c, f = key[order], r[order], c[order], f[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        r, c, f = r[first], c[first], f[first]
    return r, c, f


def _compact(positions: npt.NDArray[np.int64], size: int) -> tuple[int, npt.NDArray[np.int64]]:
    """Number the distinct positions 0, 1, … in increasing order; return their count and the map."""
    present = np.zeros(size, dtype=bool)
    present[positions] = True
    number = np.cumsum(present) - 1
    return int(present.sum()), number[positions]


def assign_sparse(
    notice_ids: Sequence[str],
    partner_ids: Sequence[str],
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    fits: npt.ArrayLike,
    threshold: float = 0.0,
    *,
    scale: int = SCALE,
) -> Assignment:
    """Maximal-total-fit pairing on a sparse candidate graph (edge lists of positions and fits)."""
    n, m = len(notice_ids), len(partner_ids)
    r, c, f = _edges(n, m, rows, cols, fits, threshold)
    if len(r) == 0:
        return _result(notice_ids, partner_ids, r, c, f)
    weights = np.rint(f * scale).astype(np.int64)

    # Nodes: 0 is the sink, then the notices and partners that have edges. Each notice supplies one
    # unit that reaches the sink through a partner (cost −weight) or directly (cost 0: unmatched).
    n_active, r_local = _compact(r, n)
    p_active, c_local = _compact(c, m)
    notice_node = 1 + np.arange(n_active, dtype=np.int64)
    partner_node = 1 + n_active + np.arange(p_active, dtype=np.int64)
    sink = np.zeros(n_active + p_active, dtype=np.int64)

    tails = np.concatenate([notice_node[r_local], notice_node, partner_node])
    heads = np.concatenate([partner_node[c_local], sink])
    capacities = np.ones(len(tails), dtype=np.int64)
    costs = np.concatenate([-weights, np.zeros(n_active + p_active, np.int64)])

    from ortools.graph.python import min_cost_flow  # lazy: OR-Tools is slow to import

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_nodes_supplies(
        np.concatenate([[0], notice_node]), np.concatenate([[-n_active], np.ones(n_active, np.int64)])
    )
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the direct notice → sink arcs make it feasible
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen = flow.flows(arcs[: len(r)]) > 0
    return _result(notice_ids, partner_ids, r[chosen], c[chosen], f[chosen])


def greedy_assign(
    notice_ids: Sequence[str],
    partner_ids: Sequence[str],
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    fits: npt.ArrayLike,
    threshold: float = 0.0,
) -> Assignment:
    """Greedy pairing for comparison: best allowed pair first while both sides are free."""
    n, m = len(notice_ids), len(partner_ids)
    r, c, f = _edges(n, m, rows, cols, fits, threshold)
    order = np.argsort(-f, kind="stable")  # edges come sorted by (notice, partner): ties keep that order
    used_n = bytearray(n)
    used_p = bytearray(m)
    take: list[int] = []
    remaining = min(_compact(r, n)[0], _compact(c, m)[0])  # stop once no pair can be added
    r_list, c_list = r[order].tolist(), c[order].tolist()
    for pos, (i, j) in enumerate(zip(r_list, c_list, strict=True)):
        if not used_n[i] and not used_p[j]:
            used_n[i] = 1
            used_p[j] = 1
            take.append(pos)
            remaining -= 1
            if remaining == 0:
                break
    picked = order[np.asarray(take, dtype=np.int64)]
    return _result(notice_ids, partner_ids, r[picked], c[picked], f[picked])


def dense_edges(
    fit: npt.ArrayLike,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """All entries of a dense fit matrix as edge lists (for ``assign_sparse``/``greedy_assign``)."""
    matrix = np.asarray(fit, dtype=np.float64)
    rows, cols = np.nonzero(np.ones_like(matrix, dtype=bool))
    return rows.astype(np.int64), cols.astype(np.int64), matrix[rows, cols]


def pair_dense(
    index: ScoringIndex,
    threshold: float = DEFAULT_THRESHOLD,
    weights: Weights | None = None,
    *,
    notice_rows: npt.ArrayLike | None = None,
    partner_cols: npt.ArrayLike | None = None,
) -> Assignment:
    """Score a block of the index (a county: all by default) and pair it exactly (``assign_dense``)."""
    rows = np.arange(len(index.notices)) if notice_rows is None else np.asarray(notice_rows, dtype=np.int64)
    cols = (
        np.arange(len(index.partners)) if partner_cols is None else np.asarray(partner_cols, dtype=np.int64)
    )
    matrix = index.fit_matrix(rows, cols, weights)
    return assign_dense(
        matrix, [index.notice_ids[i] for i in rows], [index.partner_ids[j] for j in cols], threshold
    )


def pair_sparse(
    index: ScoringIndex,
    k: int = 50,
    threshold: float = DEFAULT_THRESHOLD,
    weights: Weights | None = None,
    *,
    by_county: bool = True,
) -> Assignment:
    """The province: each notice's ``k`` best partners (``candidate_pairs``), paired exactly on that graph."""
    graph = candidate_pairs(index, k, threshold, weights, by_county=by_county)
    return assign_sparse(
        index.notice_ids, index.partner_ids, graph.notice, graph.partner, graph.fit, threshold
    )


def assign_stable(
    notice_ids: Sequence[str],
    partner_ids: Sequence[str],
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    fits: npt.ArrayLike,
    threshold: float = 0.0,
    *,
    proposing: str = "partner",
) -> Assignment:
    """Stable pairing by deferred acceptance on the allowed edges; ``proposing`` is "partner" or
    "notice" (the village side). Each proposer asks down its list (fit descending, ties by the other
    side's position); the receiver keeps the best offer so far (same order) and frees the one it drops."""
    if proposing not in ("partner", "notice"):
        raise ValueError("proposing must be 'partner' or 'notice'")
    n, m = len(notice_ids), len(partner_ids)
    r, c, f = _edges(n, m, rows, cols, fits, threshold)
    if proposing == "partner":
        prop, recv, n_prop, n_recv = c, r, m, n
    else:
        prop, recv, n_prop, n_recv = r, c, n, m
    # proposers' lists: by proposer, then fit descending, then receiver position
    order = np.lexsort((recv, -f, prop))
    prop_s, recv_s, f_s = prop[order], recv[order], f[order]
    starts = np.searchsorted(prop_s, np.arange(n_prop + 1))
    recv_list, fit_list = recv_s.tolist(), f_s.tolist()
    start_list = starts.tolist()
    nxt = start_list[:-1]  # next position in each proposer's list
    end = start_list[1:]
    held_by = [-1] * n_recv  # receiver → proposer it holds
    held_fit = [0.0] * n_recv
    free = [p for p in range(n_prop) if nxt[p] < end[p]]
    free.reverse()
    while free:
        p = free.pop()
        while nxt[p] < end[p]:
            k = nxt[p]
            nxt[p] = k + 1
            q, fit = recv_list[k], fit_list[k]
            current = held_by[q]
            if current < 0 or fit > held_fit[q] or (fit == held_fit[q] and p < current):
                held_by[q] = p
                held_fit[q] = fit
                if current >= 0 and nxt[current] < end[current]:
                    free.append(current)
                break
    matched_recv = np.asarray([q for q in range(n_recv) if held_by[q] >= 0], dtype=np.int64)
    matched_prop = np.asarray([held_by[q] for q in matched_recv.tolist()], dtype=np.int64)
    matched_fit = np.asarray([held_fit[q] for q in matched_recv.tolist()], dtype=np.float64)
    if proposing == "partner":
        return _result(notice_ids, partner_ids, matched_recv, matched_prop, matched_fit)
    return _result(notice_ids, partner_ids, matched_prop, matched_recv, matched_fit)


def blocking_pairs(
    assignment: Assignment,
    notice_ids: Sequence[str],
    partner_ids: Sequence[str],
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    fits: npt.ArrayLike,
    threshold: float = 0.0,
) -> int:
    """Allowed pairs whose notice and partner both have a strictly higher fit together than with what
    ``assignment`` gave them (nothing counts as fit 0, below every allowed pair)."""
    n, m = len(notice_ids), len(partner_ids)
    r, c, f = _edges(n, m, rows, cols, fits, threshold)
    notice_pos = {nid: i for i, nid in enumerate(notice_ids)}
    partner_pos = {pid: j for j, pid in enumerate(partner_ids)}
    current_n = np.zeros(n, dtype=np.float64)
    current_p = np.zeros(m, dtype=np.float64)
    for pair in assignment.pairs:
        current_n[notice_pos[pair.notice]] = pair.fit
        current_p[partner_pos[pair.partner]] = pair.fit
    return int(np.count_nonzero((f > current_n[r]) & (f > current_p[c])))
