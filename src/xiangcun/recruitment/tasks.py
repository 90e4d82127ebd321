"""Background tasks of recruitment (django-tasks; the worker is ``xiangcun db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def close_expired_notices_task() -> int:
    """The daily close of published notices whose deadline has passed (``services.notice_close_expired``):
    run by ``xiangcun notices close-expired`` from cron, or enqueued with ``--enqueue``."""
    from xiangcun.recruitment.services import notice_close_expired

    return len(notice_close_expired())
