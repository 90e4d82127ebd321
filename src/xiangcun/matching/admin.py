from django.contrib import admin

from xiangcun.core.admin import AuditedAdmin, AuditedInline
from xiangcun.matching.models import MatchingWeights, Pairing, PairingEvent, PairingRun


class EventInline(AuditedInline):
    model = PairingEvent
    extra = 0
    readonly_fields = ("actor", "from_status", "to_status", "note", "meeting_date", "created_at")
    can_delete = False


@admin.register(Pairing)
class PairingAdmin(AuditedAdmin):
    list_display = ("id", "notice", "partner", "status", "origin", "fit", "updated_at")
    list_filter = ("status", "origin")
    raw_id_fields = ("notice", "partner", "run", "created_by")
    inlines = [EventInline]


@admin.register(PairingRun)
class PairingRunAdmin(AuditedAdmin):
    list_display = ("id", "county", "run_by", "total_fit", "invitations_sent", "created_at")
    exclude = ("proposal",)


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(AuditedAdmin):
    list_display = ("id", "threshold", "updated_by", "updated_at")
