"""Test data helpers: a notice in the cadre's village, moved along the workflow by the demo users."""

from __future__ import annotations

from typing import Any

from xiangcun.core.inputs import parse
from xiangcun.recruitment import services
from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.schemas import NoticeIn


def notice_draft(users: dict[str, Any], *, author: str = "cadre", **overrides: Any) -> Notice:
    """A draft for the cadre's village, drafted by the cadre (or by ``author``: another demo user, e.g.
    the town official for a notice naming several of the town's villages)."""
    cadre = users["cadre"]
    fields: dict[str, Any] = {
        "title": "黄家庄村农家乐采摘园项目招募合伙人",
        "village_codes": [cadre.region_code],
        "category": "farm_stay",
        "cooperation_forms": ["capital"],
        "kinds_wanted": ["entrepreneur", "rural_leader"],
        "investment_min": "20",
        "investment_max": "80",
        "description": "依托果园和坑塘发展采摘垂钓，配套农家餐饮和住宿",
        "incentives": "前三年租金减免",
        "resources": [{"kind": "pond", "area": "30", "unit": "亩", "description": "坑塘水面30亩，适合垂钓"}],
    }
    fields.update(overrides)
    return services.notice_create(user=users[author], notice_in=notice_input(**fields))


def notice_input(*, village_codes: list[str] | None = None, **fields: Any) -> NoticeIn:
    """``NoticeIn`` from keyword fields (``village_codes`` is the old name of ``villages``)."""
    if village_codes is not None:
        fields["villages"] = village_codes
    return parse(NoticeIn, fields)


def notice_changed(notice: Notice, **changes: Any) -> NoticeIn:
    """The notice's current input with ``changes`` (what the edit form sends)."""
    return parse(NoticeIn, {**NoticeIn.of(notice).model_dump(), **changes})


def notice_published(users: dict[str, Any], *, author: str = "cadre", **overrides: Any) -> Notice:
    notice = notice_draft(users, author=author, **overrides)
    services.notice_transition(user=users[author], notice=notice, action="submit")
    services.notice_transition(user=users["town"], notice=notice, action="approve")
    publisher = users["city"] if notice.level == "city" else users["county"]
    return services.notice_transition(user=publisher, notice=notice, action="publish")
