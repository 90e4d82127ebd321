"""The agreement drafting form in the browser (issue 12, item 2): each contribution shows only its kind's
labelled inputs, a resource picked from the village's ledger fills the row, the partner picker links the
party to a verified partner's account, the saved draft is linked, and the form fits 1,280 and 375 px."""

from __future__ import annotations

import pytest

from xiangcun.accounts.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("load")


def _shown(page, name: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.locator(f"[name={name}]").is_visible())


def test_a_cadre_drafts_by_hand_with_the_pickers(live_server, page, users):
    from xiangcun.agreements.models import Agreement, Contribution
    from xiangcun.partners.tests.factories import partner_verified
    from xiangcun.resources.tests.factories import resource_create

    company = partner_verified(users, "daoxiang", name="聊城稻香文旅有限公司", is_organisation=True)
    pond = resource_create(users, name="村东坑塘", kind="pond", area="30", unit="mu")

    # Given the cadre on the drafting form (their village chosen, its ledger in the resource picker)
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_server.url, "cadre")
    page.goto(f"{live_server.url}/agreements/new/")
    assert page.evaluate(WIDTH)[0] <= 1280

    # Land shows its four inputs, not the building's; choosing 房屋 swaps them
    assert _shown(page, "row0_area_mu") and _shown(page, "row0_discount_rate")
    assert not _shown(page, "row0_area_m2") and not _shown(page, "row0_amount")
    page.select_option("[name=row0_kind]", "house")
    assert _shown(page, "row0_rebuild_cost_per_m2") and not _shown(page, "row0_area_mu")
    assert not page.locator("#row0 [data-shown-when$=partner]").is_visible()  # a collective has no account

    # Picking the pond from the ledger makes the row a land contribution with its area
    page.select_option("[name=row0_resource]", str(pond.pk))
    assert (
        page.input_value("[name=row0_kind]") == "land" and page.input_value("[name=row0_area_mu]") == "30.00"
    )
    assert page.input_value("[name=row0_name]") == "村东坑塘"
    page.fill("[name=row0_annual_rent_per_mu]", "800")
    page.fill("[name=row0_years]", "10")

    # The partner row finds the company by part of its name and links it, its name filled in
    page.locator("#row1 input[type=search]").press_sequentially("稻香", delay=30)
    page.click("#row1-partner-options button.pick")
    assert page.input_value("[name=row1_party]") == company.name
    assert page.input_value("[name=row1_partner]") == str(company.pk)
    assert "已关联合伙人账号：聊城稻香文旅有限公司" in page.inner_text("#row1-partner-chosen")
    page.fill("[name=row1_amount]", "600000")
    page.fill("[name=title]", "浏览器起草的项目")
    page.fill("[name=term_start]", "2026-01-01")
    page.fill("[name=term_end]", "2035-12-31")
    page.click("text=保存草稿（计算股份）")
    page.wait_for_url("**/agreements/*/")

    agreement = Agreement.objects.get(title="浏览器起草的项目")
    assert agreement.parties.get(role="partner").partner_id == company.pk
    assert Contribution.objects.get(party__agreement=agreement, kind="land").resource_id == pond.pk

    # And on a phone the form stacks without scrolling sideways
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/agreements/new/")
    assert page.evaluate(WIDTH)[0] <= 375
