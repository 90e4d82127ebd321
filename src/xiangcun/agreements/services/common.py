"""What every agreement write shares: who may act on an agreement, and the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xiangcun.accounts.permissions import Capability, require
from xiangcun.agreements.models import Agreement, AgreementEvent
from xiangcun.core.audit import audit

DRAFT_REFUSAL = "只有村、乡镇、县、市管理人员可以办理协议"
SIGN_REFUSAL = "协议签署、生效与终止由县级或市级管理员办理"


def require_official_for(user: Any, village_code: str, *, signing: bool = False) -> None:
    """An official governing the village (村、乡镇、县、市); for signing, entry into force and the
    end of an agreement a county or city administrator. 401 anonymous, 403 otherwise."""
    require(user, Capability.AGREEMENT_DRAFT, message=DRAFT_REFUSAL)
    require(user, Capability.AGREEMENT_DRAFT, village_code, field="village")
    if signing:
        require(user, Capability.AGREEMENT_SIGN, message=SIGN_REFUSAL)


def record_event(
    agreement: Agreement,
    user: Any,
    source: str,
    target: str,
    note: str,
    *,
    action: str = "",
    data: Mapping[str, Any] | None = None,
) -> None:
    """The agreement's own history (shown on its page) and the audit log entry of the change:
    ``action`` defaults to ``agreement.transition`` for a change of state, ``agreement.event``
    otherwise; ``data`` adds the change's facts to the entry."""
    AgreementEvent.objects.create(
        agreement=agreement,
        actor=user if getattr(user, "is_authenticated", False) else None,
        from_status=source,
        to_status=target,
        note=note,
    )
    audit(
        actor=user,
        action=action or ("agreement.transition" if source != target else "agreement.event"),
        target=agreement,
        region_code=agreement.village_id,
        data={"from": source, "to": target, "note": note, **(data or {})},
    )
