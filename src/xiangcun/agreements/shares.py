"""Contributions → shares of a joint project (资源折价入股, DESIGN.md §3.1). Pure Python, no Django.

Each party's contribution is the sum of its resources' values (see
:mod:`xiangcun.resources.valuation`), its cash capital and its valued technology; its share is
``contribution / total × 100`` in percent with two decimals, apportioned by the largest-remainder
rule on units of 0.01 percent so that the shares sum to exactly ``100.00``.

The arithmetic is :func:`xiangcun.core.money.split_units`, the exact integer form of the
largest-remainder rule that settlement uses too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.money import fen, integer_weights, split_units
from xiangcun.resources.valuation import Resource, resource_value

ZERO = Decimal(0)
HUNDRED_PERCENT_UNITS = 10_000  # 100.00 % in units of 0.01 %


class Role(StrEnum):
    """A party's role in an agreement. Exactly one party is the village collective."""

    COLLECTIVE = "collective"
    PARTNER = "partner"
    OTHER = "other"


class ShareError(ApplicationError):
    """Contributions that cannot be turned into shares."""


def collective_index(roles: Sequence[Role]) -> int:
    """Index of the one collective party among ``roles`` (raises unless there is exactly one)."""
    found = [i for i, role in enumerate(roles) if role == Role.COLLECTIVE]
    if not found:
        raise ShareError("缺少村集体一方：须有一方的角色为“村集体”", field="parties")
    if len(found) > 1:
        raise ShareError("只能有一个村集体一方", field=f"parties[{found[1]}].role")
    return found[0]


def share_percentages(contributions: Sequence[Decimal]) -> list[Decimal]:
    """Percent shares with two decimals, proportional to ``contributions``, summing to exactly 100.00."""
    if not contributions:
        raise ShareError("没有出资方", field="parties")
    if any(c < 0 for c in contributions):
        raise ShareError("出资额不能为负数", field="parties")
    if not any(contributions):
        raise ShareError("出资总额为零，无法折算股份", field="parties")
    parts = split_units(HUNDRED_PERCENT_UNITS, integer_weights(contributions))
    return [Decimal(p).scaleb(-2) if p else Decimal("0.00") for p in parts]


@dataclass(frozen=True, slots=True)
class PartyContribution:
    """What one party brings: resources (valued), cash capital and valued technology, in any mix."""

    party_id: str
    role: Role
    resources: tuple[Resource, ...] = ()
    cash: Decimal = ZERO
    technology: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class ResourceValue:
    """The value of the ``index``-th resource of a party."""

    party_id: str
    index: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class PartyShare:
    party_id: str
    contribution: Decimal
    share: Decimal


@dataclass(frozen=True, slots=True)
class Valuation:
    """Resource values (input order), party contributions and shares (input order), and the total."""

    resources: tuple[ResourceValue, ...]
    parties: tuple[PartyShare, ...]
    total: Decimal


def party_contribution(party: PartyContribution) -> tuple[list[Decimal], Decimal]:
    """The party's resource values and its contribution (their sum + cash + technology, to the fen)."""
    if party.cash < 0:
        raise ShareError("现金出资不能为负数", field="cash")
    if party.technology < 0:
        raise ShareError("技术作价不能为负数", field="technology")
    values = [resource_value(r) for r in party.resources]
    total = sum(values, ZERO) + party.cash + party.technology
    return values, fen(total)


def valuate_parties(parties: Sequence[PartyContribution]) -> Valuation:
    """Value every resource, sum each party's contribution and turn contributions into shares.

    Exactly one party must be the collective, and party ids must be unique.
    Cash and technology are taken as given (to the fen); each resource value is rounded on its
    own before summing, so a party's contribution is exactly the sum of the values shown.
    """
    collective_index([p.role for p in parties])
    seen: set[str] = set()
    for i, party in enumerate(parties):
        if party.party_id in seen:
            raise ShareError(Msg("参与方编号重复", party_id=party.party_id), field=f"parties[{i}].id")
        seen.add(party.party_id)
    resource_values: list[ResourceValue] = []
    contributions: list[Decimal] = []
    for party in parties:
        values, contribution = party_contribution(party)
        resource_values.extend(ResourceValue(party.party_id, i, v) for i, v in enumerate(values))
        contributions.append(contribution)
    shares = share_percentages(contributions)
    return Valuation(
        resources=tuple(resource_values),
        parties=tuple(
            PartyShare(p.party_id, c, s) for p, c, s in zip(parties, contributions, shares, strict=True)
        ),
        total=fen(sum(contributions, ZERO)),
    )
