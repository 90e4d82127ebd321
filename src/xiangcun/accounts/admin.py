from functools import partial
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.models import LoginThrottle, User
from xiangcun.accounts.services import user_deactivate
from xiangcun.core.admin import AuditedAdmin
from xiangcun.core.inputs import perform


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):  # type: ignore[misc]
    """Accounts are deactivated, never deleted: what a user did stays attributed to them."""

    actions = ["deactivate"]
    list_display = ("username", "display_name", "role", "region_code", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")
    search_fields = ("username", "display_name", "region_code")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("平台角色", {"fields": ("display_name", "role", "region_code", "phone", "is_demo")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("停用所选账号"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(is_active=True):
            perform(
                request,
                partial(user_deactivate, actor=request.user, user=user, reason="运维管理员在后台停用"),
            )


@admin.register(LoginThrottle)
class LoginThrottleAdmin(AuditedAdmin):
    list_display = ("key", "failures", "blocked_until", "updated_at")
    search_fields = ("key",)


# Groups grant admin permissions: their changes are audited too.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):  # type: ignore[misc]
    pass
