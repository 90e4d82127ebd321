"""Case deadlines (DESIGN §3.6): 3/7/15/21 days, calendar or working days. Pure Python, no Django."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from xiangcun.core.workdays import COVERED_YEARS, is_working_day

Count = Literal["calendar", "working"]
TIERS = (3, 7, 15, 21)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DeadlineResult:
    deadline: dt.date
    status: str
    remaining_days: int | None
    overdue_days: int | None
    calendar_exact: bool


def _counted(start: dt.date, end: dt.date, count: Count) -> int:
    """Counted days d with start < d <= end."""
    if end <= start:
        return 0
    if count == "calendar":
        return (end - start).days
    return sum(1 for i in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=i)))


def case_deadline(received: dt.datetime, tier_days: int, count: Count) -> tuple[dt.date, bool]:
    if received.tzinfo is None:
        raise ValueError("received must be timezone-aware")
    day = received.astimezone(SHANGHAI).date()
    if count == "calendar":
        return day + dt.timedelta(days=tier_days), True
    exact = True
    counted = 0
    while counted < tier_days:
        day += dt.timedelta(days=1)
        exact = exact and day.year in COVERED_YEARS
        if is_working_day(day):
            counted += 1
    return day, exact


def escalation_due(deadline: dt.date, as_of: dt.date) -> bool:
    return as_of > deadline


def evaluate(
    received: dt.datetime, tier_days: int, count: Count, as_of: dt.date, closed: dt.date | None = None
) -> DeadlineResult:
    deadline, exact = case_deadline(received, tier_days, count)
    if closed is not None:
        status = "closed_on_time" if closed <= deadline else "closed_late"
        return DeadlineResult(deadline, status, None, None, exact)
    remaining = _counted(as_of, deadline, count)
    if as_of > deadline:
        return DeadlineResult(deadline, "red", 0, (as_of - deadline).days, exact)
    status = "yellow" if remaining <= math.ceil(tier_days / 3) else "green"
    return DeadlineResult(deadline, status, remaining, None, exact)
