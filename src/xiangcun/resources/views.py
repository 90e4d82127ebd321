"""Pages for resources: the offline resource map, list, detail, create and edit (scoped), photos, the
xlsx export of the current filter, and the import with its progress and result pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiangcun.accounts.permissions import Capability, is_official, require
from xiangcun.accounts.scoping import user_scope
from xiangcun.core import vocab
from xiangcun.core.inputs import parse, submit
from xiangcun.core.ratelimit import limited
from xiangcun.regions.selectors import counties_of, county_boundaries, county_boundaries_for, region_get_for
from xiangcun.resources import exports, imports, jobs, selectors, services, sheets
from xiangcun.resources.forms import ImportForm, PhotoForm, PhotoUploadForm, ResourceForm
from xiangcun.resources.models import ExportStatus, ResourceStatus
from xiangcun.resources.schemas import ResourceIn, ResourcePatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# One colour per resource kind, in vocabulary order (the map legend and the markers).
KIND_COLOURS = (
    "#d4a017", "#2f7d4f", "#8bbf3f", "#3b6ea5", "#16a085",
    "#c0392b", "#b5651d", "#7f5539", "#8e44ad", "#7f8c8d",
)  # fmt: skip


def _kinds() -> list[dict[str, str]]:
    return [
        {"code": t.code, "zh": t.zh, "colour": KIND_COLOURS[i % len(KIND_COLOURS)]}
        for i, t in enumerate(vocab.RESOURCE_KINDS)
    ]


def _filters(request: HttpRequest) -> tuple[selectors.ResourceFilters, str | None]:
    return selectors.filters_or_none(request.GET)


def _filter_context(request: HttpRequest, f: selectors.ResourceFilters) -> dict[str, Any]:
    from urllib.parse import urlencode

    return {
        "f": f,
        "kinds": _kinds(),
        "statuses": ResourceStatus.choices,
        "counties": counties_of(settings.XIANGCUN_CITY_CODE),
        "query": urlencode(f.as_query()),
    }


def resource_map(request: HttpRequest) -> HttpResponse:
    f, error = _filters(request)
    city = region_get_for(request.user, settings.XIANGCUN_CITY_CODE) if settings.XIANGCUN_CITY_CODE else None
    context = {
        **_filter_context(request, f),
        "error": error,
        "boundaries": county_boundaries(city) if city else {"type": "FeatureCollection", "features": []},
        "map_config": {
            "geojson": "/api/v1/resources/geojson",
            "figures": "/api/v1/resources/county-figures",
            "detail": "/api/v1/resources/",
            "kinds": {k["code"]: {"zh": k["zh"], "colour": k["colour"]} for k in _kinds()},
            "statuses": dict((code, str(label)) for code, label in ResourceStatus.choices),
        },
    }
    return render(request, "resources/map.html", context)


def resource_list(request: HttpRequest) -> HttpResponse:
    f, error = _filters(request)
    mine = request.GET.get("mine") == "1" and is_official(request.user)
    qs = selectors.resource_list_for(request.user, f) if mine else selectors.resource_list(f)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "resources/resource_list.html",
        {
            **_filter_context(request, f),
            "error": error,
            "page": page,
            "mine": mine,
            "official": is_official(request.user),
            "totals": selectors.resource_totals(qs),
        },
    )


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get_for(request.user, pk)
    return render(
        request,
        "resources/resource_detail.html",
        {
            "r": resource,
            "owner_name": selectors.owner_name_for(request.user, resource),
            "notices": selectors.resource_notices(resource),
            "photos": resource.photos.all(),
            "can_edit": selectors.resource_editable(request.user, resource),
            "photo_form": PhotoForm(),
            "point": {"lat": resource.lat, "lng": resource.lng, "name": resource.name},
            "boundary": resource.boundary,
        },
    )


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.RESOURCE_EDIT, message="只有各级管理员和村干部可以登记资源。")
    user: Any = request.user
    initial: dict[str, Any] = {"status": ResourceStatus.AVAILABLE}
    if len(user.region_code or "") == 12:  # an official of one village registers there
        initial["village"] = user.region_code
    if request.GET.get("village"):
        initial["village"] = request.GET["village"][:12]
    form = ResourceForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST":
        resource = submit(
            form, lambda d: services.resource_create(user=user, resource_in=parse(ResourceIn, d))
        )
        if resource is not None:
            messages.success(request, "资源已登记。")
            return redirect("resources:detail", pk=resource.pk)
    return render(
        request,
        "resources/resource_form.html",
        {"form": form, "resource": None, "boundaries": _location_boundaries(request, initial.get("village"))},
        status=400 if request.method == "POST" else 200,
    )


def _location_boundaries(request: HttpRequest, village: str | None = None) -> dict[str, Any]:
    """The county boundaries the form's map picker draws (the chosen village's is highlighted)."""
    return county_boundaries_for(request.user, city=settings.XIANGCUN_CITY_CODE, also=village)


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get_for(request.user, pk, write=True)
    initial = {
        name: getattr(resource, name)
        for name in ResourceForm.base_fields
        if name != "village" and hasattr(resource, name)
    }
    initial["village"] = resource.village_id
    form = ResourceForm(request.POST or None, initial=initial, user=request.user)
    form.fields["village"].disabled = True
    if request.method == "POST":
        saved = submit(
            form,
            lambda _: services.resource_update(
                user=request.user, resource=resource, changes=parse(ResourcePatch, form.values())
            ),
        )
        if saved is not None:
            messages.success(request, "资源已保存。")
            return redirect("resources:detail", pk=pk)
    return render(
        request,
        "resources/resource_form.html",
        {
            "form": form,
            "resource": resource,
            "boundaries": _location_boundaries(request, resource.village_id),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def resource_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_get_for(request.user, pk, write=True)
    if request.FILES.get("photo") is None:
        messages.error(request, "请选择要上传的照片。")
        return redirect("resources:detail", pk=pk)
    form = PhotoUploadForm(request.POST, request.FILES)
    photo = submit(
        form,
        lambda d: services.resource_photo_add(
            user=request.user, resource=resource, upload=d["photo"], caption=d["caption"]
        ),
    )
    if photo is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        messages.success(request, "照片已上传，缩略图已生成。")
    return redirect("resources:detail", pk=pk)


# Heavy: a whole table as xlsx. Limited so that a burst of downloads cannot starve the site; above
# EXPORT_INLINE_MAX_ROWS rows the task queue builds it (a job for the logged-in user).
@limited("export", per_minute=20, anonymous_per_minute=6, concurrent=2)
def resource_export(request: HttpRequest) -> HttpResponse:
    f, _error = _filters(request)
    mine = request.GET.get("mine") == "1"
    qs = exports.resources_to_export(request.user, f, mine=mine)
    limit = settings.EXPORT_INLINE_MAX_ROWS
    if qs.count() > limit:
        if not request.user.is_authenticated:
            context = {**_filter_context(request, f), "limit": limit, "next": request.get_full_path()}
            return render(request, "resources/export_too_large.html", context)
        job = exports.export_job_create(user=request.user, filters=f, mine=mine)
        return redirect("resources:export_progress", pk=job.pk)
    response = HttpResponse(exports.resources_xlsx(qs, request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="resources.xlsx"'
    return response


def _export_job(request: HttpRequest, pk: int) -> Any:
    """The export job, first marked failed if its worker died (no heartbeat; ``jobs.py``)."""
    job = selectors.export_job_get_for(request.user, pk)
    if jobs.export_job_reap(job=job):
        job.refresh_from_db()
    return job


@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The export job's page: progress while queued or running, the download once done."""
    return render(request, "resources/export_progress.html", {"job": _export_job(request, pk)})


@login_required
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status block, polled by htmx until the job is finished (it then stops polling)."""
    return render(request, "resources/_export_status.html", {"job": _export_job(request, pk)})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.export_job_get_for(request.user, pk)
    if job.status != ExportStatus.DONE or not job.file:
        return redirect("resources:export_progress", pk=pk)
    with job.file.open("rb") as fh:
        data = fh.read()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="resources.xlsx"'
    return response


def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(sheets.template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="resources-template.xlsx"'
    return response


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.RESOURCE_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        job = submit(form, lambda d: imports.import_job_create(user=request.user, upload=d["file"]))
        if job is not None:
            if job.finished:
                return redirect("resources:import_result", pk=job.pk)
            return redirect("resources:import_progress", pk=job.pk)
    return render(
        request,
        "resources/import_form.html",
        {"form": form, "scope": user_scope(request.user)},
        status=400 if request.method == "POST" else 200,
    )


def _job(request: HttpRequest, pk: int) -> Any:
    """The import job, first marked failed if its worker died (no heartbeat; ``jobs.py``)."""
    job = selectors.import_job_get_for(request.user, pk)
    if jobs.import_job_reap(job=job):
        job.refresh_from_db()
    return job


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.finished:
        return redirect("resources:import_result", pk=pk)
    return render(request, "resources/import_progress.html", {"job": job})


@login_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx; once the job is done it sends the browser to the result."""
    job = _job(request, pk)
    response = render(request, "resources/_import_status.html", {"job": job})
    if job.finished:
        response["HX-Redirect"] = reverse("resources:import_result", args=[pk])
    return response


@login_required
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not job.finished:
        return redirect("resources:import_progress", pk=pk)
    return render(request, "resources/import_result.html", {"job": job})


@login_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed import again (its creator, or an official of the creator's region)."""
    job = selectors.import_job_get_for(request.user, pk, write=True)
    job = imports.import_job_retry(user=request.user, job=job)
    if job.finished:
        return redirect("resources:import_result", pk=pk)
    return redirect("resources:import_progress", pk=pk)


# A section of the village page (regions/sections.py), registered in apps.py.
RESOURCES_PER_VILLAGE_PAGE = 20


def village_resources_section(request: HttpRequest, village: Any) -> dict[str, Any]:
    """The village's resources: their public fields (the owner stays on the resource's own page,
    masked there for a household)."""
    qs = selectors.resource_list(selectors.ResourceFilters(village=village.code))
    return {
        "resources": list(qs[:RESOURCES_PER_VILLAGE_PAGE]),
        "totals": selectors.resource_totals(qs),
        "village": village,
    }
