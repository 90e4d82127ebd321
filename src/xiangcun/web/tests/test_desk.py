"""The desk (工作台): each role's to-dos, counted within its region from data made through the services,
each linking to the page where it is done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xiangcun.accounts.services import user_create
from xiangcun.agreements import services as agreements
from xiangcun.agreements.schemas import GuaranteePaidIn, ObjectionIn
from xiangcun.agreements.tests.factories import agreement_data, draft, in_force, step
from xiangcun.core.inputs import parse
from xiangcun.core.tests.clock import server_date
from xiangcun.matching import services as matching
from xiangcun.partners import services as partners
from xiangcun.partners.tests.factories import partner_registered, partner_verified
from xiangcun.recruitment import services as recruitment
from xiangcun.recruitment.tests.factories import notice_draft, notice_published
from xiangcun.web.selectors import desk_todos

pytestmark = pytest.mark.django_db


def counts(user: Any, **kw: Any) -> dict[str, int]:
    return {t.kind: t.count for t in desk_todos(user, **kw)}


@pytest.fixture
def other_town(users: dict[str, Any]) -> Any:
    """A town official of another town of 东昌府区 (the demo ``town`` governs 三庄街道 only)."""
    from xiangcun.regions.models import Region

    code = (
        Region.objects.filter(parent_id=users["county"].region_code)
        .exclude(code=users["town"].region_code)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return user_create(username="town_b", password="a-long-password-1", role="town_admin", region_code=code)


def test_a_submitted_notice_waits_for_its_own_town_only(users, other_town, client_as):
    notice = notice_draft(users, title="孙村葫芦种植基地招募")
    assert counts(users["town"])["notice.approve"] == 0
    recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
    assert counts(users["town"])["notice.approve"] == 1
    assert counts(other_town)["notice.approve"] == 0
    assert "notice.approve" not in counts(users["county"])  # the county does not approve

    html = client_as("town").get("/manage/").content.decode()
    assert "待审核招募令" in html and "孙村葫芦种植基地招募" in html
    assert f'href="/notices/{notice.pk}/"' in html and 'href="/notices/mine/?status=submitted"' in html
    # The list it leads to is titled with the town's name, not its code.
    from xiangcun.regions.models import Region

    town = Region.objects.select_related("parent").get(code=users["town"].region_code)
    mine = client_as("town").get("/notices/mine/?status=submitted").content.decode()
    assert f"<h1>{town.parent.name}{town.name} · 待审核招募令</h1>" in mine and town.code not in mine

    recruitment.notice_transition(user=users["town"], notice=notice, action="approve")
    assert counts(users["town"])["notice.approve"] == 0
    assert counts(users["county"])["notice.publish.county"] == 1
    assert counts(users["county2"])["notice.publish.county"] == 0


def test_a_returned_notice_goes_back_to_its_drafter(users):
    notice = notice_draft(users)
    recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
    recruitment.notice_transition(user=users["town"], notice=notice, action="reject", reason="资源面积不清")
    todo = next(t for t in desk_todos(users["cadre"]) if t.kind == "notice.returned")
    assert todo.count == 1 and todo.items[0].note == "资源面积不清"
    assert counts(users["town"])["notice.returned"] == 0  # returned by the town, drafted by the cadre


def test_a_verified_partner_leaves_the_citys_queue(users, client_as):
    before = counts(users["city"])["partner.verify"]
    partner = partner_registered("wangwu", name="王五")
    assert counts(users["city"])["partner.verify"] == before + 1
    assert "partner.verify" not in counts(users["county"])
    partners.partner_verify(user=users["city"], partner=partner, verified=True)
    assert counts(users["city"])["partner.verify"] == before
    assert f"/partners/{partner.pk}/" not in client_as("city").get("/manage/").content.decode()


def test_a_pairing_run_waits_for_review_until_its_invitations_go(users):
    notice = notice_published(users)
    invited = partner_verified(users)
    bystander = partner_verified(users, "lisi", name="李四")
    run = matching.pairing_run_create(user=users["county"], county_code=users["county"].region_code)
    assert run.proposal["pairs"]
    assert counts(users["county"])["pairing_run.review"] == 1
    assert counts(users["county2"])["pairing_run.review"] == 0
    sent = matching.pairing_run_send(user=users["county"], run=run)
    assert counts(users["county"])["pairing_run.review"] == 0
    partner_user = sent[0].partner.user
    assert counts(partner_user)["pairing.invitation"] == 1
    other = bystander if sent[0].partner_id == invited.pk else invited
    assert counts(other.user)["pairing.invitation"] == 0
    # The partner accepts: the invitation is answered, the village's cadre now has a 洽谈 to follow.
    matching.pairing_transition(user=partner_user, pairing=sent[0], to_status="negotiating")
    assert counts(partner_user)["pairing.invitation"] == 0
    assert notice.village_id == users["cadre"].region_code
    assert counts(users["cadre"])["pairing.negotiating"] == 1


def test_publicity_ending_ended_and_objections(users):
    agreement = draft(users)
    county = users["county"]
    agreements.agreement_transition(
        user=county,
        agreement=agreement,
        step=step(
            "approved",
            assembly_date="2024-01-05",
            assembly_attendees=30,
            assembly_present=25,
            assembly_votes_for=22,
        ),
    )
    with server_date(dt.date(2024, 3, 1)):
        agreement = agreements.agreement_transition(user=county, agreement=agreement, step=step("publicized"))
    deadline = agreement.objection_deadline
    assert counts(county, today=deadline - dt.timedelta(days=1))["agreement.publicity_ending"] == 1
    assert counts(county, today=deadline - dt.timedelta(days=1))["agreement.sign"] == 0
    after = deadline + dt.timedelta(days=1)
    assert counts(county, today=after)["agreement.sign"] == 1
    assert counts(users["county2"], today=after)["agreement.sign"] == 0
    agreements.objection_record(
        user=county,
        agreement=agreement,
        objection=parse(ObjectionIn, {"raised_by": "村民代表", "content": "分红比例偏低"}),
        on=deadline,
    )
    assert counts(users["cadre"])["objection.answer"] == 1
    assert counts(users["county2"])["objection.answer"] == 0


def test_guarantees_due_and_overdue_follow_the_stated_rule(users, client_as):
    agreement = in_force(users)  # in force from 2024-02-01, guarantee 30,000 a year
    june = dt.date(2025, 6, 1)  # 2024's guarantee was due by 2025-03-31
    todos = {t.kind: t for t in desk_todos(users["county"], today=june)}
    assert todos["guarantee.overdue"].count == 1 and todos["guarantee.overdue"].urgent
    assert todos["guarantee.due"].count == 0  # 2025's is not payable before the year ends
    assert counts(users["county"], today=dt.date(2026, 2, 1))["guarantee.due"] == 1  # 2025's
    assert counts(users["county2"], today=june)["guarantee.overdue"] == 0
    agreements.guarantee_payment_record(
        user=users["county"],
        agreement=agreement,
        payment=parse(GuaranteePaidIn, {"year": 2024, "amount": "30000", "paid_on": "2025-06-02"}),
    )
    assert counts(users["county"], today=june)["guarantee.overdue"] == 0
    html = client_as("county").get("/manage/").content.decode()
    assert "次年 3 月 31 日前" in html  # the rule is on the page


def test_a_partner_sees_the_agreements_it_is_to_sign(users):
    partner = partner_verified(users)
    collective = agreement_data("")["parties"][0]
    party = {"role": "partner", "name": "张三丰", "partner": partner.pk}
    agreement = draft(
        users, parties=[collective, {**party, "contributions": [{"kind": "cash", "amount": "600000"}]}]
    )
    agreements.agreement_transition(
        user=users["county"],
        agreement=agreement,
        step=step(
            "approved",
            assembly_date="2024-01-05",
            assembly_attendees=30,
            assembly_present=25,
            assembly_votes_for=22,
        ),
    )
    assert counts(partner.user)["agreement.partner_sign"] == 1
    other = partner_verified(users, "lisi", name="李四")
    assert counts(other.user)["agreement.partner_sign"] == 0


def test_every_role_gets_a_desk_of_its_own(client_as):
    for who, kind in (
        ("town", "notice.approve"),
        ("county", "pairing_run.review"),
        ("city", "partner.verify"),
        ("cadre", "notice.returned"),
        ("partner", "pairing.invitation"),
    ):
        html = client_as(who).get("/manage/").content.decode()
        assert f'data-todo="{kind}"' in html, who
    assert "data-todo=" not in client_as("public").get("/manage/").content.decode()


def test_the_operators_desk_covers_everywhere(client_as):
    html = client_as("admin").get("/manage/")
    assert html.status_code == 200 and 'data-todo="partner.verify"' in html.content.decode()


def test_a_partners_interest_waits_on_the_cadres_desk_until_talks_start(users, client_as):
    notice = notice_published(users)
    partner = partner_verified(users)
    assert counts(users["cadre"])["pairing.interest"] == 0
    pairing = matching.pairing_express_interest(user=partner.user, notice=notice, note="想来考察")
    assert counts(users["cadre"])["pairing.interest"] == 1
    desk = client_as("cadre").get("/manage/").content.decode()
    assert "待回应的合作意向" in desk and f"/matching/pairings/{pairing.pk}/" in desk
    matching.pairing_transition(user=users["cadre"], pairing=pairing, to_status="negotiating")
    assert counts(users["cadre"])["pairing.interest"] == 0
    assert counts(users["cadre"])["pairing.negotiating"] == 1


def test_one_run_to_review_is_opened_from_the_heading(users, client_as):
    notice_published(users)
    partner_verified(users)
    run = matching.pairing_run_create(user=users["county"], county_code=users["county"].region_code)
    todo = next(t for t in desk_todos(users["county"]) if t.kind == "pairing_run.review")
    assert todo.url == f"/matching/runs/{run.pk}/"
