"""Money in templates: ``{% load money %}`` then ``{{ amount|wan }}`` — yuan shown as 万元 (the number only,
at most two decimals; the column header or the sentence says 万元). One filter for every page that uses 万元."""

from __future__ import annotations

from decimal import Decimal

from django import template

from xiangcun.core.money import MoneyError, wan_text

register = template.Library()


@register.filter
def wan(amount: Decimal | int | str | None) -> str:
    """``{{ 1234567.8|wan }}`` → ``123.46``; empty for None (use ``|default:"—"``)."""
    if amount is None or amount == "":
        return ""
    try:
        return wan_text(Decimal(amount) if not isinstance(amount, Decimal) else amount)
    except (MoneyError, ArithmeticError, ValueError):
        return str(amount)
