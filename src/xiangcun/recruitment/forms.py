"""HTML forms for notices. They only shape input for ``schemas.NoticeIn`` / ``BatchIn``, which
validate; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.permissions import Capability
from xiangcun.core import vocab
from xiangcun.recruitment.models import AreaUnit, NoticeLevel, NoticeStatus
from xiangcun.recruitment.schemas import NoticeIn
from xiangcun.regions.forms import VillageField, bind_pickers

# The form offers one resource row; these are its fields, as named in ``NoticeIn.resources[0]``.
RESOURCE_FIELDS = {"kind": "resource_kind", "area": "resource_area", "unit": "resource_unit",
                   "description": "resource_description"}  # fmt: skip


class NoticeForm(forms.Form):
    """``user``: whose region the village pickers are limited to (a cadre's village is chosen already)."""

    title = forms.CharField(label=_("标题"), max_length=120)
    village = VillageField(label=_("所在村"), capability=Capability.NOTICE_DRAFT)
    other_villages = VillageField(
        label=_("其他涉及村庄（可选，须在同一县（市、区））"),
        capability=Capability.NOTICE_DRAFT,
        multiple=True,
        required=False,
    )
    level = forms.ChoiceField(label=_("层级"), choices=NoticeLevel.choices)
    category = forms.ChoiceField(label=_("项目类别"), choices=vocab.choices(vocab.PROJECT_CATEGORIES))
    kinds_wanted = forms.MultipleChoiceField(
        label=_("需要的合伙人类型"),
        choices=vocab.choices(vocab.PARTNER_KINDS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cooperation_forms = forms.MultipleChoiceField(
        label=_("合作方式"),
        choices=vocab.choices(vocab.COOPERATION_FORMS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Numbers as typed ("1,250"): ``NoticeIn`` reads them with the one rule for digits.
    investment_min = forms.CharField(
        label=_("投资下限（万元）"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal"}),
    )
    investment_max = forms.CharField(
        label=_("投资上限（万元）"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal"}),
    )
    resource_kind = forms.ChoiceField(
        label=_("提供的资源：类型"), choices=[("", "—"), *vocab.choices(vocab.RESOURCE_KINDS)], required=False
    )
    resource_area = forms.CharField(
        label=_("面积/数量"), required=False, max_length=20, widget=forms.TextInput({"inputmode": "decimal"})
    )
    resource_unit = forms.ChoiceField(label=_("单位"), choices=AreaUnit.choices, required=False)
    resource_description = forms.CharField(
        label=_("资源说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("项目介绍"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=2000
    )
    incentives = forms.CharField(
        label=_("优惠条件"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    contact = forms.CharField(label=_("联系方式"), max_length=100, required=False)
    deadline = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_pickers(self, user)

    def add_error(self, field: str | None, error: Any) -> None:
        # ``NoticeIn`` and the services name the villages as one list: its first is 所在村.
        if field == "villages":
            field = "other_villages" if self.cleaned_data.get("other_villages") else "village"
        super().add_error(field, error)

    @staticmethod
    def input_data(d: dict[str, Any]) -> dict[str, Any]:
        """The cleaned data as ``NoticeIn`` reads it (the home village first, the resource row nested)."""
        data = {k: v for k, v in d.items() if k not in RESOURCE_FIELDS.values() and k != "other_villages"}
        data.pop("village", None)
        data["villages"] = list(dict.fromkeys([d["village"], *d.get("other_villages", [])]))
        data["resources"] = (
            [{name: d[field] for name, field in RESOURCE_FIELDS.items()}] if d["resource_kind"] else []
        )
        return data

    @staticmethod
    def initial_of(notice_in: NoticeIn) -> dict[str, Any]:
        """``notice_in`` as the form's initial values (its first resource in the resource row)."""
        initial = notice_in.model_dump(exclude={"resources", "villages"})
        initial["village"] = notice_in.villages[0]
        initial["other_villages"] = ",".join(notice_in.villages[1:])
        first = notice_in.resources[0] if notice_in.resources else None
        for name, field in RESOURCE_FIELDS.items():
            initial[field] = getattr(first, name) if first else ("" if name != "area" else None)
        return initial


class BatchForm(forms.Form):
    title = forms.CharField(label=_("批次名称"), max_length=100, required=False)
    date = forms.DateField(label=_("发布日期"), required=False)


class TransitionForm(forms.Form):
    """A workflow button's fields (the service checks the action and the reason) and the state
    the page showed (``expected_status``: another state by then is a 409, shown as a message)."""

    action = forms.CharField(max_length=20, required=False)
    reason = forms.CharField(max_length=300, required=False)
    expected_status = forms.ChoiceField(choices=NoticeStatus.choices, required=False)
