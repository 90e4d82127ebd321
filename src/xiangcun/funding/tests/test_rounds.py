"""Funding rounds: applications from agreements in force, exact selection with reasons, 公示, xlsx."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xiangcun.agreements.tests.factories import draft, in_force
from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.core.inputs import parse
from xiangcun.core.tests.clock import server_date
from xiangcun.funding import services
from xiangcun.funding.models import RoundStatus
from xiangcun.funding.schemas import FiguresIn, RoundIn

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "investment": "0.2",
    "profit_tax": "0.2",
    "social_benefit": "0.2",
    "farmer_income_increase": "0.2",
    "collective_income_increase": "0.2",
}


def _round_in(budget="1000000"):
    return parse(
        RoundIn,
        {
            "name": "2025 年度乡村振兴合伙人项目扶持资金",
            "year": 2025,
            "budget": budget,
            "weights": WEIGHTS,
            "min_score": "10",
            "opens_on": "2025-03-01",
            "closes_on": "2025-04-30",
        },
    )


def _round(users, budget="1000000"):
    return services.round_create(user=users["city"], new_round=_round_in(budget))


def _figures(requested, investment, benefit):
    return parse(
        FiguresIn,
        {
            "requested": requested,
            "investment": investment,
            "profit_tax": Decimal(investment) / 10,
            "social_benefit": benefit,
            "farmer_income_increase": Decimal(investment) / 20,
            "collective_income_increase": Decimal(investment) / 40,
        },
    )


def test_only_the_city_creates_rounds(users):
    with pytest.raises(AccessDenied):
        services.round_create(user=users["county"], new_round=_round_in())


def test_weights_must_sum_to_one(users):
    with pytest.raises(ApplicationError) as exc:
        parse(
            RoundIn,
            {
                "name": "x",
                "budget": "1",
                "weights": {**WEIGHTS, "investment": "0.5"},
                "opens_on": "2025-01-01",
                "closes_on": "2025-02-01",
            },
        )
    assert exc.value.field == "weights"


def test_applications_need_an_agreement_in_force(users):
    funding_round = _round(users)
    with pytest.raises(ApplicationError) as exc:
        services.application_submit(
            user=users["county"],
            funding_round=funding_round,
            agreement=draft(users),
            figures=_figures("40", "40", "1"),  # whole fen: 40 / 40 = 1
        )
    assert exc.value.field == "agreement"


def test_exact_selection_beats_greedy_and_explains_every_exclusion(users):
    # given three verified applications where the top-ranked alone eats most of the budget
    funding_round = _round(users, budget="1000000")
    a = services.application_submit(
        user=users["county"],
        funding_round=funding_round,
        agreement=in_force(users),
        figures=_figures("700000", "3000000", "90"),
    )
    b = services.application_submit(
        user=users["county"],
        funding_round=funding_round,
        agreement=in_force(users),
        figures=_figures("500000", "2500000", "85"),
    )
    c = services.application_submit(
        user=users["county"],
        funding_round=funding_round,
        agreement=in_force(users),
        figures=_figures("500000", "2400000", "84"),
    )
    weak = services.application_submit(
        user=users["county"],
        funding_round=funding_round,
        agreement=in_force(users),
        figures=_figures("1", "100", "10"),
    )
    unverified = services.application_submit(
        user=users["county"],
        funding_round=funding_round,
        agreement=in_force(users),
        figures=_figures("1", "100", "10"),
    )
    for app in (a, b, c, weak):
        services.application_verify(user=users["city"], application=app)
    # when the city runs the selection
    result = services.round_select(user=users["city"], funding_round=funding_round)
    # then b and c together beat a alone, within budget; a is left out for budget, with a reason
    for app in (a, b, c, weak, unverified):
        app.refresh_from_db()
    assert (a.rank, a.selected) == (1, False)
    assert b.selected and c.selected
    assert "资金不足" in a.reason
    assert not weak.selected and "低于最低分" in weak.reason
    assert unverified.rank is None and "未经核实" in unverified.reason
    assert result.total_requested == Decimal("1000000.00")
    assert result.total_score >= result.greedy_score
    with server_date(dt.date(2025, 5, 6)):
        published = services.round_publish(user=users["city"], funding_round=result)
    assert published.status == RoundStatus.PUBLISHED and published.publicity_start == dt.date(2025, 5, 6)
    assert published.publicity_end is not None


def test_public_sees_published_round_and_exports_xlsx(users, client_as):
    funding_round = _round(users)
    app = services.application_submit(
        user=users["county"],
        funding_round=funding_round,
        agreement=in_force(users),
        figures=_figures("100", "1000", "50"),
    )
    services.application_verify(user=users["city"], application=app)
    assert client_as("public").get(f"/api/v1/funding/rounds/{funding_round.pk}").status_code == 403
    services.round_publish(
        user=users["city"],
        funding_round=services.round_select(user=users["city"], funding_round=funding_round),
    )
    client = client_as("public")
    assert client.get(f"/api/v1/funding/rounds/{funding_round.pk}/applications").json()[0]["selected"] is True
    response = client.get(f"/api/v1/funding/rounds/{funding_round.pk}/xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(f"/funding/{funding_round.pk}/").status_code == 200


def test_round_and_application_access(users):
    from xiangcun.funding import selectors

    funding_round = _round(users)
    # officials read every round; the public only published ones; only the city office manages
    assert selectors.round_get_for(users["county"], funding_round.pk) == funding_round
    with pytest.raises(AccessDenied):
        selectors.round_get_for(users["public"], funding_round.pk)
    with pytest.raises(AccessDenied):
        selectors.round_get_for(users["county"], funding_round.pk, write=True)
    assert selectors.round_get_for(users["city"], funding_round.pk, write=True) == funding_round
    app = services.application_submit(
        user=users["county"],
        funding_round=funding_round,
        agreement=in_force(users),
        figures=_figures("100", "1000", "50"),
    )
    # the applying county reads its application; another county does not; only the city verifies
    assert selectors.application_get_for(users["county"], app.pk) == app
    with pytest.raises(AccessDenied):
        selectors.application_get_for(users["county2"], app.pk)
    with pytest.raises(AccessDenied):
        selectors.application_get_for(users["county"], app.pk, write=True)
    assert selectors.application_get_for(users["city"], app.pk, write=True) == app


def test_a_county_cannot_apply_with_another_countys_agreement(users):
    funding_round = _round(users)
    with pytest.raises(AccessDenied):
        services.application_submit(
            user=users["county2"],
            funding_round=funding_round,
            agreement=in_force(users),
            figures=_figures("100", "1000", "50"),
        )


def test_round_form_shows_the_chinese_label(users, client_as):
    response = client_as("city").post(
        "/funding/",
        {
            "name": "表单批次",
            "year": "2025",
            "budget": "-1",
            "opens_on": "2025-03-01",
            "closes_on": "2025-04-30",
            **{f"w_{name}": "0.2" for name in WEIGHTS},
        },
    )
    assert response.status_code == 400
    assert "资金总额：不能小于 0" in response.content.decode()
