from __future__ import annotations

from typing import Any

from django import forms

from xiangcun.regions.models import Village
from xiangcun.regions.services import PROFILE_FIELDS


class VillageProfileForm(forms.ModelForm):
    class Meta:
        model = Village
        fields = PROFILE_FIELDS

    def changed_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data}
