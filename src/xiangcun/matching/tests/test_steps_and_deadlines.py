"""Matching and partners: a pairing step or a partner's verification taken from a page that is out of
date is a 409 (Chinese, with English) and changes nothing; nobody expresses interest in, or is invited
on, a notice past its deadline."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xiangcun.core.errors import ApplicationError
from xiangcun.core.tests.clock import server_date
from xiangcun.matching import services
from xiangcun.matching.models import Pairing, PairingStatus
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.partners.tests.factories import partner_registered, partner_verified
from xiangcun.recruitment.tests.factories import notice_published

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def _post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_pairing_step_from_an_outdated_page_is_409(users, client_as):
    notice = notice_published(users)
    partner = partner_verified(users)
    pairing = services.pairing_express_interest(user=partner.user, notice=notice)
    services.pairing_transition(user=users["county"], pairing=pairing, to_status="negotiating")
    # the county official's page still shows 意向
    response = _post(
        client_as("county"),
        f"/api/v1/pairings/{pairing.pk}/transition",
        {"to_status": "negotiating", "expected_status": "intent"},
    )
    assert response.status_code == 409
    assert response.json()["error"] == "该对接已被其他人处理（当前阶段：洽谈），请刷新后重试"
    page = client_as("county").get(f"/matching/pairings/{pairing.pk}/").content.decode()
    assert 'name="expected_status" value="negotiating"' in page
    assert Pairing.objects.get(pk=pairing.pk).status == PairingStatus.NEGOTIATING
    assert pairing.events.filter(to_status="negotiating").count() == 1


def test_a_verification_decided_meanwhile_is_409(users, client_as):
    partner = partner_registered()
    client = client_as("city")
    first = _post(
        client, f"/api/v1/partners/{partner.pk}/verify", {"verified": True, "expected_status": "pending"}
    )
    assert first.status_code == 200
    second = _post(
        client,
        f"/api/v1/partners/{partner.pk}/verify",
        {"verified": False, "reason": "资料不全", "expected_status": "pending"},
    )
    assert second.status_code == 409 and "已被其他人审核（当前状态：已认证）" in second.json()["error"]
    assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.VERIFIED


# --------------------------------------------------------------------------------------------------
# No interest, no invitation after the deadline
# --------------------------------------------------------------------------------------------------
def test_no_interest_and_no_invitation_on_an_expired_notice(users):
    with server_date(TODAY):
        notice = notice_published(users, deadline="2026-12-05")
    partner = partner_verified(users)
    with server_date(dt.date(2026, 12, 6)):
        with pytest.raises(ApplicationError) as exc:
            services.pairing_express_interest(user=partner.user, notice=notice)
        assert exc.value.field == "notice" and "已于 2026-12-05 截止" in exc.value.message
        run = services.pairing_run_create(user=users["county"], county_code=users["county"].region_code)
        assert str(notice.pk) not in {p["notice"] for p in run.proposal["pairs"]}
    with server_date(dt.date(2026, 12, 5)):  # the deadline day itself is still open
        assert services.pairing_express_interest(user=partner.user, notice=notice).notice_id == notice.pk
