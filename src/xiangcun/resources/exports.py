"""Export resources to xlsx in the import layout (so an export, edited, imports back as updates).

Small exports are built in the request (``resources_xlsx``); above ``EXPORT_INLINE_MAX_ROWS`` rows the
page creates an ``ExportJob`` (``export_job_create``) that the task queue builds (``export_job_run``)
with the same rows, for the same filter and the same user (owner names masked alike)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import override

from xiangcun.accounts.permissions import is_official, require_login
from xiangcun.core import vocab
from xiangcun.resources import sheets
from xiangcun.resources.models import ExportJob, ExportStatus, OwnerType, Resource, ResourceStatus, RightType
from xiangcun.resources.selectors import (
    ResourceFilters,
    owner_name_for,
    resource_list,
    resource_list_for,
)

# A running export job moves its heartbeat every this many rows (``jobs.py`` reaps one without).
HEARTBEAT_EVERY = 2000


def resource_export_rows(
    resources: QuerySet[Resource], user: Any, *, tick: Callable[[], None] | None = None
) -> Any:
    """Rows of the export, in the import layout plus three columns for reading; ``tick`` is called
    every ``HEARTBEAT_EVERY`` rows."""
    rights, owners, statuses = dict(RightType.choices), dict(OwnerType.choices), dict(ResourceStatus.choices)
    # One query for the rows and their village and county (not two more per row).
    for n, r in enumerate(resources.select_related("village__county").iterator(chunk_size=2000), 1):
        if tick is not None and n % HEARTBEAT_EVERY == 0:
            tick()
        yield [
            r.pk,
            r.village_id,
            r.name,
            vocab.label("resource", r.kind),
            str(rights.get(r.right, r.right)),
            str(owners.get(r.owner_type, r.owner_type)),
            owner_name_for(user, r),
            r.area,
            "亩" if r.unit == "mu" else "平方米",
            r.lng,
            r.lat,
            r.current_use,
            r.permitted_use,
            str(statuses.get(r.status, r.status)),
            r.description,
            r.appraised_value,
            r.appraised_on if isinstance(r.appraised_on, dt.date) else None,
            r.appraiser,
            r.village.name,
            r.village.county.name,
            Decimal(r.area_mu),
        ]


def export_headers() -> list[str]:
    return [h for h, _k, _r in sheets.RESOURCE_COLUMNS] + list(sheets.RESOURCE_EXTRA)


# Workbooks are in Chinese whatever the page's language: officials' ledgers and the imports read them.
@override("zh-hans")
def resources_xlsx(
    resources: QuerySet[Resource], user: Any, *, tick: Callable[[], None] | None = None
) -> bytes:
    return sheets.write_table(
        resource_export_rows(resources, user, tick=tick),
        sheet=sheets.RESOURCE_SHEET,
        headers=export_headers(),
    )


def resources_to_export(user: Any, filters: ResourceFilters, *, mine: bool) -> QuerySet[Resource]:
    """The resources an export of ``filters`` holds: all of them, or (``mine``, officials only) those
    in the user's region."""
    if mine and is_official(user):
        return resource_list_for(user, filters)
    return resource_list(filters)


def export_job_create(*, user: Any, filters: ResourceFilters, mine: bool) -> ExportJob:
    """Queue an export for the task queue (login required: the file is kept for its creator)."""
    require_login(user)
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=user, filters={**filters.as_json(), "mine": bool(mine and is_official(user))}
        )
        job_id = job.pk

        def enqueue() -> None:
            from xiangcun.resources.tasks import export_job_task

            result = export_job_task.enqueue(job_id=job_id)
            ExportJob.objects.filter(pk=job_id).update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Build one job's file (the task calls this), with a heartbeat as it reads; a failure is recorded
    on the job and re-raised. A job that is not queued (reaped, or run already) is left alone."""
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, heartbeat_at=now, updated_at=now
    ):
        job.refresh_from_db()
        return job
    running = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING)

    def tick() -> None:
        running.update(heartbeat_at=timezone.now())

    try:
        filters = ResourceFilters.from_params(job.filters)
        qs = resources_to_export(job.created_by, filters, mine=bool(job.filters.get("mine")))
        count = qs.count()
        data = resources_xlsx(qs, job.created_by, tick=tick)
        # An unguessable name: the file holds what its creator may read, and media may be served as is.
        job.file.save(f"resources-{secrets.token_urlsafe(16)}.xlsx", ContentFile(data), save=False)
    except Exception as exc:  # an unexpected failure: record it on the job (the task's error is logged too)
        running.update(status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    if not running.update(
        status=ExportStatus.DONE,
        row_count=count,
        file=job.file.name,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    ):
        job.file.delete(save=False)  # reaped meanwhile: the user was told to export again
    job.refresh_from_db()
    return job
