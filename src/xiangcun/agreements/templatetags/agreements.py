"""``{% load agreements %}``: ``{{ contribution|basis }}`` — what a resource contribution's value
was computed from, in words and units (``20 亩 × 800 元/亩·年 × 10 年，折现率 3%``), or ``""``."""

from __future__ import annotations

from typing import Any

from django import template

from xiangcun.resources.valuation import basis as valuation_basis

register = template.Library()


@register.filter
def basis(contribution: Any) -> str:
    found = valuation_basis(contribution.kind, contribution.params or {})
    return "" if found is None else str(found)
