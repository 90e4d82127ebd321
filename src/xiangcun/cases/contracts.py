"""``xiangcun cases deadline``: the JSON adapter of :mod:`xiangcun.cases.deadline`
(``docs/contracts/deadline.example.json``), read with the contract readers of :mod:`xiangcun.core.commands`.

Output per case, in input order: ``deadline`` and ``status``; ``remaining_days`` while open;
``overdue_days`` when red; ``calendar_exact: false`` only when a counted day lies in a year the
installed official calendar does not cover (counted Monday–Friday), absent otherwise.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from xiangcun.cases.deadline import SHANGHAI, evaluate
from xiangcun.core.commands import (
    ROOT,
    ContractError,
    JSONDict,
    check_unique,
    item,
    join,
    read_array,
    read_choice,
    read_number,
    read_object,
    read_text,
    unwrap,
)
from xiangcun.core.errors import Msg

MAX_TIER_DAYS = 3650  # ten years: beyond any ledger's tier, and bounded
MAX_CASES = 100_000


class CountMode(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


def _date(value: object, path: str) -> dt.date:
    text = read_text(value, path)
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ContractError(Msg("不是有效的日期（应为 YYYY-MM-DD）：{text}", text=text), path) from None


def _received(value: object, path: str) -> dt.datetime:
    text = read_text(value, path)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ContractError(Msg("不是有效的时间（应为 ISO 8601，带时区）：{text}", text=text), path) from None
    if moment.tzinfo is None:
        raise ContractError(Msg("时间须带时区（如 +08:00）：{text}", text=text), path)
    return moment


def cases_deadline(doc: object) -> JSONDict:
    """Deadline, remaining days and 预警 status of each case as of one date (DESIGN §3.6)."""
    raw = read_object(unwrap(doc), ROOT, ("as_of", "cases"))
    as_of = _date(raw["as_of"], "as_of")
    entries = read_array(raw["cases"], "cases")
    if len(entries) > MAX_CASES:
        raise ContractError(Msg("案件过多（最多 {n} 件）", n=MAX_CASES), "cases")
    cases = []
    for i, entry in enumerate(entries):
        path = item("cases", i)
        c = read_object(entry, path, ("id", "received", "tier_days", "count"), ("closed",))
        read_text(c["id"], join(path, "id"))
        received = _received(c["received"], join(path, "received"))
        tier = read_number(
            c["tier_days"], join(path, "tier_days"), minimum=Decimal(1), maximum=Decimal(MAX_TIER_DAYS)
        )
        if tier != tier.to_integral_value():
            raise ContractError("天数须为整数", join(path, "tier_days"))
        count = read_choice(
            c["count"],
            join(path, "count"),
            CountMode,
            lambda text, allowed: Msg("未知的计日方式 {text}（可选：{allowed}）", text=text, allowed=allowed),
        )
        closed = _date(c["closed"], join(path, "closed")) if "closed" in c else None
        if closed is not None and closed < received.astimezone(SHANGHAI).date():
            raise ContractError("办结日期早于受理时间", join(path, "closed"))
        cases.append((c["id"], received, int(tier), count, closed))
    check_unique(entries, "cases")
    out = []
    for case_id, received, tier_days, count, closed in cases:
        result = evaluate(received, tier_days, count.value, as_of, closed)  # type: ignore[arg-type]
        row: JSONDict = {"id": case_id, "deadline": result.deadline.isoformat()}
        if result.remaining_days is not None and closed is None:
            row["remaining_days"] = result.remaining_days
        if result.overdue_days is not None:
            row["overdue_days"] = result.overdue_days
        row["status"] = result.status
        if not result.calendar_exact:
            row["calendar_exact"] = False
        out.append(row)
    return {"as_of": as_of.isoformat(), "cases": out}
