"""The JSON command layer of the pure computations (``contracts/`` in the shared folder).

``valuate``, ``settle`` and ``funding_select`` take a parsed JSON document (a dict), validate it
strictly, call the one pure implementation (:mod:`xiangcun.resources.valuation`,
:mod:`xiangcun.agreements.shares`, :mod:`xiangcun.agreements.settlement`,
:mod:`xiangcun.funding.selection`) and render its result exactly as the contract examples do:
money as strings with two decimals, scores as numbers, lists in input order (the ranking by
score). Any fault raises :class:`ContractError` with a JSON path such as
``parties[0].resources[1].area_mu``; nothing is ever half-rendered.

:func:`run_command` is the shell the ``xiangcun valuate|settle|funding select`` commands share: it
reads a file (``-`` for standard input), prints the result and returns 0, or prints one
``{"error", "field"}`` object on standard error and returns 2 — never a traceback.

Input conventions, beyond the examples:

* Numbers may be JSON numbers or strings (``"1200"``, ``"1,200.50"``); booleans, NaN, infinities,
  magnitudes above 10^12 and more than 20 decimal places are refused. Money must be a whole
  number of fen; a single resource valued above 10^13 yuan is refused.
* A file holding a contract example (``{"input": …, "output": …}``) is read as its ``input``.
* Optional fields: ``name`` on parties, resources, members and applications; ``id`` and
  ``category`` on resources; land ``discount_rate`` (default 0); house ``residual_rate``
  (default 0); settlement ``reserve_rate`` (default 0), ``members`` and ``labour`` (default
  none); funding ``min_score`` (default none). Anything else unknown is an error.
* A valuation party brings ``resources``, ``cash`` and/or ``technology`` (at least one); its
  contribution is their sum.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol, TextIO

from xiangcun.agreements import settlement
from xiangcun.agreements.settlement import LabourPayment, Member, Mode, SettlementInput, SettlementParty
from xiangcun.agreements.shares import PartyContribution, Role, party_contribution, valuate_parties
from xiangcun.core.errors import ApplicationError, Message, Msg
from xiangcun.core.money import FEN, MoneyError, to_decimal
from xiangcun.funding.selection import CRITERIA, Application, Weights, select
from xiangcun.resources.valuation import (
    AppraisedResource,
    HouseResource,
    LandResource,
    Resource,
    resource_value,
)

ROOT = "$"
MAX_MAGNITUDE = Decimal(10) ** 12
MAX_PLACES = 20
MAX_VALUE = Decimal(10) ** 13  # a resource valued above 10 trillion yuan is an input error
ZERO = Decimal(0)

JSONDict = dict[str, Any]


class ContractError(ApplicationError):
    """Bad command input: a Chinese ``message``, its English twin and the JSON path at fault."""

    def __init__(self, message: Message, field: str) -> None:
        super().__init__(message, field=field)
        self.path = field

    def as_json(self) -> dict[str, str]:
        """The standard-error object: ``{"error": "中文 (English)", "field": "<json path>"}``."""
        return {"error": f"{self.message_zh} ({self.message_en})", "field": self.path}


class Writer(Protocol):
    def write(self, s: str, /) -> object: ...


# ---------------------------------------------------------------------------------------------
# Reading


def _join(path: str, key: str) -> str:
    return key if path == ROOT else f"{path}.{key}"


def _item(path: str, index: int) -> str:
    return f"{path}[{index}]"


_TYPE_NAMES_ZH = {
    "null": "空值",
    "boolean": "布尔值",
    "object": "对象",
    "array": "数组",
    "string": "字符串",
    "number": "数字",
}


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "number"


def _wrong_type(value: object, path: str, expected: str) -> ContractError:
    found = _type_name(value)
    return ContractError(
        Msg(
            "应为{v}，实际为{v2}",
            v=_TYPE_NAMES_ZH[expected],
            v2=_TYPE_NAMES_ZH[found],
            expected=expected,
            found=found,
        ),
        path,
    )


def _object(value: object, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> JSONDict:
    """A JSON object with exactly the required keys and possibly some optional ones."""
    if not isinstance(value, dict):
        raise _wrong_type(value, path, "object")
    required = tuple(required)
    allowed = set(required) | set(optional)
    for key in value:
        if key not in allowed:
            raise ContractError(Msg("未知字段 {key}", key=key), _join(path, str(key)))
    for key in required:
        if key not in value:
            raise ContractError(Msg("缺少字段 {key}", key=key), _join(path, key))
    return value


def _array(value: object, path: str, *, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong_type(value, path, "array")
    if non_empty and not value:
        raise ContractError("不能为空列表", path)
    return value


def _text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(value, path, "string")
    if not value.strip():
        raise ContractError("不能为空", path)
    return value


def _number(
    value: object, path: str, *, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal:
    """A decimal from a JSON number or string, finite, |x| ≤ 10^12, optionally bounded."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _wrong_type(value, path, "number")
    try:
        number = to_decimal(value)
    except MoneyError:
        raise ContractError(Msg("不是有效的数字：{value}", value=value), path) from None
    if abs(number) > MAX_MAGNITUDE:
        raise ContractError("数值过大", path)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise ContractError(Msg("小数位数过多（最多 {MAX_PLACES} 位）", MAX_PLACES=MAX_PLACES), path)
    if minimum is not None and number < minimum:
        if minimum == 0:
            raise ContractError("不能为负数", path)
        raise ContractError(Msg("不能小于 {minimum}", minimum=minimum), path)
    if maximum is not None and number > maximum:
        raise ContractError(Msg("不能大于 {maximum}", maximum=maximum), path)
    return Decimal(0) if number == 0 else number  # never -0


def _money(value: object, path: str, *, allow_negative: bool = False) -> Decimal:
    """An amount of yuan that is a whole number of fen."""
    amount = _number(value, path, minimum=None if allow_negative else ZERO)
    if amount != amount.quantize(FEN):
        raise ContractError("金额须精确到分（最多两位小数）", path)
    return amount


def _optional(doc: JSONDict, key: str, default: Decimal, path: str, **bounds: Decimal) -> Decimal:
    if key not in doc:
        return default
    return _number(doc[key], _join(path, key), **bounds)


def _role(value: object, path: str) -> Role:
    text = _text(value, path)
    try:
        return Role(text)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ContractError(
            Msg("未知的角色 {text}（可选：{allowed}）", text=text, allowed=allowed), path
        ) from None


def _unique_ids(items: list[Any], path: str, key: str = "id") -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = item[key]
        if value in seen:
            raise ContractError(Msg("编号重复：{value}", value=value, key=key), _join(_item(path, i), key))
        seen.add(value)


def _translate(exc: ApplicationError, prefix: str = ROOT) -> ContractError:
    """A pure module's error (field relative to ``prefix``) as a contract error."""
    field = exc.field or ""
    path = prefix if not field else _join(prefix, field)
    return ContractError(exc.msg, path)


def _unwrap(doc: object) -> object:
    """A contract example file ``{"input": …, "output": …}`` stands for its input."""
    if (
        isinstance(doc, dict)
        and "input" in doc
        and set(doc) <= {"input", "output"}
        and isinstance(doc["input"], dict)
    ):
        return doc["input"]
    return doc


# ---------------------------------------------------------------------------------------------
# Money and score rendering


def money_text(amount: Decimal) -> str:
    """Two decimals, never ``-0.00`` and never scientific notation."""
    value = amount.quantize(FEN)
    if value == 0:
        return "0.00"
    return f"{value:f}"


def score_number(score: Decimal) -> float:
    """A four-decimal score as a JSON number (``31.481``, ``85.7143``)."""
    return float(score)


# ---------------------------------------------------------------------------------------------
# valuate

_RESOURCE_OPTIONAL = ("name", "id", "category")
_RESOURCE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "land": (("area_mu", "annual_rent_per_mu", "years"), ("discount_rate",)),
    "house": (("area_m2", "rebuild_cost_per_m2", "age_years", "useful_life_years"), ("residual_rate",)),
    "appraised": (("appraised_value",), ()),
}


def _resource(value: object, path: str) -> Resource:
    raw = _object(value, path, ("kind",), (*_RESOURCE_OPTIONAL, *_all_resource_fields()))
    kind = _text(raw["kind"], _join(path, "kind"))
    if kind not in _RESOURCE_FIELDS:
        allowed = ", ".join(_RESOURCE_FIELDS)
        raise ContractError(
            Msg("未知的资源类型 {kind}（可选：{allowed}）", kind=kind, allowed=allowed), _join(path, "kind")
        )
    required, optional = _RESOURCE_FIELDS[kind]
    raw = _object(raw, path, ("kind", *required), (*_RESOURCE_OPTIONAL, *optional))
    name = _text(raw["name"], _join(path, "name")) if "name" in raw else ""
    if "id" in raw:
        _text(raw["id"], _join(path, "id"))
    if "category" in raw:
        _text(raw["category"], _join(path, "category"))

    def num(key: str) -> Decimal:
        return _number(raw[key], _join(path, key), minimum=ZERO)

    resource: Resource
    if kind == "land":
        resource = LandResource(
            area_mu=num("area_mu"),
            annual_rent_per_mu=num("annual_rent_per_mu"),
            years=num("years"),
            discount_rate=_optional(raw, "discount_rate", ZERO, path, minimum=ZERO),
            name=name,
        )
    elif kind == "house":
        resource = HouseResource(
            area_m2=num("area_m2"),
            rebuild_cost_per_m2=num("rebuild_cost_per_m2"),
            age_years=num("age_years"),
            useful_life_years=num("useful_life_years"),
            residual_rate=_optional(raw, "residual_rate", ZERO, path, minimum=ZERO),
            name=name,
        )
    else:
        resource = AppraisedResource(
            appraised_value=_money(raw["appraised_value"], _join(path, "appraised_value"))
        )
    try:
        value = resource_value(resource)
    except ApplicationError as exc:
        raise _translate(exc, path) from None
    if value > MAX_VALUE:
        raise ContractError("估值结果过大，请检查面积、单价和年限", path)
    return resource


def _all_resource_fields() -> tuple[str, ...]:
    return tuple(f for required, optional in _RESOURCE_FIELDS.values() for f in (*required, *optional))


def _valuation_party(value: object, path: str) -> PartyContribution:
    raw = _object(value, path, ("id", "role"), ("name", "resources", "cash", "technology"))
    party_id = _text(raw["id"], _join(path, "id"))
    role = _role(raw["role"], _join(path, "role"))
    if "name" in raw:
        _text(raw["name"], _join(path, "name"))
    if not {"resources", "cash", "technology"} & set(raw):
        raise ContractError("须提供 resources、cash 或 technology 中的至少一项", _join(path, "resources"))
    resources: tuple[Resource, ...] = ()
    if "resources" in raw:
        items = _array(raw["resources"], _join(path, "resources"))
        resources = tuple(_resource(item, _item(_join(path, "resources"), k)) for k, item in enumerate(items))
    party = PartyContribution(
        party_id=party_id,
        role=role,
        resources=resources,
        cash=_money(raw["cash"], _join(path, "cash")) if "cash" in raw else ZERO,
        technology=_money(raw["technology"], _join(path, "technology")) if "technology" in raw else ZERO,
    )
    try:
        party_contribution(party)
    except ApplicationError as exc:
        raise _translate(exc, path) from None
    return party


def valuate(doc: object) -> JSONDict:
    """``xiangcun valuate``: resources → values → contributions → shares summing to 100.00."""
    raw = _object(_unwrap(doc), ROOT, ("parties",))
    items = _array(raw["parties"], "parties", non_empty=True)
    parties = [_valuation_party(item, _item("parties", i)) for i, item in enumerate(items)]
    try:
        result = valuate_parties(parties)
    except ApplicationError as exc:
        raise _translate(exc) from None
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


def _mode(value: object, path: str) -> Mode:
    text = _text(value, path)
    try:
        return Mode(text)
    except ValueError:
        allowed = ", ".join(m.value for m in Mode)
        raise ContractError(
            Msg("未知的分配方式 {text}（可选：{allowed}）", text=text, allowed=allowed), path
        ) from None


def settle(doc: object) -> JSONDict:
    """``xiangcun settle``: one year's settlement, parties then member households (§3.2)."""
    raw = _object(
        _unwrap(doc), ROOT, ("profit", "mode", "guarantee", "parties"), ("reserve_rate", "members", "labour")
    )
    profit = _money(raw["profit"], "profit", allow_negative=True)
    mode = _mode(raw["mode"], "mode")
    guarantee = _money(raw["guarantee"], "guarantee")
    reserve_rate = _optional(raw, "reserve_rate", ZERO, ROOT, minimum=ZERO, maximum=Decimal(1))

    party_items = _array(raw["parties"], "parties", non_empty=True)
    parties: list[SettlementParty] = []
    for i, item in enumerate(party_items):
        path = _item("parties", i)
        p = _object(item, path, ("id", "role", "share"), ("name",))
        if "name" in p:
            _text(p["name"], _join(path, "name"))
        parties.append(
            SettlementParty(
                party_id=_text(p["id"], _join(path, "id")),
                role=_role(p["role"], _join(path, "role")),
                share=_number(p["share"], _join(path, "share"), minimum=ZERO, maximum=Decimal(100)),
            )
        )
    _unique_ids(party_items, "parties")

    members: list[Member] = []
    member_items = _array(raw["members"], "members") if "members" in raw else []
    for i, item in enumerate(member_items):
        path = _item("members", i)
        m = _object(item, path, ("id", "shares"), ("name",))
        if "name" in m:
            _text(m["name"], _join(path, "name"))
        members.append(
            Member(
                _text(m["id"], _join(path, "id")), _number(m["shares"], _join(path, "shares"), minimum=ZERO)
            )
        )
    _unique_ids(member_items, "members")

    labour: list[LabourPayment] = []
    labour_items = _array(raw["labour"], "labour") if "labour" in raw else []
    for j, item in enumerate(labour_items):
        path = _item("labour", j)
        entry = _object(item, path, ("household", "amount"))
        labour.append(
            LabourPayment(
                _text(entry["household"], _join(path, "household")),
                _money(entry["amount"], _join(path, "amount")),
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
        raise _translate(exc) from None
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


# ---------------------------------------------------------------------------------------------
# funding select


def funding_select(doc: object) -> JSONDict:
    """``xiangcun funding select``: scores, ranking and the exact optimal selection (§3.3)."""
    raw = _object(_unwrap(doc), ROOT, ("budget", "weights", "applications"), ("min_score",))
    budget = _money(raw["budget"], "budget")
    w = _object(raw["weights"], "weights", CRITERIA)
    weights = Weights.from_mapping(
        {
            name: _number(w[name], _join("weights", name), minimum=ZERO, maximum=Decimal(1))
            for name in CRITERIA
        }
    )
    min_score = (
        _number(raw["min_score"], "min_score", minimum=ZERO, maximum=Decimal(100))
        if "min_score" in raw
        else None
    )
    items = _array(raw["applications"], "applications")
    applications: list[Application] = []
    for i, item in enumerate(items):
        path = _item("applications", i)
        a = _object(item, path, ("id", "requested", *CRITERIA), ("name", "title"))
        for key in ("name", "title"):
            if key in a:
                _text(a[key], _join(path, key))
        criteria = {
            name: _number(
                a[name],
                _join(path, name),
                minimum=ZERO,
                maximum=Decimal(100) if name == "social_benefit" else None,
            )
            for name in CRITERIA
        }
        applications.append(
            Application(
                app_id=_text(a["id"], _join(path, "id")),
                requested=_money(a["requested"], _join(path, "requested")),
                **criteria,
            )
        )
    _unique_ids(items, "applications")
    try:
        result = select(applications, weights, budget, min_score=min_score)
    except ApplicationError as exc:
        raise _translate(exc) from None
    return {
        "ranking": [{"id": r.app_id, "score": score_number(r.score)} for r in result.ranking],
        "selected": list(result.selected),
        "total_requested": money_text(result.total_requested),
        "total_score": score_number(result.total_score),
        "left_out": [{"id": o.app_id, "reason": o.reason} for o in result.left_out],
    }


# ---------------------------------------------------------------------------------------------
# The command shell

COMMANDS: Mapping[str, Callable[[object], JSONDict]] = {
    "valuate": valuate,
    "settle": settle,
    "funding select": funding_select,
    "funding_select": funding_select,
}


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> JSONDict:
    result: JSONDict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_document(text: str) -> object:
    """Strict JSON: decimals kept exact, no NaN/Infinity, no duplicate keys."""
    try:
        return json.loads(
            text, parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates
        )
    except (ValueError, RecursionError) as exc:
        raise ContractError(Msg("不是有效的 JSON：{exc}", exc=exc), ROOT) from None


def _read(path: str, stdin: TextIO | None) -> str:
    if path == "-":
        source = stdin if stdin is not None else sys.stdin
        try:
            return source.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ContractError(Msg("无法读取标准输入：{exc}", exc=exc), ROOT) from None
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ContractError(Msg("文件不存在：{path}", path=path), ROOT) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(Msg("无法读取文件 {path}：{exc}", path=path, exc=exc), ROOT) from None


def run_command(name: str, path: str, stdout: Writer, stderr: Writer, stdin: TextIO | None = None) -> int:
    """Run one contract command on a JSON file (``-``: standard input).

    Exit status 0 with the result on ``stdout``; 2 with ``{"error", "field"}`` on ``stderr`` and
    nothing on ``stdout`` for bad input; 1, also as one JSON object on ``stderr``, should a bug
    escape (never a traceback).
    """
    try:
        command = COMMANDS.get(name)
        if command is None:
            raise ContractError(Msg("未知的命令：{name}", name=name), ROOT)
        result = command(parse_document(_read(path, stdin)))
        text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    except ContractError as exc:
        stderr.write(json.dumps(exc.as_json(), ensure_ascii=False) + "\n")
        return 2
    except ApplicationError as exc:
        stderr.write(json.dumps(_translate(exc).as_json(), ensure_ascii=False) + "\n")
        return 2
    except Exception as exc:  # a bug: still one JSON object, never a traceback
        error = {"error": f"内部错误 (internal error: {type(exc).__name__}: {exc})", "field": ROOT}
        stderr.write(json.dumps(error, ensure_ascii=False) + "\n")
        return 1
    stdout.write(text)
    return 0
