"""Agreements for tests, built through the services (as an official of the village's county)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xiangcun.agreements import services
from xiangcun.agreements.models import Agreement
from xiangcun.agreements.schemas import AgreementIn, TransitionIn
from xiangcun.core.inputs import parse
from xiangcun.core.tests.clock import server_date
from xiangcun.regions.models import Village


def agreement_data(village: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "稻香小院农家乐",
        "village": village,
        "mode": "additive",
        "guarantee": "30000",
        "reserve_rate": "0.1",
        "expected_profit": "200000",
        "term_start": "2024-01-01",
        "term_end": "2033-12-31",
        "parties": [
            {
                "role": "collective",
                "name": "村股份经济合作社",
                "contributions": [
                    {
                        "kind": "land",
                        "name": "河滩地",
                        "area_mu": "20",
                        "annual_rent_per_mu": "800",
                        "years": "10",
                    },
                    {
                        "kind": "house",
                        "name": "旧村委会院落",
                        "area_m2": "300",
                        "rebuild_cost_per_m2": "1200",
                        "age_years": "20",
                        "useful_life_years": "50",
                        "residual_rate": "0.2",
                    },
                ],
            },
            {
                "role": "partner",
                "name": "聊城稻香文旅有限公司",
                "contributions": [{"kind": "cash", "amount": "600000"}],
            },
            {
                "role": "other",
                "name": "县农技站",
                "contributions": [{"kind": "technology", "amount": "40000"}],
            },
        ],
        "members": [
            {"household": "H001", "head_name": "王建国", "shares": "3"},
            {"household": "H002", "head_name": "李秀英", "shares": "2"},
            {"household": "H003", "head_name": "张立新", "shares": "5"},
        ],
        "labour": [{"position": "厨师", "jobs": 2, "monthly_wage": "3500"}],
    }
    data.update(overrides)
    return data


def first_village(county: str = "371502") -> str:
    return str(
        Village.objects.filter(code__startswith=county).order_by("code").values_list("code", flat=True)[0]
    )


def draft(users: dict[str, Any], county: str = "371502", **overrides: Any) -> Agreement:
    user = users["county"] if county == "371502" else users["city"]
    return services.agreement_create(
        user=user, draft=parse(AgreementIn, agreement_data(first_village(county), **overrides))
    )


def step(to_status: str, **facts: Any) -> TransitionIn:
    """A workflow step as the pages and the API post it."""
    return parse(TransitionIn, {"to_status": to_status, **facts})


def in_force(users: dict[str, Any], county: str = "371502", **overrides: Any) -> Agreement:
    """A draft taken through approval, 公示 (no objections), signing and entry into force, in 2024:
    the 公示 entered on 2024-01-08 (the server's date then), signed and in force on dates given."""
    agreement = draft(users, county, **overrides)
    user = users["county"] if county == "371502" else users["city"]
    services.agreement_transition(
        user=user,
        agreement=agreement,
        step=step(
            "approved",
            assembly_date="2024-01-05",
            assembly_attendees=30,
            assembly_present=25,
            assembly_votes_for=22,
        ),
    )
    with server_date(dt.date(2024, 1, 8)):
        services.agreement_transition(user=user, agreement=agreement, step=step("publicized"))
    services.agreement_transition(user=user, agreement=agreement, step=step("signed", date="2024-01-20"))
    return services.agreement_transition(
        user=user, agreement=agreement, step=step("in_force", date="2024-02-01")
    )


def when(year: int = 2024) -> dt.date:
    return dt.date(year, 6, 1)
