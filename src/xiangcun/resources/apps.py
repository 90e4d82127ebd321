from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "xiangcun.resources"
    label = "resources"
    verbose_name = "资源"
