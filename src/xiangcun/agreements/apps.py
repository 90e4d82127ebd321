from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "xiangcun.agreements"
    label = "agreements"
    verbose_name = "合伙人协议"
