from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.regions.models import Village
from xiangcun.regions.services import PROFILE_FIELDS


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
