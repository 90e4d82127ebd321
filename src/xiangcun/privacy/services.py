"""The erasure of a person's data (PIPL art. 47), in one transaction.

The partner profile is anonymised (``partners.services.partner_anonymise``), the account deactivated
and blanked (``accounts.services.account_close``), and an ``Erasure`` recorded. Agreements,
settlements, guarantee payments, pairings and their records, consents, the read log and the audit
trail are kept: contracts and the money paid under them must be kept as the law requires (民法典,
会计档案管理办法), and the records of who did what are evidence. The agreements keep the party's name
as it was signed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xiangcun.accounts.models import User
from xiangcun.accounts.permissions import Capability, require
from xiangcun.accounts.selectors import consents_of, reads_about
from xiangcun.accounts.services import account_close
from xiangcun.agreements.selectors import agreement_list
from xiangcun.core.audit import audit
from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.matching.selectors import pairing_list_for
from xiangcun.partners.selectors import partner_of_user
from xiangcun.partners.services import partner_anonymise
from xiangcun.privacy.models import Erasure
from xiangcun.privacy.schemas import ErasureIn


@transaction.atomic
def personal_data_erase(*, user: Any, confirmation: ErasureIn) -> Erasure:
    """Delete ``user``'s personal data, confirmed with their password: the partner profile anonymised,
    the account deactivated (never deleted), what the law keeps counted in the record."""
    require(user, Capability.OWN_DATA_ERASE, message="管理人员的账号由市合伙人办公室注销")
    if getattr(user, "is_superuser", False):
        raise AccessDenied("运维账号不能在此注销")
    account = User.objects.select_for_update().get(pk=user.pk)
    if not account.check_password(confirmation.password):
        raise ApplicationError("密码不正确", field="password")
    partner = partner_of_user(account)
    kept: dict[str, int] = {
        "consents": consents_of(account).count(),
        "reads": reads_about(account).count(),
        "pairings": 0,
        "agreements": 0,
        "settlements": 0,
    }
    if partner is not None:
        agreements = agreement_list(account)
        kept.update(
            pairings=pairing_list_for(account).count(),
            agreements=agreements.count(),
            settlements=sum(a.settlements.count() for a in agreements),
        )
        partner_anonymise(user=account, partner=partner)
    account_close(user=account)
    erasure = Erasure(user=account, partner_id=partner.pk if partner else None, kept=kept)
    erasure.save()
    audit(
        actor=account,
        action="privacy.erase",
        target=erasure,
        data={"partner": erasure.partner_id, "kept": kept},
    )
    return erasure
