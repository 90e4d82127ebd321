"""The funding demo: one published round over the demo agreements in force, after the agreements demo."""

from __future__ import annotations

import pytest

from xiangcun.agreements.demo import demo_build as agreements_demo
from xiangcun.agreements.models import Agreement, AgreementStatus
from xiangcun.funding.demo import demo_build, demo_clear
from xiangcun.funding.models import FundingApplication, FundingRound, RoundStatus, SelectionMode

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


def test_the_demo_round_publishes_rank_order_and_its_analysis_differs(users, client_as):
    # given the demo round
    agreements = agreements_demo(scale="city", seed=7)
    demo_build(seed=7, rng=agreements.rng)
    funding_round = FundingRound.objects.get(is_demo=True)
    # then its 公示 funds in rank order: every application above the last funded one that was not
    # funded asked for more than the money left
    assert funding_round.mode == SelectionMode.RANK_ORDER
    ranked = list(funding_round.applications.order_by("rank"))
    left = funding_round.budget
    for application in ranked:
        if application.selected:
            left -= application.requested
        else:
            assert application.requested > left
    assert ranked[0].selected
    # and the optimum beside it funds other projects, for a higher total score
    assert any(a.selected != a.other_selected for a in ranked)
    assert funding_round.other_total_score > funding_round.total_score
    page = client_as("city").get(f"/funding/{funding_round.pk}/analysis/").content.decode()
    assert "另一方案（总分最优）" in page and "总分高" in page
