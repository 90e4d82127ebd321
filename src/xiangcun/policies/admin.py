from django.contrib import admin

from xiangcun.core.admin import AuditedAdmin
from xiangcun.policies.models import PolicyVersion, SavedEvaluation


@admin.register(PolicyVersion)
class PolicyVersionAdmin(AuditedAdmin):
    list_display = ("number", "ruleset_hash", "note", "published_by", "created_at")
    readonly_fields = ("number", "files", "ruleset_hash", "changed_files", "tests_passed", "published_by")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # versions are published through the editor, which runs the tests


@admin.register(SavedEvaluation)
class SavedEvaluationAdmin(AuditedAdmin):
    list_display = ("id", "user", "on", "ruleset_hash", "total", "created_at")
    readonly_fields = ("user", "on", "ruleset_hash", "facts", "total", "result")
