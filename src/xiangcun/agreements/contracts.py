"""The ``valuate`` and ``settle`` commands (``docs/contracts/{valuate,settle}.example.json``).

Each takes a parsed JSON document, reads it strictly with :mod:`xiangcun.core.commands` (every
fault a :class:`~xiangcun.core.commands.ContractError` at its JSON path), calls the one pure
implementation (:mod:`xiangcun.agreements.shares`, :mod:`xiangcun.agreements.settlement`) and
renders its result exactly as the examples do: money as strings with two decimals, lists in
input order.

Optional fields: ``name`` on parties and members; settlement ``reserve_rate`` (default 0),
``members`` and ``labour`` (default none). A valuation party brings ``resources`` (read by
:func:`xiangcun.resources.contracts.read_resource`), ``cash`` and/or ``technology`` (at least one);
its contribution is their sum.
"""

from __future__ import annotations

from decimal import Decimal

from xiangcun.agreements import settlement
from xiangcun.agreements.settlement import LabourPayment, Member, Mode, SettlementInput, SettlementParty
from xiangcun.agreements.shares import PartyContribution, Role, party_contribution, valuate_parties
from xiangcun.core.commands import (
    ROOT,
    ZERO,
    ContractError,
    JSONDict,
    check_unique,
    item,
    join,
    read_array,
    read_choice,
    read_money,
    read_number,
    read_object,
    read_optional,
    read_text,
    translate,
    unwrap,
)
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.money import money_text
from xiangcun.resources.contracts import read_resource
from xiangcun.resources.valuation import Resource


def _role(value: object, path: str) -> Role:
    return read_choice(
        value,
        path,
        Role,
        lambda text, allowed: Msg("未知的角色 {text}（可选：{allowed}）", text=text, allowed=allowed),
    )


def _mode(value: object, path: str) -> Mode:
    return read_choice(
        value,
        path,
        Mode,
        lambda text, allowed: Msg("未知的分配方式 {text}（可选：{allowed}）", text=text, allowed=allowed),
    )


# ---------------------------------------------------------------------------------------------
# valuate


def _valuation_party(value: object, path: str) -> PartyContribution:
    raw = read_object(value, path, ("id", "role"), ("name", "resources", "cash", "technology"))
    party_id = read_text(raw["id"], join(path, "id"))
    role = _role(raw["role"], join(path, "role"))
    if "name" in raw:
        read_text(raw["name"], join(path, "name"))
    if not {"resources", "cash", "technology"} & set(raw):
        raise ContractError("须提供 resources、cash 或 technology 中的至少一项", join(path, "resources"))
    resources: tuple[Resource, ...] = ()
    if "resources" in raw:
        items = read_array(raw["resources"], join(path, "resources"))
        resources = tuple(
            read_resource(entry, item(join(path, "resources"), k)) for k, entry in enumerate(items)
        )
    party = PartyContribution(
        party_id=party_id,
        role=role,
        resources=resources,
        cash=read_money(raw["cash"], join(path, "cash")) if "cash" in raw else ZERO,
        technology=read_money(raw["technology"], join(path, "technology")) if "technology" in raw else ZERO,
    )
    try:
        party_contribution(party)
    except ApplicationError as exc:
        raise translate(exc, path) from None
    return party


def valuate(doc: object) -> JSONDict:
    """``xiangcun valuate``: resources → values → contributions → shares summing to 100.00."""
    raw = read_object(unwrap(doc), ROOT, ("parties",))
    items = read_array(raw["parties"], "parties", non_empty=True)
    parties = [_valuation_party(entry, item("parties", i)) for i, entry in enumerate(items)]
    try:
        result = valuate_parties(parties)
    except ApplicationError as exc:
        raise translate(exc) from None
    return {
        "resources": [
            {"party": r.party_id, "index": r.index, "value": money_text(r.value)} for r in result.resources
        ],
        "parties": [
            {"id": p.party_id, "contribution": money_text(p.contribution), "share": money_text(p.share)}
            for p in result.parties
        ],
        "total": money_text(result.total),
    }


# ---------------------------------------------------------------------------------------------
# settle


def settle(doc: object) -> JSONDict:
    """``xiangcun settle``: one year's settlement, parties then member households (§3.2)."""
    raw = read_object(
        unwrap(doc), ROOT, ("profit", "mode", "guarantee", "parties"), ("reserve_rate", "members", "labour")
    )
    profit = read_money(raw["profit"], "profit", allow_negative=True)
    mode = _mode(raw["mode"], "mode")
    guarantee = read_money(raw["guarantee"], "guarantee")
    reserve_rate = read_optional(raw, "reserve_rate", ZERO, ROOT, minimum=ZERO, maximum=Decimal(1))

    party_items = read_array(raw["parties"], "parties", non_empty=True)
    parties: list[SettlementParty] = []
    for i, entry in enumerate(party_items):
        path = item("parties", i)
        p = read_object(entry, path, ("id", "role", "share"), ("name",))
        if "name" in p:
            read_text(p["name"], join(path, "name"))
        parties.append(
            SettlementParty(
                party_id=read_text(p["id"], join(path, "id")),
                role=_role(p["role"], join(path, "role")),
                share=read_number(p["share"], join(path, "share"), minimum=ZERO, maximum=Decimal(100)),
            )
        )
    check_unique(party_items, "parties")

    members: list[Member] = []
    member_items = read_array(raw["members"], "members") if "members" in raw else []
    for i, entry in enumerate(member_items):
        path = item("members", i)
        m = read_object(entry, path, ("id", "shares"), ("name",))
        if "name" in m:
            read_text(m["name"], join(path, "name"))
        members.append(
            Member(
                read_text(m["id"], join(path, "id")),
                read_number(m["shares"], join(path, "shares"), minimum=ZERO),
            )
        )
    check_unique(member_items, "members")

    labour: list[LabourPayment] = []
    labour_items = read_array(raw["labour"], "labour") if "labour" in raw else []
    for j, entry in enumerate(labour_items):
        path = item("labour", j)
        payment = read_object(entry, path, ("household", "amount"))
        labour.append(
            LabourPayment(
                read_text(payment["household"], join(path, "household")),
                read_money(payment["amount"], join(path, "amount")),
            )
        )

    try:
        result = settlement.settle(
            SettlementInput(
                profit=profit,
                mode=mode,
                guarantee=guarantee,
                parties=tuple(parties),
                reserve_rate=reserve_rate,
                members=tuple(members),
                labour=tuple(labour),
            )
        )
    except ApplicationError as exc:
        raise translate(exc) from None
    return settlement.result_document(result)
