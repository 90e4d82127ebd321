"""The fit: weights, facts, explanations, scalar = vectorised, exact top-k."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError
from xiangcun.matching import synthetic
from xiangcun.matching.scoring import (
    DEFAULT_WEIGHTS,
    FACTORS,
    NoticeFacts,
    PartnerFacts,
    ScoringIndex,
    Weights,
    candidate_pairs,
    fit,
    signed,
    top_k_notices_for_partner,
    top_k_partners_for_notice,
)

CATEGORIES = vocab.codes(vocab.PROJECT_CATEGORIES)
KINDS = vocab.codes(vocab.PARTNER_KINDS)
FORMS = vocab.codes(vocab.COOPERATION_FORMS)
RESOURCES = vocab.codes(vocab.RESOURCE_KINDS)
COUNTIES = synthetic.LIAOCHENG_COUNTIES
COUNTY_CODES = [c for c, _ in COUNTIES] + ["999999"]
WORDS = [
    "民宿",
    "研学",
    "非遗传承人",
    "冷链",
    "预制菜",
    "耕地",
    "土地流转",
    "农家乐",
    "采摘",
    "养老",
    "大棚",
    "电商",
    "剪纸",
]
AMOUNTS = [None, 0, 5, 20, Decimal("50"), 100.0, 300, Decimal("1000.5")]


# --- weights ------------------------------------------------------------------------------------
def test_default_weights_sum_to_one_and_round_trip() -> None:
    assert sum(DEFAULT_WEIGHTS.to_dict().values()) == pytest.approx(1.0)
    assert tuple(DEFAULT_WEIGHTS.to_dict()) == FACTORS
    assert Weights.from_dict(DEFAULT_WEIGHTS.to_dict()) == DEFAULT_WEIGHTS
    edited = {**DEFAULT_WEIGHTS.to_dict(), "text": "0.30", "category": Decimal("0.10")}
    assert Weights.from_dict(edited).text == 0.30


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"text": 0.5}, "weights", "之和必须等于 1"),
        ({"text": -0.1, "category": 0.5}, "text", "不能为负数"),
        ({"text": "很多"}, "text", "必须是数字"),
        ({"text": True}, "text", "必须是数字"),
        ({"text": float("nan")}, "text", "有限的数字"),
        ({"luck": 0.0}, "luck", "未知的权重项"),
    ],
)
def test_bad_weights_are_rejected_in_chinese(change: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(ApplicationError) as info:
        Weights.from_dict({**DEFAULT_WEIGHTS.to_dict(), **change})
    assert info.value.field == field
    assert message in info.value.message


def test_missing_weight_is_named() -> None:
    data = DEFAULT_WEIGHTS.to_dict()
    del data["region"]
    with pytest.raises(ApplicationError, match="地区偏好"):
        Weights.from_dict(data)


# --- facts --------------------------------------------------------------------------------------
def test_facts_validate_codes_and_ranges() -> None:
    with pytest.raises(ApplicationError) as info:
        NoticeFacts(
            id="n", category="agri_processing", county_code="1", investment_min=100, investment_max=50
        )
    assert info.value.field == "investment_min"
    with pytest.raises(ApplicationError) as info:
        NoticeFacts(id="n", category="casino", county_code="1")
    assert info.value.field == "category"
    with pytest.raises(ApplicationError) as info:
        NoticeFacts(id="n", category="other", county_code="1", kinds_wanted=frozenset({"wizard"}))
    assert info.value.field == "kinds_wanted"
    with pytest.raises(ApplicationError):
        PartnerFacts(id="p", kind="pirate")
    with pytest.raises(ApplicationError):
        PartnerFacts(id="p", kind="expert", capital_min=-1)
    with pytest.raises(ApplicationError):
        PartnerFacts(id="p", kind="expert", forms=frozenset({"barter"}))
    # a list or a bare string is accepted at run time and stored as a frozenset
    p = PartnerFacts(
        id="p",
        kind="expert",
        capital_max=Decimal("12.5"),
        forms=["capital"],  # type: ignore[arg-type]
        preferred_counties="371522",  # type: ignore[arg-type]
    )
    assert p.capital_max == 12.5 and p.forms == frozenset({"capital"})
    assert p.preferred_counties == frozenset({"371522"})


# --- explanations -------------------------------------------------------------------------------
SHENXIAN = NoticeFacts(
    id="N1",
    category="farm_stay",
    county_code="371522",
    county_name="莘县",
    investment_min=50,
    investment_max=200,
    kinds_wanted=frozenset({"large_grower"}),
    forms=frozenset({"capital"}),
    text="闲置农房改造民宿，发展农家乐和采摘垂钓",
    resources_offered=frozenset({"idle_homestead", "pond"}),
)


def test_a_perfect_partner_gets_every_factor_with_chinese_reasons() -> None:
    partner = PartnerFacts(
        id="P1",
        kind="large_grower",
        capital_min=60,
        capital_max=150,
        preferred_counties=frozenset({"371522"}),
        preferred_categories=frozenset({"farm_stay"}),
        forms=frozenset({"capital"}),
        text="经营农家乐和民宿多年，擅长采摘园管理",
        resources_wanted=frozenset({"idle_homestead"}),
    )
    result = fit(SHENXIAN, partner)
    texts = result.explanation()
    assert texts[0] == "类别一致（农家乐） +0.20"
    assert texts[1] == "偏好莘县 +0.15"
    assert texts[2] == "资金满足投资区间 +0.15"
    assert texts[3] == "需要种养大户 +0.15"
    assert texts[4] == "合作方式一致（资金合作） +0.05"
    assert texts[5].startswith("文本相关（")
    assert texts[6] == "提供所需资源（闲置宅基地/农房） +0.10"
    assert [f.code for f in result.factors] == list(FACTORS)
    assert 0.8 < result.score <= 1.0
    assert result.score == pytest.approx(sum(f.contribution for f in result.factors))


def test_capital_below_the_minimum_is_a_penalty() -> None:
    partner = PartnerFacts(id="P2", kind="founder", capital_max=25, preferred_counties=frozenset({"371521"}))
    result = fit(SHENXIAN, partner)
    capital = result.factors[2]
    assert capital.value == pytest.approx(-0.5)
    assert capital.text == "资金不足下限（25/50 万元） −0.07"
    assert result.factors[1].text == "莘县不在偏好地区 +0.00"
    assert result.factors[3].text == "类型不符（需要种养大户） +0.00"


def test_fit_is_clipped_at_zero() -> None:
    notice = NoticeFacts(
        id="N",
        category="demo_zone",
        county_code="1",
        investment_min=5000,
        kinds_wanted=frozenset({"investor"}),
    )
    partner = PartnerFacts(
        id="P",
        kind="technician",
        capital_max=0,
        preferred_counties=frozenset(["2"]),
        preferred_categories=frozenset(["snack_street"]),
        forms=frozenset(["tech_equity"]),
        resources_wanted=frozenset(["pond"]),
    )
    weights = Weights(category=0.1, region=0.1, capital=0.6, kind=0.1, form=0.0, text=0.05, resources=0.05)
    result = fit(notice, partner, weights)
    assert result.raw < 0.0
    assert result.score == 0.0


def test_neutral_values_when_a_side_says_nothing() -> None:
    notice = NoticeFacts(id="N", category="other", county_code="1")
    partner = PartnerFacts(id="P", kind="expert")
    result = fit(notice, partner)
    assert [f.value for f in result.factors] == [0.5, 0.5, 1.0, 0.5, 0.5, 0.0, 0.5]
    assert result.factors[2].reason == "无投资门槛"


def test_signed_uses_a_real_minus_sign() -> None:
    assert signed(0.3) == "+0.30"
    assert signed(-0.1) == "−0.10"


# --- scalar = vectorised --------------------------------------------------------------------------
def codes_subset(codes: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(codes), max_size=3)


@st.composite
def notice_facts(draw: st.DrawFn, i: int) -> NoticeFacts:
    low = draw(st.sampled_from(AMOUNTS))
    high = draw(st.sampled_from(AMOUNTS))
    if low is not None and high is not None and float(low) > float(high):
        low, high = high, low
    county = draw(st.sampled_from(COUNTY_CODES[:-1]))
    return NoticeFacts(
        id=f"N{draw(st.integers(0, 5))}-{i}",
        category=draw(st.sampled_from(CATEGORIES)),
        county_code=county,
        county_name=dict(COUNTIES)[county],
        investment_min=low,
        investment_max=high,
        kinds_wanted=draw(codes_subset(KINDS)),
        forms=draw(codes_subset(FORMS)),
        text="，".join(draw(st.lists(st.sampled_from(WORDS), max_size=6))),
        resources_offered=draw(codes_subset(RESOURCES)),
    )


@st.composite
def partner_facts(draw: st.DrawFn, i: int) -> PartnerFacts:
    low = draw(st.sampled_from(AMOUNTS))
    high = draw(st.sampled_from(AMOUNTS))
    if low is not None and high is not None and float(low) > float(high):
        low, high = high, low
    return PartnerFacts(
        id=f"P{draw(st.integers(0, 5))}-{i}",
        kind=draw(st.sampled_from(KINDS)),
        capital_min=low,
        capital_max=high,
        preferred_counties=draw(st.frozensets(st.sampled_from(COUNTY_CODES), max_size=3)),
        preferred_categories=draw(codes_subset(CATEGORIES)),
        forms=draw(codes_subset(FORMS)),
        text="，".join(draw(st.lists(st.sampled_from([*WORDS, "光伏"]), max_size=6))),
        resources_wanted=draw(codes_subset(RESOURCES)),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[NoticeFacts], list[PartnerFacts], Weights]:
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 6))
    notices = [draw(notice_facts(i)) for i in range(n)]
    partners = [draw(partner_facts(i)) for i in range(m)]
    raw = draw(st.lists(st.integers(0, 10), min_size=len(FACTORS), max_size=len(FACTORS)).filter(any))
    weights = Weights(**{f: r / sum(raw) for f, r in zip(FACTORS, raw, strict=True)})
    return notices, partners, weights


def scalar_matrix(index: ScoringIndex, weights: Weights) -> np.ndarray:
    return np.array(
        [
            [fit(n, p, weights, text_model=index.text_model).score for p in index.partners]
            for n in index.notices
        ]
    ).reshape(len(index.notices), len(index.partners))


@settings(max_examples=60)
@given(scenarios())
def test_every_vectorised_path_is_bit_identical_to_the_scalar_fit(
    scenario: tuple[list[NoticeFacts], list[PartnerFacts], Weights],
) -> None:
    notices, partners, weights = scenario
    index = ScoringIndex.build(notices, partners)
    expected = scalar_matrix(index, weights)
    assert ((expected >= 0.0) & (expected <= 1.0)).all()
    assert index.fit_matrix(weights=weights).tolist() == expected.tolist()
    for j, partner in enumerate(partners):
        assert index.scores_for_partner(partner, weights).tolist() == expected[:, j].tolist()
    for i, notice in enumerate(notices):
        assert index.scores_for_notice(notice, weights).tolist() == expected[i, :].tolist()


def test_bit_identical_on_synthetic_data_including_outsiders() -> None:
    data = synthetic.generate(COUNTIES, 120, 150, seed=11)
    notices = [n.facts() for n in data.notices]
    partners = [p.facts() for p in data.partners]
    index = ScoringIndex.build(notices[:100], partners[:120])
    expected = scalar_matrix(index, DEFAULT_WEIGHTS)
    rows = np.array([5, 0, 99, 42])
    cols = np.array([119, 3, 3, 60, 7])
    assert index.fit_matrix(rows, cols).tolist() == expected[np.ix_(rows, cols)].tolist()
    # notices and partners outside the index are scored with the index's text statistics
    for outsider in notices[100:]:
        want = [fit(outsider, p, text_model=index.text_model).score for p in index.partners]
        assert index.scores_for_notice(outsider).tolist() == want
    for stranger in partners[120:]:
        want = [fit(n, stranger, text_model=index.text_model).score for n in index.notices]
        assert index.scores_for_partner(stranger).tolist() == want


# --- exact top-k --------------------------------------------------------------------------------
def reference_top_k(
    ids: list[str], scores: list[float], k: int, exclude: set[str]
) -> list[tuple[str, float]]:
    ranked = sorted(
        ((i, s) for i, s in zip(ids, scores, strict=True) if i not in exclude), key=lambda x: (-x[1], x[0])
    )
    return ranked[:k]


def test_top_k_both_ways_equals_sorting_exhaustive_scalar_scores() -> None:
    data = synthetic.generate(COUNTIES, 300, 300, seed=5)
    notices = [n.facts() for n in data.notices]
    partners = [p.facts() for p in data.partners]
    index = ScoringIndex.build(notices, partners)
    rng = random.Random(7)
    for partner in rng.sample(partners, 8):
        scalar = [fit(n, partner, text_model=index.text_model).score for n in notices]
        for k in (1, 10, 50):
            exclude = set(rng.sample(index.notice_ids, 20))
            got = top_k_notices_for_partner(index, partner, k, exclude)
            assert [(s.id, s.fit) for s in got] == reference_top_k(index.notice_ids, scalar, k, exclude)
    for notice in rng.sample(notices, 8):
        scalar = [fit(notice, p, text_model=index.text_model).score for p in partners]
        exclude = set(rng.sample(index.partner_ids, 5))
        got = top_k_partners_for_notice(index, notice, 10, exclude)
        assert [(s.id, s.fit) for s in got] == reference_top_k(index.partner_ids, scalar, 10, exclude)


@settings(max_examples=40)
@given(scenarios(), st.integers(0, 8), st.data())
def test_top_k_with_many_ties_is_exact(
    scenario: tuple[list[NoticeFacts], list[PartnerFacts], Weights], k: int, data: st.DataObject
) -> None:
    notices, partners, weights = scenario
    notices = list({n.id: n for n in notices}.values())
    partners = list({p.id: p for p in partners}.values())
    index = ScoringIndex.build(notices, partners)
    exclude = set(data.draw(st.lists(st.sampled_from(index.notice_ids), max_size=2)))
    for partner in partners:
        scalar = [fit(n, partner, weights, text_model=index.text_model).score for n in notices]
        got = top_k_notices_for_partner(index, partner, k, exclude, weights)
        assert [(s.id, s.fit) for s in got] == reference_top_k(index.notice_ids, scalar, k, exclude)


def test_ties_are_broken_by_id() -> None:
    notices = [NoticeFacts(id=i, category="other", county_code="1") for i in ("b", "c", "a", "d")]
    index = ScoringIndex.build(notices, [])
    partner = PartnerFacts(id="p", kind="expert")
    assert [s.id for s in top_k_notices_for_partner(index, partner, 3)] == ["a", "b", "c"]
    assert [s.id for s in top_k_notices_for_partner(index, partner, 10, exclude_ids={"a", "zzz"})] == [
        "b",
        "c",
        "d",
    ]
    assert top_k_notices_for_partner(index, partner, 0) == []


def test_duplicate_ids_are_rejected() -> None:
    notice = NoticeFacts(id="x", category="other", county_code="1")
    with pytest.raises(ApplicationError, match="重复"):
        ScoringIndex.build([notice, notice], [])


# --- candidate graph ------------------------------------------------------------------------------
def test_candidate_pairs_are_each_notices_exact_top_k() -> None:
    data = synthetic.generate(COUNTIES, 40, 200, seed=9)
    index = ScoringIndex.build([n.facts() for n in data.notices], [p.facts() for p in data.partners])
    graph = candidate_pairs(index, k=5, threshold=0.3, by_county=False)
    for i, notice in enumerate(index.notices):
        want = [(s.id, s.fit) for s in top_k_partners_for_notice(index, notice, 5) if s.fit >= 0.3]
        got = [
            (index.partner_ids[j], f)
            for j, f in zip(graph.partner[graph.notice == i], graph.fit[graph.notice == i], strict=True)
        ]
        assert got == want
    row = graph.to_json()[0]
    assert set(row) == {"notice", "partner", "fit"}


def test_candidate_pairs_by_county_only_pair_partners_with_that_county() -> None:
    data = synthetic.generate(COUNTIES, 60, 300, seed=4)
    index = ScoringIndex.build([n.facts() for n in data.notices], [p.facts() for p in data.partners])
    graph = candidate_pairs(index, k=8)
    assert len(graph) == 60 * 8
    for i, j in zip(graph.notice.tolist(), graph.partner.tolist(), strict=True):
        county = index.notices[i].county_code
        partner = index.partners[j]
        assert county in partner.preferred_counties or (
            not partner.preferred_counties and partner.home_county_code == county
        )


def test_candidate_pairs_with_k_at_least_the_pool_lists_everyone_best_first() -> None:
    data = synthetic.generate(COUNTIES, 5, 12, seed=2)
    index = ScoringIndex.build([n.facts() for n in data.notices], [p.facts() for p in data.partners])
    graph = candidate_pairs(index, k=50, by_county=False)
    assert len(graph) == 5 * 12
    for i in range(5):
        fits = graph.fit[graph.notice == i].tolist()
        assert fits == sorted(fits, reverse=True)
    assert len(candidate_pairs(index, k=0, by_county=False)) == 0
