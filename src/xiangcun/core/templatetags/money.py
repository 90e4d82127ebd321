"""Money in templates, through the one formatter of ``core.money`` (``{% load money %}``):

* ``{{ amount|yuan }}`` — ``1,234,567.80`` (add 元);
* ``{{ amount|wan }}`` — yuan as 万元 with at most two decimals, ``50`` for 499,999.99 (add 万元);
* ``{{ amount|money }}`` — the amount as a sentence writes it, ``6,000 元`` or ``1,200 万元``.

A value that is not a number (blank, ``None``) is shown as ``—``.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from xiangcun.core.money import MoneyError, format_wan, format_yuan, money_zh, to_decimal

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return to_decimal(value)
    except MoneyError:
        return None


@register.filter
def yuan(value: object) -> str:
    amount = _decimal(value)
    return "—" if amount is None else format_yuan(amount)


@register.filter
def wan(value: object) -> str:
    amount = _decimal(value)
    return "—" if amount is None else format_wan(amount)


@register.filter
def money(value: object) -> str:
    amount = _decimal(value)
    return "—" if amount is None else money_zh(amount)
