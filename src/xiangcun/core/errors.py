"""Domain errors: one exception type, mapped to JSON by the API handler and to a page by the error
middleware. Messages are gettext msgids in Chinese, translated like every other UI string::

    raise ApplicationError("标题不能为空", field="title")
    raise ApplicationError(Msg("第 {row} 行：单位“{unit}”未知", row=3, unit=unit), field="unit")

The English text lives in ``locale/en/LC_MESSAGES/django.po`` (msgid Chinese, msgstr English, with
the same ``{name}`` placeholders); ``tests/test_messages.py`` fails on a message without one.

``message`` is the text in the active language (what an HTML page shows); ``as_dict()`` gives the
API's ``{"error": <Chinese>, "error_en": <English>, "field": …}`` whatever language is active.

This module imports no Django: the pure computations raise these errors too, and the command line
renders them without settings. ``CoreConfig.ready()`` plugs in Django's translation (``hooks``).
"""

from __future__ import annotations

import gettext as _stdlib_gettext
from functools import cache
from pathlib import Path
from typing import Any

CHINESE = "zh-hans"
ENGLISH = "en"
_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


class Msg:
    """A translatable message with named ``{placeholders}``, rendered when a language is known.

    Parameters may themselves be ``Msg`` objects or Django lazy strings (field labels); they are
    rendered in the same language. ``Msg`` is a gettext keyword for ``xiangcun makemessages``.
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def render(self, language: str) -> str:
        text = translate(self.msgid, language)
        if not self.params:
            return text
        values = {k: render(v, language) if _is_message(v) else v for k, v in self.params.items()}
        return text.format(**values)

    def __str__(self) -> str:
        return self.render(active_language())

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.msgid, self.params) == (other.msgid, other.params)

    def __hash__(self) -> int:
        return hash(self.msgid)


Message = Any  # str | Msg | a Django lazy string


def _is_message(value: object) -> bool:
    return isinstance(value, Msg) or type(value).__name__ == "__proxy__"


def as_message(message: Message) -> Message:
    """``message`` as something that renders per language: a plain msgid becomes a ``Msg``."""
    return Msg(message) if isinstance(message, str) else message


def render(message: Message, language: str) -> str:
    """``message`` in ``language``: a ``Msg`` is formatted there, a plain msgid translated."""
    if isinstance(message, Msg):
        return message.render(language)
    if isinstance(message, str):
        return translate(message, language)
    return _render_lazy(message, language)


def _render_lazy(message: Any, language: str) -> str:
    return hooks.render_lazy(message, language)


def translate(msgid: str, language: str) -> str:
    """The translation of ``msgid`` into ``language`` (the msgid itself for Chinese)."""
    if language.lower().startswith("zh") or not msgid:
        return msgid
    return hooks.gettext(msgid, language)


def active_language() -> str:
    return hooks.active_language()


@cache
def _catalogue(language: str) -> _stdlib_gettext.NullTranslations:
    return _stdlib_gettext.translation("django", _LOCALE_DIR, languages=[language], fallback=True)


class _Hooks:
    """How messages are translated. Without Django (the pure commands) the compiled catalogue is read
    with the standard library and Chinese is active; ``CoreConfig.ready()`` switches to Django's
    translation machinery and the request's active language."""

    def gettext(self, msgid: str, language: str) -> str:
        return _catalogue(language).gettext(msgid)

    def active_language(self) -> str:
        return CHINESE

    def render_lazy(self, message: Any, language: str) -> str:
        return str(message)


hooks = _Hooks()


def N_(msgid: str) -> str:
    """Mark a Chinese msgid for extraction without translating it yet (``gettext_noop``): for tables
    of messages that are rendered later (refusals, validation reasons)."""
    return msgid


NOT_LOGGED_IN = N_("请先登录")
OUTSIDE_REGION = N_("无权访问该地区的数据")


class ApplicationError(Exception):
    """A failure the user can act on.

    ``message`` is a Chinese msgid (``str``, ``Msg`` or a lazy string); ``field`` names the input at
    fault (a form field or a JSON path such as ``parties[0].share``); ``status`` the HTTP status.
    """

    status: int = 400

    def __init__(self, message: Message, *, field: str | None = None, status: int | None = None) -> None:
        self.msg = as_message(message)
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(render(message, CHINESE))

    @property
    def message(self) -> str:
        """The message in the active language (Chinese unless the page is in English)."""
        return render(self.msg, active_language())

    @property
    def message_zh(self) -> str:
        return render(self.msg, CHINESE)

    @property
    def message_en(self) -> str:
        return render(self.msg, ENGLISH)

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.message_zh, "error_en": self.message_en, "field": self.field}

    def with_field(self, field: str | None) -> ApplicationError:
        """The same error (same class and message) naming another field."""
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.args = self.args
        clone.field = field
        return clone


class NotFoundError(ApplicationError):
    status = 404


class AccessDenied(ApplicationError):
    status = 403

    def __init__(self, message: Message = OUTSIDE_REGION, *, field: str | None = None) -> None:
        super().__init__(message, field=field)


class ConflictError(ApplicationError):
    """The record changed since the caller read it (another official acted first): 409. The caller
    reloads and decides again; nothing was written."""

    status = 409


class ServiceBusy(ApplicationError):
    """The database is busy with a long write (a large import on SQLite): 503 with ``Retry-After``."""

    status = 503
    retry_after = 5


class NotAuthenticated(ApplicationError):
    status = 401

    def __init__(self, message: Message = NOT_LOGGED_IN, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
