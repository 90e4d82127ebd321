from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "xiangcun.policies"
    label = "policies"
    verbose_name = "政策计算器"
