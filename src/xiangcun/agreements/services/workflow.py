"""The workflow of an agreement, every step audited: 草稿 → 村民代表大会通过 → 公示（异议期，工作日）→
签署 → 履行 → 终止, and the objections raised during 公示 with their answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.agreements.models import Agreement, AgreementStatus, Objection
from xiangcun.agreements.schemas import AnswerIn, ObjectionIn, TransitionIn
from xiangcun.agreements.services.common import record_event, require_official_for
from xiangcun.core.errors import ApplicationError, Msg
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


def _given(value: Any, field: str, label: str) -> Any:
    """A fact the step needs (the input model leaves it optional: other steps do without it)."""
    if value is None or value == "":
        raise ApplicationError(Msg("{label}：{reason}", label=Msg(label), reason=Msg("必填")), field=field)
    return value


@transaction.atomic
def agreement_transition(*, user: Any, agreement: Agreement, step: TransitionIn) -> Agreement:
    """One step of the workflow, audited. ``step`` carries the step's facts:

    * → approved: ``assembly_date, assembly_attendees, assembly_present, assembly_votes_for,
      assembly_resolution`` — at least two thirds of the representatives present and a majority
      of those present in favour (村民委员会组织法 第二十六条);
    * → publicized: ``date`` (first day of 公示); the objection deadline is the
      ``OBJECTION_WORKING_DAYS``-th working day from it;
    * → signed: ``date`` after the objection deadline, every objection answered;
    * → in_force: ``date``; → ended: ``date`` and ``reason``.

    A missing ``date`` is today.
    """
    to_status = step.to_status
    require_official_for(user, agreement.village_id, signing=to_status in SIGNING_STEPS)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    source = agreement.status
    if NEXT.get(source) != to_status:
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
    note = step.note
    day: dt.date = step.date or timezone.localdate()
    fields: list[str] = ["status"]
    if to_status == AgreementStatus.APPROVED:
        agreement.assembly_date = _given(step.assembly_date, "assembly_date", "村民代表大会日期")
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
        assert agreement.objection_deadline is not None
        if day <= agreement.objection_deadline:
            raise ApplicationError(
                Msg(
                    "公示异议期至 {objection_deadline} 止，期满后方可签署",
                    objection_deadline=agreement.objection_deadline,
                ),
                field="date",
            )
        if agreement.objections.filter(answered_at__isnull=True).exists():
            raise ApplicationError("尚有未答复的异议，答复后方可签署", field="objections")
        agreement.signed_on = day
        fields.append("signed_on")
    elif to_status == AgreementStatus.IN_FORCE:
        if agreement.signed_on and day < agreement.signed_on:
            raise ApplicationError("生效日期不能早于签署日期", field="date")
        agreement.in_force_on = day
        fields.append("in_force_on")
    else:  # ENDED
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
    if day > agreement.objection_deadline:
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
    require_official_for(user, objection.agreement.village_id)
    objection = Objection.objects.select_for_update().select_related("agreement").get(pk=objection.pk)
    if objection.answered_at is not None:
        raise ApplicationError("该异议已答复", field="answer")
    objection.answer = answer.answer
    objection.answered_at = timezone.now()
    objection.answered_by = user
    full_clean(objection)
    objection.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
    agreement = objection.agreement
    record_event(agreement, user, agreement.status, agreement.status, f"答复异议：{objection.answer[:80]}")
    return objection
