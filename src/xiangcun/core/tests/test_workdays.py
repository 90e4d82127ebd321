import datetime as dt

from xiangcun.core.workdays import COVERED_YEARS, add_working_days, is_working_day


def test_the_official_calendar_skips_holidays_and_counts_make_up_saturdays():
    # 2024-10-01..07 National Day holiday; Saturday 2024-10-12 was a make-up working day (调休)
    assert not is_working_day(dt.date(2024, 10, 1))
    assert is_working_day(dt.date(2024, 10, 12))
    assert add_working_days(dt.date(2024, 9, 30), 5) == dt.date(2024, 10, 11)


def test_years_the_calendar_does_not_cover_fall_back_to_monday_to_friday():
    year = max(COVERED_YEARS) + 1
    monday = next(dt.date(year, 1, d) for d in range(1, 8) if dt.date(year, 1, d).weekday() == 0)
    assert add_working_days(monday, 5) == monday + dt.timedelta(days=4)
    assert not is_working_day(monday + dt.timedelta(days=5))
