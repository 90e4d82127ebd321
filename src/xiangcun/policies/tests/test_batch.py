"""The numpy batch path gives exactly the one-by-one amounts and statuses."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from xiangcun.policies import batch, engine
from xiangcun.policies.facts import FACTS, parse_facts


def _random_facts(rnd: random.Random, counties: list[str]) -> dict[str, object]:
    raw: dict[str, object] = {}
    for name, fact in FACTS.items():
        if rnd.random() < 0.1:
            continue
        if fact.type == "money":
            top = rnd.choice([200_000_00, 3_000_000_00, 30_000_000_00])
            raw[name] = str(Decimal(rnd.randint(0, top)) / 100)
        elif fact.type == "count":
            raw[name] = rnd.randint(0, 30)
        elif fact.type == "bool":
            raw[name] = rnd.random() < 0.7
        elif fact.type == "county":
            raw[name] = rnd.choice(counties)
        else:
            raw[name] = rnd.choice(fact.choices)
    return raw


def test_batch_equals_one_by_one_on_random_projects() -> None:
    # given 600 random projects (some facts missing) and dates around every change
    lib = engine.shipped_library()
    rnd = random.Random(20250601)
    rows = [parse_facts(_random_facts(rnd, sorted(lib.counties)), lib.counties) for _ in range(600)]
    cols = batch.columns_from_facts(rows, lib.counties)
    for on in (date(2024, 12, 31), date(2025, 6, 1), date(2026, 1, 1), date(2026, 3, 1), date(2028, 1, 1)):
        # when both paths evaluate them
        result = batch.evaluate_batch(batch.compile_library(lib, on), cols)
        for i, facts in enumerate(rows):
            ev = engine.evaluate(lib, facts, on)
            # then every policy's status and amount, and the total, agree to the fen
            for r in ev.results:
                assert batch.STATUSES[result.status[r.policy.id][i]] == r.status, (on, r.policy.id, i)
                assert Decimal(int(result.amounts[r.policy.id][i])).scaleb(-2) == r.amount, (on, r.policy.id)
            assert Decimal(int(result.total[i])).scaleb(-2) == ev.total


def test_a_batch_cut_into_threaded_chunks_equals_one_pass(monkeypatch) -> None:
    # given random projects evaluated in one pass
    lib = engine.shipped_library()
    rnd = random.Random(7)
    rows = [parse_facts(_random_facts(rnd, sorted(lib.counties)), lib.counties) for _ in range(301)]
    cols = batch.columns_from_facts(rows, lib.counties)
    compiled = batch.compile_library(lib, date(2026, 6, 1))
    one_pass = batch._evaluate_rows(compiled, cols, None)
    # when the same batch is cut into chunks of 50 rows on threads
    monkeypatch.setattr(batch, "CHUNK_ROWS", 50)
    monkeypatch.setattr(batch.os, "cpu_count", lambda: 4)
    chunked = batch.evaluate_batch(compiled, cols)
    # then every amount, status and total is identical
    assert (chunked.total == one_pass.total).all()
    for pid in one_pass.amounts:
        assert (chunked.amounts[pid] == one_pass.amounts[pid]).all()
        assert (chunked.status[pid] == one_pass.status[pid]).all()
