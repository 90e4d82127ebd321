"""The pickers in headless Chromium: the village picker finds a village by its pinyin initials and fills
the hidden code; the resource form's map picker sets 经度/纬度 by a click and by dragging the marker,
and says at once when the point lies outside the village's county (issue 12, item 7)."""

from __future__ import annotations

import pytest

from xiangcun.accounts.services import DEMO_PASSWORD
from xiangcun.regions.models import Village

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def _errors(page) -> list[str]:
    found: list[str] = []
    page.on("pageerror", lambda e: found.append(str(e)))
    page.on(
        "console",
        lambda m: (
            found.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    return found


def _village_with_initials_unique_in(scope: str) -> Village:
    """A village of ``scope`` whose first three pinyin initials single it out among ten results."""
    for village in (
        Village.objects.filter(code__startswith=scope).select_related("town", "county").order_by("-code")
    ):
        prefix = village.pinyin_initials[:3]
        if Village.objects.filter(code__startswith=scope, pinyin_initials__startswith=prefix).count() <= 5:
            return village
    raise AssertionError("no village with distinctive initials")


def _point_outside(county: str) -> tuple[float, float]:
    """A point inside the county's bounding box (so on the map as fitted) but outside the county."""
    from shapely.geometry import Point

    from xiangcun.regions.boundaries import geometry

    shape = geometry(county, "county")
    west, south, east, north = shape.bounds
    best, far = None, -1.0
    for i in range(1, 20):
        for j in range(1, 20):
            p = Point(west + (east - west) * i / 20, south + (north - south) * j / 20)
            d = shape.distance(p)
            if d > far:
                best, far = p, d
    assert best is not None and far > 0.01
    return best.x, best.y


def _pixel(page, lng: float, lat: float) -> dict[str, float]:
    x, y = page.evaluate(
        "([lat, lng]) => { const p = window.locationPicker.map.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
        [lat, lng],
    )
    return {"x": x, "y": y}


def test_the_map_picker_sets_the_coordinates_and_says_when_the_point_is_outside_the_county(live_server, page):
    from xiangcun.resources.models import Resource

    errors = _errors(page)
    county = "371502"
    village = _village_with_initials_unique_in(county)
    _log_in(page, live_server.url, "county")
    page.goto(live_server.url + "/resources/new/")

    # Given the village chosen by its pinyin initials
    page.wait_for_selector("#location-map[data-ready=true]")
    assert (
        page.locator("#location-check").inner_text() == "请先选择所在村：地图将显示其所在县（市、区）的边界。"
    )
    page.get_by_label("所在村", exact=True).press_sequentially(village.pinyin_initials[:3], delay=30)
    option = page.locator(".picker-results [role=option]", has_text=f"{village.name} · {village.town.name}")
    option.first.click()
    assert page.input_value("#id_village") == village.code
    assert page.locator("#id_village").get_attribute("type") == "hidden"
    assert page.inner_text(".picker-chosen") == f"已选：{village.name} · {village.town.name} · 东昌府区"
    assert page.locator("#location-check").inner_text() == "在地图上点击选取位置。"

    # When the official clicks the village's own point on the map
    page.locator("#location-map").click(position=_pixel(page, village.lng, village.lat))

    # Then 经度 and 纬度 hold it (to the map's resolution) and it is inside the county
    lng, lat = float(page.input_value("#id_lng")), float(page.input_value("#id_lat"))
    assert abs(lng - village.lng) < 0.005 and abs(lat - village.lat) < 0.005
    assert page.locator("#location-check").inner_text() == "位置在东昌府区境内。"

    # When they click a point outside the county
    out_lng, out_lat = _point_outside(county)
    page.locator("#location-map").click(position=_pixel(page, out_lng, out_lat))

    # Then the fields follow and the message beside the map says so, at once
    assert abs(float(page.input_value("#id_lng")) - out_lng) < 0.005
    check = page.locator("#location-check")
    assert check.inner_text().startswith("该位置不在东昌府区境内，请在县界内选点")
    assert "bad" in (check.get_attribute("class") or "")

    # When they drag the marker back onto the village
    marker = page.locator("#location-map .leaflet-marker-icon")
    box = marker.bounding_box()
    anchor = _pixel(page, out_lng, out_lat)
    target = _pixel(page, village.lng, village.lat)
    map_box = page.locator("#location-map").bounding_box()
    grab = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*grab)
    page.mouse.down()
    page.mouse.move(
        grab[0] + (target["x"] - anchor["x"]) / 2, grab[1] + (target["y"] - anchor["y"]) / 2, steps=5
    )
    page.mouse.move(grab[0] + target["x"] - anchor["x"], grab[1] + target["y"] - anchor["y"], steps=5)
    page.mouse.up()
    assert map_box is not None

    # Then the point is the village's again and inside
    lng, lat = float(page.input_value("#id_lng")), float(page.input_value("#id_lat"))
    assert abs(lng - village.lng) < 0.005 and abs(lat - village.lat) < 0.005
    assert check.inner_text() == "位置在东昌府区境内。"

    # And the fields stay editable: a typed point moves the marker and is checked too
    page.fill("#id_lng", f"{out_lng:.6f}")
    page.fill("#id_lat", f"{out_lat:.6f}")
    assert check.inner_text().startswith("该位置不在东昌府区境内")
    page.fill("#id_lng", f"{village.lng:.6f}")
    page.fill("#id_lat", f"{village.lat:.6f}")
    assert check.inner_text() == "位置在东昌府区境内。"

    # And the form saves the chosen village and point
    page.fill("input[name=name]", "地图选点的闲置厂房")
    page.fill("input[name=area]", "1,250")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/resources/*/")
    resource = Resource.objects.get(name="地图选点的闲置厂房")
    assert resource.village_id == village.code and abs(resource.lng - village.lng) < 1e-5
    assert errors == []


def test_the_village_picker_works_from_the_keyboard_and_takes_several_villages(live_server, page):
    from xiangcun.recruitment.models import Notice

    errors = _errors(page)
    _log_in(page, live_server.url, "town")
    town = Village.objects.filter(code__startswith="371502001").first().town_id
    first, second = Village.objects.filter(town_id=town).select_related("town").order_by("code")[:2]
    page.goto(live_server.url + "/notices/new/")
    page.fill("input[name=title]", "键盘选村的招募令")

    # The home village: its name typed, the first result taken with ↓ and Enter (which submits nothing)
    search = page.get_by_label("所在村", exact=True)
    search.press_sequentially(first.name, delay=30)
    page.wait_for_selector("#id_village-results [role=option]")
    search.press("ArrowDown")
    search.press("Enter")
    assert page.input_value("#id_village") == first.code
    assert "/notices/new/" in page.url

    # Two other villages, then one removed again
    others = page.get_by_label("其他涉及村庄（可选，须在同一县（市、区））")
    for village in (second, first):
        others.press_sequentially(village.name, delay=30)
        page.locator("#id_other_villages-results [role=option]", has_text=village.name).first.click()
    assert page.input_value("#id_other_villages") == f"{second.code},{first.code}"
    page.locator(
        f"#id_other_villages ~ .picker-chosen li[data-code='{first.code}'] [data-picker-remove]"
    ).click()
    assert page.input_value("#id_other_villages") == second.code

    # A search with no result says so
    others.fill("")
    others.press_sequentially("没有这个村", delay=30)
    page.wait_for_function(
        "() => document.querySelector('#id_other_villages-q ~ .picker-status').textContent !== ''"
    )
    assert "本辖区内没有找到这个村" in page.inner_text(
        ".village-picker:has(#id_other_villages) .picker-status"
    )

    page.click("form.form button[type=submit]")
    page.wait_for_url("**/notices/*/")
    notice = Notice.objects.get(title="键盘选村的招募令")
    assert notice.village_id == first.code
    assert set(notice.villages.values_list("code", flat=True)) == {first.code, second.code}
    assert errors == []
