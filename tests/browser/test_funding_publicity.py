"""The funding demo round's 公示 and its analysis on a 375 px phone and a 1366 px desktop: no horizontal
scrolling, the mode stated, one reason per application, the optimum shown to the city office."""

import pytest

from xiangcun.accounts.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_round():  # type: ignore[no-untyped-def]
    from xiangcun.agreements.demo import demo_build as agreements
    from xiangcun.funding.demo import demo_build as funding
    from xiangcun.funding.models import FundingRound

    funding(seed=7, rng=agreements(scale="city", seed=7).rng)
    return FundingRound.objects.get(is_demo=True)


def _phone(browser):  # type: ignore[no-untyped-def]
    return browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800}).new_page()


def test_the_publicity_fits_a_phone_and_says_why_for_each_application(live_server, browser, demo_round):
    page = _phone(browser)
    # given the demo round's 公示, opened on a phone by an anonymous visitor
    page.goto(f"{live_server.url}/funding/{demo_round.pk}/")
    # then nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # and it states the mode and gives one visible reason per application
    assert "遴选方式：按得分排序择优（预算内依次支持）" in page.inner_text("main")
    outcomes = page.locator("table.funding-table td.outcome").all_inner_texts()
    assert len(outcomes) == demo_round.applications.count()
    assert all(text.startswith(("第 ", "未获支持：")) for text in outcomes)
    assert sum("获支持" in text and not text.startswith("未") for text in outcomes) == (
        demo_round.applications.filter(selected=True).count()
    )
    # and every cell of the card lies inside the screen
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('table.funding-table td')]"
        ".map(td => td.getBoundingClientRect().right))"
    )
    assert right <= 375
    page.context.close()


def test_the_city_office_reads_the_analysis_on_a_phone_and_a_desktop(live_server, browser, demo_round):
    for width in (375, 1366):
        page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=username]", "city")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form.form button[type=submit]")
        page.goto(f"{live_server.url}/funding/{demo_round.pk}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.click("text=方案对照（仅工作人员）")
        page.wait_for_selector(".funding-verdict")
        assert "另一方案（总分最优）" in page.inner_text(".funding-verdict")
        assert page.locator(".funding-side").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.context.close()
