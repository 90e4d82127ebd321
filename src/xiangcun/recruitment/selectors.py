"""Reads of recruitment notices: the public list with filters, scoped lists for officials, details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, can, governs, require
from xiangcun.accounts.privacy import PersonalRead, log_personal_reads
from xiangcun.accounts.scoping import user_scope
from xiangcun.core import regioncodes, vocab
from xiangcun.core.actions import DANGER, SECONDARY, Action, Actions, actions_of
from xiangcun.core.errors import N_, AccessDenied, ApplicationError, Message, Msg, NotFoundError
from xiangcun.core.masking import mask_phones_in
from xiangcun.core.todos import Todo, TodoItem, todo_of
from xiangcun.recruitment.models import (
    Notice,
    NoticeBatch,
    NoticeLevel,
    NoticeResource,
    NoticeStatus,
    NoticeTransition,
)

PUBLIC_STATUSES = (NoticeStatus.PUBLISHED, NoticeStatus.MATCHED)


@dataclass(frozen=True)
class NoticeFilters:
    county: str | None = None
    category: str | None = None
    kind: str | None = None
    investment_min: Decimal | None = None
    investment_max: Decimal | None = None
    q: str | None = None
    status: str | None = None


def _base() -> QuerySet[Notice]:
    return Notice.objects.select_related("village", "county", "batch").prefetch_related(
        Prefetch("resources", queryset=NoticeResource.objects.order_by("id"))
    )


def notice_filters_problem(filters: NoticeFilters) -> ApplicationError | None:
    """What is wrong with ``filters``, if anything: unknown codes, a minimum above the maximum, an
    unknown status. Pages show it and list unfiltered; the API raises it (a 400)."""
    if filters.category and filters.category not in vocab.codes(vocab.PROJECT_CATEGORIES):
        return vocab.UnknownCodeError("category", filters.category)
    if filters.kind and filters.kind not in vocab.codes(vocab.PARTNER_KINDS):
        return vocab.UnknownCodeError("kind", filters.kind)
    low, high = filters.investment_min, filters.investment_max
    if low is not None and high is not None and low > high:
        return ApplicationError("投资下限不能高于投资上限", field="investment_min")
    if filters.status and filters.status not in NoticeStatus.values:
        return ApplicationError("未知的状态", field="status")
    return None


def notice_filter(qs: QuerySet[Notice], filters: NoticeFilters) -> QuerySet[Notice]:
    """Apply the list filters: county, category, a partner kind wanted, an overlapping investment
    range (万元), and text in the title or description. Bad filters are a 400."""
    problem = notice_filters_problem(filters)
    if problem is not None:
        raise problem
    if filters.county:
        qs = qs.filter(county_id=filters.county)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.kind:
        # A JSON list of ASCII codes: the quoted code is a substring exactly when it is an element.
        qs = qs.filter(kinds_wanted__icontains=f'"{filters.kind}"')
    low, high = filters.investment_min, filters.investment_max
    if low is not None:
        qs = qs.filter(Q(investment_max__isnull=True) | Q(investment_max__gte=low))
    if high is not None:
        qs = qs.filter(Q(investment_min__isnull=True) | Q(investment_min__lte=high))
    if filters.q:
        text = filters.q.strip()[:40]
        qs = qs.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(village__name__contains=text)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


def notice_list_public(filters: NoticeFilters | None = None) -> QuerySet[Notice]:
    """Published (and matched) notices, newest first."""
    qs = _base().filter(status__in=PUBLIC_STATUSES).order_by("-published_at", "-id")
    return notice_filter(qs, filters or NoticeFilters(status=None))


def notice_list_public_in(code: str) -> QuerySet[Notice]:
    """The public notices of a region (a 6- or 9-digit code: its villages') or of one village (12 digits:
    the notices naming it, as their home village or as one of several), newest first."""
    qs = notice_list_public()
    if len(code) == 12:
        return qs.filter(Q(village_id=code) | Q(villages__code=code)).distinct()
    return qs.filter(village__code__startswith=regioncodes.prefix_of(code))


def notice_list_for(user: Any, filters: NoticeFilters | None = None) -> QuerySet[Notice]:
    """Every notice of the user's region (any status), for the officials' work list."""
    qs = user_scope(user).filter(_base(), "village__code").order_by("-updated_at", "-id")
    return notice_filter(qs, filters or NoticeFilters())


def notice_get(pk: int) -> Notice:
    """The notice, unchecked: for services and selectors. Pages, API and commands use
    ``notice_get_for``."""
    notice = _base().filter(pk=pk).first()
    if notice is None:
        raise NotFoundError(Msg("招募令 {pk} 不存在", pk=pk), field="id")
    return notice


def notice_is_governed(user: Any, notice: Notice) -> bool:
    """``user`` is an official of the notice's region (sees drafts, histories, full contacts)."""
    return governs(user, notice.region_code)


def notice_can_view(user: Any, notice: Notice) -> bool:
    return notice.status in PUBLIC_STATUSES or governs(user, notice.region_code)


# Why an official sees a notice's contact in full: the purposes the read log records.
PURPOSE_NOTICE = N_("管辖区域管理员办理招募令")
PURPOSE_NOTICE_EDIT = N_("管辖区域管理员修改招募令")
PURPOSE_NOTICE_API = N_("管辖区域管理员通过接口查阅招募令")
PURPOSE_BATCH = N_("管辖区域管理员查阅招募令批次")


@dataclass(frozen=True)
class NoticeContact:
    """A notice's contact line and description as one reader sees them: in ``full``, or with every
    phone number masked (``core.masking.mask_phones_in``)."""

    contact: str
    description: str
    full: bool
    hidden: bool = False  # something was masked (the contact held a phone number)


def notice_contacts_for(
    user: Any, notices: list[Notice], *, purpose: str, granted: bool = False
) -> list[NoticeContact]:
    """The notices' contacts as ``user`` may see them. In full for the officials governing a notice's
    region (or when an upper layer has ``granted`` it: matching, for the partner in an active pairing
    with the notice); masked for every other account and anonymous readers. Each full view of a phone
    number is logged for ``purpose`` (one row per notice, one insert)."""
    out, reads = [], []
    for notice in notices:
        full = granted or governs(user, notice.region_code)
        contact, description = mask_phones_in(notice.contact), mask_phones_in(notice.description)
        masked = NoticeContact(
            contact, description, False, contact != notice.contact or description != notice.description
        )
        if not full:
            out.append(masked)
            continue
        out.append(NoticeContact(notice.contact, notice.description, True))
        fields = tuple(
            name
            for name, value, hidden in (
                ("contact", notice.contact, masked.contact),
                ("description", notice.description, masked.description),
            )
            if value != hidden
        )
        if fields:
            reads.append(PersonalRead(notice, fields))
    log_personal_reads(user, reads, purpose)
    return out


def notice_contact_for(user: Any, notice: Notice, *, purpose: str, granted: bool = False) -> NoticeContact:
    """One notice's ``notice_contacts_for``."""
    return notice_contacts_for(user, [notice], purpose=purpose, granted=granted)[0]


def notice_get_for(user: Any, pk: int, *, write: bool = False) -> Notice:
    """A notice as ``user`` may read it (public once published, otherwise only in their region), or
    act on it (``write``: an official of its region; the step's own capability is the service's)."""
    notice = notice_get(pk)
    if write:
        require(user, Capability.NOTICE_DRAFT, notice.region_code)
    elif not notice_can_view(user, notice):
        raise AccessDenied("该招募令尚未发布，且不在您的管辖范围内")
    return notice


# --------------------------------------------------------------------------------------------------
# The workflow: who may take which step from which state (the service checks the same table)
# --------------------------------------------------------------------------------------------------
EDITABLE = (NoticeStatus.DRAFT, NoticeStatus.REJECTED)
# The steps that lead to publication: the deadline must still lie ahead.
BEFORE_DEADLINE = (NoticeStatus.SUBMITTED, NoticeStatus.APPROVED, NoticeStatus.PUBLISHED)


@dataclass(frozen=True)
class Step:
    """One step of a notice's workflow: from which states, to which, with which capability
    (``None``: publishing, whose capability depends on the notice's level), and its button."""

    code: str
    zh: str  # the verb inside refusals ("不能{zh}")
    sources: tuple[str, ...]
    target: str
    capability: Capability | None
    button: Action
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    s.code: s
    for s in (
        Step(
            "submit",
            "提交",
            EDITABLE,
            NoticeStatus.SUBMITTED,
            Capability.NOTICE_DRAFT,
            Action("submit", Msg("提交审核"), value="submit"),
        ),
        Step(
            "approve",
            "审核通过",
            (NoticeStatus.SUBMITTED,),
            NoticeStatus.APPROVED,
            Capability.NOTICE_APPROVE,
            Action("approve", Msg("批准"), value="approve"),
        ),
        Step(
            "reject",
            "退回",
            (NoticeStatus.SUBMITTED, NoticeStatus.APPROVED),
            NoticeStatus.REJECTED,
            Capability.NOTICE_REJECT,
            Action("reject", Msg("退回修改"), SECONDARY, reason=Msg("退回理由"), value="reject"),
            needs_reason=True,
        ),
        Step(
            "publish",
            "发布",
            (NoticeStatus.APPROVED,),
            NoticeStatus.PUBLISHED,
            None,
            Action(
                "publish",
                Msg("发布"),
                confirm=Msg("确认发布该招募令？发布后将向公众公开，合伙人可表达合作意向。"),
                value="publish",
            ),
        ),
        Step(
            "match",
            "标记为已对接",
            (NoticeStatus.PUBLISHED,),
            NoticeStatus.MATCHED,
            Capability.NOTICE_MARK_MATCHED,
            Action(
                "match",
                Msg("标记为已对接"),
                SECONDARY,
                confirm=Msg("确认将该招募令标记为已对接？标记后不再接受新的合作意向。"),
                value="match",
            ),
        ),
        Step(
            "close",
            "关闭",
            (*EDITABLE, NoticeStatus.PUBLISHED, NoticeStatus.MATCHED),
            NoticeStatus.CLOSED,
            Capability.NOTICE_DRAFT,
            Action(
                "close",
                Msg("关闭招募"),
                DANGER,
                confirm=Msg("确认关闭该招募令？关闭后不能重新打开。"),
                reason=Msg("关闭理由（可选）"),
                reason_required=False,
                value="close",
            ),
        ),
    )
}


def step_capability(step: Step, notice: Notice) -> Capability:
    """What ``step`` on ``notice`` needs: publishing a city-level notice is the city's."""
    if step.capability is not None:
        return step.capability
    return (
        Capability.NOTICE_PUBLISH_CITY
        if notice.level == NoticeLevel.CITY
        else Capability.NOTICE_PUBLISH_COUNTY
    )


def notice_is_expired(notice: Notice, today: dt.date | None = None) -> bool:
    """The notice's deadline has passed (it is open through its deadline day)."""
    return notice.deadline is not None and notice.deadline < (today or timezone.localdate())


def notice_step_problem(notice: Notice, step: Step, today: dt.date | None = None) -> ApplicationError | None:
    """Why the notice's state refuses ``step`` now, or ``None``: it is not in one of the step's
    source states, or the step leads towards publication and the deadline is not after today. The
    capability is the other half (``step_capability``); the service raises this, the page hides the
    button."""
    if notice.status not in step.sources:
        template = (
            "招募令当前状态为“{status}”，不能{step}（须先经乡镇审核）"
            if step.code == "publish"
            else "招募令当前状态为“{status}”，不能{step}"
        )
        return ApplicationError(
            Msg(template, status=notice.get_status_display(), step=step.zh, action=step.code), field="status"
        )
    today = today or timezone.localdate()
    if step.target in BEFORE_DEADLINE and notice.deadline is not None and notice.deadline <= today:
        return ApplicationError(
            Msg(
                "截止日期（{deadline}）须晚于今天（{today}），不能{step}",
                deadline=notice.deadline.isoformat(),
                today=today.isoformat(),
                step=step.zh,
            ),
            field="deadline",
        )
    return None


def notice_steps_for(user: Any, notice: Notice) -> list[Step]:
    """The steps ``user`` may take on ``notice`` now: the capability in the notice's region (``can``)
    and the state (``notice_step_problem``) — what ``services.notice_transition`` checks."""
    today = timezone.localdate()
    return [
        step
        for step in STEPS.values()
        if can(user, step_capability(step, notice), notice.region_code)
        and notice_step_problem(notice, step, today) is None
    ]


PUBLISHERS: dict[str, str] = {NoticeLevel.CITY: N_("市级管理员"), NoticeLevel.COUNTY: N_("县级管理员")}


def _publisher(notice: Notice) -> Msg:
    return Msg(PUBLISHERS.get(str(notice.level), PUBLISHERS[NoticeLevel.COUNTY]))


def notice_waiting(notice: Notice, today: dt.date | None = None) -> Msg | None:
    """Who acts next on ``notice``, in one line (for a reader without a step of their own)."""
    status = notice.status
    today = today or timezone.localdate()
    late = notice.deadline is not None and notice.deadline <= today
    if late and status in (NoticeStatus.SUBMITTED, NoticeStatus.APPROVED):
        return Msg(
            "截止日期（{deadline}）已到，不能再审核或发布：请退回修改截止日期",
            deadline=f"{notice.deadline:%Y-%m-%d}",
        )
    if late and status in EDITABLE:
        return Msg(
            "截止日期（{deadline}）须晚于今天：修改截止日期后方可提交审核",
            deadline=f"{notice.deadline:%Y-%m-%d}",
        )
    if status == NoticeStatus.DRAFT:
        return Msg("草稿：等待起草人提交审核")
    if status == NoticeStatus.REJECTED:
        return Msg("已退回：等待起草人修改后重新提交审核")
    if status == NoticeStatus.SUBMITTED:
        return Msg("等待乡镇管理员审核")
    if status == NoticeStatus.APPROVED:
        return Msg("乡镇已审核：等待{publisher}发布", publisher=_publisher(notice))
    if status == NoticeStatus.PUBLISHED:
        return Msg("已发布：合伙人可表达合作意向，县级管理员组织配对")
    return None


def notice_actions_for(user: Any, notice: Notice) -> Actions:
    """The buttons ``user`` may press on ``notice`` now, and who acts next."""
    return actions_of((s.button for s in notice_steps_for(user, notice)), notice_waiting(notice))


def notice_step_done(step: Step, notice: Notice) -> Msg:
    """What a successful ``step`` says on the next page: what happened and what comes next."""
    if step.code == "submit":
        return Msg("已提交乡镇审核。乡镇管理员批准后，由{publisher}发布。", publisher=_publisher(notice))
    if step.code == "approve":
        return Msg("已批准。招募令转{publisher}发布。", publisher=_publisher(notice))
    if step.code == "reject":
        return Msg("已退回修改，退回理由已告知起草人。修改后可重新提交审核。")
    if step.code == "publish":
        if notice.deadline is not None:
            return Msg(
                "已发布，招募令已向公众公开，截止 {deadline}。合伙人可表达合作意向。",
                deadline=f"{notice.deadline:%Y-%m-%d}",
            )
        return Msg("已发布，招募令已向公众公开。合伙人可表达合作意向。")
    if step.code == "match":
        return Msg("已标记为已对接，招募令不再接受新的合作意向。")
    return Msg("招募已关闭，招募令不再接受合作意向。")


def notice_transitions(notice: Notice) -> QuerySet[NoticeTransition]:
    return NoticeTransition.objects.filter(notice=notice).select_related("actor").order_by("created_at", "id")


def batch_list() -> QuerySet[NoticeBatch]:
    return NoticeBatch.objects.annotate(notice_count=Count("notices")).order_by("-date", "-id")


def batch_get_for(user: Any, pk: int, *, write: bool = False) -> NoticeBatch:
    """A 招募令 batch: public to read; ``write`` (changing the batch itself) is the city office's."""
    batch = NoticeBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise NotFoundError(Msg("招募令批次 {pk} 不存在", pk=pk), field="id")
    if write:
        require(user, Capability.BATCH_MANAGE)
    return batch


def batch_notices(batch: NoticeBatch) -> QuerySet[Notice]:
    """The batch's published notices by county (city-level first within it), then village."""
    return (
        _base()
        .filter(batch=batch, status__in=PUBLIC_STATUSES)
        .order_by("county_id", "level", "village_id", "id")
    )


# --------------------------------------------------------------------------------------------------
# To-dos for the desk (工作台)
# --------------------------------------------------------------------------------------------------
def _notice_item(notice: Notice, note: Message = "") -> TodoItem:
    return TodoItem(notice.title, reverse("recruitment:detail", args=[notice.pk]), note)


def _place_and_day(notice: Notice, msgid: str) -> Msg:
    """ "三庄街道黄家庄村 · 2026-03-02 提交": where the notice is and when it reached its state."""
    place = f"{notice.village.town.name}{notice.village.name}"
    return Msg(msgid, place=place, date=f"{timezone.localtime(notice.updated_at):%Y-%m-%d}")


def _mine(status: str) -> str:
    return f"{reverse('recruitment:mine')}?status={status}"


def todos_for(user: Any, *, today: dt.date | None = None) -> list[Todo]:
    """What waits for ``user`` in recruitment, within their region: notices to approve (乡镇), to publish
    (县级 / 市级 by the notice's level), returned to the one who drafted them (a village's cadre sees
    every returned notice of the village), and the 招募令 batches still open (the city office)."""
    today = today or timezone.localdate()
    scope = user_scope(user)
    mine = scope.filter(_base().select_related("village__town"), "village__code")
    todos: list[Todo] = []
    if can(user, Capability.NOTICE_APPROVE):
        todos.append(
            todo_of(
                "notice.approve",
                N_("待审核招募令"),
                mine.filter(status=NoticeStatus.SUBMITTED).order_by("updated_at", "id"),
                _mine(NoticeStatus.SUBMITTED),
                lambda n: _notice_item(n, _place_and_day(n, N_("{place} · {date} 提交"))),
            )
        )
    for capability, level, title in (
        (Capability.NOTICE_PUBLISH_COUNTY, NoticeLevel.COUNTY, N_("待发布的县级招募令")),
        (Capability.NOTICE_PUBLISH_CITY, NoticeLevel.CITY, N_("待发布的市级招募令")),
    ):
        if can(user, capability):
            todos.append(
                todo_of(
                    f"notice.publish.{level}",
                    title,
                    mine.filter(status=NoticeStatus.APPROVED, level=level).order_by("updated_at", "id"),
                    _mine(NoticeStatus.APPROVED),
                    lambda n: _notice_item(n, _place_and_day(n, N_("{place} · {date} 通过乡镇审核"))),
                )
            )
    if can(user, Capability.NOTICE_DRAFT):
        returned = mine.filter(status=NoticeStatus.REJECTED)
        if scope.level != "village":
            returned = returned.filter(created_by=user)
        todos.append(
            todo_of(
                "notice.returned",
                N_("被退回的招募令"),
                returned.order_by("-updated_at", "-id"),
                _mine(NoticeStatus.REJECTED),
                lambda n: _notice_item(n, n.rejection_reason[:60]),
            )
        )
    if can(user, Capability.BATCH_MANAGE):
        todos.append(
            todo_of(
                "batch.open",
                N_("进行中的招募令批次"),
                batch_list().filter(date__gte=today).order_by("date", "id"),
                reverse("recruitment:batches"),
                lambda b: TodoItem(
                    b.title,
                    reverse("recruitment:batch", args=[b.pk]),
                    Msg(
                        "{date} 发布 · {n} 个招募令",
                        date=f"{b.date:%Y-%m-%d}",
                        n=getattr(b, "notice_count", 0),
                    ),
                ),
                rule=N_("进行中的招募令批次：发布日期在今天或以后，各县在发布日将招募令发布进批次。"),
            )
        )
    return todos
