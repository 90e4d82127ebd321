from django.contrib import admin

from xiangcun.core.admin import AuditedAdmin, AuditedInline
from xiangcun.recruitment.models import Notice, NoticeBatch, NoticeResource, NoticeTransition


class ResourceInline(AuditedInline):
    model = NoticeResource
    extra = 0


class TransitionInline(AuditedInline):
    model = NoticeTransition
    extra = 0
    readonly_fields = ("actor", "from_status", "to_status", "reason", "created_at")
    can_delete = False


@admin.register(Notice)
class NoticeAdmin(AuditedAdmin):
    list_display = ("id", "title", "level", "category", "county", "status", "published_at", "is_demo")
    list_filter = ("status", "level", "category", "county", "is_demo")
    search_fields = ("title", "description", "village__name")
    raw_id_fields = ("village", "villages", "county", "batch", "created_by")
    inlines = [ResourceInline, TransitionInline]


@admin.register(NoticeBatch)
class NoticeBatchAdmin(AuditedAdmin):
    list_display = ("title", "date", "issuer_level", "region_code", "is_demo")
