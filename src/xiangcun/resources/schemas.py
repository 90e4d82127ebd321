"""API schemas for resources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator

from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError
from xiangcun.core.inputs import number
from xiangcun.resources import parsing, selectors
from xiangcun.resources.models import OwnerType, ResourceStatus, RightType, ValuationMethod


def _cell_rules() -> dict[str, Callable[[Any], Any]]:
    """Each field's rule, as people type it (codes or Chinese labels, 亩 or 平方米, blank = default):
    the same rules the import applies to a sheet's cells (``parsing.py``)."""
    return {
        "village": parsing.village_code,
        "name": lambda v: parsing.text(v, label="资源名称", max_length=100, required=True),
        "kind": parsing.kind,
        "right": lambda v: parsing.choice(
            v, dict(RightType.choices), label="权利类型", default=RightType.OWNERSHIP
        ),
        "owner_type": lambda v: parsing.choice(
            v, dict(OwnerType.choices), label="权利人类型", default=OwnerType.COLLECTIVE
        ),
        "owner_name": lambda v: parsing.text(v, label="权利人", max_length=60),
        "area": lambda v: parsing.decimal(v, label="面积"),
        "unit": parsing.unit,
        "lng": lambda v: parsing.coordinate(v, label="经度", low=-180, high=180),
        "lat": lambda v: parsing.coordinate(v, label="纬度", low=-90, high=90),
        "current_use": lambda v: parsing.text(v, label="现状用途", max_length=200),
        "permitted_use": lambda v: parsing.text(v, label="规划（允许）用途", max_length=200),
        "status": lambda v: parsing.choice(
            v, dict(ResourceStatus.choices), label="状态", default=ResourceStatus.AVAILABLE
        ),
        "description": lambda v: parsing.text(v, label="说明", max_length=2000),
        "valuation_method": lambda v: (
            "" if parsing.blank(v) else parsing.choice(v, dict(ValuationMethod.choices), label="估值方法")
        ),
        "valuation_parameters": parsing.mapping,
        "appraised_value": lambda v: parsing.decimal(v, label="评估价值", required=False),
        "appraised_on": lambda v: None if parsing.blank(v) else v,
        "appraiser": lambda v: parsing.text(v, label="评估机构/评估人", max_length=100),
    }


CELL_RULES = _cell_rules()


class _ResourceFields(Schema):
    """Runs each field's rule before its type. A refused value raises ``ApplicationError`` naming
    the field — not a ``ValueError``, so pydantic passes it on unchanged and the API answers 400
    with the same Chinese message a form or an import shows."""

    @field_validator("*", mode="before")
    @classmethod
    def _rule(cls, value: Any, info: ValidationInfo) -> Any:
        rule = CELL_RULES.get(str(info.field_name))
        if rule is None:
            return value
        try:
            return rule(value)
        except parsing.FieldProblem as exc:
            raise ApplicationError(exc.msg, field=info.field_name) from None


class ResourceIn(_ResourceFields):
    """A resource as registered: from the API body, the form and the tests alike. Each field's rule
    (``CELL_RULES``) runs first and names the field in its message; the bounds below are the same."""

    village: str = Field(..., max_length=20, description="12-digit village code", title="所在村")
    name: str = Field(..., max_length=100, title="资源名称")
    kind: str = Field(
        ...,
        max_length=40,
        title="资源类型",
        description="resource kind code (core.vocab.RESOURCE_KINDS) or its Chinese label",
    )
    right: str = Field("ownership", max_length=40, title="权利类型")
    owner_type: str = Field("collective", max_length=40, title="权利人类型")
    owner_name: str = Field("", max_length=60, title="权利人")
    area: Annotated[Decimal, number] = Field(..., title="面积")
    unit: str = Field("mu", max_length=10, title="面积单位", description="mu (亩) or m2 (平方米)")
    lng: Annotated[float, number] = Field(..., title="经度")
    lat: Annotated[float, number] = Field(..., title="纬度")
    boundary: dict[str, Any] | None = Field(None, title="地块边界")
    current_use: str = Field("", max_length=200, title="现状用途")
    permitted_use: str = Field("", max_length=200, title="规划（允许）用途")
    status: str = Field("available", max_length=40, title="状态")
    description: str = Field("", max_length=2000, title="说明")
    valuation_method: str = Field("", max_length=40, title="估值方法")
    valuation_parameters: dict[str, Any] = Field(default_factory=dict, title="估值参数")
    appraised_value: Annotated[Decimal, number] | None = Field(None, title="评估价值")
    appraised_on: dt.date | None = Field(None, title="评估日期")
    appraiser: str = Field("", max_length=100, title="评估机构/评估人")
    notices: list[int] = Field(default_factory=list, max_length=100, title="招募令")


class ResourcePatch(_ResourceFields):
    """A change to a resource: only the fields given are changed (``model_fields_set``)."""

    name: str | None = Field(None, max_length=100, title="资源名称")
    kind: str | None = Field(None, max_length=40, title="资源类型")
    right: str | None = Field(None, max_length=40, title="权利类型")
    owner_type: str | None = Field(None, max_length=40, title="权利人类型")
    owner_name: str | None = Field(None, max_length=60, title="权利人")
    area: Annotated[Decimal, number] | None = Field(None, title="面积")
    unit: str | None = Field(None, max_length=10, title="面积单位")
    lng: Annotated[float, number] | None = Field(None, title="经度")
    lat: Annotated[float, number] | None = Field(None, title="纬度")
    boundary: dict[str, Any] | None = Field(None, title="地块边界")
    current_use: str | None = Field(None, max_length=200, title="现状用途")
    permitted_use: str | None = Field(None, max_length=200, title="规划（允许）用途")
    status: str | None = Field(None, max_length=40, title="状态")
    description: str | None = Field(None, max_length=2000, title="说明")
    valuation_method: str | None = Field(None, max_length=40, title="估值方法")
    valuation_parameters: dict[str, Any] | None = Field(None, title="估值参数")
    appraised_value: Annotated[Decimal, number] | None = Field(None, title="评估价值")
    appraised_on: dt.date | None = Field(None, title="评估日期")
    appraiser: str | None = Field(None, max_length=100, title="评估机构/评估人")
    notices: list[int] | None = Field(None, max_length=100, title="招募令")

    def changes(self) -> dict[str, Any]:
        """The resource fields given (without ``notices``)."""
        return {name: getattr(self, name) for name in self.model_fields_set if name != "notices"}


class NoticeLink(Schema):
    id: int
    title: str
    status: str
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return f"/notices/{obj.pk}/"


class PhotoOut(Schema):
    id: int
    url: str
    thumbnail: str
    caption: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.image.url)

    @staticmethod
    def resolve_thumbnail(obj: Any) -> str:
        return str(obj.thumbnail.url) if obj.thumbnail else ""


class ResourceItem(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    area: Decimal
    unit: str
    area_mu: Decimal
    village: str = Field(..., alias="village_id")
    village_name: str = Field(..., alias="village.name")
    county: str = Field(..., alias="county_code")
    county_name: str = Field(..., alias="village.county.name")
    lng: float
    lat: float
    url: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return vocab.label("resource", obj.kind)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("resources:detail", args=[obj.pk])


class ResourceOut(ResourceItem):
    """A resource as the request's user sees it (a household owner masked for the public)."""

    right: str
    owner_type: str
    owner_name: str
    boundary: dict[str, Any] | None
    current_use: str
    permitted_use: str
    description: str
    valuation_method: str
    valuation_parameters: dict[str, Any]
    appraised_value: Decimal | None
    appraised_on: dt.date | None
    appraiser: str
    notices: list[NoticeLink]
    photos: list[PhotoOut]
    can_edit: bool
    is_demo: bool

    @staticmethod
    def resolve_owner_name(obj: Any, context: dict[str, Any]) -> str:
        return selectors.owner_name_for(context["request"].user, obj)

    @staticmethod
    def resolve_notices(obj: Any) -> list[Any]:
        return selectors.resource_notices(obj)

    @staticmethod
    def resolve_photos(obj: Any) -> list[Any]:
        return list(obj.photos.all())

    @staticmethod
    def resolve_can_edit(obj: Any, context: dict[str, Any]) -> bool:
        return selectors.resource_editable(context["request"].user, obj)


class ResourceListOut(Schema):
    items: list[ResourceItem]
    count: int


class CountyFigure(Schema):
    code: str
    name: str
    count: int
    area_mu: float


class CountyFiguresOut(Schema):
    items: list[CountyFigure]
