"""The funding demo: one published round over the demo agreements in force, after the agreements demo."""

from __future__ import annotations

import pytest

from xiangcun.agreements.demo import demo_build as agreements_demo
from xiangcun.agreements.models import Agreement, AgreementStatus
from xiangcun.funding.demo import demo_build, demo_clear
from xiangcun.funding.models import FundingApplication, FundingRound, RoundStatus

pytestmark = pytest.mark.django_db


def test_demo_round_is_published_over_every_agreement_in_force(users):
    agreements = agreements_demo(scale="city", seed=7)
    result = demo_build(seed=7, rng=agreements.rng)
    assert result.rounds == 1
    in_force = Agreement.objects.filter(is_demo=True, status=AgreementStatus.IN_FORCE).count()
    assert result.applications == in_force == agreements.agreements - 1
    funding_round = FundingRound.objects.get(is_demo=True)
    assert funding_round.status == RoundStatus.PUBLISHED
    assert funding_round.applications.filter(verified=True).count() == in_force
    # the same seed gives the same round
    first = list(FundingApplication.objects.order_by("agreement__code").values_list("requested", "rank"))
    demo_clear()
    agreements = agreements_demo(scale="city", seed=7)
    demo_build(seed=7, rng=agreements.rng)
    assert (
        list(FundingApplication.objects.order_by("agreement__code").values_list("requested", "rank")) == first
    )
