"""Official administrative division codes (GB/T 2260 and the statistics office's 12-digit codes).

Province, city and county codes have 6 digits (370000, 371500, 371502), towns 9 (371502001),
villages 12 (371502001201). A code's *prefix* is the part that every code beneath it shares —
"37" for a province, "3715" for a city, the code itself below that — so region scoping is a
plain string prefix test on any stored code.
"""

from __future__ import annotations

import re

LEVELS = {6: "county", 9: "town", 12: "village"}
_CODE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")


def is_valid_code(code: str) -> bool:
    return bool(_CODE.match(code))


def level_of(code: str) -> str:
    """'province' | 'city' | 'county' | 'town' | 'village' for a well-formed code."""
    if not is_valid_code(code):
        raise ValueError(f"not an official region code: {code!r}")
    if len(code) == 6:
        if code[2:] == "0000":
            return "province"
        if code[4:] == "00":
            return "city"
        return "county"
    return LEVELS[len(code)]


def prefix_of(code: str) -> str:
    """The prefix shared by the region and everything beneath it."""
    level = level_of(code)
    if level == "province":
        return code[:2]
    if level == "city":
        return code[:4]
    return code


def contains(ancestor: str, code: str) -> bool:
    """Whether ``code`` lies within (or is) ``ancestor``."""
    return code.startswith(prefix_of(ancestor))


def county_of(code: str) -> str:
    return code[:6]


def city_of(code: str) -> str:
    return code[:4] + "00"


def province_of(code: str) -> str:
    return code[:2] + "0000"
