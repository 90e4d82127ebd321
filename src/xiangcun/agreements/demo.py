"""Demo agreements, settlements and one funding round for ``xiangcun demo`` (示例数据).

A few agreements per county (city scale: one county in two), taken through the whole workflow by
the demo city account, each with two years of settlements (one corrected), guaranteed payments,
and a published 2025 funding round over all of them. Deterministic from the seed.
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
from xiangcun.agreements.models import Agreement, GuaranteePayment, Settlement
from xiangcun.funding import services as funding_services
from xiangcun.funding.models import FundingApplication, FundingRound
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
    rounds: int
    seconds: float


@transaction.atomic
def demo_clear() -> None:
    """Remove demo agreements (and what hangs on them) — before the regions are rebuilt."""
    FundingRound.objects.filter(is_demo=True).delete()
    FundingApplication.objects.filter(agreement__is_demo=True).delete()
    Settlement.objects.filter(agreement__is_demo=True).delete()
    GuaranteePayment.objects.filter(agreement__is_demo=True).delete()
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
        "is_demo": True,
    }


@transaction.atomic
def demo_build(*, scale: str, seed: int, today: dt.date | None = None) -> DemoAgreementsResult:
    started = time.perf_counter()
    demo_clear()
    city = User.objects.filter(username="city", is_demo=True).first()
    if city is None:
        return DemoAgreementsResult(0, 0, 0, time.perf_counter() - started)
    rng = random.Random(seed)
    counties = sorted(set(Village.objects.filter(is_demo=True).values_list("county_id", flat=True)))
    per_county = 2 if scale == "city" else 1
    villages: list[Village] = []
    for county in counties[:8]:
        pool = list(Village.objects.filter(is_demo=True, county_id=county).order_by("code")[:200])
        villages += rng.sample(pool, min(per_county, len(pool)))
    agreements: list[Agreement] = []
    settlements = 0
    for k, village in enumerate(villages):
        agreement = services.agreement_create(
            user=city, data=_data(rng, village, k), today=dt.date(2023, 1, 3)
        )
        services.agreement_transition(
            user=city,
            agreement=agreement,
            to_status="approved",
            data={
                "assembly_date": "2022-12-20",
                "assembly_attendees": 31,
                "assembly_present": 28,
                "assembly_votes_for": 26,
            },
        )
        if k == len(villages) - 1:
            # the last one stays in 公示 so the public board shows something
            services.agreement_transition(user=city, agreement=agreement, to_status="publicized")
            continue
        services.agreement_transition(
            user=city, agreement=agreement, to_status="publicized", data={"date": "2022-12-22"}
        )
        services.agreement_transition(
            user=city, agreement=agreement, to_status="signed", data={"date": "2023-01-05"}
        )
        agreement = services.agreement_transition(
            user=city, agreement=agreement, to_status="in_force", data={"date": "2023-01-06"}
        )
        households = list(agreement.members.values_list("household", flat=True))
        for year in (2023, 2024):
            profit = Decimal(agreement.expected_profit) * Decimal(rng.choice(["0.4", "0.9", "1.1", "1.3"]))
            labour = [
                {"household": h, "amount": str(rng.randrange(8, 30) * 1000)}
                for h in rng.sample(households, 3)
            ]
            services.settlement_run(
                user=city, agreement=agreement, year=year, profit=round(profit, 2), labour=labour
            )
            settlements += 1
            if year == 2023:
                services.guarantee_payment_record(
                    user=city,
                    agreement=agreement,
                    year=year,
                    amount=agreement.guarantee,
                    paid_on="2024-03-15",
                )
        if k % 4 == 0:
            services.settlement_run(
                user=city,
                agreement=agreement,
                year=2024,
                profit=round(Decimal(agreement.expected_profit) * Decimal("0.95"), 2),
                labour=[],
                reason="审计后调整可分配利润",
            )
            settlements += 1
        agreements.append(agreement)
    rounds = 0
    if agreements:
        funding_round = funding_services.round_create(
            user=city,
            data={
                "name": "2025 年度乡村振兴合伙人项目扶持资金",
                "year": 2025,
                "budget": "1500000",
                "weights": {
                    "investment": "0.2",
                    "profit_tax": "0.2",
                    "social_benefit": "0.2",
                    "farmer_income_increase": "0.2",
                    "collective_income_increase": "0.2",
                },
                "min_score": "20",
                "opens_on": "2025-03-01",
                "closes_on": "2025-04-30",
                "is_demo": True,
            },
        )
        for agreement in agreements:
            investment = agreement.total_contribution
            application = funding_services.application_submit(
                user=city,
                funding_round=funding_round,
                agreement=agreement,
                figures={
                    "requested": str(rng.randrange(15, 60) * 10_000),
                    "investment": str(investment),
                    "profit_tax": str(round(investment * Decimal(rng.randrange(5, 20)) / 100, 2)),
                    "social_benefit": str(rng.randrange(55, 96)),
                    "farmer_income_increase": str(rng.randrange(5, 40) * 10_000),
                    "collective_income_increase": str(rng.randrange(2, 15) * 10_000),
                },
            )
            funding_services.application_verify(user=city, application=application)
        selected = funding_services.round_select(user=city, funding_round=funding_round)
        funding_services.round_publish(user=city, funding_round=selected, start="2025-05-12")
        rounds = 1
    return DemoAgreementsResult(len(villages), settlements, rounds, time.perf_counter() - started)
