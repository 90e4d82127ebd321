"""The JSON command shell and its strict readers, shared by the contract adapters.

Each contract command (``xiangcun valuate|settle|funding select``, ``docs/contracts/``) has an
adapter beside its computation (:mod:`xiangcun.agreements.contracts`,
:mod:`xiangcun.funding.contracts`; the resource reader in :mod:`xiangcun.resources.contracts`).
An adapter takes a parsed JSON document, reads it with the readers below, calls the pure
computation and renders the result: money as strings with two decimals, scores as numbers.

This module is the one JSON-path reading library of the commands: every fault raises
:class:`ContractError` naming the JSON path at fault (``parties[0].resources[1].area_mu``) and the
first fault in document order, nothing is ever half-rendered. (The commands keep these
hand-written readers rather than :mod:`xiangcun.core.inputs` models because their error objects
are part of the contract: same message, same path, same first fault as ever.)

:func:`run_command` reads a file (``-`` for standard input), prints the result and returns 0, or
prints one ``{"error", "field"}`` object on standard error and returns 2 — never a traceback.

Input conventions, beyond the examples:

* Numbers may be JSON numbers or strings (``"1200"``, ``"1,200.50"``); booleans, NaN, infinities,
  magnitudes above 10^12 and more than 20 decimal places are refused. Money must be a whole
  number of fen.
* A file holding a contract example (``{"input": …, "output": …}``) is read as its ``input``.
* Anything unknown is an error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TextIO, TypeVar

from xiangcun.core.errors import ApplicationError, Message, Msg
from xiangcun.core.money import FEN, MoneyError, to_decimal

ROOT = "$"
MAX_MAGNITUDE = Decimal(10) ** 12
MAX_PLACES = 20
ZERO = Decimal(0)

JSONDict = dict[str, Any]
Command = Callable[[object], JSONDict]
E = TypeVar("E", bound=StrEnum)


class ContractError(ApplicationError):
    """Bad command input: a Chinese ``message`` (English in the catalogue) and the JSON path at fault."""

    def __init__(self, message: Message, field: str) -> None:
        super().__init__(message, field=field)
        self.path = field

    def as_json(self) -> dict[str, str]:
        """The standard-error object: ``{"error": "中文 (English)", "field": "<json path>"}``."""
        return {"error": f"{self.message_zh} ({self.message_en})", "field": self.path}


class Writer(Protocol):
    def write(self, s: str, /) -> object: ...


# ---------------------------------------------------------------------------------------------
# JSON paths


def join(path: str, key: str) -> str:
    """The path of ``key`` inside the object at ``path`` (``$`` is the document)."""
    return key if path == ROOT else f"{path}.{key}"


def item(path: str, index: int) -> str:
    """The path of item ``index`` of the array at ``path``."""
    return f"{path}[{index}]"


def translate(exc: ApplicationError, prefix: str = ROOT) -> ContractError:
    """A pure module's error (field relative to ``prefix``) as a contract error."""
    field = exc.field or ""
    path = prefix if not field else join(prefix, field)
    return ContractError(exc.msg, path)


# ---------------------------------------------------------------------------------------------
# Readers

_TYPE_NAMES_ZH = {
    "null": "空值",
    "boolean": "布尔值",
    "object": "对象",
    "array": "数组",
    "string": "字符串",
    "number": "数字",
}


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "number"


def wrong_type(value: object, path: str, expected: str) -> ContractError:
    found = _type_name(value)
    return ContractError(
        Msg(
            "应为{v}，实际为{v2}",
            v=_TYPE_NAMES_ZH[expected],
            v2=_TYPE_NAMES_ZH[found],
            expected=expected,
            found=found,
        ),
        path,
    )


def read_object(value: object, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> JSONDict:
    """A JSON object with exactly the required keys and possibly some optional ones."""
    if not isinstance(value, dict):
        raise wrong_type(value, path, "object")
    required = tuple(required)
    allowed = set(required) | set(optional)
    for key in value:
        if key not in allowed:
            raise ContractError(Msg("未知字段 {key}", key=key), join(path, str(key)))
    for key in required:
        if key not in value:
            raise ContractError(Msg("缺少字段 {key}", key=key), join(path, key))
    return value


def read_array(value: object, path: str, *, non_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise wrong_type(value, path, "array")
    if non_empty and not value:
        raise ContractError("不能为空列表", path)
    return value


def read_text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise wrong_type(value, path, "string")
    if not value.strip():
        raise ContractError("不能为空", path)
    return value


def read_number(
    value: object, path: str, *, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal:
    """A decimal from a JSON number or string, finite, |x| ≤ 10^12, optionally bounded."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise wrong_type(value, path, "number")
    try:
        number = to_decimal(value)
    except MoneyError:
        raise ContractError(Msg("不是有效的数字：{value}", value=value), path) from None
    if abs(number) > MAX_MAGNITUDE:
        raise ContractError("数值过大", path)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise ContractError(Msg("小数位数过多（最多 {MAX_PLACES} 位）", MAX_PLACES=MAX_PLACES), path)
    if minimum is not None and number < minimum:
        if minimum == 0:
            raise ContractError("不能为负数", path)
        raise ContractError(Msg("不能小于 {minimum}", minimum=minimum), path)
    if maximum is not None and number > maximum:
        raise ContractError(Msg("不能大于 {maximum}", maximum=maximum), path)
    return Decimal(0) if number == 0 else number  # never -0


def read_money(value: object, path: str, *, allow_negative: bool = False) -> Decimal:
    """An amount of yuan that is a whole number of fen."""
    amount = read_number(value, path, minimum=None if allow_negative else ZERO)
    if amount != amount.quantize(FEN):
        raise ContractError("金额须精确到分（最多两位小数）", path)
    return amount


def read_optional(doc: JSONDict, key: str, default: Decimal, path: str, **bounds: Decimal) -> Decimal:
    """``doc[key]`` as a bounded number, or ``default`` when the key is absent."""
    if key not in doc:
        return default
    return read_number(doc[key], join(path, key), **bounds)


def read_choice(value: object, path: str, choices: type[E], unknown: Callable[[str, str], Message]) -> E:
    """A member of the string enum ``choices``; else the message ``unknown(text, allowed)``."""
    text = read_text(value, path)
    try:
        return choices(text)
    except ValueError:
        allowed = ", ".join(c.value for c in choices)
        raise ContractError(unknown(text, allowed), path) from None


def check_unique(items: list[Any], path: str, key: str = "id") -> None:
    """No two objects of ``items`` (already read) share ``key``."""
    seen: set[str] = set()
    for i, entry in enumerate(items):
        value = entry[key]
        if value in seen:
            raise ContractError(Msg("编号重复：{value}", value=value, key=key), join(item(path, i), key))
        seen.add(value)


def unwrap(doc: object) -> object:
    """A contract example file ``{"input": …, "output": …}`` (with, optionally, the ``command`` it
    documents) stands for its input."""
    if (
        isinstance(doc, dict)
        and "input" in doc
        and set(doc) <= {"command", "input", "output"}
        and isinstance(doc["input"], dict)
    ):
        return doc["input"]
    return doc


# ---------------------------------------------------------------------------------------------
# Rendering


def score_number(score: Decimal) -> float:
    """A four-decimal score as a JSON number (``31.481``, ``85.7143``)."""
    return float(score)


# ---------------------------------------------------------------------------------------------
# The command shell


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> JSONDict:
    result: JSONDict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_document(text: str) -> object:
    """Strict JSON: decimals kept exact, no NaN/Infinity, no duplicate keys."""
    try:
        return json.loads(
            text, parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates
        )
    except (ValueError, RecursionError) as exc:
        raise ContractError(Msg("不是有效的 JSON：{exc}", exc=exc), ROOT) from None


def read_source(path: str, stdin: TextIO | None = None) -> str:
    """The text of the file at ``path`` (UTF-8, a BOM allowed), or of standard input for ``-``."""
    if path == "-":
        source = stdin if stdin is not None else sys.stdin
        try:
            return source.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ContractError(Msg("无法读取标准输入：{exc}", exc=exc), ROOT) from None
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ContractError(Msg("文件不存在：{path}", path=path), ROOT) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(Msg("无法读取文件 {path}：{exc}", path=path, exc=exc), ROOT) from None


def run_command(
    command: Command, path: str, stdout: Writer, stderr: Writer, stdin: TextIO | None = None
) -> int:
    """Run one contract command (an adapter) on a JSON file (``-``: standard input).

    Exit status 0 with the result on ``stdout``; 2 with ``{"error", "field"}`` on ``stderr`` and
    nothing on ``stdout`` for bad input; 1, also as one JSON object on ``stderr``, should a bug
    escape (never a traceback).
    """
    try:
        result = command(parse_document(read_source(path, stdin)))
        text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    except ContractError as exc:
        stderr.write(json.dumps(exc.as_json(), ensure_ascii=False) + "\n")
        return 2
    except ApplicationError as exc:
        stderr.write(json.dumps(translate(exc).as_json(), ensure_ascii=False) + "\n")
        return 2
    except Exception as exc:  # a bug: still one JSON object, never a traceback
        error = {"error": f"内部错误 (internal error: {type(exc).__name__}: {exc})", "field": ROOT}
        stderr.write(json.dumps(error, ensure_ascii=False) + "\n")
        return 1
    stdout.write(text)
    return 0
