from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "xiangcun.funding"
    label = "funding"
    verbose_name = "项目遴选"
