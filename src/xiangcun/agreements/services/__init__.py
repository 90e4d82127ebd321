"""Writes for agreements, in three rooms:

* ``drafting`` — create or correct a draft (by hand or from a pairing), the share table;
* ``workflow`` — 村民代表大会, 公示 (server-dated), objections and answers (驳回/成立), signing, in
  force, ended, and 补录 (a paper 公示 entered afterwards by the city office);
* ``settlements`` — annual settlement versions and corrections, guaranteed payments.

Every write takes typed input (``agreements.schemas``) and an already-fetched entity; it checks
the caller may act (``accounts.permissions``) and audits the step. ``services.X`` names them all.
"""

from xiangcun.agreements.services.common import record_event, require_official_for
from xiangcun.agreements.services.drafting import (
    agreement_create,
    agreement_update,
    contract_code,
    contribution_from_notice_resource,
    contribution_from_resource,
    contribution_kind_of,
    contribution_resource,
    luhn_digit,
    luhn_valid,
    valuate,
)
from xiangcun.agreements.services.settlements import guarantee_payment_record, settlement_run
from xiangcun.agreements.services.workflow import (
    NEXT,
    agreement_backfill,
    agreement_transition,
    objection_answer,
    objection_record,
)

__all__ = [
    "NEXT",
    "agreement_backfill",
    "agreement_create",
    "agreement_transition",
    "agreement_update",
    "contract_code",
    "contribution_from_notice_resource",
    "contribution_from_resource",
    "contribution_kind_of",
    "contribution_resource",
    "guarantee_payment_record",
    "luhn_digit",
    "luhn_valid",
    "objection_answer",
    "objection_record",
    "record_event",
    "require_official_for",
    "settlement_run",
    "valuate",
]
