"""The demo builder: agreements in force with settlements, one in 公示 (the funding round over them
is ``funding.demo``, tested there)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiangcun.agreements.demo import demo_build
from xiangcun.agreements.models import Agreement, AgreementStatus, Settlement

pytestmark = pytest.mark.django_db


def test_demo_build_is_complete_and_reconciled(users):
    result = demo_build(scale="city", seed=7)
    assert result.agreements >= 4
    assert (
        Agreement.objects.filter(is_demo=True, status=AgreementStatus.IN_FORCE).count()
        == result.agreements - 1
    )
    assert Agreement.objects.filter(is_demo=True, status=AgreementStatus.PUBLICIZED).count() == 1
    for row in Settlement.objects.filter(agreement__is_demo=True):
        assert sum(Decimal(p["total"]) for p in row.result["parties"]) == row.profit
