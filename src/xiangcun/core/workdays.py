"""Working days for 公示 periods (objection deadlines), on the official calendar. Pure Python.

Shared by agreements (objections to an agreement) and funding (objections to a selection).

The State Council's calendar (``chinese-calendar``) knows public holidays and the weekend days
made working days (调休). For years it does not cover yet, Monday to Friday are working days.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

OBJECTION_WORKING_DAYS = 5  # 公示期不少于 5 个工作日

# The years the installed calendar knows (it refuses any other year).
COVERED_YEARS = frozenset(day.year for day in chinese_calendar.holidays)


def is_working_day(day: dt.date) -> bool:
    if day.year not in COVERED_YEARS:
        return day.weekday() < 5
    return bool(chinese_calendar.is_workday(day))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day counting ``start`` itself if it is one (公示期 starting ``start``).

    ``add_working_days(monday, 5)`` is that Friday when no holiday intervenes.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    day = start
    counted = 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)
