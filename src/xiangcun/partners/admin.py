from django.contrib import admin

from xiangcun.core.admin import AuditedAdmin
from xiangcun.partners.models import Partner


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = ("id", "name", "kind", "is_organisation", "home_county", "status", "is_demo")
    list_filter = ("status", "kind", "is_organisation", "liaocheng_born", "is_demo")
    search_fields = ("name", "profile", "track_record")
    raw_id_fields = ("user", "home_county", "verified_by")
