"""The fit of one notice and one partner in plain Python, explained: the definitions.

Shared by both paths (see ``scoring.py`` for the formula): the factor names and labels, the city's
``Weights``, the facts each side brings (``NoticeFacts`` / ``PartnerFacts``), the explanation
(``Factor``, ``Fit``) and the scalar ``fit``. The vectorised index in ``vectorised.py`` computes the
same values with the same IEEE operations in the same order. Pure Python, no Django, no numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.matching.text import TextModel, tokenize

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
def text_tokens(text: str) -> tuple[str, ...]:
    return tokenize(text)


def _text(n: NoticeFacts, p: PartnerFacts, model: TextModel) -> tuple[float, str, str]:
    doc = text_tokens(n.text)
    query = text_tokens(p.text)
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
    model = text_model if text_model is not None else TextModel.fit([text_tokens(notice.text)])
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
