from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "xiangcun.recruitment"
    label = "recruitment"
    verbose_name = "招募令"
