"""Import villages and resources from xlsx/csv: validate every row first, report every error with its
place (sheet, row, column, Chinese message), then write all or nothing.

All or nothing without one long transaction (issue 11: a 30,000-row import held SQLite's write lock
for ~8 s, and every other write of the site failed meanwhile): the new resources are written in chunks
of ``CHUNK_ROWS`` to a staging table nobody reads (``ImportStagedResource``), each chunk its own short
transaction; one final short transaction writes the villages, applies the updates and copies the
staged batch into ``Resource`` with one ``INSERT … SELECT``. Readers see the import entirely or not at
all. If the process dies, the staged rows are garbage the reaper deletes (``jobs.py``).

``import_file`` does the work (the benchmarks call it directly); ``import_job_create`` stores an
upload as an ``ImportJob`` and runs it now (small files) or as a django-tasks task (``tasks.py``)
whose progress the job page polls; ``import_job_run`` is what the task calls, ``import_job_retry``
queues a failed job again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, can, require
from xiangcun.accounts.scoping import user_scope
from xiangcun.core import readcache
from xiangcun.core.audit import audit
from xiangcun.core.errors import ApplicationError
from xiangcun.core.pinyin import initials
from xiangcun.core.uploads import check_spreadsheet
from xiangcun.regions.models import Level, Region, Village
from xiangcun.resources import parsing, services, sheets
from xiangcun.resources.models import (
    ImportJob,
    ImportStatus,
    Resource,
)
from xiangcun.resources.schemas import CELL_RULES as RULES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Files up to this size are imported during the request; larger ones by the task queue.
INLINE_MAX_BYTES = 256 * 1024
MAX_REPORTED_PROBLEMS = 2000
PROGRESS_EVERY = 500
# New resources are staged this many per transaction: ~0.1 s each on SQLite, so that other writers
# (a notice being drafted, the task queue) wait at most that long while a large import writes.
CHUNK_ROWS = 1000

VILLAGE_FIELDS = (
    "name",
    "town",
    "county",
    "lng",
    "lat",
    "households",
    "population",
    "cultivated_land_mu",
    "featured_industry",
    "contact_name",
    "contact_phone",
    "pinyin_initials",
)
RESOURCE_FIELDS = (
    "name",
    "kind",
    "right",
    "owner_type",
    "owner_name",
    "area",
    "unit",
    "area_mu",
    "lng",
    "lat",
    "current_use",
    "permitted_use",
    "status",
    "description",
    "appraised_value",
    "appraised_on",
    "appraiser",
)


@dataclass
class Plan:
    villages_new: list[Village] = field(default_factory=list)
    villages_update: list[Village] = field(default_factory=list)
    resources_new: list[Resource] = field(default_factory=list)
    resources_update: list[Resource] = field(default_factory=list)


@dataclass
class Outcome:
    ok: bool
    problems: list[sheets.Problem]
    summary: dict[str, Any]


Progress = Callable[[int, int], None]


def _chunks(items: list[str], size: int = 900) -> Any:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Row:
    """Collects the problems of one row; each parse either returns a value or records a problem."""

    def __init__(
        self, table: sheets.Table, number: int, values: dict[str, Any], problems: list[sheets.Problem]
    ):
        self.table, self.number, self.values, self.problems = table, number, values, problems
        self.failed = False

    def get(self, key: str, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(self.values.get(key))
        except (parsing.FieldProblem, ValueError) as exc:
            message = exc.message if isinstance(exc, parsing.FieldProblem) else str(exc)
            self.fail(key, message)
            return None

    def fail(self, key: str, message: str) -> None:
        self.failed = True
        self.problems.append(self.table.problem(self.number, key, message))


def _count(value: Any, *, label: str) -> int | None:
    number = parsing.decimal(value, label=label, required=False, places=0)
    return int(number) if number is not None else None


def _validate_villages(
    table: sheets.Table, user: Any, problems: list[sheets.Problem], plan: Plan, tick: Callable[[], None]
) -> dict[str, tuple[str, str]]:
    """Villages of the sheet; returns {code: (county code, name)} of the valid ones."""
    codes = [str(v.get("code") or "").strip().removesuffix(".0") for _n, v in table.rows]
    towns_wanted = [str(v.get("town") or "").strip().removesuffix(".0") for _n, v in table.rows]
    existing: dict[str, Village] = {}
    for part in _chunks(sorted(set(codes))):
        existing.update({v.code: v for v in Village.objects.filter(code__in=part)})
    towns: dict[str, str] = {}
    for part in _chunks(sorted(set(towns_wanted))):
        towns.update(
            dict(Region.objects.filter(code__in=part, level=Level.TOWN).values_list("code", "parent_id"))
        )
    seen: dict[str, int] = {}
    valid: dict[str, tuple[str, str]] = {}
    for number, values in table.rows:
        tick()
        row = _Row(table, number, values, problems)
        code = row.get("code", parsing.village_code)
        name = row.get("name", lambda v: parsing.text(v, label="村名", max_length=40, required=True))
        town = row.get("town", lambda v: parsing.text(v, label="乡镇区划代码", max_length=12, required=True))
        lng = row.get("lng", lambda v: parsing.coordinate(v, label="经度", low=-180, high=180))
        lat = row.get("lat", lambda v: parsing.coordinate(v, label="纬度", low=-90, high=90))
        households = row.get("households", lambda v: _count(v, label="户数"))
        population = row.get("population", lambda v: _count(v, label="人口"))
        land = row.get("cultivated_land_mu", lambda v: parsing.decimal(v, label="耕地面积", required=False))
        industry = row.get("featured_industry", lambda v: parsing.text(v, label="特色产业", max_length=100))
        contact = row.get("contact_name", lambda v: parsing.text(v, label="联系人", max_length=40))
        phone = row.get("contact_phone", lambda v: parsing.text(v, label="联系电话", max_length=20))
        if code:
            if code in seen:
                row.fail("code", f"村级区划代码 {code} 与第 {seen[code]} 行重复")
            seen.setdefault(code, number)
            if not can(user, Capability.RESOURCE_IMPORT, code):
                row.fail("code", f"村 {code} 不在您的管辖范围内")
        county = None
        if town:
            town = town.removesuffix(".0")
            county = towns.get(town)
            if county is None:
                row.fail("town", f"乡镇区划代码 {town} 不存在")
            elif code and not code.startswith(town):
                row.fail("code", f"村级区划代码 {code} 应以所属乡镇的代码 {town} 开头")
        if (
            county
            and lng is not None
            and lat is not None
            and services.point_in_county(county, lng, lat) is False
        ):
            row.fail("lng", f"位置（{lng}, {lat}）不在{services.county_name(county)}境内")
        if row.failed or not code or not county:
            continue
        valid[code] = (county, name)
        village = existing.get(code) or Village(code=code, is_demo=False)
        village.name, village.town_id, village.county_id, village.lng, village.lat = (
            name,
            town,
            county,
            lng,
            lat,
        )
        village.pinyin_initials = initials(name)[:40]
        for attr, value in (
            ("households", households),
            ("population", population),
            ("cultivated_land_mu", land),
            ("featured_industry", industry),
            ("contact_name", contact),
            ("contact_phone", phone),
        ):
            if value not in (None, ""):
                setattr(village, attr, value)
        (plan.villages_update if code in existing else plan.villages_new).append(village)
    return valid


def _validate_resources(
    table: sheets.Table,
    user: Any,
    problems: list[sheets.Problem],
    plan: Plan,
    sheet_villages: dict[str, tuple[str, str]],
    tick: Callable[[], None],
) -> None:
    scope = user_scope(user)
    official = can(user, Capability.RESOURCE_IMPORT)
    codes = sorted({str(v.get("village") or "").strip().removesuffix(".0") for _n, v in table.rows})
    known: dict[str, tuple[str, str]] = {}
    for part in _chunks(codes):
        known.update(
            {
                c: (k, n)
                for c, k, n in Village.objects.filter(code__in=part).values_list("code", "county_id", "name")
            }
        )
    known.update(sheet_villages)
    ids: list[int] = []
    for _n, v in table.rows:
        raw = str(v.get("id") or "").strip().removesuffix(".0")
        if raw.isdigit():
            ids.append(int(raw))
    existing: dict[int, Resource] = {}
    for start in range(0, len(ids), 900):
        existing.update(Resource.objects.in_bulk(ids[start : start + 900]))
    now = timezone.now()
    seen_ids: dict[int, int] = {}
    for number, values in table.rows:
        tick()
        row = _Row(table, number, values, problems)
        pk = row.get(
            "id",
            lambda v: None if parsing.blank(v) else int(parsing.decimal(v, label="系统编号", places=0) or 0),
        )
        # The same rule per field as the form and the API (``schemas.CELL_RULES``).
        village = row.get("village", RULES["village"])
        name = row.get("name", RULES["name"])
        kind = row.get("kind", RULES["kind"])
        right = row.get("right", RULES["right"])
        owner_type = row.get("owner_type", RULES["owner_type"])
        owner_name = row.get("owner_name", RULES["owner_name"])
        area = row.get("area", RULES["area"])
        unit = row.get("unit", RULES["unit"])
        lng = row.get("lng", RULES["lng"])
        lat = row.get("lat", RULES["lat"])
        current_use = row.get("current_use", RULES["current_use"])
        permitted_use = row.get("permitted_use", RULES["permitted_use"])
        status = row.get("status", RULES["status"])
        description = row.get("description", RULES["description"])
        value = row.get("appraised_value", RULES["appraised_value"])
        appraised_on = row.get("appraised_on", sheets.cell_date)
        appraiser = row.get("appraiser", RULES["appraiser"])
        county = None
        if village:
            if village not in known:
                row.fail("village", f"村级区划代码 {village} 不存在（可在“村庄”工作表中一并导入）")
            elif not official or not scope.contains(village):
                row.fail("village", f"村 {village} 不在您的管辖范围内")
            else:
                county = known[village][0]
        if (
            county
            and lng is not None
            and lat is not None
            and services.point_in_county(county, lng, lat) is False
        ):
            row.fail(
                "lng",
                f"位置（经度 {lng}，纬度 {lat}）不在{known[village][1]}所在的{services.county_name(county)}境内",
            )
        resource: Resource | None = None
        if pk:
            resource = existing.get(pk)
            if resource is None:
                row.fail("id", f"系统编号 {pk} 不存在（新增资源请留空）")
            elif village and resource.village_id != village:
                row.fail("id", f"系统编号 {pk} 的资源属于村 {resource.village_id}，不能改到其他村")
            elif pk in seen_ids:
                row.fail("id", f"系统编号 {pk} 与第 {seen_ids[pk]} 行重复")
            seen_ids.setdefault(pk, number)
        if row.failed:
            continue
        assert area is not None and unit is not None
        fields: dict[str, Any] = {
            "name": name,
            "kind": kind,
            "right": right,
            "owner_type": owner_type,
            "owner_name": owner_name,
            "area": area,
            "unit": unit,
            "area_mu": parsing.area_in_mu(area, unit),
            "lng": lng,
            "lat": lat,
            "current_use": current_use,
            "permitted_use": permitted_use,
            "status": status,
            "description": description,
            "appraised_value": value,
            "appraised_on": appraised_on,
            "appraiser": appraiser,
        }
        if resource is not None:
            for attr, val in fields.items():
                setattr(resource, attr, val)
            resource.updated_at = now
            plan.resources_update.append(resource)
        else:
            plan.resources_new.append(
                Resource(village_id=village, created_by=user if getattr(user, "pk", None) else None, **fields)
            )


def validate(
    book: sheets.Book, *, user: Any, progress: Progress | None = None
) -> tuple[Plan, list[sheets.Problem]]:
    problems = list(book.problems)
    plan = Plan()
    total = book.total_rows
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)

    sheet_villages: dict[str, tuple[str, str]] = {}
    if sheets.VILLAGE_SHEET in book.tables:
        sheet_villages = _validate_villages(book.tables[sheets.VILLAGE_SHEET], user, problems, plan, tick)
    if sheets.RESOURCE_SHEET in book.tables:
        _validate_resources(book.tables[sheets.RESOURCE_SHEET], user, problems, plan, sheet_villages, tick)
    if progress is not None:
        progress(done, total)
    return plan, problems


# --------------------------------------------------------------------------------------------------
# Writing: chunks of staged rows, then one short final transaction (issue 11)
# --------------------------------------------------------------------------------------------------
class JobLost(Exception):
    """This run no longer owns its job (the reaper marked it failed after a missed heartbeat, or it was
    retried): it stops and commits nothing."""


@dataclass
class Run:
    """One run of an import: the staging ``batch`` its new rows are written under, the job it belongs
    to (None for a direct ``import_file``), and the longest write transaction it held (seconds).

    Every write of a job's run first moves the job's heartbeat, on the condition that the job is still
    this run's (same batch, still running); otherwise ``JobLost`` rolls that write back."""

    batch: str = field(default_factory=lambda: uuid.uuid4().hex)
    job_id: int | None = None
    longest_write: float = 0.0

    @contextmanager
    def write(self, **job_fields: Any) -> Iterator[None]:
        """One short write transaction, timed, with the job's heartbeat (and ``job_fields``) in it."""
        started = time.perf_counter()
        with transaction.atomic():
            if self.job_id is not None:
                now = timezone.now()
                owned = ImportJob.objects.filter(
                    pk=self.job_id, batch=self.batch, status__in=RUNNING_STATES
                ).update(heartbeat_at=now, updated_at=now, **job_fields)
                if not owned:
                    raise JobLost(self.job_id)
            yield
        self.longest_write = max(self.longest_write, time.perf_counter() - started)

    def beat(self) -> None:
        """The heartbeat alone (while the file is read)."""
        if self.job_id is not None:
            with self.write():
                pass


RUNNING_STATES = (ImportStatus.VALIDATING, ImportStatus.WRITING)


def write(plan: Plan, run: Run, *, finish: Callable[[dict[str, int]], None] | None = None) -> dict[str, int]:
    """All or nothing, without one long transaction: new resources are staged ``CHUNK_ROWS`` at a
    time (each chunk its own transaction, invisible to readers), updates are turned into parameter
    rows outside any transaction; the final transaction then writes the villages, applies the updates
    and copies the staged batch into ``Resource`` — only SQL, no Python per row. ``finish`` runs in
    that same transaction (the job's final state commits with its data)."""
    new = plan.resources_new
    try:
        for start in range(0, len(new), CHUNK_ROWS):
            # Prepared outside the transaction: between two chunks, other writers get the lock.
            chunk = services.resources_stage_prepare(new[start : start + CHUNK_ROWS], start=start)
            with run.write():
                services.resources_stage(batch=run.batch, chunk=chunk)
        update = services.resources_update_prepare(plan.resources_update, [*RESOURCE_FIELDS, "updated_at"])
        with run.write():
            Village.objects.bulk_create(plan.villages_new, batch_size=1000)
            if plan.villages_update:
                Village.objects.bulk_update(plan.villages_update, list(VILLAGE_FIELDS), batch_size=1000)
            updated = services.resources_update_apply(update)
            created = services.resources_commit_staged(batch=run.batch, expected=len(new))
            counts = {
                "villages_created": len(plan.villages_new),
                "villages_updated": len(plan.villages_update),
                "resources_created": created,
                "resources_updated": updated,
            }
            if finish is not None:
                finish(counts)
    finally:
        # Committed or not, the staged rows have served (a killed process leaves them to the reaper).
        services.resources_staged_discard(batch=run.batch)
    return counts


def import_file(
    *,
    user: Any,
    data: bytes,
    filename: str,
    progress: Progress | None = None,
    run: Run | None = None,
    finish: Callable[[dict[str, Any]], None] | None = None,
) -> Outcome:
    """Read, validate whole, and write all or nothing. Never raises for bad content: it reports.
    ``finish(summary)`` runs inside the final write transaction (a job records its result there)."""
    started = time.perf_counter()
    run = run or Run()
    try:
        check_spreadsheet(data, filename)
    except ApplicationError as exc:
        return Outcome(False, [sheets.Problem("", 0, "", "", exc.message)], {"rows": 0})
    try:
        book = sheets.read(data, filename, tick=run.beat)
    except sheets.FileProblem as exc:
        return Outcome(False, [sheets.Problem("", 0, "", "", exc.message)], {"rows": 0})
    plan, problems = validate(book, user=user, progress=progress)
    summary: dict[str, Any] = {"rows": book.total_rows, "problems": len(problems)}
    if problems:
        summary["seconds"] = round(time.perf_counter() - started, 2)
        return Outcome(False, problems, summary)
    validated = time.perf_counter()

    def done(counts: dict[str, int]) -> None:
        summary.update(counts)
        summary["seconds"] = round(time.perf_counter() - started, 2)
        if finish is not None:
            finish(summary)
        # Last in the final transaction: one entry for the whole import, not one per row.
        audit(
            actor=user,
            action="resources.import",
            target=("resources.importjob", run.job_id) if run.job_id else ("resources.import", run.batch),
            region_code=getattr(user, "region_code", ""),
            data={"file": filename, "batch": run.batch, **counts},
        )
        if counts["villages_created"] or counts["villages_updated"]:
            # Villages changed too: their cached reads (after audit(), see core/readcache.py).
            readcache.changed("regions")

    write(plan, run, finish=done)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    summary["write_seconds"] = round(time.perf_counter() - validated, 2)
    summary["longest_write_ms"] = round(run.longest_write * 1000, 1)
    return Outcome(True, [], summary)


# --------------------------------------------------------------------------------------------------
# Jobs: an upload, its progress and its result
# --------------------------------------------------------------------------------------------------
def _require_official(user: Any) -> None:
    require(user, Capability.RESOURCE_IMPORT)


def import_job_create(*, user: Any, upload: UploadedFile) -> ImportJob:
    """Store the upload as a job; small files are imported at once, larger ones by the task queue."""
    _require_official(user)
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith((".xlsx", ".csv")):
        raise ApplicationError("只能导入 .xlsx 或 .csv 文件（旧版 .xls 请另存为 .xlsx）", field="file")
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ApplicationError("文件不能超过 20 MB，请分批导入", field="file")
    if not upload.size:
        raise ApplicationError("文件为空", field="file")
    check_spreadsheet(upload.read(), name)
    upload.seek(0)
    with transaction.atomic():
        job = ImportJob(created_by=user, original_name=name, batch=uuid.uuid4().hex)
        job.file.save(name, upload, save=False)
        job.save()
        inline = _queue_unless_small(job)
    if inline:
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _queue_unless_small(job: ImportJob) -> bool:
    """Queue ``job`` on the task queue after the commit (its task id kept on the job, so that the
    reaper can close the task too), unless its file is small: then True, and the caller runs it
    itself once its transaction is over. Call inside the transaction that (re)queued the job."""
    if job.file.size <= INLINE_MAX_BYTES:
        return True
    job_id = job.pk

    def enqueue() -> None:
        from xiangcun.resources.tasks import import_job_task

        result = import_job_task.enqueue(job_id=job_id)
        ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return False


def import_job_retry(*, user: Any, job: ImportJob) -> ImportJob:
    """Queue a failed job again (its creator, or an official whose region holds the creator's: the
    access function ``import_job_get_for(..., write=True)`` checked that). The file is validated and
    written afresh with its creator's rights, under a new batch: a presumed-dead run of the old one
    can no longer commit anything."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.FAILED:
            raise ApplicationError("只有失败的导入任务可以重新运行", field="job")
        if not job.file or not job.file.storage.exists(str(job.file.name)):
            raise ApplicationError("导入文件已不存在，请重新上传", field="job")
        old_batch = job.batch
        job.status, job.batch, job.task_id = ImportStatus.QUEUED, uuid.uuid4().hex, ""
        job.errors, job.summary, job.processed_rows, job.total_rows = [], {}, 0, 0
        job.heartbeat_at = job.finished_at = None
        job.save(
            update_fields=[
                "status",
                "batch",
                "task_id",
                "errors",
                "summary",
                "processed_rows",
                "total_rows",
                "heartbeat_at",
                "finished_at",
                "updated_at",
            ]
        )
        audit(
            actor=user, action="import.retry", target=job, data={"old_batch": old_batch, "batch": job.batch}
        )
        inline = _queue_unless_small(job)
    if old_batch:
        services.resources_staged_discard(batch=old_batch)
    if inline:
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run one job (the task calls this): progress and heartbeats as it validates and writes, then the
    result, committed with the data. A job that is not queued (another run owns it, or it is finished)
    is left alone."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED, batch=job.batch).update(
        status=ImportStatus.VALIDATING, heartbeat_at=now, updated_at=now
    ):
        job.refresh_from_db()
        return job
    run = Run(batch=job.batch or uuid.uuid4().hex, job_id=job.pk)
    if not job.batch:  # a job queued before batches existed
        ImportJob.objects.filter(pk=job.pk).update(batch=run.batch)

    def progress(done: int, total: int) -> None:
        status = ImportStatus.WRITING if done >= total else ImportStatus.VALIDATING
        with run.write(total_rows=total, processed_rows=done, status=status):
            pass

    def finish(summary: dict[str, Any]) -> None:
        rows = summary.get("rows", 0)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            total_rows=rows,
            processed_rows=rows,
            errors=[],
            summary=summary,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )

    mine = ImportJob.objects.filter(pk=job.pk, batch=run.batch, status__in=RUNNING_STATES)
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        outcome = import_file(
            user=job.created_by,
            data=data,
            filename=job.original_name,
            progress=progress,
            run=run,
            finish=finish,
        )
    except JobLost:
        raise  # the reaper (or a retry) has the job now: nothing to record
    except ApplicationError as exc:  # refused while writing (a row deleted meanwhile): a result
        mine.update(
            status=ImportStatus.FAILED,
            errors=[{"sheet": "", "row": 0, "column": "", "header": "", "message": exc.message_zh}],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    except Exception as exc:  # an unexpected failure: record it on the job (the task's error is logged too)
        mine.update(
            status=ImportStatus.FAILED,
            errors=[{"sheet": "", "row": 0, "column": "", "header": "", "message": f"导入失败：{exc}"}],
            finished_at=timezone.now(),
        )
        raise
    now = timezone.now()
    if outcome.ok:
        # The result committed with the data; the timings of the write are known only now.
        ImportJob.objects.filter(pk=job.pk, batch=run.batch).update(summary=outcome.summary)
    else:
        mine.update(
            status=ImportStatus.REJECTED,
            total_rows=outcome.summary.get("rows", 0),
            processed_rows=outcome.summary.get("rows", 0),
            errors=[p.as_dict() for p in outcome.problems[:MAX_REPORTED_PROBLEMS]],
            summary=outcome.summary,
            finished_at=now,
            updated_at=now,
        )
    job.refresh_from_db()
    return job
