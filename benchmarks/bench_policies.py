"""Benchmark: the policy rule over 1,000,000 projects, and one evaluation of the whole library.

Rule (issue 5): ``subsidy = min(rate[county] × investment, cap[county]) if jobs ≥ 5``, the eight
Liaocheng counties each with their own rate and cap. Computed three ways in one run:

* our batch engine (``policies.batch``): the rule written as a policy file (a city rule and seven
  county exceptions), compiled to numpy, exact to the fen in integer arithmetic;
* ``openfisca-core`` (bench-only dependency, skipped with a note if not installed): the same rule as
  an OpenFisca variable with county-indexed parameters (its idiomatic "fancy indexing");
* hand-written numpy in float64.

Goals: ≥ 100× faster than OpenFisca, within 3× of hand-written numpy. Also the single evaluation of
the whole shipped example library for one project (goal ≤ 5 ms). Only the computation is timed.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from xiangcun.policies import batch, engine
from xiangcun.policies.facts import parse_facts

SEED = 20250601
PROJECTS = 1_000_000
ON = date(2026, 6, 1)
RATES = {
    "371502": "0.06",
    "371503": "0.05",
    "371521": "0.055",
    "371522": "0.08",
    "371524": "0.05",
    "371525": "0.07",
    "371526": "0.045",
    "371581": "0.065",
}
CAPS = {
    "371502": 800000,
    "371503": 600000,
    "371521": 700000,
    "371522": 1000000,
    "371524": 500000,
    "371525": 900000,
    "371526": 650000,
    "371581": 750000,
}


def _rule_yaml() -> str:
    lines = [
        "policies:",
        "  - id: bench_subsidy",
        "    title: 基准测试补助",
        "    issuer: 基准",
        "    document: 基准〔2026〕1号",
        "    clause: 第一条",
        "    effective: {from: 2025-01-01}",
        "    kind: grant",
        "    conditions:",
        "      all:",
        '        - {field: jobs_created, op: ">=", value: 5}',
        "    amount:",
        "      type: rate",
        "      base: investment",
        f"      rate: {RATES['371502']}",
        f"      cap: {CAPS['371502']}",
        "    template: 补助 {amount}",
        "    counties:",
    ]
    for code in sorted(RATES):
        if code != "371502":
            lines.append(f'      "{code}": {{amount: {{rate: {RATES[code]}, cap: {CAPS[code]}}}}}')
    return "\n".join(lines) + "\n"


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times) * 1000, result


def _exact_fen(
    county: np.ndarray, investment_fen: np.ndarray, jobs: np.ndarray, codes: list[str]
) -> np.ndarray:
    """The rule in exact integers, written independently of the engine: rates as ten-thousandths,
    rate × investment rounded half up to the fen, then the cap."""
    rate_e4 = np.array([int(Decimal(RATES[c]) * 10_000) for c in codes], dtype=np.int64).take(county)
    cap_fen = np.array([CAPS[c] * 100 for c in codes], dtype=np.int64).take(county)
    amount = (investment_fen * rate_e4 * 2 + 10_000) // 20_000
    return np.where(jobs >= 5, np.minimum(amount, cap_fen), 0)


def _openfisca(
    county: np.ndarray, investment: np.ndarray, jobs: np.ndarray, codes: list[str]
) -> dict[str, Any]:
    try:
        import openfisca_core
        from openfisca_core.entities import build_entity
        from openfisca_core.indexed_enums import Enum, EnumArray
        from openfisca_core.model_api import min_, where
        from openfisca_core.parameters import ParameterNode
        from openfisca_core.periods import DateUnit
        from openfisca_core.simulations import SimulationBuilder
        from openfisca_core.taxbenefitsystems import TaxBenefitSystem
        from openfisca_core.variables import Variable
    except ImportError as exc:
        return {"skipped": f"openfisca-core is not installed ({exc}); pip install openfisca-core to compare"}

    project = build_entity(key="project", plural="projects", label="project", is_person=True)
    county_enum = Enum("County", [(f"c{c}", c) for c in codes])  # type: ignore[misc]

    class county_code(Variable):
        value_type = Enum
        possible_values = county_enum
        default_value = county_enum[f"c{codes[0]}"]
        entity = project
        definition_period = DateUnit.YEAR

    class investment_yuan(Variable):
        value_type = float
        entity = project
        definition_period = DateUnit.YEAR

    class jobs_created(Variable):
        value_type = int
        entity = project
        definition_period = DateUnit.YEAR

    class subsidy(Variable):
        value_type = float
        entity = project
        definition_period = DateUnit.YEAR

        def formula(project, period, parameters):  # type: ignore[no-untyped-def]
            p = parameters(period).subsidy
            where_ = project("county_code", period)
            amount = min_(p.rate[where_] * project("investment_yuan", period), p.cap[where_])
            return where(project("jobs_created", period) >= 5, amount, 0)

    system = TaxBenefitSystem([project])
    system.add_variables(county_code, investment_yuan, jobs_created, subsidy)
    system.parameters = ParameterNode(
        "",
        data={
            "subsidy": {
                "rate": {f"c{c}": {"values": {"2025-01-01": float(RATES[c])}} for c in codes},
                "cap": {f"c{c}": {"values": {"2025-01-01": float(CAPS[c])}} for c in codes},
            }
        },
    )
    year = "2026"

    def run() -> np.ndarray:
        builder = SimulationBuilder()
        builder.create_entities(system)
        builder.declare_person_entity("project", [str(i) for i in range(len(county))])
        simulation = builder.build(system)
        simulation.set_input("county_code", year, EnumArray(county.astype(np.int16), county_enum))
        simulation.set_input("investment_yuan", year, investment)
        simulation.set_input("jobs_created", year, jobs)
        return np.asarray(simulation.calculate("subsidy", year))

    ms, values = _best(run, 1)
    return {
        "ms": round(ms, 1),
        "values": values,
        "version": openfisca_core.__version__ if hasattr(openfisca_core, "__version__") else _version(),
    }


def _version() -> str:
    from importlib.metadata import version

    return version("openfisca-core")


def run() -> dict[str, Any]:
    rng = np.random.default_rng(SEED)
    codes = sorted(RATES)
    county = rng.integers(0, len(codes), PROJECTS).astype(np.int64)
    investment_fen = rng.integers(0, 20_000_000_00, PROJECTS).astype(np.int64)
    jobs = rng.integers(0, 20, PROJECTS).astype(np.int64)
    investment = investment_fen / 100.0

    counties = engine.official_counties()
    assert sorted(counties) == codes
    library = engine.load_texts({"bench.yaml": _rule_yaml()}, counties)
    columns = batch.columns_from_arrays(
        PROJECTS, counties, {"county": county, "investment": investment_fen, "jobs_created": jobs}
    )

    def ours() -> Any:
        compiled = batch.compile_library(library, ON)
        return batch.evaluate_batch(compiled, columns)

    rate_table = np.array([float(RATES[c]) for c in codes])
    cap_table = np.array([float(CAPS[c]) for c in codes])

    def numpy_hand() -> np.ndarray:
        amount = np.minimum(rate_table.take(county) * investment, cap_table.take(county))
        return np.where(jobs >= 5, amount, 0.0)

    ours()  # warm-up (imports, first allocations)
    numpy_hand()
    ours_ms, result = _best(ours, 7)
    numpy_ms, reference = _best(numpy_hand, 7)
    ours_yuan = result.amounts["bench_subsidy"] / 100.0
    figures: dict[str, Any] = {
        "projects": PROJECTS,
        "rule": "subsidy = min(rate[county] × investment, cap[county]) if jobs ≥ 5",
        "ours_batch_ms": round(ours_ms, 2),
        "numpy_hand_ms": round(numpy_ms, 2),
        "ours_vs_numpy": round(ours_ms / numpy_ms, 2),
        "goal_within_3x_numpy": ours_ms <= 3 * numpy_ms,
        "max_abs_diff_vs_numpy_yuan": float(np.abs(ours_yuan - reference).max()),
        "ours_exact_to_fen": bool(
            (result.amounts["bench_subsidy"] == _exact_fen(county, investment_fen, jobs, codes)).all()
        ),
    }

    of = _openfisca(county, investment, jobs, codes)
    if "skipped" in of:
        figures["openfisca"] = of["skipped"]
    else:
        figures["openfisca_core_version"] = of["version"]
        figures["openfisca_ms"] = of["ms"]
        figures["ours_speedup_vs_openfisca"] = round(of["ms"] / ours_ms, 1)
        figures["goal_100x_openfisca"] = of["ms"] / ours_ms >= 100
        figures["max_abs_diff_vs_openfisca_yuan"] = float(np.abs(ours_yuan - of["values"]).max())

    # One project, the whole shipped example library.
    shipped = engine.shipped_library()
    facts = parse_facts(
        {
            "county": "371522",
            "category": "farm_stay",
            "investment": "12000000",
            "jobs_created": 8,
            "villagers_employed": 12,
            "profit_tax": "1200000",
            "collective_income_increase": "300000",
            "loan": "3000000",
            "annual_rent": "60000",
            "partner_kind": "expert",
            "verified": True,
            "high_level_talent": True,
            "title_level": "intermediate",
            "liaocheng_born": True,
        },
        shipped.counties,
    )
    engine.evaluate(shipped, facts, ON)
    samples = []
    for _ in range(2000):
        started = time.perf_counter()
        ev = engine.evaluate(shipped, facts, ON)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    figures["single_evaluation"] = {
        "policies": len(shipped.policies),
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[int(len(samples) * 0.99)], 3),
        "goal_le_5ms": samples[int(len(samples) * 0.99)] <= 5,
        "total": f"{ev.total:.2f}",
    }
    return figures
