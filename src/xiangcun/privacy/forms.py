from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    password = forms.CharField(label=_("请输入密码确认"), widget=forms.PasswordInput, max_length=128)
    confirm = forms.BooleanField(label=_("我已了解注销后账号不能恢复"), required=False)


class ReadLogForm(forms.Form):
    reader = forms.CharField(label=_("查看人用户名"), max_length=150, required=False)
    model = forms.ChoiceField(label=_("数据类别"), required=False)
    pk = forms.CharField(label=_("记录编号"), max_length=40, required=False)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, kinds: list[tuple[str, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["model"].choices = [("", _("全部")), *kinds]  # type: ignore[attr-defined]
