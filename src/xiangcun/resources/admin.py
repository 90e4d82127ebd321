from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from xiangcun.core.admin import AuditedAdmin, AuditedInline
from xiangcun.core.errors import ApplicationError
from xiangcun.resources import parsing, services, spatial
from xiangcun.resources.models import ExportJob, ImportJob, Resource, ResourcePhoto


class PhotoInline(AuditedInline):
    model = ResourcePhoto
    extra = 0
    readonly_fields = ("thumbnail",)


class ResourceAdminForm(forms.ModelForm):
    """The admin's form checks what the services check: the point lies inside the village's county."""

    class Meta:
        model = Resource
        fields = "__all__"  # noqa: DJ007 - the admin decides which fields it shows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        village, lng, lat = data.get("village"), data.get("lng"), data.get("lat")
        if village is not None and lng is not None and lat is not None:
            try:
                services.check_point(village, lng, lat)
            except ApplicationError as exc:
                self.add_error("lng" if "lng" in self.fields else None, exc.message)
        return data


@admin.register(Resource)
class ResourceAdmin(AuditedAdmin):
    form = ResourceAdminForm
    list_display = ("id", "name", "kind", "status", "area", "unit", "village", "is_demo")
    list_filter = ("kind", "status", "is_demo")
    search_fields = ("name", "village__name", "village__code")
    raw_id_fields = ("village", "created_by")
    filter_horizontal = ("notices",)
    inlines = [PhotoInline]

    # The admin writes rows directly, so it keeps the SQLite R-tree in step itself.
    def save_model(self, request: HttpRequest, obj: Resource, form: Any, change: bool) -> None:
        obj.area_mu = parsing.area_in_mu(obj.area, obj.unit)
        super().save_model(request, obj, form, change)
        spatial.index_upsert([(obj.pk, obj.lng, obj.lat)])

    def delete_model(self, request: HttpRequest, obj: Resource) -> None:
        pk = obj.pk
        super().delete_model(request, obj)
        spatial.index_delete([pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Resource]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        spatial.index_delete(ids)


@admin.register(ImportJob)
class ImportJobAdmin(AuditedAdmin):
    list_display = ("id", "original_name", "created_by", "status", "total_rows", "created_at")
    list_filter = ("status",)
    readonly_fields = ("errors", "summary")


@admin.register(ExportJob)
class ExportJobAdmin(AuditedAdmin):
    list_display = ("id", "created_by", "status", "row_count", "created_at", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("filters", "error")
