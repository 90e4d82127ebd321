from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from xiangcun.accounts.models import LoginThrottle, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "region_code", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")
    search_fields = ("username", "display_name", "region_code")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("平台角色", {"fields": ("display_name", "role", "region_code", "phone", "is_demo")}),
    )


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ("key", "failures", "blocked_until", "updated_at")
    search_fields = ("key",)
