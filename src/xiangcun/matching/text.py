"""Chinese text for matching: tokenisation with a domain dictionary, and a small BM25 index.

Pure Python + numpy/scipy, no Django.

Tokenisation
    jieba's precise mode (``rjieba``, a Rust port with the same tokens and ~13× the speed; ``jieba``
    if ``rjieba`` cannot be imported) with the domain dictionary ``data/domain_dict.txt`` loaded,
    so 非遗传承人 stays one word instead of 非/遗传/承人 (DESIGN.md §6). A compound domain word is
    followed by the shorter domain words inside it (非遗传承人 → 非遗传承人, 非遗, 传承人) so that a
    notice about 非遗 still meets a partner who is a 非遗传承人. Stopwords (``data/stopwords.txt``),
    punctuation and bare numbers are dropped; Latin letters are lower-cased.

BM25 relevance (the text factor of the fit, ``scoring.py``)
    Documents are notice texts, queries are partner profiles. With ``N`` documents, ``df(t)`` the
    number of documents containing term ``t``, ``avgdl`` the mean document length in tokens:

        idf(t)    = ln(1 + (N − df + 0.5) / (df + 0.5))                       (always > 0)
        w(d, t)   = idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·dl/avgdl))     (k1 = 1.2, b = 0.75)
        bm25(q,d) = Σ_{t ∈ q ∩ d} w(d, t)           over the distinct in-vocabulary terms of q
        rel(q, d) = min(1, bm25(q, d) / Σ_{t ∈ q} idf(t))

    The denominator is the score the query would get from an average-length document holding each
    of its terms once, so ``rel`` is the BM25-weighted share of the query found in the document, in
    [0, 1], and depends only on the pair and the corpus statistics — not on which other documents a
    search happens to return. Query terms absent from the corpus vocabulary are ignored.

    idf and w are rounded to multiples of 2⁻³⁰ (≈ 1e-9). Any sum of such numbers below 2²² is exact
    in float64, so BM25 sums do not depend on the order of addition: the scalar functions, sparse
    matrix products and column sums all give bit-identical floats. (A term weight is below
    idf·(k1 + 1) < 50 for corpora up to 10⁸ documents, so a query would need ~80,000 distinct terms
    to leave the exact range.)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]

K1 = 1.2
B = 0.75
GRID = 2.0**30  # idf and term weights are multiples of 1 / GRID (see the module docstring)


def quantise(value: float) -> float:
    """Round to the nearest multiple of 2⁻³⁰ (ties up), the same operations as ``quantise_array``."""
    return math.floor(value * GRID + 0.5) / GRID


def quantise_array(values: FloatArray) -> FloatArray:
    return np.floor(values * GRID + 0.5) / GRID


_DATA = "xiangcun.matching.data"


class _Cutter(Protocol):
    def cut(self, text: str) -> list[str]: ...


def _data_lines(name: str) -> list[str]:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _load_domain_dict() -> tuple[tuple[str, int, str | None], ...]:
    entries: list[tuple[str, int, str | None]] = []
    for line in _data_lines("domain_dict.txt"):
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 else 50000
        tag = parts[2] if len(parts) > 2 else None
        entries.append((word, freq, tag))
    return tuple(entries)


DOMAIN_DICT: tuple[tuple[str, int, str | None], ...] = _load_domain_dict()
DOMAIN_WORDS: frozenset[str] = frozenset(word for word, _, _ in DOMAIN_DICT)
STOPWORDS: frozenset[str] = frozenset(_data_lines("stopwords.txt"))


def _expansions() -> dict[str, tuple[str, ...]]:
    """Each compound domain word → the shorter domain words it contains, in order of position."""
    result: dict[str, tuple[str, ...]] = {}
    for word in DOMAIN_WORDS:
        inner = [w for w in DOMAIN_WORDS if w != word and w in word]
        if inner:
            result[word] = tuple(sorted(inner, key=lambda w: (word.index(w), -len(w), w)))
    return result


_EXPANSIONS = _expansions()


class _RJiebaCutter:
    def __init__(self) -> None:
        import rjieba

        self._jieba = rjieba.Jieba()
        for word, freq, tag in DOMAIN_DICT:
            self._jieba.add_word(word, freq, tag)

    def cut(self, text: str) -> list[str]:
        return self._jieba.cut(text)


class _JiebaCutter:
    def __init__(self) -> None:
        import jieba

        self._jieba = jieba.Tokenizer()
        for word, freq, tag in DOMAIN_DICT:
            self._jieba.add_word(word, freq, tag)

    def cut(self, text: str) -> list[str]:
        return self._jieba.lcut(text)


@lru_cache(maxsize=2)
def cutter(backend: str = "auto") -> _Cutter:
    """The segmenter with the domain dictionary loaded: ``"rjieba"``, ``"jieba"`` or ``"auto"``."""
    if backend == "jieba":
        return _JiebaCutter()
    if backend == "rjieba":
        return _RJiebaCutter()
    try:
        return _RJiebaCutter()
    except ImportError:  # pragma: no cover - rjieba ships wheels for our platforms
        return _JiebaCutter()


def segment(text: str, backend: str = "auto") -> list[str]:
    """jieba precise-mode words of ``text`` with the domain dictionary (no filtering)."""
    return cutter(backend).cut(text)


_HAS_WORD_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z]")
_TOKEN_CACHE: dict[str, tuple[str, ...]] = {}
_TOKEN_CACHE_LIMIT = 500_000


def _normalise(word: str) -> tuple[str, ...]:
    """One segmenter word → the tokens it stands for (none for stopwords and punctuation)."""
    cached = _TOKEN_CACHE.get(word)
    if cached is not None:
        return cached
    token = word.strip().lower()
    result: tuple[str, ...]
    if not token or token in STOPWORDS or not _HAS_WORD_CHAR.search(token):
        result = ()
    else:
        result = (token, *_EXPANSIONS.get(token, ()))
    if len(_TOKEN_CACHE) < _TOKEN_CACHE_LIMIT:
        _TOKEN_CACHE[word] = result
    return result


def tokenize(text: str, backend: str = "auto") -> tuple[str, ...]:
    """Index tokens of ``text``: segmented, filtered, compounds followed by their parts."""
    out: list[str] = []
    for word in cutter(backend).cut(text):
        out.extend(_normalise(word))
    return tuple(out)


def tokenize_many(texts: Iterable[str], backend: str = "auto") -> list[tuple[str, ...]]:
    """``tokenize`` over many texts (the bulk path for building indexes)."""
    cut = cutter(backend).cut
    normalise = _normalise
    result: list[tuple[str, ...]] = []
    for text in texts:
        out: list[str] = []
        for word in cut(text):
            out.extend(normalise(word))
        result.append(tuple(out))
    return result


@dataclass(frozen=True, eq=False)
class TextModel:
    """BM25 corpus statistics: vocabulary (term → id, ids in sorted term order), idf, avgdl."""

    vocab: Mapping[str, int]
    idf: FloatArray
    avgdl: float
    n_docs: int
    k1: float = K1
    b: float = B

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]], *, k1: float = K1, b: float = B) -> TextModel:
        """Statistics of a corpus of tokenised documents (deterministic, independent of order)."""
        terms = sorted({t for doc in docs for t in doc})
        vocab = {t: i for i, t in enumerate(terms)}
        df = np.zeros(len(terms), dtype=np.float64)
        for doc in docs:
            for t in set(doc):
                df[vocab[t]] += 1.0
        n = len(docs)
        idf = quantise_array(np.log1p((n - df + 0.5) / (df + 0.5)))
        total = sum(len(doc) for doc in docs)
        avgdl = total / n if n and total else 1.0
        return cls(vocab=vocab, idf=idf, avgdl=float(avgdl), n_docs=n, k1=k1, b=b)

    @property
    def size(self) -> int:
        return len(self.vocab)

    # --- scalar path -------------------------------------------------------------------------
    def term_weights(self, doc: Sequence[str]) -> dict[int, float]:
        """``w(d, t)`` for every in-vocabulary term of one document."""
        dl = float(len(doc))
        k1, b = self.k1, self.b
        norm = k1 * (1.0 - b + b * (dl / self.avgdl))
        counts = Counter(self.vocab[t] for t in doc if t in self.vocab)
        idf = self.idf
        return {t: quantise(float(idf[t]) * (tf * (k1 + 1.0)) / (tf + norm)) for t, tf in counts.items()}

    def query_terms(self, query: Iterable[str]) -> list[int]:
        """Distinct in-vocabulary term ids of a query, ascending."""
        return sorted({self.vocab[t] for t in query if t in self.vocab})

    def query_norm(self, terms: Sequence[int]) -> float:
        """``Σ idf(t)`` over the query's term ids, summed in ascending id order."""
        total = 0.0
        for t in terms:
            total += float(self.idf[t])
        return total

    def relevance(self, query: Iterable[str], doc: Sequence[str]) -> float:
        """``rel(q, d)`` of one pair; bit-identical to the vectorised ``BM25Index.relevance``."""
        terms = self.query_terms(query)
        norm = self.query_norm(terms)
        if norm <= 0.0:
            return 0.0
        weights = self.term_weights(doc)
        score = 0.0
        for t in terms:
            w = weights.get(t)
            if w is not None:
                score += w
        return min(1.0, score / norm)

    def shared_terms(self, query: Iterable[str], doc: Sequence[str], top: int = 3) -> list[str]:
        """The query terms found in the document, heaviest ``w(d, t)`` first (for explanations)."""
        weights = self.term_weights(doc)
        terms = [t for t in self.query_terms(query) if t in weights]
        terms.sort(key=lambda t: (-weights[t], t))
        inverse = self._inverse_vocab()
        shown: list[str] = []
        for t in terms:
            word = inverse[t]
            # a compound's parts (非遗传承人 → 非遗, 传承人) add nothing to the explanation
            if not any(word in other or other in word for other in shown):
                shown.append(word)
                if len(shown) == top:
                    break
        return shown

    def _inverse_vocab(self) -> list[str]:
        inverse = self.__dict__.get("_inverse")
        if inverse is None:
            inverse = [""] * len(self.vocab)
            for term, i in self.vocab.items():
                inverse[i] = term
            object.__setattr__(self, "_inverse", inverse)
        return inverse

    # --- vectorised path ---------------------------------------------------------------------
    def _coo(self, docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per document the distinct in-vocabulary term ids (ascending) with counts, and lengths."""
        vocab = self.vocab
        rows: list[int] = []
        ids: list[int] = []
        lengths = np.empty(len(docs), dtype=np.float64)
        for i, doc in enumerate(docs):
            lengths[i] = len(doc)
            known = [vocab[t] for t in doc if t in vocab]
            ids.extend(known)
            rows.extend([i] * len(known))
        v = max(len(vocab), 1)
        keys = np.asarray(rows, dtype=np.int64) * v + np.asarray(ids, dtype=np.int64)
        keys, counts = np.unique(keys, return_counts=True)
        return keys // v, keys % v, counts.astype(np.float64), lengths

    def doc_matrix(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """CSR matrix ``len(docs) × |V|`` of ``w(d, t)`` with sorted column indices."""
        row, col, tf, lengths = self._coo(docs)
        k1, b = self.k1, self.b
        dl = lengths[row]
        norm = k1 * (1.0 - b + b * (dl / self.avgdl))
        data = quantise_array(self.idf[col] * (tf * (k1 + 1.0)) / (tf + norm))
        return _csr(data, row, col, (len(docs), self.size))

    def query_matrix(self, queries: Sequence[Sequence[str]]) -> tuple[sparse.csr_matrix, FloatArray]:
        """Binary CSR ``len(queries) × |V|`` of distinct in-vocabulary terms, and ``Σ idf`` per query."""
        row, col, _, _ = self._coo(queries)
        matrix = _csr(np.ones(len(row), dtype=np.float64), row, col, (len(queries), self.size))
        norms = np.asarray(matrix @ self.idf, dtype=np.float64)
        return matrix, norms

    def query_vector(self, query: Iterable[str]) -> tuple[FloatArray, float]:
        """Dense 0/1 vector over the vocabulary for one query, and its ``Σ idf``."""
        terms = self.query_terms(query)
        vector = np.zeros(self.size, dtype=np.float64)
        vector[terms] = 1.0
        return vector, self.query_norm(terms)


def _csr(data: np.ndarray, row: np.ndarray, col: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=shape[0]), out=indptr[1:])
    matrix = sparse.csr_matrix((data, col.astype(np.int64), indptr), shape=shape)
    matrix.has_sorted_indices = True
    return matrix


def column_sum(
    matrix: sparse.csc_matrix, columns: Sequence[int], factors: Sequence[float] | None = None
) -> FloatArray:
    """``Σ_j factor_j · matrix[:, j]`` over ``columns`` taken in the given (ascending) order.

    Only the query's columns are touched, which is several times faster than a full sparse
    matrix–vector product for short queries. ``factors=None`` adds the entries themselves.
    """
    acc = np.zeros(matrix.shape[0], dtype=np.float64)
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    for pos, j in enumerate(columns):
        start, end = indptr[j], indptr[j + 1]
        if factors is None:
            acc[indices[start:end]] += data[start:end]
        else:
            acc[indices[start:end]] += factors[pos]
    return acc


def to_csc(matrix: sparse.csr_matrix) -> sparse.csc_matrix:
    """CSC copy with sorted row indices (for ``column_sum``)."""
    result = matrix.tocsc()
    result.sort_indices()
    return result


def relevance_from_scores(scores: FloatArray, norm: float | FloatArray) -> FloatArray:
    """``min(1, bm25 / Σ idf)`` elementwise; 0 where the query has no known term."""
    norm_arr = np.asarray(norm, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.minimum(1.0, scores / norm_arr)
    return np.where(norm_arr > 0.0, rel, 0.0)


class BM25Index:
    """BM25 over a fixed set of tokenised documents: score one query against all at once."""

    def __init__(self, model: TextModel, docs: Sequence[Sequence[str]]) -> None:
        self.model = model
        self.matrix = model.doc_matrix(docs)
        self.columns = to_csc(self.matrix)

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]], *, k1: float = K1, b: float = B) -> BM25Index:
        return cls(TextModel.fit(docs, k1=k1, b=b), docs)

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    def scores(self, query: Iterable[str]) -> FloatArray:
        """Raw BM25 of the query against every document."""
        return column_sum(self.columns, self.model.query_terms(query))

    def relevance(self, query: Iterable[str]) -> FloatArray:
        """``rel(q, d)`` in [0, 1] for every document (see the module docstring)."""
        terms = self.model.query_terms(query)
        norm = self.model.query_norm(terms)
        if norm <= 0.0:
            return np.zeros(len(self), dtype=np.float64)
        return relevance_from_scores(column_sum(self.columns, terms), norm)


def idf_value(n_docs: int, df: int) -> float:
    """The idf formula on its own (documentation and tests)."""
    return math.log1p((n_docs - df + 0.5) / (df + 0.5))
