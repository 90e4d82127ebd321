"""Annual settlements (immutable versions through the pure ``settlement.settle``; a correction is a
new version with a reason) and the record of guaranteed payments to the collective."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from xiangcun.agreements import settlement as pure_settlement
from xiangcun.agreements.models import Agreement, AgreementStatus, GuaranteePayment, Settlement
from xiangcun.agreements.schemas import GuaranteePaidIn, SettlementIn
from xiangcun.agreements.selectors import settlement_input
from xiangcun.agreements.services.common import record_event, require_official_for
from xiangcun.agreements.settlement import LabourPayment, SettlementInput
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.validation import full_clean

ZERO = Decimal(0)


def _inputs_json(inp: SettlementInput) -> dict[str, Any]:
    return {
        "profit": str(inp.profit),
        "mode": str(inp.mode),
        "guarantee": str(inp.guarantee),
        "reserve_rate": str(inp.reserve_rate),
        "parties": [{"id": p.party_id, "role": str(p.role), "share": str(p.share)} for p in inp.parties],
        "members": [{"id": m.member_id, "shares": str(m.shares)} for m in inp.members],
        "labour": [{"household": x.household, "amount": str(x.amount)} for x in inp.labour],
    }


@transaction.atomic
def settlement_run(*, user: Any, agreement: Agreement, settlement: SettlementIn) -> Settlement:
    """Settle one year of an agreement in force and store it as a new, immutable version.

    The first settlement of a year is version 1; a correction is version n+1 and needs a reason;
    earlier versions are kept. Nothing is written when any input is wrong.
    """
    require_official_for(user, agreement.village_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != AgreementStatus.IN_FORCE:
        raise ApplicationError(
            Msg("协议状态为“{v}”，只有履行中的协议才能进行年度结算", v=agreement.get_status_display()),
            field="agreement",
        )
    year = settlement.year
    if not agreement.term_start.year <= year <= agreement.term_end.year:
        raise ApplicationError(
            Msg(
                "结算年度须在合作期 {year}–{year2} 年之内",
                year=agreement.term_start.year,
                year2=agreement.term_end.year,
            ),
            field="year",
        )
    payments = [LabourPayment(x.household, x.amount) for x in settlement.labour]
    inp = settlement_input(agreement, settlement.profit, payments)
    result = pure_settlement.settle(inp)
    last = agreement.settlements.filter(year=year).aggregate(v=Max("version"))["v"]
    reason = settlement.reason
    if last and not reason:
        raise ApplicationError(
            Msg("{year_int} 年度已有结算（第 {last} 版），更正须填写原因", year_int=year, last=last),
            field="reason",
        )
    row = Settlement(
        agreement=agreement,
        year=year,
        version=(last or 0) + 1,
        reason=reason,
        profit=settlement.profit,
        labour_total=sum((p.amount for p in payments), ZERO),
        collective_income=result.collective_income,
        reserve=result.reserve,
        distributed=result.distributed_to_members,
        inputs=_inputs_json(inp),
        result=pure_settlement.result_document(result),
        created_by=user,
    )
    full_clean(row)
    row.save()
    what = "年度结算" if row.version == 1 else f"更正结算（第 {row.version} 版）：{reason}"
    record_event(
        agreement,
        user,
        agreement.status,
        agreement.status,
        f"{year} {what}，可分配利润 {settlement.profit} 元",
        action="settlement.run",
        data={
            "settlement": row.pk,
            "year": year,
            "version": row.version,
            "reason": reason,
            "profit": settlement.profit,
            "collective_income": row.collective_income,
            "distributed": row.distributed,
        },
    )
    return row


@transaction.atomic
def guarantee_payment_record(
    *, user: Any, agreement: Agreement, payment: GuaranteePaidIn
) -> GuaranteePayment:
    """Record that a year's guaranteed income was paid to the collective."""
    require_official_for(user, agreement.village_id)
    if agreement.status not in (AgreementStatus.IN_FORCE, AgreementStatus.ENDED):
        raise ApplicationError("协议尚未生效", field="agreement")
    if GuaranteePayment.objects.filter(agreement=agreement, year=payment.year).exists():
        raise ApplicationError(Msg("{year} 年度保底收益已登记支付", year=payment.year), field="year")
    row = GuaranteePayment(
        agreement=agreement,
        year=payment.year,
        amount=payment.amount,
        paid_on=payment.paid_on,
        recorded_by=user,
    )
    full_clean(row)
    row.save()
    record_event(
        agreement,
        user,
        agreement.status,
        agreement.status,
        f"登记 {payment.year} 年度保底收益支付 {row.amount} 元",
        action="guarantee.paid",
        data={"payment": row.pk, "year": payment.year, "amount": row.amount, "paid_on": row.paid_on},
    )
    return row
