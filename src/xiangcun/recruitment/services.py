"""Writes to recruitment notices: create, edit, the workflow, and 招募令 batches.

Who may act is decided here with ``accounts.permissions.require``: the capability the step needs in
the region of the notice's first village (DESIGN.md §1): a village cadre drafts and submits, the
town approves, the county publishes county-level notices and the city publishes city-level ones.
Input arrives typed (``schemas.NoticeIn``, ``BatchIn``), validated once at the edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, can, require
from xiangcun.core.audit import audit
from xiangcun.core.errors import ApplicationError, Msg
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
from xiangcun.regions.models import Village

C = Capability
EDITABLE = (NoticeStatus.DRAFT, NoticeStatus.REJECTED)
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
# Workflow
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    code: str
    zh: str
    sources: tuple[str, ...]
    target: str
    capability: Capability | None  # None: publish, whose capability depends on the level
    needs_reason: bool = False


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        Action("submit", "提交", EDITABLE, NoticeStatus.SUBMITTED, C.NOTICE_DRAFT),
        Action("approve", "审核通过", (NoticeStatus.SUBMITTED,), NoticeStatus.APPROVED, C.NOTICE_APPROVE),
        Action(
            "reject",
            "退回",
            (NoticeStatus.SUBMITTED, NoticeStatus.APPROVED),
            NoticeStatus.REJECTED,
            C.NOTICE_REJECT,
            needs_reason=True,
        ),
        Action("publish", "发布", (NoticeStatus.APPROVED,), NoticeStatus.PUBLISHED, None),
        Action(
            "match", "标记为已对接", (NoticeStatus.PUBLISHED,), NoticeStatus.MATCHED, C.NOTICE_MARK_MATCHED
        ),
        Action(
            "close",
            "关闭",
            (*EDITABLE, NoticeStatus.PUBLISHED, NoticeStatus.MATCHED),
            NoticeStatus.CLOSED,
            C.NOTICE_DRAFT,
        ),
    )
}


def action_capability(action: Action, notice: Notice) -> Capability:
    """What ``action`` on ``notice`` needs: publishing a city-level notice is the city's."""
    if action.capability is not None:
        return action.capability
    return C.NOTICE_PUBLISH_CITY if notice.level == NoticeLevel.CITY else C.NOTICE_PUBLISH_COUNTY


def notice_actions_for(user: Any, notice: Notice) -> list[Action]:
    """The actions ``user`` may take on ``notice`` now (for buttons); the service re-checks."""
    return [
        action
        for action in ACTIONS.values()
        if notice.status in action.sources
        and can(user, action_capability(action, notice), notice.region_code)
    ]


@transaction.atomic
def notice_transition(
    *, user: Any, notice: Notice, action: str, reason: str = "", batch: NoticeBatch | None = None
) -> Notice:
    """Move a notice one step in its workflow and record who, when, from, to and why."""
    step = ACTIONS.get(action)
    if step is None:
        raise ApplicationError(Msg("未知的操作：{action}", action=action), field="action")
    require(user, C.OFFICIAL_READ, notice.region_code, field="village")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    require(user, action_capability(step, notice), notice.region_code)
    if notice.status not in step.sources:
        template = (
            "招募令当前状态为“{status}”，不能{step}（须先经乡镇审核）"
            if action == "publish"
            else "招募令当前状态为“{status}”，不能{step}"
        )
        raise ApplicationError(
            Msg(template, status=notice.get_status_display(), step=step.zh, action=action), field="status"
        )
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
    "EDITABLE",
    "Action",
    "action_capability",
    "batch_create",
    "notice_actions_for",
    "notice_create",
    "notice_transition",
    "notice_update",
]
