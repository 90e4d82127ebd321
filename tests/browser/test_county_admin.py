import pytest

from xiangcun.accounts.services import DEMO_PASSWORD
from xiangcun.regions.models import Village

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_admin_sees_only_their_county_and_opens_a_village(live_server, page):
    from xiangcun.accounts.models import User

    county = User.objects.get(username="county")
    other = User.objects.get(username="county2")
    own_count = Village.objects.filter(county_id=county.region_code).count()

    # Given the home page with the county map drawn from local files
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-ready=true] path.leaflet-interactive")
    assert page.locator("#map path.leaflet-interactive").count() == 8

    # When the county admin logs in and opens the desk
    page.click("text=登录")
    page.fill("input[name=username]", "county")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.goto(live_server.url + "/manage/")

    # Then only that county's villages are listed
    assert f"共 {own_count:,} 个行政村" in page.inner_text("main")
    links = page.locator("table.villages tbody tr td:nth-child(1) a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert hrefs and all(h.startswith(f"/villages/{county.region_code}") for h in hrefs)
    other_village = Village.objects.filter(county_id=other.region_code).first()
    page.fill("input[name=q]", other_village.name)
    page.press("input[name=q]", "Enter")
    assert other_village.code not in page.inner_text("main")

    # And a village page opens with the cadre's phone in full (the admin governs it)
    page.goto(live_server.url + "/manage/")
    first = page.locator("table.villages tbody tr td:nth-child(1) a").first
    name = first.inner_text()
    first.click()
    page.wait_for_selector("h1")
    assert name in page.inner_text("h1")
    village = Village.objects.get(code=page.url.rstrip("/").split("/")[-1])
    assert village.county_id == county.region_code
    assert page.inner_text("dd.phone") == village.contact_phone
