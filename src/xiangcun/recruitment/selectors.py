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
