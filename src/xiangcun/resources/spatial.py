"""The spatial index behind the map's bbox queries, one per database vendor.

- **SQLite**: an R-tree virtual table ``resources_resource_rtree(id, min_lng, max_lng, min_lat,
  max_lat)`` holding each resource's point as a degenerate box. SQLite cannot index a virtual table
  from the main table, so the services and the bulk loaders keep it in sync explicitly
  (``index_upsert``/``index_delete``; no signals, no triggers). A bbox query asks the R-tree for the
  ids, then confirms with the exact ``lng``/``lat`` range (the R-tree stores 32-bit floats rounded
  outwards, so it may return a neighbour a hair outside the box).
- **PostgreSQL**: a GiST index on the expression ``point(lng, lat)``, queried with
  ``point(lng, lat) <@ box(…)``. Chosen over a composite B-tree on (lng, lat), which narrows on
  longitude only and then filters every row in that north–south strip; GiST narrows on both. The
  expression index needs no extra column and no sync: PostgreSQL maintains it.

``bbox_filter(qs, bbox, use_index=False)`` gives the plain range query the benchmarks compare with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL

RTREE = "resources_resource_rtree"
GIST = "resource_point_gist"
M = TypeVar("M", bound=Model)

BBox = tuple[float, float, float, float]  # west, south, east, north

CREATE_SQLITE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {RTREE} USING rtree(id, min_lng, max_lng, min_lat, max_lat)"
)
DROP_SQLITE = f"DROP TABLE IF EXISTS {RTREE}"
CREATE_POSTGRES = f"CREATE INDEX IF NOT EXISTS {GIST} ON resources_resource USING gist (point(lng, lat))"
DROP_POSTGRES = f"DROP INDEX IF EXISTS {GIST}"


def vendor() -> str:
    return connection.vendor


def uses_rtree() -> bool:
    return connection.vendor == "sqlite"


def index_upsert(rows: Iterable[tuple[int, float, float]]) -> None:
    """Put (id, lng, lat) rows into the R-tree (SQLite); PostgreSQL's index maintains itself."""
    if not uses_rtree():
        return
    params = [(pk, lng, lng, lat, lat) for pk, lng, lat in rows]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT OR REPLACE INTO {RTREE} VALUES (%s, %s, %s, %s, %s)", params)


def index_delete(ids: Sequence[int]) -> None:
    if not uses_rtree() or not ids:
        return
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"DELETE FROM {RTREE} WHERE id IN ({marks})", part)


def index_rebuild() -> int:
    """Refill the R-tree from the table (after a restore or a manual edit); returns the row count."""
    if not uses_rtree():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {RTREE}")
        cursor.execute(f"INSERT INTO {RTREE} SELECT id, lng, lng, lat, lat FROM resources_resource")
        cursor.execute(f"SELECT count(*) FROM {RTREE}")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bbox_filter(qs: QuerySet[M], bbox: BBox, *, use_index: bool = True) -> QuerySet[M]:
    """Limit ``qs`` (of resources) to points inside ``bbox``, through the spatial index if asked."""
    west, south, east, north = bbox
    exact = qs.filter(lng__gte=west, lng__lte=east, lat__gte=south, lat__lte=north)
    if not use_index:
        return exact
    if connection.vendor == "sqlite":
        ids = RawSQL(
            f"SELECT id FROM {RTREE} WHERE min_lng <= %s AND max_lng >= %s AND min_lat <= %s AND max_lat >= %s",
            (east, west, north, south),
        )
        return exact.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        inside = RawSQL(
            '(point("resources_resource"."lng", "resources_resource"."lat") <@ box(point(%s, %s), point(%s, %s)))',
            (west, south, east, north),
            output_field=BooleanField(),
        )
        return qs.filter(inside)
    return exact


def index_sql(*, create: bool) -> dict[str, Any]:
    """The DDL per vendor, for the migration and the benchmarks."""
    if create:
        return {"sqlite": CREATE_SQLITE, "postgresql": CREATE_POSTGRES}
    return {"sqlite": DROP_SQLITE, "postgresql": DROP_POSTGRES}
