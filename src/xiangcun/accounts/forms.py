from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts import services
from xiangcun.accounts.models import User


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)

    def __init__(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        username, password = data.get("username"), data.get("password")
        if not username or not password:
            return data
        ip = self.request.META.get("REMOTE_ADDR")
        if services.login_is_locked(username=str(username), ip_address=ip):
            raise forms.ValidationError(_("登录失败次数过多，请 15 分钟后再试。"), code="locked")
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            services.login_failure_record(username=str(username), ip_address=ip)
            raise forms.ValidationError(_("用户名或密码不正确。"), code="invalid")
        services.login_failures_clear(username=str(username))
        self.user = user  # type: ignore[assignment]
        return data
