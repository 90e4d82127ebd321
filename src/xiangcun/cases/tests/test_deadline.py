import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.cases.deadline import (
    NO_DATE,
    STATUS_CODES,
    case_deadline,
    escalation_due,
    evaluate,
    evaluate_many,
)
from xiangcun.core.workdays import COVERED_YEARS


def test_contract_example_cases() -> None:
    as_of = dt.date(2026, 2, 12)
    r = evaluate(dt.datetime.fromisoformat("2026-02-10T09:30:00+08:00"), 7, "working", as_of)
    assert (r.deadline, r.remaining_days, r.status) == (dt.date(2026, 2, 26), 5, "green")
    r = evaluate(dt.datetime.fromisoformat("2026-02-09T18:45:00+08:00"), 3, "calendar", as_of)
    assert (r.deadline, r.remaining_days, r.status) == (dt.date(2026, 2, 12), 0, "yellow")
    r = evaluate(
        dt.datetime.fromisoformat("2026-02-02T10:00:00+08:00"), 3, "working", as_of, dt.date(2026, 2, 6)
    )
    assert (r.deadline, r.status) == (dt.date(2026, 2, 5), "closed_late")
    r = evaluate(dt.datetime.fromisoformat("2026-02-11T23:59:00+08:00"), 15, "working", as_of)
    assert (r.deadline, r.remaining_days, r.status) == (dt.date(2026, 3, 10), 14, "green")


# --- the official calendar: holidays and their 调休 working weekends -------------------------------
# Expected dates are read off the State Council's notices (not computed from chinese-calendar):
# 2024 劳动节 5/1–5/5 off, Sat 5/11 worked; 2025 国庆+中秋 10/1–10/8 off, Sat 10/11 worked;
# 2026 春节 2/15–2/23 off, Sat 2/14 and Sat 2/28 worked.

CST = dt.timezone(dt.timedelta(hours=8))


def _on(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), CST)


@pytest.mark.parametrize(
    ("received", "tier", "deadline"),
    [
        # 2024 劳动节: received Tue 4/30 → 5/6 (Mon), 5/7, 5/8 are the first three working days
        ("2024-04-30", 3, "2024-05-08"),
        # ... and the 调休 Saturday 5/11 counts: 5/6..5/10 are 5, Sat 5/11 is the 6th
        ("2024-04-30", 6, "2024-05-11"),
        # 2025 国庆: received Tue 9/30 → 10/9 (Thu), 10/10 (Fri), Sat 10/11 (调休) is the 3rd
        ("2025-09-30", 3, "2025-10-11"),
        # 2026 春节: received Fri 2/13 → Sat 2/14 (调休) 1st, 2/24 2nd, 2/25 3rd
        ("2026-02-13", 3, "2026-02-25"),
        # ... 7 days: 2/14, 2/24, 2/25, 2/26, 2/27, Sat 2/28 (调休), Mon 3/2
        ("2026-02-13", 7, "2026-03-02"),
    ],
)
def test_working_days_skip_holidays_and_count_the_swapped_weekends(
    received: str, tier: int, deadline: str
) -> None:
    day, exact = case_deadline(_on(received), tier, "working")
    assert (day.isoformat(), exact) == (deadline, True)


def test_the_received_day_never_counts_whatever_the_hour() -> None:
    # 23:59 Beijing time on 3/2 is still 3/2; 16:00 UTC on 3/2 is 00:00 on 3/3 in Beijing
    assert case_deadline(_on("2026-03-02", 23), 3, "calendar")[0] == dt.date(2026, 3, 5)
    utc = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)
    assert case_deadline(utc, 3, "calendar")[0] == dt.date(2026, 3, 6)


def test_a_year_beyond_the_installed_calendar_counts_monday_to_friday_and_says_so() -> None:
    year = max(COVERED_YEARS) + 1
    friday = next(dt.date(year, 3, d) for d in range(1, 8) if dt.date(year, 3, d).weekday() == 4)
    day, exact = case_deadline(dt.datetime.combine(friday, dt.time(9), CST), 3, "working")
    assert day == friday + dt.timedelta(days=5) and exact is False  # Mon, Tue, Wed
    assert (
        evaluate(dt.datetime.combine(friday, dt.time(9), CST), 3, "working", friday).calendar_exact is False
    )


def test_status_boundaries() -> None:
    received = _on("2026-06-01")  # calendar count, 7 days → deadline 6/8; yellow when ≤ ceil(7/3) = 3 left
    assert evaluate(received, 7, "calendar", dt.date(2026, 6, 4)).status == "green"  # 4 left
    assert evaluate(received, 7, "calendar", dt.date(2026, 6, 5)).status == "yellow"  # 3 left
    on_deadline = evaluate(received, 7, "calendar", dt.date(2026, 6, 8))
    assert (on_deadline.status, on_deadline.remaining_days) == ("yellow", 0)
    late = evaluate(received, 7, "calendar", dt.date(2026, 6, 9))
    assert (late.status, late.overdue_days) == ("red", 1)
    assert escalation_due(dt.date(2026, 6, 8), dt.date(2026, 6, 9)) and not escalation_due(
        dt.date(2026, 6, 8), dt.date(2026, 6, 8)
    )
    closed = evaluate(received, 7, "calendar", dt.date(2026, 7, 1), closed=dt.date(2026, 6, 8))
    assert (closed.status, closed.remaining_days) == ("closed_on_time", None)


# --- the vectorised pass agrees with evaluate(), case by case ------------------------------------

_cases = st.lists(
    st.tuples(
        st.dates(dt.date(2023, 12, 1), dt.date(max(COVERED_YEARS) + 1, 12, 31)),
        st.sampled_from([1, 2, 3, 7, 15, 21, 40]),
        st.booleans(),
        st.one_of(st.none(), st.integers(0, 60)),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(cases=_cases, as_of=st.dates(dt.date(2024, 1, 1), dt.date(max(COVERED_YEARS) + 2, 3, 1)))
def test_evaluate_many_equals_evaluate(
    cases: list[tuple[dt.date, int, bool, int | None]], as_of: dt.date
) -> None:
    received = np.array([c[0].toordinal() for c in cases], dtype=np.int64)
    tiers = np.array([c[1] for c in cases], dtype=np.int64)
    working = np.array([c[2] for c in cases], dtype=np.bool_)
    closed = np.array([NO_DATE if c[3] is None else c[0].toordinal() + c[3] for c in cases], dtype=np.int64)
    many = evaluate_many(received, tiers, working, as_of, closed)
    for i, (day, tier, work, after) in enumerate(cases):
        one = evaluate(
            dt.datetime.combine(day, dt.time(12), CST),
            tier,
            "working" if work else "calendar",
            as_of,
            None if after is None else day + dt.timedelta(days=after),
        )
        assert dt.date.fromordinal(int(many.deadline[i])) == one.deadline
        assert STATUS_CODES[many.status[i]] == one.status
        assert bool(many.exact[i]) == one.calendar_exact
        if one.status in ("green", "yellow"):
            assert many.remaining[i] == one.remaining_days
        if one.status == "red":
            assert many.overdue[i] == one.overdue_days
