"""The distribution simulator draws its chart: the lines ECharts holds are the annual settlement of
each profit on the axis, party by party and household by household (issue 12, item 1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiangcun.accounts.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIES = """() => echarts.getInstanceByDom(document.getElementById('chart')).getOption().series
    .map(s => ({name: s.name, data: s.data}))"""
AXIS = """() => echarts.getInstanceByDom(document.getElementById('chart')).getOption().xAxis[0].data"""


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("load")


def _settled(agreement, profit: Decimal):  # type: ignore[no-untyped-def]
    from xiangcun.agreements import settlement
    from xiangcun.agreements.selectors import settlement_input

    return settlement.settle(settlement_input(agreement, profit))


def _expect_lines(agreement, series, profits: list[Decimal]) -> None:  # type: ignore[no-untyped-def]
    parties = list(agreement.parties.order_by("position"))
    members = list(agreement.members.order_by("household"))
    assert [s["name"] for s in series] == [p.name for p in parties] + [
        f"{m.household} {m.head_name}" for m in members
    ]
    for j, profit in enumerate(profits):
        result = _settled(agreement, profit)
        for i, line in enumerate(result.parties):
            assert Decimal(str(series[i]["data"][j])) == line.total, (parties[i].name, profit)
        for k, household in enumerate(result.households):
            assert Decimal(str(series[len(parties) + k]["data"][j])) == household.total, (household, profit)


def test_the_simulator_chart_holds_the_settlement_of_every_profit_on_its_axis(live_server, page, users):
    from xiangcun.agreements.tests.factories import in_force

    # Given an agreement in force (a guarantee of 30,000, three parties, three households)
    agreement = in_force(users)

    # When the county official opens it and follows "分配模拟"
    _login(page, live_server.url, "county")
    page.goto(f"{live_server.url}/agreements/{agreement.pk}/")
    page.click("text=分配模拟")
    page.wait_for_selector("#chart[data-ready=true] canvas")

    # Then the chart is drawn: 21 profits from −½ to 2 × the expected 200,000, each line the settlement
    axis = page.evaluate(AXIS)
    assert axis[0] == "-100,000" and axis[-1] == "400,000" and len(axis) == 21
    profits = [Decimal(-100_000) + Decimal(25_000) * j for j in range(21)]
    series = page.evaluate(SERIES)
    _expect_lines(agreement, series, profits)
    collective = series[0]["data"]
    assert collective[0] == 30000 and collective[-1] > collective[0]  # the guarantee floors the loss years
    assert "数据接口" not in page.inner_text("main")

    # When the official narrows the range with the form (typed with group separators)
    page.fill("input[name=low]", "0")
    page.fill("input[name=high]", "1,000,000")
    page.click("text=重新计算")
    page.wait_for_selector("#chart[data-ready=true] canvas")

    # Then the chart shows that range, settled the same way
    axis = page.evaluate(AXIS)
    assert axis[0] == "0" and axis[-1] == "1,000,000"
    _expect_lines(agreement, page.evaluate(SERIES), [Decimal(50_000) * j for j in range(21)])
