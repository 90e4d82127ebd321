"""A funding round's 公示 starts on the server's date (a date sent is refused, the page has none), and a
step taken on a round that moved on meanwhile is a 409."""

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

pytestmark = pytest.mark.django_db


def _post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


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
