from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every model records when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ("-created_at",)


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Entries are only ever added: bulk changes through the ORM are refused."""

    def update(self, **kwargs: object) -> int:
        raise TypeError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("the audit log is append-only")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise TypeError("the audit log is append-only")


class AuditEntry(models.Model):
    """One entry of the hash-chained audit log (see ``core/audit.py``). ``id`` is the position in the
    chain (1, 2, 3, … without gaps); ``hash`` covers every field and ``prev_hash``."""

    id = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    # Who acted, by id and username at the time, not a foreign key: the entry keeps its actor whatever
    # happens to the account (accounts are deactivated, never deleted — ``accounts.services``).
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("操作人账号"), max_length=150)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=40)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    data = models.JSONField(_("内容"), default=dict)
    prev_hash = models.CharField(_("前序哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ("-id",)
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the audit log is append-only")


class DataVersion(models.Model):
    """The version of one app's public data, for the cached reads of ``core/readcache.py``: a new
    random ``token`` in the transaction of every write of that app (its audit entries)."""

    topic = models.CharField(_("数据主题"), max_length=40, primary_key=True)
    token = models.CharField(_("版本"), max_length=32)
    changed_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.topic} {self.token}"
