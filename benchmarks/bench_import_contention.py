"""Writes during a large import (issue 11), on SQLite: a 30,000-row import of new resources written the
old way (one transaction: ``bulk_create`` and the R-tree inside it) and the new way (chunks of staged
rows, then one short ``INSERT … SELECT``), each in its own process, while this process sends rounds of
8 concurrent ``POST /api/v1/notices`` for as long as the writing lasts.

Figures per variant, once alone and once with the POSTs: the writing phase's duration, its longest write
transaction (what every other writer may have to wait for), and the POSTs' status codes and latencies
(p50, p95, max). The lock timeout
is the setting's (``DATABASE_LOCK_TIMEOUT_MS``, 10 s); before this change it was 5 s and a lock not
granted in time was an HTML 500 (now: 503 JSON).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

ROWS = 30_000
WRITERS = 8


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.config.settings")
    os.environ.setdefault("XIANGCUN_TESTING", "true")
    from django.conf import settings

    if not settings.configured and not os.environ.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="xiangcun-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("MEDIA_ROOT", f"{tmp}/media")
    import django

    django.setup()


def _csv(rows: int, seed: int = 5) -> bytes:
    from xiangcun.core import vocab
    from xiangcun.regions.models import Village
    from xiangcun.resources import sheets

    villages = list(Village.objects.filter(county_id="371502").values_list("code", "name", "lng", "lat"))
    rng = random.Random(seed)
    kinds = [t.zh for t in vocab.RESOURCE_KINDS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for h, _k, _r in sheets.RESOURCE_COLUMNS])
    for i in range(rows):
        code, name, lng, lat = rng.choice(villages)
        writer.writerow(
            ["", code, f"{name}压测资源{i}", rng.choice(kinds), "所有权", "村集体", "", round(rng.uniform(1, 300), 1),
             "亩", lng, lat, "闲置", "设施农业", "可招商", "", "", "", ""]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def _import(variant: str, data: bytes, started: Any, out: Any) -> None:
    """In the child process (spawned, not forked: a forked SQLite library state is not safe to use):
    validate, say so, write (the old or the new way), report the figures."""
    _setup()
    from django.db import transaction

    from xiangcun.accounts.models import User
    from xiangcun.resources import imports, services, sheets

    user = User.objects.get(username="county")
    plan, problems = imports.validate(sheets.read(data, "bench.csv"), user=user)
    assert not problems, problems[:3]
    started.set()
    begin = time.perf_counter()
    if variant == "one transaction":
        with transaction.atomic():  # what imports.write did before issue 11
            services.resources_bulk_create(plan.resources_new)
        longest = time.perf_counter() - begin
    else:
        run = imports.Run()
        imports.write(plan, run)
        longest = run.longest_write
    out.put({"write_s": round(time.perf_counter() - begin, 2), "longest_write_ms": round(longest * 1000, 1)})


def _clients() -> tuple[list[Any], str]:
    """Logged-in clients (their sessions written now, before the import holds the lock) and a body."""
    from django.test import Client

    from xiangcun.accounts.models import User
    from xiangcun.regions.models import Village

    county = User.objects.get(username="county")
    village = Village.objects.filter(county_id="371502").order_by("code").first()
    assert village is not None
    clients = []
    for _ in range(WRITERS):
        client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        client.force_login(county)
        clients.append(client)
    clients[0].get("/api/v1/notices")  # the URLconf loaded before the clock starts
    return clients, json.dumps({"title": "压测期间起草", "villages": [village.code], "category": "farm_stay"})


def _posts(clients: list[Any], body: str, stop: Any) -> list[tuple[int, str, float]]:
    from django.db import connections

    results: list[tuple[int, str, float]] = []

    def post(client: Any, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            begin = time.perf_counter()
            response = client.post("/api/v1/notices", body, content_type="application/json")
            results.append((response.status_code, response["Content-Type"], time.perf_counter() - begin))
        finally:
            connections.close_all()

    while not stop():
        barrier = threading.Barrier(WRITERS)
        threads = [threading.Thread(target=post, args=(c, barrier)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return results


def _variant(variant: str, data: bytes, *, posts: bool = True) -> dict[str, Any]:
    from django.db import connections

    context = multiprocessing.get_context("spawn")
    started, out = context.Event(), context.Queue()
    clients, body = _clients()
    connections.close_all()
    child = context.Process(target=_import, args=(variant, data, started, out))
    child.start()
    if not started.wait(timeout=600):
        raise RuntimeError("the import did not start writing")
    if not posts:
        figures = out.get(timeout=600)
        child.join(timeout=60)
        return dict(figures)
    results = _posts(clients, body, lambda: not child.is_alive() or not out.empty())
    figures = out.get(timeout=600)
    child.join(timeout=60)
    latencies = sorted(r[2] for r in results)
    codes: dict[str, int] = {}
    for status, ctype, _elapsed in results:
        key = f"{status} {'json' if ctype.startswith('application/json') else 'html'}"
        codes[key] = codes.get(key, 0) + 1
    return {
        **figures,
        "posts": len(results),
        "answers": codes,
        "post_latency_ms": {
            "p50": round(statistics.median(latencies) * 1000),
            "p95": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000),
            "max": round(latencies[-1] * 1000),
        }
        if latencies
        else {},
    }


def run() -> dict[str, Any]:
    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from xiangcun.ops.demo import demo_users_create
    from xiangcun.regions.models import Village
    from xiangcun.regions.services import demo_regions_build

    if connection.vendor != "sqlite":
        return {"skipped": "SQLite only: PostgreSQL writers do not share one lock"}
    call_command("migrate", verbosity=0)
    if not Village.objects.filter(is_demo=True).exists():
        demo_regions_build(scale="city", seed=2024)
        demo_users_create()
    data = _csv(ROWS)
    figures: dict[str, Any] = {
        "rows": ROWS,
        "concurrent_posts": WRITERS,
        "lock_timeout_ms": settings.DATABASE_LOCK_TIMEOUT_MS,
    }
    for variant in ("one transaction", "chunks"):
        alone = _variant(variant, data, posts=False)
        figures[variant] = {"alone": alone, "with_posts": _variant(variant, data)}
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            figures[variant]["integrity_check"] = cursor.fetchone()[0]
        print(variant, figures[variant], flush=True)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
