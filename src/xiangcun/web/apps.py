from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xiangcun.web"
    label = "web"
    verbose_name = "网站"
