"""Case deadlines (DESIGN §3.6): 3/7/15/21 days, calendar or working days. Pure Python, no Django."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from xiangcun.core.workdays import COVERED_YEARS, is_working_day

Count = Literal["calendar", "working"]
TIERS = (3, 7, 15, 21)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DeadlineResult:
    """One case as of a date: its deadline, its status (``STATUS_CODES``), the counted days left
    while open (0 once red, ``None`` when closed), the calendar days overdue when red, and whether
    every counted day lay in a year the installed official calendar covers."""

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
    """The deadline of a case received at ``received`` (tz-aware; its Asia/Shanghai date, which never
    counts) with ``tier_days`` counted days, and whether the count was exact (DESIGN §3.6)."""
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
    """An open case is raised one level from the day after its deadline."""
    return as_of > deadline


def evaluate(
    received: dt.datetime, tier_days: int, count: Count, as_of: dt.date, closed: dt.date | None = None
) -> DeadlineResult:
    """The case's deadline and 预警 status as of ``as_of`` (closed on ``closed`` if given)."""
    deadline, exact = case_deadline(received, tier_days, count)
    if closed is not None:
        status = "closed_on_time" if closed <= deadline else "closed_late"
        return DeadlineResult(deadline, status, None, None, exact)
    remaining = _counted(as_of, deadline, count)
    if as_of > deadline:
        return DeadlineResult(deadline, "red", 0, (as_of - deadline).days, exact)
    status = "yellow" if remaining <= math.ceil(tier_days / 3) else "green"
    return DeadlineResult(deadline, status, remaining, None, exact)


# --- the daily pass over many cases, vectorised --------------------------------------------------

STATUS_CODES = ("green", "yellow", "red", "closed_on_time", "closed_late")
NO_DATE = -1  # ``closed`` of an open case, in :func:`evaluate_many`


@dataclass(frozen=True)
class ManyResults:
    """:func:`evaluate_many`'s columns: ``deadline`` as proleptic ordinals (``date.toordinal()``),
    ``status`` as indices into ``STATUS_CODES``, ``remaining`` (0 for closed and red cases),
    ``overdue`` (0 unless red) and ``exact``."""

    deadline: npt.NDArray[np.int64]
    status: npt.NDArray[np.int8]
    remaining: npt.NDArray[np.int64]
    overdue: npt.NDArray[np.int64]
    exact: npt.NDArray[np.bool_]


def evaluate_many(
    received: npt.NDArray[np.int64],
    tier_days: npt.NDArray[np.int64],
    working: npt.NDArray[np.bool_],
    as_of: dt.date,
    closed: npt.NDArray[np.int64] | None = None,
) -> ManyResults:
    """:func:`evaluate` over arrays — the escalation pass over every open case of the city at once.

    ``received`` holds the Asia/Shanghai received dates as ordinals, ``working`` whether a case counts
    working days, ``closed`` ordinals or ``NO_DATE``. Same results as :func:`evaluate`, case by case."""
    n = len(received)
    closed = np.full(n, NO_DATE, dtype=np.int64) if closed is None else closed
    today = as_of.toordinal()
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ManyResults(empty, np.zeros(0, dtype=np.int8), empty, empty, np.zeros(0, dtype=np.bool_))
    lo = int(min(received.min(), today))
    # N working days never take more than 2N + 40 calendar days (the longest holiday is 9 days)
    hi = int(max(received.max() + 2 * tier_days.max() + 40, today)) + 1
    days = [dt.date.fromordinal(d) for d in range(lo, hi + 1)]
    is_work = np.fromiter((is_working_day(d) for d in days), dtype=np.bool_, count=len(days))
    uncovered = np.fromiter((d.year not in COVERED_YEARS for d in days), dtype=np.bool_, count=len(days))
    worked = np.cumsum(is_work)  # working days in [lo, lo + i]
    missing = np.cumsum(uncovered)
    work_pos = np.flatnonzero(is_work)  # offsets of the working days, in order

    r = received - lo
    by_work = work_pos[np.minimum(worked[r] + tier_days - 1, len(work_pos) - 1)] + lo
    deadline = np.where(working, by_work, received + tier_days)
    d_off, t_off = deadline - lo, today - lo
    counted_work = np.where(today < deadline, worked[d_off] - worked[t_off], 0)
    counted_cal = np.maximum(deadline - today, 0)
    remaining = np.where(working, counted_work, counted_cal)
    exact = ~working | (missing[d_off] == missing[r])

    red = today > deadline
    yellow = remaining <= -(-tier_days // 3)
    status = np.where(red, 2, np.where(yellow, 1, 0)).astype(np.int8)
    is_closed = closed != NO_DATE
    status = np.where(is_closed, np.where(closed <= deadline, 3, 4), status).astype(np.int8)
    remaining = np.where(is_closed | red, 0, remaining)
    overdue = np.where(~is_closed & red, today - deadline, 0)
    return ManyResults(deadline, status, remaining, overdue, exact)
