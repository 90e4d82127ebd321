"""The site's URLs plus the framework floor: a bare Django view answering a JSON document computed
once at start-up (the size of the county list, written as the API writes it)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.urls import path

from xiangcun.config.urls import urlpatterns as site

FLOOR_DOCUMENT = json.dumps(
    {
        "items": [
            {"code": f"3715{i:02d}", "name": f"县区{i}", "level": "county", "parent": "371500",
             "lat": 36.45 + i / 100, "lng": 115.98 + i / 100, "area_km2": 1000.0 + i, "villages": 270 + i}
            for i in range(8)
        ],
        "count": 8,
    },
    ensure_ascii=False,
    separators=(",", ":"),
).encode()  # fmt: skip


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FLOOR_DOCUMENT, content_type="application/json; charset=utf-8")


urlpatterns = [path("bench/floor", floor), *site]
