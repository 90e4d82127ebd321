"""After the demo, every demo official's and the demo partner's desk (工作台) has work waiting, made
through the services (audited) — not a desk that says 都已处理 on the first log-in."""

from __future__ import annotations

import re

import pytest

from xiangcun.agreements.selectors import todos_for as agreement_todos
from xiangcun.core.models import AuditEntry
from xiangcun.matching.selectors import todos_for as matching_todos
from xiangcun.ops.desks import RETURN_REASON, demo_desks_build
from xiangcun.partners.selectors import todos_for as partner_todos
from xiangcun.recruitment.models import Notice, NoticeStatus
from xiangcun.recruitment.selectors import todos_for as recruitment_todos

# Who logs in to the demo, and what at least waits on their desk.
EXPECTED = {
    "city": {"partner.verify"},
    "county": {"guarantee.overdue"},
    "town": {"notice.approve"},
    "cadre": {"notice.returned", "pairing.negotiating"},
    "partner": {"agreement.partner_sign"},
}


def waiting_for(user) -> set[str]:  # type: ignore[no-untyped-def]
    """The kinds of to-do with something waiting, of every app (the desk's ``web.selectors.desk_todos``,
    which ops may not import)."""
    todos = [*recruitment_todos(user), *partner_todos(user), *matching_todos(user), *agreement_todos(user)]
    return {t.kind for t in todos if t.count}


@pytest.fixture
def demo(users):  # type: ignore[no-untyped-def]
    """The demo's builders after the regions and users (the command's order; the resources and the
    funding round put nothing on a desk)."""
    from xiangcun.agreements.demo import demo_build as agreements
    from xiangcun.matching.demo import demo_build as matching

    matching(scale="city", seed=7)
    agreements(scale="city", seed=7)
    result = demo_desks_build()
    return users, result


@pytest.mark.slow
def test_every_demo_desk_has_work_waiting_after_the_demo_made_through_the_services(demo, client):  # type: ignore[no-untyped-def]
    users, result = demo
    assert (result.notices, result.pairings, result.agreements) == (4, 2, 1)
    for username, kinds in EXPECTED.items():
        # Given the demo user
        waiting = waiting_for(users[username])
        # Then their to-dos hold the work the demo left
        assert kinds <= waiting, (username, waiting)
        # And the desk they log in to says so
        client.force_login(users[username])
        page = client.get("/manage/").content.decode()
        assert "项待处理" in page, username
        assert all(re.search(f'<li class="todo[^"]*" data-todo="{re.escape(k)}">', page) for k in kinds), (
            username
        )

    # Made through the services: each notice's steps are in the audit log
    cadre_village = users["cadre"].region_code
    submitted = Notice.objects.get(village_id=cadre_village, status=NoticeStatus.SUBMITTED)
    returned = Notice.objects.get(village_id=cadre_village, status=NoticeStatus.REJECTED)
    assert returned.rejection_reason == RETURN_REASON

    def actions(notice: Notice) -> list[str]:
        entries = AuditEntry.objects.filter(object_type="recruitment.notice", object_id=str(notice.pk))
        return list(entries.order_by("id").values_list("action", flat=True))

    assert actions(submitted) == ["notice.create", "notice.submit"]
    assert actions(returned) == ["notice.create", "notice.submit", "notice.reject"]
    # And the demo's clear functions (the next `xiangcun demo`) remove them with the rest of the demo
    from xiangcun.agreements.demo import demo_clear as agreements_clear
    from xiangcun.matching.demo import demo_clear as matching_clear

    agreements_clear()
    matching_clear()
    assert not Notice.objects.filter(village_id=cadre_village).exists()
