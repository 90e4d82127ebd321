from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operator commands that span the domains: demo data, serving, backups."""

    name = "xiangcun.ops"
    label = "ops"
    verbose_name = "运维"
