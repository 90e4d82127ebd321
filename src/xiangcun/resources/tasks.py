"""Background tasks of the resources app (django-tasks; the worker is ``xiangcun db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_job_task(job_id: int) -> str:
    """Import one uploaded file; the job row carries progress and the result."""
    from xiangcun.resources.imports import import_job_run

    job = import_job_run(job_id=job_id)
    return str(job.status)


@task()
def export_job_task(job_id: int) -> str:
    """Build one large resource export; the job row carries the status and the file."""
    from xiangcun.resources.exports import export_job_run

    job = export_job_run(job_id=job_id)
    return str(job.status)
