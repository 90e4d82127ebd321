"""Money and apportionment: Decimal yuan to the fen, and the largest-remainder rule.

Pure Python, no Django. DESIGN.md §3: split an amount by weights, floor each part to the
unit, then give the leftover units one at a time to the parts with the largest remainders
(ties: larger weight first, then input order). The parts always sum exactly to the amount.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from xiangcun.core.errors import N_

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# The one rule for numbers as people type them: a comma separates groups of three digits in the
# whole part ("1,250", "1,250,000.5"), nowhere else. "12,5", "1,25", ",125", "1,2345" and "1_000"
# are refused (Python's Decimal and pydantic would read "1_000" as 1000, and "12,5" once became 125).
_GROUPED = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")
GROUPING = N_("数字分组须每三位一个逗号，如 1,250")
# Full-width and other compatibility forms NFKC leaves alone: the minus sign and the ideographic
# full stop people type for a decimal point.
_SIGNS = str.maketrans({"\u2212": "-", "\u3002": "."})


class MoneyError(ValueError):
    """A value that cannot be read as money."""


class GroupingError(MoneyError):
    """Digit groups separated in the wrong places: ``message`` is the Chinese msgid ``GROUPING``."""

    message = GROUPING

    def __init__(self, text: str) -> None:
        super().__init__(f"misplaced digit group separator: {text!r}")


def number_text(text: str) -> str:
    """``text`` as a plain decimal literal: NFKC (full-width ``１，２５０．５`` → ``1,250.5``), stripped,
    group separators removed where they separate groups of three; ``GroupingError`` for a comma or
    an underscore anywhere else. What is left is for ``Decimal`` (or pydantic) to accept or refuse."""
    cleaned = unicodedata.normalize("NFKC", text).translate(_SIGNS).strip()
    if "_" in cleaned:
        raise GroupingError(text)
    if "," in cleaned:
        if not _GROUPED.match(cleaned):
            raise GroupingError(text)
        cleaned = cleaned.replace(",", "")
    return cleaned


def to_decimal(value: object) -> Decimal:
    """Read a JSON/str/int value as a Decimal; floats go through ``str`` so 0.1 stays 0.1."""
    if isinstance(value, bool):
        raise MoneyError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = number_text(value)  # "1,200,000.50" as officials type it; "1,2" is not a number
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"not a number: {value!r}") from exc
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        raise MoneyError(f"not a number: {value!r}")
    if not result.is_finite():
        raise MoneyError(f"not a finite number: {value!r}")
    return result


def fen(value: object) -> Decimal:
    """Round half-up to the fen (0.01 yuan)."""
    return to_decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def split_units(total: int, weights: Sequence[int]) -> list[int]:
    """The largest-remainder rule in exact integer arithmetic: split whole ``total`` by ``weights``.

    Each part is ``floor(total × w / Σw)``; the leftover units go one at a time to the parts with
    the largest remainders, ties to the larger weight, then to the earlier part. A negative total
    is split as the negation of the positive split, so a loss is shared exactly like a profit.
    Weights must be ≥ 0 and not all zero. The parts always sum to ``total``.
    """
    if min(weights, default=0) < 0:
        raise MoneyError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise MoneyError("weights must not all be zero")
    if total < 0:
        return [-part for part in split_units(-total, weights)]
    parts: list[int] = []
    remainders: list[int] = []
    for w in weights:
        part, remainder = divmod(total * w, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    leftover = total - sum(parts)
    if leftover:
        # One integer key per part, remainder first and weight second; Python's sort is stable
        # under reverse=True, so equal keys keep the input order.
        step = max(weights) + 1
        keys = [r * step + w for r, w in zip(remainders, weights, strict=True)]
        for i in sorted(range(len(keys)), key=keys.__getitem__, reverse=True)[:leftover]:
            parts[i] += 1
    return parts


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise MoneyError(f"not a finite number: {value}")
    return exponent


def integer_weights(values: Sequence[Decimal]) -> list[int]:
    """Scale decimal weights by one power of ten so they are exact integers in the same ratio."""
    # Fast paths for the usual cases: whole numbers (member shares), two-decimal percentages.
    whole = [int(v) for v in values]
    if all(w == v for w, v in zip(whole, values, strict=True)):
        return whole
    hundredths = [int(v * 100) for v in values]
    if all(w == v * 100 for w, v in zip(hundredths, values, strict=True)):
        return hundredths
    places = max((max(0, -_exponent(v)) for v in values if v), default=0)
    scale = Decimal(10) ** places
    return [int(v * scale) for v in values]


def to_fen(amount: Decimal) -> int:
    """A Decimal that is a whole number of fen, as an int of fen (raises if it is not)."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} is not a whole number of fen")
    return int(scaled)


def from_fen(amount: int) -> Decimal:
    """An int of fen as Decimal yuan with two places."""
    return Decimal(amount) * FEN


def largest_remainder(total: Decimal, weights: Sequence[Decimal], unit: Decimal = FEN) -> list[Decimal]:
    """Split ``total`` into parts proportional to ``weights``, each a multiple of ``unit``.

    ``total`` must itself be a multiple of ``unit``; weights must be ≥ 0 and not all zero. The
    comparison of remainders is exact (integers, see :func:`split_units`). Parts sum to ``total``.
    """
    total = to_decimal(total)
    units = total / unit
    if units != units.to_integral_value():
        raise MoneyError(f"{total} is not a multiple of {unit}")
    if not weights:
        raise MoneyError("weights must not all be zero")
    parts = split_units(int(units), integer_weights([to_decimal(w) for w in weights]))
    return [(Decimal(n) * unit).quantize(unit) for n in parts]


def apportion(total: int, weights: Sequence[float | int | Decimal]) -> list[int]:
    """Split a whole count (villages, seats) by weights with the same largest-remainder rule."""
    parts = largest_remainder(Decimal(total), [to_decimal(w) for w in weights], unit=Decimal(1))
    return [int(p) for p in parts]


# ------------------------------------------------------------------------------------------------
# Amounts as people read them: the one formatter of money in pages, sentences and documents
# (``core/templatetags/money.py`` gives templates the same functions as filters).

WAN = Decimal(10_000)


def _trimmed(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_yuan(amount: Decimal) -> str:
    """``1234567.8`` → ``1,234,567.80`` (for Chinese UI: add 元 in the template)."""
    return f"{fen(amount):,.2f}"


def format_wan(amount: object, *, up: bool = False) -> str:
    """Yuan as 万元, rounded half-up (``up``: upwards) to at most two decimals: ``499999.99`` →
    ``50``, ``1234567`` → ``123.46``, ``12000000`` → ``1,200`` (add 万元 in the template)."""
    value = (fen(amount) / WAN).quantize(FEN, rounding=ROUND_CEILING if up else ROUND_HALF_UP)
    return _trimmed(f"{value + 0:,f}")


def money_zh(amount: object, *, up: bool = False) -> str:
    """An amount as a Chinese sentence writes it: from 10,000 yuan in 万元 with at most two decimals
    (``1,200 万元``, ``50 万元`` for 499,999.99), below in yuan to the fen (``6,000 元``, ``0.5 元``).
    ``up`` rounds a shortfall upwards, so that the amount shown is always enough."""
    value = fen(amount)
    if abs(value) >= WAN:
        return f"{format_wan(value, up=up)} 万元"
    return f"{_trimmed(f'{value + 0:,f}')} 元"


def money_text(amount: Decimal) -> str:
    """Two decimals, never ``-0.00`` and never scientific notation (how documents show amounts)."""
    value = amount.quantize(FEN)
    if value == 0:
        return "0.00"
    return f"{value:f}"


WAN = Decimal(10_000)
