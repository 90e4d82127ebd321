"""Accounts: login throttling and the demo users of every role."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from xiangcun.accounts.models import ROLE_REGION_LEVEL, Role, User
from xiangcun.core import regioncodes
from xiangcun.core.errors import ApplicationError, Msg

DEMO_PASSWORD = "xiangcun-demo-2026"


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    region_code: str = "",
    display_name: str = "",
    is_demo: bool = False,
) -> User:
    """Create a user whose region matches its role (a county admin needs a county code, …)."""
    if role not in Role.values:
        raise ApplicationError(Msg("未知角色：{role}", role=role), field="role")
    level = ROLE_REGION_LEVEL.get(Role(role))
    if level is not None:
        try:
            actual = regioncodes.level_of(region_code)
        except ValueError:
            actual = ""
        if actual != level:
            raise ApplicationError(
                Msg("角色“{label}”须绑定{level}级区划代码", label=Role(role).label, level=level, role=role),
                field="region_code",
            )
    elif region_code:
        raise ApplicationError("合伙人与公众账号不绑定区划", field="region_code")
    user = User(
        username=username, role=role, region_code=region_code, display_name=display_name, is_demo=is_demo
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region: str


@transaction.atomic
def demo_users_create(*, city_code: str = "371500") -> list[DemoLogin]:
    """One demo account per role in the city's first county, town and village (password DEMO_PASSWORD)."""
    from xiangcun.regions.models import Region, Village

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
    logins = [DemoLogin("admin", "系统管理员（Django admin）", city.name)]
    operator = user_create(
        username="admin",
        password=DEMO_PASSWORD,
        role=Role.CITY_ADMIN,
        region_code=city.code,
        display_name="平台运维",
        is_demo=True,
    )
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    for username, role, code, name in specs:
        user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            region_code=code,
            display_name=name,
            is_demo=True,
        )
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
