"""Which audit entries become whose notifications: one table, ``RULES``, from an entry's ``action`` to a
rule ``(entry, target) -> [Outgoing]``.

Recipients are people, resolved by role and region: the partner of a pairing or agreement (their
account), the official who drafted a notice, or the officials who hold the capability of the next step
in a region governing the entry's (``accounts.selectors.officials_with``). The one who acted is never
notified of their own act. A rule reads the target the service audited (a model instance); a target
of another type, or data it does not expect, is a ``RuleSkipped`` (logged, nothing sent).

To notify about a new action: write a rule below and add it to ``RULES``. Messages are Chinese msgids
with ``{placeholders}`` (English in the .po); parameters are plain values (titles, dates, reasons).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from xiangcun.accounts.permissions import Capability
from xiangcun.accounts.selectors import officials_with
from xiangcun.agreements.models import Agreement, AgreementStatus
from xiangcun.agreements.selectors import agreement_partner_users
from xiangcun.core.errors import N_, Msg
from xiangcun.core.models import AuditEntry
from xiangcun.matching.models import Pairing, PairingOrigin, PairingStatus
from xiangcun.partners.models import Partner, PartnerStatus
from xiangcun.recruitment.models import Notice, NoticeLevel

C = Capability
# The officials a pairing's partner deals with: the village's cadre and the county office.
PAIRING_OFFICIAL_LEVELS = ("village", "county")


class RuleSkipped(Exception):
    """The entry is not what the rule expects (another target type, missing data)."""


@dataclass(frozen=True)
class Outgoing:
    """One message to some people, linking to the page where they act on it."""

    recipients: list[Any]
    message: Msg
    link: str
    kind: str = ""  # defaults to the entry's action
    extra: dict[str, Any] = field(default_factory=dict)


Rule = Callable[[AuditEntry, Any], list[Outgoing]]


def _expect(target: Any, model: type) -> Any:
    if not isinstance(target, model):
        raise RuleSkipped(f"expected a {model.__name__}, got {type(target).__name__}")
    return target


def _users(*groups: Iterable[Any]) -> list[Any]:
    """The users of ``groups``, each once, in order (``None`` left out)."""
    seen: dict[int, Any] = {}
    for group in groups:
        for user in group:
            if user is not None and user.pk not in seen:
                seen[user.pk] = user
    return list(seen.values())


# --------------------------------------------------------------------------------------------------
# Pairings
# --------------------------------------------------------------------------------------------------
def _pairing_officials(pairing: Pairing) -> list[Any]:
    return officials_with(C.PAIRING_ADVANCE, pairing.notice.region_code, levels=PAIRING_OFFICIAL_LEVELS)


def _pairing_link(pairing: Pairing) -> str:
    return reverse("matching:pairing", args=[pairing.pk])


def pairing_opened(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """An invitation from the office → the invited partner; a partner's 意向 → the village and county."""
    pairing = _expect(target, Pairing)
    title = pairing.notice.title
    if entry.data.get("origin") == PairingOrigin.OFFICE:
        partner_user = pairing.partner.user if pairing.partner.user_id else None
        return [
            Outgoing(
                _users([partner_user]),
                Msg("您收到对接邀请：{notice}", notice=title),
                _pairing_link(pairing),
                kind="pairing.invitation",
            )
        ]
    return [
        Outgoing(
            _pairing_officials(pairing),
            Msg("合伙人对招募令表达了合作意向：{notice}", notice=title),
            _pairing_link(pairing),
            kind="pairing.interest",
        )
    ]


# Each with {notice} (the notice's title) and {reason} (of a withdrawal) at its disposal.
PAIRING_MESSAGES: dict[str, str] = {
    PairingStatus.NEGOTIATING: N_("对接进入洽谈阶段：{notice}"),
    PairingStatus.SIGNED: N_("对接已签约：{notice}"),
    PairingStatus.PERFORMING: N_("对接进入履约阶段：{notice}"),
    PairingStatus.WITHDRAWN: N_("对接已退出：{notice}。理由：{reason}"),
}


def pairing_moved(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """A step of a pairing → the other side: the partner when an official acted, else the officials."""
    pairing = _expect(target, Pairing)
    template = PAIRING_MESSAGES.get(str(entry.data.get("to", "")))
    if template is None:
        raise RuleSkipped(f"no message for pairing step {entry.data.get('to')!r}")
    by_partner = pairing.partner.user_id is not None and pairing.partner.user_id == entry.actor_id
    partner_user = pairing.partner.user if pairing.partner.user_id else None
    recipients = _pairing_officials(pairing) if by_partner else _users([partner_user])
    message = Msg(template, notice=pairing.notice.title, reason=str(entry.data.get("reason", "")))
    return [Outgoing(recipients, message, _pairing_link(pairing))]


# --------------------------------------------------------------------------------------------------
# Notices
# --------------------------------------------------------------------------------------------------
def _notice_link(notice: Notice) -> str:
    return reverse("recruitment:detail", args=[notice.pk])


def _drafter(notice: Notice) -> list[Any]:
    """The one who drafted the notice (if their account is active), else the village's cadres."""
    author = notice.created_by if notice.created_by_id else None
    if author is not None and author.is_active:
        return [author]
    return officials_with(C.NOTICE_DRAFT, notice.region_code, levels=("village",))


def notice_submitted(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """Submitted → the town officials who approve notices of its village."""
    notice = _expect(target, Notice)
    return [
        Outgoing(
            officials_with(C.NOTICE_APPROVE, notice.region_code),
            Msg("招募令待审核：{title}（{village}）", title=notice.title, village=notice.village.name),
            _notice_link(notice),
        )
    ]


def notice_approved(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """Approved by the town → the officials who publish it (county, or the city for city-level)."""
    notice = _expect(target, Notice)
    capability = C.NOTICE_PUBLISH_CITY if notice.level == NoticeLevel.CITY else C.NOTICE_PUBLISH_COUNTY
    return [
        Outgoing(
            officials_with(capability, notice.region_code),
            Msg("招募令已通过乡镇审核，待发布：{title}", title=notice.title),
            _notice_link(notice),
        )
    ]


def notice_rejected(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """Returned → the one who drafted it, with the reason."""
    notice = _expect(target, Notice)
    return [
        Outgoing(
            _drafter(notice),
            Msg(
                "您起草的招募令被退回：{title}。理由：{reason}",
                title=notice.title,
                reason=str(entry.data.get("reason", "")),
            ),
            _notice_link(notice),
        )
    ]


def notice_published(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """Published → the one who drafted it."""
    notice = _expect(target, Notice)
    return [
        Outgoing(
            _drafter(notice), Msg("您起草的招募令已发布：{title}", title=notice.title), _notice_link(notice)
        )
    ]


# --------------------------------------------------------------------------------------------------
# Partners
# --------------------------------------------------------------------------------------------------
def partner_registered(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """A new registration → the city office, who verifies partners."""
    partner = _expect(target, Partner)
    return [
        Outgoing(
            officials_with(C.PARTNER_VERIFY, ""),
            Msg("新注册的合伙人待认证：{name}", name=partner.name),
            reverse("partners:detail", args=[partner.pk]),
        )
    ]


def partner_verified(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """Verified or refused → the partner, with the reason of a refusal."""
    partner = _expect(target, Partner)
    user = partner.user if partner.user_id else None
    if partner.status == PartnerStatus.VERIFIED:
        message = Msg("您的合伙人资料已通过认证，可以查看为您推荐的招募令")
    else:
        message = Msg("您的合伙人资料未通过认证。理由：{reason}", reason=partner.refusal_reason)
    return [Outgoing(_users([user]), message, reverse("partners:detail", args=[partner.pk]))]


# --------------------------------------------------------------------------------------------------
# Agreements
# --------------------------------------------------------------------------------------------------
def _agreement_people(agreement: Agreement) -> list[Any]:
    """The county office that signs (not the city: it would hear of every agreement) and the partners."""
    return _users(
        officials_with(C.AGREEMENT_SIGN, agreement.village_id, levels=("county",)),
        agreement_partner_users(agreement),
    )


def agreement_moved(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """Into 公示 or signed → the county office and the partner parties."""
    agreement = _expect(target, Agreement)
    to = entry.data.get("to")
    link = reverse("agreements:detail", args=[agreement.pk])
    if to == AgreementStatus.PUBLICIZED and agreement.objection_deadline is not None:
        message = Msg(
            "协议进入公示：{title}，异议截止 {deadline}",
            title=agreement.title,
            deadline=f"{agreement.objection_deadline:%Y-%m-%d}",
        )
    elif to == AgreementStatus.SIGNED:
        message = Msg("协议已签署：{title}", title=agreement.title)
    else:
        return []
    return [Outgoing(_agreement_people(agreement), message, link, kind=f"agreement.{to}")]


def settlement_ran(entry: AuditEntry, target: Any) -> list[Outgoing]:
    """A year's settlement (or its correction) → the partner parties."""
    agreement = _expect(target, Agreement)
    year = entry.data.get("year")
    if not isinstance(year, int):
        raise RuleSkipped(f"settlement entry without a year: {year!r}")
    return [
        Outgoing(
            agreement_partner_users(agreement),
            Msg("{title}：{year} 年度结算已完成", title=agreement.title, year=year),
            reverse("agreements:settlement", args=[agreement.pk, year]),
        )
    ]


RULES: dict[str, Rule] = {
    "pairing.open": pairing_opened,
    "pairing.transition": pairing_moved,
    "notice.submit": notice_submitted,
    "notice.approve": notice_approved,
    "notice.reject": notice_rejected,
    "notice.publish": notice_published,
    "partner.register": partner_registered,
    "partner.verify": partner_verified,
    "agreement.transition": agreement_moved,
    "settlement.run": settlement_ran,
}
