"""Published versions of the policy library, and saved evaluations (each tied to a ruleset hash)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import BaseModel


class PolicyVersion(BaseModel):
    """The whole library as published: every YAML file's text, its hash, who published it and why.

    Only a library that loads strictly and passes all its test cases is ever saved (see
    ``services.policy_version_publish``); the newest version is the one the calculator uses."""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    files = models.JSONField(_("政策文件"), default=dict)
    ruleset_hash = models.CharField(_("规则集哈希"), max_length=64, db_index=True)
    note = models.CharField(_("修改说明"), max_length=300)
    changed_files = models.JSONField(_("变更的文件"), default=list, blank=True)
    tests_passed = models.PositiveIntegerField(_("通过的测试用例数"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ("-number",)
        verbose_name = _("政策库版本")
        verbose_name_plural = _("政策库版本")

    def __str__(self) -> str:
        return f"v{self.number} · {self.ruleset_hash[:12]}"


class SavedEvaluation(BaseModel):
    """One saved calculator result: the facts, the date, the ruleset hash and the full result."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on = models.DateField(_("测算日期"))
    ruleset_hash = models.CharField(_("规则集哈希"), max_length=64, db_index=True)
    facts = models.JSONField(_("项目与合伙人信息"), default=dict)
    total = models.DecimalField(_("合计金额（元）"), max_digits=16, decimal_places=2)
    result = models.JSONField(_("测算结果"), default=dict)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("测算记录")
        verbose_name_plural = _("测算记录")

    def __str__(self) -> str:
        return f"{self.on} · {self.total}"
