import json

import pytest

from xiangcun.regions.models import Village
from xiangcun.resources import selectors
from xiangcun.resources.models import Resource
from xiangcun.resources.tests.factories import cadre_village, resource_create, resource_data

pytestmark = pytest.mark.django_db


def test_geojson_gives_points_with_properties_at_high_zoom(client, users):
    # Given a resource in the cadre's village
    resource = resource_create(users)
    v = cadre_village(users)
    bbox = f"{v.lng - 0.01},{v.lat - 0.01},{v.lng + 0.01},{v.lat + 0.01}"
    # When the map asks for that area at zoom 15
    response = client.get("/api/v1/resources/geojson", {"bbox": bbox, "zoom": 15})
    # Then the resource is a point feature with its properties
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and data["clustered"] is False
    feature = next(f for f in data["features"] if f["properties"]["id"] == resource.pk)
    assert feature["geometry"]["coordinates"] == [round(resource.lng, 6), round(resource.lat, 6)]
    props = feature["properties"]
    assert props["kind"] == "idle_building" and props["unit"] == "m2" and props["county"] == "371502"
    assert props["village"] == v.name


def test_geojson_clusters_at_low_zoom_and_filters_by_kind(client, users, monkeypatch):
    # Given more resources than the point threshold (lowered for the test)
    monkeypatch.setattr(selectors, "POINTS_ALWAYS_UNDER", 2)
    for i in range(4):
        resource_create(users, name=f"坑塘{i}", kind="pond", area="10", unit="mu")
    resource_create(users, name="耕地", kind="arable_land", area="50", unit="mu")
    # When the whole city is asked for at zoom 9
    data = json.loads(client.get("/api/v1/resources/geojson", {"zoom": 9, "kind": "pond"}).content)
    # Then the answer is clusters with counts
    assert data["clustered"] is True
    assert all(f["properties"]["cluster"] is True for f in data["features"])
    assert sum(f["properties"]["count"] for f in data["features"]) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "5,5,1,1"}, "bbox"),
        ({"kind": "gold"}, "kind"),
        ({"status": "x"}, "status"),
    ],
)
def test_geojson_bad_input_is_a_400_naming_the_field(client, query, field):
    response = client.get("/api/v1/resources/geojson", query)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_create_via_api_is_scoped(client_as, users):
    v = cadre_village(users)
    payload = {**resource_data(v), "village": v.code}
    # The cadre may create in their village
    response = client_as("cadre").post("/api/v1/resources", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["can_edit"] is True
    # Not in another village
    other = Village.objects.exclude(code=v.code).first()
    response = client_as("cadre").post(
        "/api/v1/resources", {**resource_data(other), "village": other.code}, content_type="application/json"
    )
    assert response.status_code == 403


def test_create_via_api_point_outside_county_is_400(client_as, users):
    v = cadre_village(users)
    payload = {**resource_data(v, lng=120.0, lat=30.0), "village": v.code}
    response = client_as("cadre").post("/api/v1/resources", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "lng"


def test_patch_via_api_by_other_county_is_403_and_anonymous_401(client, client_as, users):
    resource = resource_create(users)
    assert (
        client.patch(
            f"/api/v1/resources/{resource.pk}", {"name": "x"}, content_type="application/json"
        ).status_code
        == 401
    )
    response = client_as("county2").patch(
        f"/api/v1/resources/{resource.pk}", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    response = client_as("county").patch(
        f"/api/v1/resources/{resource.pk}", {"area": "-3"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["field"] == "area"


def test_detail_masks_a_household_owner_for_the_public(client, client_as, users):
    resource = resource_create(users, owner_type="household", owner_name="张建国")
    assert client.get(f"/api/v1/resources/{resource.pk}").json()["owner_name"] != "张建国"
    assert client_as("cadre").get(f"/api/v1/resources/{resource.pk}").json()["owner_name"] == "张建国"


def test_county_figures_count_by_county(client, users):
    resource_create(users)
    items = client.get("/api/v1/resources/county-figures").json()["items"]
    by_code = {i["code"]: i for i in items}
    assert by_code["371502"]["count"] == Resource.objects.filter(village__county_id="371502").count()
    assert len(items) == 8


def test_pages_render_and_edit_is_scoped(client, client_as, users):
    resource = resource_create(users)
    assert client.get("/map/").status_code == 200
    assert client.get("/resources/").status_code == 200
    assert resource.name in client.get(f"/resources/{resource.pk}/").content.decode()
    assert client_as("cadre").get(f"/resources/{resource.pk}/edit/").status_code == 200
    assert client_as("county2").get(f"/resources/{resource.pk}/edit/").status_code == 403
    assert client_as("partner").get("/resources/new/").status_code == 403


def test_edit_page_saves_and_shows_service_errors(client_as, users):
    resource = resource_create(users)
    v = cadre_village(users)
    form = {
        **resource_data(v),
        "village": v.code,
        "valuation_method": "",
        "appraised_value": "",
        "appraised_on": "",
    }
    c = client_as("cadre")
    response = c.post(f"/resources/{resource.pk}/edit/", {**form, "name": "新名称"})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.name == "新名称"
    response = c.post(f"/resources/{resource.pk}/edit/", {**form, "lng": "121.0", "lat": "31.0"})
    assert response.status_code == 400
    assert "境内" in response.content.decode()


def test_export_of_the_current_filter(client, users):
    from io import BytesIO

    from openpyxl import load_workbook

    resource_create(users, kind="pond", name="导出坑塘", unit="mu", area="8")
    response = client.get("/resources/export.xlsx", {"kind": "pond", "county": "371502"})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content), read_only=True)["资源"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("系统编号", "村级区划代码", "资源名称")
    assert any(r[2] == "导出坑塘" for r in rows[1:])
    assert all(r[3] == "坑塘水面" for r in rows[1:])
