"""The demo users of every role, in the demo city's first county, town and village.

They need the regions (``regions.services.demo_regions_build``) and the accounts
(``accounts.services.user_create``); ops sits above both, so accounts need not import regions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from xiangcun.accounts.models import Role, User
from xiangcun.accounts.services import DEMO_PASSWORD, privacy_consent_record, user_create
from xiangcun.core import regioncodes
from xiangcun.regions.models import Region, Village

__all__ = ["DEMO_CONSENT_SOURCE", "DEMO_PASSWORD", "DemoLogin", "demo_present", "demo_users_create"]

DEMO_CONSENT_SOURCE = "xiangcun demo"  # the synthetic demo accounts: their consent is the demo's


def demo_present() -> bool:
    """True when the database already holds villages (``xiangcun demo --if-empty`` then does nothing)."""
    return Village.objects.exists()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region: str
    password: str = DEMO_PASSWORD


@transaction.atomic
def demo_users_create(*, city_code: str = "371500") -> list[DemoLogin]:
    """One demo account per role in the city's first county, town and village (password DEMO_PASSWORD),
    and the operator ``admin`` with a random password (in the returned ``DemoLogin``)."""
    User.objects.filter(is_demo=True).delete()
    city = Region.objects.filter(code=city_code).first()
    village = (
        Village.objects.filter(code__startswith=regioncodes.prefix_of(city_code)).order_by("code").first()
    )
    if city is None or village is None:
        return []
    county = Region.objects.get(code=village.code[:6])
    town = Region.objects.get(code=village.code[:9])
    other_county = Region.objects.filter(parent=city).exclude(code=county.code).order_by("-code").first()
    specs = [
        ("city", Role.CITY_ADMIN, city.code, f"{city.name}乡村振兴合伙人管理办公室"),
        ("county", Role.COUNTY_ADMIN, county.code, f"{county.name}农业农村局"),
        ("town", Role.TOWN_ADMIN, town.code, f"{town.name}人民政府"),
        ("cadre", Role.VILLAGE_CADRE, village.code, f"{village.name}村委会"),
        ("partner", Role.PARTNER, "", "示例合伙人"),
        ("public", Role.PUBLIC, "", "示例公众用户"),
    ]
    if other_county is not None:
        specs.insert(2, ("county2", Role.COUNTY_ADMIN, other_county.code, f"{other_county.name}农业农村局"))
    # The operator can change every row through the Django admin: never a published password. A fresh
    # random one is printed once by ``xiangcun demo`` (the role accounts keep the published demo password).
    operator_password = secrets.token_urlsafe(12)
    logins = [DemoLogin("admin", "系统管理员（Django admin）", city.name, operator_password)]
    operator = user_create(
        username="admin",
        password=operator_password,
        role=Role.CITY_ADMIN,
        region_code=city.code,
        display_name="平台运维",
        is_demo=True,
    )
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    privacy_consent_record(user=operator, source=DEMO_CONSENT_SOURCE)
    for username, role, code, name in specs:
        account = user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            region_code=code,
            display_name=name,
            is_demo=True,
        )
        # The demo accounts are synthetic: their consent to the 个人信息处理规则 is recorded as the demo's.
        privacy_consent_record(user=account, source=DEMO_CONSENT_SOURCE)
        region_name = {
            city.code: city.name,
            county.code: county.name,
            town.code: town.name,
            village.code: village.name,
        }.get(code, "")
        if other_county is not None and code == other_county.code:
            region_name = other_county.name
        logins.append(DemoLogin(username, str(role.label), region_name))
    return logins
