"""Reads of accounts: who is responsible for a region (the recipients of a notification)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from xiangcun.accounts.models import User
from xiangcun.accounts.permissions import CITY_WIDE, ROLE_CAPABILITIES, Capability, can
from xiangcun.core import regioncodes


def _enclosing_codes(code: str) -> list[str]:
    """The codes of ``code`` and every region above it (village → town → county → city → province)."""
    codes = [code[:n] for n in (12, 9, 6) if len(code) >= n]
    if len(code) >= 6:
        codes += [regioncodes.city_of(code), regioncodes.province_of(code)]
    return list(dict.fromkeys(codes))


def officials_with(
    capability: Capability, region_code: str, *, levels: Iterable[str] | None = None
) -> list[User]:
    """The active officials who hold ``capability`` in a region governing ``region_code`` (a city-wide
    capability: the city's officials), optionally only those governing a region of one of ``levels``
    ("village", "town", "county", "city"). Operators (superusers) are not anybody's official."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
    code = settings.XIANGCUN_CITY_CODE if capability in CITY_WIDE else (region_code or "")
    if not roles or not regioncodes.is_valid_code(code):
        return []
    wanted = set(levels) if levels is not None else None
    candidates = User.objects.filter(
        is_active=True, is_superuser=False, role__in=roles, region_code__in=_enclosing_codes(code)
    ).order_by("id")
    return [
        user
        for user in candidates
        if can(user, capability, code)
        and (wanted is None or regioncodes.level_of(user.region_code) in wanted)
    ]


__all__ = ["officials_with"]
