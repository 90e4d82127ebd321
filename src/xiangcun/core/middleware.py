"""Request limits applied before Django reads a body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError


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


class MalformedBodyMiddleware:
    """Answer 400 to a ``multipart/form-data`` body Django cannot parse (no boundary, a broken part)
    instead of a 500 from wherever ``request.POST`` is first read (the CSRF check)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and (request.content_type or "").startswith("multipart/"):
            try:
                request.POST  # noqa: B018 - parse now, where a malformed body can be answered
            except MultiPartParserError:
                return JsonResponse(
                    {
                        "error": "请求格式不正确",
                        "error_en": "malformed multipart request body",
                        "field": None,
                    },
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
        return self.get_response(request)
