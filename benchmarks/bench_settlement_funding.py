"""Benchmark: annual settlement at province scale and exact funding selection for a large round.

Workloads (deterministic from ``SEED``):

* settlement — 100,000 agreements, each with 2–4 parties (the collective holding 10–40 %), a
  guarantee of 20,000–200,000 yuan, a distributable profit from a 100,000-yuan loss to a
  2,000,000-yuan profit, either mode, a reserve rate of 10–30 %, 5–40 shareholder households
  (入股农户) with 1–6 member shares each and up to 8 labour payments. Every result is reconciled
  afterwards (party totals = P, reserve + distributed = collective income, household dividends =
  distributed, labour carried over). Target ≤ 10 s. A second, smaller run with full village
  rosters (300 households) gives the cost per household statement.
* funding — one round of 500 applications with realistic criteria, requested amounts in steps of
  10,000 yuan and a budget covering about a quarter of the requests; the exact optimum
  (target ≤ 2 s) beside the two greedy baselines (walk the ranking; best score per yuan first).

Only the computation is timed; generating inputs and reconciling results are not.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import time
from decimal import Decimal
from typing import Any

from xiangcun.agreements.settlement import (
    LabourPayment,
    Member,
    Mode,
    SettlementInput,
    SettlementParty,
    SettlementResult,
    settle,
)
from xiangcun.agreements.shares import Role
from xiangcun.funding.selection import Application, Weights, greedy_select, select

SEED = 20250601
AGREEMENTS = 100_000
ROSTER_AGREEMENTS = 2_000
ROSTER_HOUSEHOLDS = 300
APPLICATIONS = 500
FUNDING_ROUNDS = 5


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def agreement(rnd: random.Random, households: tuple[int, int]) -> SettlementInput:
    """One random but plausible agreement."""
    collective_units = rnd.randint(1_000, 4_000)  # 10.00 % – 40.00 %
    others = rnd.randint(1, 3)
    rest = 10_000 - collective_units
    cuts = sorted(rnd.randint(0, rest) for _ in range(others - 1))
    units = [b - a for a, b in zip([0, *cuts], [*cuts, rest], strict=True)]
    parties = (
        SettlementParty("村集体", Role.COLLECTIVE, _yuan(collective_units)),
        *(
            SettlementParty(f"合伙人{i}", Role.PARTNER if i == 0 else Role.OTHER, _yuan(u))
            for i, u in enumerate(units)
        ),
    )
    n = rnd.randint(*households)
    members = tuple(Member(f"H{i:03d}", Decimal(rnd.randint(1, 6))) for i in range(n))
    labour = tuple(
        LabourPayment(f"H{rnd.randrange(n):03d}", _yuan(rnd.randint(50_000, 3_000_000)))
        for _ in range(rnd.randint(0, min(8, n)))
    )
    return SettlementInput(
        profit=_yuan(rnd.randint(-10_000_000, 200_000_000)),
        mode=rnd.choice((Mode.ADDITIVE, Mode.HIGHER_OF)),
        guarantee=_yuan(rnd.randint(2_000_000, 20_000_000)),
        parties=parties,
        reserve_rate=Decimal(rnd.randint(10, 30)).scaleb(-2),
        members=members,
        labour=labour,
    )


def reconciled(inp: SettlementInput, result: SettlementResult) -> bool:
    """Every fen accounted for, at both levels."""
    zero = Decimal(0)
    ok = sum((p.total for p in result.parties), zero) == inp.profit == result.total
    ok &= all(p.guarantee + p.dividend + p.adjustment == p.total for p in result.parties)
    ok &= result.reserve + result.distributed_to_members == result.collective_income
    if inp.members:
        ok &= sum((h.dividend for h in result.households), zero) == max(result.distributed_to_members, zero)
        ok &= sum((h.labour for h in result.households), zero) == sum((p.amount for p in inp.labour), zero)
        ok &= all(h.dividend + h.labour == h.total for h in result.households)
    return ok


def bench_settlement(count: int, households: tuple[int, int], seed: int) -> dict[str, Any]:
    """Settle ``count`` agreements one after another, as a batch job streaming from the database
    would: the inputs are loaded first (and frozen out of the garbage collector's sight, like
    long-lived data), each result is reconciled and dropped; only ``settle`` is timed."""
    rnd = random.Random(seed)
    inputs = [agreement(rnd, households) for _ in range(count)]
    gc.collect()
    gc.freeze()
    seconds = cpu_seconds = 0.0
    statements = failures = 0
    try:
        for inp in inputs:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = settle(inp)
            seconds += time.perf_counter() - started
            cpu_seconds += time.process_time() - cpu_started
            statements += len(result.households)
            failures += not reconciled(inp, result)
    finally:
        gc.unfreeze()
    return {
        "agreements": count,
        "households_per_agreement": list(households),
        "household_statements": statements,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "microseconds_per_agreement": round(seconds / count * 1e6, 1),
        "all_reconciled": failures == 0,
        "unreconciled": failures,
    }


def funding_round(rnd: random.Random, n: int) -> tuple[list[Application], Decimal]:
    """A plausible round: criteria grow with investment, with wide project-to-project spread."""
    applications = []
    for i in range(n):
        investment = rnd.randint(50, 5_000) * 10_000
        requested = min(investment // 2, rnd.randint(10, 300) * 10_000)
        applications.append(
            Application(
                app_id=f"2025-{i + 1:04d}",
                requested=Decimal(requested),
                investment=Decimal(investment),
                profit_tax=Decimal(int(investment * rnd.uniform(0.01, 0.15))),
                social_benefit=Decimal(rnd.randint(40, 100)),
                farmer_income_increase=Decimal(int(investment * rnd.uniform(0.02, 0.30))),
                collective_income_increase=Decimal(int(investment * rnd.uniform(0.0, 0.08))),
            )
        )
    budget = Decimal(sum(int(a.requested) for a in applications) // 4 // 10_000 * 10_000)
    return applications, budget


def bench_funding(n: int, rounds: int, seed: int) -> dict[str, Any]:
    weights = Weights(Decimal("0.3"), Decimal("0.2"), Decimal("0.2"), Decimal("0.15"), Decimal("0.15"))
    per_round: list[dict[str, Any]] = []
    times: list[float] = []
    for r in range(rounds):
        applications, budget = funding_round(random.Random(seed + r), n)
        started = time.perf_counter()
        exact = select(applications, weights, budget)
        seconds = time.perf_counter() - started
        times.append(seconds)
        started = time.perf_counter()
        greedy = greedy_select(applications, weights, budget)
        greedy_seconds = time.perf_counter() - started
        ratio = greedy_select(applications, weights, budget, by="ratio")
        assert exact.total_requested <= budget
        per_round.append(
            {
                "budget": str(budget),
                "exact_seconds": round(seconds, 3),
                "exact_total_score": float(exact.total_score),
                "exact_selected": len(exact.selected),
                "greedy_by_rank_total_score": float(greedy.total_score),
                "greedy_by_rank_seconds": round(greedy_seconds, 3),
                "greedy_by_score_per_yuan_total_score": float(ratio.total_score),
                "greedy_by_rank_gap_percent": round(
                    float((exact.total_score - greedy.total_score) / exact.total_score * 100), 2
                ),
                "greedy_by_score_per_yuan_gap_percent": round(
                    float((exact.total_score - ratio.total_score) / exact.total_score * 100), 3
                ),
            }
        )
    return {
        "applications": n,
        "rounds": rounds,
        "exact_seconds_median": round(statistics.median(times), 3),
        "exact_seconds_max": round(max(times), 3),
        "rounds_detail": per_round,
    }


def run() -> dict[str, Any]:
    settlement = bench_settlement(AGREEMENTS, (5, 40), SEED)
    roster = bench_settlement(ROSTER_AGREEMENTS, (ROSTER_HOUSEHOLDS, ROSTER_HOUSEHOLDS), SEED + 1)
    roster["microseconds_per_household_statement"] = round(
        roster["seconds"] / roster["household_statements"] * 1e6, 2
    )
    funding = bench_funding(APPLICATIONS, FUNDING_ROUNDS, SEED)
    return {
        "settlement": {**settlement, "target_seconds": 10, "met": settlement["seconds"] <= 10},
        "settlement_full_village_rosters": roster,
        "funding_selection": {**funding, "target_seconds": 2, "met": funding["exact_seconds_max"] <= 2},
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=1))
