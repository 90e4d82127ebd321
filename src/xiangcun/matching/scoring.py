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

Where the code is
=================
``scalar.py`` — the shared types (``Weights``, ``NoticeFacts``, ``PartnerFacts``, ``Fit``) and the scalar
``fit`` with its explanation; ``vectorised.py`` — ``ScoringIndex``, the numpy/scipy path;
``candidates.py`` — exact top-k both ways and the candidate pairs of a pairing. This module gathers
them: callers import from ``xiangcun.matching.scoring``.
"""

from __future__ import annotations

from xiangcun.matching.candidates import (
    CandidatePairs,
    allowed_pairs,
    candidate_pairs,
    top_k_indices,
    top_k_notices_for_partner,
    top_k_partners_for_notice,
)
from xiangcun.matching.scalar import (
    DEFAULT_WEIGHTS,
    FACTOR_LABELS,
    FACTORS,
    Amount,
    Factor,
    Fit,
    NoticeFacts,
    PartnerFacts,
    Weights,
    fit,
    signed,
    text_tokens,
    yuan_to_wan,
)
from xiangcun.matching.vectorised import FloatArray, IntArray, Scored, ScoringIndex

__all__ = [
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "FACTOR_LABELS",
    "Amount",
    "CandidatePairs",
    "Factor",
    "Fit",
    "FloatArray",
    "IntArray",
    "NoticeFacts",
    "PartnerFacts",
    "Scored",
    "ScoringIndex",
    "Weights",
    "allowed_pairs",
    "candidate_pairs",
    "fit",
    "signed",
    "text_tokens",
    "top_k_indices",
    "top_k_notices_for_partner",
    "top_k_partners_for_notice",
    "yuan_to_wan",
]
