"""The workflow of an agreement, every step audited: 草稿 → 村民代表大会通过 → 公示（异议期，工作日）→
签署 → 履行 → 终止, the objections raised during 公示 with their answers, and 补录 (a paper 公示 and
signing entered afterwards by the city office).

Dates: 公示 starts on the server's today (``timezone.localdate()``), never on a date the caller
gives; its objection period is ``OBJECTION_WORKING_DAYS`` working days on the official calendar.
The dates the caller does give (村民代表大会, 签署, 生效, 终止) are not after today and not before the
step they follow. Only 补录 writes a 公示 date by hand, with a reason, flagged on the agreement.

Objections: each answer is 驳回 (dismissed) or 成立 (upheld). An upheld objection sends the
agreement back to 草稿: the text is corrected, the 村民代表大会 approves it again and a new 公示
starts — an agreement is signed only after a 公示 whose objection period ended with every
objection answered and none upheld.

Concurrency: every step locks the agreement row (``select_for_update``; on SQLite the
``IMMEDIATE`` transactions serialise writers) and compares its state with the one the caller saw
(``expected_status``): another state means someone acted first, a ``ConflictError`` (409).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, require
from xiangcun.agreements.models import Agreement, AgreementStatus, Objection, ObjectionOutcome
from xiangcun.agreements.schemas import (
    PUBLICITY_IS_SERVER_DATED,
    AnswerIn,
    BackfillIn,
    ObjectionIn,
    TransitionIn,
)
from xiangcun.agreements.selectors import STEP_BY_TARGET, agreement_step_problem, objection_open
from xiangcun.agreements.services.common import record_event, require_official_for
from xiangcun.core.errors import ApplicationError, ConflictError, Msg
from xiangcun.core.validation import full_clean
from xiangcun.core.workdays import OBJECTION_WORKING_DAYS, add_working_days

NEXT: dict[str, str] = {
    AgreementStatus.DRAFT: AgreementStatus.APPROVED,
    AgreementStatus.APPROVED: AgreementStatus.PUBLICIZED,
    AgreementStatus.PUBLICIZED: AgreementStatus.SIGNED,
    AgreementStatus.SIGNED: AgreementStatus.IN_FORCE,
    AgreementStatus.IN_FORCE: AgreementStatus.ENDED,
}
SIGNING_STEPS = frozenset({AgreementStatus.SIGNED, AgreementStatus.IN_FORCE, AgreementStatus.ENDED})
# The label of the date each dated step takes (for "不能晚于今天").
DATE_LABELS: dict[str, str] = {
    AgreementStatus.SIGNED: "签署日期",
    AgreementStatus.IN_FORCE: "生效日期",
    AgreementStatus.ENDED: "终止日期",
}
# An upheld objection in these states sends the agreement back to 草稿.
RETURNED_BY_UPHELD = frozenset({AgreementStatus.APPROVED, AgreementStatus.PUBLICIZED})


def _given(value: Any, field: str, label: str) -> Any:
    """A fact the step needs (the input model leaves it optional: other steps do without it)."""
    if value is None or value == "":
        raise ApplicationError(Msg("{label}：{reason}", label=Msg(label), reason=Msg("必填")), field=field)
    return value


def _not_after_today(day: dt.date, today: dt.date, *, label: str, field: str) -> None:
    if day > today:
        raise ApplicationError(
            Msg("{label}不能晚于今天（{today}）", label=Msg(label), today=today.isoformat()), field=field
        )


def _expect(agreement: Agreement, expected: str | None) -> None:
    """The locked ``agreement`` is still in the state the caller saw, else 409."""
    if expected is not None and agreement.status != expected:
        raise ConflictError(
            Msg(
                "该协议已被其他人处理（当前状态：{status}），请刷新后重试",
                status=AgreementStatus(agreement.status).label,
            ),
            field="expected_status",
        )


@transaction.atomic
def agreement_transition(*, user: Any, agreement: Agreement, step: TransitionIn) -> Agreement:
    """One step of the workflow, audited. ``step`` carries the step's facts:

    * → approved: ``assembly_date`` (not after today), ``assembly_attendees, assembly_present,
      assembly_votes_for, assembly_resolution`` — at least two thirds of the representatives present
      and a majority of those present in favour (村民委员会组织法 第二十六条);
    * → publicized: no date — 公示 starts today (the server's date); the objection deadline is the
      ``OBJECTION_WORKING_DAYS``-th working day from it;
    * → signed: ``date`` (default today) after the objection deadline and not after today, every
      objection answered and none upheld;
    * → in_force: ``date`` not before signing; → ended: ``date`` not before entry into force, and
      ``reason``. None of them after today.
    """
    to_status = step.to_status
    require_official_for(user, agreement.village_id, signing=to_status in SIGNING_STEPS)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _expect(agreement, step.expected_status)
    source = agreement.status
    workflow_step = STEP_BY_TARGET.get(to_status)
    if workflow_step is None or NEXT.get(source) != to_status:
        raise ApplicationError(
            Msg(
                "协议当前状态为“{v}”，不能转为“{label}”",
                v=agreement.get_status_display(),
                label=AgreementStatus(to_status).label,
                source=source,
                to_status=to_status,
            ),
            field="to_status",
        )
    today = timezone.localdate()
    day: dt.date = step.date or today
    if to_status == AgreementStatus.SIGNED:
        # The date signed lies after the objection period (and today does: agreement_step_problem).
        assert agreement.objection_deadline is not None
        if day <= agreement.objection_deadline:
            raise ApplicationError(
                Msg(
                    "公示异议期至 {objection_deadline} 止，期满后方可签署",
                    objection_deadline=agreement.objection_deadline,
                ),
                field="date",
            )
    problem = agreement_step_problem(agreement, workflow_step, today)
    if problem is not None:
        raise problem
    if to_status == AgreementStatus.PUBLICIZED and step.date is not None:
        raise ApplicationError(PUBLICITY_IS_SERVER_DATED, field="date")
    if to_status in DATE_LABELS:
        _not_after_today(day, today, label=DATE_LABELS[to_status], field="date")
    note = step.note
    fields: list[str] = ["status"]
    if to_status == AgreementStatus.APPROVED:
        agreement.assembly_date = _given(step.assembly_date, "assembly_date", "村民代表大会日期")
        _not_after_today(agreement.assembly_date, today, label="村民代表大会日期", field="assembly_date")
        attendees: int = _given(step.assembly_attendees, "assembly_attendees", "应到代表人数")
        present: int = _given(step.assembly_present, "assembly_present", "实到代表人数")
        votes: int = _given(step.assembly_votes_for, "assembly_votes_for", "赞成票")
        if attendees < 1 or present > attendees:
            raise ApplicationError("实到人数不能多于应到人数", field="assembly_present")
        if present * 3 < attendees * 2:
            raise ApplicationError("村民代表会议须有三分之二以上代表参加方可召开", field="assembly_present")
        if votes > present or votes * 2 <= present:
            raise ApplicationError("决定须经到会代表过半数同意", field="assembly_votes_for")
        agreement.assembly_attendees, agreement.assembly_present, agreement.assembly_votes_for = (
            attendees,
            present,
            votes,
        )
        agreement.assembly_resolution = step.assembly_resolution
        fields += [
            "assembly_date",
            "assembly_attendees",
            "assembly_present",
            "assembly_votes_for",
            "assembly_resolution",
        ]
        note = (
            note or f"村民代表大会（{agreement.assembly_date}）{present}/{attendees} 人到会，{votes} 票赞成"
        )
    elif to_status == AgreementStatus.PUBLICIZED:
        if agreement.assembly_date and day < agreement.assembly_date:
            raise ApplicationError("公示不能早于村民代表大会", field="date")
        agreement.publicity_start = day
        agreement.objection_deadline = add_working_days(day, OBJECTION_WORKING_DAYS)
        fields += ["publicity_start", "objection_deadline"]
        note = (
            note
            or f"公示 {day} 起，异议截止 {agreement.objection_deadline}（{OBJECTION_WORKING_DAYS} 个工作日）"
        )
    elif to_status == AgreementStatus.SIGNED:
        agreement.signed_on = day
        fields.append("signed_on")
    elif to_status == AgreementStatus.IN_FORCE:
        if agreement.signed_on and day < agreement.signed_on:
            raise ApplicationError("生效日期不能早于签署日期", field="date")
        agreement.in_force_on = day
        fields.append("in_force_on")
    else:  # ENDED
        if agreement.in_force_on and day < agreement.in_force_on:
            raise ApplicationError("终止日期不能早于生效日期", field="date")
        agreement.ended_on = day
        agreement.end_reason = _given(step.reason, "reason", "终止原因")
        fields += ["ended_on", "end_reason"]
        note = note or agreement.end_reason
    agreement.status = to_status
    full_clean(agreement)
    agreement.save(update_fields=[*fields, "updated_at"])
    record_event(agreement, user, source, to_status, note)
    return agreement


@transaction.atomic
def agreement_backfill(*, user: Any, agreement: Agreement, record: BackfillIn) -> Agreement:
    """补录: enter a 公示 that took place on paper — and, when they happened, the signing and the
    entry into force — with the paper record's dates, for an agreement the 村民代表大会 approved.

    The city office only (``Capability.AGREEMENT_BACKFILL``), with a reason; the agreement keeps the
    flag (``backfill_reason``, ``backfilled_at``, ``backfilled_by``) and every step its event "补录：…".
    The dates obey the workflow's own rules: 公示 not before the assembly, signing after the
    objection deadline (working days), entry into force not before signing, none after today.
    """
    require_official_for(user, agreement.village_id, signing=record.signed_on is not None)
    require(user, Capability.AGREEMENT_BACKFILL, agreement.village_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _expect(agreement, record.expected_status)
    if agreement.status != AgreementStatus.APPROVED:
        raise ApplicationError(
            Msg(
                "协议当前状态为“{v}”，只有村民代表大会已通过、尚未公示的协议可以补录",
                v=agreement.get_status_display(),
            ),
            field="status",
        )
    today = timezone.localdate()
    start, reason = record.publicity_start, record.reason
    _not_after_today(start, today, label="公示开始日期", field="publicity_start")
    if agreement.assembly_date and start < agreement.assembly_date:
        raise ApplicationError("公示不能早于村民代表大会", field="publicity_start")
    deadline = add_working_days(start, OBJECTION_WORKING_DAYS)
    steps: list[tuple[str, str]] = [
        (
            AgreementStatus.PUBLICIZED,
            f"补录：{reason}。纸质公示 {start} 起，异议截止 {deadline}（{OBJECTION_WORKING_DAYS} 个工作日）",
        )
    ]
    agreement.publicity_start, agreement.objection_deadline = start, deadline
    fields = ["status", "publicity_start", "objection_deadline"]
    if record.signed_on is not None:
        _not_after_today(record.signed_on, today, label="签署日期", field="signed_on")
        if record.signed_on <= deadline:
            raise ApplicationError(
                Msg("公示异议期至 {objection_deadline} 止，期满后方可签署", objection_deadline=deadline),
                field="signed_on",
            )
        agreement.signed_on = record.signed_on
        fields.append("signed_on")
        steps.append((AgreementStatus.SIGNED, f"补录：{reason}。签署日期 {record.signed_on}"))
    if record.in_force_on is not None:
        _not_after_today(record.in_force_on, today, label="生效日期", field="in_force_on")
        if record.signed_on is not None and record.in_force_on < record.signed_on:
            raise ApplicationError("生效日期不能早于签署日期", field="in_force_on")
        agreement.in_force_on = record.in_force_on
        fields.append("in_force_on")
        steps.append((AgreementStatus.IN_FORCE, f"补录：{reason}。生效日期 {record.in_force_on}"))
    agreement.status = steps[-1][0]
    agreement.backfill_reason = reason
    agreement.backfilled_at = timezone.now()
    agreement.backfilled_by = user
    fields += ["backfill_reason", "backfilled_at", "backfilled_by"]
    full_clean(agreement)
    agreement.save(update_fields=[*fields, "updated_at"])
    source: str = AgreementStatus.APPROVED
    for target, note in steps:
        record_event(agreement, user, source, target, note)
        source = target
    return agreement


@transaction.atomic
def objection_record(
    *, user: Any, agreement: Agreement, objection: ObjectionIn, on: dt.date | None = None
) -> Objection:
    """An objection raised during 公示 (recorded by an official of the village's region)."""
    require_official_for(user, agreement.village_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    day = on or timezone.localdate()
    if agreement.status != AgreementStatus.PUBLICIZED:
        raise ApplicationError("只有公示中的协议可以登记异议", field="agreement")
    assert agreement.objection_deadline is not None
    if not objection_open(agreement, day):
        raise ApplicationError(
            Msg("异议期已于 {objection_deadline} 截止", objection_deadline=agreement.objection_deadline),
            field="date",
        )
    row = Objection(
        agreement=agreement, raised_by=objection.raised_by, content=objection.content, recorded_by=user
    )
    full_clean(row)
    row.save()
    record_event(agreement, user, agreement.status, agreement.status, f"登记异议：{row.content[:80]}")
    return row


@transaction.atomic
def objection_answer(*, user: Any, objection: Objection, answer: AnswerIn) -> Objection:
    """Answer an objection: 驳回 (dismissed) or 成立 (upheld). An upheld objection sends an agreement
    that is approved or in 公示 back to 草稿 (its 公示 dates cleared, its 补录 flag too): the text is
    corrected, approved by the 村民代表大会 again and publicised anew. Answered already → 409."""
    require_official_for(user, objection.agreement.village_id)
    # Locks in a fixed order: the agreement, then its objection.
    agreement = Agreement.objects.select_for_update().get(pk=objection.agreement_id)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_at is not None:
        raise ConflictError(
            Msg(
                "该异议已由他人答复（{outcome}），请刷新后查看",
                outcome=ObjectionOutcome(objection.outcome).label if objection.outcome else "",
            ),
            field="answer",
        )
    objection.answer = answer.answer
    objection.outcome = answer.outcome
    objection.answered_at = timezone.now()
    objection.answered_by = user
    full_clean(objection)
    objection.save(update_fields=["answer", "outcome", "answered_at", "answered_by", "updated_at"])
    label = ObjectionOutcome(answer.outcome).label
    record_event(
        agreement, user, agreement.status, agreement.status, f"答复异议（{label}）：{objection.answer[:80]}"
    )
    if answer.outcome == ObjectionOutcome.UPHELD and agreement.status in RETURNED_BY_UPHELD:
        source = agreement.status
        agreement.status = AgreementStatus.DRAFT
        agreement.publicity_start = agreement.objection_deadline = None
        agreement.backfill_reason, agreement.backfilled_at, agreement.backfilled_by = "", None, None
        full_clean(agreement)
        agreement.save(
            update_fields=[
                "status",
                "publicity_start",
                "objection_deadline",
                "backfill_reason",
                "backfilled_at",
                "backfilled_by",
                "updated_at",
            ]
        )
        record_event(
            agreement,
            user,
            source,
            AgreementStatus.DRAFT,
            f"异议成立，协议退回草稿，修改后须重新经村民代表大会通过并公示：{objection.content[:80]}",
        )
    return objection
