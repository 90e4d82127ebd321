from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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


class AppendOnlyQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Rows of a record are written once and never changed or removed through the ORM."""

    def update(self, **kwargs: object) -> int:
        raise TypeError(f"{self.model.__name__} is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} is append-only")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} is append-only")


class PrivacyConsent(AppendOnly):
    """A user's acceptance of one version of the 个人信息处理规则 (``accounts/privacy.py``): when, and on
    which page or endpoint. Written at registration; never changed (a new version means a new row)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="privacy_consents"
    )
    version = models.PositiveSmallIntegerField(_("规则版本"))
    at = models.DateTimeField(_("同意时间"), default=timezone.now)
    source = models.CharField(_("来源"), max_length=200)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("个人信息处理同意记录")
        verbose_name_plural = _("个人信息处理同意记录")
        constraints = [
            models.CheckConstraint(condition=models.Q(version__gte=1), name="consent_version_ge_1")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} v{self.version} {self.at:%Y-%m-%d}"


# How the read log names the fields it records (model field names of the records read).
FIELD_LABELS = {
    "name": _("姓名"),
    "contact_name": _("联系人"),
    "phone": _("手机号"),
    "id_number": _("证件号"),
    "contact": _("联系方式"),
    "description": _("项目介绍"),
    "contact_phone": _("联系电话"),
}


class PersonalDataRead(AppendOnly):
    """One reader's view of one record's personal fields in full (unmasked phone or ID number): who,
    when, which record (``app_label.model`` and pk), which fields and why. Append-only; written by
    ``accounts.privacy.log_personal_reads`` only. ``reader`` and ``subject`` keep the user's id even
    if an account row were ever removed (no database constraint, nothing cascades into this table);
    ``reader_name`` keeps who it was as shown at the time."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    reader = models.ForeignKey(
        User,
        verbose_name=_("查看人"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    reader_name = models.CharField(_("查看人"), max_length=150)
    reader_role = models.CharField(_("查看人角色"), max_length=20, choices=Role.choices)
    record_model = models.CharField(_("数据类别"), max_length=60)
    record_pk = models.CharField(_("记录编号"), max_length=40)
    subject = models.ForeignKey(
        User,
        verbose_name=_("个人信息主体账号"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    fields = models.JSONField(_("字段"), default=list)
    purpose = models.CharField(_("用途"), max_length=120)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        indexes = [
            models.Index(fields=["record_model", "record_pk", "at"], name="read_record_at"),
            models.Index(fields=["reader", "at"], name="read_reader_at"),
            models.Index(fields=["subject", "at"], name="read_subject_at"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_name} {self.record_model}#{self.record_pk} {self.at:%Y-%m-%d %H:%M}"

    def field_labels(self) -> list[str]:
        return [str(FIELD_LABELS.get(f, f)) for f in self.fields]
