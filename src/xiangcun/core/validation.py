"""Model validation that speaks the platform's error language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.utils.functional import lazy

from xiangcun.core.errors import ApplicationError


def full_clean(obj: Model, *, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()``, raising ``ApplicationError`` with the first field and its Chinese message."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, errors = next(iter(exc.error_dict.items()))
        first = errors[0]
        message = django_message(first.message, first.params)
        raise ApplicationError(message, field=None if field == NON_FIELD_ERRORS else field) from exc


def django_message(message: Any, params: Any) -> Any:
    """A Django validation message as a lazy string, so that it renders in either language."""

    def text() -> str:
        return str(message) % params if params else str(message)

    return lazy(text, str)()
