"""What every agreement write shares: who may act on an agreement, and the audit trail."""

from __future__ import annotations

from typing import Any

from xiangcun.accounts.permissions import Capability, require
from xiangcun.agreements.models import Agreement, AgreementEvent

DRAFT_REFUSAL = "只有村、乡镇、县、市管理人员可以办理协议"
SIGN_REFUSAL = "协议签署、生效与终止由县级或市级管理员办理"


def require_official_for(user: Any, village_code: str, *, signing: bool = False) -> None:
    """An official governing the village (村、乡镇、县、市); for signing, entry into force and the
    end of an agreement a county or city administrator. 401 anonymous, 403 otherwise."""
    require(user, Capability.AGREEMENT_DRAFT, message=DRAFT_REFUSAL)
    require(user, Capability.AGREEMENT_DRAFT, village_code, field="village")
    if signing:
        require(user, Capability.AGREEMENT_SIGN, message=SIGN_REFUSAL)


def record_event(agreement: Agreement, user: Any, source: str, target: str, note: str) -> None:
    AgreementEvent.objects.create(
        agreement=agreement,
        actor=user if getattr(user, "is_authenticated", False) else None,
        from_status=source,
        to_status=target,
        note=note,
    )
