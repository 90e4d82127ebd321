"""Reads for agreements: scoped lists, one agreement for one reader, settlements and household
statements (masked for the public), guaranteed payments due, and the distribution simulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, can, is_official, require
from xiangcun.accounts.scoping import user_scope
from xiangcun.agreements import settlement as pure_settlement
from xiangcun.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    GuaranteePayment,
    Member,
    Objection,
    ObjectionOutcome,
    Settlement,
)
from xiangcun.agreements.settlement import LabourPayment, SettlementInput, SettlementParty
from xiangcun.agreements.shares import Role
from xiangcun.core.actions import DANGER, SECONDARY, Action, Actions, actions_of
from xiangcun.core.errors import N_, AccessDenied, ApplicationError, Msg, NotFoundError
from xiangcun.core.masking import mask_name
from xiangcun.core.money import fen, money_text
from xiangcun.core.todos import Todo, TodoItem, todo_of
from xiangcun.core.workdays import OBJECTION_WORKING_DAYS

STATEMENT_REFUSAL = N_("农户收益清单由本村所在地区的管理人员打印发放")
PUBLIC_STATUSES = (AgreementStatus.PUBLICIZED, AgreementStatus.SIGNED, AgreementStatus.IN_FORCE)
GUARANTEE_DUE_MONTH_DAY = (3, 31)  # a year's guaranteed income is due by 31 March of the next year


def _agreements() -> QuerySet[Agreement]:
    return Agreement.objects.select_related("village", "village__town", "village__county", "pairing")


def agreement_list(user: Any, *, status: str | None = None, q: str | None = None) -> QuerySet[Agreement]:
    """Officials: the agreements of villages in their region; a partner: those they are party to."""
    qs = _agreements().order_by("-updated_at", "-id")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_official(user):
        qs = user_scope(user).filter(qs, "village__code")
    else:
        qs = qs.filter(parties__partner__user=user).distinct()
    if status:
        if status not in AgreementStatus.values:
            raise ApplicationError("未知的协议状态", field="status")
        qs = qs.filter(status=status)
    if q:
        text = q.strip()[:40]
        qs = qs.filter(Q(title__icontains=text) | Q(code__startswith=text) | Q(village__name__icontains=text))
    return qs


def publicity_list() -> QuerySet[Agreement]:
    """公示栏: agreements in their objection period (anyone may read)."""
    return _agreements().filter(status=AgreementStatus.PUBLICIZED).order_by("objection_deadline", "id")


def agreement_list_public_in_village(village_code: str) -> QuerySet[Agreement]:
    """The village's agreements the public may read (公示中, signed, in force), newest term first, each
    with its parties (``parties``, in order) for the partners' names the agreement's own page shows."""
    return (
        _agreements()
        .filter(village_id=village_code, status__in=PUBLIC_STATUSES)
        .prefetch_related(Prefetch("parties", queryset=AgreementParty.objects.order_by("position")))
        .order_by("-term_start", "-id")
    )


def _agreement(pk: int) -> Agreement:
    agreement = _agreements().filter(pk=pk).first()
    if agreement is None:
        raise NotFoundError(Msg("协议 {pk} 不存在", pk=pk), field="id")
    return agreement


def reader_kind(user: Any, agreement: Agreement) -> str | None:
    """``"official"`` (region holds the village), ``"partner"`` (a party), ``"public"`` (公示 only)."""
    if user_scope(user).contains(agreement.village_id):
        return "official"
    if getattr(user, "is_authenticated", False) and agreement.parties.filter(partner__user=user).exists():
        return "partner"
    if agreement.status in PUBLIC_STATUSES:
        return "public"
    return None


def agreement_get_for(user: Any, pk: int, *, write: bool = False) -> Agreement:
    """The agreement ``pk`` if ``user`` may read it (an official of its region, a party, anyone
    while it is public) or, with ``write``, act on it (an official governing its village).

    ``NotFoundError`` (404) when there is none, ``AccessDenied`` (403) / 401 otherwise. Which view
    of it a reader gets (masked names) is ``reader_kind``."""
    agreement = _agreement(pk)
    if write:
        require(user, Capability.AGREEMENT_DRAFT, agreement.village_id)
    elif reader_kind(user, agreement) is None:
        raise AccessDenied("无权查看该协议")
    return agreement


def objection_get_for(user: Any, pk: int, *, agreement_pk: int | None = None) -> Objection:
    """An objection, for an official governing its agreement's village (to answer it)."""
    qs = Objection.objects.select_related("agreement")
    if agreement_pk is not None:
        # Through the agreement's own pk: an id too large for the database is no match, not a 500
        # (Django guards a primary-key lookup against overflow, not the foreign-key column's).
        qs = qs.filter(agreement__pk=agreement_pk)
    objection = qs.filter(pk=pk).first()
    if objection is None:
        raise NotFoundError(Msg("异议 {oid} 不存在", oid=pk), field="id")
    require(user, Capability.AGREEMENT_DRAFT, objection.agreement.village_id)
    return objection


def agreement_of_pairing(pairing: Any) -> Agreement | None:
    """The agreement drafted from ``pairing`` (at most one: ``agreement_one_per_pairing``)."""
    return _agreements().filter(pairing_id=pairing.pk).first()


def drafting_village(user: Any, code: str | None) -> Any | None:
    """The village ``code`` if ``user`` may draft an agreement for it (for the form's resource
    picker), else ``None``."""
    from xiangcun.regions.selectors import village_get

    if not code or len(code) != 12 or not code.isdigit() or not can(user, Capability.AGREEMENT_DRAFT, code):
        return None
    try:
        return village_get(code)
    except NotFoundError:
        return None


def own_village(user: Any) -> Any | None:
    """The village of an official whose region is one village (its cadre), else ``None``."""
    scope = user_scope(user)
    return drafting_village(user, scope.label) if scope.level == "village" else None


def drafting_resources(village: Any | None) -> list[Any]:
    """The resources of the village's ledger a contribution may name, by name."""
    from xiangcun.resources.selectors import ResourceFilters, resource_list

    if village is None:
        return []
    return list(resource_list(ResourceFilters(village=village.code)).order_by("name", "pk")[:300])


# --------------------------------------------------------------------------------------------------
# The workflow: which step may be taken now, by whom (the services check the same rules)
# --------------------------------------------------------------------------------------------------
def may_act_on(user: Any, agreement: Agreement, *, signing: bool = False) -> bool:
    """``services.require_official_for`` as a question: an official governing the agreement's village
    (``AGREEMENT_DRAFT`` there) and, for signing, entry into force and the end, a county or city
    administrator (``AGREEMENT_SIGN``)."""
    return can(user, Capability.AGREEMENT_DRAFT, agreement.village_id) and (
        not signing or can(user, Capability.AGREEMENT_SIGN)
    )


@dataclass(frozen=True)
class AgreementStep:
    """A step of the workflow: from ``source`` to ``target``; ``signing`` steps are the county's or
    the city's (``AGREEMENT_SIGN``)."""

    code: str
    source: str
    target: str
    signing: bool
    button: Action


AGREEMENT_STEPS: dict[str, AgreementStep] = {
    s.code: s
    for s in (
        AgreementStep(
            "approve",
            AgreementStatus.DRAFT,
            AgreementStatus.APPROVED,
            False,
            Action(
                "approve",
                Msg("登记村民代表大会决议"),
                confirm=Msg("确认登记村民代表大会决议？登记后协议文本不能再修改。"),
                value=AgreementStatus.APPROVED,
            ),
        ),
        AgreementStep(
            "publicize",
            AgreementStatus.APPROVED,
            AgreementStatus.PUBLICIZED,
            False,
            Action(
                "publicize",
                Msg("进入公示"),
                confirm=Msg(
                    "确认进入公示？公示自今天起，{n} 个工作日内可提出异议，开始后不能撤回。",
                    n=OBJECTION_WORKING_DAYS,
                ),
                value=AgreementStatus.PUBLICIZED,
            ),
        ),
        AgreementStep(
            "sign",
            AgreementStatus.PUBLICIZED,
            AgreementStatus.SIGNED,
            True,
            Action(
                "sign",
                Msg("确认签署"),
                confirm=Msg("确认各方已签署协议？签署后不能撤回。"),
                value=AgreementStatus.SIGNED,
            ),
        ),
        AgreementStep(
            "in_force",
            AgreementStatus.SIGNED,
            AgreementStatus.IN_FORCE,
            True,
            Action(
                "in_force",
                Msg("确认生效"),
                confirm=Msg("确认协议已生效？生效后每年度计算分配，保底收益按年支付。"),
                value=AgreementStatus.IN_FORCE,
            ),
        ),
        AgreementStep(
            "end",
            AgreementStatus.IN_FORCE,
            AgreementStatus.ENDED,
            True,
            Action(
                "end",
                Msg("终止协议"),
                DANGER,
                confirm=Msg("确认终止协议？终止后不能恢复，也不能再计算年度分配。"),
                reason=Msg("终止原因"),
                value=AgreementStatus.ENDED,
            ),
        ),
    )
}
STEP_BY_TARGET = {s.target: s for s in AGREEMENT_STEPS.values()}
BACKFILL = Action(
    "backfill",
    Msg("补录纸质公示"),
    SECONDARY,
    confirm=Msg("确认按纸质记录补录？协议页将一直显示补录标记和原因。"),
    side=True,
)
OBJECTION_ADD = Action("objection", Msg("登记异议"), SECONDARY, side=True)
OBJECTION_ANSWER = Action(
    "answer",
    Msg("答复"),
    confirm=Msg("确认答复该异议？答复后不能修改；异议成立时协议退回草稿。"),
    side=True,
)
SETTLE = Action("settle", Msg("计算年度分配"), side=True)
EDIT = Action("edit", Msg("修改草稿"), SECONDARY, side=True)


def upheld_since_publicity(agreement: Agreement) -> bool:
    """An objection answered 成立 since the agreement last entered 公示 (defensive: answering one
    sends the agreement back to 草稿, so signing normally never meets it)."""
    entered = (
        agreement.events.filter(to_status=AgreementStatus.PUBLICIZED)
        .exclude(from_status=AgreementStatus.PUBLICIZED)
        .order_by("-created_at", "-id")
        .first()
    )
    upheld = agreement.objections.filter(outcome=ObjectionOutcome.UPHELD)
    if entered is not None:
        upheld = upheld.filter(answered_at__gte=entered.created_at)
    return upheld.exists()


def agreement_step_problem(
    agreement: Agreement, step: AgreementStep, today: dt.date | None = None
) -> ApplicationError | None:
    """Why the agreement's state refuses ``step`` now, or ``None``: it is not in the step's source
    state, or (signing) the objection period has not ended today, an objection is unanswered or one
    was upheld. Who may act is ``may_act_on``; ``services.agreement_transition`` raises this, the
    page shows no button."""
    if agreement.status != step.source:
        return ApplicationError(
            Msg(
                "协议当前状态为“{v}”，不能转为“{label}”",
                v=agreement.get_status_display(),
                label=AgreementStatus(step.target).label,
                source=agreement.status,
                to_status=step.target,
            ),
            field="to_status",
        )
    if step.code == "sign":
        today = today or timezone.localdate()
        if agreement.objection_deadline is not None and today <= agreement.objection_deadline:
            return ApplicationError(
                Msg(
                    "公示异议期至 {objection_deadline} 止，期满后方可签署",
                    objection_deadline=agreement.objection_deadline,
                ),
                field="date",
            )
        if agreement.objections.filter(answered_at__isnull=True).exists():
            return ApplicationError("尚有未答复的异议，答复后方可签署", field="objections")
        if upheld_since_publicity(agreement):
            return ApplicationError("公示期间有异议成立，协议须修改并重新公示后方可签署", field="objections")
    return None


def objection_open(agreement: Agreement, today: dt.date | None = None) -> bool:
    """An objection may be recorded: in 公示, up to and including its objection deadline."""
    return (
        agreement.status == AgreementStatus.PUBLICIZED
        and agreement.objection_deadline is not None
        and (today or timezone.localdate()) <= agreement.objection_deadline
    )


def agreement_waiting(agreement: Agreement, today: dt.date | None = None) -> Msg | None:
    """Who acts next on ``agreement``, in one line (for a reader without a step forward of their own)."""
    status = agreement.status
    today = today or timezone.localdate()
    if status == AgreementStatus.DRAFT:
        return Msg("草稿：村民代表大会通过后，由村干部或管理员登记决议")
    if status == AgreementStatus.APPROVED:
        return Msg("村民代表大会已通过：等待村干部或管理员进入公示")
    if status == AgreementStatus.PUBLICIZED:
        deadline = agreement.objection_deadline
        if deadline is not None and today <= deadline:
            return Msg(
                "公示中，异议期至 {deadline}：期满且无异议后由县级或市级管理员确认签署",
                deadline=f"{deadline:%Y-%m-%d}",
            )
        if agreement.objections.filter(answered_at__isnull=True).exists():
            return Msg("公示期已满，尚有未答复的异议：答复后方可签署")
        return Msg("公示期已满：等待县级或市级管理员确认签署")
    if status == AgreementStatus.SIGNED:
        return Msg("已签署：等待县级或市级管理员确认生效")
    if status == AgreementStatus.IN_FORCE:
        return Msg("履行中：每年度由村干部或管理员计算年度分配")
    return None


def agreement_actions_for(user: Any, agreement: Agreement, today: dt.date | None = None) -> Actions:
    """What ``user`` may do on ``agreement`` now: the workflow step (``AGREEMENT_STEPS``), 补录 of a
    paper 公示 (the city office), editing a draft, recording and answering objections during 公示,
    the year's settlement — and who acts next. The rules of the services, read without acting."""
    today = today or timezone.localdate()
    items: list[Action] = []
    if may_act_on(user, agreement):
        for step in AGREEMENT_STEPS.values():
            if (
                may_act_on(user, agreement, signing=step.signing)
                and agreement_step_problem(agreement, step, today) is None
            ):
                items.append(step.button)
        status = agreement.status
        if status == AgreementStatus.DRAFT:
            items.append(EDIT)
        if status == AgreementStatus.APPROVED and can(
            user, Capability.AGREEMENT_BACKFILL, agreement.village_id
        ):
            items.append(BACKFILL)
        if objection_open(agreement, today):
            items.append(OBJECTION_ADD)
        if agreement.objections.filter(answered_at__isnull=True).exists():
            items.append(OBJECTION_ANSWER)
        if status == AgreementStatus.IN_FORCE and settlement_years_open(agreement, today=today):
            items.append(SETTLE)
    return actions_of(items, agreement_waiting(agreement, today))


def objection_answer_done(objection: Objection) -> Msg:
    """What answering an objection says on the next page."""
    if objection.outcome == ObjectionOutcome.UPHELD:
        return Msg("已答复：异议成立，协议退回草稿。修改后须重新经村民代表大会通过并公示。")
    return Msg("已答复：异议驳回。")


def agreement_step_done(agreement: Agreement) -> Msg:
    """What a successful step says on the next page (``agreement`` as the step left it)."""
    status = agreement.status
    if status == AgreementStatus.APPROVED:
        return Msg(
            "已登记村民代表大会决议（{present}/{attendees} 人到会，{votes} 票赞成）。下一步：进入公示。",
            present=agreement.assembly_present,
            attendees=agreement.assembly_attendees,
            votes=agreement.assembly_votes_for,
        )
    if status == AgreementStatus.PUBLICIZED:
        return Msg(
            "已进入公示，公示期至 {deadline}（{n} 个工作日）。期满且无异议后可确认签署。",
            deadline=f"{agreement.objection_deadline:%Y-%m-%d}",
            n=OBJECTION_WORKING_DAYS,
        )
    if status == AgreementStatus.SIGNED:
        return Msg("协议已签署（{date}）。协议生效后请确认生效。", date=f"{agreement.signed_on:%Y-%m-%d}")
    if status == AgreementStatus.IN_FORCE:
        return Msg(
            "协议已生效（{date}）。每年度可计算年度分配，保底收益于次年 3 月 31 日前支付。",
            date=f"{agreement.in_force_on:%Y-%m-%d}",
        )
    return Msg("协议已终止（{date}）。", date=f"{agreement.ended_on:%Y-%m-%d}")


@dataclass(frozen=True)
class MemberRow:
    household: str
    head_name: str
    shares: Decimal


def members_for(agreement: Agreement, kind: str) -> list[MemberRow]:
    """The member register; household heads' names masked except for officials and parties."""
    rows = agreement.members.order_by("household")
    private = kind in ("official", "partner")
    return [
        MemberRow(m.household, m.head_name if private else mask_name(m.head_name), m.shares) for m in rows
    ]


def settlement_list(agreement: Agreement) -> list[Settlement]:
    return list(agreement.settlements.select_related("created_by").order_by("-year", "-version"))


def settlement_current(agreement: Agreement, year: int) -> Settlement | None:
    return agreement.settlements.filter(year=year).order_by("-version").first()


def settlement_get(agreement: Agreement, year: int, version: int | None = None) -> Settlement:
    """A settlement of an agreement already fetched through ``agreement_get_for``."""
    qs = agreement.settlements.filter(year=year)
    row = qs.filter(version=version).first() if version else qs.order_by("-version").first()
    if row is None:
        raise NotFoundError(Msg("{year} 年度结算不存在", year=year), field="year")
    return row


def settlement_get_for(user: Any, pk: int, year: int, *, version: int | None = None) -> Settlement:
    """The settlement of agreement ``pk`` for ``year`` (the latest version unless ``version``), for
    whoever may read the agreement (names masked by ``settlement_lines`` for the public)."""
    return settlement_get(agreement_get_for(user, pk), year, version)


def settlement_input(
    agreement: Agreement, profit: Decimal, labour: Sequence[LabourPayment] = ()
) -> SettlementInput:
    """The pure settlement input of an agreement: its parties (by position), register and terms."""
    return SettlementInput(
        profit=profit,
        mode=pure_settlement.Mode(agreement.mode),
        guarantee=agreement.guarantee,
        parties=tuple(
            SettlementParty(str(p.position), Role(p.role), p.share)
            for p in agreement.parties.order_by("position")
        ),
        reserve_rate=agreement.reserve_rate,
        members=tuple(
            pure_settlement.Member(m.household, m.shares) for m in agreement.members.order_by("household")
        ),
        labour=tuple(labour),
    )


@dataclass(frozen=True)
class PartyLine:
    name: str
    role: str
    share: Decimal
    guarantee: Decimal
    dividend: Decimal
    adjustment: Decimal
    total: Decimal


@dataclass(frozen=True)
class HouseholdLine:
    household: str
    head_name: str
    shares: Decimal
    dividend: Decimal
    labour: Decimal
    total: Decimal


def _amount(text: str) -> Decimal:
    """A stored amount (``"-0.00"`` in rows written before ``result_document`` reads as 0.00)."""
    return Decimal(text) + 0


def settlement_lines(row: Settlement, kind: str) -> tuple[list[PartyLine], list[HouseholdLine]]:
    """A stored settlement as party lines and household statements (names masked for the public)."""
    parties = {str(p.position): p for p in row.agreement.parties.all()}
    members = {m.household: m for m in row.agreement.members.all()}
    private = kind in ("official", "partner")
    party_lines = []
    for p in row.result["parties"]:
        party = parties.get(p["id"])
        party_lines.append(
            PartyLine(
                name=party.name if party else p["id"],
                role=party.get_role_display() if party else "",
                share=party.share if party else Decimal(0),
                guarantee=_amount(p["guarantee"]),
                dividend=_amount(p["dividend"]),
                adjustment=_amount(p["adjustment"]),
                total=_amount(p["total"]),
            )
        )
    shares = {m["id"]: Decimal(m["shares"]) for m in row.inputs.get("members", [])}
    households = []
    for h in row.result["households"]:
        member: Member | None = members.get(h["id"])
        name = member.head_name if member else ""
        households.append(
            HouseholdLine(
                household=h["id"],
                head_name=name if private else mask_name(name),
                shares=shares.get(h["id"], Decimal(0)),
                dividend=_amount(h["dividend"]),
                labour=_amount(h["labour"]),
                total=_amount(h["total"]),
            )
        )
    return party_lines, households


def statement_get_for(
    user: Any, pk: int, year: int, household: str, *, version: int | None = None
) -> tuple[Settlement, HouseholdLine]:
    """One household's statement of a year's settlement (the latest version unless ``version``),
    for an official governing the agreement's village: it names the household head and their
    income in full, so neither the public nor the partner parties receive it (403)."""
    agreement = agreement_get_for(user, pk)
    require(user, Capability.OFFICIAL_READ, agreement.village_id, message=STATEMENT_REFUSAL)
    row = settlement_get(agreement, year, version)
    _, households = settlement_lines(row, "official")
    line = next((h for h in households if h.household == household), None)
    if line is None:
        raise NotFoundError(
            Msg("{year} 年度结算中没有户编号为 {household} 的成员户", year=year, household=household)
        )
    return row, line


def settlement_years_open(agreement: Agreement, *, today: dt.date | None = None) -> list[int]:
    """The years of an agreement in force, up to the current one, without a settlement yet, oldest
    first: "计算年度分配" proposes the first. Those before the current year are due (their accounts
    are closed); the current one may be settled once its accounts are."""
    if agreement.status != AgreementStatus.IN_FORCE:
        return []
    today = today or timezone.localdate()
    start = (agreement.in_force_on or agreement.term_start).year
    last = min(agreement.term_end.year, today.year)
    settled = set(agreement.settlements.values_list("year", flat=True))
    return [year for year in range(start, last + 1) if year not in settled]


@dataclass(frozen=True)
class SettlementYears:
    """The years "计算年度分配" offers on an agreement's page: ``open`` (not settled yet, oldest
    first) and, among them, ``due`` (before the current year: their accounts are closed)."""

    open: list[int]
    due: list[int]


def settlement_years(agreement: Agreement, *, today: dt.date) -> SettlementYears:
    years = settlement_years_open(agreement, today=today)
    return SettlementYears(open=years, due=[year for year in years if year < today.year])


@dataclass(frozen=True)
class SettlementView:
    """A stored settlement with its lines as one reader sees them (the API's ``SettlementOut``)."""

    id: int
    year: int
    version: int
    current: bool  # no later version corrects it
    reason: str
    profit: Decimal
    collective_income: Decimal
    reserve: Decimal
    distributed: Decimal
    created_at: dt.datetime
    parties: list[PartyLine]
    households: list[HouseholdLine]


def settlement_is_current(row: Settlement) -> bool:
    """No correction names ``row``: it is its agreement-year's current version."""
    return not Settlement.objects.filter(corrects=row).exists()


def settlement_view(row: Settlement, kind: str) -> SettlementView:
    parties, households = settlement_lines(row, kind)
    return SettlementView(
        row.pk,
        row.year,
        row.version,
        settlement_is_current(row),
        row.reason,
        row.profit,
        row.collective_income,
        row.reserve,
        row.distributed,
        row.created_at,
        parties,
        households,
    )


# --------------------------------------------------------------------------------------------------
# Guaranteed payments due and overdue
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GuaranteeDue:
    agreement: Agreement
    year: int
    amount: Decimal
    due_on: dt.date
    paid: GuaranteePayment | None
    overdue: bool
    payable: bool = True  # the year has ended: its guarantee is owed (due by ``due_on``)

    @property
    def state(self) -> str:
        """已支付; 已逾期 (unpaid after ``due_on``); 待支付 (the year has ended, not yet overdue);
        未到期 (the year is still running: nothing is owed yet)."""
        if self.paid is not None:
            return "已支付"
        if self.overdue:
            return "已逾期"
        return "待支付" if self.payable else "未到期"


def guarantees_due(
    user: Any, *, today: dt.date | None = None, unpaid_only: bool = False
) -> list[GuaranteeDue]:
    """Every year of every agreement in force (or ended) that has begun: its guarantee, due date
    (31 March of the next year), whether it was paid, whether it is owed yet (the year has ended) and
    whether it is overdue (``GuaranteeDue.state``)."""
    today = today or timezone.localdate()
    qs = agreement_list(user).filter(
        status__in=[AgreementStatus.IN_FORCE, AgreementStatus.ENDED], guarantee__gt=0
    )
    paid = {(p.agreement_id, p.year): p for p in GuaranteePayment.objects.filter(agreement__in=qs)}
    rows: list[GuaranteeDue] = []
    for agreement in qs:
        start = agreement.in_force_on or agreement.term_start
        last = min((agreement.ended_on or agreement.term_end).year, today.year)
        for year in range(start.year, last + 1):
            due = dt.date(year + 1, *GUARANTEE_DUE_MONTH_DAY)
            payment = paid.get((agreement.pk, year))
            row = GuaranteeDue(
                agreement,
                year,
                agreement.guarantee,
                due,
                payment,
                overdue=payment is None and today > due,
                payable=year < today.year,
            )
            if unpaid_only and payment is not None:
                continue
            rows.append(row)
    rows.sort(key=lambda r: (r.paid is not None, not r.overdue, r.due_on, r.agreement.code))
    return rows


def settlement_correctable(user: Any, agreement: Agreement) -> bool:
    """A year's current settlement may be corrected (a new version): the agreement is in force and
    ``user`` governs its village (``services.settlement_run``'s rules)."""
    return agreement.status == AgreementStatus.IN_FORCE and may_act_on(user, agreement)


GUARANTEE_PAY = Action(
    "pay",
    Msg("登记支付"),
    confirm=Msg("确认该年度保底收益已支付给村集体？登记后不能修改。"),
    side=True,
)


def guarantee_actions_for(user: Any, row: GuaranteeDue) -> Actions:
    """登记支付 on a year not yet paid, for an official governing the agreement's village (the
    service's rule); a party to the agreement reads the row only."""
    if row.paid is None and may_act_on(user, row.agreement):
        return actions_of((GUARANTEE_PAY,))
    return actions_of((), None if row.paid is not None else Msg("等待村干部或管理员登记支付"))


# --------------------------------------------------------------------------------------------------
# Distribution simulator
# --------------------------------------------------------------------------------------------------
SCENARIOS = (
    ("bad", "歉收年景", Decimal("0.3")),
    ("normal", "正常年景", Decimal(1)),
    ("good", "丰收年景", Decimal("1.5")),
)


def baseline_profit(agreement: Agreement) -> Decimal:
    """The normal year's profit: the agreement's expectation, else 3 × the guarantee, else 100,000."""
    if agreement.expected_profit > 0:
        return agreement.expected_profit
    if agreement.guarantee > 0:
        return agreement.guarantee * 3
    return Decimal(100_000)


def profit_range(low: Decimal, high: Decimal, steps: int) -> list[Decimal]:
    if steps < 2 or steps > 201:
        raise ApplicationError("档数须在 2 到 201 之间", field="steps")
    if high <= low:
        raise ApplicationError("利润上限须大于下限", field="high")
    return [fen(low + (high - low) * i / (steps - 1)) for i in range(steps)]


def profits_between(
    agreement: Agreement, asked: Any, *, steps: int = 21
) -> tuple[Decimal, Decimal, list[Decimal]]:
    """``asked`` (a ``schemas.RangeIn``) as (low, high, profits): low defaults to minus half the
    normal year's profit, high to twice it, the number of steps to ``steps``."""
    base = baseline_profit(agreement)
    low = asked.low if asked.low is not None else -base / 2
    high = asked.high if asked.high is not None else base * 2
    return low, high, profit_range(low, high, asked.steps or steps)


def simulate(agreement: Agreement, profits: list[Decimal], kind: str = "official") -> dict[str, Any]:
    """Income of every party and every household for each profit value, by calling ``settle``."""
    parties = list(agreement.parties.order_by("position"))
    members = members_for(agreement, kind)
    party_series: list[list[str]] = [[] for _ in parties]
    household_series: list[list[str]] = [[] for _ in members]
    reserve: list[str] = []
    for profit in profits:
        result = pure_settlement.settle(settlement_input(agreement, profit))
        for i, line in enumerate(result.parties):
            party_series[i].append(money_text(line.total))
        for j, h in enumerate(result.households):
            household_series[j].append(money_text(h.total))
        reserve.append(money_text(result.reserve))
    return {
        "profits": [money_text(p) for p in profits],
        "parties": [
            {"name": p.name, "role": p.role, "share": f"{p.share:.2f}", "incomes": s}
            for p, s in zip(parties, party_series, strict=True)
        ],
        "households": [
            {"household": m.household, "head_name": m.head_name, "shares": f"{m.shares}", "incomes": s}
            for m, s in zip(members, household_series, strict=True)
        ],
        "reserve": reserve,
    }


def simulate_scenarios(agreement: Agreement, kind: str = "official") -> dict[str, Any]:
    base = baseline_profit(agreement)
    profits = [fen(base * factor) for _, _, factor in SCENARIOS]
    series = simulate(agreement, profits, kind)
    series["scenarios"] = [{"key": k, "label": label} for k, label, _ in SCENARIOS]
    return series


# --------------------------------------------------------------------------------------------------
# To-dos for the desk (工作台)
# --------------------------------------------------------------------------------------------------
PUBLICITY_ENDING_DAYS = 3  # "公示即将期满": the objection deadline is within this many days
GUARANTEE_RULE = N_(
    "每年度保底收益应于次年 3 月 31 日前支付给村集体：年度结束后尚未登记支付的为“待支付”，"
    "3 月 31 日后仍未登记的为“已逾期”。"
)


def _agreement_item(agreement: Agreement, note: Any = "") -> TodoItem:
    return TodoItem(agreement.title, reverse("agreements:detail", args=[agreement.pk]), note)


def _deadline(agreement: Agreement) -> Msg:
    return Msg("异议截止 {date}", date=f"{agreement.objection_deadline:%Y-%m-%d}")


def _guarantee_item(row: GuaranteeDue, today: dt.date) -> TodoItem:
    note = (
        Msg("{year} 年度 · 逾期 {days} 天", year=row.year, days=(today - row.due_on).days)
        if row.overdue
        else Msg("{year} 年度 · {date} 前支付", year=row.year, date=f"{row.due_on:%Y-%m-%d}")
    )
    return TodoItem(row.agreement.title, reverse("agreements:guarantees"), note)


def guarantees_payable(user: Any, *, today: dt.date | None = None) -> list[GuaranteeDue]:
    """The unpaid guarantees whose year has ended (payable now, or overdue after 31 March)."""
    today = today or timezone.localdate()
    return [r for r in guarantees_due(user, today=today, unpaid_only=True) if r.payable]


def todos_for(user: Any, *, today: dt.date | None = None) -> list[Todo]:
    """What waits for ``user`` among agreements, within their region:

    * county and city offices (who sign): agreements whose 公示 has ended (ready to sign) or ends within
      ``PUBLICITY_ENDING_DAYS`` days, and the guaranteed payments due or overdue (``GUARANTEE_RULE``);
    * the offices and the village's cadre: objections raised during 公示 and not yet answered;
    * a partner: the agreements they are party to that are on their way to signing (村民代表大会
      passed, or in 公示).
    """
    today = today or timezone.localdate()
    todos: list[Todo] = []
    signs = can(user, Capability.AGREEMENT_SIGN)
    if signs:
        publicized = agreement_list(user, status=AgreementStatus.PUBLICIZED).order_by(
            "objection_deadline", "id"
        )
        todos.append(
            todo_of(
                "agreement.sign",
                N_("公示期满、待签署的协议"),
                publicized.filter(objection_deadline__lt=today),
                f"{reverse('agreements:list')}?status={AgreementStatus.PUBLICIZED}",
                lambda a: _agreement_item(a, _deadline(a)),
            )
        )
        todos.append(
            todo_of(
                "agreement.publicity_ending",
                N_("公示即将期满的协议"),
                publicized.filter(
                    objection_deadline__gte=today,
                    objection_deadline__lte=today + dt.timedelta(days=PUBLICITY_ENDING_DAYS),
                ),
                f"{reverse('agreements:list')}?status={AgreementStatus.PUBLICIZED}",
                lambda a: _agreement_item(a, _deadline(a)),
                rule=Msg("公示即将期满：异议截止日在今后 {days} 天之内。", days=PUBLICITY_ENDING_DAYS),
            )
        )
        payable = guarantees_payable(user, today=today)
        overdue = [r for r in payable if r.overdue]
        for kind, title, rows, urgent in (
            ("guarantee.overdue", N_("逾期未支付的保底收益"), overdue, True),
            ("guarantee.due", N_("待支付的保底收益"), [r for r in payable if not r.overdue], False),
        ):
            todos.append(
                todo_of(
                    kind,
                    title,
                    rows,
                    reverse("agreements:guarantees"),
                    lambda r: _guarantee_item(r, today),
                    rule=GUARANTEE_RULE,
                    urgent=urgent and bool(rows),
                )
            )
    if can(user, Capability.AGREEMENT_DRAFT) and (signs or user_scope(user).level == "village"):
        objections = (
            user_scope(user)
            .filter(Objection.objects.select_related("agreement"), "agreement__village__code")
            .filter(answered_at__isnull=True, agreement__status=AgreementStatus.PUBLICIZED)
            .order_by("created_at", "id")
        )
        todos.append(
            todo_of(
                "objection.answer",
                N_("待答复的异议"),
                objections,
                f"{reverse('agreements:list')}?status={AgreementStatus.PUBLICIZED}",
                lambda o: _agreement_item(o.agreement, o.content[:40]),
            )
        )
    if can(user, Capability.PARTNER_WORK):
        todos.append(
            todo_of(
                "agreement.partner_sign",
                N_("待签署的协议"),
                agreement_list(user)
                .filter(status__in=[AgreementStatus.APPROVED, AgreementStatus.PUBLICIZED])
                .order_by("objection_deadline", "id"),
                reverse("agreements:list"),
                lambda a: _agreement_item(
                    a, _deadline(a) if a.objection_deadline else a.get_status_display()
                ),
            )
        )
    return todos


def agreement_partner_users(agreement: Agreement) -> list[Any]:
    """The accounts of the agreement's partner parties (those linked to a registered partner)."""
    return [
        party.partner.user
        for party in agreement.parties.select_related("partner__user").filter(partner__user__isnull=False)
        if party.partner is not None and party.partner.user is not None
    ]
