"""Public reads from the cache (core/readcache.py), as their readers see them: current after every
write, revalidated with 304s, no session touched, a bounded number of queries, the same JSON.

Cross-app: the writes are the resources', the regions' and the notices' own services; the reads are the
API's lists, the map's GeoJSON and the home page.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja.responses import NinjaJSONEncoder

from xiangcun.core import jsonio, readcache
from xiangcun.core.models import DataVersion
from xiangcun.regions.models import Region, Village
from xiangcun.resources.models import Resource
from xiangcun.resources.tests.factories import cadre_village, resource_create, resource_input

pytestmark = pytest.mark.django_db

CITY_BBOX = "115.2,35.8,116.6,37.0"
PUBLIC_READS = {
    "region_children": "/api/v1/regions/371500/children",
    "town_children": None,  # filled in per test: a town's villages
    "village_list": "/api/v1/villages?county=371502&limit=50",
    "resource_geojson": f"/api/v1/resources/geojson?bbox={CITY_BBOX}&zoom=9",
    "county_figures": "/api/v1/resources/county-figures",
}


def _reads(users: dict[str, Any]) -> dict[str, str]:
    town = cadre_village(users).town_id
    return {**PUBLIC_READS, "town_children": f"/api/v1/regions/{town}/children"}


def _json(client: Client, url: str, **headers: str) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def _village_box(village: Village) -> str:
    return f"{village.lng - 0.01},{village.lat - 0.01},{village.lng + 0.01},{village.lat + 0.01}"


# --------------------------------------------------------------------------------------------------
# A write is seen by the next read
# --------------------------------------------------------------------------------------------------
def test_a_new_resource_is_on_the_map_and_in_its_county_figures_at_the_next_read(users):
    client = Client()
    village = cadre_village(users)
    points = f"/api/v1/resources/geojson?bbox={_village_box(village)}&zoom=15"
    before_points = _json(client, points)["total"]
    before_city = _json(client, PUBLIC_READS["resource_geojson"])["total"]
    figures = {r["code"]: r["count"] for r in _json(client, PUBLIC_READS["county_figures"])["items"]}
    # read twice: the second answer came from the cache
    assert _json(client, points)["total"] == before_points

    resource = resource_create(users, name="缓存测试新建厂房")

    after = _json(client, points)
    assert after["total"] == before_points + 1
    assert resource.pk in [f["properties"]["id"] for f in after["features"]]
    assert _json(client, PUBLIC_READS["resource_geojson"])["total"] == before_city + 1
    now = {r["code"]: r["count"] for r in _json(client, PUBLIC_READS["county_figures"])["items"]}
    assert now[village.county_id] == figures[village.county_id] + 1


def test_a_resource_created_through_the_api_and_then_deleted_comes_and_goes_from_the_map(client_as, users):
    village = cadre_village(users)
    points = f"/api/v1/resources/geojson?bbox={_village_box(village)}&zoom=15"
    client = client_as("cadre")
    before = _json(client, points)["total"]
    payload = {**resource_input(village).model_dump(mode="json"), "name": "接口新建的坑塘"}
    created = client.post("/api/v1/resources", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert _json(Client(), points)["total"] == before + 1
    from xiangcun.resources import services

    services.resource_delete(user=users["cadre"], resource=Resource.objects.get(pk=created.json()["id"]))
    assert _json(Client(), points)["total"] == before


def test_an_imported_village_is_counted_in_its_town_and_county_at_the_next_read(users):
    from xiangcun.resources import imports
    from xiangcun.resources.tests.test_imports import _row, _xlsx

    client = Client()
    anchor = cadre_village(users)
    town = anchor.town
    town_url = f"/api/v1/regions/{town.code}/children"
    county_url = f"/api/v1/regions/{anchor.county_id}/children"
    list_url = f"/api/v1/villages?town={town.code}&limit=500"
    before_town = _json(client, town_url)["count"]
    before_list = _json(client, list_url)["count"]
    before_county = {r["code"]: r["villages"] for r in _json(client, county_url)["items"]}[town.code]

    used = set(Village.objects.filter(town=town).values_list("code", flat=True))
    code = next(f"{town.code}{n:03d}" for n in range(900, 999) if f"{town.code}{n:03d}" not in used)
    village_row = [code, "缓存新建村", town.code, anchor.lng, anchor.lat, 300, 1000, 1500, "", "", ""]
    data = _xlsx([_row(anchor, 村级区划代码=code)], villages=[village_row])
    outcome = imports.import_file(user=users["county"], data=data, filename="v.xlsx")
    assert outcome.ok, outcome.problems

    assert _json(client, town_url)["count"] == before_town + 1
    assert code in [v["code"] for v in _json(client, list_url)["items"]]
    assert _json(client, list_url)["count"] == before_list + 1
    county = {r["code"]: r["villages"] for r in _json(client, county_url)["items"]}
    assert county[town.code] == before_county + 1


def test_the_home_page_figures_follow_a_village_edit_and_a_published_notice(client, users):
    from xiangcun.recruitment.tests.factories import notice_published
    from xiangcun.regions import services as region_services
    from xiangcun.regions.schemas import VillageProfileIn

    def population() -> str:
        html = client.get("/").content.decode()
        return html.split('<div class="figure"><b>')[4].split("</b>")[0]  # 县区, 行政村, 户, 人口

    before = population()
    assert population() == before  # from the cache
    village = cadre_village(users)
    region_services.village_profile_save(
        user=users["cadre"],
        village=village,
        profile_in=VillageProfileIn(population=village.population + 1234),
    )
    assert int(population().replace(",", "")) == int(before.replace(",", "")) + 1234

    notice = notice_published(users, title="缓存之后发布的招募令")
    assert notice.title in client.get("/").content.decode()


def test_a_write_that_rolls_back_leaves_the_cached_reads_as_they_were(users):
    client = Client()
    first = client.get(PUBLIC_READS["resource_geojson"])
    with pytest.raises(RuntimeError), transaction.atomic():
        resource_create(users, name="回滚的资源")
        raise RuntimeError("the request failed after the write")
    again = client.get(PUBLIC_READS["resource_geojson"])
    assert again["ETag"] == first["ETag"] and again.content == first.content


def test_a_version_changed_by_another_process_is_seen_without_this_process_hearing_of_it(users):
    """The cache is one local memory per worker: what tells every worker is the version row. Rows
    written as another worker writes them (the data and the version row changed in the database,
    nothing said to this process) show at this process's next read."""
    from xiangcun.resources import parsing, services

    client = Client()
    village = cadre_village(users)
    points = f"/api/v1/resources/geojson?bbox={_village_box(village)}&zoom=15"
    before = _json(client, points)["total"]
    values = resource_input(village, name="另一进程写入的资源").model_dump(exclude={"village", "notices"})
    resource = Resource(village=village, **values)
    resource.area_mu = parsing.area_in_mu(resource.area, resource.unit)
    with transaction.atomic():
        services.resources_bulk_create([resource])  # rows only: nothing bumps a version here
    assert _json(client, points)["total"] == before  # this process was not told: the cached answer
    DataVersion.objects.update_or_create(
        topic="resources", defaults={"token": uuid.uuid4().hex[:16], "changed_at": timezone.now()}
    )
    assert _json(client, points)["total"] == before + 1


def test_cached_reads_keep_out_of_the_cache_that_holds_the_rate_limits(users):
    """A map being panned fills a cache with viewports: not the one whose counts refuse a burst of
    exports (core/ratelimit.py), which would then forget them."""
    from django.core.cache import caches

    client = Client()
    for url in _reads(users).values():
        client.get(url)
    client.get("/")
    reads, default = caches["reads"], caches["default"]
    assert reads is not default
    assert len(getattr(reads, "_cache", {})) >= len(_reads(users))
    assert not getattr(default, "_cache", {})


# --------------------------------------------------------------------------------------------------
# Conditional GET
# --------------------------------------------------------------------------------------------------
def test_a_repeated_read_with_the_etag_is_a_304_and_a_write_makes_it_a_fresh_200(users):
    client = Client()
    for name, url in _reads(users).items():
        first = client.get(url)
        assert first.status_code == 200, name
        etag = first["ETag"]
        assert etag.startswith('"') and first["Cache-Control"] == "public, no-cache", name
        repeat = client.get(url, headers={"If-None-Match": etag})
        assert repeat.status_code == 304 and repeat.content == b"" and repeat["ETag"] == etag, name
    geojson = client.get(PUBLIC_READS["resource_geojson"])
    resource_create(users, name="让地图变化的资源")
    fresh = client.get(PUBLIC_READS["resource_geojson"], headers={"If-None-Match": geojson["ETag"]})
    assert fresh.status_code == 200 and fresh["ETag"] != geojson["ETag"]
    assert json.loads(fresh.content)["total"] == json.loads(geojson.content)["total"] + 1


def test_last_modified_is_the_moment_of_the_last_write_and_if_modified_since_answers_304(users):
    client = Client()
    resource_create(users, name="定下修改时间的资源")
    first = client.get(PUBLIC_READS["resource_geojson"])
    changed_at = (
        DataVersion.objects.filter(topic__in=["resources", "regions"]).latest("changed_at").changed_at
    )
    from django.utils.http import http_date, parse_http_date

    assert first["Last-Modified"] == http_date(int(changed_at.timestamp()))
    since = client.get(
        PUBLIC_READS["resource_geojson"], headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304
    earlier = http_date(parse_http_date(first["Last-Modified"]) - 60)
    assert (
        client.get(PUBLIC_READS["resource_geojson"], headers={"If-Modified-Since": earlier}).status_code
        == 200
    )


def test_different_filters_have_different_etags_and_bodies(users):
    client = Client()
    a = client.get("/api/v1/villages?county=371502&limit=5")
    b = client.get("/api/v1/villages?county=371502&limit=5&offset=5")
    c = client.get("/api/v1/villages?county=371503&limit=5")
    assert len({a["ETag"], b["ETag"], c["ETag"]}) == 3
    assert len({a.content, b.content, c.content}) == 3


def test_errors_are_not_cached_and_carry_no_etag(users):
    client = Client()
    for _ in range(2):
        missing = client.get("/api/v1/regions/371599/children")
        assert missing.status_code == 404 and not missing.has_header("ETag")
    bad = client.get("/api/v1/resources/geojson?bbox=1,2,3")
    assert bad.status_code == 400 and not bad.has_header("ETag")


# --------------------------------------------------------------------------------------------------
# No session for anonymous reads
# --------------------------------------------------------------------------------------------------
def _session_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_an_anonymous_api_read_sets_no_cookie_and_never_touches_the_session_table(users):
    client = Client()
    sessions = Session.objects.count()
    for name, url in _reads(users).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        assert not response.cookies, (name, response.cookies)
        assert "Cookie" not in response.get("Vary", ""), name
        assert not _session_queries(queries), name
    assert Session.objects.count() == sessions

    # A browser that still sends a session cookie (an earlier visit) costs no session read either.
    store = SessionStore()
    store["seen"] = True
    store.save()
    client.cookies["sessionid"] = store.session_key
    for name, url in _reads(users).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and not response.cookies, name
        assert not _session_queries(queries), name


# --------------------------------------------------------------------------------------------------
# Queries per request
# --------------------------------------------------------------------------------------------------
def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:200])
    return len(queries.captured_queries)


def test_a_cached_read_costs_one_query_and_building_it_a_bounded_number(users):
    """One query (the versions) once cached, whatever the endpoint; building the answer a fixed
    number that does not grow with the rows (a regression to a query per row fails here)."""
    client = Client()
    bounds = {
        "region_children": 4,  # the versions, the region, its children, their village counts
        "town_children": 3,
        "village_list": 4,
        "resource_geojson": 3,  # the versions, the clusters, the points when few
        "county_figures": 3,
    }
    for name, url in _reads(users).items():
        assert _queries(client, url) <= bounds[name], name
        assert _queries(client, url) == 1, name
    small = _queries(client, "/api/v1/villages?county=371503&limit=5")
    large = _queries(client, "/api/v1/villages?county=371521&limit=200")
    assert small == large <= bounds["village_list"]


def test_the_home_page_costs_one_query_for_an_anonymous_visitor_once_its_figures_are_cached(client, users):
    from xiangcun.recruitment.tests.factories import notice_published

    notice_published(users)
    assert _queries(client, "/") <= 16  # building the figures
    assert _queries(client, "/") == 1
    client.cookies["django_language"] = "en"
    assert _queries(client, "/") == 1  # the figures are shared; only their HTML is per language
    english = client.get("/").content.decode()
    assert "Published recruitment notices" in english and "已发布招募令" not in english


# --------------------------------------------------------------------------------------------------
# The same JSON
# --------------------------------------------------------------------------------------------------
SAMPLE: dict[str, Any] = {
    "text": '聊城市 · "quoted" \\ \u2028 <tag>',
    "decimal": Decimal("1234.50"),
    "money": Decimal("-0.01"),
    "moment": dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC),
    "naive": dt.datetime(2026, 3, 1, 8, 30, 15),
    "day": dt.date(2026, 3, 1),
    "time": dt.time(8, 30, 15, 250000),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("行政村"),
    "numbers": [0, -1, 2**53, 1.5, 0.1, 1e-7, 116.123456],
    "nested": {"none": None, "yes": True, "no": False, "empty": [], "more": {"a": [1, {"b": "c"}]}},
    7: "an int key",
}


def _backends() -> list[Any]:
    found = [pytest.param(jsonio.dumps_stdlib, id="stdlib")]
    if jsonio.HAVE_ORJSON:
        found.append(pytest.param(jsonio.dumps, id="orjson"))
    else:
        found.append(
            pytest.param(
                None,
                id="orjson",
                marks=pytest.mark.skip(reason="orjson is not installed here (the stdlib writes)"),
            )
        )
    return found


@pytest.mark.parametrize("dumps", _backends())
def test_the_api_writes_the_json_ninja_would_write(dumps):
    expected = json.loads(json.dumps(SAMPLE, cls=NinjaJSONEncoder, ensure_ascii=False))
    written = dumps(SAMPLE)
    assert json.loads(written) == expected
    assert "聊城市".encode() in written  # UTF-8, not \\u escapes
    assert b", " not in written and b": " not in written.replace(b": \\", b"")  # compact


def test_orjson_and_the_standard_library_write_the_same_bytes():
    if not jsonio.HAVE_ORJSON:
        pytest.skip("orjson is not installed here (the stdlib writes)")
    plain = {k: v for k, v in SAMPLE.items() if k not in ("numbers",)}
    assert jsonio.dumps(plain) == jsonio.dumps_stdlib(plain)


def test_every_public_read_answers_the_json_its_schema_declares(users):
    """The cached body is what ninja itself writes from the response schema: compared here with a
    ninja endpoint's own rendering of the same data."""
    from xiangcun.regions.schemas import ChildrenOut, VillageListOut
    from xiangcun.regions.selectors import child_figures, region_get, village_list

    client = Client()
    children = _json(client, "/api/v1/regions/371500/children")
    items = child_figures(region_get("371500"))
    expected = json.loads(
        json.dumps(
            ChildrenOut.model_validate({"items": items, "count": len(items)}).model_dump(),
            cls=NinjaJSONEncoder,
        )
    )
    assert children == expected
    assert set(children["items"][0]) == {
        "code",
        "name",
        "level",
        "parent",
        "lat",
        "lng",
        "area_km2",
        "villages",
    }

    villages = _json(client, "/api/v1/villages?county=371502&limit=3")
    rows = list(village_list(within="371502")[:3])
    assert villages == json.loads(
        json.dumps(
            VillageListOut.model_validate(
                {"items": rows, "count": village_list(within="371502").count()}
            ).model_dump(),
            cls=NinjaJSONEncoder,
        )
    )


# --------------------------------------------------------------------------------------------------
# The CSP header, built once
# --------------------------------------------------------------------------------------------------
def test_every_response_carries_the_policy_django_csp_builds(client, users):
    from csp.utils import build_policy

    expected = build_policy()
    for url in ("/", "/api/v1/villages?county=371502&limit=5", "/healthz", "/no-such-page/"):
        assert client.get(url)["Content-Security-Policy"] == expected, url
    assert (
        "script-src 'self'" in expected
        and "unsafe-inline" not in expected.split("script-src")[1].split(";")[0]
    )


def test_a_changed_policy_setting_is_followed(client, db):
    from xiangcun.config.csp import policy

    changed = policy(tile_url="https://t{s}.tianditu.gov.cn/img_w/wmts")
    with override_settings(CONTENT_SECURITY_POLICY=changed):
        assert "https://*.tianditu.gov.cn" in client.get("/healthz")["Content-Security-Policy"]
    assert "tianditu" not in client.get("/healthz")["Content-Security-Policy"]


def test_regions_are_public_reads_with_the_same_answer_for_every_reader(client_as, users):
    """The cache holds one answer per URL: it must not depend on who asks (masked contacts are on the
    village's own page, which is not cached)."""
    anonymous = Client().get(PUBLIC_READS["village_list"]).content
    assert client_as("county").get(PUBLIC_READS["village_list"]).content == anonymous
    assert Region.objects.filter(code="371500").exists()
    assert readcache.versions(["regions"]).tokens[0] != "-"
