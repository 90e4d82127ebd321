"""Annual settlement of a partner agreement (保底收益 + 按股分红 + 劳务收入, DESIGN.md §3.2).

Pure Python, no Django. All arithmetic is exact: amounts are carried as integers of fen and split
with :func:`xiangcun.core.money.split_units` (largest remainder; ties to the larger weight,
then to the earlier party or household), so every fen is accounted for.

First level — the parties. Input: the distributable profit P (may be zero or a loss), the
parties with their shares (percent, summing to 100), the collective's guarantee G ≥ 0 and the
mode. Each party receives ``guarantee + dividend + adjustment = total``, and the totals always sum
to exactly P.

``additive`` (保底 + 分红):
  1. The collective receives G in the ``guarantee`` column, whatever P is.
  2. pool = P − G. If pool > 0 it is split among **all** parties (the collective included) by
     share, in the ``dividend`` column.
  3. If pool ≤ 0 nobody receives a dividend; the shortfall −pool is split among the
     **non-collective** parties by their shares and shown, negative, in their ``adjustment``
     column: they pay for the guarantee (and for the loss, if P < 0).
  4. If the non-collective parties hold no shares at all, there is nobody to pay: the collective
     bears the shortfall itself (its adjustment is the negative pool, its total is P).

``higher_of`` (保底与分红取高):
  1. P — a loss too — is split among all parties by share, in the ``dividend`` column.
  2. If G exceeds the collective's dividend, the difference is added to the collective's
     ``adjustment`` and taken from the non-collective parties by their shares (their adjustments
     are negative and sum to minus the difference). The ``guarantee`` column is 0.00 in this
     mode: the guarantee shows as the top-up.
  3. If the non-collective parties hold no shares, no top-up is possible: the collective keeps
     its dividend (= P).
  So the collective receives max(G, its dividend): with G = 0 it never shares a loss.

Second level — the collective's members. collective income = the collective party's total.
  * income > 0: the reserve (公积公益金) is ``income × reserve_rate`` rounded half-up to the
    fen; the rest, ``distributed_to_members``, is split among member households by their member
    shares (largest remainder).
  * income ≤ 0: nothing is distributed; the whole (negative or zero) income is charged to the
    reserve, so ``reserve + distributed_to_members == collective income`` always holds and
    households never pay for a loss.
  * Without members, ``distributed_to_members`` is still income − reserve (what the members'
    meeting has to distribute) and there are no household statements.
Each household's statement adds its labour income (劳务收入: wages paid by the project, already a
cost before P, so not taken from P); several payments to one household are added up. A labour
payment to a household that is not a member is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from xiangcun.agreements.shares import Role, collective_index
from xiangcun.core.errors import ApplicationError, Message, Msg
from xiangcun.core.money import FEN, from_fen, integer_weights, money_text, split_units, to_fen

ZERO = Decimal(0)
ZERO_FEN = Decimal("0.00")
ONE = Decimal(1)
HUNDRED = Decimal(100)


class Mode(StrEnum):
    ADDITIVE = "additive"  # 保底 + 分红
    HIGHER_OF = "higher_of"  # 保底与分红取高


class SettlementError(ApplicationError):
    """Settlement input that breaks a rule of §3.2 (no collective, shares not 100, …)."""


@dataclass(frozen=True, slots=True)
class SettlementParty:
    party_id: str
    role: Role
    share: Decimal  # percent, e.g. Decimal("30.00")


@dataclass(frozen=True, slots=True)
class Member:
    """A member household of the collective with its member shares (成员股, any unit)."""

    member_id: str
    shares: Decimal


@dataclass(frozen=True, slots=True)
class LabourPayment:
    household: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SettlementInput:
    profit: Decimal
    mode: Mode
    guarantee: Decimal
    parties: tuple[SettlementParty, ...]
    reserve_rate: Decimal = ZERO
    members: tuple[Member, ...] = ()
    labour: tuple[LabourPayment, ...] = ()


class PartyPayout(NamedTuple):
    """One party's line: ``guarantee + dividend + adjustment == total``.

    Result rows are named tuples rather than frozen dataclasses: as immutable, and four times
    cheaper to build, which matters when a city's settlements produce millions of lines.
    """

    party_id: str
    guarantee: Decimal
    dividend: Decimal
    adjustment: Decimal
    total: Decimal


class HouseholdStatement(NamedTuple):
    """One member household's statement: ``dividend + labour == total``."""

    household_id: str
    dividend: Decimal
    labour: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class SettlementResult:
    parties: tuple[PartyPayout, ...]
    collective_income: Decimal
    total: Decimal
    reserve: Decimal
    distributed_to_members: Decimal
    households: tuple[HouseholdStatement, ...]


def _fail(message: Message, field: str) -> SettlementError:
    return SettlementError(message, field=field)


def _fen_amount(value: Decimal, field: str, label: str) -> int:
    try:
        return to_fen(value)
    except ValueError:
        raise _fail(Msg("{label}须精确到分（最多两位小数）", label=label, field2=field), field) from None


def validate_parties(parties: Sequence[SettlementParty]) -> int:
    """Check shares (≥ 0, summing to exactly 100) and the collective; return the collective's index."""
    if not parties:
        raise _fail("至少需要一方", "parties")
    seen: set[str] = set()
    for i, party in enumerate(parties):
        if party.party_id in seen:
            raise _fail(Msg("参与方编号重复", party_id=party.party_id), f"parties[{i}].id")
        seen.add(party.party_id)
        if party.share < 0:
            raise _fail("股份比例不能为负数", f"parties[{i}].share")
    total = sum((p.share for p in parties), ZERO)
    if total != HUNDRED:
        raise _fail(Msg("各方股份比例之和须为 100.00，实际为 {total}", total=total), "parties")
    return collective_index([p.role for p in parties])


def split_profit(
    profit: int, guarantee: int, mode: Mode, shares: Sequence[int], collective: int
) -> list[tuple[int, int, int]]:
    """First level in fen: ``(guarantee, dividend, adjustment)`` per party; totals sum to ``profit``.

    ``shares`` are integer weights in the parties' ratio (see :func:`integer_weights`);
    ``collective`` is the index of the collective party. Rules: see the module docstring.
    """
    n = len(shares)
    guarantees = [0] * n
    dividends = [0] * n
    adjustments = [0] * n
    others = [i for i in range(n) if i != collective]
    other_weights = [shares[i] for i in others]
    others_hold_shares = sum(other_weights) > 0

    if mode == Mode.ADDITIVE:
        guarantees[collective] = guarantee
        pool = profit - guarantee
        if pool > 0:
            dividends = split_units(pool, shares)
        elif pool < 0:
            if others_hold_shares:
                for i, part in zip(others, split_units(pool, other_weights), strict=True):
                    adjustments[i] = part
            else:
                adjustments[collective] = pool
    elif mode == Mode.HIGHER_OF:
        dividends = split_units(profit, shares)
        top_up = guarantee - dividends[collective]
        if top_up > 0 and others_hold_shares:
            adjustments[collective] = top_up
            for i, part in zip(others, split_units(-top_up, other_weights), strict=True):
                adjustments[i] = part
    else:  # pragma: no cover - Mode is closed
        raise _fail(Msg("未知的分配方式：{mode}", mode=mode), "mode")
    return list(zip(guarantees, dividends, adjustments, strict=True))


def reserve_amount(income: int, reserve_rate: Decimal) -> int:
    """The reserve in fen: ``income × reserve_rate`` half-up for income > 0, the whole income otherwise."""
    if income <= 0:
        return income
    numerator, denominator = reserve_rate.as_integer_ratio()
    return (2 * income * numerator + denominator) // (2 * denominator)  # exact half-up


def settle(inp: SettlementInput) -> SettlementResult:
    """Settle one agreement for one year (DESIGN.md §3.2; the rules are in the module docstring)."""
    collective = validate_parties(inp.parties)
    profit = _fen_amount(inp.profit, "profit", "可分配利润")
    guarantee = _fen_amount(inp.guarantee, "guarantee", "保底收益")
    if guarantee < 0:
        raise _fail("保底收益不能为负数", "guarantee")
    if not ZERO <= inp.reserve_rate <= ONE:
        raise _fail("公积公益金提取比例须在 0 与 1 之间", "reserve_rate")
    mode = Mode(inp.mode)

    rows = split_profit(profit, guarantee, mode, integer_weights([p.share for p in inp.parties]), collective)
    payouts = tuple(
        PartyPayout(p.party_id, from_fen(g), from_fen(d), from_fen(a), from_fen(g + d + a))
        for p, (g, d, a) in zip(inp.parties, rows, strict=True)
    )
    income = sum(rows[collective])
    reserve = reserve_amount(income, inp.reserve_rate)
    distributed = income - reserve
    households = _household_statements(inp.members, inp.labour, distributed)
    return SettlementResult(
        parties=payouts,
        collective_income=from_fen(income),
        total=from_fen(sum(sum(r) for r in rows)),
        reserve=from_fen(reserve),
        distributed_to_members=from_fen(distributed),
        households=households,
    )


def _household_statements(
    members: Sequence[Member], labour: Sequence[LabourPayment], distributed: int
) -> tuple[HouseholdStatement, ...]:
    """Member dividends (largest remainder on member shares) plus each household's labour income."""
    index = {member.member_id: i for i, member in enumerate(members)}
    if len(index) < len(members):
        seen: set[str] = set()
        for i, member in enumerate(members):
            if member.member_id in seen:
                raise _fail(Msg("成员户编号重复", member_id=member.member_id), f"members[{i}].id")
            seen.add(member.member_id)
    wages = [0] * len(members)
    for j, payment in enumerate(labour):
        i_member = index.get(payment.household)
        if i_member is None:
            raise _fail(
                Msg("劳务收入对应的农户不在成员名单中", household=payment.household), f"labour[{j}].household"
            )
        amount = _fen_amount(payment.amount, f"labour[{j}].amount", "劳务收入")
        if amount < 0:
            raise _fail("劳务收入不能为负数", f"labour[{j}].amount")
        wages[i_member] += amount
    if not members:
        return ()
    weights = integer_weights([m.shares for m in members])
    if min(weights) < 0:
        i = next(i for i, w in enumerate(weights) if w < 0)
        raise _fail("成员股数不能为负数", f"members[{i}].shares")
    if not any(weights):
        raise _fail("成员股数之和须大于 0", "members")
    dividends = split_units(distributed, weights) if distributed > 0 else [0] * len(members)
    # the hot loop of a city-wide run: from_fen inlined (Decimal(n) × 0.01 is exact)
    statements: list[HouseholdStatement] = []
    for member, dividend, wage in zip(members, dividends, wages, strict=True):
        dividend_yuan = Decimal(dividend) * FEN
        if wage:
            wage_yuan = Decimal(wage) * FEN
            statements.append(
                HouseholdStatement(member.member_id, dividend_yuan, wage_yuan, dividend_yuan + wage_yuan)
            )
        else:
            statements.append(HouseholdStatement(member.member_id, dividend_yuan, ZERO_FEN, dividend_yuan))
    return tuple(statements)


def result_document(result: SettlementResult) -> dict[str, Any]:
    """A result as the settlement document: every amount as text with two decimals, never ``-0.00``.

    The one renderer of a result: the stored ``Settlement.result`` (read back by the page, the API,
    the PDF and the xlsx) and the ``xiangcun settle`` contract's ``result`` are this document."""
    return {
        "parties": [
            {
                "id": p.party_id,
                "guarantee": money_text(p.guarantee),
                "dividend": money_text(p.dividend),
                "adjustment": money_text(p.adjustment),
                "total": money_text(p.total),
            }
            for p in result.parties
        ],
        "collective_income": money_text(result.collective_income),
        "total": money_text(result.total),
        "reserve": money_text(result.reserve),
        "distributed_to_members": money_text(result.distributed_to_members),
        "households": [
            {
                "id": h.household_id,
                "dividend": money_text(h.dividend),
                "labour": money_text(h.labour),
                "total": money_text(h.total),
            }
            for h in result.households
        ],
    }
