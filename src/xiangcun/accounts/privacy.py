"""Personal information (个人信息保护法): the 个人信息处理规则 users accept, and the log of who read whose
personal identifiers in full. One small idea, one place.

* ``PRIVACY_NOTICE_VERSION`` is the version of the rules in force; its text is the template
  ``privacy/notice_v<N>.html`` (a new version is a new template and a new number here, so that what
  each user accepted stays readable). Registration refuses an unticked box and records the consent
  (``accounts.services.privacy_consent_record``).
* ``log_personal_reads`` is the one writer of ``PersonalDataRead``: every page, API response or export
  that shows a phone number or an ID number in full (instead of through ``core.masking``) calls it
  with the reader, the records, the fields shown and the purpose — a Chinese msgid such as
  ``市级管理员审核合伙人`` or the export's name. Lists and exports write one row per record per request,
  in one ``bulk_create``. A person reading their own data is not logged (``subject_id`` is theirs),
  and anonymous readers never see unmasked data, so there is nobody to log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from xiangcun.accounts.models import PersonalDataRead

PRIVACY_NOTICE_VERSION = 1
# Each version and the day it took effect; the text of version N is templates/privacy/notice_vN.html.
PRIVACY_NOTICES: dict[int, dt.date] = {1: dt.date(2026, 12, 1)}

_BATCH = 1000


@dataclass(frozen=True, slots=True)
class PersonalRead:
    """One record whose personal ``fields`` a reader sees in full; ``subject_id`` is the account the data
    is about (the partner's own), when there is one."""

    record: Model
    fields: tuple[str, ...]
    subject_id: int | None = None


def record_label(record: Model) -> str:
    """``partners.partner``: how the log names a record's kind."""
    return str(record._meta.label_lower)


def log_personal_reads(user: Any, reads: Iterable[PersonalRead], purpose: str) -> int:
    """Log that ``user`` saw these records' personal fields in full, for ``purpose``. Reads of one's
    own data and reads without fields are not logged; returns the number of rows written."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    rows = [
        PersonalDataRead(
            reader_id=user.pk,
            reader_name=(getattr(user, "display_name", "") or user.get_username())[:150],
            reader_role=getattr(user, "role", ""),
            record_model=record_label(read.record),
            record_pk=str(read.record.pk),
            subject_id=read.subject_id,
            fields=list(read.fields),
            purpose=purpose[:120],
        )
        for read in reads
        if read.fields and read.subject_id != user.pk
    ]
    if rows:
        PersonalDataRead.objects.bulk_create(rows, batch_size=_BATCH)
    return len(rows)


def log_personal_read(
    user: Any, record: Model, fields: Iterable[str], purpose: str, *, subject_id: int | None = None
) -> bool:
    """One record's ``log_personal_reads``; ``True`` when a row was written."""
    return bool(log_personal_reads(user, [PersonalRead(record, tuple(fields), subject_id)], purpose))


def filled(record: Model, fields: Iterable[str]) -> tuple[str, ...]:
    """The ``fields`` of ``record`` that hold something (an empty phone number shows nothing)."""
    return tuple(f for f in fields if getattr(record, f, ""))
