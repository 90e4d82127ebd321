from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiangcun.core import vocab


class PartnerRegisterForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(
        label=_("密码（至少 10 位）"), widget=forms.PasswordInput, min_length=10, max_length=128
    )
    name = forms.CharField(label=_("姓名或机构名称"), max_length=100)
    is_organisation = forms.BooleanField(label=_("以机构名义注册"), required=False)
    kind = forms.ChoiceField(label=_("合伙人类型"), choices=vocab.choices(vocab.PARTNER_KINDS))
    contact_name = forms.CharField(label=_("联系人"), max_length=40, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    id_number = forms.CharField(label=_("身份证号/统一社会信用代码"), max_length=20, required=False)
    home_county = forms.ChoiceField(label=_("籍贯县（市、区）"), required=False)
    title_level = forms.ChoiceField(
        label=_("专业技术职称"), choices=[("", "—"), *vocab.choices(vocab.TITLE_LEVELS)], required=False
    )
    high_level_talent = forms.BooleanField(label=_("享受省市高层次人才绿色通道服务"), required=False)
    # Numbers as typed ("1,250"): ``PartnerProfileIn`` reads them with the one rule for digits.
    capital_min = forms.CharField(
        label=_("可投入资金下限（万元）"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal"}),
    )
    capital_max = forms.CharField(
        label=_("可投入资金上限（万元）"),
        required=False,
        max_length=20,
        widget=forms.TextInput({"inputmode": "decimal"}),
    )
    skills = forms.CharField(label=_("专长（用顿号或逗号分隔）"), max_length=300, required=False)
    tags = forms.CharField(label=_("标签"), max_length=300, required=False)
    preferred_counties = forms.MultipleChoiceField(
        label=_("意向县（市、区）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    preferred_categories = forms.MultipleChoiceField(
        label=_("意向项目类别"),
        choices=vocab.choices(vocab.PROJECT_CATEGORIES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cooperation_forms = forms.MultipleChoiceField(
        label=_("合作方式"),
        choices=vocab.choices(vocab.COOPERATION_FORMS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    resources_wanted = forms.MultipleChoiceField(
        label=_("所需资源"),
        choices=vocab.choices(vocab.RESOURCE_KINDS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    profile = forms.CharField(
        label=_("个人/机构简介"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=3000
    )
    track_record = forms.CharField(
        label=_("过往业绩"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000
    )
    certifications = forms.CharField(
        label=_("资质证书"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    # Unticked until the person ticks it: consent to the 个人信息处理规则 is never presumed.
    privacy_consent = forms.BooleanField(label=_("我已阅读并同意《个人信息处理规则》"), required=False)

    def __init__(self, *args: object, counties: list[tuple[str, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["home_county"].choices = [("", "—"), *counties]  # type: ignore[attr-defined]
        self.fields["preferred_counties"].choices = list(counties)  # type: ignore[attr-defined]


class PartnerProfileForm(PartnerRegisterForm):
    """The registration form without the account fields: a partner edits their profile."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["username"]
        del self.fields["password"]
        del self.fields["privacy_consent"]
