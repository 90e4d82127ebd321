"""Pickers instead of codes (issue 12, item 7): the notice and resource forms choose the village with the
village picker (web/_village_picker.html) and the resource's location with the map picker; what the
pickers post is what a person chose, and what lies outside the user's region or county is refused on
the field, in Chinese, with nothing written."""

from __future__ import annotations

import re

import pytest

from xiangcun.recruitment.models import Notice
from xiangcun.regions.models import Village
from xiangcun.resources.models import Resource
from xiangcun.resources.tests.factories import resource_data

pytestmark = pytest.mark.django_db


def _field_block(html: str, name: str) -> str:
    """The form field holding the input ``name`` (its label, control and errors)."""
    for block in re.findall(r'<div class="field[^"]*"[^>]*>.*?</div>', html, re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name}")


def _picker_block(html: str, name: str) -> str:
    """The village picker whose input is ``name``: from its field to the next field of the form."""
    for block in re.split(r'(?=<div class="field)', html):
        if block.startswith('<div class="field village-picker') and f'name="{name}"' in block:
            return block
    raise AssertionError(f"no picker {name}")


def _town_village(users) -> Village:
    return Village.objects.filter(town_id=users["town"].region_code).select_related("town", "county").last()


def _other_town_village(users) -> Village:
    town = users["town"].region_code
    return Village.objects.filter(county_id=town[:6]).exclude(town_id=town).select_related("county").last()


NOTICE = {"title": "选择器起草的招募令", "level": "county", "category": "farm_stay"}


# ------------------------------------------------------------------------------------------------
# The pages


def test_the_notice_form_offers_the_picker_and_a_cadre_gets_their_village_without_a_search(users, client_as):
    html = client_as("town").get("/notices/new/").content.decode()
    picker = _picker_block(html, "village")
    assert "data-village-picker" in picker and 'data-source="/api/v1/villages/pick"' in picker
    assert '<label for="id_village">所在村</label>' in picker
    assert 'placeholder="村名或 12 位村级区划代码"' in picker  # the text box without JavaScript
    assert 'placeholder="输入村名或拼音首字母，如 lqz"' in picker and 'maxlength="20"' in picker
    assert "其他涉及村庄" in html and "区划代码，多个用逗号分隔，第一个" not in html
    assert "<script>" not in html

    cadre = users["cadre"]
    village = Village.objects.select_related("town", "county").get(code=cadre.region_code)
    html = client_as("cadre").get("/notices/new/").content.decode()
    picker = _picker_block(html, "village")
    assert "data-village-picker" not in picker and 'type="search"' not in picker
    assert f'<input type="hidden" id="id_village" name="village" value="{village.code}">' in picker
    assert f"<b>{village.name}</b> · {village.town.name} · {village.county.name}" in picker
    assert 'name="other_villages"' not in html  # a cadre's notice is their own village's


def test_the_edit_form_shows_the_chosen_villages_by_name(users, client_as):
    from xiangcun.recruitment.tests.factories import notice_draft

    notice = notice_draft(users)
    html = client_as("county").get(f"/notices/{notice.pk}/edit/").content.decode()
    picker = _picker_block(html, "village")
    assert f'value="{notice.village_id}"' in picker and f"已选：<b>{notice.village.name}</b>" in picker


# ------------------------------------------------------------------------------------------------
# Notices


def test_a_town_official_drafts_a_notice_with_the_pickers_values(users, client_as):
    first, second = Village.objects.filter(town_id=users["town"].region_code).order_by("code")[:2]
    response = client_as("town").post(
        "/notices/new/", {**NOTICE, "village": first.code, "other_villages": f"{second.code},{first.code}"}
    )
    assert response.status_code == 302
    notice = Notice.objects.get(title=NOTICE["title"])
    assert notice.village_id == first.code
    assert set(notice.villages.values_list("code", flat=True)) == {first.code, second.code}


def test_without_javascript_the_village_may_be_typed_by_name(users, client_as):
    village = _town_village(users)
    if Village.objects.filter(name=village.name, town_id=village.town_id).count() > 1:
        pytest.skip("the town has two villages of that name")
    # shown again (the title is missing), the village typed by name is shown as chosen
    page = client_as("town").post("/notices/new/", {**NOTICE, "title": "", "village": village.name})
    assert page.status_code == 400
    picker = _picker_block(page.content.decode(), "village")
    assert f'value="{village.code}"' in picker and f"已选：<b>{village.name}</b>" in picker
    response = client_as("town").post("/notices/new/", {**NOTICE, "village": village.name})
    assert response.status_code == 302
    assert Notice.objects.get(title=NOTICE["title"]).village_id == village.code


def test_a_village_outside_the_region_is_refused_on_the_field_and_nothing_is_written(users, client_as):
    other = _other_town_village(users)
    before = Notice.objects.count()
    page = client_as("town").post("/notices/new/", {**NOTICE, "village": other.code})
    assert page.status_code == 400
    block = _picker_block(page.content.decode(), "village")
    assert "所在村：" in block and other.name in block and "不在您的管辖范围内" in block
    assert Notice.objects.count() == before

    # nor as one of the other villages
    own = _town_village(users)
    page = client_as("town").post(
        "/notices/new/", {**NOTICE, "village": own.code, "other_villages": other.code}
    )
    assert page.status_code == 400
    block = _picker_block(page.content.decode(), "other_villages")
    assert "其他涉及村庄" in block and "不在您的管辖范围内" in block
    assert Notice.objects.count() == before

    # and a cadre cannot slip in another village than their own
    page = client_as("cadre").post("/notices/new/", {**NOTICE, "village": own.code})
    assert page.status_code == 400 and "不在您的管辖范围内" in page.content.decode()
    assert Notice.objects.count() == before


def test_villages_of_two_counties_are_refused_naming_the_other_villages(users, client_as):
    city = users["city"]
    a = Village.objects.filter(county_id="371502").order_by("code").first()
    b = Village.objects.filter(county_id="371581").order_by("code").first()
    before = Notice.objects.count()
    page = client_as(city.username).post(
        "/notices/new/", {**NOTICE, "village": a.code, "other_villages": b.code}
    )
    assert page.status_code == 400
    assert "须在同一县（市、区）" in _picker_block(page.content.decode(), "other_villages")
    assert Notice.objects.count() == before


# ------------------------------------------------------------------------------------------------
# Resources: the village picker and the map picker


def _resource_form(village: Village, **overrides):
    data = {**resource_data(village), "village": village.code, **overrides}
    return {k: v for k, v in data.items() if v is not None}


def test_the_resource_form_has_the_map_picker_with_the_county_boundary_and_the_coordinates_in_order(
    users, client_as
):
    html = client_as("county").get("/resources/new/").content.decode()
    assert "data-village-picker" in _picker_block(html, "village")
    lng, lat = html.index('name="lng"'), html.index('name="lat"')
    assert lng < lat and "位置（经度, 纬度）" in html
    assert "data-location-map" in html and "resources/location_picker.js" in html
    assert "vendor/leaflet/leaflet.js" in html and "://" not in re.sub(
        r'xmlns="[^"]*"', "", html.split("<main")[1]
    )
    boundaries = re.search(
        r'<script id="county-boundaries" type="application/json">(.*?)</script>', html, re.S
    )
    import json

    features = json.loads(boundaries.group(1))["features"]
    assert [f["properties"]["code"] for f in features] == [users["county"].region_code]
    assert "该位置不在{county}境内" in html  # the live check's message (location_picker.js fills it)


def test_a_resource_is_registered_with_the_pickers_values(users, client_as):
    village = _town_village(users)
    before = Resource.objects.count()
    response = client_as("county").post(
        "/resources/new/", _resource_form(village, lng=f"{village.lng:.6f}", lat=f"{village.lat:.6f}")
    )
    assert response.status_code == 302
    assert Resource.objects.count() == before + 1
    resource = Resource.objects.order_by("-pk").first()
    assert resource.village_id == village.code and abs(resource.lng - village.lng) < 1e-6


def test_a_resource_village_outside_the_region_is_refused_on_the_field(users, client_as):
    other = Village.objects.filter(county_id="371581").order_by("code").first()
    before = Resource.objects.count()
    page = client_as("county").post("/resources/new/", _resource_form(other))
    assert page.status_code == 400
    block = _picker_block(page.content.decode(), "village")
    assert "所在村：" in block and other.name in block and "不在您的管辖范围内" in block
    assert Resource.objects.count() == before


def test_a_point_outside_the_county_is_refused_by_the_server_on_the_longitude_field(users, client_as):
    village = _town_village(users)
    before = Resource.objects.count()
    # 临清市 lies some 70 km north-west of 东昌府区: a point there is outside the village's county
    outside = Village.objects.filter(county_id="371581").order_by("code").first()
    page = client_as("county").post(
        "/resources/new/", _resource_form(village, lng=outside.lng, lat=outside.lat)
    )
    assert page.status_code == 400
    block = _field_block(page.content.decode(), "lng")
    assert "经度（WGS-84）" in block and f"不在{village.name}所在的东昌府区境内" in block
    assert Resource.objects.count() == before

    # the API too, naming the field for machines
    api = client_as("county").post(
        "/api/v1/resources", {**_resource_form(village, lng=outside.lng, lat=outside.lat)},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 400 and api.json()["field"] == "lng" and "东昌府区境内" in api.json()["error"]
    assert Resource.objects.count() == before

    # and editing a resource's point to outside the county
    from xiangcun.resources.tests.factories import resource_create

    resource = resource_create(users)
    edit = client_as("county").get(f"/resources/{resource.pk}/edit/").content.decode()
    assert "data-village-picker" not in _picker_block(edit, "village")  # its village is fixed
    form = {**_resource_form(resource.village, lng=outside.lng, lat=outside.lat)}
    form.pop("village")
    page = client_as("county").post(f"/resources/{resource.pk}/edit/", form)
    assert page.status_code == 400 and "境内" in _field_block(page.content.decode(), "lng")
    resource.refresh_from_db()
    assert resource.lng != outside.lng
