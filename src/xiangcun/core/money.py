"""Money and apportionment: Decimal yuan to the fen, and the largest-remainder rule.

Pure Python, no Django. DESIGN.md §3: split an amount by weights, floor each part to the
unit, then give the leftover units one at a time to the parts with the largest remainders
(ties: larger weight first, then input order). The parts always sum exactly to the amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    """A value that cannot be read as money."""


def to_decimal(value: object) -> Decimal:
    """Read a JSON/str/int value as a Decimal; floats go through ``str`` so 0.1 stays 0.1."""
    if isinstance(value, bool):
        raise MoneyError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip().replace(",", ""))
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


def largest_remainder(total: Decimal, weights: Sequence[Decimal], unit: Decimal = FEN) -> list[Decimal]:
    """Split ``total`` into parts proportional to ``weights``, each a multiple of ``unit``.

    ``total`` must itself be a multiple of ``unit`` (negative totals are split as the negation
    of the positive split, so a loss is shared exactly like a profit). Weights must be ≥ 0 and
    not all zero. The parts sum to ``total`` exactly.
    """
    total = to_decimal(total)
    if total % unit != 0:
        raise MoneyError(f"{total} is not a multiple of {unit}")
    if any(w < 0 for w in weights):
        raise MoneyError("weights must not be negative")
    weight_sum = sum(weights, Decimal(0))
    if not weights or weight_sum == 0:
        raise MoneyError("weights must not all be zero")
    if total < 0:
        return [-part for part in largest_remainder(-total, weights, unit)]

    units_total = int(total / unit)
    floors: list[int] = []
    remainders: list[Decimal] = []
    for w in weights:
        exact = Decimal(units_total) * w / weight_sum
        floor = int(exact.to_integral_value(rounding=ROUND_FLOOR))
        floors.append(floor)
        remainders.append(exact - floor)
    leftover = units_total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], -weights[i], i))
    for i in order[:leftover]:
        floors[i] += 1
    return [(Decimal(n) * unit).quantize(unit) for n in floors]


def apportion(total: int, weights: Sequence[float | int | Decimal]) -> list[int]:
    """Split a whole count (villages, seats) by weights with the same largest-remainder rule."""
    parts = largest_remainder(Decimal(total), [to_decimal(w) for w in weights], unit=Decimal(1))
    return [int(p) for p in parts]


def format_yuan(amount: Decimal) -> str:
    """``1234567.8`` → ``1,234,567.80`` (for Chinese UI: add 元 in the template)."""
    return f"{fen(amount):,.2f}"
