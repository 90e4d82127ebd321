"""Reads of accounts: who is responsible for a region (the recipients of a notification), and the
personal-information records — consents and the unmasked-read log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from xiangcun.accounts.models import PersonalDataRead, PrivacyConsent, User
from xiangcun.accounts.permissions import CITY_WIDE, ROLE_CAPABILITIES, Capability, can, require
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


def consents_of(user: Any) -> QuerySet[PrivacyConsent]:
    """``user``'s consents to the 个人信息处理规则, newest first (none for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return PrivacyConsent.objects.none()
    return PrivacyConsent.objects.filter(user_id=user.pk).order_by("-at", "-id")


def reads_about(user: Any) -> QuerySet[PersonalDataRead]:
    """Who read ``user``'s own personal data in full (PIPL art. 44, the right to know), newest first."""
    if not getattr(user, "is_authenticated", False):
        return PersonalDataRead.objects.none()
    return PersonalDataRead.objects.filter(subject_id=user.pk).select_related("reader").order_by("-at", "-id")


@dataclass(frozen=True)
class ReadFilters:
    reader: str | None = None  # username
    model: str | None = None  # "partners.partner"
    pk: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def read_log_for(user: Any, filters: ReadFilters | None = None) -> QuerySet[PersonalDataRead]:
    """The unmasked-read log for the city office, newest first, filtered by reader (username), record
    (kind and pk) and dates (inclusive, in the platform's time zone)."""
    require(user, Capability.PERSONAL_DATA_AUDIT)
    f = filters or ReadFilters()
    qs = PersonalDataRead.objects.select_related("reader").order_by("-at", "-id")
    if f.reader:
        qs = qs.filter(reader__username=f.reader)
    if f.model:
        qs = qs.filter(record_model=f.model)
    if f.pk:
        qs = qs.filter(record_pk=f.pk)
    zone = timezone.get_current_timezone()
    if f.since:
        qs = qs.filter(at__gte=dt.datetime.combine(f.since, dt.time.min, tzinfo=zone))
    if f.until:
        qs = qs.filter(at__lt=dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    return qs
