"""What every app's ``api.py`` shares: the error schema, session authentication, bounded paging.

An app's router is declared once with its authentication::

    router = Router(auth=session_auth, tags=["agreements"])      # every endpoint needs a login
    router = Router(tags=["regions"])                            # public; add auth per endpoint

and endpoints declare ``response={200: XxxOut, **ERRORS}``. Domain errors are raised, never caught:
the handlers in ``config/api.py`` turn them into ``ErrorOut`` JSON with the right status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from xiangcun.core import jsonio
from xiangcun.core.errors import AccessDenied

T = TypeVar("T")

MAX_LIMIT = 500
MAX_OFFSET = 10_000_000


class ErrorOut(Schema):
    """Every error of the API: Chinese ``error``, English ``error_en``, and the input at fault."""

    error: str
    error_en: str | None = None
    field: str | None = None


ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    503: ErrorOut,
}


class LoggedIn(SessionAuth):
    """The Django session, with Django's CSRF check on unsafe methods (a cross-site form or a
    ``text/plain`` POST with the victim's cookie is refused)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


session_auth = LoggedIn(csrf=True)


class Page(Schema):
    """Bounded paging parameters (``?limit=&offset=``): never a 500 on a huge number."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, title="每页条数", description="rows per page (1–500)")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, title="跳过条数", description="rows to skip")


class Paged(Schema, Generic[T]):
    items: list[T]
    count: int


def json_body(model: type[Any]) -> dict[str, Any]:
    """``openapi_extra`` documenting a request body that the endpoint takes as a plain JSON object
    (``Body[dict[str, Any]]``) and parses itself with ``core.inputs.parse`` (400, not ninja's 422)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline(schema)}},
        }
    }


def paginate(rows: QuerySet[Any] | Sequence[Any], page: Page) -> tuple[list[Any], int]:
    """The rows of ``page`` and the total count (one ``COUNT`` and one ranged query for a queryset)."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return list(rows[page.offset : page.offset + page.limit]), count


def require_csrf(request: HttpRequest) -> None:
    """Django's CSRF check, for a public operation that writes only in one of its modes (e.g. saving
    a policy evaluation): a cross-site request with the victim's cookie is refused with 403."""
    if check_csrf(request) is not None:
        raise AccessDenied("请求缺少有效的 CSRF 令牌，请刷新页面后重试")


def schema_json(schema: type[Schema], value: Any) -> bytes:
    """``value`` read through the output ``schema`` and written as JSON, as ninja answers an endpoint
    declared with ``response=schema`` (for a body built once and served from the cache, see
    ``core/readcache.py``)."""
    return jsonio.dumps(schema.model_validate(value).model_dump())
