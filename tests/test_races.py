"""One transition at a time, with real concurrency: two officials act on the same record at the same
moment, each through the API in its own thread and database connection, and exactly one wins — the other
gets 409 with a Chinese message — round after round.

* approve vs reject of one submitted notice, raced 50 times: one winner, one 409, one transition;
* two corrections of the same settlement version, raced: one new current version, one 409.

The rows are committed (``transaction=True``) so that each thread sees them; the database is flushed
after each test, and the city demo (regions, users) rebuilt for the tests that follow.

PostgreSQL only: the SQLite test database is an in-memory shared-cache database, whose table locks
fail at once ("database table is locked") instead of waiting for the busy timeout, so two threads
cannot write to it at the same time. ``make test`` runs the suite on PostgreSQL too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the SQLite test database is in-memory with shared cache: concurrent writers fail with "
        "'database table is locked' at once instead of waiting; these races run on PostgreSQL",
    ),
]

ROUNDS = 50


def _ensure_demo() -> None:
    from xiangcun.ops.demo import demo_users_create
    from xiangcun.regions.models import Village
    from xiangcun.regions.services import demo_regions_build

    if not Village.objects.exists():
        demo_regions_build(scale="city", seed=7)
        demo_users_create()


@pytest.fixture(scope="module", autouse=True)
def _restore_demo_afterwards(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test ends with a flush: rebuild the session's demo for the next modules."""
    yield
    with django_db_blocker.unblock():
        _ensure_demo()


@pytest.fixture
def people(transactional_db: Any) -> dict[str, Any]:
    from xiangcun.accounts.models import User

    _ensure_demo()
    return {u.username: u for u in User.objects.filter(is_demo=True)}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def race(*requests: Callable[[], Any]) -> list[Any]:
    """Run the requests at the same moment, each in its own thread and database connection."""
    start = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def run(i: int, request: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[i] = request()
        except Exception as exc:  # a crash of the request is a result the test reports
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_approve_and_reject_raced_50_times_have_exactly_one_winner(people: dict[str, Any]) -> None:
    from xiangcun.recruitment.models import Notice, NoticeStatus, NoticeTransition
    from xiangcun.recruitment.services import notice_transition
    from xiangcun.recruitment.tests.factories import notice_draft

    town, county = _client(people["town"]), _client(people["county"])
    for _ in range(ROUNDS):
        # given a notice the cadre submitted, open on the town's and the county's screens
        notice = notice_draft(people)
        notice_transition(user=people["cadre"], notice=notice, action="submit")
        url = f"/api/v1/notices/{notice.pk}/transition"
        before = NoticeTransition.objects.filter(notice=notice).count()

        # when the town approves and the county returns it at the same moment
        approve, reject = race(
            lambda url=url: town.post(
                url, {"action": "approve", "expected_status": "submitted"}, content_type="application/json"
            ),
            lambda url=url: county.post(
                url,
                {"action": "reject", "reason": "材料不全", "expected_status": "submitted"},
                content_type="application/json",
            ),
        )

        # then exactly one step happened and the other official was told, in Chinese, to reload
        assert not isinstance(approve, Exception) and not isinstance(reject, Exception), (approve, reject)
        codes = sorted((approve.status_code, reject.status_code))
        assert codes == [200, 409], (approve.content, reject.content)
        loser = approve if approve.status_code == 409 else reject
        body = loser.json()
        assert "已被其他人处理" in body["error"] and "请刷新后重试" in body["error"]
        assert "reload" in body["error_en"]
        final = Notice.objects.get(pk=notice.pk).status
        assert final == (NoticeStatus.APPROVED if approve.status_code == 200 else NoticeStatus.REJECTED)
        assert NoticeTransition.objects.filter(notice=notice).count() == before + 1
        assert f"当前状态：{NoticeStatus(final).label}" in body["error"]


def test_two_corrections_raced_leave_one_current_version_and_a_409(people: dict[str, Any]) -> None:
    from xiangcun.agreements import services
    from xiangcun.agreements.models import Settlement
    from xiangcun.agreements.schemas import SettlementIn
    from xiangcun.agreements.tests.factories import in_force
    from xiangcun.core.inputs import parse

    # given an agreement in force with its 2024 settlement, open on two officials' screens
    agreement = in_force(people)
    services.settlement_run(
        user=people["county"],
        agreement=agreement,
        settlement=parse(SettlementIn, {"year": 2024, "profit": "200000"}),
    )
    county, city = _client(people["county"]), _client(people["city"])
    url = f"/api/v1/agreements/{agreement.pk}/settlements"
    for round_ in range(1, ROUNDS // 2 + 1):
        latest = round_  # version 1, then each round's winner

        def correct(client: Client, profit: str, latest: int = latest) -> Any:
            body = {"year": 2024, "profit": profit, "reason": "审计调整", "corrects_version": latest}
            return client.post(url, body, content_type="application/json")

        # when both correct the version they see at the same moment
        a, b = race(lambda: correct(county, "210000"), lambda: correct(city, "190000"))

        # then one new version is stored and current, and the other correction is a 409 naming it
        assert not isinstance(a, Exception) and not isinstance(b, Exception), (a, b)
        assert sorted((a.status_code, b.status_code)) == [201, 409], (a.content, b.content)
        winner, loser = (a, b) if a.status_code == 201 else (b, a)
        assert winner.json()["version"] == latest + 1 and winner.json()["current"] is True
        error = loser.json()
        assert error["field"] == "corrects_version"
        assert f"第 {latest} 版结算已被更正为第 {latest + 1} 版" in error["error"]
        versions = Settlement.objects.filter(agreement=agreement, year=2024)
        assert versions.count() == latest + 1
        current = [s for s in versions if not Settlement.objects.filter(corrects=s).exists()]
        assert [s.version for s in current] == [latest + 1]


def test_two_drafts_from_one_pairing_at_the_same_moment_make_one_agreement(people: dict[str, Any]) -> None:
    from xiangcun.agreements.models import Agreement
    from xiangcun.agreements.tests.factories import agreement_data
    from xiangcun.matching import services as matching
    from xiangcun.partners.tests.factories import partner_verified, resident_id
    from xiangcun.recruitment.tests.factories import notice_published

    county, city = _client(people["county"]), _client(people["city"])
    for i in range(10):
        # given a pairing at 签约, open on the county's and the city's drafting forms
        partner = partner_verified(
            people,
            f"race{i}",
            name=f"竞速合伙人{i}",
            id_number=resident_id(f"race{i}"),
            phone=f"1370000{i:04d}",
        )
        pairing = matching.pairing_express_interest(user=partner.user, notice=notice_published(people))
        for stage in ("negotiating", "signed"):
            pairing = matching.pairing_transition(user=people["county"], pairing=pairing, to_status=stage)
        body = agreement_data(people["cadre"].region_code, pairing=pairing.pk)

        # when both save a draft from it at the same moment
        first, second = race(
            lambda body=body: county.post("/api/v1/agreements", body, content_type="application/json"),
            lambda body=body: city.post("/api/v1/agreements", body, content_type="application/json"),
        )

        # then one agreement is made and the other official is told which one there is
        assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
        assert sorted((first.status_code, second.status_code)) == [201, 400], (first.content, second.content)
        loser = first if first.status_code == 400 else second
        made = Agreement.objects.get(pairing=pairing)
        assert loser.json()["field"] == "pairing" and made.code in loser.json()["error"]
