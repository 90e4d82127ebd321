from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "xiangcun.partners"
    label = "partners"
    verbose_name = "合伙人"
