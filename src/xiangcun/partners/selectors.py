"""Reads of partners. Personal identifiers are masked for everyone but the city office and the
partner themself (``partner_view`` / ``partner_views``); each view of them by the city office is logged
with its purpose (``accounts.privacy``), a partner reading their own profile is not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, can, require, require_login
from xiangcun.accounts.privacy import PersonalRead, log_personal_reads
from xiangcun.core import vocab
from xiangcun.core.actions import SECONDARY, Action, Actions, actions_of
from xiangcun.core.errors import N_, AccessDenied, ApplicationError, Msg, NotFoundError
from xiangcun.core.masking import mask_id_number, mask_name, mask_phone
from xiangcun.core.todos import Todo, TodoItem, todo_of
from xiangcun.partners.models import Partner, PartnerStatus


@dataclass(frozen=True)
class PartnerFilters:
    kind: str | None = None
    county: str | None = None
    category: str | None = None
    status: str | None = None
    q: str | None = None


def _partner_get(pk: int) -> Partner:
    partner = Partner.objects.select_related("home_county", "user").filter(pk=pk).first()
    if partner is None:
        raise NotFoundError(Msg("合伙人 {pk} 不存在", pk=pk), field="id")
    return partner


def partner_get_for(user: Any, pk: int, *, write: bool = False) -> Partner:
    """A partner as ``user`` may see it: verified partners are public (anonymous readers too); a
    pending or refused one only the partner themself and the city office. Editing the profile
    (``write``) is the partner's own, or the city office's (which verifies partners)."""
    partner = _partner_get(pk)
    if write:
        if not (is_own(user, partner) or can(user, Capability.PARTNER_VERIFY)):
            require_login(user)
            raise AccessDenied("只能修改自己的合伙人资料")
    elif not partner_can_view(user, partner):
        raise AccessDenied("该合伙人尚未通过认证")
    return partner


def is_own(user: Any, partner: Partner) -> bool:
    """``partner`` is ``user``'s own profile."""
    return partner.user_id is not None and partner.user_id == getattr(user, "id", None)


def partner_of_user(user: Any) -> Partner | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Partner.objects.filter(user=user).first()


def partner_list(user: Any, filters: PartnerFilters | None = None) -> QuerySet[Partner]:
    """Verified partners for everyone; the city office sees every status (its verification queue)."""
    f = filters or PartnerFilters()
    qs = Partner.objects.select_related("home_county").order_by("-verified_at", "-id")
    if can(user, Capability.PARTNER_VERIFY):
        if f.status:
            if f.status not in PartnerStatus.values:
                raise ApplicationError("未知的认证状态", field="status")
            qs = qs.filter(status=f.status)
    else:
        qs = qs.filter(status=PartnerStatus.VERIFIED)
    if f.kind:
        vocab.index_of("kind", f.kind)
        qs = qs.filter(kind=f.kind)
    if f.category:
        vocab.index_of("category", f.category)
        qs = qs.filter(preferred_categories__icontains=f'"{f.category}"')
    if f.county:
        qs = qs.filter(Q(preferred_counties__icontains=f'"{f.county}"') | Q(home_county_id=f.county))
    if f.q:
        text = f.q.strip()[:40]
        qs = qs.filter(
            Q(profile__icontains=text) | Q(track_record__icontains=text) | Q(skills__icontains=text)
        )
    return qs


def verification_queue_for(user: Any) -> QuerySet[Partner]:
    """Profiles awaiting verification, oldest first: the city office's queue."""
    require(user, Capability.PARTNER_VERIFY)
    return (
        Partner.objects.filter(status=PartnerStatus.PENDING)
        .select_related("home_county")
        .order_by("created_at")
    )


def can_see_private(user: Any, partner: Partner) -> bool:
    """The partner themself and the city office see the unmasked identifiers."""
    return is_own(user, partner) or can(user, Capability.PARTNER_READ_PRIVATE)


def partner_can_view(user: Any, partner: Partner) -> bool:
    """Verified partners are public; a pending or refused one only to the city office and themself."""
    return partner.status == PartnerStatus.VERIFIED or can_see_private(user, partner)


@dataclass(frozen=True)
class PartnerView:
    """A partner as one reader may see it."""

    partner: Partner
    name: str
    contact_name: str
    phone: str
    id_number: str
    private: bool

    @property
    def kind_label(self) -> str:
        return vocab.label("kind", self.partner.kind)

    @property
    def capital(self) -> str:
        return capital_text(self.partner.capital_min, self.partner.capital_max)

    def __getattr__(self, name: str) -> Any:
        """Every other attribute is the partner's own (the API schema reads them from here)."""
        if name.startswith("__") or name == "partner":
            raise AttributeError(name)
        return getattr(self.partner, name)


# Why the city office sees a partner's identifiers in full: the purposes the read log records.
PURPOSE_VERIFY = N_("市级管理员审核合伙人")
PURPOSE_LIST = N_("市级管理员查阅合伙人名单")
PURPOSE_CORRECT = N_("市级管理员更正合伙人资料")
PURPOSE_API = N_("市级管理员通过接口查阅合伙人")
PURPOSE_EXPORT = N_("导出合伙人名单（Excel）")
PURPOSE_MATCHING = N_("市级管理员查阅合伙人推荐")

# The personal fields a page may show; a person's name is personal, an organisation's is not. A view
# is logged when it shows a phone or ID number in full, with every personal field it shows.
PERSONAL_FIELDS = ("name", "contact_name", "phone", "id_number")
IDENTIFIERS = ("phone", "id_number")
NAME_ONLY = ("name",)  # pages that show a partner's name only (pairings, runs): nothing to log


def _shown(partner: Partner, fields: tuple[str, ...]) -> tuple[str, ...]:
    shown = tuple(f for f in fields if getattr(partner, f) and not (f == "name" and partner.is_organisation))
    return shown if any(f in IDENTIFIERS for f in shown) else ()


def _view(partner: Partner, private: bool) -> PartnerView:
    person_name = partner.name if (private or partner.is_organisation) else mask_name(partner.name)
    return PartnerView(
        partner=partner,
        name=person_name,
        contact_name=partner.contact_name if private else mask_name(partner.contact_name),
        phone=partner.phone if private else mask_phone(partner.phone),
        id_number=partner.id_number if private else mask_id_number(partner.id_number),
        private=private,
    )


def partner_views(
    partners: Iterable[Partner],
    user: Any,
    *,
    purpose: str = "",
    fields: tuple[str, ...] = PERSONAL_FIELDS,
) -> list[PartnerView]:
    """The partners as ``user`` may see them. Where a phone or ID number is shown in full to someone
    other than the partner (the city office), the ``fields`` the page shows are logged for ``purpose``,
    one row per partner, in one insert. A page that shows names only says ``fields=NAME_ONLY``."""
    views, reads = [], []
    for partner in partners:
        private = can_see_private(user, partner)
        views.append(_view(partner, private))
        shown = _shown(partner, fields) if private else ()
        if shown:
            reads.append(PersonalRead(partner, shown, partner.user_id))
    if reads and not purpose and any(r.subject_id != getattr(user, "pk", None) for r in reads):
        raise ValueError("showing identifiers in full needs the purpose for the read log")
    log_personal_reads(user, reads, purpose)
    return views


def partner_view(
    partner: Partner, user: Any, *, purpose: str = "", fields: tuple[str, ...] = PERSONAL_FIELDS
) -> PartnerView:
    """One partner as ``user`` may see it (``partner_views``: a full view by the city office is logged)."""
    return partner_views([partner], user, purpose=purpose, fields=fields)[0]


def capital_text(low: Decimal | None, high: Decimal | None) -> str:
    def fmt(value: Decimal) -> str:
        return f"{value.normalize():f}"

    if low is None and high is None:
        return "未填"
    if low is None and high is not None:
        return f"≤ {fmt(high)} 万元"
    if high is None and low is not None:
        return f"≥ {fmt(low)} 万元"
    assert low is not None and high is not None
    return f"{fmt(low)}–{fmt(high)} 万元"


# --------------------------------------------------------------------------------------------------
# Naming a partner as a party (the agreement drafting form's partner picker)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartnerChoice:
    """A partner as the picker lists it: the name to fill in, with what tells two apart."""

    pk: int
    name: str
    kind_label: str
    county: str


def partner_choices_for(user: Any, q: str, *, limit: int = 10) -> list[PartnerChoice]:
    """Verified partners ``user`` may name as a party, found by name (``partner_list``'s scope).

    An organisation's name is public: any part of it finds it. A person's name is personal (masked on
    the public pages), so a person is found only by the full name, which the official already knows
    from the talks; the city office, who reads partners in full, finds anyone by any part of a name.
    """
    text = q.strip()[:40]
    if not text:
        return []
    qs = partner_list(user).filter(status=PartnerStatus.VERIFIED)
    if can(user, Capability.PARTNER_READ_PRIVATE):
        qs = qs.filter(name__icontains=text)
    else:
        qs = qs.filter(Q(is_organisation=True, name__icontains=text) | Q(is_organisation=False, name=text))
    return [
        PartnerChoice(p.pk, p.name, vocab.label("kind", p.kind), p.home_county.name if p.home_county else "")
        for p in qs.order_by("name", "pk")[:limit]
    ]


def partner_for_party(user: Any, pk: int) -> Partner | None:
    """The verified partner ``pk`` if ``user`` may name it as a party (as ``partner_choices_for``
    would list it), else ``None``."""
    return partner_list(user).filter(status=PartnerStatus.VERIFIED, pk=pk).first()


# --------------------------------------------------------------------------------------------------
# Verification: who decides on which profile (the service checks the same rules)
# --------------------------------------------------------------------------------------------------
VERIFY = Action("verify", Msg("通过核验"), value="verify")
REFUSE = Action("refuse", Msg("退回"), SECONDARY, reason=Msg("退回理由"), value="refuse")
# A profile awaiting verification may be verified or returned; a returned one may be verified still
# (the office changed its mind, or the partner answered by other means).
VERIFIABLE = (PartnerStatus.PENDING, PartnerStatus.REFUSED)
REFUSABLE = (PartnerStatus.PENDING,)


def partner_decision_problem(partner: Partner, *, verified: bool) -> ApplicationError | None:
    """Why the profile's state refuses the decision now, or ``None`` (the capability is
    ``PARTNER_VERIFY``, the city office's): the service raises it, the page shows no button."""
    if partner.status == PartnerStatus.CLOSED:
        return ApplicationError("该合伙人已注销，不能审核")
    if verified and partner.status not in VERIFIABLE:
        return ApplicationError("该合伙人已通过核验", field="status")
    if not verified and partner.status not in REFUSABLE:
        return ApplicationError(
            Msg(
                "合伙人资料当前状态为“{status}”，只有待核验的资料可以退回",
                status=partner.get_status_display(),
            ),
            field="status",
        )
    return None


def partner_actions_for(user: Any, partner: Partner) -> Actions:
    """The decisions ``user`` may take on ``partner`` now (the city office: 通过核验, 退回), and who
    acts next for anyone else."""
    waiting = Msg("等待市合伙人办公室核验") if partner.status == PartnerStatus.PENDING else None
    if not can(user, Capability.PARTNER_VERIFY):
        return actions_of((), waiting)
    decisions = ((VERIFY, True), (REFUSE, False))
    return actions_of(
        (a for a, verified in decisions if partner_decision_problem(partner, verified=verified) is None),
        waiting,
    )


def partner_decision_done(partner: Partner) -> Msg:
    """What a decision says on the next page: what happened and what comes next."""
    if partner.status == PartnerStatus.VERIFIED:
        return Msg("已通过核验。该合伙人的资料已公开，可参与匹配并收到推荐的招募令。")
    return Msg("已退回，退回理由已告知合伙人。合伙人修改资料后将重新进入核验队列。")


# --------------------------------------------------------------------------------------------------
# To-dos for the desk (工作台)
# --------------------------------------------------------------------------------------------------
def todos_for(user: Any) -> list[Todo]:
    """What waits for ``user`` among partners: the profiles awaiting verification (the city office)."""
    if not can(user, Capability.PARTNER_VERIFY):
        return []
    return [
        todo_of(
            "partner.verify",
            N_("待认证的合伙人"),
            verification_queue_for(user),
            reverse("partners:queue"),
            lambda p: TodoItem(
                p.name,
                reverse("partners:detail", args=[p.pk]),
                Msg("{date} 注册", date=f"{timezone.localtime(p.created_at):%Y-%m-%d}"),
            ),
        )
    ]
