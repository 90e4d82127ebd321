"""Accounts: login throttling and user creation (the demo users are built by ops.demo)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from xiangcun.accounts.models import ROLE_REGION_LEVEL, Role, User
from xiangcun.core import regioncodes
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.validation import django_message

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


def partner_account_create(*, username: str, password: str, display_name: str = "") -> User:
    """The account of a self-registering partner, its password checked by Django's validators
    (``AUTH_PASSWORD_VALIDATORS``: length, common passwords, all digits, similarity to the name)."""
    candidate = User(username=username, display_name=display_name, role=Role.PARTNER)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        first = exc.error_list[0]
        raise ApplicationError(django_message(first.message, first.params), field="password") from None
    return user_create(username=username, password=password, role=Role.PARTNER, display_name=display_name)
