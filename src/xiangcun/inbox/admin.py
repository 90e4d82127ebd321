from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiangcun.inbox.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: notifications are derived from the audit log and belong to their recipients."""

    list_display = ("created_at", "recipient", "kind", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
