"""The calculator form: the facts of one project, money in 万元 as partners and officials think."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.money import GROUPING, GroupingError, number_text
from xiangcun.policies.facts import BOOL, CODE, COUNT, COUNTY, FACTS, MONEY, parse_fact

WAN = Decimal(10000)
_BOOL_CHOICES = [("", _("未填写")), ("true", _("是")), ("false", _("否"))]


class CalculatorForm(forms.Form):
    """Every fact is optional: what is left blank is reported per policy as missing, never an error.

    Values are checked by the same ``parse_fact`` the API and CLI use, so a negative investment or an
    unknown county gets the same Chinese message, here on its field."""

    date = forms.DateField(
        label=_("测算日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, counties: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counties = counties
        for name, fact in FACTS.items():
            label = fact.zh + ("（万元）" if fact.type == MONEY else "")
            if fact.type == COUNTY:
                choices = [("", _("请选择")), *counties.items()]
                self.fields[name] = forms.CharField(
                    label=label, required=False, widget=forms.Select(choices=choices)
                )
            elif fact.type == CODE:
                choices = [("", _("未填写")), *((t.code, t.zh) for t in fact.terms)]
                self.fields[name] = forms.CharField(
                    label=label, required=False, widget=forms.Select(choices=choices)
                )
            elif fact.type == BOOL:
                self.fields[name] = forms.CharField(
                    label=label, required=False, widget=forms.Select(choices=_BOOL_CHOICES)
                )
            else:
                attrs = {"inputmode": "decimal" if fact.type == MONEY else "numeric"}
                self.fields[name] = forms.CharField(
                    label=label, required=False, max_length=20, widget=forms.TextInput(attrs=attrs)
                )

    def _convert(self, name: str, value: str) -> Any:
        fact = FACTS[name]
        value = (value or "").strip()
        if not value:
            return None
        if fact.type in (MONEY, COUNT):
            try:
                value = number_text(value)
            except GroupingError:
                raise ApplicationError(
                    Msg("{label}：{reason}", label=fact.zh, reason=GROUPING), field=name
                ) from None
        if fact.type == MONEY:
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise ApplicationError(Msg("{zh}应为数字", zh=fact.zh, name=name), field=name) from None
            if not number.is_finite():
                raise ApplicationError(Msg("{zh}应为数字", zh=fact.zh, name=name), field=name)
            value = str(number * WAN)
        elif fact.type == COUNT and not value.lstrip("-").isdigit():
            raise ApplicationError(Msg("{zh}应为整数", zh=fact.zh, name=name), field=name)
        return parse_fact(name, value, self.counties)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in FACTS:
            try:
                self._convert(name, self.data.get(name, ""))
            except ApplicationError as exc:
                self.add_error(name, exc.message)
        return cleaned

    def facts(self) -> dict[str, Any]:
        """The raw facts in yuan (for ``selectors.policy_evaluate``), after ``is_valid()``."""
        result: dict[str, Any] = {}
        for name in FACTS:
            value = self._convert(name, self.data.get(name, ""))
            if value is not None:
                result[name] = value
        return result

    def has_facts(self) -> bool:
        return any((self.data.get(name) or "").strip() for name in FACTS)

    def project_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, f in FACTS.items() if f.owner == "project"]

    def partner_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, f in FACTS.items() if f.owner == "partner"]


class PublishForm(forms.Form):
    """The editor's publish button: carries the note so that a refusal lands on the form
    (``core.inputs.submit``); the files and the note are validated by ``schemas.PublishIn``."""

    note = forms.CharField(label=_("修改说明"), required=False, max_length=300)


def query_of(facts: dict[str, Any]) -> dict[str, str]:
    """Prefilled facts (yuan) as form data (万元)."""
    data: dict[str, str] = {}
    for name, value in facts.items():
        if value is None or name not in FACTS:
            continue
        kind = FACTS[name].type
        if kind == MONEY:
            text = f"{Decimal(value) / WAN:f}"
            data[name] = text.rstrip("0").rstrip(".") if "." in text else text
        elif kind == BOOL:
            data[name] = "true" if value else "false"
        else:
            data[name] = str(value)
    return data
