"""Reads of accounts' personal-information records: consents and the unmasked-read log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from xiangcun.accounts.models import PersonalDataRead, PrivacyConsent
from xiangcun.accounts.permissions import Capability, require


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
