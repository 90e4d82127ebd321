from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    """Chinese unless the user chose another language (cookie set by /i18n/setlang/).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: officials on
    English-language systems still get the Chinese platform unless they switch.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ApplicationErrorMiddleware:
    """The HTML side of the one error mapping (the API has its own handler in ``config/api.py``):
    a domain error that escapes a page view becomes its page — 404, 403 or 400 with the Chinese
    message — never a 500. A busy database (``core/busy.py``) is the 503 page with ``Retry-After``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from xiangcun.core.busy import busy_error, is_busy
        from xiangcun.core.errors import AccessDenied, ApplicationError, NotFoundError, ServiceBusy

        if request.path.startswith("/api/"):
            return None
        if is_busy(exception):
            exception = busy_error()
        if not isinstance(exception, ApplicationError):
            return None
        if isinstance(exception, ServiceBusy):
            response = render(request, "503.html", {"message": exception.message}, status=503)
            response["Retry-After"] = str(exception.retry_after)
            return response
        if isinstance(exception, NotFoundError):
            return render(request, "404.html", {"exception": exception.message}, status=404)
        if isinstance(exception, AccessDenied):
            return render(request, "403.html", {"message": exception.message}, status=403)
        return render(request, "400.html", {"message": exception.message}, status=exception.status)
