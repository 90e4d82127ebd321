"""Writes to recruitment notices: create, edit, the workflow, and 招募令 batches.

Who may act is decided here with ``accounts.permissions.require``: the capability the step needs in
the region of the notice's first village (DESIGN.md §1): a village cadre drafts and submits, the
town approves, the county publishes county-level notices and the city publishes city-level ones.
Input arrives typed (``schemas.NoticeIn``, ``BatchIn``), validated once at the edge.

One transition at a time: a step locks the notice row (``select_for_update``; on SQLite the
``IMMEDIATE`` transactions serialise writers) and compares its state with the one the caller saw
(``expected_status``); another state means someone acted first — a ``ConflictError`` (409) naming
the state it is in now. Of an approval and a return raced on one notice exactly one happens.

Dates: a notice's deadline lies after today (the server's date) when it is submitted, approved and
published; once it has passed nobody may apply, and the daily ``notice_close_expired`` (a
django-tasks task, ``xiangcun notices close-expired``) closes the published notice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, require
from xiangcun.core.audit import audit
from xiangcun.core.errors import N_, ApplicationError, ConflictError, Msg
from xiangcun.core.validation import full_clean
from xiangcun.recruitment.models import (
    Notice,
    NoticeBatch,
    NoticeLevel,
    NoticeResource,
    NoticeStatus,
    NoticeTransition,
)
from xiangcun.recruitment.schemas import BatchIn, NoticeIn, NoticeResourceIn
from xiangcun.recruitment.selectors import (
    EDITABLE,
    STEPS,
    Step,
    notice_is_expired,
    notice_step_problem,
    step_capability,
)
from xiangcun.regions.models import Village

C = Capability
log = logging.getLogger(__name__)
AUTO_CLOSE_REASON = N_("截止日期已过，系统自动关闭")
# The notice's editable fields, as ``NoticeIn`` names them (villages and resources apart).
NOTICE_FIELDS = (
    "title",
    "category",
    "level",
    "cooperation_forms",
    "kinds_wanted",
    "investment_min",
    "investment_max",
    "incentives",
    "description",
    "contact",
    "deadline",
)


def _villages(codes: Sequence[str], user: Any) -> list[Village]:
    codes = [str(c).strip() for c in codes if str(c).strip()]
    if not codes:
        raise ApplicationError("请至少选择一个村庄", field="villages")
    found = {v.code: v for v in Village.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            raise ApplicationError(Msg("村级区划代码 {code} 不存在", code=code), field="villages")
    for code in codes:
        require(user, C.NOTICE_DRAFT, code, field="villages")
    first_county = found[codes[0]].county_id
    if any(found[c].county_id != first_county for c in codes):
        raise ApplicationError("一个招募令涉及的村庄须在同一县（市、区）", field="villages")
    return [found[c] for c in dict.fromkeys(codes)]


def _save_resources(notice: Notice, resources: list[NoticeResourceIn]) -> None:
    notice.resources.all().delete()
    rows = [
        NoticeResource(notice=notice, kind=r.kind, area=r.area, unit=r.unit, description=r.description)
        for r in resources
    ]
    for row in rows:
        full_clean(row, exclude=["notice"])
    NoticeResource.objects.bulk_create(rows)


# --------------------------------------------------------------------------------------------------
# Create and edit
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def notice_create(*, user: Any, notice_in: NoticeIn) -> Notice:
    """A draft notice for villages in the user's region."""
    require(user, C.NOTICE_DRAFT)
    villages = _villages(notice_in.villages, user)
    notice = Notice(
        **notice_in.model_dump(include=set(NOTICE_FIELDS)),
        village=villages[0],
        county_id=villages[0].county_id,
        created_by=user,
    )
    full_clean(notice)
    notice.save()
    notice.villages.set(villages)
    _save_resources(notice, notice_in.resources)
    NoticeTransition.objects.create(notice=notice, actor=user, from_status="", to_status=NoticeStatus.DRAFT)
    audit(
        actor=user,
        action="notice.create",
        target=notice,
        region_code=notice.region_code,
        data={"title": notice.title, "villages": [v.code for v in villages], "status": notice.status},
    )
    return notice


@transaction.atomic
def notice_update(*, user: Any, notice: Notice, notice_in: NoticeIn) -> Notice:
    """Edit a draft (or a returned) notice; only officials of its first village's region may."""
    require(user, C.NOTICE_DRAFT, notice.region_code, field="village")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status not in EDITABLE:
        raise ApplicationError(
            Msg("招募令状态为“{v}”，不能修改", v=notice.get_status_display()), field="status"
        )
    for name, value in notice_in.model_dump(include=set(NOTICE_FIELDS)).items():
        setattr(notice, name, value)
    villages = _villages(notice_in.villages, user)
    notice.village = villages[0]
    notice.county_id = villages[0].county_id
    full_clean(notice)
    notice.save(update_fields=[*NOTICE_FIELDS, "village", "county", "updated_at"])
    notice.villages.set(villages)
    _save_resources(notice, notice_in.resources)
    audit(
        actor=user,
        action="notice.update",
        target=notice,
        region_code=notice.region_code,
        data={"fields": notice_in.model_dump(include=set(NOTICE_FIELDS) - {"contact"})},
    )
    return notice


# --------------------------------------------------------------------------------------------------
# Workflow (the table of steps is the selectors', which the pages' buttons read too)
# --------------------------------------------------------------------------------------------------
ACTIONS = STEPS  # the older names of the table and its rules
Action = Step
action_capability = step_capability


@transaction.atomic
def notice_transition(
    *,
    user: Any,
    notice: Notice,
    action: str,
    reason: str = "",
    batch: NoticeBatch | None = None,
    expected_status: str | None = None,
) -> Notice:
    """Move a notice one step in its workflow and record who, when, from, to and why.

    ``expected_status`` is the state the caller saw (the pages send it; the API sends the client's
    or the state read when the request began): when the locked notice is in another state someone
    else acted first, a 409. Submitting, approving and publishing need a deadline after today."""
    step = STEPS.get(action)
    if step is None:
        raise ApplicationError(Msg("未知的操作：{action}", action=action), field="action")
    require(user, C.OFFICIAL_READ, notice.region_code, field="village")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    require(user, step_capability(step, notice), notice.region_code)
    if expected_status is not None and notice.status != expected_status:
        raise ConflictError(
            Msg(
                "该招募令已被其他人处理（当前状态：{status}），请刷新后重试",
                status=NoticeStatus(notice.status).label,
            ),
            field="expected_status",
        )
    problem = notice_step_problem(notice, step)
    if problem is not None:
        raise problem
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise ApplicationError(Msg("{zh}须填写理由", zh=step.zh), field="reason")
    source = notice.status
    notice.status = step.target
    changed = ["status", "updated_at"]
    if action == "reject":
        notice.rejection_reason = reason[:300]
        changed.append("rejection_reason")
    if action == "publish":
        notice.published_at = timezone.now()
        changed.append("published_at")
        if batch is not None:
            notice.batch = batch
            changed.append("batch")
    full_clean(notice)
    notice.save(update_fields=changed)
    NoticeTransition.objects.create(
        notice=notice, actor=user, from_status=source, to_status=notice.status, reason=reason[:300]
    )
    audit(
        actor=user,
        action=f"notice.{action}",
        target=notice,
        region_code=notice.region_code,
        data={"from": source, "to": notice.status, "reason": reason[:300], "batch": notice.batch_id},
    )
    return notice


def notice_close_expired() -> list[int]:
    """Close every published notice whose deadline has passed (the daily task): one transaction
    and one transition per notice, by the system (no actor), with ``AUTO_CLOSE_REASON``. A notice
    changed meanwhile (closed, matched, its deadline moved) is left as it is. The ids closed."""
    today = timezone.localdate()
    due = Notice.objects.filter(status=NoticeStatus.PUBLISHED, deadline__lt=today).order_by("id")
    closed = [pk for pk in due.values_list("pk", flat=True) if _close_expired(pk, today)]
    log.info("closed %d expired notices (deadline before %s)", len(closed), today)
    return closed


@transaction.atomic
def _close_expired(pk: int, today: dt.date) -> bool:
    notice = Notice.objects.select_for_update().filter(pk=pk).first()
    if notice is None or notice.status != NoticeStatus.PUBLISHED or not notice_is_expired(notice, today):
        return False
    notice.status = NoticeStatus.CLOSED
    full_clean(notice)
    notice.save(update_fields=["status", "updated_at"])
    NoticeTransition.objects.create(
        notice=notice,
        actor=None,
        from_status=NoticeStatus.PUBLISHED,
        to_status=NoticeStatus.CLOSED,
        reason=AUTO_CLOSE_REASON,
    )
    audit(
        actor=None,
        action="notice.close_expired",
        target=notice,
        region_code=notice.region_code,
        data={
            "from": NoticeStatus.PUBLISHED,
            "to": NoticeStatus.CLOSED,
            "deadline": notice.deadline,
            "on": today,
        },
    )
    return True


# --------------------------------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------------------------------
@transaction.atomic
def batch_create(*, user: Any, batch_in: BatchIn) -> NoticeBatch:
    """A 招募令 batch. The city office opens it; counties publish their notices into it the same day."""
    require(user, C.BATCH_MANAGE)
    batch = NoticeBatch(
        title=batch_in.title,
        date=batch_in.date,
        issuer_level=NoticeLevel.CITY,
        region_code=settings.XIANGCUN_CITY_CODE,
    )
    full_clean(batch)
    batch.save()
    audit(
        actor=user,
        action="batch.create",
        target=batch,
        region_code=batch.region_code,
        data={"title": batch.title, "date": batch.date},
    )
    return batch


__all__ = [
    "ACTIONS",
    "AUTO_CLOSE_REASON",
    "EDITABLE",
    "STEPS",
    "Action",
    "Step",
    "action_capability",
    "batch_create",
    "notice_close_expired",
    "notice_create",
    "notice_is_expired",
    "notice_transition",
    "notice_update",
    "step_capability",
]
