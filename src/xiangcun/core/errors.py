"""Domain errors: one exception type, mapped to a 400 in the API and a form error in HTML."""

from __future__ import annotations


class ApplicationError(Exception):
    """A failure the user can act on. ``message`` is Chinese; ``message_en`` its English twin."""

    def __init__(
        self, message: str, *, field: str | None = None, message_en: str | None = None, status: int = 400
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.message_en = message_en or message
        self.status = status

    def as_dict(self) -> dict[str, str | None]:
        return {"error": self.message, "error_en": self.message_en, "field": self.field}


class NotFoundError(ApplicationError):
    def __init__(self, message: str, *, field: str | None = None, message_en: str | None = None) -> None:
        super().__init__(message, field=field, message_en=message_en, status=404)


class AccessDenied(ApplicationError):
    def __init__(
        self,
        message: str = "无权访问该地区的数据",
        *,
        field: str | None = None,
        message_en: str = "you may not access data outside your region",
    ) -> None:
        super().__init__(message, field=field, message_en=message_en, status=403)
