from typing import Any

from django.contrib.auth import views as auth
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts import views

app_name = "accounts"


def _form(heading: Any, button: Any, intro: Any = "") -> dict[str, Any]:
    return {
        "template_name": "accounts/password_form.html",
        "extra_context": {"heading": heading, "button": button, "intro": intro},
    }


def _message(heading: Any, message: Any) -> dict[str, Any]:
    return {
        "template_name": "accounts/password_message.html",
        "extra_context": {"heading": heading, "message": message},
    }


urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    # One's own password: change it when logged in, or reset it through the e-mail address on file.
    path(
        "password/",
        auth.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done"), **_form(_("修改密码"), _("保存新密码"))
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth.PasswordChangeDoneView.as_view(**_message(_("密码已修改"), _("您的新密码已生效。"))),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            **_form(
                _("找回密码"), _("发送重置链接"), _("填写账号登记的电子邮箱，我们会发送一个重置密码的链接。")
            ),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth.PasswordResetDoneView.as_view(
            **_message(_("请查收邮件"), _("如果该邮箱登记在某个账号上，重置链接已发出。"))
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete"),
            **_form(_("设置新密码"), _("保存新密码")),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth.PasswordResetCompleteView.as_view(**_message(_("密码已重置"), _("请用新密码登录。"))),
        name="password_reset_complete",
    ),
]
