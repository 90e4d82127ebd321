"""Demo resources for ``xiangcun demo`` (示例数据): a few resources per village, each placed near its
village and inside the village's real county boundary, bulk-inserted with their R-tree rows.

City scale: 5 per village (~10,800 for 聊城); province scale: ~100,000 over ~70,000 villages;
national: ~200,000. Villages with demo notices get resources of the kinds their notices offer, linked
to those notices. Deterministic for a given seed.
"""

from __future__ import annotations

import time
import zlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import shapely
from django.db import transaction

from xiangcun.core import vocab
from xiangcun.recruitment.models import Notice, NoticeResource
from xiangcun.regions.models import Village
from xiangcun.resources import parsing, services, spatial
from xiangcun.resources.models import OwnerType, Resource, ResourceStatus, RightType

# scale → (resources per village, or None, total)
SCALE_PLAN: dict[str, tuple[float | None, int]] = {
    "city": (5, 0),
    "province": (None, 100_000),
    "national": (None, 200_000),
}
# Kind weights (vocabulary order) and (low, high, unit) area ranges.
_KIND_WEIGHTS = np.array([0.26, 0.1, 0.09, 0.07, 0.08, 0.09, 0.13, 0.08, 0.05, 0.05])
_AREAS: dict[str, tuple[float, float, str]] = {
    "arable_land": (20, 600, "mu"),
    "forest_land": (10, 300, "mu"),
    "garden_land": (5, 150, "mu"),
    "pond": (3, 45, "mu"),
    "facility_farmland": (10, 160, "mu"),
    "collective_construction_land": (2, 35, "mu"),
    "idle_homestead": (120, 650, "m2"),
    "idle_building": (400, 6000, "m2"),
    "cultural_heritage": (50, 2500, "m2"),
    "other": (1, 60, "mu"),
}
_NAMES: dict[str, tuple[str, ...]] = {
    "arable_land": ("连片耕地", "北洼耕地", "南坡耕地", "高标准农田", "流转耕地"),
    "forest_land": ("杨树林地", "防护林带", "苗木林地", "林下经济用地"),
    "garden_land": ("果园", "葡萄园", "枣园", "梨园", "桃园"),
    "pond": ("坑塘", "鱼塘", "荷塘", "蓄水塘"),
    "facility_farmland": ("大棚区", "育苗温室", "冷棚园区", "食用菌棚"),
    "collective_construction_land": ("集体建设用地", "村东工业用地", "仓储用地"),
    "idle_homestead": ("闲置农房", "闲置宅院", "老宅院", "空置农家院"),
    "idle_building": ("旧校舍", "闲置厂房", "旧村委大院", "闲置仓库"),
    "cultural_heritage": ("古戏台", "老祠堂", "非遗工坊", "运河古渡口", "传统手工作坊"),
    "other": ("闲置场院", "晒场", "集体机井房"),
}
_USES: dict[str, tuple[str, str]] = {
    "arable_land": ("粮食种植", "规模种植、高效农业"),
    "forest_land": ("林木", "林下种养、苗木花卉"),
    "garden_land": ("果树", "采摘园、观光农业"),
    "pond": ("闲置水面", "水产养殖、垂钓休闲"),
    "facility_farmland": ("蔬菜大棚", "设施农业、育苗"),
    "collective_construction_land": ("闲置", "农产品加工、仓储物流"),
    "idle_homestead": ("闲置", "民宿、农家乐"),
    "idle_building": ("闲置", "农产品加工、研学基地、养老服务"),
    "cultural_heritage": ("文物保护", "文旅研学、非遗展示"),
    "other": ("闲置", "配套设施"),
}
_DIRECTIONS = ("东", "西", "南", "北", "村前", "村后", "")
_STATUSES = (
    ResourceStatus.AVAILABLE,
    ResourceStatus.NEGOTIATING,
    ResourceStatus.SIGNED,
    ResourceStatus.UNAVAILABLE,
)
_STATUS_WEIGHTS = np.array([0.55, 0.2, 0.15, 0.1])
# Resources lie within about this many degrees (~2 km) of their village.
_SPREAD = 0.02


@dataclass(frozen=True)
class DemoResourcesResult:
    resources: int
    linked: int
    seconds: float


@transaction.atomic
def demo_clear() -> None:
    """Remove demo resources (before the demo villages are rebuilt) and their index rows."""
    ids = list(Resource.objects.filter(is_demo=True).values_list("pk", flat=True))
    Resource.notices.through.objects.filter(resource__is_demo=True).delete()
    Resource.objects.filter(is_demo=True).delete()
    spatial.index_delete(ids)


def _counts(scale: str, n_villages: int, rng: np.random.Generator) -> np.ndarray:
    per_village, total = SCALE_PLAN.get(scale, SCALE_PLAN["city"])
    if per_village is not None:
        return np.full(n_villages, int(per_village))
    mean = total / max(1, n_villages)
    base = int(mean)
    counts = np.full(n_villages, base) + (rng.random(n_villages) < (mean - base)).astype(int)
    # Hit the total exactly.
    diff = total - int(counts.sum())
    if diff:
        idx = rng.choice(n_villages, abs(diff), replace=False)
        counts[idx] += 1 if diff > 0 else -1
    return np.maximum(counts, 0)


@transaction.atomic
def demo_build(*, scale: str, seed: int) -> DemoResourcesResult:
    """Replace the demo resources with those of ``scale``."""
    started = time.perf_counter()
    demo_clear()
    villages = list(
        Village.objects.filter(is_demo=True)
        .order_by("code")
        .values_list("code", "name", "county_id", "lng", "lat", "contact_name")
    )
    if not villages:
        return DemoResourcesResult(0, 0, time.perf_counter() - started)
    # Kinds the demo notices offer, by village, to give those villages matching resources.
    offered: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for notice_id, village_code, kind in (
        NoticeResource.objects.filter(notice__is_demo=True)
        .order_by("notice_id", "id")
        .values_list("notice_id", "notice__village_id", "kind")
    ):
        offered[village_code].append((notice_id, kind))
    rng = np.random.default_rng([seed, zlib.crc32(b"resources")])
    counts = _counts(scale, len(villages), rng)
    kinds = vocab.codes(vocab.RESOURCE_KINDS)
    weights = _KIND_WEIGHTS / _KIND_WEIGHTS.sum()

    by_county: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(villages):
        by_county[v[2]].append(i)
    # Points: the village's point plus a jitter, kept only if inside the county (else the village's).
    lng = np.repeat(np.array([v[3] for v in villages]), counts)
    lat = np.repeat(np.array([v[4] for v in villages]), counts)
    owner = np.repeat(np.arange(len(villages)), counts)
    jlng = lng + rng.normal(0, _SPREAD / 2, len(lng))
    jlat = lat + rng.normal(0, _SPREAD / 2, len(lat))
    county_of_row = np.array([villages[i][2] for i in owner])
    for county in by_county:
        geom = services.county_geometry(county)
        rows = np.flatnonzero(county_of_row == county)
        if geom is None or not len(rows):
            continue
        shapely.prepare(geom)
        inside = shapely.contains_xy(geom, jlng[rows], jlat[rows])
        jlng[rows[~inside]] = lng[rows[~inside]]
        jlat[rows[~inside]] = lat[rows[~inside]]

    kind_draw = rng.choice(len(kinds), len(owner), p=weights)
    status_draw = rng.choice(len(_STATUSES), len(owner), p=_STATUS_WEIGHTS / _STATUS_WEIGHTS.sum())
    uniform = rng.random(len(owner))
    picks = rng.integers(0, 1_000_000, size=(len(owner), 3))
    links: list[tuple[int, int]] = []  # (row index, notice id)
    resources: list[Resource] = []
    position_in_village = 0
    for row in range(len(owner)):
        v = villages[owner[row]]
        position_in_village = position_in_village + 1 if row and owner[row] == owner[row - 1] else 0
        wanted = offered.get(v[0], [])
        if position_in_village < len(wanted):
            notice_id, kind = wanted[position_in_village]
            links.append((row, notice_id))
            status = ResourceStatus.NEGOTIATING if uniform[row] < 0.3 else ResourceStatus.AVAILABLE
        else:
            kind = kinds[kind_draw[row]]
            status = _STATUSES[status_draw[row]]
        low, high, unit = _AREAS[kind]
        area = Decimal(str(round(low + (high - low) * uniform[row] ** 2, 1 if unit == "mu" else 0))).quantize(
            Decimal("0.01")
        )
        names = _NAMES[kind]
        direction = _DIRECTIONS[picks[row, 0] % len(_DIRECTIONS)]
        name = f"{v[1]}{direction}{names[picks[row, 1] % len(names)]}"
        household = kind in ("idle_homestead", "arable_land") and picks[row, 2] % 3 == 0
        current, permitted = _USES[kind]
        resources.append(
            Resource(
                name=name[:100],
                kind=kind,
                right=RightType.CONTRACT if household and kind == "arable_land" else RightType.OWNERSHIP,
                owner_type=OwnerType.HOUSEHOLD if household else OwnerType.COLLECTIVE,
                owner_name=(v[5][:1] + "某某")
                if household and v[5]
                else ("" if household else f"{v[1]}村民委员会"),
                area=area,
                unit=unit,
                area_mu=parsing.area_in_mu(area, unit),
                village_id=v[0],
                lng=round(float(jlng[row]), 6),
                lat=round(float(jlat[row]), 6),
                current_use=current,
                permitted_use=permitted,
                status=status,
                description=f"{v[1]}{vocab.label('resource', kind)}，{permitted}。",
                is_demo=True,
            )
        )
    created = services.resources_bulk_create(resources, batch_size=5000)
    through = Resource.notices.through
    notice_ids = set(Notice.objects.filter(is_demo=True).values_list("pk", flat=True))
    link_rows = [
        through(resource_id=resources[row].pk, notice_id=notice_id)
        for row, notice_id in links
        if notice_id in notice_ids
    ]
    through.objects.bulk_create(link_rows, batch_size=5000, ignore_conflicts=True)
    return DemoResourcesResult(created, len(link_rows), time.perf_counter() - started)
