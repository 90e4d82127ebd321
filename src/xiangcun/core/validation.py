"""Model validation that speaks the platform's error language."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model

from xiangcun.core.errors import ApplicationError


def full_clean(obj: Model, *, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()``, raising ``ApplicationError`` with the first field and its Chinese message."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(
            str(messages[0]),
            field=None if field == NON_FIELD_ERRORS else field,
            message_en=f"invalid value for {field}",
        ) from exc
