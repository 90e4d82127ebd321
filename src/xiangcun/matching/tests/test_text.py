"""Tokenisation with the domain dictionary, and BM25."""

from __future__ import annotations

import math

import bm25s
import numpy as np
import pytest

from xiangcun.matching import synthetic
from xiangcun.matching.text import (
    DOMAIN_WORDS,
    GRID,
    STOPWORDS,
    BM25Index,
    TextModel,
    idf_value,
    quantise,
    segment,
    tokenize,
    tokenize_many,
)


def test_plain_jieba_splits_the_heritage_word_but_ours_does_not() -> None:
    import jieba

    # given jieba without our dictionary (DESIGN.md §6)
    assert jieba.Tokenizer().lcut("非遗传承人") == ["非", "遗传", "承人"]
    # then with the domain dictionary it is one word, in both backends
    assert segment("非遗传承人", "rjieba") == ["非遗传承人"]
    assert segment("非遗传承人", "jieba") == ["非遗传承人"]
    assert segment("我是一名非遗传承人，擅长剪纸") == ["我", "是", "一名", "非遗传承人", "，", "擅长", "剪纸"]


def test_domain_dictionary_is_big_enough_and_every_word_survives_segmentation() -> None:
    assert len(DOMAIN_WORDS) >= 60
    for word in (
        "非遗",
        "传承人",
        "农家乐",
        "小吃街",
        "土地流转",
        "研学",
        "文旅",
        "民宿",
        "医养",
        "合作社",
        "冷链",
        "电商",
        "预制菜",
        "康养",
    ):
        assert word in DOMAIN_WORDS
    broken = [w for w in sorted(DOMAIN_WORDS) if segment(w) != [w]]
    assert broken == []


def test_compounds_are_followed_by_their_domain_parts() -> None:
    assert tokenize("非遗传承人") == ("非遗传承人", "非遗", "传承人")
    assert "土地流转" in tokenize("可长期土地流转")


def test_stopwords_punctuation_and_numbers_are_dropped() -> None:
    tokens = tokenize("本村有闲置耕地300亩，适合发展高效设施农业，诚邀种养大户合作！")
    assert "的" in STOPWORDS
    assert tokens == ("闲置", "耕地", "适合", "高效", "设施农业", "种养大户")
    assert tokenize("") == ()
    assert tokenize("ABC Farm 2024") == ("abc", "farm")


def test_rjieba_and_jieba_give_the_same_tokens() -> None:
    texts = [n.text for n in synthetic.generate_notices(synthetic.LIAOCHENG_COUNTIES, 60, seed=3)]
    texts += [p.text for p in synthetic.generate_partners(synthetic.LIAOCHENG_COUNTIES, 60, seed=3)]
    assert tokenize_many(texts, "rjieba") == tokenize_many(texts, "jieba")


DOCS = [
    ["民宿", "研学", "民宿", "古村落"],
    ["耕地", "土地流转", "合作社"],
    ["预制菜", "冷链", "电商", "冷链", "加工", "车间"],
    ["民宿", "农家乐", "采摘"],
    [],
]


def naive_bm25(
    query: list[str], doc: list[str], docs: list[list[str]], k1: float = 1.2, b: float = 0.75
) -> float:
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    score = 0.0
    for t in sorted(set(query)):
        df = sum(1 for d in docs if t in d)
        if df == 0:
            continue
        tf = doc.count(t)
        if tf:
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avgdl))
    return score


def test_bm25_scores_match_the_textbook_formula_and_bm25s() -> None:
    index = BM25Index.build(DOCS)
    query = ["民宿", "冷链", "未知词"]
    expected = [naive_bm25(query, d, DOCS) for d in DOCS]
    np.testing.assert_allclose(index.scores(query), expected, rtol=0, atol=1e-8)
    # bm25s "lucene" is the same BM25 without the constant (k1 + 1) factor
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    retriever.index([d or ["<empty>"] for d in DOCS[:4]], show_progress=False)
    ours = BM25Index.build(DOCS[:4]).scores(query) / 2.2
    np.testing.assert_allclose(ours, retriever.get_scores(query), rtol=1e-6)


def test_relevance_is_normalised_and_scalar_equals_vectorised_bitwise() -> None:
    index = BM25Index.build(DOCS)
    model = index.model
    for query in (["民宿"], ["民宿", "研学", "古村落"], ["冷链", "耕地", "采摘", "加工"], ["未知词"], []):
        rel = index.relevance(query)
        assert ((rel >= 0.0) & (rel <= 1.0)).all()
        assert rel.tolist() == [model.relevance(query, d) for d in DOCS]
    # a document holding each query term once at average length scores exactly 1 before capping
    assert model.relevance(["民宿"], ["民宿"]) <= 1.0
    assert model.relevance(["未知词"], DOCS[0]) == 0.0


def test_idf_and_model_statistics() -> None:
    model = TextModel.fit(DOCS)
    assert model.n_docs == 5
    assert model.avgdl == pytest.approx(16 / 5)
    assert float(model.idf[model.vocab["民宿"]]) == pytest.approx(idf_value(5, 2))
    assert list(model.vocab) == sorted(model.vocab)
    assert model.shared_terms(["古村落", "民宿", "耕地"], DOCS[0]) == ["古村落", "民宿"]


def test_term_weights_are_on_the_exact_grid_so_sums_do_not_depend_on_order() -> None:
    texts = [n.text for n in synthetic.generate_notices(synthetic.LIAOCHENG_COUNTIES, 50, seed=8)]
    index = BM25Index.build(tokenize_many(texts))
    data = index.matrix.data
    assert (data * GRID == np.floor(data * GRID)).all()
    assert quantise(0.1) == np.floor(0.1 * GRID + 0.5) / GRID
    rng = np.random.default_rng(0)
    values = data[:200].tolist()
    forward = 0.0
    for v in values:
        forward += v
    shuffled = 0.0
    for v in rng.permutation(values).tolist():
        shuffled += v
    assert forward == shuffled == math.fsum(values)
