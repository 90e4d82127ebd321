"""Exact top-k both ways and the candidate pairs of a pairing, over a ``ScoringIndex``.

Pure numpy/scipy, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from xiangcun.matching.scalar import NoticeFacts, PartnerFacts, Weights
from xiangcun.matching.vectorised import FloatArray, IntArray, Scored, ScoringIndex


# --------------------------------------------------------------------------------------------------
# Exact top-k
# --------------------------------------------------------------------------------------------------
def top_k_indices(scores: FloatArray, rank: IntArray, k: int, excluded: IntArray | None = None) -> IntArray:
    """Positions of the ``k`` best scores, best first, ties by ``rank`` (id order); exact.

    ``np.argpartition`` finds the k-th best value; every position scoring at least that much is a
    candidate, and the candidates are sorted by (score desc, rank asc) — the same first ``k`` as
    sorting all positions that way. Excluded positions never appear.
    """
    n = len(scores)
    valid = n
    if excluded is not None and len(excluded):
        excluded = np.unique(excluded)
        scores = scores.copy()
        scores[excluded] = -np.inf
        valid = n - len(excluded)
    k = min(k, valid)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < n:
        top = np.argpartition(scores, n - k)[n - k :]
        kth = scores[top].min()
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(n)
    order = np.lexsort((rank[candidates], -scores[candidates]))
    return candidates[order[:k]].astype(np.int64)


def _excluded(positions: Mapping[str, int], ids: Iterable[str]) -> IntArray:
    return np.asarray([positions[i] for i in ids if i in positions], dtype=np.int64)


def top_k_notices_for_partner(
    index: ScoringIndex,
    partner: PartnerFacts,
    k: int = 10,
    exclude_ids: Iterable[str] = (),
    weights: Weights | None = None,
) -> list[Scored]:
    """The ``k`` notices of the index that fit ``partner`` best (ties by notice id), exact."""
    scores = index.scores_for_partner(partner, weights)
    top = top_k_indices(scores, index.notice_rank, k, _excluded(index.notice_pos, exclude_ids))
    return [Scored(index.notice_ids[i], float(scores[i])) for i in top]


def top_k_partners_for_notice(
    index: ScoringIndex,
    notice: NoticeFacts,
    k: int = 10,
    exclude_ids: Iterable[str] = (),
    weights: Weights | None = None,
) -> list[Scored]:
    """The ``k`` partners of the index that fit ``notice`` best (ties by partner id), exact."""
    scores = index.scores_for_notice(notice, weights)
    top = top_k_indices(scores, index.partner_rank, k, _excluded(index.partner_pos, exclude_ids))
    return [Scored(index.partner_ids[i], float(scores[i])) for i in top]


# --------------------------------------------------------------------------------------------------
# Candidate pairs (input to the pairing)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CandidatePairs:
    """Edges of a notice × partner candidate graph, as positions into the index, with fits."""

    notice: IntArray
    partner: IntArray
    fit: FloatArray
    notice_ids: list[str] = field(repr=False)
    partner_ids: list[str] = field(repr=False)

    def __len__(self) -> int:
        return len(self.fit)

    def to_json(self) -> list[dict[str, Any]]:
        """Every allowed pair as ``{"notice", "partner", "fit"}`` (CLI ``match candidates``)."""
        return [
            {"notice": self.notice_ids[i], "partner": self.partner_ids[j], "fit": round(float(f), 6)}
            for i, j, f in zip(self.notice.tolist(), self.partner.tolist(), self.fit.tolist(), strict=True)
        ]


def _row_top_k(matrix: FloatArray, col_rank: IntArray, k: int) -> IntArray:
    """Per row the column positions of the ``k`` best values, best first, ties by ``col_rank``; exact."""
    n_rows, n_cols = matrix.shape
    if k <= 0:
        return np.zeros((n_rows, 0), dtype=np.int64)
    if k >= n_cols:
        top = np.tile(np.arange(n_cols, dtype=np.int64), (n_rows, 1))
    else:
        top = np.argpartition(-matrix, k - 1, axis=1)[:, :k]
        kth = np.take_along_axis(matrix, top, axis=1).min(axis=1)
        ties = (matrix >= kth[:, None]).sum(axis=1) > k
        for r in np.flatnonzero(ties):
            candidates = np.flatnonzero(matrix[r] >= kth[r])
            order = np.lexsort((col_rank[candidates], -matrix[r, candidates]))
            top[r] = candidates[order[:k]]
    values = np.take_along_axis(matrix, top, axis=1)
    order = np.lexsort((col_rank[top], -values), axis=1)
    return np.take_along_axis(top, order, axis=1).astype(np.int64)


def candidate_pairs(
    index: ScoringIndex,
    k: int,
    threshold: float = 0.0,
    weights: Weights | None = None,
    *,
    notice_rows: npt.ArrayLike | None = None,
    by_county: bool = True,
) -> CandidatePairs:
    """Each notice's ``k`` best partners (fit ≥ ``threshold``): the province pairing graph.

    ``by_county=True`` (the province): a notice's candidates are drawn from the partners who
    prefer its county, or who name no county and live there (``home_county_code``); scoring is
    done county by county in dense blocks. ``by_county=False``: from all indexed partners (exact
    top-k over everyone; fine for a county or a city).
    """
    rows = np.arange(len(index.notices)) if notice_rows is None else np.asarray(notice_rows, dtype=np.int64)
    edges_n: list[IntArray] = []
    edges_p: list[IntArray] = []
    edges_f: list[FloatArray] = []
    if by_county:
        pools = index.partners_by_county()
        counties = index._n.county[rows]
        codes_by_index = {i: c for c, i in index.county_index.items()}
        blocks = [
            (rows[counties == ci], pools.get(codes_by_index[ci], np.zeros(0, np.int64)))
            for ci in np.unique(counties)
        ]
    else:
        blocks = [(rows, np.arange(len(index.partners), dtype=np.int64))]
    for block_rows, block_cols in blocks:
        if len(block_rows) == 0 or len(block_cols) == 0:
            continue
        matrix = index.fit_matrix(block_rows, block_cols, weights)
        top = _row_top_k(matrix, index.partner_rank[block_cols], k)
        fits = np.take_along_axis(matrix, top, axis=1)
        keep = fits >= threshold
        edges_n.append(np.repeat(block_rows, top.shape[1]).reshape(top.shape)[keep])
        edges_p.append(block_cols[top][keep])
        edges_f.append(fits[keep])
    if edges_f:
        n_arr, p_arr, f_arr = np.concatenate(edges_n), np.concatenate(edges_p), np.concatenate(edges_f)
    else:
        n_arr, p_arr, f_arr = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    return CandidatePairs(n_arr, p_arr, f_arr, index.notice_ids, index.partner_ids)


def allowed_pairs(
    index: ScoringIndex,
    threshold: float,
    weights: Weights | None = None,
    *,
    notice_rows: npt.ArrayLike | None = None,
    partner_cols: npt.ArrayLike | None = None,
) -> CandidatePairs:
    """Every pair of a dense block with fit ≥ ``threshold`` (and > 0): CLI ``match candidates``.

    Ordered by notice position, then fit descending, then partner id.
    """
    rows = np.arange(len(index.notices)) if notice_rows is None else np.asarray(notice_rows, dtype=np.int64)
    cols = (
        np.arange(len(index.partners)) if partner_cols is None else np.asarray(partner_cols, dtype=np.int64)
    )
    matrix = index.fit_matrix(rows, cols, weights)
    i, j = np.nonzero((matrix >= threshold) & (matrix > 0.0))
    fits = matrix[i, j]
    order = np.lexsort((index.partner_rank[cols[j]], -fits, i))
    return CandidatePairs(rows[i[order]], cols[j[order]], fits[order], index.notice_ids, index.partner_ids)
