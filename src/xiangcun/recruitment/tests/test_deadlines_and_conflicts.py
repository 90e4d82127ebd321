"""Notices: a deadline in the future at submission, approval and publication (the server's date);
expired notices closed by the daily task, one system transition each; and a step taken on a page that
is out of date is a 409. (No interest or invitation on an expired notice: matching's tests.)"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from xiangcun.core.errors import ApplicationError, ConflictError
from xiangcun.core.tests.clock import server_date
from xiangcun.recruitment import services
from xiangcun.recruitment.models import Notice, NoticeStatus, NoticeTransition
from xiangcun.recruitment.tests.factories import notice_changed, notice_draft, notice_published

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def _post(client, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


# --------------------------------------------------------------------------------------------------
# Deadlines after today
# --------------------------------------------------------------------------------------------------
def test_a_notice_past_its_deadline_cannot_be_submitted(users, client_as):
    notice = notice_draft(users, deadline="2020-01-01")
    response = _post(client_as("cadre"), f"/api/v1/notices/{notice.pk}/transition", {"action": "submit"})
    assert response.status_code == 400 and response.json()["field"] == "deadline"
    assert "截止日期（2020-01-01）须晚于今天" in response.json()["error"]
    assert "must be later than today" in response.json()["error_en"]
    with server_date(TODAY), pytest.raises(ApplicationError) as today:
        services.notice_transition(
            user=users["cadre"],
            notice=services.notice_update(
                user=users["cadre"], notice=notice, notice_in=notice_changed(notice, deadline=TODAY)
            ),
            action="submit",
        )
    assert today.value.field == "deadline"
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.DRAFT


def test_a_deadline_that_passed_during_review_stops_approval_and_publication(users):
    notice = notice_draft(users, deadline="2026-12-10")
    with server_date(TODAY):
        services.notice_transition(user=users["cadre"], notice=notice, action="submit")
    with server_date(dt.date(2026, 12, 10)), pytest.raises(ApplicationError) as approve:
        services.notice_transition(user=users["town"], notice=notice, action="approve")
    assert approve.value.field == "deadline"
    with server_date(dt.date(2026, 12, 9)):
        services.notice_transition(user=users["town"], notice=notice, action="approve")
    with server_date(dt.date(2026, 12, 11)), pytest.raises(ApplicationError) as publish:
        services.notice_transition(user=users["county"], notice=notice, action="publish")
    assert publish.value.field == "deadline"
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.APPROVED


# --------------------------------------------------------------------------------------------------
# The daily close
# --------------------------------------------------------------------------------------------------
def test_the_daily_task_closes_expired_published_notices_once_each(users):
    with server_date(TODAY):
        expired = notice_published(users, deadline="2026-12-05", title="已到期的招募令")
        open_ = notice_published(users, deadline="2026-12-20", title="仍在招募的招募令")
        undated = notice_published(users, title="长期招募令")
        draft = notice_draft(users, deadline="2026-12-05", title="到期的草稿")
    out = StringIO()
    with server_date(dt.date(2026, 12, 6)):
        call_command("notices", "close-expired", stdout=out)
        again = StringIO()
        call_command("notices", "close-expired", stdout=again)
    assert "closed 1 expired notice" in out.getvalue() and "closed 0" in again.getvalue()
    statuses = dict(
        Notice.objects.filter(pk__in=[expired.pk, open_.pk, undated.pk, draft.pk]).values_list("pk", "status")
    )
    assert statuses == {
        expired.pk: NoticeStatus.CLOSED,
        open_.pk: NoticeStatus.PUBLISHED,
        undated.pk: NoticeStatus.PUBLISHED,
        draft.pk: NoticeStatus.DRAFT,
    }
    closing = NoticeTransition.objects.filter(notice=expired, to_status=NoticeStatus.CLOSED).get()
    assert (closing.from_status, closing.actor, closing.reason) == (
        NoticeStatus.PUBLISHED,
        None,
        "截止日期已过，系统自动关闭",
    )


def test_the_command_can_hand_the_close_to_the_worker_and_documents_its_cron_line(users):
    with server_date(TODAY):
        expired = notice_published(users, deadline="2026-12-02")
    out = StringIO()
    with server_date(dt.date(2026, 12, 3)):
        call_command("notices", "close-expired", "--enqueue", stdout=out)
    assert "enqueued" in out.getvalue()
    assert Notice.objects.get(pk=expired.pk).status == NoticeStatus.CLOSED  # the test backend runs it now
    from xiangcun.recruitment.management.commands.notices import Command

    assert "xiangcun notices close-expired" in Command.help and "* * *" in Command.help


# --------------------------------------------------------------------------------------------------
# One step at a time
# --------------------------------------------------------------------------------------------------
def test_a_step_on_an_outdated_page_is_409_and_changes_nothing(users, client_as):
    notice = notice_draft(users)
    services.notice_transition(user=users["cadre"], notice=notice, action="submit")
    services.notice_transition(user=users["town"], notice=notice, action="approve")
    # the API: the state the client saw
    response = _post(
        client_as("county"),
        f"/api/v1/notices/{notice.pk}/transition",
        {"action": "reject", "reason": "材料不全", "expected_status": "submitted"},
    )
    assert response.status_code == 409
    assert response.json()["error"] == "该招募令已被其他人处理（当前状态：乡镇已审核），请刷新后重试"
    # the page: its hidden field, the refusal shown as a message
    client = client_as("county")
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert 'name="expected_status" value="approved"' in page
    shown = client.post(
        f"/notices/{notice.pk}/transition/",
        {"action": "reject", "reason": "材料不全", "expected_status": "submitted"},
        follow=True,
    )
    assert "已被其他人处理" in shown.content.decode()
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.APPROVED
    assert NoticeTransition.objects.filter(notice=notice, to_status="rejected").count() == 0
    with pytest.raises(ConflictError):
        services.notice_transition(
            user=users["county"], notice=notice, action="publish", expected_status="submitted"
        )
