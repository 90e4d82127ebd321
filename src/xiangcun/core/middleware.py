"""Request limits applied before Django reads a body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds ``MAX_REQUEST_BYTES`` with 413, before the body is
    read (Django's own limits do not cover uploaded files, which stream to disk)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            megabytes = limit // (1024 * 1024)
            return JsonResponse(
                {
                    "error": f"请求过大（最多 {megabytes} MB）",
                    "error_en": f"request too large (at most {megabytes} MB)",
                    "field": None,
                },
                status=413,
                json_dumps_params={"ensure_ascii": False},
            )
        return self.get_response(request)
