"""Funding rounds: applications from agreements in force, selection in the round's mode with one
reason per application, the other mode as the officials' analysis, 公示, xlsx."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.test import Client

from xiangcun.agreements.tests.factories import draft, in_force
from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.core.inputs import parse
from xiangcun.core.models import AuditEntry
from xiangcun.core.tests.clock import server_date
from xiangcun.funding import services
from xiangcun.funding.models import FundingApplication, FundingRound, RoundStatus, SelectionMode
from xiangcun.funding.schemas import FiguresIn, RoundIn

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "investment": "0.2",
    "profit_tax": "0.2",
    "social_benefit": "0.2",
    "farmer_income_increase": "0.2",
    "collective_income_increase": "0.2",
}


def _round_in(budget="1000000", **extra):
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
            **extra,
        },
    )


def _round(users, budget="1000000", **extra):
    return services.round_create(user=users["city"], new_round=_round_in(budget, **extra))


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
    # given a round selecting by the optimum, and three verified applications where the top-ranked
    # alone eats most of the budget
    funding_round = _round(users, budget="1000000", mode="max_total_score")
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
    assert a.reason == "未获支持：申请 70 万元，超出剩余资金 0 万元（按总分最优组合遴选）"
    assert not weak.selected and "低于最低分 10" in weak.reason
    assert unverified.rank is None and "未经核实" in unverified.reason
    assert result.total_requested == Decimal("1000000.00")
    # and rank order, the other mode, is stored beside it: it funds a alone
    assert result.other_total_score < result.total_score
    assert (a.other_selected, b.other_selected, c.other_selected) == (True, False, False)
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


def test_round_form_reads_numbers_as_typed_and_keeps_them_when_refused(users, client_as):
    from xiangcun.funding.models import FundingRound

    form = {"name": "分组批次", "year": "2025", "budget": "5,000,000", "min_score": "12,5",
            "opens_on": "2025-03-01", "closes_on": "2025-04-30", **{f"w_{name}": "0.2" for name in WEIGHTS}}  # fmt: skip
    client = client_as("city")
    refused = client.post("/funding/", form)
    html = refused.content.decode()
    # "12,5" is not 125: refused naming the field, and what was typed stays in the form
    assert refused.status_code == 400 and "最低分：数字分组须每三位一个逗号，如 1,250" in html
    assert 'value="5,000,000"' in html and 'value="12,5"' in html and 'value="分组批次"' in html
    assert not FundingRound.objects.filter(name="分组批次").exists()
    # a misplaced comma in a weight too ("0,2" is not 2)
    weights = client.post("/funding/", {**form, "min_score": "", "w_investment": "0,2"})
    assert weights.status_code == 400 and "数字分组须每三位一个逗号" in weights.content.decode()
    assert client.post("/funding/", {**form, "min_score": "12.5"}).status_code == 302
    created = FundingRound.objects.get(name="分组批次")
    assert created.budget == 5_000_000 and created.min_score == Decimal("12.5")


# --- selection modes ----------------------------------------------------------------------------


def _four_applications(users, funding_round):
    """A 150 万 top project, two good ones of 100 and 80 万 that no longer fit after it, a cheap last one."""
    rows = []
    for requested, investment, benefit in (
        ("1500000", "4000000", "90"),
        ("1000000", "3600000", "88"),
        ("800000", "3400000", "85"),
        ("200000", "1000000", "60"),
    ):
        application = services.application_submit(
            user=users["county"],
            funding_round=funding_round,
            agreement=in_force(users),
            figures=_figures(requested, investment, benefit),
        )
        services.application_verify(user=users["city"], application=application)
        rows.append(application)
    return rows


def _selected(users, **extra):
    funding_round = _round(users, budget="2000000", min_score="", **extra)
    rows = _four_applications(users, funding_round)
    funding_round = services.round_select(user=users["city"], funding_round=funding_round)
    for row in rows:
        row.refresh_from_db()
    return funding_round, rows


def test_a_new_round_selects_in_rank_order_skipping_what_no_longer_fits(users):
    # given a round created without a mode, and four verified applications
    funding_round, (a, b, c, d) = _selected(users)
    # then it walked the ranking: A funded, B and C skipped with the amounts, D funded after them
    assert funding_round.mode == SelectionMode.RANK_ORDER
    assert [x.rank for x in (a, b, c, d)] == [1, 2, 3, 4]
    assert [x.selected for x in (a, b, c, d)] == [True, False, False, True]
    assert a.reason == "第 1 名，得分 100.0，获支持 150 万元"
    assert b.reason == "未获支持：申请 100 万元，超出剩余资金 50 万元"
    assert c.reason == "未获支持：申请 80 万元，超出剩余资金 50 万元"
    assert d.reason == "第 4 名，得分 0.0，获支持 20 万元"
    assert funding_round.total_requested == Decimal("1700000.00")
    # and the optimum, stored beside it, funds B, C and D instead
    assert [x.other_selected for x in (a, b, c, d)] == [False, True, True, True]
    assert funding_round.other_total_requested == Decimal("2000000.00")
    assert funding_round.other_total_score - funding_round.total_score == Decimal("68.6667")
    # and the audit log records both
    entry = AuditEntry.objects.filter(action="funding_round.select").order_by("-pk").first()
    assert entry.data["mode"] == "rank_order" and entry.data["other_mode"] == "max_total_score"


def test_a_round_created_for_the_optimum_keeps_it(users):
    funding_round, (a, b, c, d) = _selected(users, mode="max_total_score")
    assert funding_round.mode == SelectionMode.MAX_TOTAL_SCORE
    assert [x.selected for x in (a, b, c, d)] == [False, True, True, True]
    assert a.reason == "未获支持：申请 150 万元，超出剩余资金 0 万元（按总分最优组合遴选）"
    assert [x.other_selected for x in (a, b, c, d)] == [True, False, False, True]


def test_the_mode_is_chosen_in_the_form_and_the_api(users, client_as):
    client = client_as("city")
    form = {
        "name": "表单批次",
        "year": "2025",
        "budget": "1000000",
        "opens_on": "2025-03-01",
        "closes_on": "2025-04-30",
        **{f"w_{name}": "0.2" for name in WEIGHTS},
    }
    assert client.post("/funding/", {**form, "mode": "max_total_score"}).status_code == 302
    assert FundingRound.objects.get(name="表单批次").mode == SelectionMode.MAX_TOTAL_SCORE
    body = {**_round_body(), "name": "接口批次"}
    created = client.post("/api/v1/funding/rounds", body, content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["mode"], created.json()["mode_label"]) == (
        "rank_order",
        "按得分排序择优（预算内依次支持）",
    )
    refused = client.post(
        "/api/v1/funding/rounds", {**body, "mode": "greedy"}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "mode"


def _round_body():
    return {
        "name": "x",
        "year": 2025,
        "budget": "1000000",
        "weights": WEIGHTS,
        "opens_on": "2025-03-01",
        "closes_on": "2025-04-30",
    }


OUTCOME = re.compile(r'<td class="outcome"[^>]*>(.*?)</td>', re.S)
TAGS = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", TAGS.sub("", html))


def test_the_publicity_page_states_the_mode_and_gives_one_reason_per_application(users, client_as):
    # given the rank-order round, published
    funding_round, _rows = _selected(users)
    with server_date(dt.date(2025, 5, 12)):
        services.round_publish(user=users["city"], funding_round=funding_round)
    # when anyone opens its 公示
    page = client_as("public").get(f"/funding/{funding_round.pk}/").content.decode()
    # then it says how it selected, in 万元
    assert "遴选方式：按得分排序择优（预算内依次支持）" in _text(page)
    assert "200" in _text(page) and "资金总额（万元）" in page
    # and each application has one outcome cell with one reason: "获支持" once for the funded
    outcomes = [_text(cell).strip() for cell in OUTCOME.findall(page)]
    assert outcomes == [
        "第 1 名，得分 100.0，获支持 150 万元",
        "未获支持：申请 100 万元，超出剩余资金 50 万元",
        "未获支持：申请 80 万元，超出剩余资金 50 万元",
        "第 4 名，得分 0.0，获支持 20 万元",
    ]
    assert "入选" not in page
    # and scores have one decimal, no more
    assert "88.0" in page and "88.0000" not in page
    # and the analysis is not offered to the public
    assert f"/funding/{funding_round.pk}/analysis/" not in page


def test_the_analysis_shows_the_optimum_to_officials_and_is_refused_to_everyone_else(users, client_as):
    funding_round, (a, b, c, d) = _selected(users)
    with server_date(dt.date(2025, 5, 12)):
        services.round_publish(user=users["city"], funding_round=funding_round)
    url = f"/funding/{funding_round.pk}/analysis/"
    # the city office (and the other officials) read it, linked from the round page
    assert url in client_as("city").get(f"/funding/{funding_round.pk}/").content.decode()
    page = _text(client_as("city").get(url).content.decode())
    assert "另一方案（总分最优）可多支持 1 个项目，总分高 68.7 分。" in page
    assert "支持 2 个项目，合计 170 万元，结余 30 万元，总分 100.0" in page
    assert "支持 3 个项目，合计 200 万元，结余 0 万元，总分 168.7" in page
    assert client_as("county").get(url).status_code == 200
    # the public, partners and anonymous visitors do not, even once published
    assert client_as("public").get(url).status_code == 403
    assert client_as("partner").get(url).status_code == 403
    anonymous = Client()
    assert anonymous.get(url).status_code in (302, 401, 403)
    # the API says the same
    api = f"/api/v1/funding/rounds/{funding_round.pk}/analysis"
    data = client_as("city").get(api).json()
    assert data["shown"]["funded"] == [a.pk, d.pk]
    assert data["other"]["funded"] == [b.pk, c.pk, d.pk]
    assert (data["more_projects"], data["score_gain"]) == (1, "68.6667")
    assert client_as("public").get(api).status_code == 403
    assert anonymous.get(api).status_code == 401


def test_the_analysis_of_a_round_not_yet_selected_says_so(users, client_as):
    funding_round = _round(users)
    response = client_as("city").get(f"/funding/{funding_round.pk}/analysis/")
    assert response.status_code == 200 and "尚未遴选" in response.content.decode()
    api = client_as("city").get(f"/api/v1/funding/rounds/{funding_round.pk}/analysis")
    assert api.status_code == 400 and api.json()["field"] == "status"


def test_rounds_stored_before_modes_get_the_rank_order_beside_their_optimum(users):
    # given a round selected by the optimum before modes existed: no rank-order result stored
    funding_round, _rows = _selected(users, mode="max_total_score")
    FundingApplication.objects.filter(round=funding_round).update(other_selected=None)
    FundingRound.objects.filter(pk=funding_round.pk).update(other_total_requested=None)
    # when the data migration fills it in
    migration = importlib.import_module(
        "xiangcun.funding.migrations.0003_existing_rounds_rank_order_analysis"
    )
    migration.fill(django_apps, None)
    # then it is what rank order selects, and the round's own selection is untouched
    funding_round.refresh_from_db()
    flags = list(
        FundingApplication.objects.filter(round=funding_round)
        .order_by("rank")
        .values_list("selected", "other_selected")
    )
    assert flags == [(False, True), (True, False), (True, False), (True, True)]
    assert funding_round.mode == SelectionMode.MAX_TOTAL_SCORE
    assert funding_round.other_total_requested == Decimal("1700000.00")


def test_a_score_under_the_minimum_is_never_shown_equal_to_it():
    from xiangcun.funding.selection import LeftOut, Mode

    out = LeftOut("1", "min_score", "")
    reason = services._reason_zh(Mode.RANK_ORDER, 5, Decimal("19.9600"), Decimal(1), out, Decimal("20.0000"))
    assert reason == "未获支持：得分 19.9600，低于最低分 20"
    reason = services._reason_zh(Mode.RANK_ORDER, 5, Decimal("18.2400"), Decimal(1), out, Decimal("20.0000"))
    assert reason == "未获支持：得分 18.2，低于最低分 20"


def test_amounts_that_read_the_same_in_wan_are_given_in_yuan():
    from xiangcun.funding.selection import LeftOut, Mode

    out = LeftOut("1", "budget", "", budget_left=Decimal("123450.00"))
    reason = services._reason_zh(Mode.RANK_ORDER, 2, Decimal("50"), Decimal("123456.00"), out, None)
    assert reason == "未获支持：申请 123,456.00 元，超出剩余资金 123,450.00 元"
