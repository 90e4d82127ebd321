"""Accounts: login throttling and user creation (the demo users are built by ops.demo)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from xiangcun.accounts.models import ROLE_REGION_LEVEL, LoginFailure, Role, User
from xiangcun.core import regioncodes
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.validation import django_message

DEMO_PASSWORD = "xiangcun-demo-2026"


def login_is_locked(*, username: str, ip_address: str | None) -> bool:
    """True when this username (from any address) or this address has failed too often lately."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    limit = settings.LOGIN_MAX_FAILURES
    if recent.filter(username=username.lower()).count() >= limit:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= limit * 4


def login_failure_record(*, username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip_address=ip_address)


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


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
