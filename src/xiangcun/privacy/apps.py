from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "xiangcun.privacy"
    label = "privacy"
    verbose_name = "个人信息保护"
