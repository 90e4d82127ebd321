"""Village list API: p50/p95 over 1,000 requests on the city demo, against the bare ORM query.

Runs in-process through Django's full request stack (middleware, routing, ninja, JSON), on a fresh
SQLite database in a temporary folder; the city demo build time is recorded too.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from typing import Any


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def run(requests: int = 1000) -> dict[str, Any]:
    tmp = tempfile.mkdtemp(prefix="xiangcun-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.config.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from xiangcun.regions import selectors
    from xiangcun.regions.services import demo_regions_build

    call_command("migrate", verbosity=0)
    build = demo_regions_build(scale="city", seed=2024)
    client = Client(HTTP_HOST="127.0.0.1")
    rng = random.Random(1)
    counties = ["371502", "371503", "371521", "371522", "371524", "371525", "371526", "371581"]
    queries = [
        {"county": rng.choice(counties), "limit": 50, "offset": rng.randrange(0, 200)}
        if i % 2
        else {"q": rng.choice(["z", "zj", "wj", "李", "庄", "lz", "x"]), "limit": 20}
        for i in range(requests)
    ]
    for q in queries[:50]:  # warm-up
        client.get("/api/v1/villages", q)
    api_times: list[float] = []
    for q in queries:
        t = time.perf_counter()
        response = client.get("/api/v1/villages", q)
        api_times.append(time.perf_counter() - t)
        assert response.status_code == 200
    orm_times: list[float] = []
    for q in queries:
        t = time.perf_counter()
        qs = selectors.village_list(within=q.get("county"), q=q.get("q"))
        qs.count()
        list(qs[q.get("offset", 0) : q.get("offset", 0) + q["limit"]])
        orm_times.append(time.perf_counter() - t)
    return {
        "requests": requests,
        "database": "sqlite",
        "village_list_api": _percentiles(api_times),
        "baseline_bare_orm_query": _percentiles(orm_times),
        "city_demo_build_s": round(build.seconds, 2),
        "villages": build.villages,
    }
