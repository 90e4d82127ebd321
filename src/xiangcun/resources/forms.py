"""HTML forms for resources. They only shape input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms

from xiangcun.accounts.permissions import Capability
from xiangcun.core import vocab
from xiangcun.regions.forms import VillageField, bind_pickers
from xiangcun.resources.models import AreaUnit, OwnerType, ResourceStatus, RightType, ValuationMethod


class ResourceForm(forms.Form):
    """``user``: whose region the village picker is limited to. 经度 comes before 纬度 (one order
    everywhere); the page sets both with the map picker (resources/location_picker.js)."""

    village = VillageField(label="所在村", capability=Capability.RESOURCE_EDIT)
    name = forms.CharField(label="资源名称", max_length=100)
    kind = forms.ChoiceField(label="资源类型", choices=vocab.choices(vocab.RESOURCE_KINDS))
    right = forms.ChoiceField(label="权利类型", choices=RightType.choices)
    owner_type = forms.ChoiceField(label="权利人类型", choices=OwnerType.choices)
    owner_name = forms.CharField(label="权利人", max_length=60, required=False)
    area = forms.CharField(label="面积", max_length=20)
    unit = forms.ChoiceField(label="面积单位", choices=AreaUnit.choices)
    lng = forms.CharField(
        label="经度（WGS-84）", max_length=20, widget=forms.TextInput({"inputmode": "decimal"})
    )
    lat = forms.CharField(
        label="纬度（WGS-84）", max_length=20, widget=forms.TextInput({"inputmode": "decimal"})
    )
    current_use = forms.CharField(label="现状用途", max_length=200, required=False)
    permitted_use = forms.CharField(label="规划（允许）用途", max_length=200, required=False)
    status = forms.ChoiceField(label="状态", choices=ResourceStatus.choices)
    description = forms.CharField(
        label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    valuation_method = forms.ChoiceField(
        label="估值方法", choices=[("", "—"), *ValuationMethod.choices], required=False
    )
    appraised_value = forms.CharField(label="评估价值（元）", max_length=20, required=False)
    appraised_on = forms.DateField(
        label="评估日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    appraiser = forms.CharField(label="评估机构/评估人", max_length=100, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_pickers(self, user)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("village", None)
        return data


class PhotoForm(forms.Form):
    photo = forms.ImageField(label="照片")
    caption = forms.CharField(label="说明", max_length=100, required=False)


class PhotoUploadForm(forms.Form):
    """What the photo button sends; the service checks that the file is an image (and its size)."""

    photo = forms.FileField(label="照片")
    caption = forms.CharField(label="说明", max_length=100, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel（.xlsx）或 CSV 文件")
