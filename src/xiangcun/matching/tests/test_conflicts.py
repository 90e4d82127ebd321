"""One step at a time outside notices and agreements: a pairing, a partner's verification and a funding
round acted on from a page that is out of date get 409 (Chinese, with English), and nothing changes;
a funding round's 公示 starts on the server's date."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xiangcun.agreements.tests.factories import in_force
from xiangcun.core.inputs import parse
from xiangcun.core.tests.clock import server_date
from xiangcun.funding import services as funding
from xiangcun.funding.models import FundingRound, RoundStatus
from xiangcun.funding.schemas import FiguresIn, RoundIn
from xiangcun.matching import services
from xiangcun.matching.models import Pairing, PairingStatus
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.partners.tests.factories import partner_registered, partner_verified
from xiangcun.recruitment.tests.factories import notice_published

pytestmark = pytest.mark.django_db


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


def _round_with_an_application(users):  # type: ignore[no-untyped-def]
    weights = {k: "0.2" for k in ("investment", "profit_tax", "social_benefit", "farmer_income_increase",
                                  "collective_income_increase")}  # fmt: skip
    funding_round = funding.round_create(
        user=users["city"],
        new_round=parse(
            RoundIn,
            {"name": "冲突测试批次", "year": 2025, "budget": "1000000", "weights": weights,
             "opens_on": "2025-03-01", "closes_on": "2025-04-30"},
        ),
    )  # fmt: skip
    figures = {
        "requested": "100000",
        "investment": "1000000",
        "profit_tax": "100000",
        "social_benefit": "60",
        "farmer_income_increase": "50000",
        "collective_income_increase": "25000",
    }
    application = funding.application_submit(
        user=users["county"],
        funding_round=funding_round,
        agreement=in_force(users),
        figures=parse(FiguresIn, figures),
    )
    funding.application_verify(user=users["city"], application=application)
    return funding_round


def test_a_funding_round_is_published_on_the_servers_date_once(users, client_as):
    funding_round = _round_with_an_application(users)
    client = client_as("city")
    with server_date(dt.date(2026, 12, 1)):
        selected = _post(client, f"/api/v1/funding/rounds/{funding_round.pk}/select", {})
        assert selected.status_code == 200
        page = client.get(f"/funding/{funding_round.pk}/").content.decode()
        publish_form = page[page.index("/publish/") :].split("</form>")[0]
        assert (
            'name="start"' not in publish_form and 'name="expected_status" value="selected"' in publish_form
        )
        backdated = _post(
            client, f"/api/v1/funding/rounds/{funding_round.pk}/publish", {"start": "2026-01-05"}
        )
        assert backdated.status_code == 400 and backdated.json()["field"] == "start"
        published = _post(
            client, f"/api/v1/funding/rounds/{funding_round.pk}/publish", {"expected_status": "selected"}
        )
        assert published.status_code == 200
        assert published.json()["publicity_start"] == "2026-12-01"
        again = _post(
            client, f"/api/v1/funding/rounds/{funding_round.pk}/publish", {"expected_status": "selected"}
        )
    assert again.status_code == 409 and "当前状态：已公示" in again.json()["error"]
    stored = FundingRound.objects.get(pk=funding_round.pk)
    assert stored.status == RoundStatus.PUBLISHED and stored.publicity_end == dt.date(2026, 12, 7)
