"""The HTTP API: one NinjaAPI under /api/v1/, every app mounting its router here.

Errors always have the shape ``{"error": <Chinese>, "error_en": <English>, "field": <name or null>}``.
"""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import BaseRenderer

from xiangcun.agreements.api import router as agreements_router
from xiangcun.core import jsonio
from xiangcun.core.busy import busy_error, is_busy
from xiangcun.core.errors import ApplicationError, Msg, ServiceBusy
from xiangcun.core.inputs import json_path, reason_of
from xiangcun.funding.api import router as funding_router
from xiangcun.matching.api import router as matching_router
from xiangcun.partners.api import router as partners_router
from xiangcun.policies.api import router as policies_router
from xiangcun.recruitment.api import router as recruitment_router
from xiangcun.regions.api import router as regions_router
from xiangcun.resources.api import router as resources_router


class FastJSONRenderer(BaseRenderer):
    """Compact UTF-8 JSON (Chinese stays readable) through orjson when installed (``core/jsonio.py``:
    the same JSON as ninja's encoder either way)."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return jsonio.dumps(data)


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object. ninja would read ``[null, null]`` or ``"x"``
    as ``{}`` for a model whose fields all have defaults (``POST /policies/evaluate`` answered 200);
    anything but an object is a 400 instead."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("a JSON object is expected")
        return data


api = NinjaAPI(
    renderer=FastJSONRenderer(),
    parser=ObjectBodyParser(),
    title="乡村振兴合伙人数字平台 API",
    version="1",
    description="Xiangcun — Rural Revitalization Partner Platform. Region and village data are public; "
    "administrative endpoints are scoped to the caller's region.",
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Invalid parameters or body: 422 with the JSON path at fault and the reason in both languages."""
    details = [_detail(e) for e in exc.errors]
    first: dict[str, Any] = details[0] if details else {"field": None, "reason": Msg("格式不正确"), "msg": ""}
    field: str | None = first["field"]
    message = Msg("{label}：{reason}", label=field, reason=first["reason"]) if field else first["reason"]
    error = ApplicationError(message, field=field)
    return api.create_response(
        request,
        {
            **error.as_dict(),
            "detail": [{"field": d["field"], "type": d["type"], "msg": d["msg"]} for d in details],
        },
        status=422,
    )


def _detail(error: dict[str, Any]) -> dict[str, Any]:
    loc = [part for part in error.get("loc", []) if part not in ("query", "body", "path", "payload", "form")]
    return {
        "field": json_path(loc) or None,
        "type": error.get("type"),
        "reason": reason_of(error),
        "msg": error.get("msg"),
    }


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if isinstance(exc, ServiceBusy):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(OperationalError)
def on_database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """The database was busy (a lock not granted in time): 503 JSON with ``Retry-After``. Any other
    operational error stays what it is, a server error."""
    if not is_busy(exc):
        raise exc
    return on_application_error(request, busy_error())


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
