"""An irreversible step asks first (site.js reads data-confirm; no inline script): cancelling posts
nothing, confirming takes the step and the next page says what happened and what comes next."""

import pytest

from xiangcun.accounts.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_entering_publicity_asks_first_and_then_says_until_when(live_server, page):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import User
    from xiangcun.agreements import services
    from xiangcun.agreements.models import Agreement
    from xiangcun.agreements.tests.factories import draft, step

    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    agreement = services.agreement_transition(
        user=users["county"],
        agreement=draft(users),
        step=step(
            "approved",
            assembly_date="2024-01-05",
            assembly_attendees=30,
            assembly_present=25,
            assembly_votes_for=22,
        ),
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "county")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.goto(f"{live_server.url}/agreements/{agreement.pk}/")
    questions: list[str] = []

    # When the official presses 进入公示 and cancels the question
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("button[data-action=publicize]")
    page.wait_for_timeout(300)
    # then it was asked, and nothing was posted
    assert questions and questions[0].startswith("确认进入公示？")
    assert Agreement.objects.get(pk=agreement.pk).status == "approved"

    # When they press it again and confirm
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("button[data-action=publicize]")
    # then the agreement is in 公示 and the page says until when, and what comes next
    assert Agreement.objects.get(pk=agreement.pk).status == "publicized"
    message = page.inner_text(".messages")
    assert message.startswith("已进入公示，公示期至 ") and "期满且无异议后可确认签署" in message
    assert page.locator("button[data-action=publicize]").count() == 0
