"""Collective-income bands used across Liaocheng's village classification (pure)."""

from __future__ import annotations

from decimal import Decimal

RICH_FROM = Decimal("200000")
MIDDLE_FROM = Decimal("50000")


def income_band(amount: Decimal | None) -> str:
    """富裕 ≥ 200,000 元; 一般 50,000–200,000 元; 薄弱 < 50,000 元; 未填报 when unknown."""
    if amount is None:
        return "未填报"
    if amount >= RICH_FROM:
        return "富裕"
    if amount >= MIDDLE_FROM:
        return "一般"
    return "薄弱"
