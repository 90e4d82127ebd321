"""Imports written in chunks and published at once, heartbeats, the reaper and the retry (issue 11).

The crash of a real worker process and writes during a real import are in ``ops/tests``; these are the
rules, one at a time, in the test's own transaction."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from xiangcun.accounts.models import User
from xiangcun.core.errors import ApplicationError, NotFoundError
from xiangcun.regions.models import Village
from xiangcun.resources import imports, jobs, selectors, services, spatial
from xiangcun.resources.models import (
    ImportJob,
    ImportStagedResource,
    ImportStatus,
    Resource,
)
from xiangcun.resources.tests.test_imports import HEADERS, _row

pytestmark = pytest.mark.django_db


def _csv(rows: list[list[object]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


def _villages(n: int) -> list[Village]:
    return list(Village.objects.filter(county_id="371502").order_by("code")[:n])


def _failed_job(user, settings, tmp_path, rows: int = 3) -> ImportJob:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    village = Village.objects.get(code=User.objects.get(username="cadre").region_code)
    data = _csv([_row(village, 资源名称=f"重试资源{i}") for i in range(rows)])
    job = ImportJob(created_by=user, original_name="r.csv", status=ImportStatus.FAILED, batch="old")
    job.file.save("r.csv", SimpleUploadedFile("r.csv", data), save=False)
    job.errors = [{"sheet": "", "row": 0, "column": "", "header": "", "message": jobs.IMPORT_LOST}]
    job.save()
    return job


def test_the_staging_table_has_every_column_an_import_copies_into_resource():
    # The final INSERT … SELECT copies columns by name: a new Resource column must be staged too.
    staged = {f.column: f for f in ImportStagedResource._meta.concrete_fields}
    for field in Resource._meta.concrete_fields:
        if field.column in ("id", "created_at", "updated_at"):
            continue
        assert field.column in staged, f"ImportStagedResource lacks {field.column}"
        # (a foreign key's db_type is its target's column type)
        assert staged[field.column].db_type(connection) == field.db_type(connection), field.column


def test_staged_rows_are_invisible_until_the_final_commit_publishes_them_all(users):
    # Given 2,500 new resources of one import, staged in three chunks
    village = _villages(1)[0]
    before = Resource.objects.count()
    new = [
        Resource(village_id=village.code, name=f"暂存{i}", kind="pond", area=1, unit="mu", area_mu=1,
                 lng=village.lng, lat=village.lat)
        for i in range(2500)
    ]  # fmt: skip
    for start in range(0, len(new), imports.CHUNK_ROWS):
        chunk = services.resources_stage_prepare(new[start : start + imports.CHUNK_ROWS], start=start)
        services.resources_stage(batch="b1", chunk=chunk)
    # Then no reader sees any of them: not the list, not the map's bbox query
    box = (village.lng - 0.01, village.lat - 0.01, village.lng + 0.01, village.lat + 0.01)
    assert Resource.objects.count() == before
    assert not spatial.bbox_filter(Resource.objects.filter(name__startswith="暂存"), box).exists()
    # When the batch is committed, Then all of them appear at once, in file order, on the map too
    assert services.resources_commit_staged(batch="b1", expected=2500) == 2500
    names = list(
        Resource.objects.filter(name__startswith="暂存").order_by("id").values_list("name", flat=True)
    )
    assert names == [f"暂存{i}" for i in range(2500)]
    assert spatial.bbox_filter(Resource.objects.filter(name__startswith="暂存"), box).count() == 2500
    # And a batch that lost rows (the reaper deleted them) is never published in part
    services.resources_stage(batch="b2", chunk=services.resources_stage_prepare(new[:10], start=0))
    with pytest.raises(RuntimeError):
        services.resources_commit_staged(batch="b2", expected=11)
    assert services.resources_staged_discard(batch="b1") == 2500
    assert services.resources_staged_discard(batch="b2") == 10
    assert not ImportStagedResource.objects.exists()


def test_a_discarded_batch_leaves_no_point_in_the_spatial_index(users):
    if not spatial.uses_rtree():
        pytest.skip("PostgreSQL's index follows the table by itself")
    village = _villages(1)[0]
    new = [
        Resource(village_id=village.code, name="弃", kind="pond", area=1, unit="mu", area_mu=1,
                 lng=village.lng, lat=village.lat)
        for _ in range(5)
    ]  # fmt: skip
    services.resources_stage(batch="gone", chunk=services.resources_stage_prepare(new, start=0))
    ids = list(ImportStagedResource.objects.filter(batch="gone").values_list("resource_id", flat=True))
    services.resources_staged_discard(batch="gone")
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"SELECT count(*) FROM {spatial.RTREE} WHERE id IN ({marks})", ids)
        assert cursor.fetchone()[0] == 0


def test_an_import_records_its_longest_write_and_leaves_no_staged_rows(users):
    villages = _villages(3)
    data = _csv([_row(villages[i % 3], 资源名称=f"分块{i}") for i in range(2300)])
    outcome = imports.import_file(user=users["county"], data=data, filename="big.csv")
    assert outcome.ok, outcome.problems[:3]
    assert outcome.summary["resources_created"] == 2300
    assert 0 < outcome.summary["longest_write_ms"] < outcome.summary["write_seconds"] * 1000 + 1
    assert Resource.objects.filter(name__startswith="分块").count() == 2300
    assert not ImportStagedResource.objects.exists()


def test_a_run_whose_job_was_reaped_stops_and_commits_nothing(users, settings, tmp_path):
    # Given a job running (validating) whose heartbeat is older than the timeout
    settings.MEDIA_ROOT = tmp_path
    settings.JOB_HEARTBEAT_TIMEOUT = 60
    village = _villages(1)[0]
    data = _csv([_row(village, 资源名称=f"迟到{i}") for i in range(1200)])
    job = ImportJob(created_by=users["county"], original_name="late.csv", batch="late")
    job.file.save("late.csv", SimpleUploadedFile("late.csv", data), save=False)
    job.save()
    reaped: list[bool] = []

    def reap_midway(done: int, total: int) -> None:
        # the reaper comes while the run validates (its worker seemed dead for over a minute)
        if not reaped:
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=2))
            reaped.append(jobs.import_job_reap(job=ImportJob.objects.get(pk=job.pk)))
        real_progress(done, total)

    run = imports.Run(batch="late", job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)

    def real_progress(done: int, total: int) -> None:
        with run.write(processed_rows=done, total_rows=total):
            pass

    # When the run goes on, Then its next write finds the job no longer its own and stops
    with pytest.raises(imports.JobLost):
        imports.import_file(
            user=users["county"], data=data, filename="late.csv", progress=reap_midway, run=run
        )
    assert reaped == [True]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.errors[0]["message"] == jobs.IMPORT_LOST
    assert not Resource.objects.filter(name__startswith="迟到").exists()


def test_the_reaper_leaves_beating_and_finished_jobs_alone(users, settings):
    settings.JOB_HEARTBEAT_TIMEOUT = 120
    now = timezone.now()
    beating = ImportJob.objects.create(
        created_by=users["county"], file="x.csv", status=ImportStatus.WRITING, heartbeat_at=now
    )
    silent = ImportJob.objects.create(
        created_by=users["county"],
        file="y.csv",
        status=ImportStatus.WRITING,
        heartbeat_at=now - dt.timedelta(minutes=3),
        batch="silent",
    )
    done = ImportJob.objects.create(
        created_by=users["county"],
        file="z.csv",
        status=ImportStatus.DONE,
        heartbeat_at=now - dt.timedelta(days=1),
    )
    ImportStagedResource.objects.create(
        batch="silent", seq=0, name="x", kind="pond", right="ownership", owner_type="collective", area=1,
        unit="mu", area_mu=1, village_id=_villages(1)[0].code, lng=115.9, lat=36.4, status="available",
    )  # fmt: skip
    result = jobs.jobs_reap()
    assert result.imports == 1
    statuses = dict(
        ImportJob.objects.filter(pk__in=[beating.pk, silent.pk, done.pk]).values_list("pk", "status")
    )
    assert statuses == {beating.pk: "writing", silent.pk: "failed", done.pk: "done"}
    assert not ImportStagedResource.objects.filter(batch="silent").exists()
    # Two minutes later the one that was beating has gone quiet too
    assert jobs.jobs_reap(now=now + dt.timedelta(minutes=2, seconds=1)).imports == 1


def test_a_failed_import_is_retried_by_its_creator_or_an_official_of_the_creators_region(
    users, settings, tmp_path
):
    # Given a failed import of the cadre's
    job = _failed_job(users["cadre"], settings, tmp_path)
    # Then the cadre, and the town, county and city above, may see and retry it; others may not
    for name in ("cadre", "town", "county", "city"):
        assert selectors.import_job_get_for(users[name], job.pk, write=True).pk == job.pk
    for name in ("county2", "partner", "public"):
        with pytest.raises(NotFoundError):
            selectors.import_job_get_for(users[name], job.pk, write=True)
    # When the county official retries it
    retried = imports.import_job_retry(user=users["county"], job=job)
    # Then it runs again as the cadre's import (a small file: at once) and succeeds
    assert retried.status == ImportStatus.DONE, retried.errors
    assert retried.batch != "old" and retried.summary["resources_created"] == 3
    created_by = set(
        Resource.objects.filter(name__startswith="重试资源").values_list("created_by", flat=True)
    )
    assert created_by == {users["cadre"].pk}
    # And a job that is not failed cannot be retried
    with pytest.raises(ApplicationError) as refused:
        imports.import_job_retry(user=users["county"], job=retried)
    assert refused.value.message_zh == "只有失败的导入任务可以重新运行"


def test_the_retry_button_is_on_the_failed_jobs_page_and_refused_to_others(
    client_as, users, settings, tmp_path
):
    job = _failed_job(users["county"], settings, tmp_path)
    page = client_as("county").get(f"/resources/import/{job.pk}/result/").content.decode()
    assert "导入任务中断（工作进程无响应），未写入任何数据，可重新运行" in page
    assert f'action="/resources/import/{job.pk}/retry/"' in page
    other = Client()
    other.force_login(users["county2"])
    assert other.post(f"/resources/import/{job.pk}/retry/").status_code == 404
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED
    response = client_as("county").post(f"/resources/import/{job.pk}/retry/")
    assert response.status_code == 302
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE


def test_a_retry_of_a_job_whose_file_is_gone_says_so(users, settings, tmp_path):
    job = _failed_job(users["county"], settings, tmp_path)
    job.file.delete(save=False)
    with pytest.raises(ApplicationError) as refused:
        imports.import_job_retry(user=users["county"], job=job)
    assert refused.value.message_zh == "导入文件已不存在，请重新上传"


def test_the_reap_command_says_what_it_marked(users, settings):
    from django.core.management import call_command

    settings.JOB_HEARTBEAT_TIMEOUT = 120
    ImportJob.objects.create(
        created_by=users["county"],
        file="q.csv",
        status=ImportStatus.VALIDATING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=5),
    )
    out = io.StringIO()
    call_command("jobs", "reap", stdout=out)
    assert "1 个导入 imports" in out.getvalue()
    quiet = io.StringIO()
    call_command("jobs", "reap", stdout=quiet)
    assert quiet.getvalue() == ""  # nothing to do, nothing said (it runs every minute)
