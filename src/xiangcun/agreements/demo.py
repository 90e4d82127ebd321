"""Demo agreements and settlements for ``xiangcun demo`` (示例数据).

A few agreements per county (city scale: one county in two), taken through the whole workflow by
the demo city account, each with two years of settlements (one corrected) and guaranteed
payments. Deterministic from the seed. The funding round over them is ``funding.demo`` (a layer
above): run it afterwards with this result's ``rng``, and clear it before this demo is cleared.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from xiangcun.accounts.models import User
from xiangcun.agreements import services
from xiangcun.agreements.models import Agreement, AgreementEvent, GuaranteePayment, Settlement
from xiangcun.agreements.schemas import AgreementIn, GuaranteePaidIn, SettlementIn, TransitionIn
from xiangcun.core.inputs import parse
from xiangcun.regions.models import Village

PROJECTS = [
    ("乡村民宿", "闲置农房改造民宿"),
    ("农产品加工坊", "小米、红薯深加工"),
    ("研学基地", "非遗研学与农耕体验"),
    ("农家乐", "采摘垂钓与农家菜"),
    ("合作社种植", "高效设施蔬菜"),
    ("黑陶工坊", "非遗黑陶制作与展销"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英立新桂兰志强海燕春华玉梅明亮丽娟"


@dataclass(frozen=True)
class DemoAgreementsResult:
    agreements: int
    settlements: int
    seconds: float
    rng: random.Random | None = None  # the generator after the agreements, for ``funding.demo``


@transaction.atomic
def demo_clear() -> None:
    """Remove demo agreements (and what hangs on them) — before the regions are rebuilt, after
    ``funding.demo.demo_clear`` (funding applications protect their agreements)."""
    Settlement.objects.filter(agreement__is_demo=True).delete()
    GuaranteePayment.objects.filter(agreement__is_demo=True).delete()
    # A record's history protects it (on_delete=PROTECT); only the synthetic demo is ever removed.
    AgreementEvent.objects.filter(agreement__is_demo=True).delete()
    Agreement.objects.filter(is_demo=True).delete()


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


def _data(rng: random.Random, village: Village, k: int) -> dict[str, Any]:
    title, description = PROJECTS[k % len(PROJECTS)]
    area = rng.randrange(10, 60)
    cash = rng.randrange(30, 120) * 10_000
    members = [
        {"household": f"H{j:03d}", "head_name": _name(rng), "shares": str(rng.choice([1, 2, 2, 3, 3, 4, 5]))}
        for j in range(1, rng.randrange(12, 30))
    ]
    return {
        "title": f"{village.name}{title}",
        "village": village.code,
        "description": description,
        "mode": "additive" if k % 3 else "higher_of",
        "guarantee": str(rng.randrange(2, 8) * 10_000),
        "reserve_rate": "0.1",
        "expected_profit": str(rng.randrange(15, 60) * 10_000),
        "term_start": "2023-01-01",
        "term_end": "2032-12-31",
        "exit_clause": "任何一方退出须提前六个月书面通知，经村民代表大会同意后按上年末净资产结算。",
        "buyback_clause": "合作期满，村集体可按出资折价优先回购合伙人股份。",
        "parties": [
            {
                "role": "collective",
                "name": f"{village.name}股份经济合作社",
                "contributions": [
                    {
                        "kind": "land",
                        "name": "集体土地",
                        "area_mu": area,
                        "annual_rent_per_mu": 800,
                        "years": 10,
                        "discount_rate": "0.03",
                    },
                    {
                        "kind": "house",
                        "name": "闲置院落",
                        "area_m2": rng.randrange(200, 600),
                        "rebuild_cost_per_m2": 1200,
                        "age_years": rng.randrange(5, 40),
                        "useful_life_years": 50,
                        "residual_rate": "0.2",
                    },
                ],
            },
            {
                "role": "partner",
                "name": f"聊城{title}发展有限公司",
                "contributions": [{"kind": "cash", "amount": cash}],
            },
            {
                "role": "other",
                "name": "县农业技术推广站",
                "contributions": [{"kind": "technology", "amount": 50_000}],
            },
        ],
        "members": members,
        "labour": [{"position": "生产工人", "jobs": rng.randrange(3, 12), "monthly_wage": "3200"}],
    }


def _step(to_status: str, **facts: Any) -> TransitionIn:
    return parse(TransitionIn, {"to_status": to_status, **facts})


@transaction.atomic
def demo_build(*, scale: str, seed: int, today: dt.date | None = None) -> DemoAgreementsResult:
    started = time.perf_counter()
    demo_clear()
    city = User.objects.filter(username="city", is_demo=True).first()
    if city is None:
        return DemoAgreementsResult(0, 0, time.perf_counter() - started, None)
    rng = random.Random(seed)
    counties = sorted(set(Village.objects.filter(is_demo=True).values_list("county_id", flat=True)))
    per_county = 2 if scale == "city" else 1
    villages: list[Village] = []
    for county in counties[:8]:
        pool = list(Village.objects.filter(is_demo=True, county_id=county).order_by("code")[:200])
        villages += rng.sample(pool, min(per_county, len(pool)))
    settlements = 0
    for k, village in enumerate(villages):
        agreement = services.agreement_create(
            user=city,
            draft=parse(AgreementIn, _data(rng, village, k)),
            today=dt.date(2023, 1, 3),
            is_demo=True,
        )
        services.agreement_transition(
            user=city,
            agreement=agreement,
            step=_step(
                "approved",
                assembly_date="2022-12-20",
                assembly_attendees=31,
                assembly_present=28,
                assembly_votes_for=26,
            ),
        )
        if k == len(villages) - 1:
            # the last one stays in 公示 so the public board shows something
            services.agreement_transition(user=city, agreement=agreement, step=_step("publicized"))
            continue
        services.agreement_transition(
            user=city, agreement=agreement, step=_step("publicized", date="2022-12-22")
        )
        services.agreement_transition(user=city, agreement=agreement, step=_step("signed", date="2023-01-05"))
        agreement = services.agreement_transition(
            user=city, agreement=agreement, step=_step("in_force", date="2023-01-06")
        )
        households = list(agreement.members.values_list("household", flat=True))
        for year in (2023, 2024):
            profit = Decimal(agreement.expected_profit) * Decimal(rng.choice(["0.4", "0.9", "1.1", "1.3"]))
            labour = [
                {"household": h, "amount": str(rng.randrange(8, 30) * 1000)}
                for h in rng.sample(households, 3)
            ]
            services.settlement_run(
                user=city,
                agreement=agreement,
                settlement=parse(SettlementIn, {"year": year, "profit": round(profit, 2), "labour": labour}),
            )
            settlements += 1
            if year == 2023:
                services.guarantee_payment_record(
                    user=city,
                    agreement=agreement,
                    payment=parse(
                        GuaranteePaidIn,
                        {"year": year, "amount": agreement.guarantee, "paid_on": "2024-03-15"},
                    ),
                )
        if k % 4 == 0:
            correction = {
                "year": 2024,
                "profit": round(Decimal(agreement.expected_profit) * Decimal("0.95"), 2),
                "reason": "审计后调整可分配利润",
            }
            services.settlement_run(
                user=city, agreement=agreement, settlement=parse(SettlementIn, correction)
            )
            settlements += 1
    return DemoAgreementsResult(len(villages), settlements, time.perf_counter() - started, rng)
