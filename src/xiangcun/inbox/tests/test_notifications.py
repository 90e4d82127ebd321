"""Notifications derived from the audit log: who hears of what, the unread count on every page, marking
read, e-mail after commit, and a listener that never undoes the change it reports."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from xiangcun.core.audit import audit
from xiangcun.core.models import AuditEntry
from xiangcun.inbox import rules
from xiangcun.inbox.models import Notification
from xiangcun.inbox.services import notification_mark_all_read
from xiangcun.matching import services as matching
from xiangcun.partners.tests.factories import partner_registered, partner_verified
from xiangcun.recruitment import services as recruitment
from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.tests.factories import notice_draft, notice_published

pytestmark = pytest.mark.django_db


def inbox_of(user: Any, *, unread: bool = False) -> list[str]:
    rows = Notification.objects.filter(recipient=user)
    return [n.text_in("zh-hans") for n in (rows.filter(read_at__isnull=True) if unread else rows)]


@pytest.fixture
def invited(users: dict[str, Any]) -> tuple[Any, Any, Any]:
    """A published notice of the cadre's village, two verified partners; the county sends its run."""
    notice_published(users, title="黄家庄村采摘园招募合伙人")
    one = partner_verified(users)
    two = partner_verified(users, "lisi", name="李四")
    for partner in (one, two):  # each has read "您的合伙人资料已通过认证"
        assert inbox_of(partner.user) == ["您的合伙人资料已通过认证，可以查看为您推荐的招募令"]
        notification_mark_all_read(user=partner.user)
    run = matching.pairing_run_create(user=users["county"], county_code=users["county"].region_code)
    sent = matching.pairing_run_send(user=users["county"], run=run)
    assert len(sent) == 1
    pairing = sent[0]
    other = two if pairing.partner_id == one.pk else one
    return pairing, pairing.partner, other


def test_the_invited_partner_is_told_and_nobody_else(invited, users):
    pairing, partner, other = invited
    assert inbox_of(partner.user, unread=True) == ["您收到对接邀请：黄家庄村采摘园招募合伙人"]
    row = Notification.objects.get(recipient=partner.user, read_at__isnull=True)
    assert row.link == f"/matching/pairings/{pairing.pk}/" and row.kind == "pairing.invitation"
    assert row.entry == AuditEntry.objects.get(action="pairing.open", object_id=str(pairing.pk)).pk
    assert inbox_of(other.user, unread=True) == []
    assert not Notification.objects.filter(recipient=users["county"], kind="pairing.invitation").exists()
    # Its English follows the page's language.
    assert row.text_in("en") == "You are invited to a pairing: 黄家庄村采摘园招募合伙人"


def test_accepting_tells_the_other_side(invited, users):
    pairing, partner, _ = invited
    matching.pairing_transition(user=partner.user, pairing=pairing, to_status="negotiating")
    told = "对接进入洽谈阶段：黄家庄村采摘园招募合伙人"
    assert told in inbox_of(users["cadre"]) and told in inbox_of(users["county"])
    assert told not in inbox_of(partner.user) and told not in inbox_of(users["county2"])
    matching.pairing_transition(user=users["county"], pairing=pairing, to_status="signed")
    assert "对接已签约：黄家庄村采摘园招募合伙人" in inbox_of(partner.user)


def test_the_notice_workflow_tells_the_next_step(users):
    notice = notice_draft(users, title="孙村葫芦基地")
    recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
    assert any(t.startswith("招募令待审核：孙村葫芦基地") for t in inbox_of(users["town"]))
    assert inbox_of(users["cadre"]) == [] and inbox_of(users["county2"]) == []
    recruitment.notice_transition(user=users["town"], notice=notice, action="reject", reason="面积不清")
    assert inbox_of(users["cadre"]) == ["您起草的招募令被退回：孙村葫芦基地。理由：面积不清"]
    recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
    recruitment.notice_transition(user=users["town"], notice=notice, action="approve")
    assert "招募令已通过乡镇审核，待发布：孙村葫芦基地" in inbox_of(users["county"])
    assert "招募令已通过乡镇审核，待发布：孙村葫芦基地" not in inbox_of(users["county2"])


def test_registration_and_verification(users):
    partner = partner_registered("wangwu", name="王五")
    assert "新注册的合伙人待认证：王五" in inbox_of(users["city"])
    assert "新注册的合伙人待认证：王五" not in inbox_of(users["county"])
    from xiangcun.partners import services as partners

    partners.partner_verify(user=users["city"], partner=partner, verified=False, reason="证件不清晰")
    assert inbox_of(partner.user) == ["您的合伙人资料未通过认证。理由：证件不清晰"]
    assert Notification.objects.get(recipient=partner.user).link == f"/partners/{partner.pk}/"


def test_the_unread_count_is_on_every_page_for_one_query(invited, client):
    _, partner, _ = invited
    client.force_login(partner.user)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/notices/").content.decode()
    assert 'href="/inbox/">通知 <span class="tag demo" aria-label="1 条未读">1</span></a>' in html
    assert len([q for q in queries if "inbox_notification" in q["sql"]]) == 1
    client.force_login(invited[2].user)
    assert 'href="/inbox/">通知</a>' in client.get("/notices/").content.decode()


def test_mark_read_through_an_audited_service(invited, client, users):
    pairing, partner, other = invited
    row = Notification.objects.get(recipient=partner.user, read_at__isnull=True)
    client.force_login(other.user)
    assert client.post(f"/inbox/{row.pk}/read/").status_code == 404  # someone else's: not even its existence
    row.refresh_from_db()
    assert row.read_at is None
    client.force_login(partner.user)
    page = client.get("/inbox/").content.decode()
    assert "您收到对接邀请：黄家庄村采摘园招募合伙人" in page and "未读 1 条" in page
    response = client.post(f"/inbox/{row.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/matching/pairings/{pairing.pk}/"
    row.refresh_from_db()
    assert row.read_at is not None
    assert AuditEntry.objects.filter(action="notification.read", object_id=str(row.pk)).count() == 1
    assert 'href="/inbox/">通知</a>' in client.get("/inbox/").content.decode()


def test_mark_all_read(users, client_as):
    for title in ("甲村项目", "乙村项目"):
        notice = notice_draft(users, title=title)
        recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
    client = client_as("town")
    assert Notification.objects.filter(recipient=users["town"], read_at__isnull=True).count() == 2
    assert client.post("/inbox/read-all/").status_code == 302
    assert Notification.objects.filter(recipient=users["town"], read_at__isnull=True).count() == 0
    entry = AuditEntry.objects.get(action="notification.read_all")
    assert entry.data == {"count": 2} and entry.actor_id == users["town"].pk


def test_email_goes_after_commit_to_recipients_with_an_address(
    users, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://xiangcun.example.gov.cn"
    town = users["town"]
    town.email = "town@example.gov.cn"
    town.save(update_fields=["email"])
    notice = notice_draft(users, title="孙村葫芦基地")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["town@example.gov.cn"] and "招募令待审核：孙村葫芦基地" in message.subject
    assert f"https://xiangcun.example.gov.cn/notices/{notice.pk}/" in message.body


def test_a_mail_failure_is_logged_not_raised(users, django_capture_on_commit_callbacks, settings, caplog):
    settings.EMAIL_BACKEND = "xiangcun.inbox.tests.test_notifications.BrokenBackend"
    users["town"].email = "town@example.gov.cn"
    users["town"].save(update_fields=["email"])
    notice = notice_draft(users)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
    assert Notice.objects.get(pk=notice.pk).status == "submitted"
    assert "could not be sent" in caplog.text


class BrokenBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> BrokenBackend:
        return self

    def __exit__(self, *args: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("smtp down")


def test_the_listener_swallows_a_bad_target(users, caplog):
    with caplog.at_level(logging.WARNING), transaction.atomic():
        entry = audit(
            actor=users["county"],
            action="pairing.open",
            target=("matching.pairing", "999999"),
            data={"origin": "office"},
        )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert not Notification.objects.filter(entry=entry.pk).exists()
    assert "no notification" in caplog.text


def test_a_failing_rule_never_undoes_the_change(users, monkeypatch, caplog):
    def broken(entry: Any, target: Any) -> list[Any]:
        with connection.cursor() as cursor:  # a failing query: on PostgreSQL it aborts the transaction
            cursor.execute("SELECT * FROM no_such_table_for_notifications")
        return []

    monkeypatch.setitem(rules.RULES, "notice.submit", broken)
    notice = notice_draft(users)
    with caplog.at_level(logging.ERROR):
        recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
    assert Notice.objects.get(pk=notice.pk).status == "submitted"  # still usable after the failure
    assert AuditEntry.objects.filter(action="notice.submit", object_id=str(notice.pk)).exists()
    assert "notification failed" in caplog.text
