"""Resource map (issue 4): bbox queries over 100,000 resources with and without the spatial index, the
whole-city GeoJSON payload at city zoom, and a 10,000-row xlsx import.

On SQLite (the default: a fresh database in a temporary folder unless Django is already set up by an
earlier benchmark in the same run) the index is the R-tree virtual table; on PostgreSQL (when
``DATABASE_URL`` points at one, e.g. ``scripts/with-postgres python -m benchmarks bench_resources``)
it is the GiST index on ``point(lng, lat)``, and "without" disables index and bitmap scans.

The 100,000 resources are placed by the demo builder over the 聊城 city demo's 2,166 villages (about
46 per village, each inside its county) — denser than the province-scale demo, so each viewport holds
more points than it would there. Queries are map viewports of a 1366×900 screen at zoom 13–15
centred on random resources (the zoom at which the API answers with points), measured server-side:

- ``bbox_query``: the ORM query of the points in the viewport (ids, names, kinds, … as the API reads
  them), p50/p95 over 300 viewports, with and without the index;
- ``bbox_answer``: what the map API computes for that viewport and zoom (count, then points — or grid
  clusters when the viewport holds more than 1,500), with and without the index;
- ``geojson_api``: the whole request through Django and ninja at the same viewports and zooms;
- ``city_payload``: the GeoJSON for the whole city at zoom 9 (grid clusters), in bytes;
- ``import_10000``: ``imports.import_file`` on a 10,000-row xlsx (read, validate every row including
  the point-in-county check, write in one transaction).

Targets: bbox p95 ≤ 50 ms; city payload ≤ 500 KB; 10,000-row import ≤ 15 s.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

N_RESOURCES = 100_000
QUERIES = 300
SCREEN = (1366, 900)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


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


def _viewport(lng: float, lat: float, zoom: int) -> tuple[float, float, float, float]:
    import math

    deg_per_px = 360.0 / 256.0 / (2**zoom)
    half_w = SCREEN[0] * deg_per_px / 2
    half_h = SCREEN[1] * deg_per_px * math.cos(math.radians(lat)) / 2
    return (lng - half_w, lat - half_h, lng + half_w, lat + half_h)


def _xlsx(rows: int, seed: int = 3) -> bytes:
    from openpyxl import Workbook

    from xiangcun.core import vocab
    from xiangcun.regions.models import Village
    from xiangcun.resources import sheets

    villages = list(Village.objects.values_list("code", "name", "lng", "lat"))
    rng = random.Random(seed)
    headers = [h for h, _k, _r in sheets.RESOURCE_COLUMNS]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheets.RESOURCE_SHEET)
    ws.append(headers)
    kinds = [t.zh for t in vocab.RESOURCE_KINDS]
    for i in range(rows):
        code, name, lng, lat = rng.choice(villages)
        ws.append(
            [None, code, f"{name}导入资源{i}", rng.choice(kinds), "所有权", "村集体", "", round(rng.uniform(1, 300), 1),
             "亩", lng, lat, "闲置", "设施农业", "可招商", "", None, None, None]
        )  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run() -> dict[str, Any]:
    _setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from xiangcun.regions.models import Village
    from xiangcun.regions.services import demo_regions_build
    from xiangcun.resources import demo, imports, selectors, spatial
    from xiangcun.resources.models import Resource

    call_command("migrate", verbosity=0)
    figures: dict[str, Any] = {"database": connection.vendor, "resources": N_RESOURCES}
    if not Village.objects.filter(is_demo=True).exists():
        demo_regions_build(scale="city", seed=2024)
    started = time.perf_counter()
    demo.SCALE_PLAN["bench"] = (None, N_RESOURCES)
    built = demo.demo_build(scale="bench", seed=2024)
    figures["build_100000_s"] = round(time.perf_counter() - started, 2)
    assert built.resources == N_RESOURCES, built
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE resources_resource")

    rng = random.Random(11)
    centres = list(Resource.objects.order_by("?").values_list("lng", "lat")[:QUERIES])
    zooms = [rng.choice((13, 14, 15)) for _ in centres]
    boxes = [(_viewport(lng, lat, z), z) for (lng, lat), z in zip(centres, zooms, strict=True)]
    fields = ("id", "name", "kind", "status", "area", "unit", "lng", "lat", "village_id", "village__name")

    def query(box: tuple[float, float, float, float], use_index: bool) -> int:
        qs = spatial.bbox_filter(Resource.objects.all(), box, use_index=use_index)
        return len(list(qs.values_list(*fields).order_by()))

    def answer(box: tuple[float, float, float, float], zoom: int, use_index: bool) -> int:
        return len(selectors.resource_geojson(bbox=box, zoom=zoom, use_index=use_index)["features"])

    def timed(fn: Any, use_index: bool) -> tuple[dict[str, float], float]:
        for box, zoom in boxes[:20]:
            fn(box, zoom, use_index)
        samples, sizes = [], []
        for box, zoom in boxes:
            t = time.perf_counter()
            sizes.append(fn(box, zoom, use_index))
            samples.append(time.perf_counter() - t)
        return _percentiles(samples), statistics.mean(sizes)

    def no_index_pg(fn: Any) -> tuple[dict[str, float], float]:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_indexscan = off; SET enable_bitmapscan = off")
        try:
            return timed(fn, True)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_indexscan; RESET enable_bitmapscan")

    raw = lambda box, zoom, use_index: query(box, use_index)  # noqa: E731
    for name, fn in (("bbox_query", raw), ("bbox_answer", answer)):
        with_index, mean_size = timed(fn, True)
        without_index, _ = no_index_pg(fn) if connection.vendor == "postgresql" else timed(fn, False)
        figures[name] = {
            "viewports": QUERIES,
            "zooms": "13-15",
            ("mean_points_per_viewport" if name == "bbox_query" else "mean_features"): round(mean_size, 1),
            "with_index": with_index,
            "without_index": without_index,
            "speedup_p50": round(without_index["p50_ms"] / max(with_index["p50_ms"], 1e-6), 1),
            "index": "R-tree virtual table" if connection.vendor == "sqlite" else "GiST on point(lng, lat)",
            "target_p95_ms": 50,
        }

    client = Client(HTTP_HOST="127.0.0.1")
    api_times: list[float] = []
    api_bytes: list[int] = []
    client.get("/api/v1/resources/geojson", {"zoom": 14})  # warm-up
    for box, zoom in boxes:
        t = time.perf_counter()
        response = client.get(
            "/api/v1/resources/geojson", {"bbox": ",".join(f"{x:.5f}" for x in box), "zoom": zoom}
        )
        api_times.append(time.perf_counter() - t)
        api_bytes.append(len(response.content))
        assert response.status_code == 200
    figures["geojson_api"] = {
        **_percentiles(api_times),
        "mean_kb": round(statistics.mean(api_bytes) / 1024, 1),
    }

    city_times: list[float] = []
    size = 0
    city_box = "115.2,35.7,116.8,37.1"
    for _ in range(20):
        t = time.perf_counter()
        response = client.get("/api/v1/resources/geojson", {"bbox": city_box, "zoom": 9})
        city_times.append(time.perf_counter() - t)
        size = len(response.content)
    data = response.json()
    figures["city_payload"] = {
        "zoom": 9,
        "bytes": size,
        "kb": round(size / 1024, 1),
        "features": len(data["features"]),
        "clustered": data["clustered"],
        "total": data["total"],
        "target_kb": 500,
        **_percentiles(city_times),
    }

    user = get_user_model().objects.filter(
        is_superuser=True
    ).first() or get_user_model().objects.create_superuser("bench-admin", password="bench-password-123")
    data_xlsx = _xlsx(10_000)
    started = time.perf_counter()
    outcome = imports.import_file(user=user, data=data_xlsx, filename="bench.xlsx")
    figures["import_10000"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "ok": outcome.ok,
        "problems": len(outcome.problems),
        "created": outcome.summary.get("resources_created"),
        "file_kb": round(len(data_xlsx) / 1024, 1),
        "target_s": 15,
    }
    # Tidy up what this benchmark added.
    demo.demo_clear()
    ids = list(Resource.objects.filter(name__contains="导入资源").values_list("pk", flat=True))
    Resource.objects.filter(pk__in=ids).delete()
    spatial.index_delete(ids)
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
