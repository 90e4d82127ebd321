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

MAX_AREA = Decimal("1e9")


class FieldProblem(ValueError):
    def __init__(self, message: str, message_en: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, *, label: str, max_length: int, required: bool = False) -> str:
    if blank(value):
        if required:
            raise FieldProblem(f"{label}不能为空", f"{label} is required")
        return ""
    result = str(value).strip()
    if len(result) > max_length:
        raise FieldProblem(f"{label}过长（最多 {max_length} 个字）", f"{label} is too long")
    return result


def kind(value: Any) -> str:
    """A resource kind by code (``arable_land``) or Chinese label (耕地)."""
    if blank(value):
        raise FieldProblem("资源类型不能为空", "kind is required")
    raw = str(value).strip()
    for term in vocab.RESOURCE_KINDS:
        if raw in (term.code, term.zh, term.en):
            return term.code
    allowed = "、".join(t.zh for t in vocab.RESOURCE_KINDS)
    raise FieldProblem(f"未知的资源类型：{raw}（可选：{allowed}）", f"unknown resource kind {raw!r}")


def choice(value: Any, options: Mapping[str, Any], *, label: str, default: str | None = None) -> str:
    """A code of ``options`` ({code: label}), given as the code or its Chinese label."""
    if blank(value):
        if default is not None:
            return default
        raise FieldProblem(f"{label}不能为空", f"{label} is required")
    raw = str(value).strip()
    for code, name in options.items():
        if raw in (code, str(name)):
            return code
    allowed = "、".join(str(n) for n in options.values())
    raise FieldProblem(f"{label}不正确：{raw}（可选：{allowed}）", f"invalid {label} {raw!r}")


def unit(value: Any) -> str:
    """``mu`` or ``m2``; accepts 亩, 平方米, m², m2, ㎡."""
    if blank(value):
        return "mu"
    raw = str(value).strip().lower()
    if raw in ("mu", "亩"):
        return "mu"
    if raw in ("m2", "m²", "㎡", "平方米", "平米"):
        return "m2"
    raise FieldProblem(f"面积单位不正确：{value}（应为 亩 或 平方米）", f"invalid unit {value!r}")


def decimal(value: Any, *, label: str, required: bool = True, places: int = 2) -> Decimal | None:
    if blank(value):
        if required:
            raise FieldProblem(f"{label}不能为空", f"{label} is required")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldProblem(f"{label}应为数字", f"{label} must be a number")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise FieldProblem(f"{label}应为数字：{value}", f"{label} must be a number") from None
    if not number.is_finite():
        raise FieldProblem(f"{label}应为数字", f"{label} must be a number")
    if number < 0:
        raise FieldProblem(f"{label}不能为负数：{number}", f"{label} must not be negative")
    if number >= MAX_AREA:
        raise FieldProblem(f"{label}过大：{number}", f"{label} is too large")
    return number.quantize(Decimal(1).scaleb(-places))


def coordinate(value: Any, *, label: str, low: float, high: float) -> float:
    if blank(value):
        raise FieldProblem(f"{label}不能为空", f"{label} is required")
    try:
        number = float(str(value).strip())
    except ValueError:
        raise FieldProblem(f"{label}应为数字：{value}", f"{label} must be a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise FieldProblem(f"{label}超出范围（{low}～{high}）：{value}", f"{label} out of range")
    return round(number, 7)


def village_code(value: Any) -> str:
    if blank(value):
        raise FieldProblem("村级区划代码不能为空", "village code is required")
    raw = str(value).strip()
    if raw.endswith(".0"):  # a code typed into a number cell
        raw = raw[:-2]
    if len(raw) != 12 or not raw.isdigit():
        raise FieldProblem(f"村级区划代码应为 12 位数字：{raw}", "a village code has 12 digits")
    return raw


def area_in_mu(area: Decimal, unit_code: str) -> Decimal:
    """An area in 亩 (1 亩 = 10000/15 m²), to four places."""
    mu = area if unit_code == "mu" else area * Decimal(15) / Decimal(10000)
    return mu.quantize(Decimal("0.0001"))
