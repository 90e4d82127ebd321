"""Jobs that die are noticed (issue 11): the reaper of import and export jobs.

A running job writes ``heartbeat_at`` with every write it makes (an import: every 500 rows validated
and every chunk written; an export: every 2,000 rows read). A job still validating, writing or running
with no heartbeat for ``settings.JOB_HEARTBEAT_TIMEOUT`` seconds has lost its worker (killed, out of
memory, the machine restarted): the reaper marks it failed with a message that says so, deletes its
staged rows (an import's partial work: never visible, see ``imports.py``) and closes the task queue's
row (django-tasks' ``DBTaskResult``, otherwise RUNNING forever, so no worker would ever run it again).
A failed import can be retried from its page (``imports.import_job_retry``).

The reaper runs

- every minute from the schedule (``xiangcun jobs reap``, ``docs/operations.md``) and before the
  task-queue worker starts (``xiangcun serve --worker``; the systemd unit's ``ExecStartPre``);
- for the one job a page shows, when that page (or its polled status) is viewed: one query on a row
  already read, a write only when the job is stale.

Marking is conditional on the row still being stale (one ``UPDATE … WHERE heartbeat_at < cutoff``), so
a job whose heartbeat moved meanwhile is left alone; a run that was presumed dead and wakes up finds
its job no longer its own and commits nothing (``imports.JobLost``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xiangcun.core.audit import audit
from xiangcun.core.errors import N_
from xiangcun.resources import services
from xiangcun.resources.models import ExportJob, ExportStatus, ImportJob, ImportStagedResource, ImportStatus

IMPORT_LOST = N_("导入任务中断（工作进程无响应），未写入任何数据，可重新运行")
EXPORT_LOST = N_("导出任务中断（工作进程无响应），请重新导出")
EXPORT_NEVER_RAN = N_("导出超时，请重新导出")
IMPORT_RUNNING = (ImportStatus.VALIDATING, ImportStatus.WRITING)
# A queued export that no worker picked up for this long is given up (the user exports again).
EXPORT_QUEUED_MAX = dt.timedelta(hours=1)
# Staged rows of a batch that belongs to no running job (a direct ``import_file`` that died) go after this.
ORPHAN_STAGED_AFTER = dt.timedelta(hours=6)


class WorkerLost(Exception):
    """What the task queue's row of a reaped job records as its failure (never raised)."""


def heartbeat_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)


def _stale(cutoff: dt.datetime) -> Q:
    """No heartbeat since ``cutoff`` (a job from before heartbeats existed: its last change)."""
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)


def _lost_task(task_id: str, now: dt.datetime, why: str) -> None:
    """Close the task queue's row of a job whose worker died (it would stay RUNNING)."""
    try:
        pk = uuid.UUID(task_id)
    except ValueError:
        return  # no task (run in the request) or another backend's id
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__qualname__}: {why}",
    )


def import_job_reap(*, job: ImportJob, now: dt.datetime | None = None) -> bool:
    """Mark ``job`` failed if it runs without a heartbeat; True when it did (its page then shows it)."""
    now = now or timezone.now()
    if job.status not in IMPORT_RUNNING:
        return False
    error = {"sheet": "", "row": 0, "column": "", "header": "", "message": IMPORT_LOST}
    with transaction.atomic():
        marked = (
            ImportJob.objects.filter(_stale(now - heartbeat_timeout()), pk=job.pk, status__in=IMPORT_RUNNING)
            .filter(batch=job.batch)
            .update(status=ImportStatus.FAILED, errors=[error], finished_at=now, updated_at=now)
        )
        if marked:
            audit(
                actor=None,
                action="import.reaped",
                target=job,
                data={"from": job.status, "heartbeat_at": job.heartbeat_at, "batch": job.batch},
            )
    if not marked:
        return False
    if job.batch:
        services.resources_staged_discard(batch=job.batch)
    _lost_task(job.task_id, now, f"import job {job.pk}: no heartbeat since {job.heartbeat_at}")
    return True


def export_job_reap(*, job: ExportJob, now: dt.datetime | None = None) -> bool:
    """Mark ``job`` failed if it runs without a heartbeat, or waits in the queue for over an hour."""
    now = now or timezone.now()
    if job.status == ExportStatus.QUEUED:
        message, stale = EXPORT_NEVER_RAN, Q(created_at__lt=now - EXPORT_QUEUED_MAX)
    elif job.status == ExportStatus.RUNNING:
        message, stale = EXPORT_LOST, _stale(now - heartbeat_timeout())
    else:
        return False
    with transaction.atomic():
        marked = ExportJob.objects.filter(stale, pk=job.pk, status=job.status).update(
            status=ExportStatus.FAILED, error=message, finished_at=now, updated_at=now
        )
        if marked:
            audit(
                actor=None,
                action="export.reaped",
                target=job,
                data={"from": job.status, "heartbeat_at": job.heartbeat_at},
            )
    if marked:
        _lost_task(job.task_id, now, f"export job {job.pk}: no heartbeat since {job.heartbeat_at}")
    return bool(marked)


@dataclass(frozen=True)
class Reaped:
    imports: int
    exports: int
    staged_rows: int


def jobs_reap(*, now: dt.datetime | None = None) -> Reaped:
    """Reap every stale import and export job, and staged rows nobody will commit; what it did."""
    now = now or timezone.now()
    cutoff = now - heartbeat_timeout()
    imports = sum(
        import_job_reap(job=job, now=now)
        for job in ImportJob.objects.filter(_stale(cutoff), status__in=IMPORT_RUNNING)
    )
    exports = sum(
        export_job_reap(job=job, now=now)
        for job in ExportJob.objects.filter(
            Q(status=ExportStatus.RUNNING) & _stale(cutoff)
            | Q(status=ExportStatus.QUEUED, created_at__lt=now - EXPORT_QUEUED_MAX)
        )
    )
    live = ImportJob.objects.filter(status__in=(*IMPORT_RUNNING, ImportStatus.QUEUED)).values("batch")
    orphans = (
        ImportStagedResource.objects.exclude(batch__in=live)
        .filter(created_at__lt=now - ORPHAN_STAGED_AFTER)
        .values_list("batch", flat=True)
        .distinct()
    )
    staged = sum(services.resources_staged_discard(batch=batch) for batch in list(orphans))
    return Reaped(imports=imports, exports=exports, staged_rows=staged)
