"""Every input model and every HTML form is bounded and speaks Chinese.

Walks every pydantic model of every app's ``schemas.py`` (and every Django form of every
``forms.py``) and asserts, for each input:

* no unbounded text: each string of the model's JSON schema has a ``maxLength``, an anchored fixed-size
  ``pattern`` (``^\\d{12}$``), an enumeration or a date format — a 10,000-character description or a
  20,000-character profile is refused, naming the field;
* a Chinese ``title`` on every field, so that an error reads "面积：…", never "area：…" or the JSON path;
* every amount, measure and rate (``Decimal``, ``float``) goes through the one rule for digits
  (``core.inputs.number``: "1,250" is 1250, "12,5" is refused), never Python's ``Decimal("1_250")``;
* every Django ``CharField`` has a ``max_length`` (rendered as the ``maxlength`` attribute).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import types
import typing
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from pydantic import BaseModel, BeforeValidator

import xiangcun
from xiangcun.core.inputs import _plain_number

# Models of a schemas.py that are not inputs although their names do not say so.
OUTPUTS = {"resources.NoticeLink", "resources.CountyFigure"}
INPUTS = {"matching.TopK", "resources._ResourceFields", "agreements.In", "funding.In"}
# A pattern bounds a string when it is anchored and every quantifier in it has an upper bound.
BOUNDED_PATTERN = re.compile(r"^\^(?:[^*+{]|\{\d+(?:,\d+)?\})*\$$")
DATE_FORMATS = {"date", "date-time", "time", "uuid", "binary", "duration"}


def _modules(name: str) -> list[tuple[str, types.ModuleType]]:
    found = []
    for info in pkgutil.iter_modules(xiangcun.__path__):
        try:
            found.append((info.name, importlib.import_module(f"xiangcun.{info.name}.{name}")))
        except ModuleNotFoundError:
            continue
    return found


def _is_output(app: str, name: str) -> bool:
    return name.endswith(("Out", "Item", "Detail")) or f"{app}.{name}" in OUTPUTS


def input_models() -> list[tuple[str, type[BaseModel]]]:
    models = []
    for app, module in _modules("schemas"):
        for name, cls in vars(module).items():
            if not (
                inspect.isclass(cls) and issubclass(cls, BaseModel) and cls.__module__ == module.__name__
            ):
                continue
            if _is_output(app, name):
                continue
            assert name.endswith(("In", "Query", "Patch")) or f"{app}.{name}" in INPUTS, (
                f"{app}.schemas.{name}: name an input model …In/…Query/…Patch (or an output …Out), "
                "or list it in OUTPUTS/INPUTS here"
            )
            models.append((f"{app}.{name}", cls))
    return models


MODELS = input_models()


def _unbounded_strings(node: Any, path: str) -> list[str]:
    """Paths of the string schemas under ``node`` that admit text of any length."""
    if not isinstance(node, dict):
        return []
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives:
        # A number may also be written as a string ("1,250"): that string is a number, not text.
        numeric = any(a.get("type") in ("number", "integer") for a in alternatives)
        return [
            p
            for a in alternatives
            if not (numeric and a.get("type") == "string")
            for p in _unbounded_strings(a, path)
        ]
    found = []
    if node.get("type") == "string":
        bounded = (
            "maxLength" in node
            or "enum" in node
            or "const" in node
            or node.get("format") in DATE_FORMATS
            or bool(BOUNDED_PATTERN.match(node.get("pattern", "")))
        )
        if not bounded:
            found.append(path)
    if "enum" in node or "const" in node:
        return found
    if node.get("type") == "array":
        found += _unbounded_strings(node.get("items", {}), f"{path}[]")
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        found += _unbounded_strings(extra, f"{path}{{}}")
    keys = node.get("propertyNames")
    if isinstance(keys, dict):
        found += _unbounded_strings(keys, f"{path}{{key}}")
    return found


@pytest.mark.parametrize(("name", "model"), MODELS, ids=[n for n, _ in MODELS])
def test_no_input_model_accepts_unbounded_text(name: str, model: type[BaseModel]) -> None:
    schema = model.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    unbounded = [
        p
        for field, node in schema.get("properties", {}).items()
        for p in _unbounded_strings(node, f"{name}.{field}")
    ]
    for nested, node in schema.get("$defs", {}).items():
        for field, prop in node.get("properties", {}).items():
            unbounded += _unbounded_strings(prop, f"{nested}.{field}")
    assert not unbounded, f"text of any length accepted: {unbounded} (use core.inputs.Text(n) or max_length=)"


@pytest.mark.parametrize(("name", "model"), MODELS, ids=[n for n, _ in MODELS])
def test_every_input_field_has_a_chinese_title(name: str, model: type[BaseModel]) -> None:
    untitled = [f for f, info in model.model_fields.items() if not info.title]
    assert not untitled, f"{name}: fields without title= (errors would show the field name): {untitled}"
    not_chinese = [
        f for f, info in model.model_fields.items() if not re.search(r"[\u4e00-\u9fff]", info.title or "")
    ]
    assert not not_chinese, f"{name}: titles not in Chinese: {not_chinese}"


def _leaves(annotation: Any, metadata: tuple[Any, ...] = ()) -> typing.Iterator[tuple[Any, tuple[Any, ...]]]:
    """The leaf types of an annotation with the metadata (validators) that apply to each."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *more = typing.get_args(annotation)
        yield from _leaves(base, metadata + tuple(more))
        return
    args = typing.get_args(annotation)
    if args and origin is not typing.Literal:
        union = origin in (typing.Union, types.UnionType)
        for arg in args:
            yield from _leaves(arg, metadata if union else ())
        return
    yield annotation, metadata


@pytest.mark.parametrize(("name", "model"), MODELS, ids=[n for n, _ in MODELS])
def test_every_amount_goes_through_the_one_rule_for_digits(name: str, model: type[BaseModel]) -> None:
    missing = []
    for field, info in model.model_fields.items():
        for leaf, metadata in _leaves(info.annotation, tuple(info.metadata)):
            if leaf not in (Decimal, float):
                continue
            ruled = any(isinstance(m, BeforeValidator) and m.func is _plain_number for m in metadata)
            if not ruled:
                missing.append(field)
    assert not missing, (
        f"{name}: numbers without core.inputs.number ('12,5' or '1_250' read as 125/1250): {missing}"
    )


def _form_classes() -> list[tuple[str, type[forms.BaseForm]]]:
    found = []
    for app, module in _modules("forms"):
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append((f"{app}.{name}", cls))
    return found


FORMS = _form_classes()


@pytest.mark.parametrize(("name", "form"), FORMS, ids=[n for n, _ in FORMS])
def test_every_form_text_field_has_a_max_length(name: str, form: type[forms.BaseForm]) -> None:
    django_own = {
        field for base in form.__mro__ if not base.__module__.startswith("xiangcun.")
        for field in getattr(base, "declared_fields", {})
    }  # fmt: skip
    unbounded = [
        field
        for field, f in form.base_fields.items()
        if type(f) is forms.CharField and f.max_length is None and field not in django_own
    ]
    assert not unbounded, f"{name}: CharFields without max_length: {unbounded}"
