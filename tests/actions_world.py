"""Objects in every state a button depends on, for the action tests (tests/test_actions.py): notices,
partners, pairings, agreements and funding rounds, all in 东昌府区 (the demo cadre's village), built
through the services as the officials would.

``build(users)`` returns them by key (``"notice.draft"``, ``"pairing.negotiating"`` …) and the partner
accounts that are parties to them (``owners``: the key of an object → the user who is its partner)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from xiangcun.core.inputs import parse
from xiangcun.core.tests.clock import server_date

COUNTY_A = "371502"
FIGURES = {
    "requested": "300000",
    "investment": "2000000",
    "profit_tax": "200000",
    "social_benefit": "80",
    "farmer_income_increase": "100000",
    "collective_income_increase": "50000",
}
WEIGHTS = {
    "investment": "0.2",
    "profit_tax": "0.2",
    "social_benefit": "0.2",
    "farmer_income_increase": "0.2",
    "collective_income_increase": "0.2",
}


@dataclass
class World:
    objects: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, Any] = field(default_factory=dict)  # object key → the partner account party to it

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]


def _assembly(**extra: Any) -> dict[str, Any]:
    return {
        "assembly_date": "2024-01-05",
        "assembly_attendees": 30,
        "assembly_present": 25,
        "assembly_votes_for": 22,
        **extra,
    }


def build(users: dict[str, Any]) -> World:
    from xiangcun.agreements import services as agreements
    from xiangcun.agreements.schemas import AgreementIn, ObjectionIn, SettlementIn
    from xiangcun.agreements.tests.factories import agreement_data, first_village, step
    from xiangcun.funding import services as funding
    from xiangcun.funding.schemas import FiguresIn, RoundIn
    from xiangcun.matching import services as matching
    from xiangcun.matching.models import PairingOrigin
    from xiangcun.partners.models import Partner
    from xiangcun.partners.tests.factories import partner_registered, partner_verified
    from xiangcun.recruitment import services as recruitment
    from xiangcun.recruitment.models import Notice
    from xiangcun.recruitment.tests.factories import notice_draft, notice_published

    world = World()
    put = world.objects.__setitem__
    county, city, town, cadre = users["county"], users["city"], users["town"], users["cadre"]

    # Notices in every state (county level, but one at city level awaiting publication).
    def notice(title: str, *steps: tuple[str, Any], **fields: Any) -> Any:
        row = notice_draft(users, title=title, **fields)
        for action, user in steps:
            row = recruitment.notice_transition(user=user, notice=row, action=action, reason="测试理由")
        return row

    put("notice.draft", notice("按钮测试草稿"))
    put("notice.submitted", notice("按钮测试已提交", ("submit", cadre)))
    put("notice.approved", notice("按钮测试待发布", ("submit", cadre), ("approve", town)))
    put(
        "notice.approved_city",
        notice("按钮测试市级待发布", ("submit", cadre), ("approve", town), level="city"),
    )
    put("notice.rejected", notice("按钮测试已退回", ("submit", cadre), ("reject", town)))
    put("notice.published", notice_published(users, title="按钮测试已发布"))
    matched = notice_published(users, title="按钮测试已对接")
    put("notice.matched", recruitment.notice_transition(user=county, notice=matched, action="match"))
    put("notice.closed", notice("按钮测试已关闭", ("close", cadre)))
    late = notice("按钮测试过期草稿")
    Notice.objects.filter(pk=late.pk).update(deadline=timezone.localdate())  # not after today
    put("notice.late_draft", Notice.objects.get(pk=late.pk))

    # Partners awaiting verification, returned and verified; the accounts of the pairings.
    pending = partner_registered("act_pending", name="按钮测试待核验")
    put("partner.pending", pending)
    world.owners["partner.pending"] = pending.user
    refused = partner_registered("act_refused", name="按钮测试已退回")
    from xiangcun.partners import services as partners

    put(
        "partner.refused",
        partners.partner_verify(user=city, partner=refused, verified=False, reason="资料不全"),
    )
    world.owners["partner.refused"] = refused.user
    own = partner_verified(users, "act_own", name="对接合伙人甲")  # party to the pairings and agreements
    put("partner.verified", own)
    world.owners["partner.verified"] = own.user
    invited = partner_verified(users, "act_invited", name="受邀合伙人乙")
    offline = partner_verified(users, "act_offline", name="线下合伙人丙")
    Partner.objects.filter(pk=offline.pk).update(user=None)  # in the pool without an account
    offline = Partner.objects.get(pk=offline.pk)

    # Pairings: a partner's interest at every stage, office invitations to a partner with and without
    # an account.
    def pairing(key: str, *stages: str) -> None:
        row = matching.pairing_express_interest(
            user=own.user, notice=notice_published(users, title=f"按钮测试对接{key}")
        )
        for stage in stages:
            reason = "测试退出" if stage == "withdrawn" else ""
            row = matching.pairing_transition(user=county, pairing=row, to_status=stage, reason=reason)
        put(f"pairing.{key}", row)
        world.owners[f"pairing.{key}"] = own.user

    pairing("intent")
    pairing("negotiating", "negotiating")
    pairing("signed", "negotiating", "signed")
    pairing("performing", "negotiating", "signed", "performing")
    pairing("withdrawn", "negotiating", "withdrawn")
    for key, partner in (("invited", invited), ("offline", offline)):
        row = matching._pairing_open(
            county,
            notice_published(users, title=f"按钮测试邀请{key}"),
            partner,
            PairingOrigin.OFFICE,
            0.8,
            None,
        )
        put(f"pairing.{key}", row)
        world.owners[f"pairing.{key}"] = partner.user

    # Agreements at every step, the partner party linked to the account above.
    village = first_village(COUNTY_A)

    def agreement(key: str) -> Any:
        data = agreement_data(village, title=f"按钮测试协议{key}")
        data["parties"][1]["partner"] = own.pk
        row = agreements.agreement_create(user=county, draft=parse(AgreementIn, data))
        world.owners[f"agreement.{key}"] = own.user
        return row

    def approved(key: str) -> Any:
        return agreements.agreement_transition(
            user=county, agreement=agreement(key), step=step("approved", **_assembly())
        )

    def publicized(key: str, on: dt.date | None = None) -> Any:
        row = approved(key)
        if on is None:
            return agreements.agreement_transition(user=county, agreement=row, step=step("publicized"))
        with server_date(on):
            return agreements.agreement_transition(user=county, agreement=row, step=step("publicized"))

    def in_force(key: str) -> Any:
        row = publicized(key, dt.date(2024, 1, 8))
        row = agreements.agreement_transition(
            user=county, agreement=row, step=step("signed", date="2024-01-20")
        )
        return agreements.agreement_transition(
            user=county, agreement=row, step=step("in_force", date="2024-02-01")
        )

    put("agreement.draft", agreement("草稿"))
    put("agreement.approved", approved("已通过"))
    put("agreement.publicizing", publicized("公示中"))
    put("agreement.publicized_over", publicized("公示期满", dt.date(2024, 1, 8)))
    objected = publicized("有异议", dt.date(2024, 1, 8))
    agreements.objection_record(
        user=cadre,
        agreement=objected,
        objection=ObjectionIn(raised_by="村民甲", content="保底太低"),
        on=dt.date(2024, 1, 9),
    )
    put("agreement.objected", objected)
    signed = publicized("已签署", dt.date(2024, 1, 8))
    put(
        "agreement.signed",
        agreements.agreement_transition(
            user=county, agreement=signed, step=step("signed", date="2024-01-20")
        ),
    )
    running = in_force("履行中")
    agreements.settlement_run(
        user=county, agreement=running, settlement=parse(SettlementIn, {"year": 2025, "profit": "150000"})
    )
    put("agreement.in_force", running)
    put("agreement.in_force_spare", in_force("待申报"))  # not yet filed in any funding round
    ended = in_force("已终止")
    put(
        "agreement.ended",
        agreements.agreement_transition(
            user=county, agreement=ended, step=step("ended", reason="合作期提前结束")
        ),
    )

    # Funding rounds: open with an unverified and with a verified application, selected, published.
    def funding_round(key: str, *steps: str) -> None:
        row = funding.round_create(
            user=city,
            new_round=parse(
                RoundIn,
                {
                    "name": f"按钮测试遴选{key}",
                    "year": 2025,
                    "budget": "1000000",
                    "weights": WEIGHTS,
                    "opens_on": "2025-03-01",
                    "closes_on": "2025-04-30",
                },
            ),
        )
        application = funding.application_submit(
            user=county,
            funding_round=row,
            agreement=world["agreement.in_force"],
            figures=parse(FiguresIn, FIGURES),
        )
        for name in steps:
            if name == "verify":
                funding.application_verify(user=city, application=application)
            elif name == "select":
                row = funding.round_select(user=city, funding_round=row)
            elif name == "publish":
                row = funding.round_publish(user=city, funding_round=row)
        put(f"round.{key}", row)

    funding_round("open")
    funding_round("verified", "verify")
    funding_round("selected", "verify", "select")
    funding_round("published", "verify", "select", "publish")

    # A county pairing run awaiting review: a published notice and a verified partner both still free.
    notice_published(users, title="按钮测试待配对采摘园")
    partner_verified(users, "act_free", name="待配对合伙人丁")
    put("run.review", matching.pairing_run_create(user=county, county_code=COUNTY_A))
    return world
