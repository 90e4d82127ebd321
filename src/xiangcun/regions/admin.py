from django.contrib import admin

from xiangcun.core.admin import AuditedAdmin, AuditedInline
from xiangcun.regions.models import Region, Village, VillageIncome


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent", "is_demo")
    list_filter = ("level", "is_demo")
    search_fields = ("code", "name")
    exclude = ("boundary",)


class IncomeInline(AuditedInline):
    model = VillageIncome
    extra = 0


@admin.register(Village)
class VillageAdmin(AuditedAdmin):
    list_display = ("code", "name", "town", "county", "households", "population", "is_demo")
    list_filter = ("county", "is_demo")
    search_fields = ("code", "name", "pinyin_initials")
    raw_id_fields = ("town", "county")
    inlines = [IncomeInline]
