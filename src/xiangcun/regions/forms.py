from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.permissions import Capability, can
from xiangcun.core.errors import Msg
from xiangcun.regions.models import Village
from xiangcun.regions.selectors import VillageChoice, village_choices, villages_named
from xiangcun.regions.services import PROFILE_FIELDS

MAX_PICKED = 50  # villages of one ``multiple`` picker (a notice involves at most 50)
_SEPARATORS = re.compile(r"[,，、;；\n]+")  # between villages of a ``multiple`` picker


class VillagePicker(forms.TextInput):
    """The widget of a ``VillageField``. ``web/_field.html`` renders it as the village picker
    (``web/_village_picker.html``: a search by name or pinyin initials within the user's region; without
    JavaScript a text box taking a village's name or its 12-digit code). Its ``widget_type`` is
    ``villagepicker``."""


class VillageField(forms.CharField):
    """A village (or, ``multiple``, several) chosen with the picker, cleaned to its 12-digit code.

    Takes what the picker posts (the code) and what a person types without JavaScript: the code, the
    village's exact name (unique within the user's region), or the picker's label "黄家庄村 · 三庄街道 ·
    东昌府区". A village outside the user's region (``can(user, capability, code)``) is refused on the
    field, in Chinese, naming it: the form is shown again and nothing is written (the service refuses
    it too). The form sets ``user`` (``bind_pickers``); without one every village is refused."""

    widget = VillagePicker

    def __init__(
        self, *, capability: Capability = Capability.OFFICIAL_READ, multiple: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("max_length", 1000 if multiple else 60)
        super().__init__(**kwargs)
        self.capability = capability
        self.multiple = multiple
        self.user: Any = None
        self._read: dict[str, str] = {}  # text as typed → the code(s) it was read as

    def prepare_value(self, value: Any) -> Any:
        # A form shown again (another field refused) shows a name typed without JavaScript as its code,
        # which the picker then displays by name.
        if isinstance(value, str) and value.strip() in self._read:
            return self._read[value.strip()]
        return super().prepare_value(value)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return [] if self.multiple else ""
        parts = [p for p in _SEPARATORS.split(text) if p.strip()] if self.multiple else [text]
        if len(parts) > MAX_PICKED:
            raise self._refuse(Msg("最多 {n} 个村", n=MAX_PICKED))
        codes = list(dict.fromkeys(self._code_of(p.strip()) for p in parts))
        self._read[text] = ",".join(codes)
        return codes if self.multiple else codes[0]

    def _allowed(self, code: str) -> bool:
        return can(self.user, self.capability, code)

    def _refuse(self, message: Msg) -> ValidationError:
        return ValidationError(str(Msg("{label}：{reason}", label=self.label, reason=message)))

    def _code_of(self, text: str) -> str:
        if text.isdigit():
            if len(text) != 12:
                raise self._refuse(Msg("村级区划代码应为 12 位数字（“{text}”）", text=text))
            found = village_choices([text])
            if not found:
                raise self._refuse(Msg("村级区划代码 {code} 不存在", code=text))
            return self._in_region(found[0])
        name, *where = [p.strip() for p in re.split(r"[·・]", text)]
        named = [VillageChoice.of(v) for v in villages_named(name)]
        if where:  # the picker's label: the town (and county) tell namesakes apart
            named = [c for c in named if c.town == where[0] and (len(where) < 2 or c.county == where[1])]
        if not named:
            raise self._refuse(Msg("找不到名为“{name}”的村，请填写村名或 12 位村级区划代码", name=name))
        mine = [c for c in named if self._allowed(c.code)]
        if len(mine) > 1:
            towns = "、".join(f"{c.town}" for c in mine[:5])
            raise self._refuse(
                Msg(
                    "有 {n} 个村名为“{name}”（{towns}），请从查找结果中选择，或填写 12 位村级区划代码",
                    n=len(mine),
                    name=name,
                    towns=towns,
                )
            )
        return self._in_region(mine[0] if mine else named[0])

    def _in_region(self, village: VillageChoice) -> str:
        if not self._allowed(village.code):
            raise self._refuse(Msg("{village}不在您的管辖范围内", village=village.full_name))
        return village.code


def bind_pickers(form: forms.BaseForm, user: Any) -> None:
    """Give the form's village pickers the user whose region they are limited to."""
    for field in form.fields.values():
        if isinstance(field, VillageField):
            field.user = user


def _number(label: Any, *, decimal: bool = True) -> forms.CharField:
    """A number as typed ("1,250"): the form only shapes it, ``VillageProfileIn`` reads it with the
    platform's one rule for digits (a Django number field would read "1_250" as 1250 and refuse "1,250")."""
    mode = "decimal" if decimal else "numeric"
    return forms.CharField(
        label=label, required=False, max_length=20, widget=forms.TextInput({"inputmode": mode})
    )


class VillageProfileForm(forms.Form):
    """The profile, plus one collective-income field per year shown (``income_2025`` …)."""

    households = _number(_("户数"), decimal=False)
    population = _number(_("人口"), decimal=False)
    cultivated_land_mu = _number(_("耕地面积（亩）"))
    featured_industry = forms.CharField(label=_("特色产业"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("联系村干部"), max_length=40, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(
        self, *args: Any, instance: Village, years: list[int], incomes: dict[int, Decimal], **kwargs: Any
    ) -> None:
        kwargs["initial"] = {name: getattr(instance, name) for name in PROFILE_FIELDS} | {
            f"income_{year}": incomes.get(year) for year in years
        }
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"income_{year}"] = _number(f"{year} 年村集体收入（元）")

    def profile_input(self) -> dict[str, Any]:
        """The changed fields and incomes, as ``VillageProfileIn`` reads them (blank numbers are
        left out: the profile keeps its figure; a blank income removes the year's figure)."""
        values = self.changed_values()
        for name in ("households", "population", "cultivated_land_mu"):
            if name in values and not str(values[name]).strip():
                del values[name]
        return {**values, "incomes": self.changed_incomes()}

    def changed_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in PROFILE_FIELDS}

    def changed_incomes(self) -> dict[int, Any]:
        return {
            year: self.cleaned_data[f"income_{year}"] or None
            for year in self.years
            if f"income_{year}" in self.changed_data
        }
