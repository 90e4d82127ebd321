"""Work waiting on the demo users' desks (工作台), for ``xiangcun demo``.

The bulk demo publishes its notices directly, so the demo town and cadre would start with nothing to
do and the demo partner with nothing to answer. This adds, in the demo cadre's village and through the
services (every step audited and notified as the people would have done it):

* a notice the cadre submitted, awaiting the town's approval (town: 待审核招募令);
* a notice the town returned with its reason (cadre: 被退回的招募令);
* a published notice the demo partner said 我要合作 on, in 洽谈 after the cadre's site visit
  (cadre: 洽谈中的对接; partner: 我的对接, and the notification);
* a published notice paired with the demo partner up to 签约, whose agreement the 村民代表大会 approved
  and which is now in 公示 (partner: 待签署的协议; the county signs it when the period is over).

The city office's partners awaiting verification and the county's guaranteed payments due come from
the bulk demo already (``matching.demo``, ``agreements.demo``). The records are flagged ``is_demo`` so
that the demo's clear functions remove them with the rest. Run after the other demo builders.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.models import User
from xiangcun.agreements import services as agreements
from xiangcun.agreements.models import Agreement
from xiangcun.agreements.schemas import AgreementIn, TransitionIn
from xiangcun.core.inputs import parse
from xiangcun.matching import services as matching
from xiangcun.matching.models import Pairing
from xiangcun.partners.models import Partner
from xiangcun.recruitment import services as recruitment
from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.schemas import NoticeIn
from xiangcun.regions.models import Village

RETURN_REASON = "大棚面积与投资区间不相符，请核实设施农用地面积并补充现状照片后重新提交"


@dataclass(frozen=True)
class DemoDesksResult:
    notices: int
    pairings: int
    agreements: int
    seconds: float


def _notice(cadre: User, village: Village, today: dt.date, title: str, **fields: Any) -> Notice:
    data: dict[str, Any] = {
        "title": f"{village.name}{title}",
        "villages": [village.code],
        "cooperation_forms": ["capital"],
        "kinds_wanted": ["entrepreneur", "founder", "investor"],
        "investment_min": "50",
        "investment_max": "200",
        "contact": f"{village.name}村委会",
        "deadline": (today + dt.timedelta(days=150)).isoformat(),
        **fields,
    }
    return recruitment.notice_create(user=cadre, notice_in=parse(NoticeIn, data))


def _published(users: dict[str, User], notice: Notice) -> Notice:
    recruitment.notice_transition(user=users["cadre"], notice=notice, action="submit")
    recruitment.notice_transition(user=users["town"], notice=notice, action="approve")
    return recruitment.notice_transition(user=users["county"], notice=notice, action="publish")


def _in_talks(users: dict[str, User], notice: Notice, note: str, visit: dt.date) -> Pairing:
    """The demo partner's 我要合作 on ``notice``; the cadre starts 洽谈 and notes the site visit."""
    pairing = matching.pairing_express_interest(user=users["partner"], notice=notice, note=note)
    pairing = matching.pairing_transition(user=users["cadre"], pairing=pairing, to_status="negotiating")
    matching.pairing_note_add(
        user=users["cadre"],
        pairing=pairing,
        note="合伙人到村实地考察，与村两委和村民代表座谈，初步商定合作方式与资源入股范围",
        meeting_date=visit,
    )
    return pairing


def _agreement(users: dict[str, User], pairing: Pairing, partner: Partner, today: dt.date) -> Agreement:
    village = pairing.notice.village
    draft = {
        "title": f"{village.name}乡村民宿",
        "village": village.code,
        "pairing": pairing.pk,
        "description": "村集体以闲置农房和宅基地入股，合伙人出资改造并运营乡村民宿",
        "mode": "additive",
        "guarantee": "30000",
        "reserve_rate": "0.1",
        "expected_profit": "240000",
        "term_start": today.isoformat(),
        "term_end": today.replace(year=today.year + 10).isoformat(),
        "parties": [
            {
                "role": "collective",
                "name": f"{village.name}股份经济合作社",
                "contributions": [
                    {
                        "kind": "house",
                        "name": "村东闲置农房",
                        "area_m2": 420,
                        "rebuild_cost_per_m2": 1200,
                        "age_years": 18,
                        "useful_life_years": 50,
                        "residual_rate": "0.2",
                    }
                ],
            },
            {
                "role": "partner",
                "name": partner.name,
                "partner": partner.pk,
                "contributions": [{"kind": "cash", "amount": 900_000}],
            },
        ],
        "members": [
            {"household": f"H{i:03d}", "head_name": name, "shares": shares}
            for i, (name, shares) in enumerate(
                [("张建国", "3"), ("李秀英", "2"), ("王立新", "2"), ("刘桂兰", "1"), ("陈志强", "3")], 1
            )
        ],
        "labour": [{"position": "民宿服务员", "jobs": 4, "monthly_wage": "3000"}],
    }
    agreement = agreements.agreement_create(
        user=users["cadre"], draft=parse(AgreementIn, draft), is_demo=True
    )
    assembly = {
        "to_status": "approved",
        "assembly_date": today.isoformat(),
        "assembly_attendees": 33,
        "assembly_present": 29,
        "assembly_votes_for": 27,
        "assembly_resolution": "同意以村东闲置农房入股乡村民宿项目",
    }
    agreements.agreement_transition(
        user=users["cadre"], agreement=agreement, step=parse(TransitionIn, assembly)
    )
    return agreements.agreement_transition(
        user=users["cadre"], agreement=agreement, step=parse(TransitionIn, {"to_status": "publicized"})
    )


@transaction.atomic
def demo_desks_build() -> DemoDesksResult:
    """The desk work of the demo town, cadre and partner (see the module); nothing without them."""
    started = time.perf_counter()
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    partner = Partner.objects.filter(user__username="partner", is_demo=True).first()
    if partner is None or not {"cadre", "town", "county", "partner"} <= users.keys():
        return DemoDesksResult(0, 0, 0, time.perf_counter() - started)
    village = Village.objects.get(code=users["cadre"].region_code)
    today = timezone.localdate()
    cadre = users["cadre"]

    waiting = _notice(
        cadre,
        village,
        today,
        "闲置农房改造民宿项目招募合伙人",
        category="farm_stay",
        description="村内有闲置农房 12 处，拟整体改造为乡村民宿，配套农家餐饮",
        resources=[{"kind": "idle_homestead", "area": "12", "unit": "项", "description": "闲置农房 12 处"}],
    )
    recruitment.notice_transition(user=cadre, notice=waiting, action="submit")

    returned = _notice(
        cadre,
        village,
        today,
        "设施蔬菜大棚项目招募合伙人",
        category="coop_farming",
        description="村南设施农用地建设冬暖式大棚，发展高效设施蔬菜",
        resources=[{"kind": "facility_farmland", "area": "80", "unit": "亩", "description": "设施农用地"}],
    )
    recruitment.notice_transition(user=cadre, notice=returned, action="submit")
    recruitment.notice_transition(user=users["town"], notice=returned, action="reject", reason=RETURN_REASON)

    talks = _published(
        users,
        _notice(
            cadre,
            village,
            today,
            "农耕研学营地项目招募合伙人",
            category="tourism_study",
            description="依托村小学旧址和村南农田，建设面向中小学生的农耕研学营地",
            resources=[
                {"kind": "idle_building", "area": "1500", "unit": "平方米", "description": "村小学旧址"}
            ],
        ),
    )
    _in_talks(users, talks, "想带团队来看看村小学旧址，了解研学营地的用地情况", today - dt.timedelta(days=6))

    signing = _published(
        users,
        _notice(
            cadre,
            village,
            today,
            "乡村民宿项目招募合伙人",
            category="farm_stay",
            description="村东闲置农房整体改造为精品民宿",
            resources=[
                {"kind": "idle_homestead", "area": "420", "unit": "平方米", "description": "村东闲置农房"}
            ],
        ),
    )
    pairing = _in_talks(users, signing, "有民宿运营经验，希望合作改造村东农房", today - dt.timedelta(days=30))
    pairing = matching.pairing_transition(user=users["county"], pairing=pairing, to_status="signed")
    _agreement(users, pairing, partner, today)

    notices = [waiting, returned, talks, signing]
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(is_demo=True)  # the demo clears them
    return DemoDesksResult(len(notices), 2, 1, time.perf_counter() - started)
