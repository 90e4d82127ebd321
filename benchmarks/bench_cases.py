"""The daily escalation pass of the case ledger (issue 14: 1,000,000 open cases ≤ 10 s): deadlines,
预警 colours and the cases due to be raised, by ``cases.deadline.evaluate_many``, against the baseline
of the same run — ``evaluate`` called case by case in a Python loop (timed on a sample, scaled).

Synthetic cases, seeded: received over the last 120 days, tiers 3/7/15/21, a third on calendar days.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import numpy as np

from xiangcun.cases.deadline import STATUS_CODES, TIERS, evaluate, evaluate_many

CASES = 1_000_000
SAMPLE = 20_000
AS_OF = dt.date(2026, 6, 15)
CST = dt.timezone(dt.timedelta(hours=8))


def run() -> dict[str, Any]:
    rng = np.random.default_rng(14)
    received = AS_OF.toordinal() - rng.integers(0, 120, CASES)
    tiers = rng.choice(np.array(TIERS, dtype=np.int64), CASES)
    working = rng.random(CASES) < 2 / 3

    started = time.perf_counter()
    many = evaluate_many(received, tiers, working, AS_OF)
    due = int(np.count_nonzero(many.status == STATUS_CODES.index("red")))
    vectorised = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(SAMPLE):
        received_at = dt.datetime.combine(dt.date.fromordinal(int(received[i])), dt.time(9), CST)
        evaluate(received_at, int(tiers[i]), "working" if working[i] else "calendar", AS_OF)
    loop = (time.perf_counter() - started) * CASES / SAMPLE

    colours = {name: int(np.count_nonzero(many.status == code)) for code, name in enumerate(STATUS_CODES[:3])}
    return {
        "open_cases": CASES,
        "escalation_pass_s": round(vectorised, 3),
        "target_s": 10,
        "baseline_python_loop_s_scaled": round(loop, 1),
        "baseline_sample": SAMPLE,
        "speed_up": round(loop / vectorised, 1),
        "due_for_escalation": due,
        "colours": colours,
    }
