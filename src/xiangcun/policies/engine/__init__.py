"""The policy engine: policies as dated data, a city layer with county exceptions, reasons in Chinese.

Pure Python (no Django). The format is documented for officials in ``docs/policies.md``; in short a
YAML file holds ``policies:`` (and optionally ``caps:``), each policy with its legal reference
(issuing body, 文号, clause), effective dates, scope, eligibility ``conditions`` (``all``/``any``
of ``{field, op, value}``), a benefit ``kind``, an ``amount`` formula (``fixed``, ``rate`` with
``floor``/``cap``, marginal ``tiers``, ``per_unit``), a Chinese ``template``, an optional
exclusivity ``group`` (only the best of a group applies), county exceptions under ``counties``
and its own ``tests``. Any value may change by date: write it as a list of
``{from: 2026-01-01, value: 0.06}`` entries.

Loading is strict (:func:`load_texts`, :func:`load_directory`): unknown keys, duplicate keys,
malformed or overlapping dates, county codes outside the official list, formulas, conditions or
templates over unknown fields all raise :class:`PolicyError` naming the file, the policy and the
key path. Loading is independent of file order; the ruleset hash identifies the content.

:func:`evaluate` gives, as of a date, per policy: applies or not, the amount (Decimal, to the fen),
the layer used, each condition with actual value / threshold / pass-fail, a Chinese sentence, the
gap to qualify for a near miss, and missing facts — a missing fact never raises.

The rooms, each importing only those above it:

* ``parameters`` — ``PolicyError`` (file · policy · key path), strict scalars, dated values;
* ``explain`` — Chinese formatting, condition results, gaps, near misses, sentences, JSON;
* ``conditions`` — ``all``/``any`` groups of ``{field, op, value}``: parsing and checking;
* ``formulas`` — ``fixed`` / ``rate`` / ``tiers`` / ``per_unit``: parsing and amounts;
* ``layers`` — ``Layer``, ``Policy``, ``Case``, ``Cap``, ``Library`` and the layer in force;
* ``evaluation`` — one policy, then groups and caps;
* ``loading`` — the strict YAML loader, the library and its hash, the shipped library;
* ``cases`` — the policies' own YAML test cases and the effective-date coverage rule.

Callers import from here (``from xiangcun.policies import engine``; ``engine.evaluate``).
"""

from __future__ import annotations

from xiangcun.core.money import to_decimal
from xiangcun.policies.engine.cases import CaseOutcome, run_tests
from xiangcun.policies.engine.conditions import ORDERED_OPS, Condition, Group, Leaf, leaves
from xiangcun.policies.engine.evaluation import Evaluation, PolicyResult, evaluate, evaluate_policy
from xiangcun.policies.engine.explain import (
    KINDS,
    KINDS_EN,
    NEAR_COUNT,
    NEAR_SHARE,
    OPS_ZH,
    STATUS_ZH,
    TEMPLATE_KEYS,
    ConditionResult,
    Gap,
    evaluation_json,
    fact_zh,
    money_zh,
    official_counties_cached,
    rate_zh,
    result_json,
)
from xiangcun.policies.engine.formulas import Formula
from xiangcun.policies.engine.layers import Cap, Case, Layer, Library, Policy, cap_applies, layer_for
from xiangcun.policies.engine.loading import (
    DEFAULT_CITY,
    LIBRARY_DIR,
    load_directory,
    load_texts,
    official_counties,
    read_directory,
    shipped_library,
)
from xiangcun.policies.engine.parameters import MAX_RATE_PLACES, Dated, NoValue, PolicyError
from xiangcun.policies.facts import FACTS, Fact, Facts, parse_facts

__all__ = [
    "DEFAULT_CITY",
    "FACTS",
    "KINDS",
    "KINDS_EN",
    "LIBRARY_DIR",
    "MAX_RATE_PLACES",
    "NEAR_COUNT",
    "NEAR_SHARE",
    "OPS_ZH",
    "ORDERED_OPS",
    "STATUS_ZH",
    "TEMPLATE_KEYS",
    "Cap",
    "Case",
    "CaseOutcome",
    "Condition",
    "ConditionResult",
    "Dated",
    "Evaluation",
    "Fact",
    "Facts",
    "Formula",
    "Gap",
    "Group",
    "Layer",
    "Leaf",
    "Library",
    "NoValue",
    "Policy",
    "PolicyError",
    "PolicyResult",
    "cap_applies",
    "evaluate",
    "evaluate_policy",
    "evaluation_json",
    "fact_zh",
    "layer_for",
    "leaves",
    "load_directory",
    "load_texts",
    "money_zh",
    "official_counties",
    "official_counties_cached",
    "parse_facts",
    "rate_zh",
    "read_directory",
    "result_json",
    "run_tests",
    "shipped_library",
    "to_decimal",
]
