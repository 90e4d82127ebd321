"""The Django admin is the operator's tool for corrections, not a back door around the workflow:

* every admin model inherits :class:`AuditedAdmin` — each add, change and delete it makes is an
  audit entry (the fields changed, with the values of fields that are not personal data);
* workflow status fields (``status``, ``*_status``) are read-only: states change through the
  services, which check the transition and record it;
* records with a workflow cannot be deleted from the admin (their history protects them too);
* the audit log itself is shown read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from xiangcun.core.audit import audit
from xiangcun.core.models import AuditEntry

# Values of these fields are personal data: the entry says they changed, not what to.
PERSONAL = ("phone", "id_number", "contact", "password", "email", "name", "address")


def workflow_fields(model: type[models.Model]) -> list[str]:
    """The model's state fields, which only the services change."""
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.Field) and (f.name == "status" or f.name.endswith("_status"))
    ]


def _shown(name: str, value: Any) -> Any:
    if any(part in name for part in PERSONAL):
        return "***"
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, QuerySet):
        return sorted(str(v.pk) for v in value)
    text = value if isinstance(value, (int, bool)) or value is None else str(value)
    return text[:200] if isinstance(text, str) else text


def _changes(form: ModelForm[Any]) -> dict[str, Any]:
    return {name: _shown(name, form.cleaned_data.get(name)) for name in form.changed_data}


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in workflow_fields(self.model) if name not in fields]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if workflow_fields(self.model):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit(
                actor=request.user,
                action="admin.change" if change else "admin.add",
                target=obj,
                data={"fields": _changes(form)},
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseFormSet[Any], change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            rows = getattr(formset, "new_objects", []) + [
                o for o, _ in getattr(formset, "changed_objects", [])
            ]
            gone = getattr(formset, "deleted_objects", [])
            if rows or gone:
                audit(
                    actor=request.user,
                    action="admin.inline",
                    target=form.instance,
                    data={
                        "model": formset.model._meta.label_lower,  # type: ignore[attr-defined]
                        "saved": [o.pk for o in rows],
                        "deleted": [str(o) for o in gone],
                    },
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit(actor=request.user, action="admin.delete", target=obj, data={"repr": str(obj)[:200]})
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit(actor=request.user, action="admin.delete", target=obj, data={"repr": str(obj)[:200]})
            super().delete_queryset(request, queryset)


class AuditedInline(admin.TabularInline):  # type: ignore[type-arg]
    """Inline rows: state fields read-only, like the parent's."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in workflow_fields(self.model) if name not in fields]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "at", "actor_label", "action", "object_type", "object_id", "region_code")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id", "region_code", "action")
    date_hierarchy = "at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
