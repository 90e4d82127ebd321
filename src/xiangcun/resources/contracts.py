"""The JSON reader of one resource for the ``valuate`` command (``docs/contracts/valuate.example.json``).

A resource is an object with a ``kind`` (``land``, ``house``, ``appraised``) and that kind's
fields; ``name``, ``id`` and ``category`` are optional, and so are land ``discount_rate`` and house
``residual_rate`` (default 0). A field of another kind is unknown, hence an error. The resource is
valued once here, so that a resource worth more than 10^13 yuan is refused at its own path.
"""

from __future__ import annotations

from decimal import Decimal

from xiangcun.core.commands import (
    ZERO,
    ContractError,
    join,
    read_money,
    read_number,
    read_object,
    read_optional,
    read_text,
    translate,
)
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.resources.valuation import (
    AppraisedResource,
    HouseResource,
    LandResource,
    Resource,
    resource_value,
)

MAX_VALUE = Decimal(10) ** 13  # a resource valued above 10 trillion yuan is an input error

_RESOURCE_OPTIONAL = ("name", "id", "category")
_RESOURCE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "land": (("area_mu", "annual_rent_per_mu", "years"), ("discount_rate",)),
    "house": (("area_m2", "rebuild_cost_per_m2", "age_years", "useful_life_years"), ("residual_rate",)),
    "appraised": (("appraised_value",), ()),
}
_ALL_FIELDS = tuple(f for required, optional in _RESOURCE_FIELDS.values() for f in (*required, *optional))


def read_resource(value: object, path: str) -> Resource:
    """The resource at ``path``, checked to have a value no larger than :data:`MAX_VALUE`."""
    raw = read_object(value, path, ("kind",), (*_RESOURCE_OPTIONAL, *_ALL_FIELDS))
    kind = read_text(raw["kind"], join(path, "kind"))
    if kind not in _RESOURCE_FIELDS:
        allowed = ", ".join(_RESOURCE_FIELDS)
        raise ContractError(
            Msg("未知的资源类型 {kind}（可选：{allowed}）", kind=kind, allowed=allowed), join(path, "kind")
        )
    required, optional = _RESOURCE_FIELDS[kind]
    raw = read_object(raw, path, ("kind", *required), (*_RESOURCE_OPTIONAL, *optional))
    name = read_text(raw["name"], join(path, "name")) if "name" in raw else ""
    if "id" in raw:
        read_text(raw["id"], join(path, "id"))
    if "category" in raw:
        read_text(raw["category"], join(path, "category"))

    def num(key: str) -> Decimal:
        return read_number(raw[key], join(path, key), minimum=ZERO)

    resource: Resource
    if kind == "land":
        resource = LandResource(
            area_mu=num("area_mu"),
            annual_rent_per_mu=num("annual_rent_per_mu"),
            years=num("years"),
            discount_rate=read_optional(raw, "discount_rate", ZERO, path, minimum=ZERO),
            name=name,
        )
    elif kind == "house":
        resource = HouseResource(
            area_m2=num("area_m2"),
            rebuild_cost_per_m2=num("rebuild_cost_per_m2"),
            age_years=num("age_years"),
            useful_life_years=num("useful_life_years"),
            residual_rate=read_optional(raw, "residual_rate", ZERO, path, minimum=ZERO),
            name=name,
        )
    else:
        resource = AppraisedResource(
            appraised_value=read_money(raw["appraised_value"], join(path, "appraised_value"))
        )
    try:
        worth = resource_value(resource)
    except ApplicationError as exc:
        raise translate(exc, path) from None
    if worth > MAX_VALUE:
        raise ContractError("估值结果过大，请检查面积、单价和年限", path)
    return resource
