"""A policy as data: its city layer and county exceptions (each with its legal reference, dates,
conditions, formula and template), its test cases; the caps over several policies; the library.

A county exception is a full :class:`Layer` whose missing keys were taken from the city layer at
load time; :func:`layer_for` picks the layer in force for a county on a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from xiangcun.policies.engine.conditions import Condition, leaves
from xiangcun.policies.engine.formulas import Formula
from xiangcun.policies.facts import Facts


@dataclass(frozen=True)
class Layer:
    county: str | None  # None: the city layer
    issuer: str
    document: str
    clause: str
    start: date
    end: date | None
    conditions: Condition | None
    formula: Formula
    template: str
    privilege: str
    excluded: bool = False

    def active(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Case:
    name: str
    on: date
    facts: Facts
    expect: Mapping[str, Any]


@dataclass(frozen=True)
class Policy:
    id: str
    title: str
    kind: str
    file: str
    example: bool
    description: str
    group: str | None
    scope: frozenset[str] | None  # None: every county of the city
    city: Layer
    counties: Mapping[str, Layer]
    tests: tuple[Case, ...]

    @property
    def start(self) -> date:
        return self.city.start

    @property
    def end(self) -> date | None:
        return self.city.end

    def boundaries(self) -> list[date]:
        """Every date on which something about this policy changes (for the test-coverage rule)."""
        days: set[date] = set()
        for layer in (self.city, *self.counties.values()):
            days.add(layer.start)
            if layer.end is not None:
                days.add(layer.end + timedelta(days=1))
            for dated in layer.formula.params.values():
                days.update(dated.boundaries)
            for leaf in leaves(layer.conditions):
                days.update(leaf.value.boundaries)
        days.discard(date.min)
        return sorted(days)


@dataclass(frozen=True)
class Cap:
    id: str
    title: str
    file: str
    kinds: frozenset[str]
    policies: frozenset[str]
    limit: Formula
    start: date
    end: date | None


@dataclass(frozen=True)
class Library:
    policies: tuple[Policy, ...]
    caps: tuple[Cap, ...]
    counties: Mapping[str, str]
    hash: str
    files: Mapping[str, str]

    @property
    def short_hash(self) -> str:
        return self.hash[:12]

    def policy(self, policy_id: str) -> Policy:
        for p in self.policies:
            if p.id == policy_id:
                return p
        raise KeyError(policy_id)


def layer_for(policy: Policy, county: str | None, on: date) -> Layer:
    if county is not None and county in policy.counties and policy.counties[county].active(on):
        return policy.counties[county]
    return policy.city


def _resolve(layer: Layer, on: date) -> None:
    for dated in layer.formula.params.values():
        dated.at(on)
    for leaf in leaves(layer.conditions):
        leaf.value.at(on)


def cap_applies(cap: Cap, policy: Policy) -> bool:
    return policy.id in cap.policies or policy.kind in cap.kinds
