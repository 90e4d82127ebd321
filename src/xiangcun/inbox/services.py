"""Writes of the inbox: notifications derived from the audit log, e-mailed after commit, and marked read.

``notify_from_audit`` is registered with ``core.audit.on_entry`` (``InboxConfig.ready``): it runs inside
the transaction of every audit entry, so a notification exists exactly when the change it reports was
committed. It never raises — a listener that raised would roll the user's change back — and its writes
run in a savepoint, so that even a failing query leaves the change intact: a bad rule or odd data is
logged and costs only the notification.

E-mail copies go out after commit (``transaction.on_commit``) to recipients with an e-mail address,
through Django's mail backend (``EMAIL_BACKEND``: the console in development); a mail failure is
logged, never the user's problem. ``NOTIFICATION_EMAILS=false`` turns them off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from xiangcun.core.audit import audit
from xiangcun.core.errors import CHINESE, Msg
from xiangcun.core.models import AuditEntry
from xiangcun.inbox.models import Notification
from xiangcun.inbox.rules import RULES, Outgoing, RuleSkipped

logger = logging.getLogger(__name__)
MAX_LINK = 200


def _json_params(message: Msg) -> dict[str, Any]:
    return {
        k: v if isinstance(v, (int, float, bool)) or v is None else str(v)[:300]
        for k, v in message.params.items()
    }


def notify(
    recipients: Iterable[Any], message: Msg, link: str, *, kind: str, entry: AuditEntry | None = None
) -> list[Notification]:
    """One notification per recipient (each once; the entry's actor left out). Called by
    ``notify_from_audit`` inside the transaction of the audit entry it derives from."""
    actor = entry.actor_id if entry is not None else None
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or user.pk == actor or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind[:60],
                message=message.msgid[:200],
                params=_json_params(message),
                link=link[:MAX_LINK] if link.startswith("/") and not link.startswith("//") else "",
                entry=entry.pk if entry is not None else None,
            )
        )
    return Notification.objects.bulk_create(rows)


def _deliver(entry: AuditEntry, outgoing: list[Outgoing]) -> list[Notification]:
    created: list[Notification] = []
    for out in outgoing:
        created += notify(out.recipients, out.message, out.link, kind=out.kind or entry.action, entry=entry)
    return created


def notify_from_audit(entry: AuditEntry, target: Any) -> None:
    """The audit listener: the notifications ``RULES`` derives from ``entry``, and their e-mails after
    commit. Never raises."""
    rule = RULES.get(entry.action)
    if rule is None:
        return
    try:
        with transaction.atomic():  # a savepoint: whatever fails here leaves the user's change intact
            created = _deliver(entry, rule(entry, target))
    except RuleSkipped as skipped:
        logger.warning("audit entry %s (%s): no notification: %s", entry.pk, entry.action, skipped)
        return
    except Exception:  # a notification must never undo the change it reports
        logger.exception("audit entry %s (%s): notification failed", entry.pk, entry.action)
        return
    mailed = [n.pk for n in created if getattr(n.recipient, "email", "")]
    if mailed and settings.NOTIFICATION_EMAILS:
        transaction.on_commit(lambda: send_emails(mailed), robust=True)


# --------------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------------
def _email(notification: Notification) -> EmailMessage:
    text = notification.text_in(CHINESE)
    link = f"{settings.SITE_URL.rstrip('/')}{notification.link}" if notification.link else ""
    body = "\n\n".join(
        part
        for part in (
            text,
            link,
            "—— 乡村振兴合伙人数字平台（本邮件由系统自动发送，请登录平台处理，勿直接回复）",
        )
        if part
    )
    subject = f"【乡村振兴合伙人平台】{text}"[:120].replace("\n", " ")
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])


def send_emails(ids: list[int]) -> int:
    """E-mail the notifications ``ids`` to their recipients (after commit). Returns how many went; a
    failure is logged, never raised."""
    try:
        rows = list(Notification.objects.filter(pk__in=ids).select_related("recipient"))
        messages = [_email(n) for n in rows if n.recipient.email]
        if not messages:
            return 0
        with get_connection(fail_silently=False) as connection:
            return int(connection.send_messages(messages) or 0)
    except Exception:  # the change is committed: a mail server's failure is only logged
        logger.exception("notification e-mails %s could not be sent", ids)
        return 0


# --------------------------------------------------------------------------------------------------
# Marking read
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    """The recipient has read ``notification`` (fetched with ``notification_get_for``)."""
    row = Notification.objects.select_for_update().get(pk=notification.pk, recipient=user)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
        audit(actor=user, action="notification.read", target=row, data={"kind": row.kind})
    return row


@transaction.atomic
def notification_mark_all_read(*, user: Any) -> int:
    """Every unread notification of ``user`` is read; returns how many were unread."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit(actor=user, action="notification.read_all", target=user, data={"count": count})
    return count
