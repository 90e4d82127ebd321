"""我要合作 on a notice's page, for every reader: a verified partner expresses interest (and then finds the
pairing), a visitor logs in or registers and comes back to the notice (an off-site ``next`` is refused),
anyone else is told why not."""

from __future__ import annotations

import re

import pytest

from xiangcun.accounts.services import DEMO_PASSWORD
from xiangcun.matching.models import Pairing
from xiangcun.partners.models import Partner
from xiangcun.partners.tests.factories import partner_registered, partner_verified
from xiangcun.recruitment.tests.factories import notice_draft, notice_published

PASSWORD = "a-long-password-1"  # the partner factories' password


def _cooperate(html: str) -> str:
    match = re.search(r'<section class="cooperate".*?</section>', html, re.S)
    assert match, "no 我要合作 on the page"
    return match.group(0)


@pytest.fixture
def notice(users):  # type: ignore[no-untyped-def]
    return notice_published(users)


def test_a_visitor_is_offered_the_log_in_and_the_registration_both_coming_back(client, notice):
    box = _cooperate(client.get(f"/notices/{notice.pk}/").content.decode())
    assert "我要合作" in box and 'data-state="anonymous"' in box
    assert f'href="/accounts/login/?next=/notices/{notice.pk}/"' in box
    assert f'href="/partners/register/?next=/notices/{notice.pk}/"' in box


def test_log_in_from_the_notice_comes_back_to_it_and_the_partner_can_cooperate(client, users, notice):
    partner = partner_verified(users, "zhangsan")
    back = f"/notices/{notice.pk}/"

    # The log-in page keeps the way back, also for the registration it offers
    login_page = client.get("/accounts/login/", {"next": back}).content.decode()
    assert f'name="next" value="{back}"' in login_page
    assert f'href="/partners/register/?next={back}"' in login_page

    # When the partner logs in from there, they are back on the notice
    response = client.post(f"/accounts/login/?next={back}", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == back

    # Where 我要合作 is the express-interest form of the matching app
    box = _cooperate(client.get(back).content.decode())
    assert f'action="/matching/interest/{notice.pk}/"' in box and 'name="note"' in box

    # And using it opens a pairing; the notice then leads to that pairing
    response = client.post(f"/matching/interest/{notice.pk}/", {"note": "想去村里看看"})
    pairing = Pairing.objects.get(notice=notice, partner=partner)
    assert response.status_code == 302 and response["Location"] == f"/matching/pairings/{pairing.pk}/"
    box = _cooperate(client.get(back).content.decode())
    assert f'href="/matching/pairings/{pairing.pk}/"' in box and "意向" in box and "<form" not in box


def test_registering_from_the_notice_comes_back_to_it_awaiting_verification(client, notice):
    back = f"/notices/{notice.pk}/"
    form = client.get("/partners/register/", {"next": back}).content.decode()
    assert f'name="next" value="{back}"' in form
    data = {"username": "wangwu", "password": PASSWORD, "name": "王五", "kind": "technician", "privacy_consent": "on",
            "phone": "13900003333", "next": back}  # fmt: skip

    response = client.post(f"/partners/register/?next={back}", data)

    assert response.status_code == 302 and response["Location"] == back
    partner = Partner.objects.get(user__username="wangwu")
    box = _cooperate(client.get(back).content.decode())
    assert 'data-state="pending"' in box and "等待市合伙人办公室认证" in box
    assert f'href="/partners/{partner.pk}/"' in box and "/matching/interest/" not in box


@pytest.mark.parametrize(
    "target", ["https://evil.example/notices/1/", "//evil.example/", "javascript:alert(1)"]
)
def test_an_off_site_next_is_refused_on_log_in_and_registration(client, users, target):
    partner_verified(users, "zhangsan")
    response = client.post(f"/accounts/login/?next={target}", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    client.logout()
    login_page = client.get("/accounts/login/", {"next": target}).content.decode()
    form = re.search(r'<form method="post" class="form".*?</form>', login_page, re.S).group(0)
    assert 'name="next" value=""' in form and "/partners/register/?next" not in login_page

    data = {"username": "zhaoliu", "password": PASSWORD, "name": "赵六", "kind": "technician", "privacy_consent": "on",
            "phone": "13900004444", "next": target}  # fmt: skip
    response = client.post(f"/partners/register/?next={target}", data)
    partner = Partner.objects.get(user__username="zhaoliu")
    assert response.status_code == 302 and response["Location"] == f"/partners/{partner.pk}/"


def test_an_official_and_a_signed_in_non_partner_are_told_why_not(client_as, notice):
    box = _cooperate(client_as("county").get(f"/notices/{notice.pk}/").content.decode())
    assert 'data-state="official"' in box and "管理员和村干部账号不能表达意向" in box
    assert "/matching/interest/" not in box

    box = _cooperate(client_as("public").get(f"/notices/{notice.pk}/").content.decode())
    assert 'data-state="not_partner"' in box and "不是合伙人账号" in box
    assert f'href="/partners/register/?next=/notices/{notice.pk}/"' in box


def test_a_partner_refused_verification_is_sent_to_their_profile(client, users, notice):
    partner = partner_registered("lisi")
    from xiangcun.partners import services

    services.partner_verify(user=users["city"], partner=partner, verified=False, reason="资料不全")
    client.force_login(partner.user)
    box = _cooperate(client.get(f"/notices/{notice.pk}/").content.decode())
    assert 'data-state="refused"' in box and f'href="/partners/{partner.pk}/edit/"' in box


def test_a_notice_not_published_has_no_i_want_to_cooperate(client_as, users):
    draft = notice_draft(users)
    html = client_as("cadre").get(f"/notices/{draft.pk}/").content.decode()
    assert 'class="cooperate"' not in html


def test_the_log_in_still_works_with_the_demo_password_and_no_next(client, users):
    response = client.post("/accounts/login/", {"username": "county", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
