from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from xiangcun.regions.models import Village
from xiangcun.regions.services import PROFILE_FIELDS


class VillageProfileForm(forms.ModelForm):
    """The profile, plus one collective-income field per year shown (``income_2025`` …)."""

    class Meta:
        model = Village
        fields = PROFILE_FIELDS

    def __init__(self, *args: Any, years: list[int], incomes: dict[int, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"income_{year}"] = forms.DecimalField(
                label=f"{year} 年村集体收入（元）",
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
                initial=incomes.get(year),
            )

    def profile_input(self) -> dict[str, Any]:
        """The changed fields and incomes, as ``VillageProfileIn`` reads them."""
        return {**self.changed_values(), "incomes": self.changed_incomes()}

    def changed_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in PROFILE_FIELDS}

    def changed_incomes(self) -> dict[int, Decimal | None]:
        return {
            year: self.cleaned_data[f"income_{year}"]
            for year in self.years
            if f"income_{year}" in self.changed_data
        }
