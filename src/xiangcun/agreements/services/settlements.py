"""Annual settlements (immutable versions through the pure ``settlement.settle``; a correction is a
new version with a reason, naming the version it corrects) and the record of guaranteed payments to
the collective.

One current version per agreement-year: the agreement row is locked while a settlement is written,
a correction must name the latest version (``corrects_version``) or it is a 409, and the database
keeps the versions a chain (``Settlement.corrects`` is unique: no version is corrected twice)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xiangcun.agreements import settlement as pure_settlement
from xiangcun.agreements.models import Agreement, AgreementStatus, GuaranteePayment, Settlement
from xiangcun.agreements.schemas import GuaranteePaidIn, SettlementIn
from xiangcun.agreements.selectors import settlement_input
from xiangcun.agreements.services.common import record_event, require_official_for
from xiangcun.agreements.settlement import LabourPayment, SettlementInput
from xiangcun.core.errors import ApplicationError, ConflictError, Msg
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


def _superseded(year: int, version: int, latest: Settlement) -> ConflictError:
    return ConflictError(
        Msg(
            "{year} 年度第 {version} 版结算已被更正为第 {latest} 版，请刷新后按最新版本重新办理",
            year=year,
            version=version,
            latest=latest.version,
        ),
        field="corrects_version",
    )


@transaction.atomic
def settlement_run(*, user: Any, agreement: Agreement, settlement: SettlementIn) -> Settlement:
    """Settle one year of an agreement in force and store it as a new, immutable version.

    The year lies inside the agreement's term and is not after the current year (the server's).
    The first settlement of a year is version 1; a correction names the version it corrects —
    the latest, else 409 (someone corrected it meanwhile) — and gives a reason; it becomes version
    n+1 and earlier versions are kept. Nothing is written when any input is wrong.
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
    this_year = timezone.localdate().year
    if year > this_year:
        raise ApplicationError(
            Msg("{year} 年度尚未到来，不能结算（今年是 {this_year} 年）", year=year, this_year=this_year),
            field="year",
        )
    latest = agreement.settlements.filter(year=year).order_by("-version").first()
    wanted, reason = settlement.corrects_version, settlement.reason
    if latest is None and wanted is not None:
        raise ApplicationError(
            Msg("{year} 年度尚无结算，没有可更正的第 {version} 版", year=year, version=wanted),
            field="corrects_version",
        )
    if latest is not None:
        if wanted is None:
            raise ApplicationError(
                Msg(
                    "{year} 年度已有结算（第 {last} 版），更正须注明所更正的版本",
                    year=year,
                    last=latest.version,
                ),
                field="corrects_version",
            )
        if wanted > latest.version:
            raise ApplicationError(
                Msg("{year} 年度没有第 {version} 版结算", year=year, version=wanted),
                field="corrects_version",
            )
        if wanted != latest.version:
            raise _superseded(year, wanted, latest)
        if not reason:
            raise ApplicationError(
                Msg(
                    "{year_int} 年度已有结算（第 {last} 版），更正须填写原因",
                    year_int=year,
                    last=latest.version,
                ),
                field="reason",
            )
    payments = [LabourPayment(x.household, x.amount) for x in settlement.labour]
    inp = settlement_input(agreement, settlement.profit, payments)
    result = pure_settlement.settle(inp)
    row = Settlement(
        agreement=agreement,
        year=year,
        version=(latest.version if latest else 0) + 1,
        corrects=latest,
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
    full_clean(row, exclude=["corrects"])
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Another writer's version took the place first (a writer that did not lock the agreement):
        # the chain's unique constraint refused this one.
        current = agreement.settlements.filter(year=year).order_by("-version").first()
        if current is None:
            raise
        raise _superseded(year, latest.version if latest else 0, current) from None
    if row.version == 1:
        what = "年度结算"
    else:
        what = f"更正结算（第 {row.version} 版，更正第 {wanted} 版）：{reason}"
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
    """Record that a year's guaranteed income was paid to the collective (once: the agreement row is
    locked, so of two simultaneous records the second finds the first — a 409)."""
    require_official_for(user, agreement.village_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status not in (AgreementStatus.IN_FORCE, AgreementStatus.ENDED):
        raise ApplicationError("协议尚未生效", field="agreement")
    if GuaranteePayment.objects.filter(agreement=agreement, year=payment.year).exists():
        raise ConflictError(Msg("{year} 年度保底收益已登记支付", year=payment.year), field="year")
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
