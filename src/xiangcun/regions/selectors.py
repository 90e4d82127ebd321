"""Reads of regions and villages. Personal fields are masked unless the reader governs the village
(whose full views are logged)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr

from xiangcun.accounts.permissions import Capability, can, governs, require
from xiangcun.accounts.privacy import filled, log_personal_read
from xiangcun.accounts.scoping import Scope, user_scope
from xiangcun.core import regioncodes
from xiangcun.core.errors import N_, Msg, NotFoundError
from xiangcun.core.masking import mask_name, mask_phone
from xiangcun.regions.bands import income_band
from xiangcun.regions.models import Level, Region, Village, VillageIncome
from xiangcun.regions.schemas import PICK_MAX_LIMIT, PICK_MAX_QUERY

_INITIALS = re.compile(r"^[a-zA-Z]{1,12}$")


def region_get(code: str) -> Region:
    """The region, unchecked (regions are public): for services and selectors."""
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None:
        raise NotFoundError(Msg("区划代码 {code} 不存在", code=code), field="code")
    return region


def region_get_for(user: Any, code: str) -> Region:
    """A region (province, city, county, town) as anyone may read it: regions are public."""
    return region_get(code)


def region_exists(code: str | None) -> bool:
    return bool(code) and Region.objects.filter(code=code).exists()


def region_children(region: Region) -> QuerySet[Region]:
    """The child regions, without their boundaries (the map reads them with ``county_boundaries``)."""
    return Region.objects.filter(parent=region).defer("boundary").order_by("code")


def counties_of(city_code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=city_code, level=Level.COUNTY).order_by("code")


def region_ancestors(code: str) -> list[Region]:
    """Province → … → the region itself (or the village's town), for breadcrumbs."""
    codes = []
    if len(code) >= 6:
        codes += [regioncodes.province_of(code), regioncodes.city_of(code), code[:6]]
    if len(code) >= 9:
        codes.append(code[:9])
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in dict.fromkeys(codes) if c in found]


def region_label(code: str) -> str:
    """A region's name as people say it, from the county down: "聊城市", "东昌府区", "东昌府区三庄街道",
    "东昌府区三庄街道黄家庄村" (the code itself when it is unknown), for titles instead of raw codes."""
    if not regioncodes.is_valid_code(code or ""):
        return code or ""
    if len(code) == 12:
        village = Village.objects.filter(code=code).select_related("town", "county").first()
        return f"{village.county.name}{village.town.name}{village.name}" if village else code
    codes = [code] if len(code) == 6 else [code[:6], code]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    if any(c not in names for c in codes):
        return code
    return "".join(names[c] for c in codes)


def village_get(code: str) -> Village:
    """The village, unchecked: for services and selectors. Pages and API use ``village_get_for``."""
    village = Village.objects.filter(code=code).select_related("town", "county").first()
    if village is None:
        raise NotFoundError(Msg("村级区划代码 {code} 不存在", code=code), field="code")
    return village


def village_get_for(user: Any, code: str, *, write: bool = False) -> Village:
    """A village: public to read (``village_profile`` masks the contacts); ``write`` (profile and
    collective income) needs ``VILLAGE_EDIT`` in a region containing it."""
    village = village_get(code)
    if write:
        require(user, Capability.VILLAGE_EDIT, village.code, message="该村不在您的管辖范围内，不能修改。")
    return village


def village_list(
    *, within: str | None = None, q: str | None = None, scope: Scope | None = None
) -> QuerySet[Village]:
    """Villages, optionally within a region code, matching ``q`` (name, or pinyin initials such as
    ``zjz`` for 张家庄), and limited to ``scope`` when given."""
    # The town's and county's boundaries are polygons nobody reads off a village row: decoding them
    # cost two thirds of a page of 50 villages.
    qs = (
        Village.objects.select_related("town", "county")
        .defer("town__boundary", "county__boundary")
        .order_by("code")
    )
    if within:
        qs = qs.filter(code__startswith=regioncodes.prefix_of(within))
    if q:
        q = q.strip()
        if _INITIALS.match(q):
            qs = qs.filter(Q(pinyin_initials__startswith=q.lower()) | Q(name__contains=q))
        else:
            qs = qs.filter(name__contains=q)
    if scope is not None:
        qs = scope.filter(qs, "code")
    return qs


# ------------------------------------------------------------------------------------------------
# The village picker (web/_village_picker.html): villages of the user's region, by name or initials


@dataclass(frozen=True)
class VillageChoice:
    """A village as the picker shows it: "黄家庄村 · 三庄街道 · 东昌府区"."""

    code: str
    name: str
    town: str
    county: str
    county_code: str
    lat: float
    lng: float

    @property
    def label(self) -> str:
        return f"{self.name} · {self.town} · {self.county}"

    @property
    def full_name(self) -> str:
        """As a sentence names it: 临清市大寨镇陶堂村."""
        return f"{self.county}{self.town}{self.name}"

    @classmethod
    def of(cls, village: Village) -> VillageChoice:
        return cls(
            code=village.code,
            name=village.name,
            town=village.town.name,
            county=village.county.name,
            county_code=village.county_id,
            lat=village.lat,
            lng=village.lng,
        )


def village_pick_for(user: Any, q: str = "", *, limit: int = 10) -> list[VillageChoice]:
    """Villages of ``user``'s region matching ``q`` — a name (or part of one) or pinyin initials
    (``lqz`` for 李桥庄村; precomputed in ``Village.pinyin_initials``) — best first: the exact name,
    then names and initials that start with ``q``, then names containing it; nobody outside the
    region (a town official never sees another town's villages, a cadre only their own).

    Officials only (``OFFICIAL_READ``: anonymous 401, partners 403); ``q`` and ``limit`` bounded."""
    require(user, Capability.OFFICIAL_READ, message="只有各级管理员和村干部可以选择村庄")
    q = q.strip()[:PICK_MAX_QUERY]
    limit = max(1, min(limit, PICK_MAX_LIMIT))
    qs = user_scope(user).filter(Village.objects.select_related("town", "county"), "code")
    if q:
        initials = q.lower() if _INITIALS.match(q) else None
        match = Q(name__contains=q) | (Q(pinyin_initials__startswith=initials) if initials else Q(pk__in=[]))
        qs = qs.filter(match).annotate(
            rank=Case(
                When(name=q, then=Value(0)),
                When(name__startswith=q, then=Value(1)),
                *([When(pinyin_initials__startswith=initials, then=Value(2))] if initials else []),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        qs = qs.order_by("rank", "code")
    else:
        qs = qs.order_by("code")
    return [VillageChoice.of(v) for v in qs[:limit]]


def village_choices(codes: list[str]) -> list[VillageChoice]:
    """The villages of ``codes`` (12 digits each) in the order given; unknown codes left out. Names
    are public: for showing what a picker holds."""
    wanted = [c for c in codes if len(c) == 12 and c.isdigit()]
    found = {v.code: v for v in Village.objects.filter(code__in=wanted).select_related("town", "county")}
    return [VillageChoice.of(found[c]) for c in dict.fromkeys(wanted) if c in found]


def village_sole_for(user: Any) -> VillageChoice | None:
    """The one village ``user`` governs (a village cadre), else ``None``: their pickers need no search."""
    scope = user_scope(user)
    if scope.prefix is None or len(scope.label) != 12:
        return None
    choices = village_choices([scope.label])
    return choices[0] if choices else None


def villages_named(name: str) -> QuerySet[Village]:
    """Villages whose name is exactly ``name`` (村名 repeat across towns: 王庄村), in code order."""
    return Village.objects.filter(name=name.strip()).select_related("town", "county").order_by("code")


def county_boundaries_for(user: Any, *, city: str, also: str | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the counties the user's region lies in (a county, town or village
    official: theirs) or holds (the city office, the operator: the ``city``'s), plus the county of
    ``also`` (a village code): for the map picker of a location."""
    prefix = user_scope(user).prefix
    qs = Region.objects.filter(level=Level.COUNTY).exclude(boundary=None)
    if prefix is None:
        match = Q(pk__in=[])
    elif len(prefix) >= 6:
        match = Q(code=prefix[:6])
    else:
        match = Q(code__startswith=prefix) if prefix else Q(parent_id=city)
    if also:
        match |= Q(code=also[:6])
    features = [
        {"type": "Feature", "geometry": c.boundary, "properties": {"code": c.code, "name": c.name}}
        for c in qs.filter(match).order_by("code")
    ]
    return {"type": "FeatureCollection", "features": features}


def village_incomes(village: Village) -> list[VillageIncome]:
    return list(VillageIncome.objects.filter(village=village).order_by("-year")[:3])


@dataclass(frozen=True)
class VillageProfile:
    village: Village
    incomes: list[VillageIncome]
    band: str
    contact_name: str
    contact_phone: str
    can_edit: bool


# Why an official sees a village's contact in full: the purposes the read log records.
PURPOSE_VILLAGE = N_("管辖区域管理员查看村庄联系人")
PURPOSE_VILLAGE_EDIT = N_("管辖区域管理员修改村庄档案")
PURPOSE_VILLAGE_API = N_("管辖区域管理员通过接口查阅村庄档案")


def village_profile(village: Village, user: Any, *, purpose: str) -> VillageProfile:
    """The profile as ``user`` may see it: contact details in full only for the village's officials,
    each such view of a phone number logged for ``purpose`` (``accounts.privacy``)."""
    incomes = village_incomes(village)
    official = governs(user, village.code)
    if official and village.contact_phone:
        log_personal_read(user, village, filled(village, ("contact_name", "contact_phone")), purpose)
    return VillageProfile(
        village=village,
        incomes=incomes,
        band=income_band(incomes[0].amount if incomes else None),
        contact_name=village.contact_name if official else mask_name(village.contact_name),
        contact_phone=village.contact_phone if official else mask_phone(village.contact_phone),
        can_edit=can(user, Capability.VILLAGE_EDIT, village.code),
    )


@dataclass(frozen=True)
class AreaFigures:
    code: str
    name: str
    villages: int
    population: int
    households: int
    cultivated_land_mu: Decimal
    bands: dict[str, int]


def area_figures(region: Region) -> AreaFigures:
    """Totals for a region and the income-band count of its villages (latest year on record)."""
    villages = Village.objects.filter(code__startswith=regioncodes.prefix_of(region.code))
    totals = villages.aggregate(
        n=Count("code"),
        population=Sum("population"),
        households=Sum("households"),
        land=Sum("cultivated_land_mu"),
    )
    latest_year = (
        VillageIncome.objects.filter(village__in=villages)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    bands = {"富裕": 0, "一般": 0, "薄弱": 0}
    if latest_year is not None:
        for amount in VillageIncome.objects.filter(village__in=villages, year=latest_year).values_list(
            "amount", flat=True
        ):
            bands[income_band(amount)] += 1
    return AreaFigures(
        code=region.code,
        name=region.name,
        villages=totals["n"] or 0,
        population=totals["population"] or 0,
        households=totals["households"] or 0,
        cultivated_land_mu=totals["land"] or Decimal("0"),
        bands=bands,
    )


@dataclass(frozen=True)
class ChildFigure:
    region: Region
    villages: int


def child_figures(region: Region) -> list[ChildFigure]:
    """Village counts per child region (counties of a city, towns of a county…)."""
    children = list(region_children(region))
    if not children:
        return []
    # A child's villages share its code prefix (a city's: its first 4 digits).
    width = len(regioncodes.prefix_of(children[0].code))
    rows = (
        Village.objects.filter(code__startswith=regioncodes.prefix_of(region.code))
        .annotate(child=Substr("code", 1, width))
        .values("child")
        .annotate(n=Count("code"))
    )
    counts = {row["child"]: row["n"] for row in rows}
    return [ChildFigure(region=c, villages=counts.get(regioncodes.prefix_of(c.code), 0)) for c in children]


def county_boundaries(city: Region) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the city's counties (for the Leaflet map)."""
    features = [
        {
            "type": "Feature",
            "geometry": c.boundary,
            "properties": {"code": c.code, "name": c.name},
        }
        for c in Region.objects.filter(parent=city, level=Level.COUNTY).exclude(boundary=None)
    ]
    return {"type": "FeatureCollection", "features": features}
