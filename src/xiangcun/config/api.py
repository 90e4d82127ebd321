"""The HTTP API: one NinjaAPI under /api/v1/, every app mounting its router here.

Errors always have the shape ``{"error": <Chinese>, "error_en": <English>, "field": <name or null>}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from xiangcun.agreements.api import router as agreements_router
from xiangcun.core.errors import ApplicationError
from xiangcun.funding.api import router as funding_router
from xiangcun.matching.api import router as matching_router
from xiangcun.partners.api import router as partners_router
from xiangcun.policies.api import router as policies_router
from xiangcun.recruitment.api import router as recruitment_router
from xiangcun.regions.api import router as regions_router
from xiangcun.resources.api import router as resources_router


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese stays readable in responses."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="乡村振兴合伙人数字平台 API",
    version="1",
    description="Xiangcun — Rural Revitalization Partner Platform. Region and village data are public; "
    "administrative endpoints are scoped to the caller's region.",
    urls_namespace="api",
)


def _field_of(error: dict[str, Any]) -> str | None:
    loc = [str(part) for part in error.get("loc", []) if part not in ("query", "body", "path", "payload")]
    return ".".join(loc) or None


_MESSAGES_ZH = {
    "missing": "缺少必填参数",
    "int_parsing": "应为整数",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "json_invalid": "请求体不是合法的 JSON",
}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first)
    zh = _MESSAGES_ZH.get(str(first.get("type")), "参数不正确")
    return api.create_response(
        request,
        {
            "error": f"{field}：{zh}" if field else zh,
            "error_en": str(first.get("msg", "invalid input")),
            "field": field,
            "detail": [
                {"field": _field_of(e), "type": e.get("type"), "msg": e.get("msg")} for e in exc.errors
            ],
        },
        status=422,
    )


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"error": "请先登录", "error_en": "authentication required", "field": None}, status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, {"error": str(exc), "error_en": str(exc), "field": None}, status=exc.status_code
    )


api.add_router("/", regions_router, tags=["regions"])
api.add_router("/", recruitment_router, tags=["recruitment"])
api.add_router("/", partners_router, tags=["partners"])
api.add_router("/", matching_router, tags=["matching"])
api.add_router("/", agreements_router, tags=["agreements"])
api.add_router("/", funding_router, tags=["funding"])
api.add_router("/", resources_router, tags=["resources"])
api.add_router("/", policies_router, tags=["policies"])
