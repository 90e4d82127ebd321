"""Issue 10, finding 1: a planted resource, village or county name runs no script on any map page.

A cadre can name a resource (POST /api/v1/resources) and a county admin a village (the import sheet);
the city office then hovers the markers. Leaflet's bindTooltip(string)/bindPopup(string) write HTML, so
the maps must hand Leaflet DOM nodes built with textContent. The Content-Security-Policy is the second
wall; these tests hold the first one by themselves too (they watch for the planted handler, and for
the CSP violation the browser reports when the first wall fails).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import city_demo  # noqa: F401  (rebuilds the demo after a flush)
from xiangcun.accounts.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMG = '"><img src=x onerror=window.__xss=1>'
SCRIPT = "<script>window.__xss=2</script>"

# Every tooltip and popup of every Leaflet layer on the page, opened as a hover or click would.
OPEN_ALL = """() => {
  const maps = window.__leafletMaps || [];
  let opened = 0;
  for (const map of maps) {
    map.eachLayer((layer) => {
      if (layer.getTooltip && layer.getTooltip()) {
        const at = layer.getLatLng ? layer.getLatLng() : (layer.getBounds ? layer.getBounds().getCenter() : null);
        layer.openTooltip(at || undefined); opened++;
      }
    });
  }
  return opened;
}"""

# Keep a handle on every Leaflet map the page's scripts create (their own variables are private).
RECORD_MAPS = """
Object.defineProperty(window, "L", {
  configurable: true,
  set(value) {
    Object.defineProperty(window, "L", { value, writable: true, configurable: true });
    window.__leafletMaps = [];
    value.Map.addInitHook(function () { window.__leafletMaps.push(this); });
  },
});
"""


def _plant(name: str):  # type: ignore[no-untyped-def]
    """The attack: the village cadre names a resource `name` (as POST /api/v1/resources does); the
    village and its county carry the same name (an import sheet, a county admin's edit)."""
    from xiangcun.accounts.models import User
    from xiangcun.core.inputs import parse
    from xiangcun.regions.models import Level, Region, Village
    from xiangcun.resources.schemas import ResourceIn
    from xiangcun.resources.services import resource_create

    cadre = User.objects.get(username="cadre")
    village = Village.objects.get(code=cadre.region_code)
    resource = resource_create(
        user=cadre,
        resource_in=parse(
            ResourceIn,
            {
                "village": village.code,
                "name": name,
                "kind": "arable_land",
                "area": "12.5",
                "unit": "mu",
                "lng": village.lng,
                "lat": village.lat,
                "current_use": name,
                "permitted_use": name,
            },
        ),
    )
    Village.objects.filter(pk=village.pk).update(name=name)
    Region.objects.filter(pk=village.county_id, level=Level.COUNTY).update(name=name)
    return village, resource


def _login(page, base: str, username: str = "city") -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("load")


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Script the planted names could run: dialogs, CSP reports, uncaught errors."""
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append("dialog " + d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen.append("pageerror " + str(e)))
    page.on(
        "console", lambda m: seen.append("console " + m.text) if "Content Security Policy" in m.text else None
    )
    page.add_init_script(RECORD_MAPS)
    return seen


def _hover_everything(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Move the real mouse over every interactive shape (a few hundred at most) and click nothing."""
    boxes = page.eval_on_selector_all(
        selector + " path.leaflet-interactive",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2, r.width]; })",
    )
    for x, y, width in boxes[:400]:
        if width > 0:
            page.mouse.move(x, y)
    page.mouse.move(1, 1)


def _assert_clean(page, seen: list[str], name: str) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("typeof window.__xss") == "undefined", seen
    assert not [s for s in seen if "__xss" in s or s.startswith("dialog")], seen
    assert (
        page.locator(
            ".leaflet-tooltip img, .leaflet-popup img, .leaflet-tooltip script, .leaflet-popup script"
        ).count()
        == 0
    )


@pytest.mark.parametrize("name", [IMG, SCRIPT], ids=["img-onerror", "script-tag"])
def test_planted_names_run_no_script_on_any_map_page(live_server, page, name):
    village, resource = _plant(name)
    seen = _watch(page)
    _login(page, live_server.url)

    # The home page's county map: hover every county, open every tooltip
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-ready=true] path.leaflet-interactive")
    _hover_everything(page, "#map")
    assert page.evaluate(OPEN_ALL) >= 8
    _assert_clean(page, seen, name)
    assert name in page.locator("#map .leaflet-tooltip").all_text_contents()

    # The county and town pages: the county outline and every village point
    for code in (village.county_id, village.town_id):
        page.goto(f"{live_server.url}/regions/{code}/")
        page.wait_for_selector("#map[data-ready=true] path.leaflet-interactive")
        _hover_everything(page, "#map")
        assert page.evaluate(OPEN_ALL) >= 2
        _assert_clean(page, seen, name)
        assert name in page.locator("#map .leaflet-tooltip").all_text_contents()

    # The resource's own page: its point
    page.goto(f"{live_server.url}/resources/{resource.pk}/")
    page.wait_for_selector("#map[data-ready=true] path.leaflet-interactive")
    _hover_everything(page, "#map")
    assert page.evaluate(OPEN_ALL) >= 1
    _assert_clean(page, seen, name)
    assert name in page.locator("#map .leaflet-tooltip").all_text_contents()

    # The resource map: county tooltips, the choropleth's tooltips, the marker's tooltip and its popup
    page.goto(live_server.url + "/map/")
    page.wait_for_selector("#resource-map[data-ready=true]")
    _hover_everything(page, "#resource-map")
    page.check("input[name=choropleth][value=count]")
    page.wait_for_selector("#choropleth-legend li")
    _hover_everything(page, "#resource-map")
    page.evaluate(OPEN_ALL)
    _assert_clean(page, seen, name)
    assert any(
        t.startswith(name + "：") for t in page.locator("#resource-map .leaflet-tooltip").all_text_contents()
    )
    # Zoom onto the resource without animation, then wait for the points of that view (a reload still
    # in flight would redraw the markers and drop the popup we are about to open)
    page.evaluate(
        f"window.resourceMap.map.setView([{resource.lat}, {resource.lng}], 17, {{ animate: false }})"
    )
    page.evaluate("() => window.resourceMap.reload()")
    # (function predicates: a string expression would be eval'd in the page, which the CSP forbids)
    page.wait_for_function("() => document.getElementById('resource-map').dataset.clustered === 'false'")
    page.wait_for_function(
        f"() => {{ let n = 0; window.resourceMap.points.eachLayer(l => {{ if (l.feature.properties.id === {resource.pk}) n++; }}); return n > 0; }}"
    )
    page.evaluate(
        f"""window.resourceMap.points.eachLayer(l => {{
              if (l.feature.properties.id === {resource.pk}) {{
                l.openTooltip(); l.openPopup();
              }}
            }})"""
    )
    page.wait_for_selector(".map-popup dl")
    _hover_everything(page, "#resource-map")
    _assert_clean(page, seen, name)
    popup = page.inner_text(".map-popup")
    assert popup.count(name) >= 4  # its name, its village, its county, its use
    assert page.locator(f".map-popup a[href='/resources/{resource.pk}/']").count() >= 1

    # The resource form's pickers: the village search lists the planted name as text, and the map
    # picker names the chosen village (and its county) as text too
    page.goto(live_server.url + "/resources/new/")
    page.wait_for_selector("#location-map[data-ready=true]")
    page.get_by_label("所在村", exact=True).press_sequentially("img" if "img" in name else "script", delay=20)
    option = page.locator(".picker-results [role=option]").first
    option.wait_for()
    assert name in option.inner_text()
    option.click()
    assert page.input_value("#id_village") == village.code
    assert page.locator(".village-picker img, .village-picker script, #location-check img").count() == 0
    assert name in page.locator("#location-map .leaflet-tooltip").all_text_contents()
    page.locator("#location-map").click(position={"x": 5, "y": 5})
    assert name in page.inner_text("#location-check")
    _assert_clean(page, seen, name)


@pytest.mark.parametrize("name", [IMG, SCRIPT], ids=["img-onerror", "script-tag"])
def test_planted_party_and_household_names_run_no_script_in_the_simulator_chart(live_server, page, name):
    from xiangcun.agreements.demo import demo_build
    from xiangcun.agreements.models import Agreement, AgreementParty, Member

    # Given an agreement whose parties and households carry the planted name
    demo_build(scale="city", seed=1)
    agreement = Agreement.objects.filter(parties__isnull=False, members__isnull=False).order_by("pk").first()
    assert agreement is not None
    AgreementParty.objects.filter(agreement=agreement).update(name=name)
    Member.objects.filter(agreement=agreement).update(head_name=name)
    seen = _watch(page)
    _login(page, live_server.url)

    # When the city office opens the simulator and runs the mouse along the chart (axis tooltips)
    page.goto(f"{live_server.url}/agreements/{agreement.pk}/simulate/")
    page.wait_for_selector("#chart[data-ready=true] canvas")
    page.locator("#chart").scroll_into_view_if_needed()
    box = page.locator("#chart").bounding_box()
    assert box is not None
    for i in range(1, 20):
        page.mouse.move(box["x"] + box["width"] * i / 20, box["y"] + box["height"] / 2)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)

    # Then nothing ran, and the tooltip shows the name as text
    assert page.evaluate("typeof window.__xss") == "undefined", seen
    assert not [s for s in seen if "__xss" in s or s.startswith("dialog")], seen
    assert page.locator("#chart img, #chart script").count() == 0
    tooltip = page.inner_text("#chart")
    assert name in tooltip, tooltip
