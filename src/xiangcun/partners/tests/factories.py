from __future__ import annotations

from typing import Any

from xiangcun.core.inputs import parse
from xiangcun.partners import services
from xiangcun.partners.models import Partner
from xiangcun.partners.schemas import PartnerRegisterIn


def partner_registered(username: str = "zhangsan", **overrides: Any) -> Partner:
    data: dict[str, Any] = {
        "name": "张三丰",
        "kind": "rural_leader",
        "contact_name": "张三丰",
        "phone": "13812345678",
        "id_number": "371502199001011234",
        "home_county": "371502",
        "capital_min": "10",
        "capital_max": "60",
        "skills": ["农家乐经营", "采摘园"],
        "preferred_counties": ["371502"],
        "preferred_categories": ["farm_stay"],
        "cooperation_forms": ["capital"],
        "profile": "经营农家乐十年，擅长采摘垂钓和农家菜",
    }
    data.update(overrides, username=username, password="a-long-password-1")
    return services.partner_register(data=parse(PartnerRegisterIn, data))


def partner_verified(users: dict[str, Any], username: str = "zhangsan", **overrides: Any) -> Partner:
    partner = partner_registered(username, **overrides)
    return services.partner_verify(user=users["city"], partner=partner, verified=True)
