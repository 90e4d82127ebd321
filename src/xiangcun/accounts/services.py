"""Accounts: user creation and deactivation (the demo users are built by ops.demo). Users are never
deleted: the audit log and every workflow record keep their actor (``on_delete=PROTECT``), so an
account that must go is deactivated."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from xiangcun.accounts.models import ROLE_REGION_LEVEL, Role, User
from xiangcun.core import regioncodes
from xiangcun.core.audit import audit
from xiangcun.core.errors import AccessDenied, ApplicationError, Msg
from xiangcun.core.validation import django_message

DEMO_PASSWORD = "xiangcun-demo-2026"


@transaction.atomic
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
    audit(
        actor=None,
        action="user.create",
        target=user,
        region_code=region_code,
        data={"username": username, "role": role, "is_demo": is_demo},
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: Any, user: User, reason: str) -> User:
    """The operator closes an account: it can no longer log in, and everything it did stays
    attributed to it. Only a platform operator (superuser) may; a reason is required."""
    if not getattr(actor, "is_superuser", False):
        raise AccessDenied("只有平台运维管理员可以停用账号")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("停用账号须填写原因", field="reason")
    if actor.pk == user.pk:
        raise ApplicationError("不能停用自己的账号", field="user")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ApplicationError("该账号已停用", field="user")
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit(
        actor=actor,
        action="user.deactivate",
        target=user,
        region_code=user.region_code,
        data={"reason": reason},
    )
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
