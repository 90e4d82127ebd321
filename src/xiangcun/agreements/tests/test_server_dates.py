"""Nothing backdated: 公示 takes the server's date (the API and the form cannot choose it), signing
waits for the objection period on the server's calendar with no objection upheld, the dates people do
give are not in the future nor before the step they follow, a paper 公示 is 补录 by the city office
only and stays flagged, settlements stay inside the term and the present, and the steps taken on a
screen that is out of date are 409s."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from xiangcun.agreements import services
from xiangcun.agreements.models import Agreement, AgreementStatus, Settlement
from xiangcun.agreements.schemas import AnswerIn, BackfillIn, ObjectionIn, SettlementIn
from xiangcun.agreements.tests.factories import draft, in_force, step
from xiangcun.core.errors import AccessDenied, ApplicationError, ConflictError
from xiangcun.core.inputs import parse
from xiangcun.core.tests.clock import server_date

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 1)  # a Tuesday; 5 working days: 12-01 … 12-07


def approved(users, **overrides):  # type: ignore[no-untyped-def]
    agreement = draft(users, **overrides)
    return services.agreement_transition(
        user=users["county"],
        agreement=agreement,
        step=step(
            "approved",
            assembly_date="2026-11-20",
            assembly_attendees=30,
            assembly_present=25,
            assembly_votes_for=22,
        ),
    )


def publicized(users, day=DAY, **overrides):  # type: ignore[no-untyped-def]
    agreement = approved(users, **overrides)
    with server_date(day):
        return services.agreement_transition(
            user=users["county"], agreement=agreement, step=step("publicized")
        )


def backfill(**fields: object) -> BackfillIn:
    return parse(
        BackfillIn, {"reason": "2026 年 11 月村务公开栏纸质公示和纸质合同，平台上线前办理", **fields}
    )


# --------------------------------------------------------------------------------------------------
# 公示 is dated by the server
# --------------------------------------------------------------------------------------------------
def test_api_cannot_backdate_publicity_and_takes_the_servers_date(users, client_as):
    agreement = approved(users)
    client = client_as("county")
    url = f"/api/v1/agreements/{agreement.pk}/transitions"
    # when the API is asked for a 公示 that "started" in January
    with server_date(DAY):
        refused = client.post(
            url, {"to_status": "publicized", "date": "2026-01-05"}, content_type="application/json"
        )
    # then it is refused, saying the date is the server's, and nothing changed
    assert refused.status_code == 400 and refused.json()["field"] == "date"
    assert "由系统按办理当天的日期记录" in refused.json()["error"]
    assert "cannot be given" in refused.json()["error_en"]
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.APPROVED
    # when the step is taken without a date, 公示 starts on the server's day
    with server_date(DAY):
        ok = client.post(url, {"to_status": "publicized"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["publicity_start"] == "2026-12-01" and ok.json()["objection_deadline"] == "2026-12-07"


def test_the_publicity_form_has_no_date_and_a_posted_one_is_refused(users, client_as):
    agreement = approved(users)
    client = client_as("county")
    with server_date(DAY):
        page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    step_form = re.search(r'<form method="post" action="/agreements/\d+/step/".*?</form>', page, re.S)
    assert step_form is not None
    assert 'value="publicized"' in step_form.group(0)
    assert 'name="date"' not in step_form.group(0) and 'type="date"' not in step_form.group(0)
    assert 'name="expected_status" value="approved"' in step_form.group(0)
    assert "2026-12-01" in step_form.group(0) and "2026-12-07" in step_form.group(0)
    # a hand-made post with a date is refused with the reason on the page
    with server_date(DAY):
        response = client.post(
            f"/agreements/{agreement.pk}/step/",
            {"to_status": "publicized", "expected_status": "approved", "date": "2026-01-05"},
            follow=True,
        )
    assert "由系统按办理当天的日期记录" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).publicity_start is None
    with server_date(DAY):
        client.post(
            f"/agreements/{agreement.pk}/step/", {"to_status": "publicized", "expected_status": "approved"}
        )
    assert Agreement.objects.get(pk=agreement.pk).publicity_start == DAY


def test_the_issue_case_signing_the_day_of_publicity_is_refused(users):
    # given an agreement entered on 2026-12-01: its 公示 starts that day, whatever anyone types
    agreement = publicized(users)
    assert agreement.publicity_start == DAY
    # when it is signed the same day (or dated after the deadline while the server is still in it)
    for date in (None, "2026-12-08"):
        with server_date(DAY), pytest.raises(ApplicationError) as exc:
            services.agreement_transition(
                user=users["county"], agreement=agreement, step=step("signed", date=date)
            )
        assert exc.value.field == "date"
    # then signing opens after the objection period, on the server's calendar
    with server_date(dt.date(2026, 12, 8)):
        signed = services.agreement_transition(user=users["county"], agreement=agreement, step=step("signed"))
    assert signed.signed_on == dt.date(2026, 12, 8)


def test_dates_given_are_not_in_the_future_nor_before_their_step(users):
    county = users["county"]
    with server_date(DAY), pytest.raises(ApplicationError) as future_assembly:
        services.agreement_transition(
            user=county,
            agreement=draft(users),
            step=step(
                "approved",
                assembly_date="2026-12-02",
                assembly_attendees=3,
                assembly_present=3,
                assembly_votes_for=2,
            ),
        )
    assert future_assembly.value.field == "assembly_date" and "不能晚于今天" in future_assembly.value.message
    agreement = publicized(users)
    later = dt.date(2026, 12, 20)
    with server_date(later), pytest.raises(ApplicationError) as future_signing:
        services.agreement_transition(
            user=county, agreement=agreement, step=step("signed", date="2026-12-21")
        )
    assert future_signing.value.field == "date" and "签署日期不能晚于今天" in future_signing.value.message
    with server_date(later):
        services.agreement_transition(
            user=county, agreement=agreement, step=step("signed", date="2026-12-10")
        )
        for date, message in (("2026-12-09", "不能早于签署日期"), ("2026-12-21", "不能晚于今天")):
            with pytest.raises(ApplicationError) as exc:
                services.agreement_transition(
                    user=county, agreement=agreement, step=step("in_force", date=date)
                )
            assert exc.value.field == "date" and message in exc.value.message
        services.agreement_transition(
            user=county, agreement=agreement, step=step("in_force", date="2026-12-15")
        )
        with pytest.raises(ApplicationError) as early_end:
            services.agreement_transition(
                user=county, agreement=agreement, step=step("ended", date="2026-12-14", reason="项目终止")
            )
    assert "终止日期不能早于生效日期" in early_end.value.message
    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.status, stored.signed_on, stored.in_force_on) == (
        AgreementStatus.IN_FORCE,
        dt.date(2026, 12, 10),
        dt.date(2026, 12, 15),
    )


# --------------------------------------------------------------------------------------------------
# Objections: 驳回 or 成立
# --------------------------------------------------------------------------------------------------
def test_an_upheld_objection_sends_the_agreement_back_to_draft_and_a_new_publicity(users):
    county = users["county"]
    agreement = publicized(users)
    objection = services.objection_record(
        user=county,
        agreement=agreement,
        objection=ObjectionIn(raised_by="村民代表", content="保底过低"),
        on=DAY,
    )
    # when the objection is upheld
    services.objection_answer(
        user=county, objection=objection, answer=AnswerIn(answer="异议成立，调整保底", outcome="upheld")
    )
    # then the agreement is a draft again, without its 公示, and cannot be signed
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.publicity_start is None and agreement.objection_deadline is None
    assert agreement.events.filter(from_status="publicized", to_status="draft").exists()
    with server_date(dt.date(2026, 12, 10)), pytest.raises(ApplicationError):
        services.agreement_transition(user=county, agreement=agreement, step=step("signed"))
    # when it is corrected, approved again and publicised anew
    with server_date(dt.date(2026, 12, 10)):
        services.agreement_transition(
            user=county,
            agreement=agreement,
            step=step(
                "approved",
                assembly_date="2026-12-09",
                assembly_attendees=9,
                assembly_present=9,
                assembly_votes_for=9,
            ),
        )
        again = services.agreement_transition(user=county, agreement=agreement, step=step("publicized"))
    assert again.publicity_start == dt.date(2026, 12, 10)
    # then it is signed after the new period (the old objection answered, no new one upheld)
    with server_date(dt.date(2026, 12, 17)):
        signed = services.agreement_transition(user=county, agreement=agreement, step=step("signed"))
    assert signed.status == AgreementStatus.SIGNED


def test_a_dismissed_objection_lets_signing_proceed_and_a_second_answer_is_409(users, client_as):
    county = users["county"]
    agreement = publicized(users)
    objection = services.objection_record(
        user=county,
        agreement=agreement,
        objection=ObjectionIn(raised_by="村民", content="收益分配不清"),
        on=DAY,
    )
    url = f"/api/v1/agreements/{agreement.pk}/objections/{objection.pk}/answer"
    client = client_as("county")
    first = client.post(
        url, {"answer": "已解释分配办法", "outcome": "dismissed"}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["outcome"] == "dismissed"
    second = client.post(url, {"answer": "成立", "outcome": "upheld"}, content_type="application/json")
    assert second.status_code == 409 and "已由他人答复" in second.json()["error"]
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.PUBLICIZED
    with server_date(dt.date(2026, 12, 8)):
        assert (
            services.agreement_transition(user=county, agreement=agreement, step=step("signed")).status
            == AgreementStatus.SIGNED
        )


def test_the_answer_form_asks_for_the_outcome(users, client_as):
    agreement = publicized(users)
    objection = services.objection_record(
        user=users["county"],
        agreement=agreement,
        objection=ObjectionIn(raised_by="甲", content="异议"),
        on=DAY,
    )
    client = client_as("county")
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert 'name="outcome"' in page and 'value="upheld"' in page
    response = client.post(
        f"/agreements/objections/{objection.pk}/answer/", {"answer": "答复", "outcome": ""}, follow=True
    )
    assert "请选择驳回或成立" in response.content.decode()
    objection.refresh_from_db()
    assert objection.answered_at is None


# --------------------------------------------------------------------------------------------------
# 补录: the city office's path for paper records
# --------------------------------------------------------------------------------------------------
def test_backfill_is_refused_to_county_officials(users, client_as):
    agreement = approved(users)
    with pytest.raises(AccessDenied):
        services.agreement_backfill(
            user=users["county"], agreement=agreement, record=backfill(publicity_start="2026-03-02")
        )
    response = client_as("county").post(
        f"/api/v1/agreements/{agreement.pk}/backfill",
        {"publicity_start": "2026-03-02", "reason": "纸质公示"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.APPROVED
    assert "补录纸质公示" not in client_as("county").get(f"/agreements/{agreement.pk}/").content.decode()


def test_backfill_by_the_city_office_is_flagged_on_the_agreement(users, client_as):
    agreement = approved(users)
    # given the city office enters a paper 公示 of 2026-11-23, signed 11-30 and in force 12-01
    with server_date(DAY):
        done = services.agreement_backfill(
            user=users["city"],
            agreement=agreement,
            record=backfill(publicity_start="2026-11-23", signed_on="2026-11-30", in_force_on="2026-12-01"),
        )
    # then the agreement follows the paper dates, is flagged with the reason, and every step says 补录
    assert (done.status, done.publicity_start, done.objection_deadline) == (
        AgreementStatus.IN_FORCE,
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 27),
    )
    assert done.is_backfilled and done.backfilled_by == users["city"]
    notes = list(done.events.filter(note__startswith="补录：").values_list("to_status", flat=True))
    assert notes == ["publicized", "signed", "in_force"]
    page = client_as("public").get(f"/agreements/{agreement.pk}/").content.decode()
    assert "补录：2026 年 11 月村务公开栏纸质公示和纸质合同，平台上线前办理" in page
    api = client_as("county").get(f"/api/v1/agreements/{agreement.pk}").json()
    assert api["backfilled"] is True and api["backfill_reason"].startswith("2026 年 11 月")


def test_backfill_keeps_the_workflows_date_rules(users, client_as):
    city = users["city"]
    cases = [
        ({"publicity_start": "2026-12-02"}, "publicity_start", "不能晚于今天"),
        ({"publicity_start": "2026-11-01"}, "publicity_start", "公示不能早于村民代表大会"),
        ({"publicity_start": "2026-11-23", "signed_on": "2026-11-27"}, "signed_on", "期满后方可签署"),
        (
            {"publicity_start": "2026-11-23", "signed_on": "2026-11-30", "in_force_on": "2026-11-29"},
            "in_force_on",
            "生效日期不能早于签署日期",
        ),
    ]
    agreement = approved(users)
    for fields, field, message in cases:
        with server_date(DAY), pytest.raises(ApplicationError) as exc:
            services.agreement_backfill(user=city, agreement=agreement, record=backfill(**fields))
        assert exc.value.field == field and message in exc.value.message
    response = client_as("city").post(
        f"/api/v1/agreements/{agreement.pk}/backfill",
        {"publicity_start": "2026-11-23", "reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "reason"
    assert not Agreement.objects.get(pk=agreement.pk).is_backfilled


# --------------------------------------------------------------------------------------------------
# One step at a time
# --------------------------------------------------------------------------------------------------
def test_a_step_from_an_outdated_screen_is_409(users, client_as):
    agreement = approved(users)
    client = client_as("county")
    url = f"/api/v1/agreements/{agreement.pk}/transitions"
    stale = client.post(
        url, {"to_status": "approved", "expected_status": "draft"}, content_type="application/json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["field"] == "expected_status"
    assert body["error"] == "该协议已被其他人处理（当前状态：村民代表大会已通过），请刷新后重试"
    assert "reload the page" in body["error_en"]
    with pytest.raises(ConflictError):
        services.agreement_transition(
            user=users["county"], agreement=agreement, step=step("publicized", expected_status="draft")
        )


# --------------------------------------------------------------------------------------------------
# Settlements: inside the term and the present, one current version
# --------------------------------------------------------------------------------------------------
def settle(year: int, profit: str = "200000", **more: object) -> SettlementIn:
    return parse(SettlementIn, {"year": year, "profit": profit, **more})


def test_future_years_and_years_before_the_term_are_not_settled(users, client_as):
    agreement = in_force(users)  # term 2024–2033
    with server_date(DAY):
        for year, message in ((2027, "尚未到来"), (2031, "尚未到来"), (2023, "合作期")):
            with pytest.raises(ApplicationError) as exc:
                services.settlement_run(user=users["county"], agreement=agreement, settlement=settle(year))
            assert exc.value.field == "year" and message in exc.value.message
        response = client_as("county").post(
            f"/api/v1/agreements/{agreement.pk}/settlements",
            {"year": 2031, "profit": "1000"},
            content_type="application/json",
        )
        assert response.status_code == 400 and response.json()["field"] == "year"
        assert "2031 年度尚未到来" in response.json()["error"]
        assert not Settlement.objects.filter(agreement=agreement).exists()
        assert services.settlement_run(user=users["county"], agreement=agreement, settlement=settle(2026))


def test_a_correction_of_an_older_version_is_409(users, client_as):
    agreement = in_force(users)
    county = users["county"]
    first = services.settlement_run(user=county, agreement=agreement, settlement=settle(2024))
    second = services.settlement_run(
        user=county,
        agreement=agreement,
        settlement=settle(2024, "210000", reason="审计调整", corrects_version=1),
    )
    assert second.corrects == first
    response = client_as("county").post(
        f"/api/v1/agreements/{agreement.pk}/settlements",
        {"year": 2024, "profit": "190000", "reason": "另一处调整", "corrects_version": 1},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == "2024 年度第 1 版结算已被更正为第 2 版，请刷新后按最新版本重新办理"
    assert Settlement.objects.filter(agreement=agreement, year=2024).count() == 2
    listed = client_as("county").get(f"/api/v1/agreements/{agreement.pk}/settlements").json()
    assert [(s["version"], s["current"]) for s in listed] == [(2, True), (1, False)]


def test_the_settlement_page_corrects_its_own_version(users, client_as):
    agreement = in_force(users)
    services.settlement_run(user=users["county"], agreement=agreement, settlement=settle(2024))
    client = client_as("county")
    page = client.get(f"/agreements/{agreement.pk}/settlements/2024/").content.decode()
    assert 'name="corrects_version" value="1"' in page
    response = client.post(
        f"/agreements/{agreement.pk}/settle/",
        {"year": "2024", "corrects_version": "1", "profit": "220000", "reason": "审计后调整"},
    )
    assert response.status_code == 302
    latest = Settlement.objects.filter(agreement=agreement, year=2024).order_by("-version").first()
    assert latest is not None and (latest.version, latest.reason) == (2, "审计后调整")
    old = client.get(f"/agreements/{agreement.pk}/settlements/2024/?version=1").content.decode()
    assert "此版本已被更正" in old and 'name="corrects_version"' not in old
