"""Reads for matching: facts loaded from the database, the cached scoring index, explained
recommendations both ways, candidate pairs and pairings as each party may see them, and who sees a
notice's contact in full (the partner in an active pairing with it).

The fit itself is ``scoring.py`` (pure); this module only loads data and calls it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from xiangcun.accounts.permissions import Capability as C
from xiangcun.accounts.permissions import can, governs, is_official, require, require_login
from xiangcun.accounts.privacy import filled, log_personal_read
from xiangcun.accounts.scoping import user_scope
from xiangcun.core.actions import DANGER, SECONDARY, Action, Actions, actions_of
from xiangcun.core.errors import N_, AccessDenied, ApplicationError, Msg, NotFoundError
from xiangcun.core.masking import mask_name, mask_phone
from xiangcun.core.todos import Todo, TodoItem, todo_of
from xiangcun.matching.assignment import DEFAULT_THRESHOLD
from xiangcun.matching.models import (
    ACTIVE_STATUSES,
    MatchingWeights,
    Pairing,
    PairingOrigin,
    PairingRun,
    PairingStatus,
)
from xiangcun.matching.scoring import (
    DEFAULT_WEIGHTS,
    Fit,
    NoticeFacts,
    PartnerFacts,
    ScoringIndex,
    Weights,
    top_k_notices_for_partner,
    top_k_partners_for_notice,
)
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.partners.selectors import NAME_ONLY, PartnerView, is_own, partner_view
from xiangcun.recruitment.models import Notice, NoticeResource, NoticeStatus
from xiangcun.recruitment.selectors import (
    PURPOSE_NOTICE,
    NoticeContact,
    notice_contact_for,
    notice_is_expired,
)
from xiangcun.regions.models import Level, Region


# --------------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------------
def weights_current() -> tuple[Weights, float]:
    """The city's weights and pairing threshold (defaults until the city edits them)."""
    row = MatchingWeights.objects.order_by("id").first()
    if row is None or not row.values:
        return DEFAULT_WEIGHTS, row.threshold if row else DEFAULT_THRESHOLD
    return Weights.from_dict(row.values), row.threshold


# --------------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------------
def _notice_rows(qs: QuerySet[Notice]) -> list[NoticeFacts]:
    rows = list(
        qs.values_list(
            "id",
            "category",
            "county_id",
            "county__name",
            "investment_min",
            "investment_max",
            "kinds_wanted",
            "cooperation_forms",
            "title",
            "description",
            "incentives",
        )
    )
    resources: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for notice_id, kind, description in NoticeResource.objects.filter(
        notice_id__in=qs.values("id")
    ).values_list("notice_id", "kind", "description"):
        resources[notice_id].append((kind, description))
    facts = []
    for pk, cat, county, county_name, imin, imax, kinds, forms, title, desc, incentives in rows:
        res = resources.get(pk, [])
        text = "。".join(p for p in (title, desc, *(d for _, d in res), incentives) if p)
        facts.append(
            NoticeFacts(
                id=str(pk),
                category=cat,
                county_code=county,
                county_name=county_name,
                investment_min=imin,
                investment_max=imax,
                kinds_wanted=frozenset(kinds or ()),
                forms=frozenset(forms or ()),
                text=text,
                resources_offered=frozenset(k for k, _ in res),
            )
        )
    return facts


def notice_facts(notice: Notice) -> NoticeFacts:
    return _notice_rows(Notice.objects.filter(pk=notice.pk))[0]


def _partner_rows(qs: QuerySet[Partner]) -> list[PartnerFacts]:
    facts = []
    for row in qs.values_list(
        "id",
        "kind",
        "capital_min",
        "capital_max",
        "preferred_counties",
        "preferred_categories",
        "cooperation_forms",
        "profile",
        "skills",
        "track_record",
        "resources_wanted",
        "home_county_id",
    ):
        pk, kind, cmin, cmax, counties, cats, forms, profile, skills, record, wanted, home = row
        text = "。".join(p for p in (profile, "、".join(skills or ()), record) if p)
        facts.append(
            PartnerFacts(
                id=str(pk),
                kind=kind,
                capital_min=cmin,
                capital_max=cmax,
                preferred_counties=frozenset(counties or ()),
                preferred_categories=frozenset(cats or ()),
                forms=frozenset(forms or ()),
                text=text,
                resources_wanted=frozenset(wanted or ()),
                home_county_code=home,
            )
        )
    return facts


def partner_facts(partner: Partner) -> PartnerFacts:
    return _partner_rows(Partner.objects.filter(pk=partner.pk))[0]


# --------------------------------------------------------------------------------------------------
# The scoring index over published notices × verified partners, rebuilt when either side changes
# --------------------------------------------------------------------------------------------------
_cache: dict[str, Any] = {}
_lock = threading.Lock()


def _published() -> QuerySet[Notice]:
    return Notice.objects.filter(status=NoticeStatus.PUBLISHED)


def _verified() -> QuerySet[Partner]:
    return Partner.objects.filter(status=PartnerStatus.VERIFIED)


def _version() -> tuple[Any, ...]:
    n = _published().aggregate(n=Count("id"), t=Max("updated_at"), m=Max("id"))
    p = _verified().aggregate(n=Count("id"), t=Max("updated_at"), m=Max("id"))
    r = NoticeResource.objects.aggregate(t=Max("updated_at"), m=Max("id"))
    return (n["n"], n["t"], n["m"], p["n"], p["t"], p["m"], r["t"], r["m"])


def scoring_index() -> ScoringIndex:
    """All published notices × all verified partners, cached per process until the data changes."""
    version = _version()
    with _lock:
        if _cache.get("version") == version:
            return _cache["index"]  # type: ignore[no-any-return]
        index = ScoringIndex.build(_notice_rows(_published()), _partner_rows(_verified()))
        _cache.update(version=version, index=index)
        return index


def _declined(**where: Any) -> set[tuple[int, int]]:
    """Pairs already tried and withdrawn: never recommended again."""
    return set(
        Pairing.objects.filter(status=PairingStatus.WITHDRAWN, **where).values_list("notice_id", "partner_id")
    )


@dataclass(frozen=True)
class Recommendation:
    """One suggestion with its fit and the factor explanation in Chinese."""

    id: int
    fit: float
    explanation: Fit
    title: str = ""  # the other side as the reader may see it (set by the ``…_for`` selectors)

    @property
    def percent(self) -> int:
        return round(self.fit * 100)

    @property
    def reasons(self) -> list[str]:
        return self.explanation.explanation()


def notices_for_partner(partner: Partner, k: int = 10) -> list[Recommendation]:
    """The ``k`` published notices that fit ``partner`` best (exact), explained."""
    weights, _ = weights_current()
    index = scoring_index()
    facts = partner_facts(partner)
    declined = [str(n) for n, _ in _declined(partner=partner)]
    top = top_k_notices_for_partner(index, facts, k, exclude_ids=declined, weights=weights)
    return [Recommendation(int(s.id), s.fit, index.explain(s.id, facts, weights)) for s in top]


def partners_for_notice(notice: Notice, k: int = 10) -> list[Recommendation]:
    """The ``k`` verified partners that fit ``notice`` best (exact), explained."""
    weights, _ = weights_current()
    index = scoring_index()
    facts = notice_facts(notice)
    declined = [str(p) for _, p in _declined(notice=notice)]
    top = top_k_partners_for_notice(index, facts, k, exclude_ids=declined, weights=weights)
    return [Recommendation(int(s.id), s.fit, index.explain(facts, s.id, weights)) for s in top]


def partner_recommendations_for(
    user: Any, notice: Notice, k: int = 10
) -> list[tuple[Recommendation, PartnerView]]:
    """The ``k`` partners recommended for ``notice``, for officials governing its region: each with
    the partner as ``user`` may see it (identifiers masked) and its name as the title."""
    require(user, C.OFFICIAL_READ, notice.region_code, message="只有本辖区的管理人员可以查看推荐合伙人")
    recs = partners_for_notice(notice, k)
    partners = partners_by_id([r.id for r in recs])
    rows = []
    for r in recs:
        view = partner_view(partners[r.id], user, fields=NAME_ONLY)
        rows.append((replace(r, title=view.name), view))
    return rows


def notice_recommendations_for(user: Any, partner: Partner, k: int = 10) -> list[Recommendation]:
    """The ``k`` notices recommended for ``partner``: to the partner themself, or the city office
    (which may look at any partner's); titled with the notice's title."""
    if not (is_own(user, partner) or can(user, C.MATCH_BROWSE_PARTNERS)):
        require_login(user)
        raise AccessDenied("只能查看自己的推荐")
    recs = notices_for_partner(partner, k)
    notices = notices_by_id([r.id for r in recs])
    return [replace(r, title=notices[r.id].title) for r in recs if r.id in notices]


def pair_explanation(notice: Notice, partner: Partner) -> Fit:
    """Why a notice and a partner fit: the same factors the pairing maximised, in Chinese."""
    weights, _ = weights_current()
    return scoring_index().explain(notice_facts(notice), partner_facts(partner), weights)


def notices_by_id(ids: list[int]) -> dict[int, Notice]:
    return {
        n.pk: n
        for n in Notice.objects.filter(pk__in=ids).select_related("village", "village__town", "county")
    }


def partners_by_id(ids: list[int]) -> dict[int, Partner]:
    return {p.pk: p for p in Partner.objects.filter(pk__in=ids).select_related("home_county")}


# --------------------------------------------------------------------------------------------------
# Pairing inputs: a county's open notices and the partners still free
# --------------------------------------------------------------------------------------------------
def _open() -> QuerySet[Notice]:
    """Published notices whose deadline has not passed (the daily task closes the others)."""
    return _published().exclude(deadline__lt=timezone.localdate())


def county_pool(county_code: str) -> tuple[list[NoticeFacts], list[PartnerFacts]]:
    """Open notices of the county without an active pairing × verified partners without one."""
    busy = Pairing.objects.filter(status__in=ACTIVE_STATUSES)
    notices = _open().filter(county_id=county_code).exclude(id__in=busy.values("notice_id")).order_by("id")
    partners = _verified().exclude(id__in=busy.values("partner_id")).order_by("id")
    return _notice_rows(notices), _partner_rows(partners)


def city_pool(city_code: str) -> tuple[list[NoticeFacts], list[PartnerFacts]]:
    busy = Pairing.objects.filter(status__in=ACTIVE_STATUSES)
    notices = (
        _open().filter(county__parent_id=city_code).exclude(id__in=busy.values("notice_id")).order_by("id")
    )
    partners = _verified().exclude(id__in=busy.values("partner_id")).order_by("id")
    return _notice_rows(notices), _partner_rows(partners)


def _pairing_run_get(pk: int) -> PairingRun:
    run = PairingRun.objects.select_related("county").filter(pk=pk).first()
    if run is None:
        raise NotFoundError(Msg("配对方案 {pk} 不存在", pk=pk), field="id")
    return run


def pairing_run_get_for(user: Any, pk: int, *, write: bool = False) -> PairingRun:
    """A county pairing run as ``user`` may see it: officials whose region holds the county read it;
    sending its invitations (``write``) needs the county pairing capability there."""
    run = _pairing_run_get(pk)
    if write:
        require(user, C.PAIRING_RUN, run.county_id, field="county")
    elif not can(user, C.OFFICIAL_READ, run.county_id):
        require_login(user)
        raise AccessDenied("该配对方案不在您的管辖范围内")
    return run


def pairing_counties_for(user: Any) -> QuerySet[Region]:
    """The counties ``user`` may run the pairing of (their region's)."""
    if not can(user, C.PAIRING_RUN):
        return Region.objects.none()
    return user_scope(user).filter(Region.objects.filter(level=Level.COUNTY), "code").order_by("code")


def pairing_run_list_for(user: Any, county_code: str) -> QuerySet[PairingRun]:
    """The county's pairing runs, newest first — none unless ``user`` governs the county."""
    qs = PairingRun.objects.filter(county_id=county_code).order_by("-created_at", "-id")
    if not can(user, C.OFFICIAL_READ, county_code):
        return qs.none()
    return qs


# --------------------------------------------------------------------------------------------------
# Pairings as each party sees them
# --------------------------------------------------------------------------------------------------
def _pairings() -> QuerySet[Pairing]:
    return Pairing.objects.select_related("notice", "notice__village", "notice__county", "partner")


def _pairing_get(pk: int) -> Pairing:
    pairing = _pairings().filter(pk=pk).first()
    if pairing is None:
        raise NotFoundError(Msg("对接记录 {pk} 不存在", pk=pk), field="id")
    return pairing


def pairing_party(user: Any, pairing: Pairing) -> str | None:
    """``"partner"`` for the pairing's partner, ``"official"`` for officials whose region holds the
    notice's village (the city office holds the whole city), else ``None``."""
    if pairing.partner.user_id is not None and pairing.partner.user_id == getattr(user, "id", None):
        return "partner"
    if can(user, C.PAIRING_ADVANCE, pairing.notice.region_code):
        return "official"
    return None


def pairing_get_for(user: Any, pk: int, *, write: bool = False) -> Pairing:
    """A pairing as ``user`` may see it: its partner and the officials of the notice's region.
    Both parties also act on it (``write``: steps and notes; which step each may take is the
    service's decision)."""
    pairing = _pairing_get(pk)
    if pairing_party(user, pairing) is None:
        require_login(user)
        raise AccessDenied("这不是您的对接记录")
    return pairing


def pairing_list_for(user: Any, status: str | None = None) -> QuerySet[Pairing]:
    """我的对接: an official's, those of notices in their region; anyone else's, their own as partner."""
    qs = _pairings().order_by("-updated_at", "-id")
    if is_official(user):
        qs = user_scope(user).filter(qs, "notice__village__code")
    elif getattr(user, "is_authenticated", False):
        qs = qs.filter(partner__user=user)
    else:
        qs = qs.none()
    if status:
        qs = qs.filter(status=status)
    return qs


def pairing_events(pairing: Pairing) -> QuerySet[Any]:
    return pairing.events.select_related("actor").order_by("created_at", "id")


def pairing_counts_for(user: Any) -> dict[str, int]:
    # order_by(): the model's default ordering would split the groups (one row per pairing)
    rows = pairing_list_for(user).order_by().values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def open_pairing_between(notice: Notice, partner: Partner) -> Pairing | None:
    return (
        Pairing.objects.filter(notice=notice, partner=partner)
        .filter(~Q(status=PairingStatus.WITHDRAWN))
        .first()
    )


# --------------------------------------------------------------------------------------------------
# The pairing workflow: which step each party may take (the service checks the same rules)
# --------------------------------------------------------------------------------------------------
NEXT: dict[str, str] = {
    PairingStatus.INTENT: PairingStatus.NEGOTIATING,
    PairingStatus.NEGOTIATING: PairingStatus.SIGNED,
    PairingStatus.SIGNED: PairingStatus.PERFORMING,
}
SIGN_REFUSAL = N_("签约和履约由县级或市级管理员登记")
ACCEPT_REFUSAL = N_("对接邀请由合伙人本人接受或谢绝")
START_REFUSAL = N_("合伙人表达意向后，由村干部或所在地区的管理员开始洽谈")


@dataclass(frozen=True)
class PairingStep:
    """A step of a pairing (``code``) and its button; ``target`` is the stage it leads to."""

    code: str
    target: str
    button: Action


PAIRING_STEPS: dict[str, PairingStep] = {
    s.code: s
    for s in (
        PairingStep(
            "accept",
            PairingStatus.NEGOTIATING,
            Action("accept", Msg("接受邀请"), value=PairingStatus.NEGOTIATING),
        ),
        PairingStep(
            "start",
            PairingStatus.NEGOTIATING,
            Action("start", Msg("开始洽谈"), value=PairingStatus.NEGOTIATING),
        ),
        PairingStep(
            "sign",
            PairingStatus.SIGNED,
            Action(
                "sign",
                Msg("确认签约"),
                confirm=Msg("确认双方已谈妥、登记签约？签约后可起草合作协议。"),
                value=PairingStatus.SIGNED,
            ),
        ),
        PairingStep(
            "perform",
            PairingStatus.PERFORMING,
            Action(
                "perform",
                Msg("开始履约"),
                confirm=Msg("确认项目已开始实施、登记履约？"),
                value=PairingStatus.PERFORMING,
            ),
        ),
        PairingStep(
            "decline",
            PairingStatus.WITHDRAWN,
            Action(
                "decline",
                Msg("谢绝邀请"),
                SECONDARY,
                confirm=Msg("确认谢绝该对接邀请？谢绝后不能撤回，该招募令不会再推荐给您。"),
                reason=Msg("谢绝理由"),
                value=PairingStatus.WITHDRAWN,
            ),
        ),
        PairingStep(
            "withdraw",
            PairingStatus.WITHDRAWN,
            Action(
                "withdraw",
                Msg("退出对接"),
                DANGER,
                confirm=Msg("确认退出该对接？退出后不能恢复，双方须重新表达意向。"),
                reason=Msg("退出理由"),
                value=PairingStatus.WITHDRAWN,
            ),
        ),
    )
}


# The county review's one step: invitations to the ticked pairs (the county's or the city's office).
RUN_SEND = Action(
    "send",
    Msg("向勾选的组合发出对接邀请"),
    confirm=Msg("向勾选的组合发出对接邀请？合伙人将收到邀请通知；邀请发出后，本方案不能再次发出。"),
)


def invited_to_answer(pairing: Pairing) -> bool:
    """An office invitation its partner answers on the platform (``accept`` / ``decline``): the
    partner has an account. A partner without one (imported into the pool) answers by phone; the
    officials then start 洽谈 themselves, as on a partner's own interest."""
    return pairing.origin == PairingOrigin.OFFICE and pairing.partner.user_id is not None


def pairing_step_of(pairing: Pairing, party: str | None, to_status: str) -> PairingStep | None:
    """Which step a move of ``pairing`` to ``to_status`` by ``party`` is: into 洽谈 it is the partner's
    acceptance of an office invitation or the officials' start (on a partner's interest, or for a
    partner without an account); out of it the partner's declining of an invitation or anyone's
    withdrawal."""
    if to_status == PairingStatus.NEGOTIATING:
        return PAIRING_STEPS["accept" if invited_to_answer(pairing) else "start"]
    if to_status == PairingStatus.WITHDRAWN:
        invited = pairing.status == PairingStatus.INTENT and invited_to_answer(pairing)
        return PAIRING_STEPS["decline" if invited and party == "partner" else "withdraw"]
    return next((s for s in PAIRING_STEPS.values() if s.target == to_status), None)


def pairing_step_problem(
    user: Any, pairing: Pairing, to_status: str, party: str | None = None
) -> ApplicationError | None:
    """Why ``user`` (a ``party`` of the pairing, ``pairing_party``) may not move ``pairing`` to
    ``to_status`` now, or ``None``. The stage must lead there (a withdrawal from any open stage); an
    office invitation is accepted by the partner (``invited_to_answer``), a partner's interest is
    taken into 洽谈 by the officials of the notice's region; 签约 and 履约 are the county's or the
    city's (``PAIRING_SIGN``).
    ``services.pairing_transition`` raises it; the page shows only the steps without one."""
    party = party if party is not None else pairing_party(user, pairing)
    if party is None:
        return AccessDenied("这不是您的对接记录")
    source = pairing.status
    if to_status not in PairingStatus.values:
        return ApplicationError(Msg("未知的阶段：{to_status}", to_status=to_status), field="to_status")
    if to_status == PairingStatus.WITHDRAWN:
        if source == PairingStatus.WITHDRAWN:
            return ApplicationError("该对接已退出", field="to_status")
        return None
    if NEXT.get(source) != to_status:
        return ApplicationError(
            Msg(
                "对接当前阶段为“{v}”，不能转为“{label}”",
                v=pairing.get_status_display(),
                label=PairingStatus(to_status).label,
                source=source,
                to_status=to_status,
            ),
            field="to_status",
        )
    if to_status == PairingStatus.NEGOTIATING:
        if invited_to_answer(pairing) and party != "partner":
            return AccessDenied(ACCEPT_REFUSAL)
        if not invited_to_answer(pairing) and party != "official":
            return AccessDenied(START_REFUSAL)
        return None
    if party != "official" or not can(user, C.PAIRING_SIGN, pairing.notice.region_code):
        return AccessDenied(SIGN_REFUSAL)
    return None


def pairing_waiting(pairing: Pairing) -> Msg | None:
    """Who acts next on ``pairing``, in one line (for a reader without a step forward of their own)."""
    status = pairing.status
    if status == PairingStatus.INTENT:
        if invited_to_answer(pairing):
            return Msg("等待合伙人接受邀请")
        if pairing.origin == PairingOrigin.OFFICE:
            return Msg("合伙人未注册账号：电话确认合伙人接受邀请后，由村干部或管理员开始洽谈")
        return Msg("等待村干部或所在地区的管理员开始洽谈")
    if status == PairingStatus.NEGOTIATING:
        return Msg("洽谈中：谈妥后由县级或市级管理员确认签约")
    if status == PairingStatus.SIGNED:
        return Msg("已签约：起草合作协议；项目开始实施后由县级或市级管理员登记履约")
    if status == PairingStatus.PERFORMING:
        return Msg("履约中")
    return None


def pairing_actions_for(user: Any, pairing: Pairing) -> Actions:
    """The steps ``user`` may take on ``pairing`` now (forward first, then the way out), and who acts
    next — the rules of ``pairing_step_problem``."""
    party = pairing_party(user, pairing)
    items = []
    if party is not None:
        for target in (NEXT.get(pairing.status), PairingStatus.WITHDRAWN):
            if target is None or pairing_step_problem(user, pairing, target, party) is not None:
                continue
            step = pairing_step_of(pairing, party, target)
            if step is not None:
                items.append(step.button)
    return actions_of(items, pairing_waiting(pairing))


def pairing_step_done(step: PairingStep) -> Msg:
    """What a successful step says on the next page: what happened and what comes next."""
    return {
        "accept": Msg("已接受邀请，对接进入洽谈。本页可查看村庄联系人的姓名和电话，请与村里约定考察时间。"),
        "start": Msg(
            "已开始洽谈。本页可查看合伙人的联系方式；请记录考察和洽谈情况，谈妥后由县级或市级管理员确认签约。"
        ),
        "sign": Msg("已确认签约。下一步：起草合作协议，经村民代表大会通过并公示后签署。"),
        "perform": Msg("已登记履约，对接进入履约阶段。"),
        "decline": Msg("已谢绝邀请，理由已告知组织方。该招募令不会再推荐给您。"),
        "withdraw": Msg("已退出对接，理由已记录并告知对方。"),
    }[step.code]


# --------------------------------------------------------------------------------------------------
# Contacts between the parties of a pairing, from 洽谈 on
# --------------------------------------------------------------------------------------------------
CONTACT_STATUSES = (PairingStatus.NEGOTIATING, PairingStatus.SIGNED, PairingStatus.PERFORMING)
PURPOSE_PAIRING_VILLAGE = N_("对接洽谈：合伙人联系村庄联系人")
PURPOSE_PAIRING_PARTNER = N_("对接洽谈：村干部和管理人员联系合伙人")
VILLAGE_CONTACT_FIELDS = ("contact_name", "contact_phone")
PARTNER_CONTACT_FIELDS = ("name", "contact_name", "phone")


@dataclass(frozen=True)
class PairingContact:
    """The other side of a pairing as one party may reach it: for the partner, the village's contact
    cadre; for the village's cadre and the officials governing it, the partner. ``full`` when shown
    unmasked (a logged read); ``open`` when the pairing is far enough (洽谈 or later) to reveal it."""

    side: str  # "village" | "partner"
    name: str
    contact_name: str
    phone: str
    full: bool
    open: bool

    @property
    def empty(self) -> bool:
        return not (self.name or self.contact_name or self.phone)


def pairing_contact_for(user: Any, pairing: Pairing, *, reveal: bool = False) -> PairingContact | None:
    """What ``user`` sees of the pairing's other side, or ``None`` for a reader who is no party.

    Masked (``core.masking``) until the pairing is in 洽谈, 签约 or 履约 and ``reveal`` asks for it (the
    "显示联系方式" fragment); then in full for the pairing's partner (the village's contact cadre: name
    and phone of the village profile) and for the officials whose region contains the notice's village
    (the partner's name, contact and phone), each full view logged (``accounts.privacy``)."""
    party = pairing_party(user, pairing)
    if party is None:
        return None
    opened = pairing.status in CONTACT_STATUSES
    village = pairing.notice.village
    if party == "partner":
        full = reveal and opened
        if full:
            log_personal_read(user, village, filled(village, VILLAGE_CONTACT_FIELDS), PURPOSE_PAIRING_VILLAGE)
        return PairingContact(
            side="village",
            name=village.name,
            contact_name=village.contact_name if full else mask_name(village.contact_name),
            phone=village.contact_phone if full else mask_phone(village.contact_phone),
            full=full,
            open=opened,
        )
    partner = pairing.partner
    full = reveal and opened and governs(user, village.code)
    if full:
        log_personal_read(
            user,
            partner,
            filled(partner, PARTNER_CONTACT_FIELDS),
            PURPOSE_PAIRING_PARTNER,
            subject_id=partner.user_id,
        )
    return PairingContact(
        side="partner",
        name=partner.name if full or partner.is_organisation else mask_name(partner.name),
        contact_name=partner.contact_name if full else mask_name(partner.contact_name),
        phone=partner.phone if full else mask_phone(partner.phone),
        full=full,
        open=opened,
    )


# --------------------------------------------------------------------------------------------------
# To-dos for the desk (工作台)
# --------------------------------------------------------------------------------------------------
def runs_to_review_for(user: Any) -> list[PairingRun]:
    """The county pairing runs awaiting review: each county's latest run, if it proposes pairs and its
    invitations have not been sent (an earlier unsent run is superseded by a newer one)."""
    if not can(user, C.PAIRING_RUN):
        return []
    latest = (
        user_scope(user)
        .filter(PairingRun.objects.all(), "county__code")
        .values("county_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    runs = PairingRun.objects.filter(id__in=list(latest), invitations_sent=False).select_related("county")
    return [run for run in runs.order_by("created_at", "id") if run.proposal.get("pairs")]


def todos_for(user: Any) -> list[Todo]:
    """What waits for ``user`` in matching: county pairing runs to review and send (county and city
    offices), partners' 我要合作 awaiting an answer and pairings in 洽谈 (the village's cadre, who meets
    the partner), and invitations from the office awaiting the partner's answer (the partner)."""
    todos: list[Todo] = []
    if can(user, C.PAIRING_RUN):
        runs = runs_to_review_for(user)
        todos.append(
            todo_of(
                "pairing_run.review",
                N_("待审阅的配对方案（邀请尚未发出）"),
                runs,
                # one run: the heading opens it; several: the county's list of runs
                reverse("matching:run", args=[runs[0].pk]) if len(runs) == 1 else reverse("matching:county"),
                lambda r: TodoItem(
                    r.county.name,
                    reverse("matching:run", args=[r.pk]),
                    Msg(
                        "{date} 生成 · {n} 对",
                        date=f"{timezone.localtime(r.created_at):%Y-%m-%d}",
                        n=len(r.proposal.get("pairs", [])),
                    ),
                ),
            )
        )
    if can(user, C.PAIRING_ADVANCE) and user_scope(user).level == "village":
        # a partner's 我要合作 on the village's notice: the cadre answers it by starting 洽谈
        todos.append(
            todo_of(
                "pairing.interest",
                N_("待回应的合作意向"),
                pairing_list_for(user, PairingStatus.INTENT)
                .filter(origin=PairingOrigin.PARTNER)
                .order_by("created_at", "id"),
                f"{reverse('matching:mine')}?status={PairingStatus.INTENT}",
                lambda p: TodoItem(
                    p.notice.title,
                    reverse("matching:pairing", args=[p.pk]),
                    Msg("{date} 表达意向", date=f"{timezone.localtime(p.created_at):%Y-%m-%d}"),
                ),
            )
        )
        todos.append(
            todo_of(
                "pairing.negotiating",
                N_("洽谈中的对接"),
                pairing_list_for(user, PairingStatus.NEGOTIATING).order_by("updated_at", "id"),
                f"{reverse('matching:mine')}?status={PairingStatus.NEGOTIATING}",
                lambda p: TodoItem(
                    p.notice.title,
                    reverse("matching:pairing", args=[p.pk]),
                    Msg("{date} 起洽谈", date=f"{timezone.localtime(p.updated_at):%Y-%m-%d}"),
                ),
            )
        )
    if can(user, C.PARTNER_WORK):
        invitations = pairing_list_for(user, PairingStatus.INTENT).filter(
            partner__user=user, origin=PairingOrigin.OFFICE
        )
        todos.append(
            todo_of(
                "pairing.invitation",
                N_("待回复的对接邀请"),
                invitations.order_by("created_at", "id"),
                f"{reverse('matching:mine')}?status={PairingStatus.INTENT}",
                lambda p: TodoItem(
                    p.notice.title,
                    reverse("matching:pairing", args=[p.pk]),
                    f"{p.notice.county.name}{p.notice.village.name}",
                ),
            )
        )
    return todos


@dataclass(frozen=True)
class Cooperation:
    """Where ``我要合作`` on a published notice leads this reader. ``state`` is one of
    ``anonymous`` (log in or register, then back), ``official`` / ``not_partner`` (an explanation),
    ``pending`` / ``refused`` (the partner's profile is not verified), ``paired`` (already in a pairing
    on this notice: ``pairing``), ``open`` (a verified partner: the express-interest form)."""

    state: str
    partner: Partner | None = None
    pairing: Pairing | None = None


def cooperation_for(user: Any, notice: Notice) -> Cooperation | None:
    """``None`` when the notice takes no interest (not published); the same conditions as
    ``services.pairing_express_interest``, read without acting."""
    if notice.status != NoticeStatus.PUBLISHED or notice_is_expired(notice):
        return None
    if not getattr(user, "is_authenticated", False):
        return Cooperation("anonymous")
    partner = Partner.objects.filter(user=user).first()
    if partner is None:
        return Cooperation("official" if is_official(user) else "not_partner")
    if partner.status == PartnerStatus.PENDING:
        return Cooperation("pending", partner)
    if partner.status != PartnerStatus.VERIFIED:
        return Cooperation("refused", partner)
    pairing = open_pairing_between(notice, partner)
    if pairing is not None:
        return Cooperation("paired", partner, pairing)
    return Cooperation("open", partner)


# --------------------------------------------------------------------------------------------------
# A notice's contact: who sees it in full
# --------------------------------------------------------------------------------------------------
PURPOSE_PAIRED = N_("对接中的合伙人联系村庄")


def in_active_pairing(user: Any, notice: Notice) -> bool:
    """``user``'s partner profile is in an active pairing (意向, 洽谈, 签约, 履约) with ``notice``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Pairing.objects.filter(notice=notice, partner__user=user, status__in=ACTIVE_STATUSES).exists()


def notice_contact_view(user: Any, notice: Notice, *, purpose: str = PURPOSE_NOTICE) -> NoticeContact:
    """A notice's contact as ``user`` may see it: in full for the officials governing its region
    (recruitment decides) and for the partner in an active pairing with it (decided here, where the
    pairings are); masked for every other account and anonymous readers. Full views are logged."""
    if governs(user, notice.region_code):
        return notice_contact_for(user, notice, purpose=purpose)
    granted = in_active_pairing(user, notice)
    return notice_contact_for(user, notice, purpose=PURPOSE_PAIRED, granted=granted)
