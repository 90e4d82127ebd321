"""Phones: every page of the site crawl (tests/crawl.py) fits a 375-px screen, for a visitor and for a
county official; the menu folds behind its toggle; 我要合作 takes a visitor through the log-in and back."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.crawl import START, crawl, full_demo_build
from xiangcun.accounts.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
# A sample of the crawl: at most this many pages of each URL pattern, and of all (keeps it ~1 minute).
PER_PATTERN = 2
PAGES_PER_ROLE = 80
FILES = (".xlsx", ".csv", ".pdf", ".zip", "/pdf/", "/xlsx/")  # downloads, not pages (and slow ones)
# Where each role's sample starts: an official's own work lists first, so that the sampled notice,
# pairing and agreement pages are ones they govern (with their workflow buttons and htmx fragments).
STARTS = {
    "anonymous": START,
    "county": ("/notices/mine/", "/matching/mine/", "/agreements/", "/resources/?mine=1", *START),
}


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def test_every_page_of_the_crawl_fits_a_phone_for_a_visitor_and_a_county_official(live_server, browser):
    # Given the whole city demo (every kind of page exists)
    full_demo_build()
    too_wide: list[str] = []
    started = time.perf_counter()
    for who in ("anonymous", "county"):
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        page = context.new_page()
        if who != "anonymous":
            _log_in(page, live_server.url, who)

        def fetch(url: str, page: Any = page, who: str = who) -> tuple[int, str, str]:
            if url.endswith(FILES):
                return 200, "application/octet-stream", ""  # a download, not a page
            try:
                response = page.goto(live_server.url + url, wait_until="load")
            except Exception as exc:  # a link to a file (xlsx, PDF) starts a download, not a page
                if "Download is starting" in str(exc):
                    return 200, "application/octet-stream", ""
                raise
            assert response is not None
            content_type = response.headers.get("content-type", "")
            if response.status != 200 or not content_type.startswith("text/html"):
                return response.status, content_type, ""
            if page.locator("[hx-trigger~=load]").count():
                page.wait_for_load_state("networkidle")  # a fragment that arrives after the page
            # When the page is shown on a 375-px phone
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{who} {url}: {width} px")
            return response.status, content_type, page.content()

        result = crawl(fetch, limit=PAGES_PER_ROLE, per_kind=PER_PATTERN, start=STARTS[who])
        context.close()
        assert len(result.html_pages) > 25, result.seen
        assert not result.failures, result.failures
        print(f"\n{who}: {len(result.html_pages)} pages at 375 px")
    print(f"phone crawl: {time.perf_counter() - started:.0f} s")

    # Then none scrolls sideways
    assert not too_wide, "\n".join(too_wide)


def test_the_phone_menu_folds_behind_its_toggle(live_server, browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    # Given the home page on a phone: the menu is folded, its toggle shown
    page.goto(live_server.url + "/")
    toggle = page.locator("[data-nav-toggle]")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".main-nav").is_visible()
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 80

    # When the toggle is pressed, the menu opens (and the page stays put: no #fragment navigation)
    toggle.click()
    assert page.locator(".main-nav").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.url == live_server.url + "/"
    page.locator(".main-nav a", has_text="招募令").click()
    page.wait_for_url("**/notices/")

    # And pressed again, it folds
    page.locator("[data-nav-toggle]").click()
    page.locator("[data-nav-toggle]").click()
    assert not page.locator(".main-nav").is_visible()

    # On a wide screen there is no toggle and the menu is always there
    page.set_viewport_size({"width": 1366, "height": 900})
    assert not page.locator("[data-nav-toggle]").is_visible()
    assert page.locator(".main-nav").is_visible()
    context.close()


def test_a_visitor_says_i_want_to_cooperate_logs_in_and_comes_back_to_the_notice(live_server, browser):
    from xiangcun.accounts.models import User
    from xiangcun.matching.models import Pairing
    from xiangcun.partners.tests.factories import partner_verified
    from xiangcun.recruitment.tests.factories import notice_published

    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    notice = notice_published(users)
    partner = partner_verified(users, username="zhang-partner")
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()

    # Given a visitor on a published notice, on a phone
    page.goto(f"{live_server.url}/notices/{notice.pk}/")
    # When they press 我要合作, they are offered the log-in and the registration
    page.locator("#cooperate summary", has_text="我要合作").click()
    assert page.locator("#cooperate a", has_text="注册成为合伙人").is_visible()
    page.locator("#cooperate a", has_text="登录").click()

    # And after logging in as a verified partner they are back on the notice
    page.fill("input[name=username]", "zhang-partner")
    page.fill("input[name=password]", "a-long-password-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**/notices/{notice.pk}/")

    # Where 我要合作 now expresses their interest and opens the pairing
    page.fill("#cooperate input[name=note]", "下周可以到村里看看")
    page.locator("#cooperate button", has_text="我要合作").click()
    page.wait_for_url("**/matching/pairings/*/")
    assert "已表达合作意向" in page.inner_text("main")
    pairing = Pairing.objects.get(notice=notice, partner=partner)
    assert page.url.endswith(f"/matching/pairings/{pairing.pk}/")

    # And back on the notice, the button leads to that pairing instead
    page.goto(f"{live_server.url}/notices/{notice.pk}/")
    assert page.locator("#cooperate a", has_text="查看我的对接").get_attribute("href") == (
        f"/matching/pairings/{pairing.pk}/"
    )
    context.close()
