from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "xiangcun.matching"
    label = "matching"
    verbose_name = "需求对接"
