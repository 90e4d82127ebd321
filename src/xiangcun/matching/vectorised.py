"""The vectorised path of the fit: numpy arrays for many notices and partners (``ScoringIndex``),
scoring one partner against all notices, one notice against all partners, or a block of both.

Every factor value is computed elementwise by the same IEEE operations, in the same order, as the
scalar definitions in ``scalar.py`` (small lookup tables of ``weight × value`` gathered, factors
added in the fixed order, BM25 sums exact), so the scores are bit-identical; the tests check it.
Pure numpy/scipy, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.matching.scalar import (
    _N_CATEGORIES,
    _N_FORMS,
    _N_KINDS,
    _N_RESOURCES,
    DEFAULT_WEIGHTS,
    Fit,
    NoticeFacts,
    PartnerFacts,
    Weights,
    fit,
    text_tokens,
)
from xiangcun.matching.text import TextModel, column_sum, to_csc, tokenize_many

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


# --------------------------------------------------------------------------------------------------
# Factor values — vectorised, elementwise identical to the scalar definitions in scalar.py
# --------------------------------------------------------------------------------------------------
def _v_category(cat: npt.ArrayLike, pref_mask: npt.ArrayLike) -> FloatArray:
    cat_a = np.asarray(cat, dtype=np.int64)
    mask = np.asarray(pref_mask, dtype=np.int64)
    hit = ((mask >> cat_a) & 1).astype(np.float64)
    return np.where(mask == 0, 0.5, hit)


def _v_region(in_pref: npt.ArrayLike, has_pref: npt.ArrayLike) -> FloatArray:
    return np.where(np.asarray(has_pref, dtype=bool), np.asarray(in_pref, dtype=np.float64), 0.5)


def _v_capital(
    imin: npt.ArrayLike,
    imax: npt.ArrayLike,
    no_requirement: npt.ArrayLike,
    cmin: npt.ArrayLike,
    cmax: npt.ArrayLike,
    unknown: npt.ArrayLike,
) -> FloatArray:
    imin_a = np.asarray(imin, dtype=np.float64)
    cmax_a = np.asarray(cmax, dtype=np.float64)
    cmin_a = np.asarray(cmin, dtype=np.float64)
    imax_a = np.asarray(imax, dtype=np.float64)
    shape = np.broadcast_shapes(imin_a.shape, imax_a.shape, cmin_a.shape, cmax_a.shape)
    value = np.ones(shape, dtype=np.float64)
    np.copyto(value, 0.5, where=cmin_a > imax_a)
    short = cmax_a < imin_a
    if short.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.divide(cmax_a, imin_a)
        shortfall = np.negative(np.subtract(1.0, ratio, out=ratio), out=ratio)  # −(1 − cmax/imin)
        np.copyto(value, shortfall, where=short)
    np.copyto(value, 0.5, where=np.asarray(unknown, dtype=bool))
    np.copyto(value, 1.0, where=np.asarray(no_requirement, dtype=bool))
    return value


def _v_kind(kinds_mask: npt.ArrayLike, kind: npt.ArrayLike) -> FloatArray:
    mask = np.asarray(kinds_mask, dtype=np.int64)
    hit = ((mask >> np.asarray(kind, dtype=np.int64)) & 1).astype(np.float64)
    return np.where(mask == 0, 0.5, hit)


def _v_form(notice_forms: npt.ArrayLike, partner_forms: npt.ArrayLike) -> FloatArray:
    nf = np.asarray(notice_forms, dtype=np.int64)
    pf = np.asarray(partner_forms, dtype=np.int64)
    hit = ((nf & pf) != 0).astype(np.float64)
    return np.where((nf == 0) | (pf == 0), 0.5, hit)


def _v_resources(offered: npt.ArrayLike, wanted: npt.ArrayLike) -> FloatArray:
    off = np.asarray(offered, dtype=np.int64)
    want = np.asarray(wanted, dtype=np.int64)
    n_wanted = np.bitwise_count(want).astype(np.float64)
    n_hit = np.bitwise_count(off & want).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = n_hit / n_wanted
    return np.where(want == 0, 0.5, share)


def _v_text(scores: FloatArray, norm: npt.ArrayLike) -> FloatArray:
    """``min(1, bm25 / norm)``; a query without known terms (norm 0) has bm25 0 everywhere → 0."""
    norm_a = np.asarray(norm, dtype=np.float64)
    safe = np.where(norm_a > 0.0, norm_a, 1.0)
    rel = np.divide(scores, safe)
    return np.minimum(rel, 1.0, out=rel)


def _mask(codes_: Iterable[str], vocabulary: str) -> int:
    result = 0
    for code in codes_:
        result |= 1 << vocab.index_of(vocabulary, code)
    return result


# --------------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scored:
    """One recommendation: the other side's id and the fit."""

    id: str
    fit: float


@dataclass(eq=False)
class _NoticeArrays:
    cat: IntArray
    county: IntArray
    kinds: IntArray
    forms: IntArray
    resources: IntArray
    capital_key: IntArray  # row → index into the unique (imin, imax, no_requirement) triples
    capital_unique: tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]
    text: sparse.csr_matrix  # N × V BM25 term weights
    text_columns: sparse.csc_matrix  # the same, by term


@dataclass(eq=False)
class _PartnerArrays:
    kind: IntArray
    cat_pref: IntArray
    has_county_pref: npt.NDArray[np.bool_]
    county_pref: sparse.csc_matrix  # P × C, 1 where the partner prefers the county
    capital_key: IntArray  # row → index into the unique (cmin, cmax, unknown) triples
    capital_unique: tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]
    forms: IntArray
    resources: IntArray
    query: sparse.csr_matrix  # P × V binary, distinct in-vocabulary profile terms
    query_columns: sparse.csc_matrix  # the same, by term
    query_norm: FloatArray  # Σ idf per partner


def _id_ranks(ids: Sequence[str]) -> IntArray:
    order = sorted(range(len(ids)), key=ids.__getitem__)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids), dtype=np.int64)
    return rank


def _id_positions(ids: Sequence[str], side: str) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, id_ in enumerate(ids):
        if id_ in positions:
            raise ApplicationError(Msg("重复的编号：{id_}", id_=id_), field=side)
        positions[id_] = i
    return positions


class ScoringIndex:
    """Notices and partners as numpy arrays, scored many at a time, identical to ``fit``.

    Build it once over the published notices and verified partners (either side may be empty).
    The BM25 statistics come from the notices' texts unless ``text_model`` is given — pass the
    province model when building a county index so that scores agree across indexes.
    """

    def __init__(
        self,
        notices: Sequence[NoticeFacts],
        partners: Sequence[PartnerFacts],
        text_model: TextModel,
        notice_tokens: Sequence[Sequence[str]],
        partner_tokens: Sequence[Sequence[str]],
    ) -> None:
        self.notices: tuple[NoticeFacts, ...] = tuple(notices)
        self.partners: tuple[PartnerFacts, ...] = tuple(partners)
        self.text_model = text_model
        self.notice_ids: list[str] = [n.id for n in self.notices]
        self.partner_ids: list[str] = [p.id for p in self.partners]
        self.notice_pos = _id_positions(self.notice_ids, "notices")
        self.partner_pos = _id_positions(self.partner_ids, "partners")
        self.notice_rank = _id_ranks(self.notice_ids)
        self.partner_rank = _id_ranks(self.partner_ids)

        counties = sorted(
            {n.county_code for n in self.notices} | {c for p in self.partners for c in p.preferred_counties}
        )
        self.county_index: dict[str, int] = {c: i for i, c in enumerate(counties)}
        self._n = self._notice_arrays(notice_tokens)
        self._p = self._partner_arrays(partner_tokens)

    @classmethod
    def build(
        cls,
        notices: Sequence[NoticeFacts] = (),
        partners: Sequence[PartnerFacts] = (),
        *,
        text_model: TextModel | None = None,
    ) -> ScoringIndex:
        notice_tokens = tokenize_many(n.text for n in notices)
        partner_tokens = tokenize_many(p.text for p in partners)
        model = text_model if text_model is not None else TextModel.fit(notice_tokens)
        return cls(notices, partners, model, notice_tokens, partner_tokens)

    # --- construction ------------------------------------------------------------------------
    def _notice_arrays(self, tokens: Sequence[Sequence[str]]) -> _NoticeArrays:
        ns = self.notices
        imin = np.array([float(n.investment_min or 0.0) for n in ns], dtype=np.float64)
        imax = np.array(
            [math.inf if n.investment_max is None else float(n.investment_max) for n in ns], dtype=np.float64
        )
        no_req = np.array(
            [(n.investment_min or 0.0) <= 0.0 and n.investment_max is None for n in ns], dtype=bool
        )
        triples = np.stack([imin, imax, no_req.astype(np.float64)], axis=1) if ns else np.zeros((0, 3))
        unique, key = np.unique(triples, axis=0, return_inverse=True)
        text = self.text_model.doc_matrix(tokens)
        return _NoticeArrays(
            cat=np.array([vocab.index_of("category", n.category) for n in ns], dtype=np.int64),
            county=np.array([self.county_index[n.county_code] for n in ns], dtype=np.int64),
            kinds=np.array([_mask(n.kinds_wanted, "kind") for n in ns], dtype=np.int64),
            forms=np.array([_mask(n.forms, "form") for n in ns], dtype=np.int64),
            resources=np.array([_mask(n.resources_offered, "resource") for n in ns], dtype=np.int64),
            capital_key=np.asarray(key, dtype=np.int64).reshape(-1),
            capital_unique=(unique[:, 0].copy(), unique[:, 1].copy(), unique[:, 2] > 0.5),
            text=text,
            text_columns=to_csc(text),
        )

    def _partner_arrays(self, tokens: Sequence[Sequence[str]]) -> _PartnerArrays:
        ps = self.partners
        rows: list[int] = []
        cols: list[int] = []
        for i, p in enumerate(ps):
            for c in p.preferred_counties:
                rows.append(i)
                cols.append(self.county_index[c])
        county_pref = sparse.csc_matrix(
            (np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(len(ps), len(self.county_index))
        )
        query, query_norm = self.text_model.query_matrix(tokens)
        cmin = np.array([float(p.capital_min or 0.0) for p in ps], dtype=np.float64)
        cmax = np.array(
            [math.inf if p.capital_max is None else float(p.capital_max) for p in ps], dtype=np.float64
        )
        unknown = np.array([p.capital_min is None and p.capital_max is None for p in ps], dtype=bool)
        triples = np.stack([cmin, cmax, unknown.astype(np.float64)], axis=1) if ps else np.zeros((0, 3))
        unique, key = np.unique(triples, axis=0, return_inverse=True)
        return _PartnerArrays(
            kind=np.array([vocab.index_of("kind", p.kind) for p in ps], dtype=np.int64),
            cat_pref=np.array([_mask(p.preferred_categories, "category") for p in ps], dtype=np.int64),
            has_county_pref=np.array([bool(p.preferred_counties) for p in ps], dtype=bool),
            county_pref=county_pref,
            capital_key=np.asarray(key, dtype=np.int64).reshape(-1),
            capital_unique=(unique[:, 0].copy(), unique[:, 1].copy(), unique[:, 2] > 0.5),
            forms=np.array([_mask(p.forms, "form") for p in ps], dtype=np.int64),
            resources=np.array([_mask(p.resources_wanted, "resource") for p in ps], dtype=np.int64),
            query=query,
            query_columns=to_csc(query),
            query_norm=query_norm,
        )

    # --- one pair ----------------------------------------------------------------------------
    def explain(
        self, notice: NoticeFacts | str, partner: PartnerFacts | str, weights: Weights | None = None
    ) -> Fit:
        """``fit`` of one pair with this index's text statistics (ids are looked up in the index)."""
        n = self.notices[self.notice_pos[notice]] if isinstance(notice, str) else notice
        p = self.partners[self.partner_pos[partner]] if isinstance(partner, str) else partner
        return fit(n, p, weights, text_model=self.text_model)

    # --- one partner against all notices -----------------------------------------------------
    def scores_for_partner(self, partner: PartnerFacts, weights: Weights | None = None) -> FloatArray:
        """Fit of ``partner`` with every indexed notice (array aligned with ``notice_ids``)."""
        w = weights or DEFAULT_WEIGHTS
        na = self._n
        if not self.notices:
            return np.zeros(0, dtype=np.float64)
        cat_pref = _mask(partner.preferred_categories, "category")
        cat_tbl = w.category * _v_category(np.arange(_N_CATEGORIES), cat_pref)

        member = np.zeros(len(self.county_index), dtype=np.float64)
        for c in partner.preferred_counties:
            i = self.county_index.get(c)
            if i is not None:
                member[i] = 1.0
        region_tbl = w.region * _v_region(member, bool(partner.preferred_counties))

        u_imin, u_imax, u_noreq = na.capital_unique
        unknown = partner.capital_min is None and partner.capital_max is None
        cmin = float(partner.capital_min or 0.0)
        cmax = math.inf if partner.capital_max is None else float(partner.capital_max)
        capital_tbl = w.capital * _v_capital(u_imin, u_imax, u_noreq, cmin, cmax, unknown)

        kind_tbl = w.kind * _v_kind(np.arange(1 << _N_KINDS), vocab.index_of("kind", partner.kind))
        form_tbl = w.form * _v_form(np.arange(1 << _N_FORMS), _mask(partner.forms, "form"))
        res_tbl = w.resources * _v_resources(
            np.arange(1 << _N_RESOURCES), _mask(partner.resources_wanted, "resource")
        )

        terms = self.text_model.query_terms(text_tokens(partner.text))
        qnorm = self.text_model.query_norm(terms)
        if qnorm > 0.0:
            text = w.text * _v_text(column_sum(na.text_columns, terms), qnorm)
        else:
            text = np.full(len(self.notices), w.text * 0.0)

        total = cat_tbl[na.cat]
        total += region_tbl[na.county]
        total += capital_tbl[na.capital_key]
        total += kind_tbl[na.kinds]
        total += form_tbl[na.forms]
        total += text
        total += res_tbl[na.resources]
        return np.clip(total, 0.0, 1.0, out=total)

    # --- one notice against all partners -----------------------------------------------------
    def scores_for_notice(self, notice: NoticeFacts, weights: Weights | None = None) -> FloatArray:
        """Fit of ``notice`` with every indexed partner (array aligned with ``partner_ids``)."""
        w = weights or DEFAULT_WEIGHTS
        pa = self._p
        n_partners = len(self.partners)
        if not n_partners:
            return np.zeros(0, dtype=np.float64)
        cat_tbl = w.category * _v_category(
            vocab.index_of("category", notice.category), np.arange(1 << _N_CATEGORIES)
        )

        in_pref = np.zeros(n_partners, dtype=np.float64)
        ci = self.county_index.get(notice.county_code)
        if ci is not None:
            col = pa.county_pref
            in_pref[col.indices[col.indptr[ci] : col.indptr[ci + 1]]] = 1.0
        region = w.region * _v_region(in_pref, pa.has_county_pref)

        imin = float(notice.investment_min or 0.0)
        imax = math.inf if notice.investment_max is None else float(notice.investment_max)
        no_req = imin <= 0.0 and notice.investment_max is None
        u_cmin, u_cmax, u_unknown = pa.capital_unique
        capital_tbl = w.capital * _v_capital(imin, imax, no_req, u_cmin, u_cmax, u_unknown)

        kind_tbl = w.kind * _v_kind(_mask(notice.kinds_wanted, "kind"), np.arange(_N_KINDS))
        form_tbl = w.form * _v_form(_mask(notice.forms, "form"), np.arange(1 << _N_FORMS))
        res_tbl = w.resources * _v_resources(
            _mask(notice.resources_offered, "resource"), np.arange(1 << _N_RESOURCES)
        )

        doc = self.text_model.doc_matrix([text_tokens(notice.text)])
        bm25 = column_sum(pa.query_columns, doc.indices.tolist(), doc.data.tolist())
        text = w.text * _v_text(bm25, pa.query_norm)

        total = cat_tbl[pa.cat_pref]
        total += region
        total += capital_tbl[pa.capital_key]
        total += kind_tbl[pa.kind]
        total += form_tbl[pa.forms]
        total += text
        total += res_tbl[pa.resources]
        return np.clip(total, 0.0, 1.0, out=total)

    # --- a block of notices × partners -------------------------------------------------------
    def fit_matrix(
        self,
        notice_rows: npt.ArrayLike | None = None,
        partner_cols: npt.ArrayLike | None = None,
        weights: Weights | None = None,
    ) -> FloatArray:
        """Fit of indexed notices (rows, positions) × indexed partners (columns), dense.

        All × all by default — meant for a county or a city; at province scale score by blocks
        (``candidate_pairs`` does). 300 × 3,000 takes about 20 ms.
        """
        w = weights or DEFAULT_WEIGHTS
        rows = (
            np.arange(len(self.notices)) if notice_rows is None else np.asarray(notice_rows, dtype=np.int64)
        )
        cols = (
            np.arange(len(self.partners))
            if partner_cols is None
            else np.asarray(partner_cols, dtype=np.int64)
        )
        na, pa = self._n, self._p
        if len(rows) == 0 or len(cols) == 0:
            return np.zeros((len(rows), len(cols)), dtype=np.float64)

        def table(keys: IntArray, values: Callable[[IntArray], FloatArray]) -> tuple[FloatArray, IntArray]:
            """``weight × value`` for each distinct notice-side key × every column, and row → key."""
            unique, inverse = np.unique(keys, return_inverse=True)
            return values(unique), np.asarray(inverse, dtype=np.int64).reshape(-1)

        p_cat = pa.cat_pref[cols]
        cat_tbl, cat_inv = table(na.cat[rows], lambda u: w.category * _v_category(u[:, None], p_cat[None, :]))
        p_has = pa.has_county_pref[cols]
        pref_sub = pa.county_pref[cols]
        region_tbl, region_inv = table(
            na.county[rows],
            lambda u: w.region * _v_region(pref_sub[:, u].toarray().T.astype(np.float64), p_has[None, :]),
        )
        p_kind = pa.kind[cols]
        kind_tbl, kind_inv = table(na.kinds[rows], lambda u: w.kind * _v_kind(u[:, None], p_kind[None, :]))
        p_forms = pa.forms[cols]
        form_tbl, form_inv = table(na.forms[rows], lambda u: w.form * _v_form(u[:, None], p_forms[None, :]))
        p_res = pa.resources[cols]
        res_tbl, res_inv = table(
            na.resources[rows], lambda u: w.resources * _v_resources(u[:, None], p_res[None, :])
        )
        # capital: distinct notice (min, max, none) triples × distinct partner (min, max, unknown)
        n_unique, n_inv = np.unique(na.capital_key[rows], return_inverse=True)
        p_unique, p_inv = np.unique(pa.capital_key[cols], return_inverse=True)
        u_imin, u_imax, u_noreq = na.capital_unique
        u_cmin, u_cmax, u_unknown = pa.capital_unique
        capital_tbl = w.capital * _v_capital(
            u_imin[n_unique][:, None],
            u_imax[n_unique][:, None],
            u_noreq[n_unique][:, None],
            u_cmin[p_unique][None, :],
            u_cmax[p_unique][None, :],
            u_unknown[p_unique][None, :],
        )
        capital_rows = np.asarray(n_inv, dtype=np.int64).reshape(-1)
        capital_cols = np.asarray(p_inv, dtype=np.int64).reshape(-1)
        queries = pa.query[cols]
        q_norm = pa.query_norm[cols][None, :]
        docs = na.text[rows]

        # Row blocks of ~64k cells keep every intermediate in cache; the factors are added in the
        # fixed order. Partners × terms (sparse) @ terms × notices (dense) gives the BM25 sums —
        # exact (text.py), so equal to the scalar sums whatever order the kernel adds in.
        n, m = len(rows), len(cols)
        out = np.empty((n, m), dtype=np.float64)
        step = max(1, 65536 // m)
        for a in range(0, n, step):
            b = min(n, a + step)
            block = cat_tbl[cat_inv[a:b]]
            block += region_tbl[region_inv[a:b]]
            block += capital_tbl[capital_rows[a:b]][:, capital_cols]
            block += kind_tbl[kind_inv[a:b]]
            block += form_tbl[form_inv[a:b]]
            bm25 = np.asarray(queries @ np.ascontiguousarray(docs[a:b].toarray().T), dtype=np.float64).T
            text = _v_text(bm25, q_norm)
            block += np.multiply(text, w.text, out=text)
            block += res_tbl[res_inv[a:b]]
            np.clip(block, 0.0, 1.0, out=out[a:b])
        return out

    # --- candidate graph for the province -----------------------------------------------------
    def partners_by_county(self) -> dict[str, IntArray]:
        """County code → positions of the partners who prefer it (or, naming none, live there)."""
        pa = self._p
        result: dict[str, list[IntArray]] = {}
        for code, ci in self.county_index.items():
            col = pa.county_pref
            result.setdefault(code, []).append(
                col.indices[col.indptr[ci] : col.indptr[ci + 1]].astype(np.int64)
            )
        homeless: dict[str, list[int]] = {}
        for i, p in enumerate(self.partners):
            if not p.preferred_counties and p.home_county_code:
                homeless.setdefault(p.home_county_code, []).append(i)
        for code, positions in homeless.items():
            result.setdefault(code, []).append(np.asarray(positions, dtype=np.int64))
        return {code: np.unique(np.concatenate(parts)) for code, parts in result.items()}
