"""Synthetic demo geography: real provinces, cities and counties (real boundaries), synthetic towns
and villages placed inside their real county polygons. Deterministic for a given seed.

The same code path builds every scale:
- ``city``: 聊城市 with exactly 2,166 villages (Liaocheng's number of administrative villages);
- ``province``: 山东省's 16 cities, ~70,000 villages;
- ``national``: every county-level unit with a boundary, ~490,000 villages.
Villages are apportioned to counties by area (largest remainder), towns are seeded inside each
county, and each village belongs to the nearest town seed — so towns are compact, as real ones are.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from xiangcun.core.money import apportion
from xiangcun.core.pinyin import initials
from xiangcun.regions import boundaries

SCALES: dict[str, dict[str, object]] = {
    "city": {"city": "371500", "villages": 2166},
    "province": {"province": "370000", "villages": 70_000},
    "national": {"villages": 490_000},
}

INCOME_YEARS = (2023, 2024, 2025)

_SURNAMES = (
    "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔庞樊兰殷施鲁齐"
)
_VILLAGE_SUFFIXES = (
    "庄",
    "家庄",
    "楼",
    "集",
    "屯",
    "营",
    "寨",
    "店",
    "村",
    "堤口",
    "洼",
    "家海子",
    "官屯",
    "桥",
    "堂",
)
_DIRECTIONS = ("前", "后", "东", "西", "南", "北", "大", "小", "新", "")
_TOWN_FIRST = "古柳湖道阎凤侯沙堂梁斗郑于许朱顾广杨大十八三双马牛姜魏高石清安定兴丰永仁义和平尚"
_TOWN_SECOND = (
    "楼",
    "营",
    "庄",
    "集",
    "屯",
    "店",
    "寨",
    "桥",
    "河",
    "口",
    "坊",
    "园",
    "堤",
    "湾",
    "铺",
    "寺",
    "城",
    "固",
    "岗",
    "寨",
)
_GIVEN = "建国志强秀兰桂英立新红梅金海玉芳文明德胜春生永福国庆凤霞海燕宝山长青学军丽华"

# Well-known specialities of Liaocheng's counties; other counties draw from the generic bank.
_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "371502": ("雕刻葫芦", "蔬菜种植", "沙镇呱嗒", "苗木花卉", "乡村旅游"),
    "371503": ("食用菌", "圆铃大枣", "肉鸡养殖", "铝加工配套", "蔬菜种植"),
    "371521": ("葡萄种植", "蛋鸡养殖", "景阳冈文旅", "铜加工配套", "食用菌"),
    "371522": ("蔬菜大棚", "香瓜种植", "食用菌", "蔬菜冷链", "乡村民宿"),
    "371524": ("阿胶产业", "黑毛驴养殖", "黄河文旅", "小麦良种", "中药材"),
    "371525": ("灵芝种植", "鸭梨", "蔬菜种植", "肉鸭养殖", "林下经济"),
    "371526": ("书画艺术", "苗木花卉", "蔬菜种植", "生猪养殖", "乡村旅游"),
    "371581": ("运河文旅", "轴承配套", "枸杞种植", "蔬菜种植", "济美酱菜"),
}
_GENERIC_INDUSTRIES = (
    "蔬菜种植",
    "果品种植",
    "畜禽养殖",
    "水产养殖",
    "中药材",
    "乡村旅游",
    "农产品加工",
    "手工编织",
    "粮食种植",
)


@dataclass
class TownSpec:
    code: str
    name: str
    lat: float
    lng: float


@dataclass
class VillageSpec:
    code: str
    name: str
    pinyin_initials: str
    town_code: str
    county_code: str
    lat: float
    lng: float
    households: int
    population: int
    cultivated_land_mu: Decimal
    featured_industry: str
    contact_name: str
    contact_phone: str
    incomes: tuple[Decimal, ...]


@dataclass
class CountySpec:
    code: str
    name: str
    city_code: str
    geometry: BaseGeometry
    towns: list[TownSpec] = field(default_factory=list)
    villages: list[VillageSpec] = field(default_factory=list)


@dataclass
class Plan:
    """What a scale contains: real divisions with their boundaries, and how many villages each gets."""

    provinces: list[boundaries.Division]
    cities: list[boundaries.Division]
    counties: list[boundaries.Division]
    village_counts: list[int]


def plan(scale: str) -> Plan:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    spec = SCALES[scale]
    if "city" in spec:
        city_code = str(spec["city"])
        provinces = [boundaries.province(city_code[:2] + "0000")]
        cities = [c for c in boundaries.cities(provinces[0].code) if c.code == city_code]
    elif "province" in spec:
        provinces = [boundaries.province(str(spec["province"]))]
        cities = boundaries.cities(provinces[0].code)
    else:
        provinces = boundaries.all_provinces()
        cities = [c for p in provinces for c in boundaries.cities(p.code)]
    counties = [k for c in cities for k in boundaries.counties(c.code) if k.geometry is not None]
    areas = [k.geometry.area for k in counties]  # type: ignore[union-attr]
    counts = apportion(int(spec["villages"]), areas)  # type: ignore[call-overload]
    return Plan(provinces, cities, counties, counts)


def _rng(seed: int, code: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(code.encode())])


def points_inside(geom: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniformly random points (lng, lat) inside ``geom``, each checked with shapely."""
    if n == 0:
        return np.empty((0, 2))
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    found: list[np.ndarray] = []
    total = 0
    while total < n:
        batch = max(64, int((n - total) * 2.5))
        xs = rng.uniform(minx, maxx, batch)
        ys = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(geom, xs, ys)
        pts = np.column_stack([xs[inside], ys[inside]])
        found.append(pts)
        total += len(pts)
    return np.concatenate(found)[:n]


def _unique_names(rng: np.random.Generator, count: int, make: object) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    attempts = 0
    while len(names) < count:
        name = make(rng)  # type: ignore[operator]
        attempts += 1
        if name in seen and attempts < count * 50:
            continue
        if name in seen:  # vanishingly rare: disambiguate like real villages do (一村, 二村…)
            name = f"{name[:-1]}{'一二三四五六七八九'[len(names) % 9]}村"
        seen.add(name)
        names.append(name)
    return names


def _village_name(rng: np.random.Generator) -> str:
    direction = _DIRECTIONS[int(rng.integers(len(_DIRECTIONS)))] if rng.random() < 0.3 else ""
    surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
    suffix = _VILLAGE_SUFFIXES[int(rng.integers(len(_VILLAGE_SUFFIXES)))]
    base = f"{direction}{surname}{suffix}"
    return base if base.endswith("村") else base + "村"


def _town_name(rng: np.random.Generator) -> str:
    return (
        _TOWN_FIRST[int(rng.integers(len(_TOWN_FIRST)))] + _TOWN_SECOND[int(rng.integers(len(_TOWN_SECOND)))]
    )


def build_county(division: boundaries.Division, city_code: str, n_villages: int, seed: int) -> CountySpec:
    """Towns and villages of one county, every point inside the county's real polygon."""
    geom = division.geometry
    assert geom is not None
    rng = _rng(seed, division.code)
    county = CountySpec(division.code, division.name, city_code, geom)
    if n_villages == 0:
        return county
    n_towns = int(min(40, max(3, round(n_villages / 17))))
    n_towns = min(n_towns, n_villages)
    seeds = points_inside(geom, n_towns, rng)
    points = points_inside(geom, n_villages, rng)
    # Nearest town seed for each village (cos-lat scaled so distances are roughly isotropic).
    scale = np.cos(np.radians(points[:, 1].mean()))
    d2 = ((points[:, None, 0] - seeds[None, :, 0]) * scale) ** 2 + (
        points[:, None, 1] - seeds[None, :, 1]
    ) ** 2
    nearest = d2.argmin(axis=1)
    used = sorted(set(nearest.tolist()), key=lambda t: (-seeds[t, 1], seeds[t, 0]))  # north to south
    is_district = division.name.endswith("区")
    town_names = _unique_names(rng, len(used), _town_name)
    industries = _INDUSTRIES.get(division.code, _GENERIC_INDUSTRIES)
    street_count = 0
    for rank, t in enumerate(used):
        if is_district and rank < max(1, len(used) // 4):
            street_count += 1
            code, name = f"{division.code}{street_count:03d}", f"{town_names[rank]}街道"
        elif rng.random() < 0.15:
            code, name = f"{division.code}{200 + rank:03d}", f"{town_names[rank]}乡"
        else:
            code, name = f"{division.code}{100 + rank:03d}", f"{town_names[rank]}镇"
        town = TownSpec(code, name, float(seeds[t, 1]), float(seeds[t, 0]))
        county.towns.append(town)
        members = np.flatnonzero(nearest == t)
        if len(members) > 799:
            raise ValueError(f"town {code} would hold {len(members)} villages; codes 200-999 allow 799")
        names = _unique_names(rng, len(members), _village_name)
        for i, (idx, vname) in enumerate(zip(members, names, strict=True)):
            households = int(rng.integers(120, 900))
            population = int(households * rng.uniform(2.6, 3.6))
            land = Decimal(str(round(population * rng.uniform(0.9, 2.1), 1))).quantize(Decimal("0.01"))
            level = rng.choice([18_000, 90_000, 260_000], p=[0.3, 0.55, 0.15])
            incomes = tuple(
                Decimal(int(max(3_000, level * rng.uniform(0.6, 1.5) * (1 + 0.06 * y)))).quantize(
                    Decimal("0.01")
                )
                for y in range(len(INCOME_YEARS))
            )
            surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
            given = "".join(_GIVEN[int(rng.integers(len(_GIVEN)))] for _ in range(2))
            county.villages.append(
                VillageSpec(
                    code=f"{code}{200 + i:03d}",
                    name=vname,
                    pinyin_initials=initials(vname),
                    town_code=code,
                    county_code=division.code,
                    lat=round(float(points[idx, 1]), 6),
                    lng=round(float(points[idx, 0]), 6),
                    households=households,
                    population=population,
                    cultivated_land_mu=land,
                    featured_industry=industries[int(rng.integers(len(industries)))],
                    contact_name=surname + given,
                    contact_phone=f"1{int(rng.choice([35, 37, 38, 39, 58, 59, 88]))}{int(rng.integers(0, 10**8)):08d}",
                    incomes=incomes,
                )
            )
    return county


def generate(scale: str, seed: int) -> Iterator[CountySpec]:
    """Yield each county's towns and villages for ``scale`` (streamed: national scale is large)."""
    p = plan(scale)
    city_of = {k.code: c.code for c in p.cities for k in boundaries.counties(c.code)}
    for division, count in zip(p.counties, p.village_counts, strict=True):
        yield build_county(division, city_of[division.code], count, seed)
