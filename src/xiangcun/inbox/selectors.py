"""Reads of the inbox: a user's own notifications, and their unread count (on every page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiangcun.accounts.permissions import require_login
from xiangcun.core.errors import Msg, NotFoundError
from xiangcun.inbox.models import Notification


def notification_list_for(user: Any, *, unread: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first (nobody else's, whatever their role)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count_for(user: Any) -> int:
    """How many of ``user``'s notifications are unread: one indexed COUNT, none for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for(user: Any, pk: int, *, write: bool = False) -> Notification:
    """One of ``user``'s own notifications (reading and marking it read are the same right); anyone
    else's is a 404, so that ids say nothing about other people's inboxes."""
    require_login(user)
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None:
        raise NotFoundError(Msg("通知 {pk} 不存在", pk=pk), field="id")
    return notification
