from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts import throttle
from xiangcun.accounts.models import User


def _throttled_message(wait: int) -> forms.ValidationError:
    return forms.ValidationError(
        _("登录尝试过于频繁，请 %(seconds)s 秒后再试。"), code="throttled", params={"seconds": wait}
    )


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), max_length=128, widget=forms.PasswordInput)

    def __init__(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        username, password = data.get("username"), data.get("password")
        if not username or not password:
            return data
        try:
            user = throttle.check(self.request, str(username), str(password), authenticate)
        except throttle.Throttled as exc:
            raise _throttled_message(exc.wait_seconds) from None
        if user is None:
            raise forms.ValidationError(_("用户名或密码不正确。"), code="invalid")
        self.user = user
        return data


class AdminLoginForm(AdminAuthenticationForm):
    """The Django admin's log-in through the same throttle as the site's."""

    def clean(self) -> dict[str, object]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password and self.request is not None:
            try:
                self.user_cache = throttle.check(self.request, str(username), str(password), authenticate)
            except throttle.Throttled as exc:
                raise _throttled_message(exc.wait_seconds) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
