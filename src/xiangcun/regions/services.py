"""Writes to regions and villages: the demo build and village profile edits (scope-checked)."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, require
from xiangcun.core.audit import audit
from xiangcun.core.validation import full_clean
from xiangcun.regions import demo
from xiangcun.regions.models import Level, Region, Village, VillageIncome
from xiangcun.regions.schemas import VillageProfileIn

_BATCH = 5000


@dataclass(frozen=True)
class DemoResult:
    scale: str
    seed: int
    counties: int
    towns: int
    villages: int
    seconds: float


@transaction.atomic
def demo_regions_build(*, scale: str, seed: int) -> DemoResult:
    """Replace all demo regions and villages with the ``scale`` demo, built from ``seed``."""
    started = time.perf_counter()
    plan = demo.plan(scale)
    VillageIncome.objects.filter(village__is_demo=True).delete()
    Village.objects.filter(is_demo=True).delete()
    Region.objects.filter(level=Level.TOWN, is_demo=True).delete()

    def upsert(division: Any, level: str, parent: Region | None) -> Region:
        geom = division.geometry
        point = geom.representative_point() if geom is not None else None
        region, _ = Region.objects.update_or_create(
            code=division.code,
            defaults={
                "name": division.name,
                "level": level,
                "parent": parent,
                "boundary": division.geojson,
                "lat": round(point.y, 6) if point is not None else None,
                "lng": round(point.x, 6) if point is not None else None,
                # Degrees² to km² at the centroid's latitude (good to a few percent at these sizes).
                "area_km2": _area_km2(geom) if geom is not None else None,
            },
        )
        return region

    regions: dict[str, Region] = {}
    for p in plan.provinces:
        regions[p.code] = upsert(p, Level.PROVINCE, None)
    for c in plan.cities:
        regions[c.code] = upsert(c, Level.CITY, regions[c.code[:2] + "0000"])
    city_of: dict[str, str] = {}
    for c in plan.cities:
        for k in demo.boundaries.counties(c.code):
            city_of[k.code] = c.code
    for k in plan.counties:
        regions[k.code] = upsert(k, Level.COUNTY, regions[city_of[k.code]])

    towns = villages = 0
    pending_villages: list[Village] = []
    pending_incomes: list[VillageIncome] = []

    def flush() -> None:
        Village.objects.bulk_create(pending_villages, batch_size=_BATCH)
        VillageIncome.objects.bulk_create(pending_incomes, batch_size=_BATCH)
        pending_villages.clear()
        pending_incomes.clear()

    for division, count in zip(plan.counties, plan.village_counts, strict=True):
        spec = demo.build_county(division, city_of[division.code], count, seed)
        town_rows = Region.objects.bulk_create(
            [
                Region(
                    code=t.code,
                    name=t.name,
                    level=Level.TOWN,
                    parent=regions[division.code],
                    lat=t.lat,
                    lng=t.lng,
                    is_demo=True,
                )
                for t in spec.towns
            ]
        )
        towns += len(town_rows)
        for v in spec.villages:
            pending_villages.append(
                Village(
                    code=v.code,
                    name=v.name,
                    pinyin_initials=v.pinyin_initials,
                    town_id=v.town_code,
                    county_id=v.county_code,
                    lat=v.lat,
                    lng=v.lng,
                    households=v.households,
                    population=v.population,
                    cultivated_land_mu=v.cultivated_land_mu,
                    featured_industry=v.featured_industry,
                    contact_name=v.contact_name,
                    contact_phone=v.contact_phone,
                    is_demo=True,
                )
            )
            pending_incomes.extend(
                VillageIncome(village_id=v.code, year=year, amount=amount)
                for year, amount in zip(demo.INCOME_YEARS, v.incomes, strict=True)
            )
        villages += len(spec.villages)
        if len(pending_villages) >= _BATCH:
            flush()
    flush()
    audit(
        actor=None,
        action="demo.regions_build",
        target=("regions.region", settings.XIANGCUN_CITY_CODE),
        data={"scale": scale, "seed": seed, "towns": towns, "villages": villages},
    )
    return DemoResult(scale, seed, len(plan.counties), towns, villages, time.perf_counter() - started)


def _area_km2(geom: Any) -> float:
    lat = geom.centroid.y
    return round(geom.area * 111.32 * 111.32 * math.cos(math.radians(lat)), 1)


PROFILE_FIELDS = (
    "households",
    "population",
    "cultivated_land_mu",
    "featured_industry",
    "contact_name",
    "contact_phone",
)


def income_years(today: dt.date | None = None) -> list[int]:
    """The three years whose collective income a profile shows: the last three completed years."""
    year = (today or timezone.localdate()).year
    return [year - 3, year - 2, year - 1]


@transaction.atomic
def village_profile_save(*, user: Any, village: Village, profile_in: VillageProfileIn) -> Village:
    """The profile fields given and the years' collective incomes together: all saved, or nothing.
    Only officials whose region contains the village may (``VILLAGE_EDIT``)."""
    require(user, Capability.VILLAGE_EDIT, village.code, field="code")
    changes = {
        name: getattr(profile_in, name) for name in PROFILE_FIELDS if name in profile_in.model_fields_set
    }
    village = Village.objects.select_for_update().get(pk=village.pk)
    for name, value in changes.items():
        setattr(village, name, value)
    full_clean(village)
    village.save(update_fields=[*changes, "updated_at"])
    for year, amount in profile_in.incomes.items():
        if amount is None:
            VillageIncome.objects.filter(village=village, year=year).delete()
        else:
            VillageIncome.objects.update_or_create(village=village, year=year, defaults={"amount": amount})
    audit(
        actor=user,
        action="village.profile_save",
        target=village,
        region_code=village.code,
        # The contact phone is personal data: its change is recorded, not its value.
        data={
            "fields": {k: ("***" if k == "contact_phone" else v) for k, v in changes.items()},
            "incomes": profile_in.incomes,
        },
    )
    return village
