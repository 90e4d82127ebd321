"""Request limits applied before Django reads a body, and the Content-Security-Policy header."""

from __future__ import annotations

import http.client
from collections.abc import Callable
from functools import cache
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase


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


# What a view or decorator of django-csp sets to change one response's policy.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@cache
def _site_policy(report_only: bool) -> str:
    return build_policy(report_only=report_only)


@cache
def _excluded(setting: str) -> tuple[str, ...]:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())


def _forget_policy(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policy.cache_clear()
        _excluded.cache_clear()


setting_changed.connect(_forget_policy)


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware with the site's one policy (``config/csp.py``) built once per process
    instead of twice per response (it was a fifth of a cached API read). A response whose policy a
    view changed (django-csp's decorators) or a page that used a nonce gets django-csp's own handling."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        ):
            return response
        for header, setting, exempt, report_only in (
            (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
        ):
            policy = _site_policy(report_only)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(_excluded(setting))
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header was written is an error, not a silent miss.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
