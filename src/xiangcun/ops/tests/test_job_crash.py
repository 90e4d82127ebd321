"""kill -9 of the task-queue worker during a 30,000-row import (issue 11): nothing of the import is
visible, the job ends as failed within the heartbeat window with a message that says what happened,
the task queue's row is closed, and a retry from the job's page imports everything."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from xiangcun.accounts.models import User
from xiangcun.ops.tests.conftest import resource_csv, wait_for
from xiangcun.resources import imports
from xiangcun.resources.jobs import IMPORT_LOST
from xiangcun.resources.models import ImportJob, ImportStagedResource, ImportStatus, Resource

ROWS = 30_000
HEARTBEAT = 5  # seconds, for the test (production: 120)


@pytest.mark.slow
@pytest.mark.django_db
def test_a_killed_worker_leaves_no_rows_its_job_fails_in_time_and_a_retry_imports_it(scratch_db, settings):
    # Given a 30,000-row upload queued on the database task queue, and a worker running it
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOB_HEARTBEAT_TIMEOUT = HEARTBEAT
    county = User.objects.get(username="county")
    before = Resource.objects.count()
    upload = SimpleUploadedFile("台账.csv", resource_csv(ROWS), content_type="text/csv")
    job = imports.import_job_create(user=county, upload=upload)
    assert job.status == ImportStatus.QUEUED and job.task_id
    worker = scratch_db.worker(JOB_HEARTBEAT_TIMEOUT=str(HEARTBEAT))
    browser = Client()
    browser.force_login(county)
    # (the first request loads the URLconf, ~5 s: not while the clock runs)
    assert browser.get(f"/resources/import/{job.pk}/").status_code == 200

    # When it is killed (SIGKILL: no clean-up of any kind) while writing, 5,000 rows staged
    wait_for(lambda: ImportStagedResource.objects.filter(batch=job.batch).count() >= 5000, timeout=120)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    killed = time.monotonic()

    # Then no resource of the import exists, and the job still says it is writing
    assert Resource.objects.count() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.WRITING
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.RUNNING

    # And the job's page, polled as the browser does, shows it failed within the heartbeat window
    def failed() -> bool:
        response = browser.get(f"/resources/import/{job.pk}/status/")
        return response.headers.get("HX-Redirect") is not None

    last_beat = ImportJob.objects.get(pk=job.pk).heartbeat_at
    wait_for(failed, timeout=HEARTBEAT + 10, every=0.25)
    noticed = time.monotonic() - killed
    job.refresh_from_db()
    silent = (job.finished_at - last_beat).total_seconds()
    print(
        f"job failed {noticed:.2f} s after the kill, {silent:.2f} s after its last heartbeat (timeout {HEARTBEAT} s)"
    )
    assert HEARTBEAT <= silent <= HEARTBEAT + 3, silent  # not before the timeout, and promptly after
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["message"] == IMPORT_LOST
    assert Resource.objects.count() == before  # the partial work is gone, never seen
    assert not ImportStagedResource.objects.filter(batch=job.batch).exists()
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED
    page = browser.get(f"/resources/import/{job.pk}/result/").content.decode()
    assert "导入任务中断（工作进程无响应），未写入任何数据，可重新运行" in page and "重新运行导入" in page

    # When the county official retries it from the page and a worker runs again
    response = browser.post(f"/resources/import/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and job.task_id
    scratch_db.worker(JOB_HEARTBEAT_TIMEOUT=str(HEARTBEAT))

    # Then every row is imported, once
    retried = time.monotonic()
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, timeout=180, every=0.25)
    print(f"retry imported {ROWS} rows in {time.monotonic() - retried:.1f} s")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert job.summary["resources_created"] == ROWS
    assert Resource.objects.count() == before + ROWS
    assert Resource.objects.filter(name__contains="批量资源").count() == ROWS
    # After the commit, the worker clears the staged rows and closes its task.
    wait_for(lambda: not ImportStagedResource.objects.exists(), timeout=30)
    wait_for(
        lambda: DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.SUCCESSFUL, timeout=30
    )
