"""Public pages that lead somewhere: a village's page lists its published notices, its resources and its
public agreements, each linking to its own page; a county's page lists its notices, paged, with the way to
the filtered notice list; coordinates read 经度, 纬度 everywhere."""

from __future__ import annotations

import re

from xiangcun.agreements.tests.factories import draft, first_village, in_force
from xiangcun.recruitment.tests.factories import notice_draft, notice_published
from xiangcun.regions.models import Village
from xiangcun.resources.tests.factories import cadre_village, resource_create


def _section(html: str, anchor: str) -> str:
    """The HTML of the page section ``<section … id="anchor">``."""
    match = re.search(rf'<section class="page-section" id="{anchor}".*?</section>', html, re.S)
    assert match, f"no section #{anchor}"
    return match.group(0)


def test_a_village_page_lists_its_published_notices_not_its_drafts(client, users):
    # Given a published notice of the cadre's village, a draft, and a joint notice naming it second
    village = cadre_village(users)
    published = notice_published(users, title="黄家庄村采摘园招募合伙人")
    hidden = notice_draft(users, title="尚未提交的草稿招募令")
    neighbour = Village.objects.filter(town_id=village.town_id).exclude(code=village.code).first()
    joint = notice_published(
        users, author="town", title="两村联合研学基地招募令", village_codes=[neighbour.code, village.code]
    )

    # When anyone opens the village's page
    html = client.get(f"/villages/{village.code}/").content.decode()

    # Then the published ones are listed, each a link to its page, and the draft is not
    notices = _section(html, "notices")
    assert f'href="/notices/{published.pk}/"' in notices and published.title in notices
    assert f'href="/notices/{joint.pk}/"' in notices
    assert hidden.title not in html
    assert "共 2 条" in notices


def test_a_village_without_notices_or_resources_says_so(client, users):
    village = Village.objects.filter(county_id="371526").order_by("code").first()
    html = client.get(f"/villages/{village.code}/").content.decode()
    assert "本村暂无已发布的招募令" in _section(html, "notices")
    assert "本村尚未登记资源" in _section(html, "resources")
    assert "本村暂无公示中或已签署的协议" in _section(html, "agreements")


def test_a_village_page_lists_its_resources_with_their_public_fields(client, users):
    # Given a household's resource in the cadre's village
    resource = resource_create(
        users, name="黄家庄村闲置农房", kind="idle_homestead", owner_type="household", owner_name="王建国"
    )

    # When a visitor opens the village's page
    html = client.get(f"/villages/{resource.village_id}/").content.decode()

    # Then it is listed with its kind, area and status, linking to its page; the owner is not on the list
    resources = _section(html, "resources")
    assert f'href="/resources/{resource.pk}/"' in resources and "黄家庄村闲置农房" in resources
    assert "1,200 平方米" in resources and "可招商" in resources
    assert "王建国" not in resources and "王*" not in resources


def test_a_village_page_lists_its_signed_agreements_with_their_public_fields_not_drafts(client, users):
    # Given an agreement in force and a draft in the same village
    signed = in_force(users)
    hidden = draft(users, title="尚在起草的协议")
    assert signed.village_id == hidden.village_id == first_village()

    # When a visitor opens the village's page
    html = client.get(f"/villages/{signed.village_id}/").content.decode()

    # Then the agreement in force shows what its public page shows: project, code, partner, term
    agreements = _section(html, "agreements")
    assert f'href="/agreements/{signed.pk}/"' in agreements
    for text in ("稻香小院农家乐", signed.code, "聊城稻香文旅有限公司", "2024-01-01 — 2033-12-31", "履行中"):
        assert text in agreements
    assert "村股份经济合作社" not in agreements  # the collective is not "the partner"
    assert hidden.title not in html and hidden.code not in html
    # And its link opens for the visitor
    assert client.get(f"/agreements/{signed.pk}/").status_code == 200


def test_a_county_page_lists_its_notices_paged_with_a_link_to_the_filtered_list(client, users):
    # Given twelve published notices in 东昌府区 (more than a page of ten)
    titles = [f"东昌府区第{i:02d}号招募令" for i in range(12)]
    for title in titles:
        notice_published(users, title=title)
    county = users["county"].region_code

    # When a visitor opens the county's page, then its second page
    first = _section(client.get(f"/regions/{county}/").content.decode(), "notices")
    second = _section(client.get(f"/regions/{county}/", {"page": 2}).content.decode(), "notices")

    # Then the notices are split over the two pages, newest first, each linking to its page
    assert "共 12 条" in first and "第 1 / 2 页" in first and 'href="?page=2"' in first
    on_first = [t for t in titles if t in first]
    on_second = [t for t in titles if t in second]
    assert len(on_first) == 10 and len(on_second) == 2 and not set(on_first) & set(on_second)
    assert titles[-1] in first
    # And the filters are one link away: the notice list, filtered to the county
    assert f'href="/notices/?county={county}"' in first
    assert titles[0] in client.get("/notices/", {"county": county, "q": titles[0]}).content.decode()


def test_a_town_page_lists_the_notices_of_its_villages_only(client, users):
    village = cadre_village(users)
    notice = notice_published(users, title="本乡镇的招募令")
    other_town = Village.objects.filter(county_id=village.county_id).exclude(town_id=village.town_id).first()
    html = client.get(f"/regions/{village.town_id}/").content.decode()
    assert f'href="/notices/{notice.pk}/"' in _section(html, "notices")
    other = client.get(f"/regions/{other_town.town_id}/").content.decode()
    assert notice.title not in other
    # The city's page has no notice section (the home page and the notice list are the city's)
    assert 'id="notices"' not in client.get("/regions/371500/").content.decode()


def test_coordinates_read_longitude_then_latitude_on_village_and_resource_pages(client, users):
    resource = resource_create(users, lng="115.9812", lat="36.4523")
    village = resource.village
    village_html = client.get(f"/villages/{village.code}/").content.decode()
    resource_html = client.get(f"/resources/{resource.pk}/").content.decode()
    assert f"经度 {village.lng:.6f}</span>，<span>纬度 {village.lat:.6f}" in village_html
    assert "经度 115.981200</span>，<span>纬度 36.452300" in resource_html


def test_the_apps_above_regions_and_recruitment_fill_their_pages():
    from xiangcun.recruitment.sections import NOTICE_PAGE
    from xiangcun.regions.sections import REGION_PAGE, VILLAGE_PAGE

    assert VILLAGE_PAGE.names() == ["recruitment.notices", "resources.resources", "agreements.agreements"]
    assert REGION_PAGE.names() == ["recruitment.notices"]
    assert NOTICE_PAGE.names() == ["matching.cooperate"]
