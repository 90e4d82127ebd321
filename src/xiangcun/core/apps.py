from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xiangcun.core"
    label = "core"
    verbose_name = "核心"
