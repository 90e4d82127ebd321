"""Reading one resource field from what people type (forms, API, Excel cells). Pure Python, no Django.

Each parser returns the clean value or raises ``FieldProblem`` with a Chinese message; the services
turn it into an ``ApplicationError`` naming the field, the importer into a row error with its place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from xiangcun.core import vocab
from xiangcun.core.errors import CHINESE, Message, Msg, active_language, as_message, render
from xiangcun.core.money import GROUPING, GroupingError, number_text

MAX_AREA = Decimal("1e9")


class FieldProblem(ValueError):
    def __init__(self, message: Message) -> None:
        self.msg = as_message(message)
        super().__init__(render(message, CHINESE))

    @property
    def message(self) -> str:
        return render(self.msg, active_language())


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, *, label: str, max_length: int, required: bool = False) -> str:
    if blank(value):
        if required:
            raise FieldProblem(Msg("{label}不能为空", label=label))
        return ""
    result = str(value).strip()
    if len(result) > max_length:
        raise FieldProblem(Msg("{label}过长（最多 {max_length} 个字）", label=label, max_length=max_length))
    return result


def kind(value: Any) -> str:
    """A resource kind by code (``arable_land``) or Chinese label (耕地)."""
    if blank(value):
        raise FieldProblem("资源类型不能为空")
    raw = str(value).strip()
    for term in vocab.RESOURCE_KINDS:
        if raw in (term.code, term.zh, term.en):
            return term.code
    allowed = "、".join(t.zh for t in vocab.RESOURCE_KINDS)
    raise FieldProblem(Msg("未知的资源类型：{raw}（可选：{allowed}）", raw=raw, allowed=allowed))


def choice(value: Any, options: Mapping[str, Any], *, label: str, default: str | None = None) -> str:
    """A code of ``options`` ({code: label}), given as the code or its Chinese label."""
    if blank(value):
        if default is not None:
            return default
        raise FieldProblem(Msg("{label}不能为空", label=label))
    raw = str(value).strip()
    for code, name in options.items():
        if raw in (code, str(name)):
            return code
    allowed = "、".join(str(n) for n in options.values())
    raise FieldProblem(Msg("{label}不正确：{raw}（可选：{allowed}）", label=label, raw=raw, allowed=allowed))


def unit(value: Any) -> str:
    """``mu`` or ``m2``; accepts 亩, 平方米, m², m2, ㎡."""
    if blank(value):
        return "mu"
    raw = str(value).strip().lower()
    if raw in ("mu", "亩"):
        return "mu"
    if raw in ("m2", "m²", "㎡", "平方米", "平米"):
        return "m2"
    raise FieldProblem(Msg("面积单位不正确：{value}（应为 亩 或 平方米）", value=value))


def decimal(value: Any, *, label: str, required: bool = True, places: int = 2) -> Decimal | None:
    if blank(value):
        if required:
            raise FieldProblem(Msg("{label}不能为空", label=label))
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldProblem(Msg("{label}应为数字", label=label))
    try:
        number = Decimal(number_text(str(value)))
    except GroupingError:
        raise FieldProblem(Msg("{label}：{reason}", label=label, reason=GROUPING)) from None
    except InvalidOperation:
        raise FieldProblem(Msg("{label}应为数字：{value}", label=label, value=value)) from None
    if not number.is_finite():
        raise FieldProblem(Msg("{label}应为数字", label=label))
    if number < 0:
        raise FieldProblem(Msg("{label}不能为负数：{number}", label=label, number=number))
    if number >= MAX_AREA:
        raise FieldProblem(Msg("{label}过大：{number}", label=label, number=number))
    return number.quantize(Decimal(1).scaleb(-places))


def coordinate(value: Any, *, label: str, low: float, high: float) -> float:
    if blank(value):
        raise FieldProblem(Msg("{label}不能为空", label=label))
    try:
        number = float(number_text(str(value)))
    except GroupingError:
        raise FieldProblem(Msg("{label}：{reason}", label=label, reason=GROUPING)) from None
    except ValueError:
        raise FieldProblem(Msg("{label}应为数字：{value}", label=label, value=value)) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise FieldProblem(
            Msg("{label}超出范围（{low}～{high}）：{value}", label=label, low=low, high=high, value=value)
        )
    return round(number, 7)


def mapping(value: Any) -> dict[str, Any]:
    """Key–value parameters (valuation); blank is none."""
    if blank(value) or value == {}:
        return {}
    if not isinstance(value, dict):
        raise FieldProblem("估值参数应为键值对")
    return dict(value)


def village_code(value: Any) -> str:
    if blank(value):
        raise FieldProblem("村级区划代码不能为空")
    raw = str(value).strip()
    if raw.endswith(".0"):  # a code typed into a number cell
        raw = raw[:-2]
    if len(raw) != 12 or not raw.isdigit():
        raise FieldProblem(Msg("村级区划代码应为 12 位数字：{raw}", raw=raw))
    return raw


def area_in_mu(area: Decimal, unit_code: str) -> Decimal:
    """An area in 亩 (1 亩 = 10000/15 m²), to four places."""
    mu = area if unit_code == "mu" else area * Decimal(15) / Decimal(10000)
    return mu.quantize(Decimal("0.0001"))
