"""Fit between a recruitment notice and a partner, explained; exact top-k recommendations both ways.

Pure Python + numpy/scipy, no Django (DESIGN.md §3.5). The services load notices and partners,
turn them into ``NoticeFacts`` / ``PartnerFacts`` and call these functions.

The fit
=======
``fit = clip(Σ_f weight_f × value_f, 0, 1)`` over seven factors, summed in this order. The weights
live in one ``Weights`` (defaults below, sum 1, editable by the city admin). Each factor value:

============ ======== ==========================================================================
factor       default  value
============ ======== ==========================================================================
category     0.20     1 notice category among the partner's preferred categories;
                      0.5 partner states no preference; 0 otherwise
region       0.15     1 notice county among the partner's preferred counties;
                      0.5 no preference; 0 otherwise
capital      0.15     amounts in 万元 on both sides. 1 the notice asks for no investment, or the
                      partner can reach the notice's minimum (and its own minimum is not above the
                      notice's maximum); 0.5 partner capital unknown, or partner minimum above the
                      notice maximum (project too small for them); below the minimum a
                      **penalty** ``−(1 − capital_max / investment_min)`` in (−1, 0]
kind         0.15     1 partner kind among the kinds wanted; 0.5 the notice names none; 0 otherwise
form         0.05     1 the cooperation forms overlap; 0.5 either side names none; 0 otherwise
text         0.20     BM25 relevance of the partner profile (query) to the notice text
                      (document), normalised to [0, 1] — see ``text.py``
resources    0.10     share of the resource kinds the partner wants that the notice offers;
                      0.5 partner wants none
============ ======== ==========================================================================

The maximum is 1 (every factor 1); the capital penalty can push the raw sum below 0, which is clipped.
Every factor yields an explanation item with its Chinese reason and signed contribution, e.g.
「类别一致（农家乐） +0.20」「偏好莘县 +0.15」「资金不足下限（20/50 万元） −0.09」.

Two paths, one definition
=========================
``fit(notice, partner)`` computes one pair in plain Python and explains it. ``ScoringIndex`` holds
numpy arrays for many notices and partners and scores one partner against all notices, one notice
against all partners, or a block of notices × partners. Every factor value is computed by the same
IEEE operations in the same order on both paths (small lookup tables of ``weight × value`` are
gathered, the factors are added in the fixed order above, BM25 sums are exact — see ``text.py``), so
the vectorised scores are bit-identical to the scalar ones; the tests check it on random data.

Amounts are ``float`` or ``Decimal`` in 万元 (10,000 yuan) — the unit the notices and the seed use;
convert yuan with ``yuan_to_wan``. Only ratios and comparisons of amounts enter the fit, so any one
unit used on both sides gives the same scores; the explanation texts say 万元.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.matching.text import TextModel, column_sum, to_csc, tokenize, tokenize_many

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Amount = float | Decimal

FACTORS: tuple[str, ...] = ("category", "region", "capital", "kind", "form", "text", "resources")
FACTOR_LABELS: dict[str, tuple[str, str]] = {
    "category": ("项目类别", "Project category"),
    "region": ("地区偏好", "Region preference"),
    "capital": ("资金能力", "Capital"),
    "kind": ("合伙人类型", "Partner kind"),
    "form": ("合作方式", "Cooperation form"),
    "text": ("文本相关度", "Text relevance"),
    "resources": ("资源匹配", "Resources"),
}

_N_CATEGORIES = vocab.size("category")
_N_KINDS = vocab.size("kind")
_N_FORMS = vocab.size("form")
_N_RESOURCES = vocab.size("resource")
_WEIGHT_SUM_TOLERANCE = 1e-6


def yuan_to_wan(amount: Amount | int) -> Decimal:
    """Yuan → 万元 (exact Decimal)."""
    return Decimal(str(amount)) / Decimal(10000)


# --------------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Weights:
    """Factor weights, each ≥ 0, summing to 1. The one place the fit's weighting is defined."""

    category: float = 0.20
    region: float = 0.15
    capital: float = 0.15
    kind: float = 0.15
    form: float = 0.05
    text: float = 0.20
    resources: float = 0.10

    def __post_init__(self) -> None:
        total = 0.0
        for name in FACTORS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ApplicationError(
                    Msg("权重“{v}”必须是有限的数字", v=FACTOR_LABELS[name][0], name=name), field=name
                )
            if value < 0:
                raise ApplicationError(
                    Msg("权重“{v}”不能为负数", v=FACTOR_LABELS[name][0], name=name), field=name
                )
            object.__setattr__(self, name, float(value))
            total += float(value)
        if abs(total - 1.0) > _WEIGHT_SUM_TOLERANCE:
            raise ApplicationError(
                Msg("各项权重之和必须等于 1（当前为 {total:.4f}）", total=total), field="weights"
            )

    def to_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in FACTORS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Weights:
        """Read weights edited by the city admin: every factor present, numbers ≥ 0, sum 1."""
        unknown = sorted(set(data) - set(FACTORS))
        if unknown:
            raise ApplicationError(
                Msg("未知的权重项：{v}", v="、".join(unknown), v2=", ".join(unknown)), field=unknown[0]
            )
        missing = [name for name in FACTORS if name not in data]
        if missing:
            raise ApplicationError(
                Msg(
                    "缺少权重项：{v}",
                    v="、".join(FACTOR_LABELS[m][0] for m in missing),
                    v2=", ".join(missing),
                ),
                field=missing[0],
            )
        values: dict[str, float] = {}
        for name in FACTORS:
            raw = data[name]
            try:
                if isinstance(raw, bool):
                    raise ValueError
                values[name] = float(raw)
            except (TypeError, ValueError):
                raise ApplicationError(
                    Msg("权重“{v}”必须是数字", v=FACTOR_LABELS[name][0], name=name), field=name
                ) from None
        return cls(**values)


DEFAULT_WEIGHTS = Weights()


# --------------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------------
def _amount(value: Amount | int | None, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ApplicationError(Msg("金额“{name}”必须是数字", name=name), field=name)
    result = float(value)
    if not math.isfinite(result) or result < 0:
        raise ApplicationError(Msg("金额“{name}”必须是非负数", name=name), field=name)
    return result


def _codes(values: Iterable[str], vocabulary: str, name: str) -> frozenset[str]:
    if isinstance(values, str):
        values = (values,)
    result = frozenset(values)
    for code in result:
        try:
            vocab.index_of(vocabulary, code)
        except vocab.UnknownCodeError as exc:
            raise vocab.UnknownCodeError(name, code) from exc
    return result


def _check_range(low: float | None, high: float | None, low_name: str, high_name: str) -> None:
    if low is not None and high is not None and low > high:
        raise ApplicationError(
            Msg("最低金额不能高于最高金额", low_name=low_name, high_name=high_name), field=low_name
        )


@dataclass(frozen=True)
class NoticeFacts:
    """What the fit needs from a recruitment notice (amounts in 万元, see the module docstring)."""

    id: str
    category: str
    county_code: str
    county_name: str = ""
    investment_min: Amount | None = None
    investment_max: Amount | None = None
    kinds_wanted: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    text: str = ""
    resources_offered: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "id", str(self.id))
        set_(self, "county_code", str(self.county_code))
        vocab.index_of("category", self.category)
        low = _amount(self.investment_min, "investment_min")
        high = _amount(self.investment_max, "investment_max")
        _check_range(low, high, "investment_min", "investment_max")
        set_(self, "investment_min", low)
        set_(self, "investment_max", high)
        set_(self, "kinds_wanted", _codes(self.kinds_wanted, "kind", "kinds_wanted"))
        set_(self, "forms", _codes(self.forms, "form", "forms"))
        set_(self, "resources_offered", _codes(self.resources_offered, "resource", "resources_offered"))


@dataclass(frozen=True)
class PartnerFacts:
    """What the fit needs from a partner profile (capital in 万元).

    ``home_county_code`` does not enter the fit; it places partners without a county preference in
    their home county when a province candidate graph is built by county (``candidate_pairs``).
    """

    id: str
    kind: str
    capital_min: Amount | None = None
    capital_max: Amount | None = None
    preferred_counties: frozenset[str] = frozenset()
    preferred_categories: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    text: str = ""
    resources_wanted: frozenset[str] = frozenset()
    home_county_code: str | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "id", str(self.id))
        vocab.index_of("kind", self.kind)
        low = _amount(self.capital_min, "capital_min")
        high = _amount(self.capital_max, "capital_max")
        _check_range(low, high, "capital_min", "capital_max")
        set_(self, "capital_min", low)
        set_(self, "capital_max", high)
        counties = self.preferred_counties
        set_(self, "preferred_counties", frozenset([counties] if isinstance(counties, str) else counties))
        set_(
            self,
            "preferred_categories",
            _codes(self.preferred_categories, "category", "preferred_categories"),
        )
        set_(self, "forms", _codes(self.forms, "form", "forms"))
        set_(self, "resources_wanted", _codes(self.resources_wanted, "resource", "resources_wanted"))


# --------------------------------------------------------------------------------------------------
# Explanation
# --------------------------------------------------------------------------------------------------
def signed(value: float) -> str:
    """``+0.30`` / ``−0.10`` (U+2212 minus, as printed in Chinese documents)."""
    text = f"{value:+.2f}"
    return text.replace("-", "−")


@dataclass(frozen=True)
class Factor:
    """One line of an explanation: the factor's value, weight, contribution and reasons."""

    code: str
    value: float
    weight: float
    contribution: float
    reason: str
    reason_en: str

    @property
    def text(self) -> str:
        """「类别一致（农家乐） +0.20」"""
        return f"{self.reason} {signed(self.contribution)}"

    @property
    def text_en(self) -> str:
        return f"{self.reason_en} {signed(self.contribution).replace('−', '-')}"

    def to_json(self) -> dict[str, Any]:
        return {
            "factor": self.code,
            "label": FACTOR_LABELS[self.code][0],
            "value": self.value,
            "weight": self.weight,
            "contribution": self.contribution,
            "text": self.text,
            "text_en": self.text_en,
        }


@dataclass(frozen=True)
class Fit:
    """The fit of one notice–partner pair: ``score`` in [0, 1] (``raw`` before clipping)."""

    score: float
    raw: float
    factors: tuple[Factor, ...]

    def explanation(self, lang: str | None = None) -> list[str]:
        """The factors as sentences, in Chinese or English (default: the vocabulary's current language)."""
        english = (lang or vocab.current_language()) == "en"
        return [factor.text_en if english else factor.text for factor in self.factors]

    def to_json(self) -> dict[str, Any]:
        return {
            "fit": self.score,
            "raw": self.raw,
            "factors": [factor.to_json() for factor in self.factors],
        }


# --------------------------------------------------------------------------------------------------
# Factor values — the scalar definitions
# --------------------------------------------------------------------------------------------------
def _labels(vocabulary: str, codes_: Iterable[str], lang: str = "zh") -> str:
    ordered = sorted(codes_, key=lambda c: vocab.index_of(vocabulary, c))
    sep = "、" if lang == "zh" else ", "
    return sep.join(vocab.label(vocabulary, c, lang) for c in ordered)


def _fmt(amount: float) -> str:
    return f"{amount:g}"


def _category(n: NoticeFacts, p: PartnerFacts) -> tuple[float, str, str]:
    name = vocab.label("category", n.category)
    name_en = vocab.label("category", n.category, "en")
    if not p.preferred_categories:
        return 0.5, "未设类别偏好", "no category preference"
    if n.category in p.preferred_categories:
        return 1.0, f"类别一致（{name}）", f"category matches ({name_en})"
    return 0.0, f"类别不在偏好中（{name}）", f"category not preferred ({name_en})"


def _region(n: NoticeFacts, p: PartnerFacts) -> tuple[float, str, str]:
    county = n.county_name or n.county_code
    if not p.preferred_counties:
        return 0.5, "未设地区偏好", "no region preference"
    if n.county_code in p.preferred_counties:
        return 1.0, f"偏好{county}", f"prefers {county}"
    return 0.0, f"{county}不在偏好地区", f"{county} not among preferred counties"


def _capital(n: NoticeFacts, p: PartnerFacts) -> tuple[float, str, str]:
    imin = float(n.investment_min or 0.0)
    imax = math.inf if n.investment_max is None else float(n.investment_max)
    if imin <= 0.0 and n.investment_max is None:
        return 1.0, "无投资门槛", "no investment required"
    if p.capital_min is None and p.capital_max is None:
        return 0.5, "未填资金能力", "capital not stated"
    cmin = float(p.capital_min or 0.0)
    cmax = math.inf if p.capital_max is None else float(p.capital_max)
    if cmax < imin:
        value = -(1.0 - cmax / imin)
        return (
            value,
            f"资金不足下限（{_fmt(cmax)}/{_fmt(imin)} 万元）",
            f"capital below the minimum ({_fmt(cmax)}/{_fmt(imin)} × 10k yuan)",
        )
    if cmin > imax:
        return 0.5, "投资规模小于合伙人意向", "project smaller than the partner's minimum"
    return 1.0, "资金满足投资区间", "capital fits the investment range"


def _kind(n: NoticeFacts, p: PartnerFacts) -> tuple[float, str, str]:
    if not n.kinds_wanted:
        return 0.5, "不限合伙人类型", "any partner kind"
    name = vocab.label("kind", p.kind)
    if p.kind in n.kinds_wanted:
        return 1.0, f"需要{name}", f"wants {vocab.label('kind', p.kind, 'en')}"
    wanted = _labels("kind", n.kinds_wanted)
    return (
        0.0,
        f"类型不符（需要{wanted}）",
        f"kind not wanted (wants {_labels('kind', n.kinds_wanted, 'en')})",
    )


def _form(n: NoticeFacts, p: PartnerFacts) -> tuple[float, str, str]:
    if not n.forms or not p.forms:
        return 0.5, "合作方式未限定", "cooperation form open"
    common = n.forms & p.forms
    if common:
        return (
            1.0,
            f"合作方式一致（{_labels('form', common)}）",
            f"same form ({_labels('form', common, 'en')})",
        )
    return 0.0, "合作方式不一致", "different cooperation forms"


def _resources(n: NoticeFacts, p: PartnerFacts) -> tuple[float, str, str]:
    wanted = p.resources_wanted
    if not wanted:
        return 0.5, "未提资源需求", "no resource needs"
    hit = wanted & n.resources_offered
    value = len(hit) / len(wanted)
    if hit:
        return (
            value,
            f"提供所需资源（{_labels('resource', hit)}）",
            f"offers {_labels('resource', hit, 'en')}",
        )
    return 0.0, f"缺少所需资源（{_labels('resource', wanted)}）", f"lacks {_labels('resource', wanted, 'en')}"


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    return tokenize(text)


def _text(n: NoticeFacts, p: PartnerFacts, model: TextModel) -> tuple[float, str, str]:
    doc = _tokens(n.text)
    query = _tokens(p.text)
    value = model.relevance(query, doc)
    shared = model.shared_terms(query, doc, top=3)
    if not shared:
        return value, "文本无共同关键词", "no shared keywords"
    return value, f"文本相关（{'、'.join(shared)}）", f"shared keywords ({', '.join(shared)})"


def fit(
    notice: NoticeFacts,
    partner: PartnerFacts,
    weights: Weights | None = None,
    *,
    text_model: TextModel | None = None,
) -> Fit:
    """The fit of one pair with its explanation.

    ``text_model`` holds the BM25 corpus statistics (pass ``index.text_model`` to get exactly the
    index's scores); without it, the statistics of this one notice are used.
    """
    w = weights or DEFAULT_WEIGHTS
    model = text_model if text_model is not None else TextModel.fit([_tokens(notice.text)])
    parts = (
        ("category", _category(notice, partner)),
        ("region", _region(notice, partner)),
        ("capital", _capital(notice, partner)),
        ("kind", _kind(notice, partner)),
        ("form", _form(notice, partner)),
        ("text", _text(notice, partner, model)),
        ("resources", _resources(notice, partner)),
    )
    factors: list[Factor] = []
    raw = 0.0
    for code, (value, reason, reason_en) in parts:
        weight: float = getattr(w, code)
        contribution = weight * value
        raw += contribution
        factors.append(Factor(code, value, weight, contribution, reason, reason_en))
    score = max(0.0, min(1.0, raw))
    return Fit(score=score, raw=raw, factors=tuple(factors))


# --------------------------------------------------------------------------------------------------
# Factor values — vectorised, elementwise identical to the scalar definitions above
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

        terms = self.text_model.query_terms(_tokens(partner.text))
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

        doc = self.text_model.doc_matrix([_tokens(notice.text)])
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
