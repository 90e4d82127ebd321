from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    TOWN_ADMIN = "town_admin", _("乡镇管理员")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    PARTNER = "partner", _("合伙人")
    PUBLIC = "public", _("公众")


# The level of region each administrative role must be attached to.
ROLE_REGION_LEVEL = {
    Role.CITY_ADMIN: "city",
    Role.COUNTY_ADMIN: "county",
    Role.TOWN_ADMIN: "town",
    Role.VILLAGE_CADRE: "village",
}


class User(AbstractUser):
    """A platform user. Administrative roles carry the region they govern (an official code)."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    role = models.CharField(
        _("角色"), max_length=20, choices=Role.choices, default=Role.PUBLIC, db_index=True
    )
    region_code = models.CharField(_("管辖区划代码"), max_length=12, blank=True, db_index=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("示例账号"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["partner", "public"]) | ~models.Q(region_code=""),
                name="admin_roles_have_region",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class LoginThrottle(models.Model):
    """Failed log-ins counted per key — ``user:<name>|<address>`` and ``addr:<address>`` — shared by
    every app server through the database (see ``accounts/throttle.py``)."""

    key = models.CharField(max_length=220, unique=True)
    failures = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-updated_at",)
        verbose_name = _("登录限速记录")
        verbose_name_plural = _("登录限速记录")

    def __str__(self) -> str:
        return f"{self.key} ({self.failures})"
