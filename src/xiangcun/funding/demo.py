"""The demo funding round for ``xiangcun demo`` (示例数据): a published 2025 round over every demo
agreement in force, the applications verified and selected in rank order (what its 公示 shows; the
exact optimum is its officials' analysis). Deterministic from the seed. Requests of 15–59 万元
against a budget of 150 万元 leave the walk down the ranking with money it cannot use on the next
projects, so the optimum funds other projects — the analysis view has something to show.

Run after ``agreements.demo.demo_build`` and pass its ``rng`` on: the figures are then drawn from
the same random sequence as when the agreements demo built the round itself. Clear it
(``demo_clear``) before the agreements demo is cleared or rebuilt: applications protect their
agreements from deletion.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from xiangcun.accounts.models import User
from xiangcun.agreements.models import Agreement, AgreementStatus
from xiangcun.core.inputs import parse
from xiangcun.funding import services
from xiangcun.funding.models import FundingApplication, FundingRound
from xiangcun.funding.schemas import FiguresIn, RoundIn

ROUND = {
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
    "mode": "rank_order",
    "opens_on": "2025-03-01",
    "closes_on": "2025-04-30",
}


@dataclass(frozen=True)
class DemoFundingResult:
    rounds: int
    applications: int
    seconds: float


@transaction.atomic
def demo_clear() -> None:
    """Remove the demo rounds and every application of a demo agreement."""
    FundingRound.objects.filter(is_demo=True).delete()
    FundingApplication.objects.filter(agreement__is_demo=True).delete()


@transaction.atomic
def demo_build(*, seed: int, rng: random.Random | None = None) -> DemoFundingResult:
    """One published round over the demo agreements in force (none when there are none)."""
    started = time.perf_counter()
    demo_clear()
    city = User.objects.filter(username="city", is_demo=True).first()
    agreements = list(Agreement.objects.filter(is_demo=True, status=AgreementStatus.IN_FORCE).order_by("pk"))
    if city is None or not agreements:
        return DemoFundingResult(0, 0, time.perf_counter() - started)
    rng = rng or random.Random(seed)
    funding_round = services.round_create(user=city, new_round=parse(RoundIn, ROUND), is_demo=True)
    for agreement in agreements:
        investment = agreement.total_contribution
        figures = {
            "requested": str(rng.randrange(15, 60) * 10_000),
            "investment": str(investment),
            "profit_tax": str(round(investment * Decimal(rng.randrange(5, 20)) / 100, 2)),
            "social_benefit": str(rng.randrange(55, 96)),
            "farmer_income_increase": str(rng.randrange(5, 40) * 10_000),
            "collective_income_increase": str(rng.randrange(2, 15) * 10_000),
        }
        application = services.application_submit(
            user=city, funding_round=funding_round, agreement=agreement, figures=parse(FiguresIn, figures)
        )
        services.application_verify(user=city, application=application)
    selected = services.round_select(user=city, funding_round=funding_round)
    services.round_publish(user=city, funding_round=selected)
    return DemoFundingResult(1, len(agreements), time.perf_counter() - started)
