"""Large resource exports go through the task queue (issue 10, finding 8); small ones stay inline."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from xiangcun.core.errors import NotFoundError
from xiangcun.resources import jobs, selectors
from xiangcun.resources.models import ExportJob, ExportStatus, Resource
from xiangcun.resources.tests.factories import cadre_village, resource_create

pytestmark = pytest.mark.django_db


def _rows(data: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(data), read_only=True).active
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


@pytest.fixture
def village_url(users: dict[str, Any]) -> str:
    """Three household resources in the cadre's village (owner names masked for the public)."""
    village = cadre_village(users)
    for i in range(3):
        resource_create(users, name=f"导出测试{i}", owner_type="household", owner_name=f"张三{i}")
    return f"/resources/export.xlsx?village={village.code}"


def _rows_in(url: str, users: dict[str, Any]) -> int:
    """How many resources the village filter of ``url`` selects (the demo may hold some already)."""
    village = url.rsplit("=", 1)[1]
    return Resource.objects.filter(village_id=village).count()


def test_a_small_export_is_still_built_in_the_request(client_as, users, settings, village_url):
    settings.EXPORT_INLINE_MAX_ROWS = _rows_in(village_url, users)
    response = client_as("partner").get(village_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert not ExportJob.objects.exists()


def test_a_large_export_is_queued_and_its_file_has_the_inline_rows(
    client_as, users, settings, tmp_path, village_url, django_capture_on_commit_callbacks
):
    # Given the rows the inline export gives a non-official (owner names masked)
    settings.MEDIA_ROOT = tmp_path
    c = client_as("partner")
    settings.EXPORT_INLINE_MAX_ROWS = 10_000
    inline = _rows(c.get(village_url).content)
    cells = [str(cell) for row in inline[1:] for cell in row]
    assert not any(cell.startswith("张三") for cell in cells) and any(cell.startswith("张") for cell in cells)
    # When the same export is above the limit
    settings.EXPORT_INLINE_MAX_ROWS = _rows_in(village_url, users) - 1
    with django_capture_on_commit_callbacks(execute=True):
        response = c.get(village_url)
    # Then the browser goes to the job's progress page, and the task built the same rows
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/resources/export/{job.pk}/")
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.created_by == users["partner"]
    assert job.row_count == len(inline) - 1
    page = c.get(response["Location"]).content.decode()
    assert f"/resources/export/{job.pk}/resources.xlsx" in page
    download = c.get(f"/resources/export/{job.pk}/resources.xlsx")
    assert download.status_code == 200
    assert _rows(download.content) == inline


def test_an_officials_queued_export_keeps_their_unmasked_view(
    client_as, users, settings, tmp_path, village_url, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    c = client_as("cadre")
    url = village_url + "&mine=1"
    settings.EXPORT_INLINE_MAX_ROWS = 10_000
    inline = _rows(c.get(url).content)
    settings.EXPORT_INLINE_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        c.get(url)
    job = ExportJob.objects.get()
    assert job.filters["mine"] is True
    assert _rows(c.get(f"/resources/export/{job.pk}/resources.xlsx").content) == inline
    assert any(str(cell).startswith("张三") for row in inline[1:] for cell in row)


def test_another_user_gets_404_on_the_job_and_its_download(
    client_as, users, settings, tmp_path, village_url, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        client_as("partner").get(village_url)
    job = ExportJob.objects.get()
    for name in ("public", "city"):  # another visitor, even the city office
        other = Client()
        other.force_login(users[name])
        for suffix in ("", "status/", "resources.xlsx"):
            assert other.get(f"/resources/export/{job.pk}/{suffix}").status_code == 404
    with pytest.raises(NotFoundError):
        selectors.export_job_get_for(users["city"], job.pk)
    assert Client().get(f"/resources/export/{job.pk}/").status_code == 302  # anonymous: log in first


def test_anonymous_above_the_limit_gets_the_explanation_and_no_job(client, users, settings, village_url):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    response = client.get(village_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "缩小筛选范围" in page and "login" in page
    assert not ExportJob.objects.exists()


def test_a_crashed_job_is_marked_failed_when_its_page_is_viewed(client_as, users):
    # Given a running job whose worker stopped beating three minutes ago, and a job just queued
    job = ExportJob.objects.create(created_by=users["partner"], status=ExportStatus.RUNNING)
    fresh = ExportJob.objects.create(created_by=users["partner"], status=ExportStatus.QUEUED)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=3))
    c = client_as("partner")
    status = c.get(f"/resources/export/{fresh.pk}/status/")
    assert "hx-get" in status.content.decode()  # still polling
    page = c.get(f"/resources/export/{job.pk}/").content.decode()
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.finished_at is not None
    assert job.error == "导出任务中断（工作进程无响应），请重新导出"
    assert fresh.status == ExportStatus.QUEUED
    assert "hx-get" not in page
    assert c.get(f"/resources/export/{job.pk}/resources.xlsx").status_code == 302


def test_the_reaper_fails_exports_never_picked_up_or_without_heartbeat(users):
    # Given a job that waits in the queue, one running with a heartbeat and one running without
    queued = ExportJob.objects.create(created_by=users["partner"])
    beating = ExportJob.objects.create(
        created_by=users["partner"], status=ExportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    silent = ExportJob.objects.create(
        created_by=users["partner"],
        status=ExportStatus.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=5),
    )
    # When the reaper runs now, then two hours later
    now = jobs.jobs_reap()
    later = jobs.jobs_reap(now=timezone.now() + dt.timedelta(hours=2))
    # Then the silent job fails at once; the queued one (and the beating one, silent by then) later
    assert now.exports == 1 and later.exports == 2
    assert ExportJob.objects.get(pk=silent.pk).error == "导出任务中断（工作进程无响应），请重新导出"
    assert ExportJob.objects.get(pk=queued.pk).error == "导出超时，请重新导出"
    assert ExportJob.objects.get(pk=beating.pk).status == ExportStatus.FAILED
