"""The numbers of a policy file, read strictly, and values that change by date.

Every fault raises :class:`PolicyError` naming the file, the policy id and the key path
(``amount.rate[1].from``): :class:`_Ctx` carries the file and policy, :func:`_join` builds the path.
A value written as a list of ``{from, to, value}`` entries becomes a :class:`Dated`; a plain value
a constant one. Amounts are yuan to the fen, rates fractions up to ``MAX_RATE_PLACES`` places, counts
whole numbers; none may be negative.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from xiangcun.core.errors import ApplicationError, Message, Msg, as_message
from xiangcun.core.money import MoneyError, to_decimal

T = TypeVar("T")

MAX_RATE_PLACES = 6


# ---------------------------------------------------------------------------------------------
# Errors


class PolicyError(ApplicationError):
    """A fault in a policy file: names the file, the policy id and the key path."""

    def __init__(self, file: str, policy: str | None, key: str, message: Message) -> None:
        self.file = file
        self.policy = policy
        self.key = key
        if policy and key:
            where = Msg("{file} · 政策 {policy} · {key}", file=file, policy=policy, key=key)
        elif policy:
            where = Msg("{file} · 政策 {policy}", file=file, policy=policy)
        elif key:
            where = Msg("{file} · {key}", file=file, key=key)
        else:
            where = Msg("{file}", file=file)
        self.detail = as_message(message)
        super().__init__(Msg("{where}：{detail}", where=where, detail=self.detail), field=key or None)

    def as_json(self) -> dict[str, str | None]:
        return {
            "error": self.message_zh,
            "error_en": self.message_en,
            "file": self.file,
            "policy": self.policy,
            "key": self.key,
        }


@dataclass
class _Ctx:
    file: str
    policy: str | None = None

    def fail(self, key: str, message: Message) -> PolicyError:
        return PolicyError(self.file, self.policy, key, message)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# ---------------------------------------------------------------------------------------------
# Dated values


class NoValue(Exception):
    """A dated value that has no entry for the requested date."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A value over time: entries ``(from, to or None (open), value)``, sorted, never overlapping."""

    key: str
    entries: tuple[tuple[date, date | None, T], ...]

    def at(self, on: date) -> T:
        for start, end, value in reversed(self.entries):
            if start <= on:
                if end is None or on <= end:
                    return value
                raise NoValue(self.key)
        raise NoValue(self.key)

    @property
    def boundaries(self) -> list[date]:
        days: list[date] = []
        for start, end, _ in self.entries:
            if start != date.min:
                days.append(start)
            if end is not None:
                days.append(end + timedelta(days=1))
        return days

    @property
    def values(self) -> list[T]:
        return [v for _, _, v in self.entries]

    @classmethod
    def const(cls, key: str, value: T) -> Dated[T]:
        return cls(key, ((date.min, None, value),))


def _is_series(raw: object) -> bool:
    return (
        isinstance(raw, list) and bool(raw) and all(isinstance(item, dict) and "from" in item for item in raw)
    )


def _date(raw: object, ctx: _Ctx, key: str) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ctx.fail(key, Msg("日期格式不正确：{raw!r}（应为 YYYY-MM-DD）", raw=raw))


def _dated(raw: object, ctx: _Ctx, key: str, parse: Callable[[object, str], T]) -> Dated[T]:
    if not _is_series(raw):
        if isinstance(raw, list) and raw and any(isinstance(i, dict) and "from" in i for i in raw):
            raise ctx.fail(key, "按日期变化的值每一项都须有 from")
        return Dated.const(key, parse(raw, key))
    assert isinstance(raw, list)
    items: list[tuple[date, date | None, T]] = []
    for i, item in enumerate(raw):
        path = _join(key, i)
        _keys(item, ctx, path, required=("from", "value"), optional=("to",))
        start = _date(item["from"], ctx, _join(path, "from"))
        end = _date(item["to"], ctx, _join(path, "to")) if item.get("to") is not None else None
        if end is not None and end < start:
            raise ctx.fail(
                _join(path, "to"), Msg("截止日期 {end} 早于起始日期 {start}", end=end, start=start)
            )
        items.append((start, end, parse(item["value"], _join(path, "value"))))
    items.sort(key=lambda e: e[0])
    for (s1, e1, _), (s2, _e2, _) in itertools.pairwise(items):
        if s1 == s2 or (e1 is not None and e1 >= s2):
            raise ctx.fail(key, Msg("按日期变化的值时间重叠：{s1} 与 {s2}", s1=s1, s2=s2))
    return Dated(key, tuple(items))


# ---------------------------------------------------------------------------------------------
# Scalars


def _keys(
    raw: object, ctx: _Ctx, path: str, required: Iterable[str] = (), optional: Iterable[str] = ()
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ctx.fail(path, "应为键值对（映射）")
    required = tuple(required)
    allowed = set(required) | set(optional)
    for key in raw:
        if key not in allowed:
            raise ctx.fail(
                _join(path, str(key)),
                Msg(
                    "未知的键 {key}（允许：{v}）",
                    key=key,
                    v="、".join(sorted(allowed)),
                    v2=", ".join(sorted(allowed)),
                ),
            )
    for key in required:
        if key not in raw:
            raise ctx.fail(_join(path, key), Msg("缺少必填的键 {key}", key=key))
    return raw


def _text(raw: object, ctx: _Ctx, path: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ctx.fail(path, "应为非空文字")
    return raw.strip()


def _number(raw: object, ctx: _Ctx, path: str, *, places: int = 2, maximum: Decimal | None = None) -> Decimal:
    if isinstance(raw, bool):
        raise ctx.fail(path, "应为数字")
    try:
        value = to_decimal(raw)
    except MoneyError:
        raise ctx.fail(path, Msg("应为数字：{raw!r}", raw=raw)) from None
    if value < 0:
        raise ctx.fail(path, "不能为负数")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ctx.fail(path, Msg("最多 {places} 位小数", places=places))
    if maximum is not None and value > maximum:
        raise ctx.fail(path, Msg("不能大于 {maximum}", maximum=maximum))
    return value


def _money(ctx: _Ctx) -> Callable[[object, str], Decimal]:
    return lambda raw, path: _number(raw, ctx, path, places=2, maximum=Decimal(10) ** 12)


def _rate(ctx: _Ctx) -> Callable[[object, str], Decimal]:
    return lambda raw, path: _number(raw, ctx, path, places=MAX_RATE_PLACES, maximum=Decimal(1))


def _unit_rate(ctx: _Ctx) -> Callable[[object, str], Decimal]:
    """A tier rate: a fraction for money bases, yuan per unit for counts."""
    return lambda raw, path: _number(raw, ctx, path, places=MAX_RATE_PLACES, maximum=Decimal(10) ** 9)


def _count(ctx: _Ctx) -> Callable[[object, str], Decimal]:
    return lambda raw, path: _number(raw, ctx, path, places=0, maximum=Decimal(10) ** 7)


def _effective(raw: object, ctx: _Ctx, path: str) -> tuple[date, date | None]:
    _keys(raw, ctx, path, required=("from",), optional=("to",))
    assert isinstance(raw, dict)
    start = _date(raw["from"], ctx, _join(path, "from"))
    end = _date(raw["to"], ctx, _join(path, "to")) if raw.get("to") is not None else None
    if end is not None and end < start:
        raise ctx.fail(_join(path, "to"), Msg("失效日期 {end} 早于生效日期 {start}", end=end, start=start))
    return start, end
