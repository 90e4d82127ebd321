from __future__ import annotations

import hashlib
from typing import Any

from xiangcun.core import identity
from xiangcun.core.inputs import parse
from xiangcun.partners import services
from xiangcun.partners.models import Partner
from xiangcun.partners.schemas import PartnerRegisterIn


def resident_id(seed: str, *, county: str = "371502", born: str = "19900101") -> str:
    """A valid resident ID number (its check digit computed), different for each ``seed``."""
    body = f"{county}{born}{int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 1000:03d}"
    return body + identity.id_check_char(body)


def mobile(seed: str) -> str:
    """A mainland mobile number, different for each ``seed`` (in practice)."""
    return f"139{int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10**8:08d}"


def partner_registered(username: str = "zhangsan", **overrides: Any) -> Partner:
    data: dict[str, Any] = {
        "name": "张三丰",
        "kind": "rural_leader",
        "contact_name": "张三丰",
        "phone": mobile(username),
        "id_number": resident_id(username, born="19800101"),
        "home_county": "371502",
        "capital_min": "10",
        "capital_max": "60",
        "skills": ["农家乐经营", "采摘园"],
        "preferred_counties": ["371502"],
        "preferred_categories": ["farm_stay"],
        "cooperation_forms": ["capital"],
        "profile": "经营农家乐十年，擅长采摘垂钓和农家菜",
        "privacy_consent": True,
    }
    data.update(overrides, username=username, password="a-long-password-1")
    return services.partner_register(data=parse(PartnerRegisterIn, data), source="tests")


def partner_verified(users: dict[str, Any], username: str = "zhangsan", **overrides: Any) -> Partner:
    partner = partner_registered(username, **overrides)
    return services.partner_verify(user=users["city"], partner=partner, verified=True)
