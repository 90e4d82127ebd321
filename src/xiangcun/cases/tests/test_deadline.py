import datetime as dt

from xiangcun.cases.deadline import evaluate


def test_contract_example_cases() -> None:
    as_of = dt.date(2026, 2, 12)
    r = evaluate(dt.datetime.fromisoformat("2026-02-10T09:30:00+08:00"), 7, "working", as_of)
    assert (r.deadline, r.remaining_days, r.status) == (dt.date(2026, 2, 26), 5, "green")
    r = evaluate(dt.datetime.fromisoformat("2026-02-09T18:45:00+08:00"), 3, "calendar", as_of)
    assert (r.deadline, r.remaining_days, r.status) == (dt.date(2026, 2, 12), 0, "yellow")
    r = evaluate(dt.datetime.fromisoformat("2026-02-02T10:00:00+08:00"), 3, "working", as_of, dt.date(2026, 2, 6))
    assert (r.deadline, r.status) == (dt.date(2026, 2, 5), "closed_late")
    r = evaluate(dt.datetime.fromisoformat("2026-02-11T23:59:00+08:00"), 15, "working", as_of)
    assert (r.deadline, r.remaining_days, r.status) == (dt.date(2026, 3, 10), 14, "green")
