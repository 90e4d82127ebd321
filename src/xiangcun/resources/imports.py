"""Import villages and resources from xlsx/csv: validate every row first, report every error with its
place (sheet, row, column, Chinese message), then write all or nothing in one transaction.

``import_file`` does the work (the benchmarks call it directly); ``import_job_create`` stores an
upload as an ``ImportJob`` and runs it now (small files) or as a django-tasks task (``tasks.py``)
whose progress the job page polls; ``import_job_run`` is what the task calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, can, require
from xiangcun.accounts.scoping import user_scope
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


@transaction.atomic
def write(plan: Plan) -> dict[str, int]:
    """Write everything in one transaction (all or nothing)."""
    Village.objects.bulk_create(plan.villages_new, batch_size=1000)
    if plan.villages_update:
        Village.objects.bulk_update(plan.villages_update, list(VILLAGE_FIELDS), batch_size=1000)
    created = services.resources_bulk_create(plan.resources_new)
    updated = services.resources_bulk_update(plan.resources_update, [*RESOURCE_FIELDS, "updated_at"])
    return {
        "villages_created": len(plan.villages_new),
        "villages_updated": len(plan.villages_update),
        "resources_created": created,
        "resources_updated": updated,
    }


def import_file(*, user: Any, data: bytes, filename: str, progress: Progress | None = None) -> Outcome:
    """Read, validate whole, and write all or nothing. Never raises for bad content: it reports."""
    started = time.perf_counter()
    try:
        check_spreadsheet(data, filename)
    except ApplicationError as exc:
        return Outcome(False, [sheets.Problem("", 0, "", "", exc.message)], {"rows": 0})
    try:
        book = sheets.read(data, filename)
    except sheets.FileProblem as exc:
        return Outcome(False, [sheets.Problem("", 0, "", "", exc.message)], {"rows": 0})
    plan, problems = validate(book, user=user, progress=progress)
    summary: dict[str, Any] = {"rows": book.total_rows, "problems": len(problems)}
    if problems:
        summary["seconds"] = round(time.perf_counter() - started, 2)
        return Outcome(False, problems, summary)
    summary.update(write(plan))
    summary["seconds"] = round(time.perf_counter() - started, 2)
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
    inline = (upload.size or 0) <= INLINE_MAX_BYTES
    with transaction.atomic():
        job = ImportJob(created_by=user, original_name=name)
        job.file.save(name, upload, save=False)
        job.save()
        if not inline:
            from xiangcun.resources.tasks import import_job_task

            job_id = job.pk
            transaction.on_commit(lambda: import_job_task.enqueue(job_id=job_id))
    if inline:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run one job (the task calls this): progress as it validates, then the result."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, updated_at=timezone.now())

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            total_rows=total,
            processed_rows=done,
            status=ImportStatus.WRITING if done >= total else ImportStatus.VALIDATING,
            updated_at=timezone.now(),
        )

    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        outcome = import_file(user=job.created_by, data=data, filename=job.original_name, progress=progress)
    except Exception as exc:  # an unexpected failure: record it on the job (the task's error is logged too)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            errors=[{"sheet": "", "row": 0, "column": "", "header": "", "message": f"导入失败：{exc}"}],
            finished_at=timezone.now(),
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE if outcome.ok else ImportStatus.REJECTED,
        total_rows=outcome.summary.get("rows", 0),
        processed_rows=outcome.summary.get("rows", 0),
        errors=[p.as_dict() for p in outcome.problems[:MAX_REPORTED_PROBLEMS]],
        summary=outcome.summary,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def import_job_get_for(user: Any, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or (
        job.created_by_id != getattr(user, "pk", None) and not getattr(user, "is_superuser", False)
    ):
        from xiangcun.core.errors import NotFoundError

        raise NotFoundError("导入任务不存在")
    return job
