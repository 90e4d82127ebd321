"""Typed input, validated once at the edge: the one parsing library of the platform.

Every write (and every JSON command) has one input model, a pydantic model (ninja ``Schema`` is
one) whose fields carry a Chinese ``title``. The API body, the HTML form and the CLI JSON are all
turned into that model by :func:`parse`; services receive the model, already valid.

A validation failure becomes an :class:`InputError` (an ``ApplicationError``) naming

* ``field`` — the JSON path for machines: ``parties[0].contributions[0].amount``;
* ``label`` — the Chinese labels for people: ``参与方第 1 项 · 出资第 1 项 · 金额``;

and a message such as ``金额：不能为负数``. A form shows the label and the message, never the path.

The reusable field types below (``Money``, ``Text``, ``VillageCode``, ``VocabCodes`` …) carry their
bounds, so that no number is unbounded and no text unlimited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationError,
)

from xiangcun.core import identity, vocab
from xiangcun.core.errors import CHINESE, N_, ApplicationError, Message, Msg, as_message, render
from xiangcun.core.money import GROUPING, GroupingError, number_text

M = TypeVar("M", bound=BaseModel)
CJK = re.compile(r"[\u4e00-\u9fff]")
T = TypeVar("T")

MAX_MONEY = Decimal(10) ** 12  # yuan; no amount on the platform comes near it
MAX_INT = 2**31 - 1


class InputProblem(ValueError):
    """Raised by a field validator with a Chinese message (pydantic keeps it as the error's cause)."""

    def __init__(self, message: Message) -> None:
        self.msg = as_message(message)
        super().__init__(str(message))


class InputError(ApplicationError):
    """Bad input: ``field`` is the JSON path, ``label`` the Chinese labels of that path."""

    def __init__(self, message: Message, *, field: str | None, label: Message | None = None) -> None:
        super().__init__(message, field=field)
        self.label = render(label, CHINESE) if label is not None else None


# ------------------------------------------------------------------------------------------------
# Parsing


def parse(model: type[M], data: Any) -> M:
    """``data`` (a dict from JSON, a form's cleaned data, CLI input) as ``model``, or ``InputError``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(model, exc) from None


def input_error(model: type[BaseModel] | None, exc: ValidationError) -> InputError:
    """The first error of ``exc`` as an ``InputError`` with path, labels and a Chinese reason."""
    first = exc.errors(include_url=False)[0]
    loc = tuple(first.get("loc", ()))
    path = json_path(loc)
    label = label_of(model, loc) if model is not None else None
    reason = reason_of(first)
    where = label or path
    message = Msg("{label}：{reason}", label=where, reason=reason) if where else reason
    return InputError(message, field=path or None, label=label)


def json_path(loc: Sequence[Any]) -> str:
    """``("parties", 0, "share")`` → ``parties[0].share``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def label_of(model: type[BaseModel] | None, loc: Sequence[Any]) -> Message | None:
    """The labels along ``loc`` (each field's ``title``, a msgid), e.g. ``参与方第 1 项 · 金额``."""
    parts: list[Message] = []
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            if parts:
                parts[-1] = Msg("{name}第 {n} 项", name=parts[-1], n=part + 1)
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            break
        info = fields[part]
        parts.append(Msg(str(info.title)) if info.title else str(part))
        current = _inner_model(info.annotation)
    if not parts:
        return None
    label = parts[0]
    for more in parts[1:]:
        label = Msg("{a} · {b}", a=label, b=more)
    return label


def _inner_model(annotation: Any) -> Any:
    """The model inside ``list[X]``, ``X | None``, ``Annotated[X, …]``."""
    args = getattr(annotation, "__args__", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in args or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


# pydantic error type → Chinese reason; ``{name}`` placeholders come from the error's context.
REASONS: dict[str, str] = {
    "missing": N_("必填"),
    "string_type": N_("应为文字"),
    "string_too_short": N_("不能为空"),
    "string_too_long": N_("最多 {max_length} 个字"),
    "string_pattern_mismatch": N_("格式不正确"),
    "int_parsing": N_("应为整数"),
    "int_type": N_("应为整数"),
    "int_from_float": N_("应为整数"),
    "float_parsing": N_("应为数字"),
    "float_type": N_("应为数字"),
    "decimal_parsing": N_("应为数字"),
    "decimal_type": N_("应为数字"),
    "decimal_max_places": N_("最多 {decimal_places} 位小数"),
    "decimal_max_digits": N_("数值过大"),
    "decimal_whole_digits": N_("数值过大"),
    "finite_number": N_("应为有限的数字"),
    "greater_than": N_("须大于 {gt}"),
    "greater_than_equal": N_("不能小于 {ge}"),
    "less_than": N_("须小于 {lt}"),
    "less_than_equal": N_("不能大于 {le}"),
    "bool_parsing": N_("应为是或否"),
    "bool_type": N_("应为是或否"),
    "date_parsing": N_("日期格式应为 YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("日期格式应为 YYYY-MM-DD"),
    "date_type": N_("日期格式应为 YYYY-MM-DD"),
    "list_type": N_("应为列表"),
    "too_short": N_("至少需要 {min_length} 项"),
    "too_long": N_("最多 {max_length} 项"),
    "model_type": N_("应为对象"),
    "dict_type": N_("应为对象"),
    "model_attributes_type": N_("应为对象"),
    "extra_forbidden": N_("不认识的字段"),
    "enum": N_("不是可选的值"),
    "literal_error": N_("不是可选的值"),
    "json_invalid": N_("不是合法的 JSON"),
    "uuid_parsing": N_("格式不正确"),
}


def reason_of(error: Any) -> Message:
    """A pydantic error as a Chinese reason (a validator's own ``InputProblem`` message if any)."""
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, InputProblem):
        return cause.msg
    if isinstance(cause, ApplicationError):
        return cause.msg
    if isinstance(cause, str) and CJK.search(cause):
        # ninja hands the API's validation errors over with the validator's message as text: a msgid,
        # or an already rendered Chinese sentence (which then stays Chinese in English too).
        return Msg(cause)
    template = REASONS.get(str(error.get("type")), "格式不正确")
    params = {k: _shown(v) for k, v in ctx.items() if k != "error"}
    return Msg(template, **params) if params else Msg(template)


_DECIMAL_REPR = re.compile(r"^Decimal\('([-+0-9.eE]+)'\)$")


def _shown(value: Any) -> Any:
    """A bound as people read it: ``Decimal('1000000000')`` (pydantic passes some bounds as that
    text) → ``1,000,000,000``; ``0.50`` → ``0.5``; below 10,000 without separators (``2000``)."""
    if isinstance(value, str) and (found := _DECIMAL_REPR.match(value)):
        value = Decimal(found.group(1))
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        return value
    number = Decimal(str(value))
    text = f"{number:,f}" if abs(number) >= 10_000 else f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ------------------------------------------------------------------------------------------------
# Field types


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _plain_number(value: Any) -> Any:
    """Accept ``"1,200.50"`` and full-width ``１，２００．５０`` as people type them, refuse a comma
    anywhere but between groups of three (``"12,5"`` is not 125; ``core.money.number_text``) and
    booleans."""
    if isinstance(value, bool):
        raise InputProblem("应为数字")
    if isinstance(value, str):
        try:
            return number_text(value)
        except GroupingError:
            raise InputProblem(GROUPING) from None
    return value


def _whole_fen(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise InputProblem("须精确到分（最多两位小数）")
    return value.quantize(Decimal("0.01"))


number = BeforeValidator(_plain_number)
"""For ``Annotated[Decimal | float | int, number, …]``: the one rule for digits as people type them
(every amount, measure and rate of an input model carries it; ``tests/test_inputs_bounded.py``)."""

Money = Annotated[
    Decimal,
    number,
    Field(ge=0, le=MAX_MONEY, allow_inf_nan=False),
    AfterValidator(_whole_fen),
]
"""A non-negative amount in yuan, to the fen, at most 10^12."""

OptionalMoney = Annotated[Money | None, BeforeValidator(_blank_to_none)]

SignedMoney = Annotated[
    Decimal,
    number,
    Field(ge=-MAX_MONEY, le=MAX_MONEY, allow_inf_nan=False),
    AfterValidator(_whole_fen),
]
"""An amount in yuan that may be negative (a loss), to the fen, at most 10^12 either way."""

blank_is_none = BeforeValidator(_blank_to_none)
"""For ``Annotated[X | None, blank_is_none]``: an empty form field counts as absent."""

Rate = Annotated[Decimal, number, Field(ge=0, le=1, allow_inf_nan=False)]
"""A share of a whole, 0 … 1."""

Quantity = Annotated[Decimal, number, Field(ge=0, le=Decimal(10) ** 9, allow_inf_nan=False)]
"""A non-negative measure (area, count, years), at most 10^9."""

Count = Annotated[int, number, Field(ge=0, le=MAX_INT)]
"""A whole number of things (people, jobs, rows), 0 … 2^31 − 1; ``"1,250"`` is 1250."""
Year = Annotated[int, Field(ge=1949, le=2200)]


def _no_timestamp(value: Any) -> Any:
    """pydantic reads a bare number as a Unix time (``0`` is 1970-01-01); a date is written as a date."""
    if isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        raise InputProblem("日期格式应为 YYYY-MM-DD")
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


Date = Annotated[dt.date, BeforeValidator(_no_timestamp)]
"""A calendar date: ``YYYY-MM-DD`` (or a ``date``), never a number read as a Unix time."""


def Text(max_length: int, *, required: bool = True) -> Any:
    """Stripped text of at most ``max_length`` characters (non-empty when ``required``)."""
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1 if required else 0, max_length=max_length)
    ]


VillageCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{12}$")]
TownCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{9}$")]
CountyCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]
RegionCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^(\d{6}|\d{9}|\d{12})$")]


def _phone(value: str) -> str:
    try:
        return identity.normalise_phone(value)
    except identity.IdentityError as exc:
        raise InputProblem(exc.msg) from None


def _id_number(value: str) -> str:
    if not value:
        return ""
    today = dt.datetime.now(_CHINA).date()
    try:
        return identity.normalise_valid_id_number(value, today=today)
    except identity.IdentityError as exc:
        raise InputProblem(exc.msg) from None


_CHINA = ZoneInfo("Asia/Shanghai")

Phone = Annotated[
    str,
    BeforeValidator(lambda v: "" if v is None else v),
    StringConstraints(strip_whitespace=True, max_length=40),
    AfterValidator(_phone),
]
"""A mainland mobile or a landline (``core.identity``), stored normalised: ``13912345678``,
``0635-8231234``, ``0635-8231234转801``; blank is ``""``. Full-width digits, spaces, hyphens,
parentheses and a ``+86``/``0086`` prefix are accepted as typed."""

IdNumber = Annotated[
    str,
    BeforeValidator(lambda v: "" if v is None else v),
    StringConstraints(strip_whitespace=True, max_length=40),
    AfterValidator(_id_number),
]
"""A resident ID number (GB 11643-1999 check digit and a real birth date) or a unified social credit
code (GB 32100-2015 check character), normalised to 18 upper-case characters; blank is ``""``."""


def _accepted(value: bool) -> bool:
    if value is not True:
        raise InputProblem("须勾选同意")
    return value


Accepted = Annotated[bool, AfterValidator(_accepted)]
"""A box the user must tick (consent to the 个人信息处理规则): anything but ``true`` is refused."""


def _split_words(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        for sep in ("，", "、", ";", "；"):
            value = value.replace(sep, ",")
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def VocabCodes(vocabulary: str, *, max_items: int = 30) -> Any:
    """Codes of the named vocabulary (``category``, ``kind``, ``form``, ``resource``, ``title``): a
    list or one comma-separated string, de-duplicated in vocabulary order; unknown codes refused."""

    def check(values: list[str]) -> list[str]:
        for code in values:
            vocab.index_of(vocabulary, code)  # raises UnknownCodeError naming the code
        return sorted(set(values), key=lambda c: vocab.index_of(vocabulary, c))

    return Annotated[
        list[Annotated[str, StringConstraints(max_length=40)]],
        BeforeValidator(_split_words),
        Field(max_length=max_items),
        AfterValidator(check),
    ]


def VocabCode(vocabulary: str) -> Any:
    """One code of the named vocabulary."""

    def check(value: str) -> str:
        vocab.index_of(vocabulary, value)
        return value

    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), AfterValidator(check)]


Words = Annotated[
    list[Annotated[str, StringConstraints(max_length=40)]],
    BeforeValidator(_split_words),
    Field(max_length=20),
]
"""Free keywords, comma-separated or a list, at most 20 of 40 characters."""


# ------------------------------------------------------------------------------------------------
# HTML forms


def add_to_form(form: Any, error: ApplicationError) -> None:
    """Show ``error`` on ``form``: on the field it names when the form has it, else above the form.

    The message carries the Chinese labels (``InputError``), never the JSON path."""
    name = (error.field or "").split(".")[0].split("[")[0]
    form.add_error(name if name in form.fields else None, error.message)


def submit(form: Any, action: Any) -> Any:
    """``action(form.cleaned_data)`` when the form is valid; a domain error goes onto the form and
    the result is ``None``, so the view re-renders it. The one place a page catches a domain error."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ApplicationError as exc:
        if exc.status in (401, 403, 404):
            raise  # not the form's fault: the error middleware renders the 401/403/404 page
        add_to_form(form, exc)
        return None


def perform(request: Any, action: Callable[[], T]) -> T | None:
    """``action()`` for a button that posts and redirects back (a workflow step, a decision): a
    refusal of the input or of the state (a 400 ``ApplicationError``) becomes an error message on
    the next page and the result is ``None``; 401/403/404 escape to the error middleware. The
    messages twin of :func:`submit`, for posts without a form to re-render."""
    from django.contrib import messages

    from xiangcun.core.errors import AccessDenied, NotAuthenticated, NotFoundError

    try:
        return action()
    except (AccessDenied, NotAuthenticated, NotFoundError):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
