from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xiangcun.accounts"
    label = "accounts"
    verbose_name = "用户与权限"
