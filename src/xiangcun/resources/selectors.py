"""Reads of resources: filtered lists, one resource, the map's GeoJSON (points or grid clusters), and
county figures for the choropleth. Resources are public; the owner's name is masked for a household
unless the reader governs the village."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, F, FloatField, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, Floor, Substr

from xiangcun.accounts.permissions import Capability, can, governs, require
from xiangcun.accounts.scoping import user_scope
from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError, Msg, NotFoundError
from xiangcun.core.masking import mask_name
from xiangcun.resources import spatial
from xiangcun.resources.models import ExportJob, ImportJob, OwnerType, Resource, ResourceStatus

# Below this zoom the map API answers with grid clusters (unless the filter leaves few resources).
CLUSTER_BELOW_ZOOM = 13
# At most this many points in one answer (~330 KB); more and the server clusters whatever the zoom.
MAX_POINTS = 1500
# Boxes up to this many square degrees go through the spatial index (see resource_geojson).
INDEX_MAX_BOX_DEG2 = 0.5
# Few enough to send as points at any zoom.
POINTS_ALWAYS_UNDER = 500
# Grid cell of a cluster, in screen pixels (Leaflet's 256-px tiles: 360° / 256 / 2^zoom per pixel).
CLUSTER_CELL_PX = 64


@dataclass(frozen=True)
class ResourceFilters:
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    county: str = ""
    village: str = ""
    area_min: Decimal | None = None
    area_max: Decimal | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ResourceFilters:
        """From a QueryDict or a mapping (``kind`` and ``status`` repeated or comma-separated)."""

        def many(name: str) -> tuple[str, ...]:
            if hasattr(params, "getlist"):
                values = params.getlist(name)
            else:
                raw = params.get(name)
                values = raw if isinstance(raw, list | tuple) else [raw] if raw else []
            out: list[str] = []
            for v in values:
                out.extend(p.strip() for p in str(v).split(",") if p.strip())
            return tuple(out)

        def number(name: str) -> Decimal | None:
            raw = str(params.get(name) or "").strip()
            if not raw:
                return None
            try:
                value = Decimal(raw)
            except Exception:
                raise ApplicationError(Msg("面积范围应为数字", name=name), field=name) from None
            if not value.is_finite() or value < 0:
                raise ApplicationError(Msg("面积范围应为非负数", name=name), field=name)
            return value

        kinds = many("kind")
        for k in kinds:
            if k not in vocab.codes(vocab.RESOURCE_KINDS):
                raise ApplicationError(Msg("未知的资源类型：{k}", k=k), field="kind")
        statuses = many("status")
        for s in statuses:
            if s not in ResourceStatus.values:
                raise ApplicationError(Msg("未知的资源状态：{s}", s=s), field="status")
        county = str(params.get("county") or "").strip()
        if county and (len(county) != 6 or not county.isdigit()):
            raise ApplicationError("县级区划代码应为 6 位数字", field="county")
        village = str(params.get("village") or "").strip()
        if village and (len(village) != 12 or not village.isdigit()):
            raise ApplicationError("村级区划代码应为 12 位数字", field="village")
        return cls(
            kind=kinds,
            status=statuses,
            county=county,
            village=village,
            area_min=number("area_min"),
            area_max=number("area_max"),
            q=str(params.get("q") or "").strip()[:40],
        )

    def as_query(self) -> list[tuple[str, str]]:
        pairs = [("kind", k) for k in self.kind] + [("status", s) for s in self.status]
        for name in ("county", "village", "area_min", "area_max", "q"):
            value = getattr(self, name)
            if value not in (None, ""):
                pairs.append((name, str(value)))
        return pairs

    def as_json(self) -> dict[str, Any]:
        """The filters as JSON (an export job keeps them); ``from_params`` reads them back."""
        return {
            "kind": list(self.kind),
            "status": list(self.status),
            "county": self.county,
            "village": self.village,
            "area_min": None if self.area_min is None else str(self.area_min),
            "area_max": None if self.area_max is None else str(self.area_max),
            "q": self.q,
        }


def resource_filter(qs: QuerySet[Resource], f: ResourceFilters) -> QuerySet[Resource]:
    if f.kind:
        qs = qs.filter(kind__in=f.kind)
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.village:
        qs = qs.filter(village_id=f.village)
    elif f.county:
        qs = qs.filter(village__code__startswith=f.county)
    if f.area_min is not None:
        qs = qs.filter(area_mu__gte=f.area_min)
    if f.area_max is not None:
        qs = qs.filter(area_mu__lte=f.area_max)
    if f.q:
        qs = qs.filter(
            Q(name__icontains=f.q)
            | Q(current_use__icontains=f.q)
            | Q(permitted_use__icontains=f.q)
            | Q(village__name__icontains=f.q)
        )
    return qs


def resource_list(filters: ResourceFilters | None = None) -> QuerySet[Resource]:
    qs = Resource.objects.select_related("village", "village__county", "village__town")
    return resource_filter(qs, filters or ResourceFilters()).order_by("village_id", "id")


def resource_list_for(user: Any, filters: ResourceFilters | None = None) -> QuerySet[Resource]:
    """Only the resources in the user's region (their desk, their export)."""
    return user_scope(user).filter(resource_list(filters), "village__code")


def resource_get(pk: int) -> Resource:
    """The resource, unchecked: for services and selectors. Pages and API use ``resource_get_for``."""
    resource = (
        Resource.objects.select_related("village", "village__county", "village__town").filter(pk=pk).first()
    )
    if resource is None:
        raise NotFoundError(Msg("资源 {pk} 不存在", pk=pk), field="id")
    return resource


def resource_get_for(user: Any, pk: int, *, write: bool = False) -> Resource:
    """A resource: public to read (``owner_name_for`` masks a household owner); ``write`` needs
    ``RESOURCE_EDIT`` in a region containing its village."""
    resource = resource_get(pk)
    if write:
        require(user, Capability.RESOURCE_EDIT, resource.region_code,
                message="该资源所在的村不在您的管辖范围内，不能修改。")  # fmt: skip
    return resource


def resource_editable(user: Any, resource: Resource) -> bool:
    """Whether ``user`` may edit ``resource`` (for the edit button and the API's ``can_edit``)."""
    return can(user, Capability.RESOURCE_EDIT, resource.region_code)


def export_job_get_for(user: Any, pk: int) -> ExportJob:
    """The export job, for its creator only: anyone else (even an official) gets ``NotFoundError``."""
    job = ExportJob.objects.filter(pk=pk).first()
    if job is None or not getattr(user, "is_authenticated", False) or job.created_by_id != user.pk:
        raise NotFoundError("导出任务不存在")
    return job


def import_job_get_for(user: Any, pk: int, *, write: bool = False) -> ImportJob:
    """The import job, for its creator and for the officials who may import in the creator's region
    (they see its result and may retry it when it failed). Anyone else gets ``NotFoundError``. The
    same rule reads and writes (``write`` is there for the one signature of access functions)."""
    job = ImportJob.objects.select_related("created_by").filter(pk=pk).first()
    if job is None or not getattr(user, "is_authenticated", False):
        raise NotFoundError("导入任务不存在")
    region = job.created_by.region_code
    if (
        job.created_by_id == user.pk
        or getattr(user, "is_superuser", False)
        or (region and can(user, Capability.RESOURCE_IMPORT, region))
    ):
        return job
    raise NotFoundError("导入任务不存在")


def filters_or_none(params: Any) -> tuple[ResourceFilters, str | None]:
    """The filters of a page's query string, or none and the reason when they are wrong (a page
    lists everything and says why; the API answers 400 through ``from_params``)."""
    try:
        return ResourceFilters.from_params(params), None
    except ApplicationError as exc:
        return ResourceFilters(), exc.message


def resources_offered_by_notice(notice_id: int) -> list[Resource]:
    """The village resources a recruitment notice offers (linked on the map), largest first."""
    return list(Resource.objects.filter(notices__pk=notice_id).order_by("-area_mu", "pk"))


def resource_notices(resource: Resource) -> list[Any]:
    """The notices that offer this resource (published ones for the public)."""
    return list(resource.notices.select_related("village").order_by("-created_at"))


def owner_name_for(user: Any, resource: Resource) -> str:
    if resource.owner_type == OwnerType.COLLECTIVE or governs(user, resource.region_code):
        return resource.owner_name
    return mask_name(resource.owner_name)


def parse_bbox(raw: str | None) -> spatial.BBox | None:
    if not raw:
        return None
    try:
        west, south, east, north = (float(p) for p in raw.split(","))
    except ValueError:
        raise ApplicationError("bbox 应为 西,南,东,北 四个经纬度数字", field="bbox") from None
    values = (west, south, east, north)
    if not all(math.isfinite(v) for v in values) or west > east or south > north:
        raise ApplicationError("bbox 范围不正确（西≤东，南≤北）", field="bbox")
    return max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0)


def cell_size(zoom: int) -> float:
    """Degrees of longitude per cluster cell at ``zoom``."""
    return 360.0 / 256.0 / (2**zoom) * CLUSTER_CELL_PX


def _grid(expr: Any) -> Any:
    # Floor for negative offsets too; SQLite's CAST truncates (offsets here are ≥ 0, so it floors).
    if connection.vendor == "sqlite":
        return Cast(expr, IntegerField())
    return Floor(expr)


def _points(qs: QuerySet[Resource]) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
            "properties": {
                "id": pk,
                "name": name,
                "kind": kind,
                "status": status,
                "area": float(area),
                "unit": unit,
                "village": village_name,
                "village_code": village_code,
                "county": village_code[:6],
            },
        }
        for pk, name, kind, status, area, unit, lng, lat, village_code, village_name in qs.values_list(
            "id", "name", "kind", "status", "area", "unit", "lng", "lat", "village_id", "village__name"
        ).order_by()
    ]


def _clusters(qs: QuerySet[Resource], zoom: int, bbox: spatial.BBox | None) -> list[dict[str, Any]]:
    size = cell_size(zoom)
    west = bbox[0] if bbox else -180.0
    south = bbox[1] if bbox else -90.0
    rows = (
        qs.order_by()
        .annotate(gx=_grid((F("lng") - west) / size), gy=_grid((F("lat") - south) / size))
        .values("gx", "gy")
        .annotate(
            n=Count("id"),
            lng_avg=Avg("lng", output_field=FloatField()),
            lat_avg=Avg("lat", output_field=FloatField()),
            area_mu=Sum("area_mu"),
        )
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(r["lng_avg"], 5), round(r["lat_avg"], 5)]},
            "properties": {"cluster": True, "count": r["n"], "area_mu": round(float(r["area_mu"] or 0), 1)},
        }
        for r in rows
    ]


def resource_geojson(
    *,
    bbox: spatial.BBox | None,
    zoom: int,
    filters: ResourceFilters | None = None,
    use_index: bool = True,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: points with properties at high zoom (or when few), else clusters.

    At zoom ≥ ``CLUSTER_BELOW_ZOOM`` the bbox is counted first (through the index) and answered with
    points unless it holds more than ``MAX_POINTS``; below it the grid aggregation runs at once and its
    counts give the total (one pass), falling back to points when there are few. A box wider than a
    degree or so holds much of the data, where the R-tree's id list costs more than a plain scan, so
    the index is used for small boxes only.
    """
    qs = resource_filter(Resource.objects.all(), filters or ResourceFilters())
    if bbox is not None:
        small = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]) <= INDEX_MAX_BOX_DEG2
        qs = spatial.bbox_filter(qs, bbox, use_index=use_index and small)
    if zoom >= CLUSTER_BELOW_ZOOM:
        total = qs.count()
        if total <= MAX_POINTS:
            return {"type": "FeatureCollection", "features": _points(qs), "clustered": False, "total": total}
        features = _clusters(qs, zoom, bbox)
    else:
        features = _clusters(qs, zoom, bbox)
        total = sum(f["properties"]["count"] for f in features)
        if total <= POINTS_ALWAYS_UNDER:
            return {"type": "FeatureCollection", "features": _points(qs), "clustered": False, "total": total}
    return {"type": "FeatureCollection", "features": features, "clustered": True, "total": total}


def county_figures(filters: ResourceFilters | None = None) -> dict[str, dict[str, float]]:
    """{county code: {"count", "area_mu"}} for the choropleth, under the same filters."""
    qs = resource_filter(Resource.objects.all(), filters or ResourceFilters())
    rows = (
        qs.order_by()
        .annotate(county=Substr("village_id", 1, 6))
        .values("county")
        .annotate(n=Count("id"), area=Sum("area_mu"))
    )
    return {r["county"]: {"count": r["n"], "area_mu": round(float(r["area"] or 0), 1)} for r in rows}


def resource_totals(qs: QuerySet[Resource]) -> dict[str, Any]:
    agg = qs.order_by().aggregate(n=Count("id"), area=Sum("area_mu"))
    return {"count": agg["n"] or 0, "area_mu": agg["area"] or Decimal(0)}
