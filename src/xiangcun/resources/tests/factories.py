"""Test data helpers: resources in the demo cadre's village, placed at the village's own point."""

from __future__ import annotations

from typing import Any

from xiangcun.core.inputs import parse
from xiangcun.regions.models import Village
from xiangcun.resources import services
from xiangcun.resources.models import Resource
from xiangcun.resources.schemas import ResourceIn


def cadre_village(users: dict[str, Any]) -> Village:
    return Village.objects.select_related("county").get(code=users["cadre"].region_code)


def resource_data(village: Village, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": f"{village.name}东闲置厂房",
        "kind": "idle_building",
        "right": "ownership",
        "owner_type": "collective",
        "owner_name": f"{village.name}村民委员会",
        "area": "1200",
        "unit": "m2",
        "lng": village.lng,
        "lat": village.lat,
        "current_use": "闲置",
        "permitted_use": "农产品加工",
        "status": "available",
    }
    data.update(overrides)
    return data


def resource_input(village: Village, **overrides: Any) -> ResourceIn:
    """``ResourceIn`` for a resource of ``village`` (what the form or the API would send)."""
    return parse(ResourceIn, {**resource_data(village, **overrides), "village": village.code})


def resource_create(users: dict[str, Any], **overrides: Any) -> Resource:
    village = cadre_village(users)
    return services.resource_create(user=users["cadre"], resource_in=resource_input(village, **overrides))
